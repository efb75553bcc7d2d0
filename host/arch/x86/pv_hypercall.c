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
#include "hypercall.h"
#include "printk.h"

#define ARGS uint64_t a0 UNUSED, uint64_t a1 UNUSED, uint64_t a2 UNUSED, uint64_t a3 UNUSED, \
             uint64_t a4 UNUSED, uint64_t a5 UNUSED
#define UNUSED __attribute__((unused))
static long hc_set_trap_table(ARGS) { return do_set_trap_table(a0); }
static long hc_set_gdt(ARGS) { return do_set_gdt(a0, (unsigned)a1); }
static long hc_update_descriptor(ARGS) { return do_update_descriptor(a0, a1); }
static long hc_stack_switch(ARGS) { return do_stack_switch(a0, a1); }
static long hc_set_callbacks(ARGS) { return do_set_callbacks(a0, a1, a2); }
static long hc_fpu_taskswitch(ARGS) { return do_fpu_taskswitch((int)a0); }
static long hc_set_debugreg(ARGS) { return do_set_debugreg((int)a0, a1); }
static long hc_get_debugreg(ARGS) { return do_get_debugreg((int)a0); }
static long hc_vm_assist(ARGS) { return do_vm_assist((unsigned)a0, (unsigned)a1); }
static long hc_iret(ARGS) { return do_iret(); }
static long hc_set_segment_base(ARGS) { return do_set_segment_base((unsigned)a0, a1); }
static long hc_callback_op(ARGS) { return do_callback_op((int)a0, a1); }
static long hc_physdev_op(ARGS) { return do_physdev_op((int)a0, a1); }
#undef ARGS
#undef UNUSED

/* Every hypercall the machine handles, the portable ones included (hypercall.h): the table
 * the syscall entry calls from (entry.S), and arch_do_hypercall's. */
hypercall_fn *const arch_hypercall_table[HYPERCALL_TABLE_SIZE] = {
    HYPERCALL_PORTABLE_HANDLERS,
    [__HYPERVISOR_set_trap_table] = hc_set_trap_table,
    [__HYPERVISOR_set_gdt] = hc_set_gdt,
    [__HYPERVISOR_update_descriptor] = hc_update_descriptor,
    [__HYPERVISOR_stack_switch] = hc_stack_switch,
    [__HYPERVISOR_set_callbacks] = hc_set_callbacks,
    [__HYPERVISOR_fpu_taskswitch] = hc_fpu_taskswitch,
    [__HYPERVISOR_set_debugreg] = hc_set_debugreg,
    [__HYPERVISOR_get_debugreg] = hc_get_debugreg,
    [__HYPERVISOR_vm_assist] = hc_vm_assist,
    [__HYPERVISOR_iret] = hc_iret,
    [__HYPERVISOR_set_segment_base] = hc_set_segment_base,
    [__HYPERVISOR_callback_op] = hc_callback_op,
    [__HYPERVISOR_physdev_op] = hc_physdev_op,
};
_Static_assert(HYPERCALL_TABLE_SIZE == ARCH_HYPERCALL_SLOTS, "entry.S's bound on the tables");

long arch_do_hypercall(unsigned long nr, const uint64_t a[6], bool in_multicall)
{
    hypercall_fn *fn = nr < HYPERCALL_TABLE_SIZE ? arch_hypercall_table[nr] : NULL;

    /* iret, the one call a batch may not hold, is refused earlier; the portable numbers
     * never come here (hypercall_dispatch calls them from its own table). */
    (void)in_multicall;
    if (fn != NULL)
        return fn(a[0], a[1], a[2], a[3], a[4], a[5]);
    printk_guest("pvx: d%u: hypercall %lu not implemented\n", current->domain->mm.domid, nr);
    return -XEN_ENOSYS;
}
