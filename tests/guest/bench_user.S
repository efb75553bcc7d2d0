/*
 * The native side of bench-syscall: one user<->kernel round trip.  From ring 0,
 * bench_user_roundtrip() sysrets to a user page holding a single `syscall`; that syscall
 * enters at bench_syscall_entry (LSTAR), which returns from bench_user_roundtrip() on the
 * kernel stack it left.  Only the two transitions and the glue a kernel cannot avoid (its
 * stack pointer) are measured: no register save, no dispatch.  Native ring 0 only.
 */
    .text

/* void bench_user_roundtrip(uint64_t user_rip, uint64_t user_rsp) */
    .globl bench_user_roundtrip
bench_user_roundtrip:
    mov     %rsp, bench_kernel_rsp(%rip)
    mov     %rdi, %rcx              /* sysretq: rip from %rcx */
    mov     $0x2, %r11d             /* rflags from %r11: IF off, the reserved bit */
    mov     %rsi, %rsp
    sysretq

    .globl bench_syscall_entry
bench_syscall_entry:
    mov     bench_kernel_rsp(%rip), %rsp
    ret

    .bss
    .balign 8
bench_kernel_rsp:
    .quad   0

    .section .note.GNU-stack, "", @progbits
