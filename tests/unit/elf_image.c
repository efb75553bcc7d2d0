/*
 * The in-memory ELF64 image builder of the userspace tests (see elf_image.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "elf_image.h"

union image_buf buf;
struct elf_image img;
uint8_t *copy;

void base_image(void)
{
    memset(&buf, 0, sizeof(buf));
    memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
    eh->e_type = 2;
    eh->e_machine = 62;
    eh->e_version = 1;
    eh->e_entry = IMAGE_VADDR;
    eh->e_phoff = PHDRS;
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(struct elf64_phdr);
    eh->e_phnum = 2;
    eh->e_shentsize = sizeof(struct elf64_shdr);
    *ph(0) = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = 5, .p_offset = 0,
                                  .p_vaddr = IMAGE_VADDR, .p_paddr = IMAGE_PADDR,
                                  .p_filesz = IMAGE, .p_memsz = IMAGE, .p_align = 4096 };
    *ph(1) = (struct elf64_phdr){ .p_type = PT_NOTE, .p_flags = 4, .p_offset = NOTES,
                                  .p_align = 4 };
}

static void put_bytes(uint64_t *at, const void *p, size_t len)
{
    if (*at > IMAGE || len > IMAGE - *at) {
        fprintf(stderr, "elf_image: a note does not fit in the %d-byte image\n", IMAGE);
        abort();
    }
    memcpy(buf.b + *at, p, len);
    *at += (len + 3) & ~(size_t)3;
}

uint64_t put_note(uint64_t *at, uint32_t namesz, const char *name, size_t namelen,
                  uint32_t type, uint32_t descsz, const void *desc, size_t desclen)
{
    uint32_t hdr[3] = { namesz, descsz, type };
    uint64_t start = *at;

    put_bytes(at, hdr, sizeof(hdr));
    put_bytes(at, name, namelen);
    put_bytes(at, desc, desclen);
    return *at - start;
}

uint64_t xen_note(uint64_t *at, uint32_t type, const void *desc, uint32_t len)
{
    return put_note(at, 4, "Xen", 4, type, len, desc, len);
}

const char *open_bytes(const uint8_t *data, size_t size)
{
    free(copy);
    copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    return elf_open(&img, copy, size);
}

const char *open_first(size_t size) { return open_bytes(buf.b, size); }

const char *open_image(void) { return open_first(IMAGE); }

void free_image(void)
{
    free(copy);
    copy = NULL;
}
