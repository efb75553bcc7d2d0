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
#include "hostlib/lib.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "printk.h"
#include "trace.h"

static struct domain dom0;
static struct vcpu dom0_vcpu0;
struct vcpu *current;

void domain_build_and_run(const struct boot_module *mod)
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
    arch_vcpu_init(&dom0_vcpu0);
    current = &dom0_vcpu0;

    err = dom0_build(&dom0, &dom0_vcpu0, mod, host_opts.dom0_mem, &entry);
    if (err) {
        printk("pvx: cannot build d0: %s\n", err);
        domain_crash(&dom0, "domain build failed");
    }
    arch_dom0_start(&dom0_vcpu0, &entry);
}

struct vcpu_info *vcpu_info(const struct vcpu *v)
{
    struct shared_info *s = arch_map_frame(v->domain->shared_info);
    return &s->vcpu_info[v->vcpu_id];
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
    printk("pvx: d%u shut down: %s\n", d->mm.domid, shutdown_name(reason));
    arch_domain_release(d);
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
