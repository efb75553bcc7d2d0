/*
 * The trap frame every entry into the kernel builds on the kernel stack (entry.S), shared
 * by the assembly and C.  From the lowest address: the general registers, the vector and
 * error code, then the hardware-shaped return frame (rip, cs, rflags, rsp, ss).  Under PV
 * the hypervisor's bounce frame has rcx and r11 on top, which the entry stubs pop first.
 */
#ifndef GUEST_TRAPFRAME_H
#define GUEST_TRAPFRAME_H

#define TF_SIZE        176      /* 22 words */
#define VEC_SYSCALL    256      /* not a hardware vector: the syscall entry */
#define VEC_TIMER      32       /* the timer: PIC IRQ0 remapped (native), VIRQ_TIMER (PV) */

#define NATIVE_KERNEL_CS 0x08
#define NATIVE_KERNEL_DS 0x10
#define NATIVE_USER_DS   0x1b   /* GDT 3, RPL 3 */
#define NATIVE_USER_CS   0x23   /* GDT 4, RPL 3 */
#define NATIVE_TSS       0x28   /* GDT 5-6 */
#define TRAP_STUB_SIZE   16     /* bytes per entry stub (entry.S) */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trapframe {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe layout");

/* entry.S */
void trap_return(void) __attribute__((__noreturn__));
void swtch(uint64_t *save_sp, uint64_t new_sp);
void fork_return(void);
extern char native_trap_stubs[], pv_trap_stubs[];
void native_syscall_entry(void);
void pv_syscall_entry(void);
void pv_event_entry(void);
void native_trap_exit(void);
void pv_trap_exit(void);
extern void *trap_exit_target;       /* native_trap_exit or pv_trap_exit */
extern uint64_t syscall_kstack;      /* native: the stack the syscall entry switches to */

/* The C side: every entry lands here (kernel/trap.c). */
void trap(struct trapframe *tf);
#endif

#endif
