/*
 * libFuzzer harness for the ELF reader (host/hostlib/elf.c): each input is a whole image.
 * elf_open judges it; if it is accepted, every program header is read, every PT_LOAD range
 * asked about, and every note walked, with each note's name and descriptor read to the
 * last byte.  ASan sees any byte read outside the input (libFuzzer hands over a heap copy
 * of exactly its size); the checks below abort on a broken promise of elf.h: an accepted
 * image whose tables are not inside the file, or a note that is not inside its area.
 *
 * Trust: the input is a guest kernel image, as untrusted as the loader's module.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "hostlib/elf.h"

static const char enough[] = "enough notes";
static volatile uint8_t sink;

struct walk {
    const struct elf_image *img;
    unsigned notes;
    uint8_t sum;                /* every byte read goes into it (and to sink), so no read is dropped */
};

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz-elf: %s\n", what);
        abort();
    }
}

/* Is [p, p+len) inside the image? */
static int inside(const struct elf_image *img, const void *p, uint64_t len)
{
    const uint8_t *b = p;
    return b >= img->data && elf_range_ok(img, (uint64_t)(b - img->data), len);
}

static const char *note(const struct elf_note *n, void *ctx)
{
    struct walk *w = ctx;

    check(n->namesz > 0 && n->name[n->namesz - 1] == '\0', "note name not terminated");
    check(inside(w->img, n->name, n->namesz), "note name outside the image");
    check(inside(w->img, n->desc, n->descsz), "note descriptor outside the image");
    for (uint32_t i = 0; i < n->namesz; i++)
        w->sum += (uint8_t)n->name[i];
    for (uint32_t i = 0; i < n->descsz; i++)
        w->sum += n->desc[i];
    /* Stop at the 64th note, as a callback refusing a note would: the error must come back. */
    return ++w->notes == 64 ? enough : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;
    struct walk w = { &img, 0, 0 };

    if (elf_open(&img, data, size))
        return 0;
    const struct elf64_ehdr *eh = img.ehdr;
    check(eh->e_phnum > 0 && elf_range_ok(&img, eh->e_phoff,
                                          (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr)),
          "accepted image with program headers outside the file");
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(&img, i);
        if (ph->p_type == PT_LOAD && elf_range_ok(&img, ph->p_offset, ph->p_filesz))
            w.sum += ph->p_filesz ? img.data[ph->p_offset + ph->p_filesz - 1] : 0;
    }
    const char *err = elf_for_each_note(&img, note, &w);
    check(w.notes <= 64, "walk went on after the callback stopped it");
    check(w.notes < 64 || err == enough, "the callback's error was not returned");
    sink = w.sum;
    return 0;
}
