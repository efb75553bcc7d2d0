/*
 * The copies that touch guest virtual memory (guest_access.c): run only on ranges already
 * refused if they are host, non-canonical or wrapping, and ended early by the exception
 * table when a fault hits either side, instead of crashing the host.
 */
#include <public/errno.h>
#include "arch/x86/x86.h"

/* Copy %rdx bytes from %rsi to %rdi: eight at a time (label 1), then the 0-7 left (label
 * 2), for the callers' exception-table entries.  On a fault %rcx holds what was left of
 * the loop that faulted. */
.macro COPY_WORDS_THEN_BYTES
    mov     %rdx, %rcx
    shr     $3, %rcx
1:  rep movsq
    mov     %edx, %ecx
    and     $7, %ecx
2:  rep movsb
.endm

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
    COPY_WORDS_THEN_BYTES
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

/*
 * int copy_from_guest_prechecked(void *dst, uint64_t gva, size_t len)
 * int copy_to_guest_prechecked(uint64_t gva, const void *src, size_t len)
 * (guest_access.h): the same copy for ranges inside an array guest_array_ok accepted, both
 * in memcpy's argument order; 0, or -XEN_EFAULT after a fault in either loop.  Two copies of
 * one body, so that profiles tell reads from writes.
 */
.macro COPY_PRECHECKED name
    .globl \name
    .hidden \name
\name:
    COPY_WORDS_THEN_BYTES
    xor     %eax, %eax
    ret
3:  mov     $-XEN_EFAULT, %eax
    ret
    .section .ex_table, "a"
    .balign 8
    .quad   1b, 3b
    .quad   2b, 3b
    .previous
.endm

    COPY_PRECHECKED copy_from_guest_prechecked
    COPY_PRECHECKED copy_to_guest_prechecked

    .section .note.GNU-stack, "", @progbits
