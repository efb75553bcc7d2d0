/*
 * Native exception stubs (vectors 0-31).  The guest has no use for exceptions natively yet,
 * so each one ends the run: the stub makes a uniform frame (vector, error code or 0, then
 * the CPU's frame) and calls native_trap(), which reports and powers off with "crash".
 */
    .section .text.entry, "ax"
    .code64

.macro TRAP_STUB vec
    .balign 16
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
    /* the CPU pushed an error code */
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp native_trap_common
.endm

    .balign 16
    .globl native_trap_stubs
native_trap_stubs:
    .altmacro
    .set v, 0
    .rept 32
    TRAP_STUB %v
    .set v, v + 1
    .endr

native_trap_common:
    movq %rsp, %rdi            /* struct native_trap_frame * */
    andq $-16, %rsp
    call native_trap
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
