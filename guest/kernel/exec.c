/*
 * exec and user memory access (exec.h).  The ELF images come from the kernel's own
 * rodata, so they are trusted to be well formed only as far as the checks below go:
 * class, machine, segments inside user space and inside the file.
 */
#include <public/errno.h>
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/proc.h"

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

extern const uint8_t _user_ubox_start[], _user_ubox_end[];

/* Every embedded program is the one multi-call binary; argv[0] selects what it does. */
static const char *const programs[] = {
    "usertests", "bench", "true", "job", "hello", "spin",
};

static bool program_exists(const char *name)
{
    for (unsigned i = 0; i < ARRAY_SIZE(programs); i++)
        if (!strcmp(programs[i], name))
            return true;
    return false;
}

static unsigned seg_prot(uint32_t f)
{
    return ((f & PF_R) ? VM_READ : 0) | ((f & PF_W) ? VM_WRITE : 0) | ((f & PF_X) ? VM_EXEC : 0);
}

/* Map one PT_LOAD segment, copying its file bytes; the rest of its pages are zero. */
static int load_segment(struct mm *mm, const uint8_t *file, size_t size,
                        const struct elf64_phdr *ph)
{
    uint64_t start = ph->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = (ph->vaddr + ph->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);

    if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
        ph->vaddr < USER_BASE || end > USTACK_TOP - USTACK_SIZE || end <= start)
        return -XEN_EINVAL;
    int rc = vm_map_area(mm, start, end - start, seg_prot(ph->flags));
    for (uint64_t va = start; !rc && va < end; va += PAGE_SIZE) {
        pfn_t p = frame_alloc();
        if (!p.v)
            return -XEN_ENOMEM;
        /* The part of [va, va + 4 KiB) that the file backs. */
        uint64_t lo = va > ph->vaddr ? va : ph->vaddr;
        uint64_t hi = va + PAGE_SIZE < ph->vaddr + ph->filesz ? va + PAGE_SIZE
                                                               : ph->vaddr + ph->filesz;
        if (lo < hi)
            memcpy((uint8_t *)pfn_to_virt(p) + (lo - va), file + ph->offset + (lo - ph->vaddr),
                   hi - lo);
        rc = vm_insert(mm, va, p, seg_prot(ph->flags));
    }
    return rc;
}

/* The stack: its top page holds the argument strings and the argv array. */
static int build_stack(struct mm *mm, const char *const *argv, struct exec_image *img)
{
    int rc = vm_map_area(mm, USTACK_TOP - USTACK_SIZE, USTACK_SIZE, VM_READ | VM_WRITE);
    pfn_t p = frame_alloc();
    if (rc || !p.v)
        return rc ? rc : -XEN_ENOMEM;
    uint8_t *page = pfn_to_virt(p);
    uint64_t base = USTACK_TOP - PAGE_SIZE, off = PAGE_SIZE;
    uint64_t ptrs[MAX_ARGS + 1];
    int argc = 0;

    for (; argv && argv[argc] && argc < MAX_ARGS; argc++) {
        size_t n = strlen(argv[argc]) + 1;
        if (n > off - 512)
            return -XEN_EINVAL;             /* E2BIG */
        off -= n;
        memcpy(page + off, argv[argc], n);
        ptrs[argc] = base + off;
    }
    ptrs[argc] = 0;
    off = (off - (argc + 1) * 8) & ~15ULL;
    memcpy(page + off, ptrs, (argc + 1) * 8);
    img->argc = argc;
    img->argv = base + off;
    img->sp = base + off - 16;
    return vm_insert(mm, base, p, VM_READ | VM_WRITE);
}

int exec_load(const char *name, const char *const *argv, struct exec_image *img)
{
    const uint8_t *file = _user_ubox_start;
    size_t size = (size_t)(_user_ubox_end - _user_ubox_start);
    const struct elf64_ehdr *eh = (const void *)file;

    if (!program_exists(name))
        return -XEN_ENOENT;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\x7f" "ELF\x02\x01", 6) || eh->machine != 62 ||
        eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
        eh->phnum > (size - eh->phoff) / sizeof(struct elf64_phdr))
        return -XEN_EINVAL;
    /* Built unpinned (plain stores), pinned once complete: one batch, as fork does. */
    struct mm *mm = mm_new_unpinned();
    if (!mm)
        return -XEN_ENOMEM;
    const struct elf64_phdr *ph = (const void *)(file + eh->phoff);
    int rc = 0;
    uint64_t brk = 0;
    for (unsigned i = 0; !rc && i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD)
            continue;
        rc = load_segment(mm, file, size, &ph[i]);
        uint64_t end = (ph[i].vaddr + ph[i].memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        if (end > brk)
            brk = end;
    }
    if (!rc)
        rc = build_stack(mm, argv, img);
    if (!rc)
        rc = mm_pin(mm);
    if (rc) {
        mm_destroy(mm);
        return rc;
    }
    mm->brk_start = mm->brk = brk;
    img->mm = mm;
    img->entry = eh->entry;
    return 0;
}

/* Fault in [uva, uva + n) of the current process for the access; false if not allowed. */
static bool user_range(uint64_t uva, size_t n, bool write)
{
    struct mm *mm = myproc() ? myproc()->mm : NULL;
    if (!mm || uva >= USER_TOP || n > USER_TOP - uva)
        return false;
    for (uint64_t va = uva & ~(uint64_t)(PAGE_SIZE - 1); va < uva + n; va += PAGE_SIZE) {
        pteval_t *e = vm_pte(mm, va);
        pteval_t v = e ? pvops->read_entry(e) : 0;
        if ((v & PTE_P) && (!write || (v & PTE_RW)))
            continue;
        if (vm_fault(mm, va, write))
            return false;
    }
    return true;
}

int user_write(uint64_t uva, const void *src, size_t n)
{
    if (!user_range(uva, n, true))
        return -XEN_EFAULT;
    memcpy((void *)uva, src, n);
    return 0;
}

int user_read(void *dst, uint64_t uva, size_t n)
{
    if (!user_range(uva, n, false))
        return -XEN_EFAULT;
    memcpy(dst, (const void *)uva, n);
    return 0;
}

int user_strcpy(char *dst, uint64_t uva, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (!user_range(uva + i, 1, false))
            return -XEN_EFAULT;
        dst[i] = *(const char *)(uva + i);
        if (!dst[i])
            return 0;
    }
    return -XEN_EINVAL;
}
