/*
 * The hypercalls that belong to the x86 machine (host/arch.h, arch_do_hypercall): those that
 * read or rewrite the vCPU's saved register frame, and the other x86-only ones.  The portable
 * dispatcher (host/hypercall.c) hands over every number it does not own; the frame is
 * current->arch->regs, and whatever a handler leaves in it is what the guest resumes with.
 */
#include <public/errno.h>
#include <public/xen.h>
#include "arch.h"
#include "arch/x86/x86.h"
#include "domain.h"
#include "printk.h"
#include "refuse.h"

long arch_do_hypercall(unsigned long nr, const uint64_t args[6], bool in_multicall)
{
    (void)args;
    (void)in_multicall;
    switch (nr) {
    case __HYPERVISOR_iret:
        return -XEN_ENOSYS;
    default:
        printk_guest("pvx: d%u: hypercall %lu not implemented\n",
                     current->domain->mm.domid, nr);
        return -XEN_ENOSYS;
    }
}
