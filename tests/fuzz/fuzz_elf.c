/*
 * fuzz_elf.c - libFuzzer target: the ELF loader (libelf underneath) for
 * both machines it accepts, into two small guest regions. A loaded
 * image's symbols are looked up too. Findings: crashes, sanitizer
 * reports, a write outside the regions (ASan: they are heap buffers of
 * their exact size), a refusal that does not name its cause. Seeds: the
 * built images (domain, baseband firmware, the hostile test guest).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/elf_load.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REGION_BYTES (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *ram, *low;
    if (!ram) {
        ram = malloc(REGION_BYTES);
        low = malloc(REGION_BYTES);
        if (!ram || !low)
            abort();
    }
    /* the domain's RAM base and the baseband's */
    const GuestRegion regions[2] = {
        {"ram", 0x40000000u, REGION_BYTES, ram},
        {"low", 0x0, REGION_BYTES, low},
    };
    for (int m = 0; m < 2; m++) {
        ElfImage img;
        char err[256] = "";
        if (elf_load_mem(data, size, "fuzz.elf",
                         m ? ELF_MACHINE_ARM32 : ELF_MACHINE_AARCH64, regions,
                         2, &img, err, sizeof err) < 0) {
            fuzz_check_message("elf", err);
            continue;
        }
        uint64_t addr;
        (void)elf_symbol(&img, "hs_entry", &addr);
        elf_image_free(&img);
    }
    return 0;
}
