/*
 * The lean entry points of the execution-model probes (bench_exec.c, bench_syscall.c): a
 * trap-table handler that returns by the iret hypercall, a syscall callback and the iret to
 * user mode it pairs with, and the native int3 handler they are compared with.  Only what a
 * kernel cannot avoid on each path is here (no register save, no dispatch), as in
 * bench_user.S, so each figure is the hypervisor's path plus a few instructions.  The trap
 * table, callbacks, kernel stack and user address space they run with are the
 * execution-model harness's (pvexec.h); the probes point one entry of it here for the
 * duration of a probe and put it back.
 */
#include "pvexec_asm.h"

#define HYPERCALL_IRET (hypercall_page + PVX_HC_IRET * 32)

    .text

/*
 * PV trap-table handler for int3 from guest kernel mode.  The bounce frame is
 * { rcx, r11, rip, cs, rflags, rsp, ss } with rip after the int3; the iret stub pushes rcx,
 * r11 and rax itself onto { flags, rip, cs, rflags, rsp, ss }.  Counts its entries.
 */
    .globl bench_pv_int3_entry
    .balign 16
bench_pv_int3_entry:
    incq bench_traps(%rip)
    popq %rcx
    popq %r11
    pushq $0                           /* iret_context.flags: rcx and r11 from the frame */
    jmp HYPERCALL_IRET

/* The native equivalent: an interrupt gate for vector 3 in ring 0. */
    .globl bench_native_int3_entry
    .balign 16
bench_native_int3_entry:
    incq bench_traps(%rip)
    iretq

/*
 * uint64_t bench_pv_user_roundtrip(uint64_t user_rip, uint64_t user_rsp)
 * From guest kernel mode, the iret hypercall to user mode at user_rip with VGCF_in_syscall
 * (the way back from a syscall: rcx and r11 are not restored, so the hypervisor may sysret),
 * events unmasked; the user code's `syscall` enters bench_pv_syscall_entry, which returns
 * from here on the kernel stack it left, with the user's rax.  Callee-saved registers are
 * untouched on the way (the user code must leave them alone too).
 */
    .globl bench_pv_user_roundtrip
bench_pv_user_roundtrip:
    movq %rsp, bench_krsp(%rip)
    pushq $PVX_SS
    pushq %rsi
    pushq $0x202                       /* rflags: IF */
    pushq $PVX_CS_USER
    pushq %rdi
    pushq $PVX_VGCF_IN_SYSCALL
    jmp HYPERCALL_IRET

/* The syscall callback: the frame { rcx, r11, rip, cs, rflags, rsp, ss } on the stack_switch
 * stack is left there. */
    .globl bench_pv_syscall_entry
    .balign 16
bench_pv_syscall_entry:
    movq bench_krsp(%rip), %rsp
    ret

    .bss
    .balign 8
    .globl bench_traps
bench_traps:    .quad 0                /* int3 handler entries */
bench_krsp:     .quad 0                /* kernel rsp across a user round trip */

    .section .note.GNU-stack, "", @progbits
