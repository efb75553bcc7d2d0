/*
 * PV entry, as a Xen-style builder enters it: 64-bit, ring 3, flat selectors, %rsi = the
 * start_info page (a VA inside the boot region), events masked.  Everything the builder
 * provides is checked later in C; here we only get a stack of our own and call C.
 */
#include "arch/x86/layout.h"

    .section .text.entry, "ax"
    .code64
    .globl pv_start
pv_start:
    cld
    movq $boot_stack_top, %rsp
    movq %rsi, %rdi
    call pv_main
1:  hlt                         /* pv_main never returns; a ring-3 hlt faults to the host */
    jmp 1b

/* The hypercall page: the hypervisor writes 32-byte stubs here before entry. */
    .section .text.entry, "ax"
    .balign PAGE_SIZE
    .globl hypercall_page
hypercall_page:
    .fill PAGE_SIZE, 1, 0xcc    /* int3 until filled: a call through an unfilled page traps */

    .section .bss.page_aligned, "aw", @nobits
    .balign PAGE_SIZE
    .globl boot_stack, boot_stack_top
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
