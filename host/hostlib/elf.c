/*
 * ELF64 parsing helpers for the domain builder.  Trust: none; see elf.h.
 */
#include "hostlib/elf.h"
#include "hostlib/lib.h"

bool elf_range_ok(const struct elf_image *img, uint64_t off, uint64_t len)
{
    return off <= img->size && len <= img->size - off;
}

const char *elf_open(struct elf_image *img, const uint8_t *data, uint64_t size)
{
    img->data = data;
    img->size = size;
    img->ehdr = (const struct elf64_ehdr *)data;
    if (size < sizeof(struct elf64_ehdr) || memcmp(data, "\177ELF", 4) != 0)
        return "not an ELF file";
    if (data[4] != 2)
        return "not a 64-bit ELF (pvx runs x86_64 PV kernels only)";
    if (data[5] != 1)
        return "not little-endian";
    if (img->ehdr->e_machine != 62)
        return "not an x86_64 ELF";
    if (img->ehdr->e_phnum == 0 || img->ehdr->e_phentsize != sizeof(struct elf64_phdr) ||
        !elf_range_ok(img, img->ehdr->e_phoff,
                      (uint64_t)img->ehdr->e_phnum * sizeof(struct elf64_phdr)))
        return "bad program header table";
    if (img->ehdr->e_shnum != 0 &&
        (img->ehdr->e_shentsize != sizeof(struct elf64_shdr) ||
         !elf_range_ok(img, img->ehdr->e_shoff,
                       (uint64_t)img->ehdr->e_shnum * sizeof(struct elf64_shdr))))
        return "bad section header table";
    /* The tables are used in place as structures.  Without sections e_shoff means nothing. */
    if ((img->ehdr->e_phoff & 7) || (img->ehdr->e_shnum != 0 && (img->ehdr->e_shoff & 7)))
        return "misaligned header table";
    return NULL;
}

const struct elf64_phdr *elf_phdr(const struct elf_image *img, unsigned i)
{
    return (const struct elf64_phdr *)(img->data + img->ehdr->e_phoff) + i;
}

static const struct elf64_shdr *elf_shdr(const struct elf_image *img, unsigned i)
{
    return (const struct elf64_shdr *)(img->data + img->ehdr->e_shoff) + i;
}

static uint64_t align4(uint64_t v) { return (v + 3) & ~3ULL; }

/* Walk the notes in file bytes [off, off+len). */
static const char *walk_notes(const struct elf_image *img, uint64_t off, uint64_t len,
                              elf_note_fn fn, void *ctx)
{
    if (!elf_range_ok(img, off, len))
        return "note area outside the file";
    const uint8_t *p = img->data + off, *end = p + len;

    while ((uint64_t)(end - p) >= 12) {
        struct elf_note n;
        uint32_t hdr[3];

        memcpy(hdr, p, sizeof(hdr));
        n.namesz = hdr[0];
        n.descsz = hdr[1];
        n.type = hdr[2];
        p += 12;
        if (align4(n.namesz) > (uint64_t)(end - p))
            return "note name runs past its area";
        n.name = (const char *)p;
        p += align4(n.namesz);
        if (align4(n.descsz) > (uint64_t)(end - p))
            return "note descriptor runs past its area";
        n.desc = p;
        p += align4(n.descsz);
        if (n.namesz == 0 || n.name[n.namesz - 1] != '\0')
            continue;   /* unnamed or unterminated: not a note anyone can claim */
        const char *err = fn(&n, ctx);
        if (err)
            return err;
    }
    return NULL;
}

const char *elf_for_each_note(const struct elf_image *img, elf_note_fn fn, void *ctx)
{
    bool found = false;

    for (unsigned i = 0; i < img->ehdr->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(img, i);
        if (ph->p_type != PT_NOTE)
            continue;
        found = true;
        const char *err = walk_notes(img, ph->p_offset, ph->p_filesz, fn, ctx);
        if (err)
            return err;
    }
    if (found)
        return NULL;
    for (unsigned i = 0; i < img->ehdr->e_shnum; i++) {
        const struct elf64_shdr *sh = elf_shdr(img, i);
        if (sh->sh_type != SHT_NOTE)
            continue;
        const char *err = walk_notes(img, sh->sh_offset, sh->sh_size, fn, ctx);
        if (err)
            return err;
    }
    return NULL;
}
