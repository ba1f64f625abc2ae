/*
 * test_elf.c - the ELF loader: the real domain image loads and exposes
 * hs_entry; small images built here check zero-fill and ELF32 ARM; and
 * malformed files (truncated, wrong class or machine, segments outside
 * memory, overlapping, file ranges past the end, huge sizes) are refused
 * with a message and leave memory untouched.
 */
#include "harness.h"

#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/elf_load.h"
#include "platform.h"

/* ---- a minimal ELF64 executable: header, program headers, payload --- */
#define MAX_SEGS 3
typedef struct Img64 {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_SEGS];
    uint8_t payload[64];
} Img64;

/* One PT_LOAD of `filesz` payload bytes at vaddr with memsz bytes. */
static void img64_init(Img64 *m, int nseg)
{
    memset(m, 0, sizeof *m);
    memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
    m->eh.e_ident[EI_CLASS] = ELFCLASS64;
    m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    m->eh.e_ident[EI_VERSION] = EV_CURRENT;
    m->eh.e_type = ET_EXEC;
    m->eh.e_machine = EM_AARCH64;
    m->eh.e_version = EV_CURRENT;
    m->eh.e_entry = HS_RAM_BASE;
    m->eh.e_phoff = offsetof(Img64, ph);
    m->eh.e_ehsize = sizeof(Elf64_Ehdr);
    m->eh.e_phentsize = sizeof(Elf64_Phdr);
    m->eh.e_phnum = (uint16_t)nseg;
    for (int i = 0; i < 64; i++)
        m->payload[i] = (uint8_t)(0xa0 + i);
    for (int i = 0; i < nseg; i++) {
        Elf64_Phdr *p = &m->ph[i];
        p->p_type = PT_LOAD;
        p->p_flags = PF_R | PF_X;
        p->p_offset = offsetof(Img64, payload) + 16 * (uint64_t)i;
        p->p_vaddr = p->p_paddr = HS_RAM_BASE + 0x1000 * (uint64_t)i;
        p->p_filesz = 16;
        p->p_memsz = 32;
        p->p_align = 4;
    }
}

typedef struct Env {
    GuestMem *mem;
    ElfImage img;
    char err[512];
} Env;

static int load64(Env *e, const void *data, size_t size)
{
    return elf_load_mem(data, size, "test.elf", ELF_MACHINE_AARCH64,
                        &e->mem->regions[GUEST_REGION_RAM], 1, &e->img, e->err,
                        sizeof e->err);
}

/* RAM is all zero (nothing was written). */
static bool ram_untouched(GuestMem *mem)
{
    const GuestRegion *r = &mem->regions[GUEST_REGION_RAM];
    for (uint64_t i = 0; i < 0x4000; i++)
        if (r->host[i])
            return false;
    return true;
}

static void expect_reject(const void *data, size_t size, const char *why)
{
    Env e = {.mem = guest_mem_new(NULL)};
    assert_non_null(e.mem);
    int rc = load64(&e, data, size);
    if (rc == 0 || !strstr(e.err, why))
        fail_msg("expected a rejection mentioning '%s', got %d: %s", why, rc,
                 e.err);
    assert_non_null(strstr(e.err, "test.elf: "));
    assert_true(ram_untouched(e.mem));
    assert_null(e.img.file);
    guest_mem_unref(e.mem);
}

static void test_elf_small_image_loads(void **state)
{
    (void)state;
    Img64 m;
    img64_init(&m, 2);
    Env e = {.mem = guest_mem_new(NULL)};
    GuestRegion *ram = &e.mem->regions[GUEST_REGION_RAM];
    memset(ram->host, 0xee, 0x2000); /* zero-fill must clear this */
    assert_int_equal(load64(&e, &m, sizeof m), 0);
    assert_int_equal(e.img.elf_class, 64);
    assert_int_equal(e.img.entry, HS_RAM_BASE);
    assert_int_equal(e.img.n_segments, 2);
    assert_int_equal(e.img.load_lo, HS_RAM_BASE);
    assert_int_equal(e.img.load_hi, HS_RAM_BASE + 0x1000 + 32);
    assert_memory_equal(ram->host, m.payload, 16);
    assert_memory_equal(ram->host + 0x1000, m.payload + 16, 16);
    for (int i = 16; i < 32; i++) {
        assert_int_equal(ram->host[i], 0);
        assert_int_equal(ram->host[0x1000 + i], 0);
    }
    assert_int_equal(ram->host[32], 0xee); /* beyond memsz: untouched */
    uint64_t addr;
    assert_int_equal(elf_symbol(&e.img, "hs_entry", &addr), -1);
    elf_image_free(&e.img);
    guest_mem_unref(e.mem);
}

static void test_elf_bad_headers(void **state)
{
    (void)state;
    Img64 m;
    img64_init(&m, 1);
    m.eh.e_machine = EM_X86_64;
    expect_reject(&m, sizeof m, "machine is 62");
    img64_init(&m, 1);
    m.eh.e_ident[EI_CLASS] = ELFCLASS32;
    expect_reject(&m, sizeof m, "ELF class is ELF32, expected ELF64");
    img64_init(&m, 1);
    m.eh.e_type = ET_DYN;
    expect_reject(&m, sizeof m, "not an executable");
    img64_init(&m, 1);
    m.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    expect_reject(&m, sizeof m, "test.elf");
    expect_reject("#!/bin/sh\necho hi\n", 18, "not an ELF file");
    expect_reject("", 0, "not an ELF file");
    img64_init(&m, 1);
    m.eh.e_phnum = 0;
    expect_reject(&m, sizeof m, "program header table");
    img64_init(&m, 1);
    m.eh.e_phoff = 1u << 30;
    expect_reject(&m, sizeof m, "test.elf");
    img64_init(&m, 1);
    m.eh.e_entry = 0x1000;
    expect_reject(&m, sizeof m, "entry point");
}

static void test_elf_bad_segments(void **state)
{
    (void)state;
    Img64 m;
    img64_init(&m, 1); /* ends 8 bytes past the end of RAM */
    m.ph[0].p_vaddr = m.ph[0].p_paddr = HS_RAM_BASE + HS_RAM_SIZE - 24;
    expect_reject(&m, sizeof m, "outside guest memory");
    img64_init(&m, 1); /* below RAM, in the unmapped null area */
    m.ph[0].p_vaddr = m.ph[0].p_paddr = 0x100;
    expect_reject(&m, sizeof m, "outside guest memory");
    img64_init(&m, 1); /* huge memsz wraps around */
    m.ph[0].p_memsz = UINT64_MAX - 8;
    expect_reject(&m, sizeof m, "outside guest memory");
    img64_init(&m, 1);
    m.ph[0].p_filesz = 64; /* more file bytes than memory */
    expect_reject(&m, sizeof m, "exceeds memory size");
    img64_init(&m, 1);
    m.ph[0].p_offset = sizeof m - 8; /* file bytes past the end */
    expect_reject(&m, sizeof m, "past the end");
    img64_init(&m, 1);
    m.ph[0].p_offset = UINT64_MAX - 4; /* offset + size overflows */
    expect_reject(&m, sizeof m, "past the end");
    img64_init(&m, 2); /* second segment overlaps the first */
    m.ph[1].p_vaddr = m.ph[1].p_paddr = HS_RAM_BASE + 16;
    expect_reject(&m, sizeof m, "segments 0 and 1 overlap");
    img64_init(&m, 3);
    m.ph[2].p_vaddr = m.ph[2].p_paddr = HS_RAM_BASE + HS_RAM_SIZE;
    expect_reject(&m, sizeof m, "segment 2");
}

/* ELF32 ARM (the baseband's format) loads into its own region; an ELF32
 * file is refused by the AArch64 loader. */
static void test_elf32_arm(void **state)
{
    (void)state;
    struct {
        Elf32_Ehdr eh;
        Elf32_Phdr ph;
        uint8_t payload[8];
    } m;
    memset(&m, 0, sizeof m);
    memcpy(m.eh.e_ident, ELFMAG, SELFMAG);
    m.eh.e_ident[EI_CLASS] = ELFCLASS32;
    m.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    m.eh.e_ident[EI_VERSION] = EV_CURRENT;
    m.eh.e_type = ET_EXEC;
    m.eh.e_machine = EM_ARM;
    m.eh.e_version = EV_CURRENT;
    m.eh.e_entry = 0x10004;
    m.eh.e_phoff = sizeof(Elf32_Ehdr);
    m.eh.e_ehsize = sizeof(Elf32_Ehdr);
    m.eh.e_phentsize = sizeof(Elf32_Phdr);
    m.eh.e_phnum = 1;
    m.ph.p_type = PT_LOAD;
    m.ph.p_offset = sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr);
    m.ph.p_vaddr = m.ph.p_paddr = 0x10000;
    m.ph.p_filesz = 8;
    m.ph.p_memsz = 12;
    memcpy(m.payload, "firmware", 8);
    static uint8_t bb_ram[0x1000];
    memset(bb_ram, 0x55, sizeof bb_ram);
    GuestRegion r = {
        .name = "bb", .base = 0x10000, .size = sizeof bb_ram, .host = bb_ram};
    ElfImage img;
    char err[256];
    assert_int_equal(elf_load_mem(&m, sizeof m, "bb.elf", ELF_MACHINE_ARM32, &r,
                                  1, &img, err, sizeof err),
                     0);
    assert_int_equal(img.elf_class, 32);
    assert_int_equal(img.entry, 0x10004);
    assert_memory_equal(bb_ram, "firmware\0\0\0\0", 12);
    assert_int_equal(bb_ram[12], 0x55);
    elf_image_free(&img);
    expect_reject(&m, sizeof m, "ELF class is ELF32");
}

/* Reads build/guest/domain.elf into a malloc'd buffer. */
static uint8_t *read_domain(size_t *size, char *path, size_t path_size)
{
    hs_test_path("build/guest/domain.elf", path, path_size);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s is missing: run make first", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* The real image: loads, hs_entry is the entry point; every truncation
 * of it and corrupted header fields are refused without a crash. */
static void test_elf_domain_image(void **state)
{
    (void)state;
    char path[1024];
    size_t size;
    uint8_t *buf = read_domain(&size, path, sizeof path);
    Env e = {.mem = guest_mem_new(NULL)};
    assert_int_equal(elf_load_domain(path, e.mem, &e.img, e.err, sizeof e.err),
                     0);
    uint64_t entry = 0;
    assert_int_equal(elf_symbol(&e.img, "hs_entry", &entry), 0);
    assert_int_equal(entry, e.img.entry);
    assert_true(e.img.load_lo >= HS_RAM_BASE);
    assert_true(e.img.load_hi <= HS_IO_BASE);
    elf_image_free(&e.img);
    guest_mem_unref(e.mem);

    /* truncations: every one either loads (only the section table or
     * symbols were cut) or fails with a message */
    size_t cuts[] = {1, 4, 16, 63, 64, 100, 200, 1000, size / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        Env t = {.mem = guest_mem_new(NULL)};
        int rc = load64(&t, buf, cuts[i]);
        if (rc != 0)
            assert_non_null(strstr(t.err, "test.elf: "));
        if (cuts[i] < 200)
            assert_int_equal(rc, -1);
        elf_image_free(&t.img);
        guest_mem_unref(t.mem);
    }
    Env t = {.mem = guest_mem_new(NULL)};
    Elf64_Ehdr *eh = (Elf64_Ehdr *)(void *)buf;
    eh->e_machine = EM_ARM;
    assert_int_equal(load64(&t, buf, size), -1);
    assert_non_null(strstr(t.err, "machine"));

    char err[256];
    ElfImage img;
    assert_int_equal(elf_load_domain("/nonexistent/domain.elf", t.mem, &img,
                                     err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "cannot open"));
    guest_mem_unref(t.mem);
    free(buf);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_elf_small_image_loads),
    cmocka_unit_test(test_elf_bad_headers),
    cmocka_unit_test(test_elf_bad_segments),
    cmocka_unit_test(test_elf32_arm),
    cmocka_unit_test(test_elf_domain_image),
};

HS_TEST_GROUP(elf, tests)
