/*
 * The register probes of ex_hypercall_regs.c.  regs[16] is in pvx_record order:
 * rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15 (the rsp slot is not used).
 *
 * void hc_regs_probe(uint64_t regs[16])
 *   Load every general register but rsp from regs[], execute a bare `syscall` (rax the
 *   hypercall number, the arguments in rdi rsi rdx r10 r8 r9), and store every register as
 *   the hypercall left it back into regs[].
 *
 * void hc_regs_iret_probe(uint64_t regs[16], uint64_t ctx_rax, uint64_t ctx_rcx,
 *                         uint64_t ctx_r11, uint64_t flags)
 *   The same with an iret context on the stack (Xen's struct iret_context: rax r11 rcx
 *   flags rip cs rflags rsp ss) that returns in kernel mode to the instruction after the
 *   `syscall`, on this stack, with events masked (rflags IF clear); regs[0] should be
 *   __HYPERVISOR_iret.  The hypercall does not return: the iret lands there.
 */
#define KERNEL_CS  0xe030      /* FLAT_KERNEL_CS64 shown with RPL 0: stay in kernel mode */
#define KERNEL_SS  0xe02b

.macro LOAD_ALL
    mov     0*8(%rdi), %rax
    mov     1*8(%rdi), %rcx
    mov     2*8(%rdi), %rdx
    mov     3*8(%rdi), %rbx
    mov     5*8(%rdi), %rbp
    mov     6*8(%rdi), %rsi
    mov     8*8(%rdi), %r8
    mov     9*8(%rdi), %r9
    mov     10*8(%rdi), %r10
    mov     11*8(%rdi), %r11
    mov     12*8(%rdi), %r12
    mov     13*8(%rdi), %r13
    mov     14*8(%rdi), %r14
    mov     15*8(%rdi), %r15
    mov     7*8(%rdi), %rdi         /* last: it held the array */
.endm

/* Save the callee-saved registers, then the array pointer (%rdi). */
.macro ENTER
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rdi
.endm

/* After the call: %rsp points at the array pointer, pushed by ENTER. */
.macro STORE_ALL_AND_RETURN
    push    %rdi
    mov     8(%rsp), %rdi
    mov     %rax, 0*8(%rdi)
    mov     %rcx, 1*8(%rdi)
    mov     %rdx, 2*8(%rdi)
    mov     %rbx, 3*8(%rdi)
    mov     %rbp, 5*8(%rdi)
    mov     %rsi, 6*8(%rdi)
    mov     %r8, 8*8(%rdi)
    mov     %r9, 9*8(%rdi)
    mov     %r10, 10*8(%rdi)
    mov     %r11, 11*8(%rdi)
    mov     %r12, 12*8(%rdi)
    mov     %r13, 13*8(%rdi)
    mov     %r14, 14*8(%rdi)
    mov     %r15, 15*8(%rdi)
    pop     %rax                    /* rdi as the hypercall left it */
    mov     %rax, 7*8(%rdi)
    add     $8, %rsp                /* the array pointer */
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret
.endm

    .section .text, "ax"
    .globl hc_regs_probe
hc_regs_probe:
    ENTER
    LOAD_ALL
    syscall
    STORE_ALL_AND_RETURN

    .globl hc_regs_iret_probe
hc_regs_iret_probe:
    ENTER
    mov     %rsp, %rax              /* where the iret lands: the stack as it is now */
    sub     $72, %rsp
    mov     %rsi, 0(%rsp)           /* rax */
    mov     %rcx, 8(%rsp)           /* r11 */
    mov     %rdx, 16(%rsp)          /* rcx */
    mov     %r8, 24(%rsp)           /* flags */
    lea     1f(%rip), %rcx
    mov     %rcx, 32(%rsp)          /* rip */
    movq    $KERNEL_CS, 40(%rsp)    /* cs */
    movq    $0x2, 48(%rsp)          /* rflags: IF clear keeps events masked */
    mov     %rax, 56(%rsp)          /* rsp */
    movq    $KERNEL_SS, 64(%rsp)    /* ss */
    LOAD_ALL
    syscall
1:  STORE_ALL_AND_RETURN

    .section .note.GNU-stack, "", @progbits
