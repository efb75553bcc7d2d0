/* probe (not committed) */
#include "ev.h"
static void bits(const char *w, evtchn_port_t p)
{
    printk("probe: %s: port %u pending %d masked %d sel %d upcall %d mask %d | maskw %#lx pendw %#lx selw %#lx\n", w, p,
           ev_pending(p), ev_masked(p), ev_sel(p), ev_upcall_pending(), ev_upcall_mask(),
           (unsigned long)pvx_shinfo->evtchn_mask[0], (unsigned long)pvx_shinfo->evtchn_pending[0],
           (unsigned long)vcpu0()->evtchn_pending_sel);
}
XTF_TEST_EXPLICIT(test_ev_probe, "ev-probe", "probe")
{
    evtchn_port_t a, b;
    if (!pvexec_need(res, NEED_TRAPS)) return;
    bits("boot", 1);
    printk("probe: mask words %#lx %#lx %#lx\n", (unsigned long)pvx_shinfo->evtchn_mask[0], (unsigned long)pvx_shinfo->evtchn_mask[1], (unsigned long)pvx_shinfo->evtchn_mask[63]);
    if (!ev_begin(res, NEED_TRAPS)) return;
    bits("after clean", 1);
    ev_loopback(res, &a, &b);
    bits("loopback a", a); bits("loopback b", b);
    ev_mask_set(b, false);
    bits("b unmasked by guest", b);
    ev_send(a);
    bits("b after send(a)", b);
    ev_close(b);
    bits("b after close", b);
    ev_bind_interdomain(DOMID_SELF, a, &b);
    bits("b rebound", b);
    ev_mask_set(b, true);
    ev_send(a);
    bits("b masked, after send", b);
    ev_end(res);
    bits("after end", b);
    xtf_success(res);
}
