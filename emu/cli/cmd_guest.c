/*
 * cmd_guest.c - `handset guest`: run one guest workload on a vCPU and
 * print its counts.
 *
 * Loads the domain image, boots it (HS_EV_BOOT), delivers HS_EV_WORKLOAD
 * with the chosen iteration count and runs the handler to completion in
 * budgeted slices with the standard platform-call handler. The check
 * value is compared with the host reference (the same guest/lib code
 * compiled for the host, libguestref.a). Everything printed is
 * deterministic except the host wall time and MIPS, which are labelled
 * host-side and kept in a separate "host" object in --json output.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cpu/elf_load.h"
#include "cpu/vcpu.h"
#include "guest/lib/wl.h"
#include "platform.h"

static int guest_main(int argc, char **argv);

const CliCommand cli_cmd_guest = {
    .name = "guest",
    .summary = "run one guest workload on a vCPU and print its counts",
    .usage =
        "Usage: handset guest WORKLOAD [--n N] [--core little|big] "
        "[--mhz F] [--json]\n"
        "\n"
        "Runs one guest workload on an AArch64 vCPU and prints\n"
        "instructions, cycles, simulated time and the check value, which\n"
        "is compared with the host reference (exit 1 if they differ or the\n"
        "guest faults).\n"
        "\n"
        "Workloads (work per iteration):\n"
        "  crypto   seal one 1,400-byte packet with ChaCha20-Poly1305\n"
        "  voice    G.722-encode and decode one 20 ms frame\n"
        "  mail     parse one IMAP FETCH response and decode its parts\n"
        "  ui       compose one 360x640 frame\n"
        "  gl       draw one 360x640 frame of the 3D app's scene (2000\n"
        "           triangles) in software, as a domain without 3D does\n"
        "\n"
        "Options:\n"
        "  --n N              iterations (default: per workload)\n"
        "  --core little|big  core type (default little)\n"
        "  --mhz F            clock in MHz (default: the core's)\n"
        "  --json             one JSON object on stdout\n"
        "\n"
        "The image is $HANDSET_GUEST_IMAGE, else guest/domain.elf next to\n"
        "the executable, else the installed copy.\n",
    .main = guest_main,
};

/* A workload runnable from the command line. */
typedef struct GuestWorkload {
    const char *name;   /* command-line name */
    uint32_t id;        /* HS_WL_* */
    uint32_t default_n; /* iterations by default */
    size_t scratch;     /* host reference scratch bytes */
    uint64_t (*ref)(uint32_t n, void *scratch); /* host reference */
} GuestWorkload;

static const GuestWorkload workloads[] = {
    {"crypto", HS_WL_CRYPTO, 64, WL_CRYPTO_SCRATCH_BYTES, wl_crypto},
    {"voice", HS_WL_VOICE, 50, WL_VOICE_SCRATCH_BYTES, wl_voice},
    {"mail", HS_WL_MAIL, 16, WL_MAIL_SCRATCH_BYTES, wl_mail},
    {"ui", HS_WL_UI, 2, WL_UI_FB_BYTES, wl_ui},
    {"gl", HS_WL_GL, 1, WL_GL_SCRATCH_BYTES, wl_gl},
};

/* Slice length when running a workload to completion. */
#define GUEST_SLICE_INSNS (1ULL << 26)

static const GuestWorkload *find_workload(const char *name)
{
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        if (strcmp(workloads[i].name, name) == 0)
            return &workloads[i];
    return NULL;
}

/* Parses a decimal MHz value with up to three decimals into kHz. */
static int parse_mhz(const char *s, uint64_t *khz)
{
    uint64_t v = 0;
    int frac = -1;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || frac >= 3 || v > UINT64_MAX / 100)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        if (frac >= 0)
            frac++;
    }
    for (int f = frac < 0 ? 0 : frac; f < 3; f++)
        v *= 10;
    if (v == 0 || v > 100000000) /* 0 < F <= 100 GHz */
        return -1;
    *khz = v;
    return 0;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs the entered handler to completion; prints a fault. Returns 0. */
static int run_to_end(Vcpu *v, const char *what)
{
    for (;;) {
        VcpuRunResult r = vcpu_run(v, GUEST_SLICE_INSNS);
        if (r == VCPU_RUN_DONE)
            return 0;
        if (r == VCPU_RUN_PREEMPTED || r == VCPU_RUN_BLOCKED)
            continue; /* standalone: nothing else waits for the CPU */
        if (r == VCPU_RUN_FAULT) {
            char line[256];
            vcpu_fault_format(vcpu_fault(v), line, sizeof line);
            fprintf(stderr, "handset guest: %s: %s\n", what, line);
        } else if (r == VCPU_RUN_EXITED) {
            fprintf(stderr, "handset guest: %s: the guest exited (%llu)\n",
                    what, (unsigned long long)vcpu_exit_status(v));
        } else {
            fprintf(stderr, "handset guest: %s: %s\n", what,
                    vcpu_last_error(v));
        }
        return -1;
    }
}

static int guest_main(int argc, char **argv)
{
    const CliCommand *cmd = &cli_cmd_guest;
    const GuestWorkload *wl = NULL;
    const VcpuCoreType *core = vcpu_core_type_find("little");
    uint64_t khz = 0, n = 0;
    bool json = false;
    enum { OPT_N = 256, OPT_CORE, OPT_MHZ, OPT_JSON };
    static const struct option opts[] = {
        {"n", required_argument, NULL, OPT_N},
        {"core", required_argument, NULL, OPT_CORE},
        {"mhz", required_argument, NULL, OPT_MHZ},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        const char *val = optarg;
        char why[160];
        switch (c) {
        case OPT_JSON:
            json = true;
            break;
        case OPT_N:
            if (cli_parse_u64(val, UINT32_MAX, &n, why, sizeof why) < 0 ||
                n == 0)
                return cli_usage_error(
                    cmd, "--n wants a whole number from 1 to %u, not '%s'",
                    UINT32_MAX, val);
            break;
        case OPT_CORE:
            core = vcpu_core_type_find(val);
            if (!core)
                return cli_usage_error(
                    cmd, "unknown core type '%s' (little or big)", val);
            break;
        case OPT_MHZ:
            if (parse_mhz(val, &khz) < 0)
                return cli_usage_error(
                    cmd,
                    "--mhz wants a frequency in MHz such as 1400 or "
                    "998.4, not '%s'",
                    val);
            break;
        case 'h':
            return cli_print_help(cmd);
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (wl)
            return cli_usage_error(cmd, "one workload at a time ('%s')",
                                   argv[i]);
        if (!(wl = find_workload(argv[i])))
            return cli_usage_error(
                cmd, "unknown workload '%s' (crypto, voice, mail or ui)",
                argv[i]);
    }
    if (!wl)
        return cli_usage_error(cmd, "which workload? (crypto, voice, mail "
                                    "or ui)");
    if (!n)
        n = wl->default_n;
    if (!khz)
        khz = core->default_khz;

    char path[PATH_MAX + 32];
    if (cli_find_build_file("HANDSET_GUEST_IMAGE", "guest/domain.elf",
                            "domain.elf", path, sizeof path) < 0) {
        fprintf(stderr,
                "handset guest: no guest image: set HANDSET_GUEST_IMAGE, or "
                "build it (make) so that guest/domain.elf sits next to the "
                "handset executable, or install it as %s\n",
                path);
        return HS_EXIT_USAGE;
    }
    int rc = HS_EXIT_FAIL;
    char err[512];
    GuestMem *mem = guest_mem_new(NULL);
    ElfImage img;
    Vcpu *v = NULL;
    void *scratch = NULL;
    VcpuStdCalls std;
    vcpu_std_calls_init(&std);
    std.echo = stderr;
    if (!mem) {
        fprintf(stderr, "handset guest: out of memory\n");
        goto out;
    }
    if (elf_load_domain(path, mem, &img, err, sizeof err) < 0) {
        fprintf(stderr, "handset guest: %s\n", err);
        rc = HS_EXIT_USAGE;
        goto out_mem;
    }
    uint64_t entry = img.entry;
    elf_symbol(&img, "hs_entry", &entry);
    VcpuConfig cfg = {.core = core, .freq_khz = khz, .entry_pc = entry};
    v = vcpu_new(mem, &cfg, err, sizeof err);
    if (!v) {
        fprintf(stderr, "handset guest: %s\n", err);
        goto out_img;
    }
    vcpu_set_trap(v, vcpu_std_trap, &std);
    if (vcpu_enter(v, HS_EV_BOOT, 0, 0) < 0 || run_to_end(v, "boot") < 0)
        goto out_img;
    if (vcpu_result(v) != 0) {
        fprintf(stderr, "handset guest: the image refused to boot (%lld)\n",
                (long long)vcpu_result(v));
        goto out_img;
    }
    vcpu_set_time(v, 0);
    if (vcpu_enter(v, HS_EV_WORKLOAD, wl->id, n) < 0)
        goto out_img;
    double t0 = wall_s();
    if (run_to_end(v, wl->name) < 0)
        goto out_img;
    double wall = wall_s() - t0;
    uint64_t insns = vcpu_handler_instructions(v);
    uint64_t cycles =
        (uint64_t)((unsigned __int128)insns * core->cpi_milli / 1000u);
    hs_time sim_ps = vcpu_local_time(v);
    uint64_t check = vcpu_result(v);

    scratch = aligned_alloc(16, (wl->scratch + 15) & ~(size_t)15);
    if (!scratch) {
        fprintf(stderr, "handset guest: out of memory\n");
        goto out_img;
    }
    uint64_t ref = wl->ref((uint32_t)n, scratch);
    bool ok = check == ref;
    double mips = wall > 0 ? (double)insns / wall / 1e6 : 0;
    char cs[24], rs[24];
    snprintf(cs, sizeof cs, "0x%016llx", (unsigned long long)check);
    snprintf(rs, sizeof rs, "0x%016llx", (unsigned long long)ref);
    if (json) {
        json_t *o = json_pack(
            "{s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:b, "
            "s:I, s:{s:f, s:f}}",
            "workload", wl->name, "n", (json_int_t)n, "core", core->name,
            "core_model", core->model, "freq_khz", (json_int_t)khz, "cpi_milli",
            (json_int_t)core->cpi_milli, "instructions", (json_int_t)insns,
            "cycles", (json_int_t)cycles, "sim_time_ps", (json_int_t)sim_ps,
            "check", cs, "reference_check", rs, "check_ok", ok,
            "platform_calls", (json_int_t)vcpu_platform_calls(v), "host",
            "wall_s", wall, "guest_mips", mips);
        char *s =
            o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (!s) {
            fprintf(stderr, "handset guest: cannot build JSON\n");
            json_decref(o);
            goto out_img;
        }
        puts(s);
        free(s);
        json_decref(o);
    } else {
        char simt[32];
        sim_format_duration(sim_ps, simt, sizeof simt);
        printf("workload      %s, n = %llu\n", wl->name, (unsigned long long)n);
        printf("core          %s (%s), %llu kHz, CPI %u.%03u\n", core->name,
               core->model, (unsigned long long)khz, core->cpi_milli / 1000,
               core->cpi_milli % 1000);
        printf("instructions  %llu (%llu per iteration)\n",
               (unsigned long long)insns, (unsigned long long)(insns / n));
        printf("cycles        %llu\n", (unsigned long long)cycles);
        printf("sim time      %s (%llu ps)\n", simt,
               (unsigned long long)sim_ps);
        printf("check         %s (host reference %s: %s)\n", cs, rs,
               ok ? "match" : "MISMATCH");
        printf("host          %.3f s wall, %.1f guest MIPS (host-side, "
               "informal, not deterministic)\n",
               wall, mips);
    }
    if (!ok)
        fprintf(stderr,
                "handset guest: check value %s differs from the host "
                "reference %s\n",
                cs, rs);
    rc = ok ? HS_EXIT_OK : HS_EXIT_FAIL;
out_img:
    elf_image_free(&img);
out_mem:
    vcpu_free(v);
    guest_mem_unref(mem);
out:
    free(scratch);
    vcpu_std_calls_free(&std);
    return rc;
}
