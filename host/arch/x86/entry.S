/*
 * Every way into and out of the host.  The guest kernel runs in ring 3 on its own
 * pagetables, whose L4 slots 256-271 map the host, so the host code, its stacks, GDT, IDT
 * and TSS are always mapped.  Three ways in:
 *
 *   syscall         from the guest -> a hypercall handler (the common case), or
 *                   arch_syscall()
 *   exception/IRQ   from the guest (ring 3) -> arch_guest_trap(), or from the host itself
 *                   (ring 0) -> arch_host_trap()
 *   (first entry)   arch_enter_guest() pretends to return from one of the above
 *
 * All of them save the same struct cpu_regs (x86.h): a guest's frame always sits at the
 * top of the host stack.  The way out to the guest is the exit step, run on that frame
 * before the registers are restored: its common case here (EXIT_CHECKS, after
 * hypercall_exit or exit_to_guest), the whole of it in C (arch_exit_to_guest, vcpu.c).  A
 * fault the host takes in ring 0 returns to the host directly.
 */
#include "arch/x86/x86.h"

/* struct cpu_regs (x86.h) from rdi up: the pad, the six hypercall arguments, rax, rcx, r11
 * (the registers C may clobber), then rbx, rbp, r12-r15 (which C preserves), then the error
 * code and vector and the hardware frame.  These macros are its one spelling here. */

/* Push the registers C may clobber, landing in cpu_regs order, then the pad word. */
.macro PUSH_SCRATCH pad
    push    %r11
    push    %rcx
    push    %rax
    push    %r9
    push    %r8
    push    %r10
    push    %rdx
    push    %rsi
    push    %rdi
    pushq   $\pad
.endm

/* Drop the pad word and pop the six hypercall arguments (rax, rcx and r11 stay). */
.macro POP_ARGS
    add     $8, %rsp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %r10
    pop     %r8
    pop     %r9
.endm

/* Leave by sysretq from the hardware frame at %rsp: rip into %rcx, rflags into %r11, the
 * guest's stack; cs and ss come from STAR (0xe033/0xe02b). */
.macro SYSRET_FROM_FRAME
    pop     %rcx                    /* rip */
    add     $8, %rsp                /* cs */
    pop     %r11                    /* rflags */
    pop     %rsp                    /* the guest's stack */
    sysretq
.endm

/* Push the general registers so that they land in struct cpu_regs order (rdi lowest),
 * then the alignment pad (0: a full frame). */
.macro SAVE_ALL
    push    %r15
    push    %r14
    push    %r13
    push    %r12
    push    %rbp
    push    %rbx
    PUSH_SCRATCH 0
.endm

.macro RESTORE_ALL
    POP_ARGS
    pop     %rax
    pop     %rcx
    pop     %r11
    pop     %rbx
    pop     %rbp
    pop     %r12
    pop     %r13
    pop     %r14
    pop     %r15
.endm

/* Call \fn(regs).  Every frame is 16-byte aligned (the CPU aligns an exception frame, and
 * the syscall entry builds its own at the aligned top of the stack). */
.macro CALL_WITH_REGS fn
    cld
    mov     %rsp, %rdi
    call    \fn
.endm

    .text

/*
 * Hypercall entry, the guided tour.
 *
 * 1. The guest kernel (ring 3) executes `syscall`, from the hypercall page stub
 *    (push %rcx; push %r11; mov $nr,%eax; syscall; ...) or bare (Linux >= 6.1.121).  The CPU
 *    puts the return rip in %rcx and rflags in %r11, loads CS 0xe008 / SS 0xe010 from STAR and
 *    clears IF (FMASK); it does NOT switch stacks, so %rsp is still the guest's and must not
 *    be touched as memory.
 * 2. Store the guest %rsp into its slot of the frame at the top of the host stack (one CPU,
 *    interrupts off: no race) and move there.
 * 3. Build the same frame an exception from ring 3 would have left: ss, rsp, rflags, cs,
 *    rip, then error code 0 with vector TRAP_syscall, then the general registers C may
 *    clobber or read: the six arguments, rax, rcx, r11.  rbx, rbp and r12-r15 stay in the
 *    CPU: C preserves them, so they are still the guest's when the entry leaves, and their
 *    slots are skipped (pad = 1 marks such a frame for the register dump).  From here on C
 *    may change the frame (rax = result).
 * 4. A hypercall from guest kernel mode whose number has a handler in the machine's table
 *    (pv_hypercall.c), with no per-call hook on, is called from here with the guest's own
 *    argument registers, and the common case of the exit step is done here too
 *    (hypercall_exit).  Everything else goes to arch_syscall() (C), which checks guest
 *    kernel mode, calls hypercall_dispatch(rax, frame->args) with the six arguments where
 *    the entry put them, runs the exit step, and says whether sysretq may be used.
 * 5. Leave.  Xen's ABI clobbers only %rcx and %r11 (and %rax = result); every other register
 *    is the guest's again: from the frame, or never changed.
 */
/* Steps 2-3: the frame of a syscall from code segment \cs, and \vector, which tells the C
 * entry (arch_syscall) which kind. */
.macro SYSCALL_FRAME name, cs, vector
    .globl \name
    .hidden \name
\name:
    mov     %rsp, arch_host_stack_top - 16(%rip)    /* the frame's rsp */
    lea     arch_host_stack_top - 16(%rip), %rsp
    movq    $FLAT_RING3_SS64, 8(%rsp)
    push    %r11
    pushq   $\cs
    push    %rcx
    pushq   $0
    movl    $\vector, 4(%rsp)
    sub     $48, %rsp               /* r15..rbx: not saved, the CPU keeps them */
    PUSH_SCRATCH 1                  /* pad 1: a hypercall frame */
.endm

/*
 * Step 4, the way most hypercalls take: from guest kernel mode, to a handler in the table
 * of every hypercall (pv_hypercall.c), with no per-call hook on (hypercall_hooks_on).  The
 * handler is called with the guest's own argument registers (%r10 moved to %rcx, C's
 * fourth); %rcx and %r11 are free, their values are in the frame.  From guest user mode,
 * user_syscall.  Anything else goes to arch_syscall (C), which does the same through
 * hypercall_dispatch, and more.  DF is clear: FMASK clears it.
 */
    SYSCALL_FRAME arch_syscall_entry, FLAT_RING3_CS64, TRAP_syscall
    cmpb    $0, hypercall_hooks_on(%rip)
    jne     syscall_slow
    mov     current(%rip), %r11
    mov     VCPU_ARCH(%r11), %r11
    cmpb    $0, ARCH_VCPU_KERNEL_MODE(%r11)
    je      user_syscall                /* guest user mode: a bounce, not a hypercall */
    cmp     $ARCH_HYPERCALL_SLOTS, %rax
    jae     syscall_slow                /* unknown: refused by the dispatcher */
    lea     arch_hypercall_table(%rip), %r11
    mov     (%r11,%rax,8), %r11
    test    %r11, %r11
    jz      syscall_slow
    mov     %r10, %rcx
    call    *%r11

/* rflags, in the 32-bit register \reg32, as a guest may hold them (as the C exit step
 * makes them): IF on, IOPL 0; the upper half (reserved) is cleared. */
.macro SAFE_RFLAGS reg32
    and     $X86_EFLAGS_GUEST, \reg32
    or      $(X86_EFLAGS_IF | X86_EFLAGS_MBS), \reg32
.endm

/* The same for the frame's rflags, before an iretq (clobbers %rcx). */
.macro SAFE_FRAME_RFLAGS
    mov     REGS_RFLAGS(%rsp), %rcx
    SAFE_RFLAGS %ecx
    mov     %rcx, REGS_RFLAGS(%rsp)
.endm

/*
 * The exit step's common case (vcpu.c, exit_step, is the whole of it), on the frame at %rsp
 * once any queued bounce is written, with current in %r11 and %rcx free: no event the guest
 * would take now, a canonical rip, else \slow (the C step).  Then \iret (which must make
 * the frame's rflags safe), unless the frame may leave by sysretq (its rcx and r11 are dead,
 * it returns to the flat selectors): then it falls through with rip in %rcx and safe
 * rflags in %r11.
 */
.macro EXIT_CHECKS slow, iret
    mov     VCPU_VINFO(%r11), %rcx
    cmpb    $0, (%rcx)                  /* evtchn_upcall_pending */
    je      1f
    cmpb    $0, 1(%rcx)                 /* evtchn_upcall_mask */
    je      \slow
1:  mov     REGS_RIP(%rsp), %rcx
    movabs  $(1 << 47), %r11            /* canonical: rip + 2^47 below 2^48 */
    add     %rcx, %r11
    shr     $48, %r11
    jnz     \slow
    testb   $(TRAP_syscall >> 8), REGS_VECTOR + 1(%rsp)
    jz      \iret
    cmpq    $FLAT_RING3_CS64, REGS_CS(%rsp)
    jne     \iret
    cmpq    $FLAT_RING3_SS64, REGS_SS(%rsp)
    jne     \iret
    mov     REGS_RFLAGS(%rsp), %r11
    SAFE_RFLAGS %r11d
.endm

/* The six hypercall argument registers from the frame at %rsp. */
.macro LOAD_ARGS
    mov     REGS_RDI(%rsp), %rdi
    mov     REGS_RDI + 8(%rsp), %rsi
    mov     REGS_RDI + 16(%rsp), %rdx
    mov     REGS_RDI + 24(%rsp), %r10
    mov     REGS_RDI + 32(%rsp), %r8
    mov     REGS_RDI + 40(%rsp), %r9
.endm

/* After a hypercall called from the entry, with the result in %rax: a queued bounce (rare
 * here) is for the C step too.  The callee-saved registers are the guest's still. */
hypercall_exit:
    mov     current(%rip), %r11
    mov     VCPU_ARCH(%r11), %rcx
    cmpb    $0, ARCH_VCPU_BOUNCE_FLAGS(%rcx)
    jne     hypercall_exit_slow
    EXIT_CHECKS hypercall_exit_slow, hypercall_exit_iret
    LOAD_ARGS
    mov     REGS_RSP(%rsp), %rsp
    sysretq
hypercall_exit_iret:                    /* rcx and r11 are the guest's */
    SAFE_FRAME_RFLAGS
    mov     REGS_RCX(%rsp), %rcx
    mov     REGS_R11(%rsp), %r11
    LOAD_ARGS
    add     $REGS_RIP, %rsp
    jmp     arch_iret_insn
hypercall_exit_slow:
    mov     %rax, REGS_RAX(%rsp)
    CALL_WITH_REGS arch_exit_to_guest
    jmp     syscall_leave

/* A syscall from guest user mode: the bounce to the guest kernel's syscall callback is
 * queued and written (pv_user_syscall), then the exit goes on as after a hypercall, with
 * the guest's own rax. */
user_syscall:
    mov     current(%rip), %rdi
    mov     %rsp, %rsi
    call    pv_user_syscall
    mov     REGS_RAX(%rsp), %rax
    jmp     hypercall_exit

syscall_slow:
    CALL_WITH_REGS arch_syscall
    jmp     syscall_leave

/* syscall from 32-bit (compatibility) code: no such ABI here; arch_syscall crashes the guest. */
    SYSCALL_FRAME arch_syscall_entry_compat, FLAT_RING3_CS32, TRAP_compat_syscall
    jmp     syscall_slow

/*
 * Leave to the guest from the frame at %rsp, after the exit step, which says (%eax) whether
 * sysretq may be used: it needs rip in %rcx and rflags in %r11 (so only for a frame whose
 * rcx and r11 are dead), returns to 0xe033/0xe02b, and must not be given a non-canonical rip
 * (CVE-2012-0217).  Anything else leaves by iretq.
 */
/* The end of a syscall entry: arch_syscall said in %eax whether sysretq may be used.  The
 * callee-saved slots are skipped either way. */
syscall_leave:
    POP_ARGS
    test    %eax, %eax              /* after POP_ARGS's add; the pop leaves the flags alone */
    pop     %rax
    jz      1f
    add     $16 + 48 + 8, %rsp      /* %rcx becomes rip, %r11 rflags; r15..rbx; vector */
    SYSRET_FROM_FRAME
1:  pop     %rcx
    pop     %r11
    add     $48 + 8, %rsp           /* r15..rbx; vector */
    jmp     arch_iret_insn

/*
 * Leave from a full frame (an exception, an interrupt, the first entry): a queued bounce is
 * written here (pv_create_bounce_frame), the rest is EXIT_CHECKS, then every register comes
 * from the frame.
 */
exit_to_guest:
    mov     current(%rip), %rbx         /* free: every register is in the frame */
    mov     VCPU_ARCH(%rbx), %rax
    cmpb    $0, ARCH_VCPU_BOUNCE_FLAGS(%rax)
    je      1f
    mov     %rbx, %rdi
    mov     %rsp, %rsi
    call    pv_create_bounce_frame
1:  mov     %rbx, %r11
    EXIT_CHECKS exit_to_guest_slow, exit_iret_full
exit_sysret_full:                       /* rip in %rcx, rflags in %r11 */
    LOAD_ARGS
    mov     REGS_RAX(%rsp), %rax
    mov     REGS_RBX(%rsp), %rbx
    mov     REGS_RBX + 8(%rsp), %rbp
    mov     REGS_RBX + 16(%rsp), %r12
    mov     REGS_RBX + 24(%rsp), %r13
    mov     REGS_RBX + 32(%rsp), %r14
    mov     REGS_RBX + 40(%rsp), %r15
    mov     REGS_RSP(%rsp), %rsp
    sysretq
exit_iret_full:
    SAFE_FRAME_RFLAGS
    jmp     restore_iret
exit_to_guest_slow:
    CALL_WITH_REGS arch_exit_to_guest
    test    %eax, %eax
    jz      restore_iret
    mov     REGS_RIP(%rsp), %rcx
    mov     REGS_RFLAGS(%rsp), %r11
    jmp     exit_sysret_full

restore_iret:
    RESTORE_ALL
    add     $8, %rsp
/* A frame the CPU refuses (bad selector, non-canonical rip) faults here, in ring 0: traps.c
 * turns that into a crash of the guest the frame belongs to. */
    .globl arch_iret_insn
    .hidden arch_iret_insn
arch_iret_insn:
    iretq

/* First entry into a guest: %rdi is a complete frame at the top of the host stack. */
    .globl arch_enter_guest
    .hidden arch_enter_guest
arch_enter_guest:
    mov     %rdi, %rsp
    jmp     exit_to_guest

/*
 * Exceptions and interrupts.  Each stub makes the error-code slot uniform (pushing 0 where
 * the CPU pushes none), stores its vector in the upper half of that slot, and joins
 * trap_common.  From ring 3 the CPU has already switched to TSS.rsp0 (the host stack top);
 * from ring 0 the frame lands on the current host stack.  arch_guest_trap() (ring 3) or
 * arch_host_trap() (ring 0) decides what becomes of the fault; a frame from ring 3 then
 * leaves through the exit step, one from ring 0 returns to the host as it was.
 */
trap_common:
    SAVE_ALL
    cld
    mov     %rsp, %rdi
    testb   $3, REGS_CS(%rsp)
    jz      1f
    call    arch_guest_trap
    jmp     exit_to_guest
1:  call    arch_host_trap
    jmp     restore_iret

/* 256 stubs of 16 bytes each: stub v is at arch_exception_stubs + 16 * v. */
    .balign 16
    .globl arch_exception_stubs
    .hidden arch_exception_stubs
arch_exception_stubs:
vec = 0
.rept 256
    .balign 16
    .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq   $0
    .endif
    movl    $vec, 4(%rsp)
    jmp     trap_common
vec = vec + 1
.endr

    .section .bss
    .balign 16
    .globl arch_host_stack_top, arch_ist_nmi_top, arch_ist_df_top, arch_ist_mc_top
    .globl arch_ist_db_top
    .hidden arch_host_stack_top
    .hidden arch_ist_nmi_top
    .hidden arch_ist_df_top
    .hidden arch_ist_mc_top
    .hidden arch_ist_db_top
arch_host_stack:    .skip 16384
arch_host_stack_top:
    .skip 4096
arch_ist_nmi_top:
    .skip 4096
arch_ist_df_top:
    .skip 4096
arch_ist_mc_top:
    .skip 8192                  /* a guest's #DB crashes the domain from here: room to spare */
arch_ist_db_top:

    .section .note.GNU-stack, "", @progbits
