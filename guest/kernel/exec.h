/*
 * Programs embedded in the kernel image (kernel/programs.S), the ELF loader that builds an
 * address space for one, and copies between the kernel and the current address space.
 * Every user pointer is checked against the process's areas and its pages are faulted in
 * before the kernel touches them; a bad one is -EFAULT, never a kernel fault.
 */
#ifndef GUEST_EXEC_H
#define GUEST_EXEC_H

#include "kernel/vm.h"

#define USER_BASE    0x400000ULL          /* where programs are linked */
#define USTACK_TOP   0x7ffff000ULL        /* the stack grows down from here ... */
#define USTACK_SIZE  0x10000ULL           /* ... for 64 KiB */
#define MMAP_BASE    0x40000000ULL        /* mmap searches from 1 GiB up */
#define MAX_ARGS     16

struct exec_image {
    struct mm *mm;
    uint64_t entry, sp, argv;
    int argc;
};

/* A new address space holding program `name` with argv on its stack; 0 or -errno. */
int exec_load(const char *name, const char *const *argv, struct exec_image *img);

/* Copies to and from the current process's memory: 0 or -EFAULT. */
int user_write(uint64_t uva, const void *src, size_t n);
int user_read(void *dst, uint64_t uva, size_t n);
/* A NUL-terminated string of at most max - 1 bytes; -EFAULT, or -EINVAL when longer. */
int user_strcpy(char *dst, uint64_t uva, size_t max);

#endif
