/*
 * User entry: the kernel starts a program with argc in %rdi, argv in %rsi and a 16-byte
 * aligned stack; main's return value is the exit status.
 */
#include "user/sysnum.h"

    .section .text.start, "ax"
    .globl _start
_start:
    xorl %ebp, %ebp
    call main
    movl %eax, %edi
    movl $SYS_exit, %eax
    syscall
1:  jmp 1b

    .section .note.GNU-stack, "", @progbits
