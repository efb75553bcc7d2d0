/*
 * The hypercalls that belong to the x86 machine (host/arch.h, arch_do_hypercall): those that
 * read or rewrite the vCPU's saved register frame, and the other x86-only ones.  The portable
 * dispatcher (host/hypercall.c) hands over every number it does not own; the frame is
 * current->arch->regs, and whatever a handler leaves in it is what the guest resumes with.
 * Like the portable dispatcher this only decodes: the work is in pv_*.c.
 */
#include <public/errno.h>
#include <public/xen.h>
#include "arch.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "printk.h"

long arch_do_hypercall(unsigned long nr, const uint64_t a[6], bool in_multicall)
{
    (void)in_multicall;     /* iret, the one call a batch may not hold, is refused earlier */
    switch (nr) {
    case __HYPERVISOR_set_trap_table:
        return do_set_trap_table(a[0]);
    case __HYPERVISOR_set_gdt:
        return do_set_gdt(a[0], (unsigned)a[1]);
    case __HYPERVISOR_update_descriptor:
        return do_update_descriptor(a[0], a[1]);
    case __HYPERVISOR_stack_switch:
        return do_stack_switch(a[0], a[1]);
    case __HYPERVISOR_set_callbacks:
        return do_set_callbacks(a[0], a[1], a[2]);
    case __HYPERVISOR_fpu_taskswitch:
        return do_fpu_taskswitch((int)a[0]);
    case __HYPERVISOR_set_debugreg:
        return do_set_debugreg((int)a[0], a[1]);
    case __HYPERVISOR_get_debugreg:
        return do_get_debugreg((int)a[0]);
    case __HYPERVISOR_vm_assist:
        return do_vm_assist((unsigned)a[0], (unsigned)a[1]);
    case __HYPERVISOR_iret:
        return do_iret();
    case __HYPERVISOR_set_segment_base:
        return do_set_segment_base((unsigned)a[0], a[1]);
    case __HYPERVISOR_callback_op:
        return do_callback_op((int)a[0], a[1]);
    case __HYPERVISOR_physdev_op:
        return do_physdev_op((int)a[0], a[1]);
    default:
        printk_guest("pvx: d%u: hypercall %lu not implemented\n",
                     current->domain->mm.domid, nr);
        return -XEN_ENOSYS;
    }
}
