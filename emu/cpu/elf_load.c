/*
 * elf_load.c - the ELF loader: validate every PT_LOAD segment against the
 * file and the destination regions, then copy and zero-fill.
 */
#include "cpu/elf_load.h"

#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

/* Images larger than this are refused before reading (domain RAM is far
 * smaller). */
#define ELF_FILE_MAX (256u << 20)

/* libelf's reason for the last failure, or `otherwise` when libelf
 * recorded none (its message would be "no error"). */
static const char *libelf_cause(const char *otherwise)
{
    int e = elf_errno();
    return e ? elf_errmsg(e) : otherwise;
}

static const GuestRegion *find_region(const GuestRegion *r, size_t n,
                                      uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (!r[i].host)
            continue;
        if (addr >= r[i].base && addr - r[i].base <= r[i].size &&
            len <= r[i].size - (addr - r[i].base))
            return &r[i];
    }
    return NULL;
}

int elf_load_mem(const void *data, size_t size, const char *name,
                 ElfMachine machine, const GuestRegion *regions, size_t n,
                 ElfImage *img, char *err, size_t err_size)
{
    memset(img, 0, sizeof *img);
    GElf_Phdr *ph = NULL;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return hs_errorf(err, err_size, "%s: libelf is unusable: %s", name,
                         libelf_cause("version mismatch"));
    (void)elf_errno(); /* forget an earlier file's error */
    if (size < SELFMAG || memcmp(data, ELFMAG, SELFMAG) != 0)
        return hs_errorf(err, err_size, "%s: not an ELF file (no ELF magic)",
                         name);
    size_t ehdr =
        size > EI_CLASS && ((const uint8_t *)data)[EI_CLASS] == ELFCLASS64
            ? sizeof(Elf64_Ehdr)
            : sizeof(Elf32_Ehdr);
    if (size < ehdr)
        return hs_errorf(
            err, err_size,
            "%s: truncated: %zu bytes, shorter than an ELF header (%zu)", name,
            size, ehdr);
    img->file = malloc(size);
    if (!img->file)
        return hs_errorf(err, err_size, "%s: out of memory", name);
    memcpy(img->file, data, size);
    img->file_size = size;
    Elf *e = elf_memory(img->file, size);
    img->elf = e;
    if (!e || elf_kind(e) != ELF_K_ELF) {
        hs_errorf(err, err_size, "%s: not a valid ELF file: %s", name,
                  libelf_cause("libelf does not read it as ELF"));
        goto bad;
    }
    int want_class = machine == ELF_MACHINE_AARCH64 ? ELFCLASS64 : ELFCLASS32;
    unsigned want_machine =
        machine == ELF_MACHINE_AARCH64 ? EM_AARCH64 : EM_ARM;
    int cls = gelf_getclass(e);
    if (cls != want_class) {
        hs_errorf(err, err_size, "%s: ELF class is %s, expected %s", name,
                  cls == ELFCLASS32   ? "ELF32"
                  : cls == ELFCLASS64 ? "ELF64"
                                      : "invalid",
                  want_class == ELFCLASS64 ? "ELF64" : "ELF32");
        goto bad;
    }
    GElf_Ehdr eh;
    if (!gelf_getehdr(e, &eh)) {
        hs_errorf(err, err_size, "%s: truncated or bad ELF header: %s", name,
                  libelf_cause("unreadable"));
        goto bad;
    }
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        hs_errorf(err, err_size, "%s: not little-endian", name);
        goto bad;
    }
    if (eh.e_machine != want_machine) {
        hs_errorf(err, err_size, "%s: machine is %u, expected %s (%u)", name,
                  eh.e_machine,
                  want_machine == EM_AARCH64 ? "AArch64" : "32-bit ARM",
                  want_machine);
        goto bad;
    }
    if (eh.e_type != ET_EXEC) {
        hs_errorf(err, err_size, "%s: not an executable (e_type %u)", name,
                  eh.e_type);
        goto bad;
    }
    size_t nph = 0;
    if (elf_getphdrnum(e, &nph) != 0) {
        hs_errorf(err, err_size, "%s: bad program header table: %s", name,
                  libelf_cause("unreadable count"));
        goto bad;
    }
    uint64_t phent =
        cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (nph == 0 || eh.e_phoff > size || nph > (size - eh.e_phoff) / phent) {
        hs_errorf(
            err, err_size,
            "%s: program header table (%zu entries at offset %llu) is missing "
            "or runs past the end of the %zu-byte file",
            name, nph, (unsigned long long)eh.e_phoff, size);
        goto bad;
    }
    ph = calloc(nph, sizeof *ph);
    if (!ph) {
        hs_errorf(err, err_size, "%s: out of memory", name);
        goto bad;
    }
    /* Pass 1: check everything. */
    img->load_lo = UINT64_MAX;
    for (size_t i = 0; i < nph; i++) {
        if (!gelf_getphdr(e, (int)i, &ph[i])) {
            hs_errorf(err, err_size, "%s: program header %zu unreadable: %s",
                      name, i, libelf_cause("out of the file"));
            goto bad;
        }
        const GElf_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        if (p->p_filesz > p->p_memsz) {
            hs_errorf(
                err, err_size,
                "%s: segment %zu: file size %llu exceeds memory size %llu",
                name, i, (unsigned long long)p->p_filesz,
                (unsigned long long)p->p_memsz);
            goto bad;
        }
        if (p->p_offset > size || p->p_filesz > size - p->p_offset) {
            hs_errorf(
                err, err_size,
                "%s: segment %zu: bytes [%llu, +%llu) run past the end of the "
                "%zu-byte file (truncated?)",
                name, i, (unsigned long long)p->p_offset,
                (unsigned long long)p->p_filesz, size);
            goto bad;
        }
        if (p->p_memsz == 0)
            continue;
        if (!find_region(regions, n, p->p_paddr, p->p_memsz)) {
            hs_errorf(
                err, err_size,
                "%s: segment %zu: [0x%llx, +0x%llx) lies outside guest memory",
                name, i, (unsigned long long)p->p_paddr,
                (unsigned long long)p->p_memsz);
            goto bad;
        }
        for (size_t j = 0; j < i; j++) {
            const GElf_Phdr *q = &ph[j];
            if (q->p_type != PT_LOAD || q->p_memsz == 0)
                continue;
            if (p->p_paddr < q->p_paddr + q->p_memsz &&
                q->p_paddr < p->p_paddr + p->p_memsz) {
                hs_errorf(err, err_size, "%s: segments %zu and %zu overlap",
                          name, j, i);
                goto bad;
            }
        }
        if (p->p_paddr < img->load_lo)
            img->load_lo = p->p_paddr;
        if (p->p_paddr + p->p_memsz > img->load_hi)
            img->load_hi = p->p_paddr + p->p_memsz;
        img->n_segments++;
    }
    if (img->n_segments == 0) {
        hs_errorf(err, err_size, "%s: no loadable segment", name);
        goto bad;
    }
    if (!find_region(regions, n, eh.e_entry, 4)) {
        hs_errorf(err, err_size, "%s: entry point 0x%llx is outside memory",
                  name, (unsigned long long)eh.e_entry);
        goto bad;
    }
    /* Pass 2: copy. */
    for (size_t i = 0; i < nph; i++) {
        const GElf_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        const GuestRegion *r = find_region(regions, n, p->p_paddr, p->p_memsz);
        uint8_t *dst = r->host + (p->p_paddr - r->base);
        memcpy(dst, (const uint8_t *)img->file + p->p_offset, p->p_filesz);
        memset(dst + p->p_filesz, 0, p->p_memsz - p->p_filesz);
    }
    free(ph);
    img->elf_class = cls == ELFCLASS64 ? 64 : 32;
    img->machine = want_machine;
    img->entry = eh.e_entry;
    return 0;
bad:
    free(ph);
    elf_image_free(img);
    return -1;
}

int elf_load_file(const char *path, ElfMachine machine,
                  const GuestRegion *regions, size_t n, ElfImage *img,
                  char *err, size_t err_size)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f)
        return hs_errorf(err, err_size, "%s: cannot open: %s", path,
                         strerror(errno));
    char *buf = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return hs_errorf(err, err_size, "%s: cannot read: %s", path,
                         strerror(errno));
    }
    if ((unsigned long)len > ELF_FILE_MAX) {
        fclose(f);
        return hs_errorf(err, err_size, "%s: file is too large (%ld bytes)",
                         path, len);
    }
    buf = malloc(len ? (size_t)len : 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        fclose(f);
        return hs_errorf(err, err_size, "%s: cannot read the file", path);
    }
    fclose(f);
    int rc = elf_load_mem(buf, (size_t)len, path, machine, regions, n, img, err,
                          err_size);
    free(buf);
    return rc;
}

int elf_load_domain(const char *path, GuestMem *mem, ElfImage *img, char *err,
                    size_t err_size)
{
    return elf_load_file(path, ELF_MACHINE_AARCH64,
                         &mem->regions[GUEST_REGION_RAM], 1, img, err,
                         err_size);
}

int elf_symbol(const ElfImage *img, const char *name, uint64_t *addr)
{
    Elf *e = img->elf;
    if (!e)
        return -1;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
            sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue;
        size_t count = d->d_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym))
                break;
            const char *s = elf_strptr(e, sh.sh_link, sym.st_name);
            if (s && strcmp(s, name) == 0 && sym.st_shndx != SHN_UNDEF) {
                *addr = sym.st_value;
                return 0;
            }
        }
    }
    return -1;
}

void elf_image_free(ElfImage *img)
{
    if (img->elf)
        elf_end(img->elf);
    free(img->file);
    memset(img, 0, sizeof *img);
}
