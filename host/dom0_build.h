/*
 * The domain builder: a guest kernel image (and an initial ramdisk) in, a domain laid out exactly as Xen 4.17's dom0
 * builder lays it out (dom0_layout.h), with its pagetables pinned and loaded, out.
 */
#ifndef PVX_DOM0_BUILD_H
#define PVX_DOM0_BUILD_H

#include <stdint.h>
#include "mm/types.h"

struct domain;
struct vcpu;
struct boot_module;

/* Where the built domain starts, for the arch's first entry. */
struct dom0_entry {
    uint64_t entry;           /* first instruction */
    uint64_t stack_top;       /* initial rsp: the top of the boot stack page */
    uint64_t start_info;      /* virtual address of start_info (rsi at entry) */
    uint64_t region_start;    /* the mapped region [region_start, region_end) */
    uint64_t region_end;
    uint64_t pt_start;        /* a read-only mapped VA: the first bootstrap pagetable */
    mfn_t stack_mfn;          /* the boot stack's frame */
};

/* Build domain `d` with vCPU `v` from the kernel module (an ELF, or a bzImage whose ELF is
 * unpacked first) and the initrd module (NULL: none), `mem_bytes` of memory.  NULL with *e
 * filled, or why the build failed (the domain may then hold frames: the caller crashes it). */
const char *dom0_build(struct domain *d, struct vcpu *v, const struct boot_module *kernel,
                       const struct boot_module *initrd, uint64_t mem_bytes,
                       struct dom0_entry *e);

#endif
