/*
 * Unit tests of the hypercall pvops backend against the recording fake hypervisor
 * (fake_hv.c): what each hook issues, how the multicall buffer batches, flushes and
 * reports, and the split pgd of the seed design (user pgd linked to the kernel pgd, user
 * slots mirrored, both base pointers in one batch, both pinned and unpinned together).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <public/errno.h>
#include <public/pvx_trace.h>
#include "fake_hv.h"
#include "multicall.h"

static const struct pvops *ops = &pv_pvops;

/* A pinned address space: kernel pgd + user pgd, one L3 -> L2 -> L1 under user slot 1. */
struct tree {
    struct pv_mm mm;
    pfn_t pgd, l3, l2, l1;
    pteval_t *l3v, *l2v, *l1v;
};

static pteval_t table_entry(pfn_t p) { return pte_make(pvenv_pfn_to_mfn(p), PTE_P | PTE_RW | PTE_US); }

static void make_tree(struct tree *t, bool pin)
{
    t->mm.pgd = fake_frame(&t->pgd);
    t->l3v = fake_frame(&t->l3);
    t->l2v = fake_frame(&t->l2);
    t->l1v = fake_frame(&t->l1);
    assert_int_equal(ops->pgd_alloc(&t->mm), 0);
    assert_non_null(t->mm.user_pgd);
    t->l2v[0] = table_entry(t->l1);
    t->l3v[0] = table_entry(t->l2);
    assert_int_equal(ops->set_pgd(&t->mm.pgd[1], table_entry(t->l3)), 0);
    if (pin)
        assert_int_equal(ops->dup_mmap(&t->mm), 0);
    hv.nr_calls = 0;
    memset(&pv_counts, 0, sizeof(pv_counts));
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    pv_pvops_init(0, true);
    return 0;
}

static int setup_unbatched(void **state)
{
    (void)state;
    fake_reset();
    pv_pvops_init(0, false);
    return 0;
}

/* The seed's set_pgd on a pinned pgd: kernel and user slot in one multicall. */
static void set_pgd_pinned_lazy_is_one_multicall_of_two(void **state)
{
    struct tree t;
    pfn_t x;
    (void)state;
    make_tree(&t, true);
    fake_frame(&x);
    ops->lazy_mmu_enter();
    assert_int_equal(ops->set_pgd(&t.mm.pgd[5], table_entry(x)), 0);
    assert_int_equal(hv.nr_calls, 0);          /* queued */
    ops->lazy_mmu_leave();
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].nr, __HYPERVISOR_multicall);
    assert_int_equal(hv.calls[0].n, 2);
    assert_int_equal(hv.calls[0].req[0].op, __HYPERVISOR_mmu_update);
    assert_int_equal(hv.calls[0].req[1].op, __HYPERVISOR_mmu_update);
    assert_int_equal(hv.calls[0].req[0].ptr & ~7ULL, fake_maddr(&t.mm.pgd[5]));
    assert_int_equal(hv.calls[0].req[1].ptr & ~7ULL, fake_maddr(&t.mm.user_pgd[5]));
    assert_int_equal(t.mm.user_pgd[5], table_entry(x));
    assert_int_equal(pv_counts.multicalls, 1);
    assert_int_equal(pv_counts.mc_entries[PVH_SET_PGD], 2);
}

/* Even outside a lazy section, a pinned set_pgd batches its two updates. */
static void set_pgd_pinned_not_lazy_still_one_multicall(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    assert_int_equal(ops->set_pgd(&t.mm.pgd[7], 0), 0);
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].n, 2);
}

/* A kernel slot (>= 256) is not mirrored into the user pgd. */
static void set_pgd_kernel_slot_not_mirrored(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    assert_int_equal(ops->set_pgd(&t.mm.pgd[300], table_entry(t.l3)), 0);
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].nr, __HYPERVISOR_mmu_update);   /* a single: no multicall */
    assert_int_equal(t.mm.user_pgd[300], 0);
}

/* Unpinned: two plain stores, no hypercall. */
static void set_pgd_unpinned_is_plain_stores(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, false);
    assert_int_equal(ops->set_pgd(&t.mm.pgd[9], table_entry(t.l3)), 0);
    assert_int_equal(hv.nr_calls, 0);
    assert_int_equal(t.mm.pgd[9], table_entry(t.l3));
    assert_int_equal(t.mm.user_pgd[9], table_entry(t.l3));
}

/* batch=off: every update is its own hypercall, lazy or not. */
static void batch_off_one_hypercall_per_update(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    ops->lazy_mmu_enter();
    for (unsigned i = 0; i < 5; i++)
        ops->set_pte(&t.l1v[i], pte_make(mfn(0x99), PTE_P));
    ops->set_pgd(&t.mm.pgd[3], 0);
    ops->lazy_mmu_leave();
    assert_int_equal(hv.nr_calls, 7);
    for (unsigned i = 0; i < 7; i++) {
        assert_int_equal(hv.calls[i].nr, __HYPERVISOR_mmu_update);
        assert_int_equal(hv.calls[i].n, 1);
    }
    assert_int_equal(pv_counts.multicalls, 0);
    assert_int_equal(pv_counts.total, 7);
}

/* A queued update is issued before the entry it changes is read; other reads don't flush. */
static void read_of_queued_entry_flushes_first(void **state)
{
    struct tree t;
    pteval_t v = pte_make(mfn(0x77), PTE_P | PTE_RW);
    (void)state;
    make_tree(&t, true);
    ops->lazy_mmu_enter();
    ops->set_pte(&t.l1v[4], v);
    ops->set_pte(&t.l1v[5], v);
    assert_int_equal(ops->read_entry(&t.l1v[6]), 0);
    assert_int_equal(hv.nr_calls, 0);
    assert_int_equal(ops->read_entry(&t.l1v[5]), v);
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].n, 2);
    ops->lazy_mmu_leave();
    assert_int_equal(hv.nr_calls, 1);          /* nothing left to issue */
}

/* A cr3 switch issues queued updates first, in the same batch, then both base pointers. */
static void cr3_switch_flushes_queued_updates_first(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    ops->lazy_mmu_enter();
    ops->set_pte(&t.l1v[1], pte_make(mfn(0x42), PTE_P));
    ops->set_pte(&t.l1v[2], pte_make(mfn(0x43), PTE_P));
    assert_int_equal(ops->activate_mm(&t.mm), 0);
    assert_int_equal(hv.nr_calls, 1);
    struct fake_call *c = &hv.calls[0];
    assert_int_equal(c->n, 4);
    assert_int_equal(c->req[0].op, __HYPERVISOR_mmu_update);
    assert_int_equal(c->req[1].op, __HYPERVISOR_mmu_update);
    assert_int_equal(c->req[2].cmd, MMUEXT_NEW_BASEPTR);
    assert_int_equal(c->req[2].ptr, pvenv_pfn_to_mfn(t.pgd).v);
    assert_int_equal(c->req[3].cmd, MMUEXT_NEW_USER_BASEPTR);
    assert_int_equal(c->req[3].ptr, pvenv_pfn_to_mfn(pvenv_virt_to_pfn(t.mm.user_pgd)).v);
    assert_int_equal(ops->read_cr3(), fake_maddr(t.mm.pgd));
    ops->lazy_mmu_leave();
}

/* A pgd without a user pgd (the boot pgd) gets user base 0. */
static void write_cr3_without_user_pgd_clears_user_base(void **state)
{
    pfn_t p;
    pteval_t *pgd = fake_frame(&p);
    (void)state;
    assert_int_equal(ops->write_cr3(fake_maddr(pgd)), 0);
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].n, 2);
    assert_int_equal(hv.calls[0].req[1].cmd, MMUEXT_NEW_USER_BASEPTR);
    assert_int_equal(hv.calls[0].req[1].ptr, 0);
}

/* In lazy CPU mode the switch is queued; its callback (the new cr3) runs after the flush. */
static void lazy_cpu_callback_runs_after_flush(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    uint64_t before = ops->read_cr3();
    ops->lazy_cpu_enter();
    ops->activate_mm(&t.mm);
    assert_int_equal(hv.nr_calls, 0);
    assert_int_equal(ops->read_cr3(), before);
    ops->lazy_cpu_leave();
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(ops->read_cr3(), fake_maddr(t.mm.pgd));
}

/* A full buffer (32 entries) flushes and carries on. */
static void full_buffer_flushes_and_carries_on(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    ops->lazy_mmu_enter();
    for (unsigned i = 0; i < MC_BATCH + 3; i++)
        ops->set_pte(&t.l1v[i], pte_make(mfn(0x100 + i), PTE_P));
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].n, MC_BATCH);
    ops->lazy_mmu_leave();
    assert_int_equal(hv.nr_calls, 2);
    assert_int_equal(hv.calls[1].n, 3);
    for (unsigned i = 0; i < MC_BATCH + 3; i++)
        assert_int_equal(t.l1v[i], pte_make(mfn(0x100 + i), PTE_P));
}

/* One queued entry is issued as a plain hypercall, not a multicall of one. */
static void single_entry_is_a_plain_hypercall(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    ops->set_pte(&t.l1v[0], 0);
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].nr, __HYPERVISOR_mmu_update);
    assert_int_equal(pv_counts.multicalls, 0);
    assert_int_equal(pv_counts.hypercalls[PVH_SET_PTE], 1);
}

/* A refused entry of a batch is reported with the hook that queued it; the others ran. */
static void failed_entry_reported_with_its_hook(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    hv.fail_ptr = fake_maddr(&t.l2v[3]);
    ops->lazy_mmu_enter();
    ops->set_pte(&t.l1v[0], pte_make(mfn(0x10), PTE_P));
    ops->set_pmd(&t.l2v[3], pte_make(mfn(0x11), PTE_P));
    ops->set_pte(&t.l1v[1], pte_make(mfn(0x12), PTE_P));
    ops->lazy_mmu_leave();
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(pv_counts.mc_errors, 1);
    assert_int_equal(mc_last_error.hook, PVH_SET_PMD);
    assert_int_equal(mc_last_error.op, __HYPERVISOR_mmu_update);
    assert_int_equal(mc_last_error.rc, -XEN_EINVAL);
    assert_non_null(strstr(hv.last_report, "set_pmd"));
    assert_int_equal(t.l1v[1], pte_make(mfn(0x12), PTE_P));
}

/* Outside a lazy section, a hook returns its own request's refusal. */
static void unbatched_refusal_is_returned(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    hv.fail_ptr = fake_maddr(&t.l1v[8]);
    assert_int_equal(ops->set_pte(&t.l1v[8], 1), -XEN_EINVAL);
}

/* Pin: every table read-only, then both pgds pinned as L4, all in one multicall. */
static void pin_covers_both_pgds_in_one_batch(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, false);
    assert_int_equal(ops->dup_mmap(&t.mm), 0);
    assert_int_equal(hv.nr_calls, 1);
    struct fake_call *c = &hv.calls[0];
    assert_int_equal(c->n, 7);            /* L1, L2, L3, user pgd, pgd read-only; 2 pins */
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(c->req[i].op, __HYPERVISOR_update_va_mapping);
    assert_int_equal(c->req[5].cmd, MMUEXT_PIN_L4_TABLE);
    assert_int_equal(c->req[5].ptr, pvenv_pfn_to_mfn(t.pgd).v);
    assert_int_equal(c->req[6].cmd, MMUEXT_PIN_L4_TABLE);
    assert_true(hv.alias_ro[t.l1.v] && hv.alias_ro[t.l2.v] && hv.alias_ro[t.l3.v]);
    assert_true(hv.alias_ro[t.pgd.v]);
    assert_true(pvenv_frame(t.l1)->pinned && pvenv_frame(t.pgd)->pinned);
    assert_true(t.mm.pinned);
}

/* Unpin: both pgds unpinned first, then every table writable again. */
static void unpin_reverses_pin(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    assert_int_equal(ops->exit_mmap(&t.mm), 0);
    assert_int_equal(hv.nr_calls, 1);
    struct fake_call *c = &hv.calls[0];
    assert_int_equal(c->req[0].cmd, MMUEXT_UNPIN_TABLE);
    assert_int_equal(c->req[1].cmd, MMUEXT_UNPIN_TABLE);
    assert_false(hv.alias_ro[t.l1.v] || hv.alias_ro[t.l2.v] || hv.alias_ro[t.l3.v]);
    assert_false(hv.alias_ro[t.pgd.v]);
    assert_false(pvenv_frame(t.l1)->pinned || t.mm.pinned);
    /* Unpinned now: writes are plain stores again. */
    hv.nr_calls = 0;
    ops->set_pte(&t.l1v[0], 5);
    assert_int_equal(hv.nr_calls, 0);
    assert_int_equal(t.l1v[0], 5);
}

/* pgd_free unpins a still-pinned mm and releases the user pgd. */
static void pgd_free_unpins_and_releases_user_pgd(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    pfn_t u = pvenv_virt_to_pfn(t.mm.user_pgd);
    ops->pgd_free(&t.mm);
    assert_int_equal(hv.calls[0].req[0].cmd, MMUEXT_UNPIN_TABLE);
    assert_null(t.mm.user_pgd);
    assert_int_equal(pvenv_frame(t.pgd)->user_pgd, 0);
    assert_int_equal(pvenv_frame(u)->table_level, 0);
}

/* A table added to a pinned tree is made read-only first; released, writable again. */
static void alloc_and_release_in_pinned_tree(void **state)
{
    struct tree t;
    pfn_t n;
    (void)state;
    make_tree(&t, true);
    fake_frame(&n);
    ops->lazy_mmu_enter();
    ops->alloc_pte(&t.mm, n);
    ops->set_pmd(&t.l2v[1], table_entry(n));
    ops->lazy_mmu_leave();
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].req[0].op, __HYPERVISOR_update_va_mapping);
    assert_int_equal(hv.calls[0].req[1].op, __HYPERVISOR_mmu_update);
    assert_true(hv.alias_ro[n.v] && pvenv_frame(n)->pinned);
    ops->set_pmd(&t.l2v[1], 0);
    ops->release_pte(&t.mm, n);
    assert_false(hv.alias_ro[n.v] || pvenv_frame(n)->pinned);
}

/* protect_ptes on a pinned L1: one update per present entry, batched. */
static void protect_ptes_batches_present_entries(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, false);
    for (unsigned i = 0; i < 8; i += 2)
        t.l1v[i] = pte_make(mfn(0x200 + i), PTE_P | PTE_RW);
    ops->dup_mmap(&t.mm);
    hv.nr_calls = 0;
    assert_int_equal(ops->protect_ptes(t.l1v, 8, PTE_RW, PTE_COW), 0);
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].n, 4);
    for (unsigned i = 0; i < 8; i += 2)
        assert_int_equal(t.l1v[i], pte_make(mfn(0x200 + i), PTE_P | PTE_COW));
    assert_int_equal(t.l1v[1], 0);
}

/* A context switch in lazy CPU mode: both base pointers and the kernel stack, one multicall. */
static void context_switch_is_one_multicall(void **state)
{
    struct tree t;
    (void)state;
    make_tree(&t, true);
    ops->lazy_cpu_enter();
    ops->activate_mm(&t.mm);
    ops->load_sp0(0xffffffff80123000ULL);
    ops->lazy_cpu_leave();
    assert_int_equal(hv.nr_calls, 1);
    assert_int_equal(hv.calls[0].nr, __HYPERVISOR_multicall);
    assert_int_equal(hv.calls[0].n, 3);
    assert_int_equal(hv.calls[0].req[0].cmd, MMUEXT_NEW_BASEPTR);
    assert_int_equal(hv.calls[0].req[1].cmd, MMUEXT_NEW_USER_BASEPTR);
    assert_int_equal(hv.calls[0].req[2].op, __HYPERVISOR_stack_switch);
    assert_int_equal(pv_counts.mc_entries[PVH_STACK_SWITCH], 1);
}

/* traps_init: shared_info mapped, 32 trap entries, the syscall and event callbacks, the
 * timer bound and started; the iret back to user mode is counted. */
static void traps_init_installs_entries_and_timer(void **state)
{
    static uint8_t shared[4096] __attribute__((aligned(4096)));
    unsigned ops_seen[8];
    (void)state;
    pv_pvops_shared_info(0x1234000, shared);
    assert_int_equal(ops->traps_init(true), 0);
    assert_int_equal(hv.nr_calls, 6);
    for (unsigned i = 0; i < 6; i++)
        ops_seen[i] = hv.calls[i].nr;
    assert_int_equal(ops_seen[0], __HYPERVISOR_update_va_mapping);
    assert_int_equal(hv.calls[0].req[0].val & ~0xfffULL & ~(1ULL << 63), 0x1234000);
    assert_int_equal(ops_seen[1], __HYPERVISOR_set_trap_table);
    assert_int_equal(ops_seen[2], __HYPERVISOR_callback_op);
    assert_int_equal(ops_seen[3], __HYPERVISOR_callback_op);
    assert_int_equal(ops_seen[4], __HYPERVISOR_event_channel_op);
    assert_int_equal(ops_seen[5], __HYPERVISOR_vcpu_op);
    uint64_t before = pv_counts.total;
    ops->user_return();
    assert_int_equal(pv_counts.total, before + 1);
    assert_int_equal(pv_counts.hypercalls[PVH_IRET], 1);
}

/* --- the guest's trace (pvops/trace.c) ------------------------------------------------------ */

static uint8_t trace_pages[2][4096] __attribute__((aligned(8)));
static uint8_t *const trace_page_list[2] = { trace_pages[0], trace_pages[1] };
static uint8_t dumped[3 * 4096];
static size_t dumped_len;

static void dump_to(const void *p, size_t n)
{
    assert_true(dumped_len + n <= sizeof(dumped));
    memcpy(dumped + dumped_len, p, n);
    dumped_len += n;
}

static const struct pvx_trec_hypercall *hc_rec(size_t off)
{
    return (const void *)(dumped + sizeof(struct pvx_trace_blob) + off);
}

/* Each hypercall through the door is one record (hook, number, command, batch, result,
 * TSC before and after); a multicall's entries follow it; off, nothing is written. */
static void trace_records_hypercalls_and_entries(void **state)
{
    struct tree t;
    pfn_t x;
    (void)state;
    make_tree(&t, true);
    fake_frame(&x);
    memset(trace_pages, 0xee, sizeof(trace_pages));
    pv_trace_start(trace_page_list, 2);
    ops->lazy_mmu_enter();
    assert_int_equal(ops->set_pgd(&t.mm.pgd[5], table_entry(x)), 0);
    ops->lazy_mmu_leave();                               /* one multicall of two */
    assert_int_equal(ops->flush_tlb_one(0x400000), 0);   /* one mmuext_op */
    pv_trace_kentry(14, PVX_KENTRY_USER | PVX_KENTRY_PV);
    pv_trace_mark(PVX_MARK_END, "fork-exit", 20, 1234);
    pv_trace_stop();
    assert_false(pv_tracing);
    assert_int_equal(ops->flush_tlb_one(0x400000), 0);   /* after the stop: not recorded */
    assert_int_equal(pv_trace_records(), 6);
    dumped_len = 0;
    pv_trace_dump("bench=all", 1, PVX_BLOB_BATCH, dump_to);

    const struct pvx_trace_blob *b = (const void *)dumped;
    assert_memory_equal(b->magic, PVX_TRACE_MAGIC, 8);
    assert_int_equal(b->kind, PVX_TRACE_GUEST);
    assert_int_equal(b->records, 6);
    assert_int_equal(b->lost, 0);
    assert_string_equal(b->cmdline, "bench=all");
    assert_int_equal(b->size, 4 * 32 + 16 + 32);
    assert_int_equal(dumped_len, sizeof(*b) + b->size);
    const struct pvx_trec_hypercall *mc = hc_rec(0), *e0 = hc_rec(32), *e1 = hc_rec(64),
                                     *fl = hc_rec(96);
    assert_int_equal(mc->h.kind, PVX_REC_HYPERCALL);
    assert_int_equal(mc->h.size, 4);
    assert_int_equal(mc->nr, __HYPERVISOR_multicall);
    assert_int_equal(mc->h.hook, PVH_SET_PGD);
    assert_int_equal(mc->batch, 2);
    assert_int_equal(mc->rc, 0);
    assert_true(mc->tsc_after >= mc->h.tsc && mc->h.tsc != 0);
    assert_int_equal(e0->h.kind, PVX_REC_MC_ENTRY);
    assert_int_equal(e0->nr, __HYPERVISOR_mmu_update);
    assert_int_equal(e1->nr, __HYPERVISOR_mmu_update);
    assert_int_equal(fl->nr, __HYPERVISOR_mmuext_op);
    assert_int_equal(fl->h.arg, MMUEXT_INVLPG_LOCAL);
    assert_int_equal(fl->h.hook, PVH_FLUSH_TLB);
    const struct pvx_trec *k = (const void *)hc_rec(128);
    assert_int_equal(k->kind, PVX_REC_KENTRY);
    assert_int_equal(k->arg, 14);
    assert_int_equal(k->flags, PVX_KENTRY_USER | PVX_KENTRY_PV);
    const struct pvx_trec_mark *m = (const void *)hc_rec(144);
    assert_int_equal(m->h.kind, PVX_REC_MARK);
    assert_int_equal(m->h.size, 4);
    assert_int_equal(m->h.tsc, 1234);
    assert_int_equal(m->h.arg, 20);
    assert_string_equal(m->name, "fork-exit");
}

/* A record that does not fit in the rest of a page starts the next one after a PAD; when
 * the last page is full, records are counted as lost and the dump says how many. */
static void trace_pads_pages_and_counts_lost(void **state)
{
    (void)state;
    pv_trace_start(trace_page_list, 2);
    pv_trace_kentry(0x100, 0);                           /* 16 bytes: then 32s do not align */
    for (unsigned i = 0; i < 300; i++)
        assert_int_equal(ops->flush_tlb_one(0x400000), 0);
    pv_trace_stop();
    /* page 0: 16 + 127 * 32 = 4080, a PAD of 16; page 1: 128 records; 44 lost */
    assert_int_equal(pv_trace_records(), 1 + 127 + 128);
    assert_int_equal(pv_trace_lost(), 300 - 127 - 128);
    assert_int_equal(trace_pages[0][4080], PVX_REC_PAD);
    assert_int_equal(trace_pages[0][4081], 2);
    dumped_len = 0;
    pv_trace_dump("", 1, 0, dump_to);
    const struct pvx_trace_blob *b = (const void *)dumped;
    assert_int_equal(b->size, 8192);
    assert_int_equal(b->lost, 45);
    assert_true(b->first_lost_tsc != 0);
    pv_trace_start(trace_page_list, 0);                  /* no pages: tracing stays off */
    assert_false(pv_tracing);
}

int run_pvops_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(set_pgd_pinned_lazy_is_one_multicall_of_two, setup),
        cmocka_unit_test_setup(set_pgd_pinned_not_lazy_still_one_multicall, setup),
        cmocka_unit_test_setup(set_pgd_kernel_slot_not_mirrored, setup),
        cmocka_unit_test_setup(set_pgd_unpinned_is_plain_stores, setup),
        cmocka_unit_test_setup(batch_off_one_hypercall_per_update, setup_unbatched),
        cmocka_unit_test_setup(read_of_queued_entry_flushes_first, setup),
        cmocka_unit_test_setup(cr3_switch_flushes_queued_updates_first, setup),
        cmocka_unit_test_setup(write_cr3_without_user_pgd_clears_user_base, setup),
        cmocka_unit_test_setup(lazy_cpu_callback_runs_after_flush, setup),
        cmocka_unit_test_setup(full_buffer_flushes_and_carries_on, setup),
        cmocka_unit_test_setup(single_entry_is_a_plain_hypercall, setup),
        cmocka_unit_test_setup(failed_entry_reported_with_its_hook, setup),
        cmocka_unit_test_setup(unbatched_refusal_is_returned, setup),
        cmocka_unit_test_setup(pin_covers_both_pgds_in_one_batch, setup),
        cmocka_unit_test_setup(unpin_reverses_pin, setup),
        cmocka_unit_test_setup(pgd_free_unpins_and_releases_user_pgd, setup),
        cmocka_unit_test_setup(alloc_and_release_in_pinned_tree, setup),
        cmocka_unit_test_setup(protect_ptes_batches_present_entries, setup),
        cmocka_unit_test_setup(context_switch_is_one_multicall, setup),
        cmocka_unit_test_setup(traps_init_installs_entries_and_timer, setup),
        cmocka_unit_test_setup(trace_records_hypercalls_and_entries, setup),
        cmocka_unit_test_setup(trace_pads_pages_and_counts_lost, setup),
    };
    return cmocka_run_group_tests_name("pvops", tests, NULL, NULL);
}

int main(void)
{
    return run_pvops_tests() != 0;
}
