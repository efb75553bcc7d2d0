/*
 * Unit tests of the frame table and of pagetable validation (host/mm/frame.c, pagetable.c):
 * one test per rule and per refusal path, the quirks we keep because Xen has them, and the
 * "a refused operation changes nothing" checks.  Each test starts from a fresh world.
 */
#include <string.h>
#include "mmtest.h"

/* --- the allocator -------------------------------------------------------------------------- */

static void alloc_domain_frame_is_zeroed_and_owned(void **state)
{
    mfn_t m = world_alloc(0);
    unsigned i;

    (void)state;
    for (i = 0; i < 512; i++)
        assert_int_equal(F(m)[i], 0);
    assert_ptr_equal(mm_frame_owner(m), D0);
    assert_int_equal(mm_frame_count(m), 1);
    assert_int_equal(mm_frame_type(m), MM_TYPE_NONE);
    assert_int_equal(fake_m2p[mfn_x(m)], ~0ULL);
    assert_int_equal(D0->tot_pages, 1);
    check_audit();
}

static void alloc_refuses_beyond_max_pages(void **state)
{
    mfn_t m;

    (void)state;
    D0->max_pages = 2;
    assert_int_equal(mm_alloc_domain_frame(D0, &m), 0);
    assert_int_equal(mm_alloc_domain_frame(D0, &m), 0);
    assert_int_equal(mm_alloc_domain_frame(D0, &m), -XEN_ENOMEM);
    assert_int_equal(D0->tot_pages, 2);
    check_audit();
}

static void alloc_refuses_when_memory_runs_out(void **state)
{
    uint64_t free_before = mm_free_frames(), n = 0;
    mfn_t m;

    (void)state;
    D0->max_pages = ~0ULL;
    while (mm_alloc_domain_frame(D0, &m) == 0)
        n++;
    assert_int_equal(n, free_before);
    assert_int_equal(mm_free_frames(), 0);
    assert_false(mm_alloc_host_frame(&m));
    assert_int_equal(mm_alloc_domain_frame(D0, &m), -XEN_ENOMEM);
    check_audit();
}

/* A host run: contiguous, taken off the free list (no later allocation returns one of its
 * frames), not mappable, and whole again on the free list once given back. */
static void host_run_is_contiguous_and_given_back(void **state)
{
    uint64_t free_before = mm_free_frames(), n = 0;
    mfn_t run, m, l1 = world_alloc(0);

    (void)state;
    assert_false(mm_alloc_host_run(free_before + 1, &run));
    assert_true(mm_alloc_host_run(8, &run));
    assert_int_equal(mm_free_frames(), free_before - 1 - 8);
    for (unsigned i = 0; i < 8; i++) {
        struct mm_frame_state st;

        mm_frame_state(_mfn(mfn_x(run) + i), &st);
        assert_true(st.host);
        assert_null(st.owner);
    }
    F(l1)[0] = PTE(run, F_P);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
    check_audit();
    D0->max_pages = ~0ULL;
    while (mm_alloc_domain_frame(D0, &m) == 0) {
        assert_true(mfn_x(m) < mfn_x(run) || mfn_x(m) >= mfn_x(run) + 8);
        n++;
    }
    assert_int_equal(n, free_before - 1 - 8);
    mm_free_host_run(run, 8);
    assert_int_equal(mm_free_frames(), 8);
    assert_true(mm_alloc_host_run(8, &m));
    assert_int_equal(mfn_x(m), mfn_x(run));
    mm_free_host_run(m, 8);
    check_audit();
}

static void host_frame_cannot_be_mapped(void **state)
{
    mfn_t l1 = world_alloc(0);

    (void)state;
    F(l1)[0] = PTE(W.host[0], F_P);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
    assert_null(mm_frame_owner(W.host[0]));
}

static void shared_frame_maps_writable_but_never_becomes_a_table(void **state)
{
    mfn_t shared, l1 = world_alloc(0);

    (void)state;
    assert_int_equal(mm_alloc_shared_frame(D0, &shared), 0);
    check_audit();
    F(l1)[0] = PTE(shared, F_P | F_RW);
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(mm_frame_type_count(shared), 2);
    assert_int_equal(pin(1, shared), -XEN_EINVAL);
    assert_int_equal(unpin(l1), 0);
    assert_int_equal(pin(1, shared), -XEN_EINVAL);   /* still writable with nothing mapping it */
}

static void set_m2p_only_for_own_frames(void **state)
{
    mfn_t mine = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    assert_int_equal(mm_set_m2p(D0, mine, 42), 0);
    assert_int_equal(fake_m2p[mfn_x(mine)], 42);
    assert_int_equal(mm_set_m2p(D0, theirs, 43), -XEN_EINVAL);
    assert_int_equal(mm_set_m2p(D0, _mfn(FAKE_FRAMES + 5), 1), -XEN_EINVAL);
}

/* --- L1 entries ---------------------------------------------------------------------------- */

static void l1_rw_entry_takes_writable_type(void **state)
{
    mfn_t l1 = world_alloc(0), data = world_alloc(0);

    (void)state;
    F(l1)[3] = PTE(data, F_P | F_RW);
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(mm_frame_type(data), MM_TYPE_WRITABLE);
    assert_int_equal(mm_frame_type_count(data), 1);
    assert_int_equal(mm_frame_count(data), 2);
}

static void l1_ro_entry_takes_only_a_general_reference(void **state)
{
    mfn_t l1 = world_alloc(0), data = world_alloc(0);

    (void)state;
    F(l1)[3] = PTE(data, F_P);
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(mm_frame_type(data), MM_TYPE_NONE);
    assert_int_equal(mm_frame_type_count(data), 0);
    assert_int_equal(mm_frame_count(data), 2);
}

static void l1_foreign_frame_is_ebusy(void **state)
{
    mfn_t l1 = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    F(l1)[0] = PTE(theirs, F_P);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
    assert_int_equal(mm_frame_count(theirs), 1);
}

static void l1_free_frame_is_ebusy(void **state)
{
    mfn_t l1 = world_alloc(0);
    mfn_t free_frame = _mfn(FAKE_FRAMES - 1);   /* allocated last, so still free */

    (void)state;
    assert_null(mm_frame_owner(free_frame));
    F(l1)[0] = PTE(free_frame, F_P);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
}

static void l1_non_ram_frame_is_eperm(void **state)
{
    mfn_t l1 = world_alloc(0);

    (void)state;
    F(l1)[0] = PTE(_mfn(2), F_P);
    assert_int_equal(pin(1, l1), -XEN_EPERM);
    F(l1)[0] = PTE(_mfn(FAKE_FRAMES + 100), F_P);   /* beyond the frame table: MMIO to Xen */
    assert_int_equal(pin(1, l1), -XEN_EPERM);
}

/* Quirk: Xen treats the all-ones address as "INVALID_MFN?" and says -EINVAL, not -EPERM. */
static void l1_all_ones_address_is_einval(void **state)
{
    mfn_t l1 = world_alloc(0);

    (void)state;
    F(l1)[0] = 0x000ffffffffff000ULL | F_P;
    assert_int_equal(pin(1, l1), -XEN_EINVAL);
}

static void l1_cache_attributes_are_einval(void **state)
{
    mfn_t l1 = world_alloc(0), data = world_alloc(0);
    const uint64_t bad[] = { F_PWT, F_PCD, F_PSE /* PAT */ };
    unsigned i;

    (void)state;
    for (i = 0; i < 3; i++) {
        F(l1)[0] = PTE(data, F_P | bad[i]);
        assert_int_equal(pin(1, l1), -XEN_EINVAL);
    }
}

/* Quirk: _PAGE_GLOBAL, the AVAIL bits (9-11, 52-62) and NX are the guest's to set in an L1. */
static void l1_global_avail_and_nx_are_allowed(void **state)
{
    mfn_t l1 = world_alloc(0), data = world_alloc(0);

    (void)state;
    F(l1)[0] = PTE(data, F_P | F_US | F_G | F_AVAIL | F_NX | (0x7feULL << 52));
    assert_int_equal(pin(1, l1), 0);
}

static void l1_rw_mapping_of_a_pagetable_is_ebusy(void **state)
{
    mfn_t l1 = world_alloc(0), other = world_alloc(0);

    (void)state;
    assert_int_equal(pin(1, other), 0);
    F(l1)[0] = PTE(other, F_P | F_RW);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
    F(l1)[0] = PTE(other, F_P);                      /* read-only is fine */
    assert_int_equal(pin(1, l1), 0);
}

static void l1_rw_self_mapping_is_ebusy(void **state)
{
    mfn_t l1 = world_alloc(0);

    (void)state;
    F(l1)[9] = PTE(l1, F_P | F_RW);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
    F(l1)[9] = PTE(l1, F_P);
    assert_int_equal(pin(1, l1), 0);
}

static void l1_rw_mapping_of_seg_desc_is_ebusy(void **state)
{
    mfn_t l1 = world_alloc(0), gdt = world_alloc(0);

    (void)state;
    assert_int_equal(mm_get_page_and_type(D0, gdt, MM_TYPE_SEG_DESC), 0);
    F(l1)[0] = PTE(gdt, F_P | F_RW);
    assert_int_equal(pin(1, l1), -XEN_EBUSY);
    mm_put_page_and_type(gdt);
    assert_int_equal(pin(1, l1), 0);                 /* no longer a descriptor table */
    assert_int_equal(mm_get_page_and_type(D0, gdt, MM_TYPE_SEG_DESC), -XEN_EINVAL);
}

static void writably_mapped_frame_cannot_become_a_table(void **state)
{
    mfn_t l1 = world_alloc(0), data = world_alloc(0);

    (void)state;
    F(l1)[0] = PTE(data, F_P | F_RW);
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(pin(1, data), -XEN_EINVAL);
    assert_int_equal(pin(2, data), -XEN_EINVAL);
}

/* Xen's adjust_guest_l1e: the guest kernel runs in ring 3, so its mappings get _PAGE_USER
 * (and Xen's guest-kernel mark); user mappings are made global. */
static void l1_kernel_mapping_gets_user_forced(void **state)
{
    mfn_t l1 = world_alloc(0), k = world_alloc(0), u = world_alloc(0);

    (void)state;
    F(l1)[0] = PTE(k, F_P | F_RW);
    F(l1)[1] = PTE(u, F_P | F_US);
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(F(l1)[0], PTE(k, F_P | F_RW | F_US | F_GK));
    assert_int_equal(F(l1)[1], PTE(u, F_P | F_US | F_G));
}

static void l1_not_present_entries_are_left_alone(void **state)
{
    mfn_t l1 = world_alloc(0);

    (void)state;
    F(l1)[0] = 0xdeadbeefcafef00eULL;                /* bit 0 clear: not present */
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(F(l1)[0], 0xdeadbeefcafef00eULL);
}

/* --- L2-L4 entries ------------------------------------------------------------------------- */

static void l2_pse_is_einval(void **state)
{
    mfn_t l2 = world_alloc(0), l1 = world_alloc(0);

    (void)state;
    F(l2)[0] = PTE(l1, F_P | F_RW | F_PSE);
    assert_int_equal(pin(2, l2), -XEN_EINVAL);
    assert_int_equal(mm_frame_type(l1), MM_TYPE_NONE);
}

static void l3_pse_is_einval(void **state)
{
    mfn_t l3 = world_alloc(0), l2 = world_alloc(0);

    (void)state;
    F(l3)[0] = PTE(l2, F_P | F_RW | F_PSE);
    assert_int_equal(pin(3, l3), -XEN_EINVAL);
}

static void upper_entry_refused_flags_are_einval(void **state)
{
    mfn_t l2 = world_alloc(0), l1 = world_alloc(0);
    const uint64_t bad[] = { F_PWT, F_PCD, F_G };
    unsigned i;

    (void)state;
    for (i = 0; i < 3; i++) {
        F(l2)[0] = PTE(l1, F_P | bad[i]);
        assert_int_equal(pin(2, l2), -XEN_EINVAL);
    }
}

/* Quirk: a foreign or unknown frame in an L2+ entry is -EINVAL (L1 says -EBUSY/-EPERM). */
static void upper_entry_to_foreign_or_missing_frame_is_einval(void **state)
{
    mfn_t l2 = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    F(l2)[0] = PTE(theirs, F_P);
    assert_int_equal(pin(2, l2), -XEN_EINVAL);
    F(l2)[0] = PTE(_mfn(3), F_P);
    assert_int_equal(pin(2, l2), -XEN_EINVAL);
    F(l2)[0] = PTE(_mfn(FAKE_FRAMES + 7), F_P);
    assert_int_equal(pin(2, l2), -XEN_EINVAL);
}

static void upper_entry_to_wrong_level_is_einval(void **state)
{
    mfn_t l2 = world_alloc(0), l3 = world_alloc(0), l4 = world_alloc(0);

    (void)state;
    assert_int_equal(pin(3, l3), 0);
    assert_int_equal(pin(4, l4), 0);
    F(l2)[0] = PTE(l3, F_P);                         /* L2 -> L3: neither L1 nor linear */
    assert_int_equal(pin(2, l2), -XEN_EINVAL);
    F(l2)[0] = PTE(l4, F_P);
    assert_int_equal(pin(2, l2), -XEN_EINVAL);
}

static void lower_level_errno_propagates(void **state)
{
    mfn_t l2 = world_alloc(0), l1 = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    F(l2)[5] = PTE(l1, F_P | F_RW);
    F(l1)[0] = PTE(theirs, F_P);
    assert_int_equal(pin(2, l2), -XEN_EBUSY);
    assert_int_equal(mm_frame_type_count(l1), 0);
}

static void upper_entries_get_user_forced(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(F(a.l4)[0], PTE(a.l3, F_P | F_RW | F_US));
    assert_int_equal(F(a.l3)[0], PTE(a.l2, F_P | F_RW | F_US));
    assert_int_equal(F(a.l2)[0], PTE(a.l1, F_P | F_RW | F_US));
}

static void a_table_referenced_twice_counts_two(void **state)
{
    mfn_t l2 = world_alloc(0), l1 = world_alloc(0);

    (void)state;
    F(l2)[0] = PTE(l1, F_P);
    F(l2)[7] = PTE(l1, F_P);
    assert_int_equal(pin(2, l2), 0);
    assert_int_equal(mm_frame_type_count(l1), 2);
    assert_int_equal(mm_frame_count(l1), 3);
}

static void l4_host_slots_are_written_by_the_host(void **state)
{
    struct aspace a;
    unsigned s;

    (void)state;
    build_aspace(&a);
    for (s = 256; s <= 271; s++)
        F(a.l4)[s] = 0x1234567000ULL | F_P | F_RW;   /* the guest's attempt is ignored */
    activate(&a);
    for (s = 256; s <= 271; s++)
        assert_int_equal(F(a.l4)[s], fake_host_l4e(s));
    assert_int_equal(mm_frame_count(_mfn(0x1234567)), 0);
}

static void l4_host_slot_update_is_einval(void **state)
{
    struct aspace a;
    struct snap s;

    (void)state;
    build_aspace(&a);
    activate(&a);
    snap_take(&s);
    assert_int_equal(mmu(MA(a.l4, 256), 0), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l4, 262), PTE(a.l3, F_P)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l4, 271), 0), -XEN_EINVAL);
    snap_assert_same(&s);
    assert_int_equal(mmu(MA(a.l4, 255), 0), 0);      /* the slots around them are the guest's */
    assert_int_equal(mmu(MA(a.l4, 272), 0), 0);
}

/* XSA-182: a guest must never get a writable mapping of its own L4 through a recursive
 * entry.  A read-only self-map is Xen's linear-pagetable rule and is accepted; a writable
 * one, or turning the read-only one writable, is refused and leaves the slot as it was. */
static void xsa182_writable_recursive_l4_is_refused(void **state)
{
    struct aspace a;
    struct snap s;

    (void)state;
    build_aspace(&a);
    F(a.l4)[511] = PTE(a.l4, F_P | F_RW);
    assert_int_equal(pin(4, a.l4), -XEN_EINVAL);
    F(a.l4)[511] = 0;
    activate(&a);
    snap_take(&s);
    assert_int_equal(mmu(MA(a.l4, 511), PTE(a.l4, F_P | F_RW)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l3, 1), PTE(a.l3, F_P | F_RW)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l2, 1), PTE(a.l2, F_P | F_RW)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l1, 9), PTE(a.l4, F_P | F_RW)), -XEN_EBUSY);
    snap_assert_same(&s);
    assert_int_equal(mmu(MA(a.l4, 511), PTE(a.l4, F_P)), 0);      /* read-only: Xen's rule */
    assert_int_equal(F(a.l4)[511], PTE(a.l4, F_P | F_US));
    assert_int_equal(mm_frame_type_count(a.l4), 2);  /* pin + base: a self-map holds nothing */
    snap_take(&s);
    assert_int_equal(mmu(MA(a.l4, 511), PTE(a.l4, F_P | F_RW)), -XEN_EINVAL);
    snap_assert_same(&s);
    assert_int_equal(mmu(MA(a.l4, 511), 0), 0);
}

static void linear_self_map_at_validation_holds_no_reference(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    F(a.l4)[511] = PTE(a.l4, F_P);
    F(a.l2)[7] = PTE(a.l2, F_P);
    activate(&a);
    assert_int_equal(mm_frame_type_count(a.l4), 2);
    assert_int_equal(mm_frame_type_count(a.l2), 1);
    assert_int_equal(unpin(a.l4), 0);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(world_alloc(0)), 0), 0);
    assert_int_equal(mm_frame_type_count(a.l4), 0);
    assert_int_equal(mm_frame_type_count(a.l2), 0);
}

/* A read-only entry to another validated table of the same level holds a type reference on
 * it, so the target cannot change type while the link exists. */
static void linear_entry_to_another_table_holds_its_type(void **state)
{
    struct aspace a;
    mfn_t other = world_alloc(0);

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(pin(4, other), 0);
    assert_int_equal(mmu(MA(a.l4, 5), PTE(other, F_P | F_A)), 0);
    assert_int_equal(mm_frame_type_count(other), 2);
    assert_int_equal(unpin(other), 0);
    assert_int_equal(mm_frame_type(other), MM_TYPE_L4);
    assert_int_equal(mmu(MA(a.l1, 9), PTE(other, F_P | F_RW)), -XEN_EBUSY);
    assert_int_equal(mmu(MA(a.l4, 5), 0), 0);
    assert_int_equal(mm_frame_type_count(other), 0);
    assert_int_equal(mmu(MA(a.l1, 9), PTE(other, F_P | F_RW)), 0);
    /* Not yet validated as an L4 (now writable): -EINVAL, as any type conflict. */
    assert_int_equal(mmu(MA(a.l4, 5), PTE(other, F_P)), -XEN_EINVAL);
}

/* XSA-240: a table holding linear entries may not be a linear target, nor the reverse, so
 * chains (and unbounded recursion when they are torn down) cannot form. */
static void xsa240_linear_chains_are_refused(void **state)
{
    mfn_t a = world_alloc(0), b = world_alloc(0), c = world_alloc(0), d = world_alloc(0);
    struct snap s;

    (void)state;
    assert_int_equal(pin(2, b), 0);
    assert_int_equal(pin(2, a), 0);
    assert_int_equal(pin(2, c), 0);
    assert_int_equal(pin(2, d), 0);
    assert_int_equal(mmu(MA(a, 0), PTE(b, F_P)), 0);  /* a -> b */
    snap_take(&s);
    assert_int_equal(mmu(MA(c, 0), PTE(a, F_P)), -XEN_EINVAL);    /* a holds linear entries */
    assert_int_equal(mmu(MA(b, 0), PTE(d, F_P)), -XEN_EINVAL);    /* b is a target */
    snap_assert_same(&s);
    assert_int_equal(mmu(MA(c, 0), PTE(b, F_P)), 0);  /* b may be the target of several */
    assert_int_equal(mm_frame_type_count(b), 3);
    assert_int_equal(mmu(MA(a, 0), 0), 0);
    assert_int_equal(mmu(MA(c, 0), 0), 0);
    assert_int_equal(mmu(MA(b, 0), PTE(d, F_P)), 0);  /* no longer a target */
}

/* Validate completely, then apply: a table that fails keeps its exact contents (Xen leaves
 * the entries before the failing one adjusted; pvx does not touch them). */
static void failed_validation_changes_nothing(void **state)
{
    struct aspace a;
    struct snap s;
    mfn_t theirs = world_alloc(1);

    (void)state;
    build_aspace(&a);
    F(a.l1)[300] = PTE(theirs, F_P);
    snap_take(&s);
    assert_int_equal(pin(4, a.l4), -XEN_EBUSY);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0), -XEN_EBUSY);
    assert_int_equal(pin(1, a.l1), -XEN_EBUSY);
    snap_assert_same(&s);
}

/* --- pin and unpin ------------------------------------------------------------------------- */

static void pin_each_level(void **state)
{
    mfn_t t[4];
    unsigned i;

    (void)state;
    for (i = 0; i < 4; i++) {
        t[i] = world_alloc(0);
        assert_int_equal(pin(i + 1, t[i]), 0);
        assert_int_equal(mm_frame_type(t[i]), MM_TYPE_L1 + i);
        assert_true(mm_frame_pinned(t[i]));
        assert_int_equal(mm_frame_count(t[i]), 2);
        assert_int_equal(mm_frame_type_count(t[i]), 1);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(unpin(t[i]), 0);
        assert_false(mm_frame_pinned(t[i]));
        assert_int_equal(mm_frame_count(t[i]), 1);
        assert_int_equal(mm_frame_type_count(t[i]), 0);
    }
}

static void pin_twice_is_einval(void **state)
{
    mfn_t l1 = world_alloc(0);
    struct snap s;

    (void)state;
    assert_int_equal(pin(1, l1), 0);
    snap_take(&s);
    assert_int_equal(pin(1, l1), -XEN_EINVAL);
    snap_assert_same(&s);
}

static void unpin_of_unpinned_is_einval(void **state)
{
    mfn_t l1 = world_alloc(0), l2 = world_alloc(0);

    (void)state;
    assert_int_equal(unpin(l1), -XEN_EINVAL);
    F(l2)[0] = PTE(l1, F_P);
    assert_int_equal(pin(2, l2), 0);
    assert_int_equal(unpin(l1), -XEN_EINVAL);        /* typed L1, but not pinned */
}

static void pin_or_unpin_foreign_is_einval(void **state)
{
    mfn_t theirs = world_alloc(1);

    (void)state;
    assert_int_equal(pin(1, theirs), -XEN_EINVAL);
    assert_int_equal(pin(4, W.host[1]), -XEN_EINVAL);
    assert_int_equal(pin(4, _mfn(FAKE_FRAMES + 3)), -XEN_EINVAL);
    assert_int_equal(unpin(theirs), -XEN_EINVAL);
}

static void pin_with_another_type_is_einval(void **state)
{
    mfn_t t = world_alloc(0);

    (void)state;
    assert_int_equal(pin(1, t), 0);
    assert_int_equal(pin(2, t), -XEN_EINVAL);
    assert_int_equal(pin(4, t), -XEN_EINVAL);
}

static void unpin_devalidates_and_drops_every_reference(void **state)
{
    struct aspace a;
    unsigned i;

    (void)state;
    build_aspace(&a);
    assert_int_equal(pin(4, a.l4), 0);
    assert_int_equal(unpin(a.l4), 0);
    assert_int_equal(mm_frame_count(a.l4), 1);
    assert_int_equal(mm_frame_type_count(a.l3), 0);
    assert_int_equal(mm_frame_type_count(a.l2), 0);
    assert_int_equal(mm_frame_type_count(a.l1), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(mm_frame_count(a.data[i]), 1);
        assert_int_equal(mm_frame_type_count(a.data[i]), 0);
    }
    assert_int_equal(pin(1, a.data[0]), 0);          /* free to become a table now */
}

static void unpinned_table_stays_typed_while_referenced(void **state)
{
    mfn_t l2 = world_alloc(0), l1 = world_alloc(0), data = world_alloc(0);

    (void)state;
    F(l1)[0] = PTE(data, F_P | F_RW);
    assert_int_equal(pin(1, l1), 0);
    F(l2)[0] = PTE(l1, F_P);
    assert_int_equal(pin(2, l2), 0);
    assert_int_equal(unpin(l1), 0);
    assert_int_equal(mm_frame_type(l1), MM_TYPE_L1);
    assert_int_equal(mm_frame_type_count(l1), 1);
    assert_int_equal(mm_frame_type(data), MM_TYPE_WRITABLE);
    assert_int_equal(mm_frame_type_count(data), 1);
}

/* XSA-286 pattern: after a table is unhooked and unpinned, no translation made through it may
 * survive into its next life.  Every path to reusing the frame passes a TLB flush. */
static void xsa286_no_stale_translation_after_unpin(void **state)
{
    struct aspace a;
    mfn_t l1b = world_alloc(0), data = world_alloc(0);
    uint64_t flushes;

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(l1b)[0] = PTE(data, F_P | F_RW);
    assert_int_equal(pin(1, l1b), 0);
    assert_int_equal(mmu(MA(a.l2, 1), PTE(l1b, F_P | F_RW)), 0);
    assert_int_equal(unpin(l1b), 0);                 /* still hooked into the L2 */
    assert_int_equal(mm_frame_type(l1b), MM_TYPE_L1);
    flushes = fake_arch.flushes;
    assert_int_equal(mmu(MA(a.l2, 1), 0), 0);        /* unhook: L2 entry removal flushes */
    assert_true(fake_arch.flushes > flushes);
    assert_int_equal(mm_frame_type_count(l1b), 0);
    /* Map the old table writable: allowed now, and the translations through it are gone. */
    assert_int_equal(mmu(MA(a.l1, 8), PTE(l1b, F_P | F_RW)), 0);
    assert_int_equal(mm_frame_type(l1b), MM_TYPE_WRITABLE);
}

/* A frame whose last writable mapping is removed without a flush may still be writable
 * through the TLB: making it a pagetable must flush first. */
static void type_change_flushes_stale_writable_tlb_entries(void **state)
{
    struct aspace a;
    uint64_t flushes;

    (void)state;
    build_aspace(&a);
    activate(&a);
    flushes = fake_arch.flushes;
    assert_int_equal(mmu(MA(a.l1, 0), 0), 0);        /* L1 change: Xen does not flush */
    assert_int_equal(fake_arch.flushes, flushes);
    assert_int_equal(pin(1, a.data[0]), 0);          /* writable -> L1: flush first */
    assert_int_equal(fake_arch.flushes, flushes + 1);
    flushes = fake_arch.flushes;
    assert_int_equal(pin(1, world_alloc(0)), 0);     /* a fresh frame needs no flush */
    assert_int_equal(fake_arch.flushes, flushes);
}

/* Touch every page of the aspace (VA 0-0x7fff) so that the modelled TLB caches the
 * writable data translations, the read-only table translations and every table walked. */
static void touch_aspace(void)
{
    uint64_t va;

    for (va = 0; va < 0x8000; va += 0x1000)
        fake_tlb_touch(va);
    assert_true(fake_tlb_entries() > 0);
}

/* Stale translations, checked against the TLB model by every helper's audit: each role
 * change of a frame the TLB still caches must come after a flush. */
static void stale_tlb_writable_page_becomes_a_table(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    touch_aspace();
    assert_int_equal(uvm(0x0000, 0, UVMF_NONE), 0);  /* data[0] keeps a cached RW entry */
    assert_int_equal(mmu(MA(a.l1, 1), 0), 0);        /* data[1] too */
    assert_true(fake_tlb_entries() > 0);
    assert_int_equal(pin(1, a.data[0]), 0);          /* writable -> L1 */
    touch_aspace();
    assert_int_equal(mmu(MA(a.l1, 2), 0), 0);
    assert_int_equal(ext(MMUEXT_CLEAR_PAGE, mfn_x(a.data[1]), 0), 0);
    assert_int_equal(mm_get_page_and_type(D0, a.data[2], MM_TYPE_SEG_DESC), 0);  /* -> GDT */
    mm_put_page_and_type(a.data[2]);
    check_audit();
}

static void stale_tlb_unlinked_table_becomes_writable(void **state)
{
    struct aspace a;
    mfn_t l1b = world_alloc(0);

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(l1b)[0] = PTE(a.data[0], F_P | F_RW);
    touch_aspace();
    /* The L2 entry now points at another L1: the old one is unlinked and, unpinned,
     * loses its type; mapping it writable must not meet a cached walk through it. */
    assert_int_equal(mmu(MA(a.l2, 0), PTE(l1b, F_P | F_RW)), 0);
    assert_int_equal(mm_frame_type_count(a.l1), 0);
    fake_tlb_touch(0);
    assert_int_equal(mmu(MA(l1b, 1), PTE(a.l1, F_P | F_RW)), 0);
    fake_tlb_touch(0x1000);
    check_audit();
    /* The same through a linear L4 slot: l4[1] -> l4 caches the tables as lower levels. */
    assert_int_equal(mmu(MA(a.l4, 1), PTE(a.l4, F_P)), 0);
    fake_tlb_touch(0x8000000000ULL);                 /* l4 as L3, l3 as L2, l2 as L1 */
    fake_tlb_touch(0x8000000000ULL + (0ULL << 30) + (0ULL << 21));
    assert_int_equal(mmu(MA(l1b, 1), 0), 0);
    assert_int_equal(mmu(MA(a.l4, 1), 0), 0);        /* unlink the linear slot */
    assert_int_equal(mmu(MA(l1b, 2), PTE(a.l1, F_P | F_RW)), 0);
    check_audit();
}

/* --- base pointers ------------------------------------------------------------------------- */

static void new_baseptr_validates_and_loads_cr3(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0), 0);
    assert_int_equal(fake_arch.cr3, mfn_x(a.l4));
    assert_int_equal(mm_frame_type(a.l4), MM_TYPE_L4);
    assert_int_equal(mm_frame_type_count(a.l4), 1);
    assert_true(mfn_eq(V0->guest_table, a.l4));
}

/* Quirk (Xen's new_guest_cr3): the current base again only reloads cr3. */
static void new_baseptr_same_mfn_only_reloads(void **state)
{
    struct aspace a;
    uint64_t loads;

    (void)state;
    build_aspace(&a);
    activate(&a);
    loads = fake_arch.cr3_loads;
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0), 0);
    assert_int_equal(fake_arch.cr3_loads, loads + 1);
    assert_int_equal(mm_frame_type_count(a.l4), 2);  /* pin + base, unchanged */
}

static void new_baseptr_refusals(void **state)
{
    struct aspace a;
    struct snap s;
    mfn_t theirs = world_alloc(1);

    (void)state;
    build_aspace(&a);
    activate(&a);
    snap_take(&s);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a.l1), 0), -XEN_EINVAL);  /* an L1 */
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a.data[0]), 0), -XEN_EINVAL); /* writable */
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(theirs), 0), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, 0, 0), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(a.l2), 0), -XEN_EINVAL);
    snap_assert_same(&s);
}

static void new_baseptr_switch_drops_the_old_reference(void **state)
{
    struct aspace a, b;

    (void)state;
    build_aspace(&a);
    build_aspace(&b);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0), 0);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(b.l4), 0), 0);
    assert_int_equal(mm_frame_type_count(a.l4), 0);  /* a's tree devalidated */
    assert_int_equal(mm_frame_type_count(a.data[0]), 0);
    assert_int_equal(fake_arch.cr3, mfn_x(b.l4));
}

/* Quirk: NEW_USER_BASEPTR with mfn 0 clears the user base pointer. */
static void new_user_baseptr_zero_clears(void **state)
{
    struct aspace a;
    mfn_t user = world_alloc(0);

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(user)[0] = PTE(a.l3, F_P);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);
    assert_true(mfn_eq(V0->guest_table_user, user));
    assert_int_equal(mm_frame_type_count(user), 1);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    assert_false(mfn_valid_raw(V0->guest_table_user));
    assert_int_equal(mm_frame_type_count(user), 0);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
}

/* docs/design.md invariant 7: the user L4 never maps guest kernel space (slots 272-510). */
static void user_l4_may_not_map_guest_kernel_space(void **state)
{
    struct aspace a;
    mfn_t user = world_alloc(0);
    struct snap s;

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(user)[300] = PTE(a.l3, F_P);
    snap_take(&s);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), -XEN_EINVAL);
    snap_assert_same(&s);
    F(user)[300] = 0;
    F(user)[511] = PTE(a.l3, F_P);                   /* vsyscall slot: allowed */
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);
    assert_int_equal(mmu(MA(user, 300), PTE(a.l3, F_P)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(user, 5), PTE(a.l3, F_P)), 0);
}

/* An L4 found fit to be a user L4 is not scanned again when it comes back (PGF_USER_L4_OK),
 * but a present entry written into its kernel slots while it is not the user L4 takes that
 * back: installing it again is refused, as a fresh scan would. */
static void a_user_l4_that_gained_kernel_entries_is_refused_again(void **state)
{
    struct aspace a;
    mfn_t user = world_alloc(0), other = world_alloc(0);

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);
    assert_int_equal(pin(4, user), 0);                /* keeps its type when switched away */
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(other), 0), 0);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);     /* back: fine */
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(other), 0), 0);
    assert_int_equal(mmu(MA(user, 300), PTE(a.l3, F_P)), 0);  /* not the user L4 now */
    check_audit();
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), -XEN_EINVAL);
    assert_int_equal(mmu(MA(user, 300), 0), 0);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);
    check_audit();
}

/* --- teardown and the audit ---------------------------------------------------------------- */

static void teardown_releases_every_frame(void **state)
{
    struct aspace a, b;
    mfn_t shared, user = world_alloc(0), l1 = world_alloc(0);
    uint64_t free_before = mm_free_frames() + D0->tot_pages;
    uint64_t i;

    (void)state;
    build_aspace(&a);
    build_aspace(&b);
    free_before = mm_free_frames() + D0->tot_pages;
    assert_int_equal(mm_alloc_shared_frame(D0, &shared), 0);
    activate(&a);
    F(user)[1] = PTE(b.l3, F_P);
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);
    F(l1)[0] = PTE(shared, F_P | F_RW);
    assert_int_equal(pin(1, l1), 0);
    assert_int_equal(pin(4, b.l4), 0);
    assert_int_equal(mmu(MA(a.l4, 7), PTE(b.l4, F_P)), 0);   /* a linear link a -> b */
    assert_int_equal(mmu(MA(a.l4, 8), PTE(a.l4, F_P)), 0);   /* and a self-map */
    mm_domain_teardown(D0);
    check_audit();
    assert_int_equal(D0->tot_pages, 0);
    assert_int_equal(mm_free_frames(), free_before);
    for (i = 0; i < FAKE_FRAMES; i++) {
        assert_true(mm_frame_owner(_mfn(i)) != D0);
        if (mm_frame_owner(_mfn(i)) == NULL && i >= WORLD_NOT_RAM &&
            !(i >= mfn_x(W.host[0]) && i <= mfn_x(W.host[3]))) {
            assert_int_equal(mm_frame_count(_mfn(i)), 0);
            assert_int_equal(mm_frame_type_count(_mfn(i)), 0);
        }
    }
    assert_false(mfn_valid_raw(V0->guest_table));
    assert_false(mfn_valid_raw(V0->guest_table_user));
}

static void teardown_of_one_domain_leaves_the_other(void **state)
{
    mfn_t theirs = world_alloc(1), l1 = world_alloc(1);

    (void)state;
    F(l1)[0] = PTE(theirs, F_P | F_RW);
    current = &W.vcpu[1];
    {
        struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE };

        op.arg1.mfn = mfn_x(l1);
        assert_int_equal(mm_mmuext_op_one(D1, &W.vcpu[1].mm, &op), 0);
    }
    current = &W.vcpu[0];
    world_alloc(0);
    mm_domain_teardown(D0);
    check_audit();
    assert_int_equal(D1->tot_pages, 2);
    assert_int_equal(mm_frame_type_count(theirs), 1);
}

/* The audit itself must be able to fail: corrupt state behind mm's back. */
static void audit_catches_a_wrong_count(void **state)
{
    struct aspace a;
    char why[200];

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(a.l1)[10] = PTE(a.data[1], F_P | F_RW | F_US | F_GK);   /* a write mm never saw */
    assert_int_equal(world_audit(why, sizeof(why)), -1);
    assert_non_null(strstr(why, "count differs"));
    F(a.l1)[10] = 0;
    check_audit();
}

/* A second link behind mm's back turns a linear target into a holder: the XSA-240 chain. */
static void audit_catches_a_linear_chain(void **state)
{
    struct aspace a;
    mfn_t b, c;
    char why[200];

    (void)state;
    build_aspace(&a);
    activate(&a);
    b = world_alloc(0);
    c = world_alloc(0);
    assert_int_equal(pin(2, b), 0);
    assert_int_equal(pin(2, c), 0);
    assert_int_equal(mmu(MA(a.l2, 1), PTE(b, F_P)), 0);          /* l2 -> b, linear */
    assert_int_equal(mmu(MA(b, 0), PTE(c, F_P)), -XEN_EINVAL);   /* b -> c refused */
    F(b)[0] = PTE(c, F_P | F_US);                                /* ... so write it raw */
    assert_int_equal(world_audit(why, sizeof(why)), -1);
    assert_non_null(strstr(why, "linear"));
    F(b)[0] = 0;
    check_audit();
}

static void audit_catches_a_writable_pagetable(void **state)
{
    struct aspace a;
    char why[200];

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(a.l1)[7] |= F_RW;                              /* the L1 mapping itself writable */
    assert_int_equal(world_audit(why, sizeof(why)), -1);
    assert_non_null(strstr(why, "writable mapping"));
    F(a.l1)[7] &= ~F_RW;
    check_audit();
}

static void audit_catches_a_host_slot_change(void **state)
{
    struct aspace a;
    char why[200];

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(a.l4)[260] ^= 1ULL << 12;
    assert_int_equal(world_audit(why, sizeof(why)), -1);
    assert_non_null(strstr(why, "host L4 slot"));
    F(a.l4)[260] ^= 1ULL << 12;
    check_audit();
}

static void audit_catches_a_foreign_mapping_and_kernel_in_user_l4(void **state)
{
    struct aspace a;
    mfn_t theirs = world_alloc(1), user = world_alloc(0);
    char why[200];

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(a.l1)[11] = PTE(theirs, F_P | F_US);
    assert_int_equal(world_audit(why, sizeof(why)), -1);
    assert_non_null(strstr(why, "does not own"));
    F(a.l1)[11] = 0;
    assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, mfn_x(user), 0), 0);
    F(user)[400] = PTE(a.l3, F_P | F_US);            /* behind mm's back */
    assert_int_equal(world_audit(why, sizeof(why)), -1);
    assert_non_null(strstr(why, "kernel space"));
    F(user)[400] = 0;
    check_audit();
}

#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)

int run_frame_tests(void);
int run_frame_tests(void)
{
    const struct CMUnitTest tests[] = {
        T(alloc_domain_frame_is_zeroed_and_owned),
        T(alloc_refuses_beyond_max_pages),
        T(alloc_refuses_when_memory_runs_out),
        T(host_run_is_contiguous_and_given_back),
        T(host_frame_cannot_be_mapped),
        T(shared_frame_maps_writable_but_never_becomes_a_table),
        T(set_m2p_only_for_own_frames),
        T(l1_rw_entry_takes_writable_type),
        T(l1_ro_entry_takes_only_a_general_reference),
        T(l1_foreign_frame_is_ebusy),
        T(l1_free_frame_is_ebusy),
        T(l1_non_ram_frame_is_eperm),
        T(l1_all_ones_address_is_einval),
        T(l1_cache_attributes_are_einval),
        T(l1_global_avail_and_nx_are_allowed),
        T(l1_rw_mapping_of_a_pagetable_is_ebusy),
        T(l1_rw_self_mapping_is_ebusy),
        T(l1_rw_mapping_of_seg_desc_is_ebusy),
        T(writably_mapped_frame_cannot_become_a_table),
        T(l1_kernel_mapping_gets_user_forced),
        T(l1_not_present_entries_are_left_alone),
        T(l2_pse_is_einval),
        T(l3_pse_is_einval),
        T(upper_entry_refused_flags_are_einval),
        T(upper_entry_to_foreign_or_missing_frame_is_einval),
        T(upper_entry_to_wrong_level_is_einval),
        T(lower_level_errno_propagates),
        T(upper_entries_get_user_forced),
        T(a_table_referenced_twice_counts_two),
        T(l4_host_slots_are_written_by_the_host),
        T(l4_host_slot_update_is_einval),
        T(xsa182_writable_recursive_l4_is_refused),
        T(linear_self_map_at_validation_holds_no_reference),
        T(linear_entry_to_another_table_holds_its_type),
        T(xsa240_linear_chains_are_refused),
        T(failed_validation_changes_nothing),
        T(pin_each_level),
        T(pin_twice_is_einval),
        T(unpin_of_unpinned_is_einval),
        T(pin_or_unpin_foreign_is_einval),
        T(pin_with_another_type_is_einval),
        T(unpin_devalidates_and_drops_every_reference),
        T(unpinned_table_stays_typed_while_referenced),
        T(xsa286_no_stale_translation_after_unpin),
        T(type_change_flushes_stale_writable_tlb_entries),
        T(stale_tlb_writable_page_becomes_a_table),
        T(stale_tlb_unlinked_table_becomes_writable),
        T(new_baseptr_validates_and_loads_cr3),
        T(new_baseptr_same_mfn_only_reloads),
        T(new_baseptr_refusals),
        T(new_baseptr_switch_drops_the_old_reference),
        T(new_user_baseptr_zero_clears),
        T(user_l4_may_not_map_guest_kernel_space),
        T(a_user_l4_that_gained_kernel_entries_is_refused_again),
        T(teardown_releases_every_frame),
        T(teardown_of_one_domain_leaves_the_other),
        T(audit_catches_a_wrong_count),
        T(audit_catches_a_linear_chain),
        T(audit_catches_a_writable_pagetable),
        T(audit_catches_a_host_slot_change),
        T(audit_catches_a_foreign_mapping_and_kernel_in_user_l4),
    };

    return cmocka_run_group_tests_name("mm frames and validation", tests, NULL, NULL);
}
