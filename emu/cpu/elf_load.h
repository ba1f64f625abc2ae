/*
 * elf_load.h - loads ELF images (ELF64 AArch64 domains, ELF32 ARM for
 * the baseband) into guest memory regions, with libelf (elfutils).
 *
 * Only PT_LOAD segments are loaded: file bytes copied, memsz beyond
 * filesz zero-filled. Every segment must lie entirely inside one of the
 * destination regions, segments must not overlap, and every offset and
 * size is checked against the file before anything is copied, so a
 * malformed file is rejected with a message and leaves memory untouched.
 */
#ifndef HS_CPU_ELF_LOAD_H
#define HS_CPU_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/guestmem.h"

/* A loaded image: entry point and symbols. */
typedef struct ElfImage {
    int elf_class;     /* 32 or 64 */
    unsigned machine;  /* EM_AARCH64 or EM_ARM */
    uint64_t entry;    /* e_entry */
    uint64_t load_lo;  /* lowest loaded address */
    uint64_t load_hi;  /* one past the highest loaded address */
    size_t n_segments; /* PT_LOAD segments loaded */
    void *file;        /* copy of the file (owned; symbols point in) */
    size_t file_size;  /* bytes */
    void *elf;         /* libelf handle (Elf *, owned) */
} ElfImage;

/* Which machine a caller accepts. */
typedef enum ElfMachine {
    ELF_MACHINE_AARCH64, /* ELF64, EM_AARCH64 */
    ELF_MACHINE_ARM32,   /* ELF32, EM_ARM */
} ElfMachine;

/* Loads the image in data[0..size) (copied) into the regions (an array
 * of n; a region with host NULL is skipped). name is used in messages.
 * Returns 0, or -1 with "NAME: reason" in err and *img cleared. */
int elf_load_mem(const void *data, size_t size, const char *name,
                 ElfMachine machine, const GuestRegion *regions, size_t n,
                 ElfImage *img, char *err, size_t err_size);

/* Reads the file at path and loads it like elf_load_mem. */
int elf_load_file(const char *path, ElfMachine machine,
                  const GuestRegion *regions, size_t n, ElfImage *img,
                  char *err, size_t err_size);

/* Loads a domain image into mem's RAM (the only region a domain image
 * may occupy). */
int elf_load_domain(const char *path, GuestMem *mem, ElfImage *img, char *err,
                    size_t err_size);

/* Address of a symbol from .symtab. Returns 0, or -1 if absent. */
int elf_symbol(const ElfImage *img, const char *name, uint64_t *addr);

void elf_image_free(ElfImage *img);

#endif /* HS_CPU_ELF_LOAD_H */
