/*
 * The system call dispatcher, called from trap() for the syscall entry.
 */
#ifndef GUEST_SYSCALL_H
#define GUEST_SYSCALL_H

#include "arch/x86/trapframe.h"

/* Run the call the frame names; its result goes to tf->rax (exec rewrites the frame). */
void syscall(struct trapframe *tf);

#endif
