/*
 * The user programs embedded in the kernel image: one multi-call ELF (guest/user/), whose
 * argv[0] selects the program.  Read-only data; exec copies what it maps.
 */
    .section .rodata
    .balign 16
    .globl _user_ubox_start, _user_ubox_end
_user_ubox_start:
    .incbin USER_ELF
_user_ubox_end:

    .section .note.GNU-stack, "", @progbits
