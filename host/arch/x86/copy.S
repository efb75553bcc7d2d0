/*
 * The one routine that touches guest virtual memory (guest_access.c calls it after refusing
 * host, non-canonical and wrapping ranges): a copy whose faults on either side end it early
 * through the exception table instead of crashing the host.
 */
#include "arch/x86/x86.h"

/*
 * size_t arch_copy_fixup(void *dst, const void *src, size_t len): copy len bytes, eight at a
 * time (rep movsq), then the remaining 0-7 (rep movsb); returns how many bytes were NOT
 * copied, 0 when all were.  A fault in the word copy resumes at 4: with %rcx words left, one
 * in the byte copy at 3: with %rcx bytes left.  DF is clear on every host entry.
 */
    .text
    .globl arch_copy_fixup
    .hidden arch_copy_fixup
arch_copy_fixup:
    mov     %rdx, %rcx
    shr     $3, %rcx
1:  rep movsq
    mov     %edx, %ecx
    and     $7, %ecx
2:  rep movsb
3:  mov     %rcx, %rax
    ret
4:  and     $7, %edx
    lea     (%rdx,%rcx,8), %rax
    ret
    .section .ex_table, "a"
    .balign 8
    .quad   1b, 4b
    .quad   2b, 3b
    .previous

    .section .note.GNU-stack, "", @progbits
