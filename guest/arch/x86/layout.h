/*
 * The guest's fixed address-space facts, shared by the assembly entry code and C.  Every
 * virtual address of the image is VIRT_BASE + its physical (load) address, under pvx, under
 * Xen and natively alike, so guest pfn = (va - VIRT_BASE) >> 12 inside the boot region.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define VIRT_BASE        0xffffffff80000000
#define LOAD_PADDR       0x100000          /* the image's first byte, physical */
#define PAGE_SHIFT       12
#define PAGE_SIZE        0x1000
#define BOOT_STACK_SIZE  0x4000
#define M2P_VIRT_START   0xffff800000000000 /* Xen's read-only machine-to-phys table */
#define DMAP_BASE        0xffff888000000000 /* the direct map of all guest frames, L4 slot 273 */
#define DMAP_SLOT        273

/* QEMU's isa-debug-exit port: writing v ends QEMU with status (v << 1) | 1. */
#define EXIT_PORT        0xf4
#define EXIT_VALUE_BASE  0x10              /* + SHUTDOWN_* reason */

#endif
