/*
 * Hypercall wrappers for a 64-bit PV guest.  Two doors into the hypervisor: the hypercall
 * page the builder filled (32-byte stubs, the normal path) and a bare `syscall` from guest
 * kernel mode (what Linux >= 6.1.121 uses).  Both take the number in rax and arguments in
 * rdi, rsi, rdx, r10, r8; both clobber rcx and r11; the result (>= 0 or -XEN_E*) is in rax.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/physdev.h>

extern char hypercall_page[];

/* Call hypercall `nr` through the hypercall page. */
static inline long hypercall5(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3,
                              uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + nr * 32)
                     : "rcx", "r11", "memory");
    return ret;
}

/* Call hypercall `nr` with a bare syscall instruction (no hypercall page). */
static inline long hypercall5_syscall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3,
                                      uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret = nr;
    __asm__ volatile("syscall"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :
                     : "rcx", "r11", "memory");
    return ret;
}

#define HC(nr, a1, a2, a3, a4, a5) \
    hypercall5((nr), (uint64_t)(a1), (uint64_t)(a2), (uint64_t)(a3), (uint64_t)(a4), \
               (uint64_t)(a5))

static inline long HYPERVISOR_console_io(int cmd, unsigned count, const char *buf)
{
    return HC(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return HC(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_mmu_update(struct mmu_update *req, unsigned count,
                                         unsigned *done, domid_t domid)
{
    return HC(__HYPERVISOR_mmu_update, req, count, done, domid, 0);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned count,
                                        unsigned *done, domid_t domid)
{
    return HC(__HYPERVISOR_mmuext_op, op, count, done, domid, 0);
}

static inline long HYPERVISOR_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags)
{
    return HC(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long HYPERVISOR_multicall(struct multicall_entry *calls, unsigned nr)
{
    return HC(__HYPERVISOR_multicall, calls, nr, 0, 0, 0);
}

/* The execution model (trap table, callbacks, descriptors, debug registers, ...). */
static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
    return HC(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline long HYPERVISOR_set_gdt(const unsigned long *frames, unsigned entries)
{
    return HC(__HYPERVISOR_set_gdt, frames, entries, 0, 0, 0);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
    return HC(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event, unsigned long failsafe,
                                            unsigned long syscall)
{
    return HC(__HYPERVISOR_set_callbacks, event, failsafe, syscall, 0, 0);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
    return HC(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0);
}

static inline long HYPERVISOR_set_debugreg(int reg, unsigned long value)
{
    return HC(__HYPERVISOR_set_debugreg, reg, value, 0, 0, 0);
}

static inline long HYPERVISOR_get_debugreg(int reg)
{
    return HC(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

/* maddr: machine address of the 8-byte descriptor slot; desc: the descriptor. */
static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return HC(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0);
}

static inline long HYPERVISOR_vm_assist(unsigned cmd, unsigned type)
{
    return HC(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline long HYPERVISOR_set_segment_base(unsigned which, unsigned long base)
{
    return HC(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
    return HC(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

#endif
