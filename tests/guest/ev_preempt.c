/*
 * Hypotheses (continuations: a long batch is preempted for an event and resumed, with no
 * guest-visible change to its results):
 *
 * ev-preempt-mmu-update: an mmu_update of 100,000 requests (plain data writes into one
 *   frame) runs with events unmasked and a one-shot timer set to fire an eighth of the way
 *   through it (by a first run's duration, events masked).  The timer's upcall arrives
 *   while the hypercall is in progress: its frame's rip is the hypercall page's `syscall`
 *   of mmu_update (re-executed after the callback), with rax = 1 (the hypercall number),
 *   rsi = the requests left | MMU_UPDATE_PREEMPTED (bit 31), rdi = the first request left.
 *   The call then completes exactly as the first run did: 0, done = 100,000, the same
 *   frame contents.
 *
 * ev-preempt-multicall: the same for a multicall of 20,000 xen_version entries: the
 *   upcall's rip is the multicall's `syscall`, rsi the entries left, rdi the first entry
 *   left; every entry's result and the multicall's 0 are as without the timer.
 *
 * ev-preempt-nested: a multicall whose one entry is an mmu_update of 32,768 such requests.
 *   The entry's own batch is preempted (Xen's MCSF_call_preempted): the upcall's rip is the
 *   multicall's `syscall`, rsi = 1 entry left, rdi = that entry; the entry's arguments in
 *   guest memory now say where its batch goes on (args[1] has MMU_UPDATE_PREEMPTED), and
 *   the multicall completes exactly as the first run did: entry result 0, done = 32,768,
 *   the same frame contents.  (Xen may also preempt the first run, events masked, for its
 *   own work; only the results of that run are checked.)
 *
 * ev-preempt-trap-table: set_trap_table's list has no length; one of 32,768 entries (all
 *   the same, as the harness has it) is preempted like a batch: the upcall's rip is
 *   set_trap_table's `syscall` with rdi = the first entry left, and the call returns 0.
 */
#include "ev.h"

#define MMU_UPDATE_PREEMPTED 0x80000000UL
#define SYSCALL_OF(nr) ((uint64_t)hypercall_page + (nr) * 32 + 8)
#define N_UPDATES 100000
#define N_CALLS   20000
#define N_NESTED  32768     /* 128 frames of requests: fits in what the tests before freed */

static void run_free(pfn_t first, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        frame_put(pfn(first.v + i));
}

/* `bytes` of contiguous direct-map memory from fresh frames (the allocator hands out a
 * run, ascending or, after frees, descending); NULL (ERROR) if it did not.  *first and *n
 * say what to give back (*n = 0 on failure: nothing). */
static void *run_alloc(struct xtf_result *res, uint64_t bytes, pfn_t *first, unsigned *n)
{
    unsigned want = (unsigned)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
    pfn_t p0 = frame_alloc(), lo = p0, hi = p0, p = p0;
    unsigned got = p0.v ? 1 : 0;

    while (got && got < want && p.v) {
        p = frame_alloc();
        if (p.v != hi.v + 1 && p.v + 1 != lo.v) {
            if (p.v)
                frame_put(p);
            break;
        }
        lo = p.v < lo.v ? p : lo;
        hi = p.v > hi.v ? p : hi;
        got++;
    }
    *first = lo;
    *n = got;
    if (got == want)
        return pfn_to_virt(lo);
    run_free(lo, got);
    *n = 0;
    xtf_error(res, "no run of %u contiguous free frames", want);
    return NULL;
}

/* Arm VIRQ_TIMER (bound as *t) to fire `after` ns from now. */
static bool timer_in(struct xtf_result *res, evtchn_port_t *t, uint64_t after)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = ev_now() + after };
    return xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, t), 0) &&
           xtf_expect_rc(res, "set_singleshot_timer",
                         ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
}

/* n requests writing i + 1 into word i % 512 of dst; want[] gets the frame they leave. */
static void fill_updates(struct mmu_update *req, unsigned n, const struct page *dst,
                         uint64_t want[PAGE_SIZE / 8])
{
    uint64_t base = virt_to_maddr(dst->va) | MMU_NORMAL_PT_UPDATE;

    for (unsigned i = 0; i < n; i++) {
        req[i] = (struct mmu_update){ .ptr = base + 8 * (i % 512), .val = i + 1 };
        want[i % 512] = i + 1;
    }
}

/* The call under test runs between window_open and window_close with events unmasked:
 * the upcalls taken before it, and the TSC when it was issued and when it returned. */
struct window {
    uint64_t events_before, t0, t1;
};

static void window_open(struct window *w)
{
    w->events_before = pvx_events;
    vcpu0()->evtchn_upcall_mask = 0;
    w->t0 = ev_rdtsc();
}

static void window_close(struct window *w)
{
    w->t1 = ev_rdtsc();
    vcpu0()->evtchn_upcall_mask = 1;
}

/* The upcall that arrived during a call of hypercall `nr` made in window w: FAILURE unless
 * there was exactly one, inside the call, at its syscall. */
static bool upcall_inside(struct xtf_result *res, const struct window *w, unsigned nr,
                          struct pvx_record *r)
{
    struct xframe f;
    if (!ex_eq(res, "upcalls during the call", pvx_events - w->events_before, 1))
        return false;
    pvexec_event_record(r);
    xframe_decode(r, false, false, &f);
    bool ok = xtf_expect(res, pvx_ev_tsc > w->t0 && pvx_ev_tsc < w->t1,
                         "the upcall did not come while the call was in progress");
    ok = ex_eq(res, "upcall frame rip (the hypercall's syscall)", f.rip, SYSCALL_OF(nr)) && ok;
    return ex_eq(res, "rax at the upcall (the hypercall number)", r->gpr[R_AX], nr) && ok;
}

XTF_TEST(test_ev_preempt_mmu_update, "ev-preempt-mmu-update",
         "a timer preempts a 100,000-request mmu_update, which resumes with the same results")
{
    struct page dst;
    pfn_t first;
    unsigned n = 0, done = 0;
    evtchn_port_t t;
    struct pvx_record r;
    static uint64_t want[PAGE_SIZE / 8];

    if (!ev_begin(res, NEED_TRAPS) || !page_new(res, &dst))
        return;
    struct mmu_update *req = run_alloc(res, N_UPDATES * sizeof(*req), &first, &n);
    if (!req)
        goto out;
    fill_updates(req, N_UPDATES, &dst, want);
    uint64_t t0 = ev_rdtsc(), s0 = ev_now();
    long rc = HYPERVISOR_mmu_update(req, N_UPDATES, &done, DOMID_SELF);
    uint64_t took = ev_now() - s0, ticks = ev_rdtsc() - t0;
    if (!xtf_expect_rc(res, "first run (events masked)", rc, 0) ||
        !ex_eq(res, "first run: done", done, N_UPDATES) ||
        !xtf_expect(res, !memcmp(dst.va, want, PAGE_SIZE), "first run: wrong frame contents"))
        goto out;
    ev_note("ev-preempt-mmu-update", "100,000 requests: %lu us, %lu TSC ticks", took / 1000,
            ticks);
    memset(dst.va, 0, PAGE_SIZE);
    done = 0;
    if (!timer_in(res, &t, took / 8))
        goto out;
    struct window w;
    window_open(&w);
    rc = HYPERVISOR_mmu_update(req, N_UPDATES, &done, DOMID_SELF);
    window_close(&w);
    xtf_expect_rc(res, "preempted run", rc, 0);
    ex_eq(res, "preempted run: done", done, N_UPDATES);
    xtf_expect(res, !memcmp(dst.va, want, PAGE_SIZE), "preempted run: wrong frame contents");
    if (upcall_inside(res, &w, __HYPERVISOR_mmu_update, &r)) {
        uint64_t left = r.gpr[R_SI] & ~MMU_UPDATE_PREEMPTED;
        ex_eq(res, "rsi at the upcall: MMU_UPDATE_PREEMPTED", r.gpr[R_SI] & MMU_UPDATE_PREEMPTED,
              MMU_UPDATE_PREEMPTED);
        xtf_expect(res, left > 0 && left < N_UPDATES, "rsi at the upcall: no requests left");
        ex_eq(res, "rdi at the upcall (first request left)", r.gpr[R_DI],
              (uint64_t)&req[N_UPDATES - left]);
        ev_note("ev-preempt-mmu-update", "upcall with %lu requests left", left);
    }
out:
    if (n)
        run_free(first, n);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_preempt_multicall, "ev-preempt-multicall",
         "a timer preempts a multicall of 20,000 entries, which resumes with the same results")
{
    pfn_t first;
    unsigned n = 0;
    evtchn_port_t t;
    struct pvx_record r;

    if (!ev_begin(res, NEED_TRAPS))
        return;
    struct multicall_entry *mc = run_alloc(res, N_CALLS * sizeof(*mc), &first, &n);
    if (!mc)
        goto out;
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    for (unsigned i = 0; i < N_CALLS; i++)
        mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version, .result = 1,
                                          .args = { XENVER_version } };
    uint64_t s0 = ev_now();
    long rc = HYPERVISOR_multicall(mc, N_CALLS);
    uint64_t took = ev_now() - s0;
    unsigned bad = 0;
    for (unsigned i = 0; i < N_CALLS; i++)
        bad += mc[i].result != (uint64_t)version;
    if (!xtf_expect_rc(res, "first run (events masked)", rc, 0) ||
        !ex_eq(res, "first run: entries with a wrong result", bad, 0))
        goto out;
    ev_note("ev-preempt-multicall", "20,000 entries: %lu us", took / 1000);
    for (unsigned i = 0; i < N_CALLS; i++)
        mc[i].result = 1;
    if (!timer_in(res, &t, took / 8))
        goto out;
    struct window w;
    window_open(&w);
    rc = HYPERVISOR_multicall(mc, N_CALLS);
    window_close(&w);
    xtf_expect_rc(res, "preempted run", rc, 0);
    bad = 0;
    for (unsigned i = 0; i < N_CALLS; i++)
        bad += mc[i].result != (uint64_t)version;
    ex_eq(res, "preempted run: entries with a wrong result", bad, 0);
    if (upcall_inside(res, &w, __HYPERVISOR_multicall, &r)) {
        uint64_t left = r.gpr[R_SI];
        xtf_expect(res, left > 0 && left < N_CALLS, "rsi at the upcall: no entries left");
        ex_eq(res, "rdi at the upcall (first entry left)", r.gpr[R_DI],
              (uint64_t)&mc[N_CALLS - left]);
        ev_note("ev-preempt-multicall", "upcall with %lu entries left", left);
    }
out:
    if (n)
        run_free(first, n);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_preempt_nested, "ev-preempt-nested",
         "a timer preempts a 32,768-request mmu_update inside a multicall; both resume")
{
    struct page dst;
    pfn_t first;
    unsigned n = 0, done = 0;
    evtchn_port_t t;
    struct pvx_record r;
    static uint64_t want[PAGE_SIZE / 8];
    static struct multicall_entry mc;

    if (!ev_begin(res, NEED_TRAPS) || !page_new(res, &dst))
        return;
    struct mmu_update *req = run_alloc(res, N_NESTED * sizeof(*req), &first, &n);
    if (!req)
        goto out;
    fill_updates(req, N_NESTED, &dst, want);
    const struct multicall_entry call = {
        .op = __HYPERVISOR_mmu_update, .result = 1,
        .args = { (uint64_t)req, N_NESTED, (uint64_t)&done, DOMID_SELF } };
    mc = call;
    uint64_t s0 = ev_now();
    long rc = HYPERVISOR_multicall(&mc, 1);
    uint64_t took = ev_now() - s0;
    if (!xtf_expect_rc(res, "first run (events masked)", rc, 0) ||
        !ex_eq(res, "first run: entry result", mc.result, 0) ||
        !ex_eq(res, "first run: done", done, N_NESTED) ||
        !xtf_expect(res, !memcmp(dst.va, want, PAGE_SIZE), "first run: wrong frame contents"))
        goto out;
    memset(dst.va, 0, PAGE_SIZE);
    done = 0;
    mc = call;
    if (!timer_in(res, &t, took / 8))
        goto out;
    struct window w;
    window_open(&w);
    rc = HYPERVISOR_multicall(&mc, 1);
    window_close(&w);
    xtf_expect_rc(res, "preempted run", rc, 0);
    ex_eq(res, "preempted run: entry result", mc.result, 0);
    ex_eq(res, "preempted run: done", done, N_NESTED);
    xtf_expect(res, !memcmp(dst.va, want, PAGE_SIZE), "preempted run: wrong frame contents");
    ex_eq(res, "entry args[1] rewritten: MMU_UPDATE_PREEMPTED", mc.args[1] & MMU_UPDATE_PREEMPTED,
          MMU_UPDATE_PREEMPTED);
    uint64_t left = mc.args[1] & ~MMU_UPDATE_PREEMPTED;
    if (xtf_expect(res, left > 0 && left < N_NESTED, "entry args[1]: no requests left"))
        ex_eq(res, "entry args[0] (first request left)", mc.args[0],
              (uint64_t)&req[N_NESTED - left]);
    if (upcall_inside(res, &w, __HYPERVISOR_multicall, &r)) {
        ex_eq(res, "rsi at the upcall (entries left)", r.gpr[R_SI], 1);
        ex_eq(res, "rdi at the upcall (the entry)", r.gpr[R_DI], (uint64_t)&mc);
    }
out:
    if (n)
        run_free(first, n);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_preempt_trap_table, "ev-preempt-trap-table",
         "a timer preempts a set_trap_table of 32,768 entries, which resumes and returns 0")
{
    pfn_t first;
    unsigned n = 0;
    evtchn_port_t t;
    struct pvx_record r;

    if (!ev_begin(res, NEED_TRAPS))
        return;
    struct trap_info *list = run_alloc(res, (N_NESTED + 1) * sizeof(*list), &first, &n);
    if (!list)
        goto out;
    /* Vector 0x83 as the harness has it (pvexec_trap_table_reset), so nothing changes. */
    for (unsigned i = 0; i < N_NESTED; i++)
        list[i] = (struct trap_info){ .vector = 0x83, .cs = FLAT_KERNEL_CS,
                                      .address = (unsigned long)(pvx_stubs + 16 * 0x83) };
    list[N_NESTED] = (struct trap_info){ 0 };
    uint64_t s0 = ev_now();
    long rc = HYPERVISOR_set_trap_table(list);
    uint64_t took = ev_now() - s0;
    if (!xtf_expect_rc(res, "first run (events masked)", rc, 0))
        goto out;
    if (!timer_in(res, &t, took / 8))
        goto out;
    struct window w;
    window_open(&w);
    rc = HYPERVISOR_set_trap_table(list);
    window_close(&w);
    xtf_expect_rc(res, "preempted run", rc, 0);
    if (upcall_inside(res, &w, __HYPERVISOR_set_trap_table, &r)) {
        uint64_t at = r.gpr[R_DI];
        xtf_expect(res, at > (uint64_t)list && at < (uint64_t)&list[N_NESTED] &&
                            (at - (uint64_t)list) % sizeof(*list) == 0,
                   "rdi at the upcall is not an entry of the list");
        ev_note("ev-preempt-trap-table", "upcall with %lu entries left",
                (uint64_t)(&list[N_NESTED] - (struct trap_info *)at));
    }
out:
    xtf_expect_rc(res, "the harness's trap table back", pvexec_trap_table_reset(), 0);
    if (n)
        run_free(first, n);
    ev_end(res);
    xtf_success(res);
}
