/*
 * Every way into the kernel after boot, and the ways back out.
 *
 * Entries build one trap frame (trapframe.h) and call trap(): the native IDT stubs (the
 * CPU pushed the return frame, switching to TSS.rsp0 when it came from ring 3), the PV
 * trap-table stubs (the hypervisor pushed the same frame with rcx and r11 on top, on the
 * stack given with stack_switch), the native syscall entry (LSTAR: we switch stacks
 * ourselves) and the PV syscall callback (rcx, r11 and a return frame pushed for us).
 * The way out is one path, trap_return, that restores the registers and jumps to the
 * backend's exit: iretq natively, the iret hypercall under PV.
 */
#include "arch/x86/trapframe.h"

#define HYPERCALL_IRET 23

    .section .text.entry, "ax"
    .code64

/* One stub per vector: make the frame uniform (an error code of 0 where the CPU pushed
 * none), push the vector, go to trap_common.  The PV stubs first pop the rcx and r11 the
 * hypervisor pushed on top of its bounce frame. */
.macro ERRCODE vec
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

.macro NATIVE_STUB vec
    .balign TRAP_STUB_SIZE
    ERRCODE \vec
.endm

.macro PV_STUB vec
    .balign TRAP_STUB_SIZE
    popq %rcx
    popq %r11
    ERRCODE \vec
.endm

    .balign TRAP_STUB_SIZE
    .globl native_trap_stubs
native_trap_stubs:
    .altmacro
    .set v, 0
    .rept 33                    /* 0-31, and 32: the timer */
    NATIVE_STUB %v
    .set v, v + 1
    .endr

    .balign TRAP_STUB_SIZE
    .globl pv_trap_stubs
pv_trap_stubs:
    .set v, 0
    .rept 32
    PV_STUB %v
    .set v, v + 1
    .endr
    .noaltmacro

/* Native `syscall`: rcx = user rip, r11 = user rflags, still on the user stack. */
    .globl native_syscall_entry
native_syscall_entry:
    movq %rsp, syscall_user_rsp(%rip)
    movq syscall_kstack(%rip), %rsp
    pushq $NATIVE_USER_DS
    pushq syscall_user_rsp(%rip)
    pushq %r11
    pushq $NATIVE_USER_CS
    pushq %rcx
    pushq $0
    pushq $VEC_SYSCALL
    jmp trap_common

/* PV event callback (the timer's event channel): the same frame as a trap without an
 * error code, rcx and r11 on top; it enters the kernel as the timer vector. */
    .globl pv_event_entry
pv_event_entry:
    popq %rcx
    popq %r11
    pushq $0
    pushq $VEC_TIMER
    jmp trap_common

/* PV syscall callback: the hypervisor switched to our kernel stack and pushed rcx, r11,
 * then rip, cs, rflags, rsp, ss of the user context. */
    .globl pv_syscall_entry
pv_syscall_entry:
    popq %rcx
    popq %r11
    pushq $0
    pushq $VEC_SYSCALL
    jmp trap_common

trap_common:
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %rax
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    movq %rsp, %rbx             /* callee-saved: the frame, across the aligned call */
    andq $-16, %rsp
    call trap
    movq %rbx, %rsp
    /* fall through */

/* Return through the frame at %rsp. */
    .globl trap_return
trap_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rax
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
    addq $16, %rsp              /* vector, error */
    jmp *trap_exit_target(%rip)

    .globl native_trap_exit
native_trap_exit:
    iretq

/* The iret hypercall: its stub in the hypercall page pushes rcx, r11 and rax on top of
 * flags (0: restore rcx and r11 too) and the return frame, then enters the hypervisor. */
    .globl pv_trap_exit
pv_trap_exit:
    pushq $0
    jmp hypercall_page + HYPERCALL_IRET * 32

/* A new process's first run: swtch "returns" here with %rsp at its trap frame. */
    .globl fork_return
fork_return:
    call trap_exit_account
    jmp trap_return

/* swtch(save_sp, new_sp): save the callee-saved registers and the stack pointer, continue
 * on the other stack where an earlier swtch (or the set-up of a new process) left them. */
    .globl swtch
swtch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

    .section .data
    .balign 8
    .globl trap_exit_target, syscall_kstack
trap_exit_target:   .quad native_trap_exit
syscall_kstack:     .quad 0
syscall_user_rsp:   .quad 0

    .section .note.GNU-stack, "", @progbits
