/*
 * ELF64 kernel images built in memory, for the userspace tests and fuzz targets of the code
 * that reads them (elf-unit, elfnote-unit, elfnote-fuzz).  The image is composed in `buf`,
 * then handed to elf_open as a heap copy of exactly the size asked for, so ASan reports a
 * read of even one byte past the file.  Trusted test code: a note that would not fit in the
 * buffer aborts the program.
 */
#ifndef PVX_TESTS_ELF_IMAGE_H
#define PVX_TESTS_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "hostlib/elf.h"

/* Where things go: header at 0, program headers at PHDRS (room for 8), the segment note
 * area at NOTES, section headers at SHDRS, the section note area at SNOTES, IMAGE bytes in
 * all. */
enum { PHDRS = 64, NOTES = 512, SHDRS = 2048, SNOTES = 2560, IMAGE = 4096 };

/* base_image()'s single PT_LOAD: the whole file, one page, loaded at physical 1 MiB. */
#define IMAGE_PADDR 0x100000ULL
#define IMAGE_VADDR 0xffffffff80100000ULL

extern union image_buf { uint8_t b[IMAGE]; uint64_t align; } buf;
extern struct elf_image img;    /* the image elf_open last accepted or refused */
extern uint8_t *copy;           /* the heap copy it was given */

#define eh ((struct elf64_ehdr *)buf.b)
static inline struct elf64_phdr *ph(unsigned i) { return (struct elf64_phdr *)(buf.b + PHDRS) + i; }
static inline struct elf64_shdr *sh(unsigned i) { return (struct elf64_shdr *)(buf.b + SHDRS) + i; }

/* A valid x86_64 ELF64 of IMAGE bytes: a PT_LOAD over the whole file (vaddr IMAGE_VADDR,
 * paddr IMAGE_PADDR, entry at its start) and an empty PT_NOTE at NOTES; no sections. */
void base_image(void);

/* Write a note at *at and advance *at past it; returns its size.  namesz/descsz are what
 * the header claims; the bytes written are the name and descriptor given, each padded to 4. */
uint64_t put_note(uint64_t *at, uint32_t namesz, const char *name, size_t namelen,
                  uint32_t type, uint32_t descsz, const void *desc, size_t desclen);

/* A well-formed note owned by "Xen" with a descriptor of len bytes. */
uint64_t xen_note(uint64_t *at, uint32_t type, const void *desc, uint32_t len);

/* elf_open on a heap copy of the first `size` bytes of buf (all IMAGE of them). */
const char *open_first(size_t size);
const char *open_image(void);

/* elf_open on a heap copy of `size` bytes from `data` (aligned as the reader needs). */
const char *open_bytes(const uint8_t *data, size_t size);

/* Free the heap copy (a test's teardown). */
void free_image(void);

#endif
