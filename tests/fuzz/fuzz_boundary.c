/*
 * fuzz_boundary.c - libFuzzer target: the guest boundary. The input is
 * a script for the hostile test guest (tests/guest/hostile.c: platform
 * calls and MMIO accesses with arbitrary arguments, on every event),
 * written into a copy of its image after the script marker; the first
 * byte picks the approach. One run of tests/fuzz/boundary.json (every
 * device mapped, mail syncs, a VPN app, a download) with that image in
 * every domain must end RUN_OK: whatever a guest does is a domain fault
 * or a counted drop, never a host error, a crash or a sanitizer report.
 *
 * Paths: HANDSET_DATA (the source tree; tests/fuzz/run sets it) holds
 * the scenario, build/tests/guest/hostile.elf and the baseband firmware.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/names.h"
#include "run/run.h"
#include "config/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCRIPT_MAX 512 /* HOSTILE_SCRIPT_MAX */
static const char magic[16] = "HS-HOSTILE-SCR1";

static Scenario *sc;
static uint8_t *image; /* the hostile image's bytes */
static size_t image_size;
static size_t script_at; /* offset of the length after the marker */
static char dir[64];     /* scratch directory */
static char image_path[128], out_path[128], firmware[4096], service[4096];

static void die(const char *what)
{
    fprintf(stderr, "fuzz_boundary: %s\n", what);
    exit(2);
}

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            uint8_t *p = realloc(buf, cap);
            if (!p)
                die("out of memory");
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *size = n;
    return buf;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    if (dir[0])
        nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *data = getenv("HANDSET_DATA");
    char path[4096], err[512];
    if (!data || !data[0])
        die("set HANDSET_DATA to the source tree (tests/fuzz/run does)");
    snprintf(path, sizeof path, "%s/tests/fuzz/boundary.json", data);
    sc = scenario_load(path, err, sizeof err);
    if (!sc)
        die(err);
    /* the first syncs and the download are enough to reach every device;
     * a shorter run is more inputs per second */
    sc->duration_ps = 60 * HS_MS;
    snprintf(path, sizeof path, "%s/build/tests/guest/hostile.elf", data);
    image = slurp(path, &image_size);
    if (!image)
        die("no build/tests/guest/hostile.elf: make fuzz-build");
    const uint8_t *m = NULL;
    for (size_t i = 0; !m && i + sizeof magic <= image_size; i++)
        if (memcmp(image + i, magic, sizeof magic) == 0)
            m = image + i;
    if (!m || (size_t)(m - image) + 16 + 4 + SCRIPT_MAX > image_size)
        die("no script marker in hostile.elf");
    script_at = (size_t)(m - image) + 16;
    snprintf(firmware, sizeof firmware, "%s/build/baseband/firmware.elf", data);
    snprintf(service, sizeof service, "%s/build/guest/service.elf", data);
    snprintf(dir, sizeof dir, "/tmp/handset-fuzz.XXXXXX");
    if (!mkdtemp(dir))
        die("cannot make a scratch directory");
    atexit(cleanup);
    snprintf(image_path, sizeof image_path, "%s/hostile.elf", dir);
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1 < SCRIPT_MAX ? size - 1 : SCRIPT_MAX;
    uint8_t *s = image + script_at;
    s[0] = (uint8_t)len;
    s[1] = (uint8_t)(len >> 8);
    s[2] = s[3] = 0;
    memcpy(s + 4, data + 1, len);
    FILE *f = fopen(image_path, "wb");
    if (!f || fwrite(image, 1, image_size, f) != image_size || fclose(f))
        die("cannot write the image");
    const char *approach =
        scenario_approach_names[data[0] % SCENARIO_APPROACH_COUNT];
    RunOptions o = {
        .sc = sc,
        .variant = 0,
        .approach = approach,
        .out_dir = out_path,
        .image = image_path,
        .service = service,
        .firmware = firmware,
    };
    RunSummary sum;
    char err[1024] = "";
    RunStatus st = run_scenario(&o, &sum, err, sizeof err);
    if (st != RUN_OK) {
        fprintf(stderr, "fuzz_boundary: %s: the guest failed the host: %s\n",
                approach, err);
        abort();
    }
    nftw(out_path, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}
