/*
 * Reading an ELF64 image the loader handed us.  The image is untrusted input: every offset,
 * size and count is checked against the file before anything is dereferenced, and a bad
 * image gives an error string, never a fault.
 */
#ifndef PVX_HOSTLIB_ELF_H
#define PVX_HOSTLIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_LOAD 1
#define PT_NOTE 4
#define SHT_NOTE 7

struct elf64_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_shdr {
    uint32_t sh_name, sh_type;
    uint64_t sh_flags, sh_addr, sh_offset, sh_size;
    uint32_t sh_link, sh_info;
    uint64_t sh_addralign, sh_entsize;
};

struct elf_image {
    const uint8_t *data;
    uint64_t size;
    const struct elf64_ehdr *ehdr;
};

/* One note: name (NUL-terminated within namesz), type and descriptor bytes. */
struct elf_note {
    const char *name;
    uint32_t namesz, type, descsz;
    const uint8_t *desc;
};

/* Check the header and the program/section header tables; NULL or the reason it is bad. */
const char *elf_open(struct elf_image *img, const uint8_t *data, uint64_t size);
/* Program header i (i < e_phnum), already bounds-checked by elf_open. */
const struct elf64_phdr *elf_phdr(const struct elf_image *img, unsigned i);
/* Is [off, off+len) inside the file? */
bool elf_range_ok(const struct elf_image *img, uint64_t off, uint64_t len);

/*
 * Call fn for every note in PT_NOTE segments; if there are none, in SHT_NOTE sections (as
 * Xen's libelf does).  A malformed note area gives an error string.  fn returns NULL to go
 * on, or an error string that stops the walk and is returned.
 */
typedef const char *(*elf_note_fn)(const struct elf_note *note, void *ctx);
const char *elf_for_each_note(const struct elf_image *img, elf_note_fn fn, void *ctx);

#endif
