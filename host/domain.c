/*
 * Domains and vCPUs: the one domain pvx runs (dom0, built at boot from the first module),
 * and the end of a domain.  Ending a domain (shutdown or crash) tears it down through host/mm,
 * which releases every frame it held, and ends the run with the exit code 0x10 + reason.
 */
#include <public/sched.h>
#include <public/xen.h>
#include "arch.h"
#include "dom0_build.h"
#include "domain.h"
#include "host.h"
#include "hypercall.h"
#include "hostlib/lib.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "printk.h"
#include "refuse.h"
#include <public/errno.h>
#include "trace.h"

static struct domain dom0;
static struct vcpu dom0_vcpu0;
struct vcpu *current;

void domain_build_and_run(const struct boot_module *kernel, const struct boot_module *initrd)
{
    struct dom0_entry entry;
    const char *err;

    trace_start(0, 0);
    mm_domain_init(&dom0.mm, 0, 0);
    mm_vcpu_init(&dom0.mm, &dom0_vcpu0.mm);
    dom0.vcpu[0] = &dom0_vcpu0;
    dom0.shared_info = invalid_mfn();
    dom0_vcpu0.domain = &dom0;
    dom0_vcpu0.vcpu_id = 0;
    dom0_vcpu0.vinfo_mfn = invalid_mfn();
    arch_vcpu_init(&dom0_vcpu0);
    evtchn_domain_init(&dom0);
    current = &dom0_vcpu0;

    err = dom0_build(&dom0, &dom0_vcpu0, kernel, initrd, host_opts.dom0_mem, &entry);
    if (err) {
        printk("pvx: cannot build d0: %s\n", err);
        domain_crash(&dom0, "domain build failed");
    }
    dom0_vcpu0.vinfo = &((struct shared_info *)arch_map_frame(dom0.shared_info))->vcpu_info[0];
    time_domain_start(&dom0);
    console_rx_start();
    arch_dom0_start(&dom0_vcpu0, &entry);
}

/*
 * VCPUOP_register_vcpu_info, as Xen's map_vcpu_info: once per vCPU, into a frame of the
 * guest's that can take the writable type (held until the domain ends), wholly inside the
 * page.  The old contents move along, and every event is marked pending so that none is lost
 * on the way (the guest sees one spurious upcall).
 */
long domain_register_vcpu_info(struct vcpu *v, uint64_t mfn, uint64_t offset)
{
    struct vcpu_info *new;

    if (offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return REFUSE(-XEN_ENXIO, "vcpu_info would cross the page");
    if (mfn_valid_raw(v->vinfo_mfn))
        return REFUSE(-XEN_EINVAL, "vcpu_info already registered");
    if (mm_get_page_and_type(&v->domain->mm, _mfn(mfn), MM_TYPE_WRITABLE) != 0)
        return REFUSE(-XEN_EINVAL, "vcpu_info frame not the guest's or not writable");
    v->vinfo_mfn = _mfn(mfn);
    new = (struct vcpu_info *)((uint8_t *)arch_map_frame(v->vinfo_mfn) + offset);
    *new = *v->vinfo;
    new->evtchn_upcall_pending = 1;
    new->evtchn_pending_sel = ~(xen_ulong_t)0;
    v->vinfo = new;
    return 0;
}

static const char *shutdown_name(unsigned reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog" };
    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    uint64_t owned = d->mm.tot_pages;

    if (reason > SHUTDOWN_watchdog)
        reason = SHUTDOWN_crash;
    d->is_shutdown = true;
    d->shutdown_reason = reason;
    console_flush_domain(d->mm.domid);
    hypercall_trace_report();
    printk("pvx: d%u shut down: %s\n", d->mm.domid, shutdown_name(reason));
    arch_domain_release(d);
    arch_timer_program(0);
    for (unsigned i = 0; i < PVX_MAX_VCPUS; i++)
        if (d->vcpu[i] && mfn_valid_raw(d->vcpu[i]->vinfo_mfn))
            mm_put_page_and_type(d->vcpu[i]->vinfo_mfn);
    mm_domain_teardown(&d->mm);
    printk("pvx: d%u torn down: %lu frames released, %lu frames free\n", d->mm.domid,
           owned - d->mm.tot_pages, mm_free_frames());
    trace_dump(d->mm.domid, 0);
    arch_stop_machine(0x10 + reason);
}

void domain_crash(struct domain *d, const char *why)
{
    static bool crashing;

    if (crashing)
        arch_panic("d%u crashed again while crashing: %s", d->mm.domid, why);
    crashing = true;
    printk("pvx: d%u crashed: %s\n", d->mm.domid, why);
    if (current && current->domain == d)
        arch_vcpu_dump(current);
    domain_shutdown(d, SHUTDOWN_crash);
}
