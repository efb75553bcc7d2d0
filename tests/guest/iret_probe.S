/*
 * long iret_probe(struct multicall_entry *list, unsigned nr, uint64_t magic)
 *
 * Issue a multicall (bare syscall) with %rsp pointing at a well-formed iret frame, so that
 * an iret entry inside the list -- if the hypervisor executes it -- returns to the very next
 * instruction, on our own stack, in kernel mode, with %rax = magic.  If the hypervisor
 * refuses the iret entry instead, the multicall returns there normally with its own result.
 * Either way we come back; the caller tells the two apart by %rax and the entry results.
 * Frame layout (Xen's struct iret_context): rax r11 rcx flags rip cs rflags rsp ss.
 */
#define KERNEL_CS  0xe030      /* FLAT_KERNEL_CS64 shown with RPL 0: stay in kernel mode */
#define KERNEL_SS  0xe02b
#define MULTICALL  13          /* __HYPERVISOR_multicall */

    .section .text, "ax"
    .globl iret_probe
iret_probe:
    pushq %rbx
    movq %rsp, %rbx            /* the stack we must come back to */
    subq $72, %rsp
    movq %rdx, 0(%rsp)         /* rax */
    movq $0, 8(%rsp)           /* r11 */
    movq $0, 16(%rsp)          /* rcx */
    movq $0, 24(%rsp)          /* flags: not in syscall, restore rcx/r11 */
    leaq 1f(%rip), %rax
    movq %rax, 32(%rsp)        /* rip */
    movq $KERNEL_CS, 40(%rsp)  /* cs */
    movq $0x2, 48(%rsp)        /* rflags: IF clear keeps events masked */
    movq %rbx, 56(%rsp)        /* rsp */
    movq $KERNEL_SS, 64(%rsp)  /* ss */
    movl $MULTICALL, %eax
    syscall
1:  movq %rbx, %rsp
    popq %rbx
    ret

    .section .note.GNU-stack, "", @progbits
