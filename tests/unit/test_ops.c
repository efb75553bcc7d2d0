/*
 * Unit tests of the memory hypercalls: mm_mmu_update_one, mm_mmuext_op_one and
 * mm_update_va_mapping (host/mm/ops.c), and their decoding, done counts and multicall
 * batching in host/hypercall.c, run against the fake machine with `current` set.
 */
#include <string.h>
#include "mmtest.h"
#include "hypercall.h"

/* --- mmu_update ------------------------------------------------------------------------------ */

static void mmu_update_moves_references_from_old_to_new_entry(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(mmu(MA(a.l1, 0), PTE(a.data[1], F_P | F_RW)), 0);
    assert_int_equal(F(a.l1)[0], PTE(a.data[1], F_P | F_RW | F_US | F_GK));
    assert_int_equal(mm_frame_count(a.data[0]), 1);
    assert_int_equal(mm_frame_type_count(a.data[0]), 0);
    assert_int_equal(mm_frame_count(a.data[1]), 3);
    assert_int_equal(mm_frame_type_count(a.data[1]), 2);
    assert_int_equal(mmu(MA(a.l1, 1), 0), 0);
    assert_int_equal(mm_frame_count(a.data[1]), 2);
    assert_int_equal(mm_frame_type_count(a.data[1]), 1);
}

static void mmu_update_of_a_frame_not_owned_is_einval(void **state)
{
    mfn_t theirs = world_alloc(1);

    (void)state;
    assert_int_equal(mmu(MA(theirs, 0), 0), -XEN_EINVAL);
    assert_int_equal(mmu(MA(W.host[0], 0), 0), -XEN_EINVAL);
    assert_int_equal(mmu(MA(_mfn(1), 0), 0), -XEN_EINVAL);
    assert_int_equal(mmu(MA(_mfn(FAKE_FRAMES + 9), 0), 0), -XEN_EINVAL);
}

static void mmu_update_refusals_change_nothing(void **state)
{
    struct aspace a;
    struct snap s;
    mfn_t theirs = world_alloc(1);

    (void)state;
    build_aspace(&a);
    activate(&a);
    snap_take(&s);
    assert_int_equal(mmu(MA(a.l1, 0), PTE(theirs, F_P)), -XEN_EBUSY);
    assert_int_equal(mmu(MA(a.l1, 0), PTE(a.l2, F_P | F_RW)), -XEN_EBUSY);
    assert_int_equal(mmu(MA(a.l1, 0), PTE(a.data[0], F_P | F_PCD)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l1, 0), PTE(_mfn(4), F_P)), -XEN_EPERM);
    assert_int_equal(mmu(MA(a.l2, 0), PTE(a.l1, F_P | F_PSE)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l2, 3), PTE(a.data[0], F_P)), -XEN_EINVAL);  /* writable, not L1 */
    assert_int_equal(mmu(MA(a.l3, 3), PTE(theirs, F_P)), -XEN_EINVAL);
    assert_int_equal(mmu(MA(a.l4, 3), PTE(a.l2, F_P)), -XEN_EINVAL);
    snap_assert_same(&s);
}

/* Quirk: on a frame that is not an in-use pagetable, mmu_update is a plain store. */
static void mmu_update_on_a_data_frame_is_a_plain_store(void **state)
{
    mfn_t data = world_alloc(0), old_table = world_alloc(0);

    (void)state;
    assert_int_equal(mmu(MA(data, 17), 0x123456789abcdef0ULL), 0);
    assert_int_equal(F(data)[17], 0x123456789abcdef0ULL);
    assert_int_equal(mm_frame_type_count(data), 0);
    assert_int_equal(pin(2, old_table), 0);
    assert_int_equal(unpin(old_table), 0);
    assert_int_equal(mmu(MA(old_table, 0), PTE(_mfn(3), F_P | F_PSE)), 0);  /* unchecked */
    assert_int_equal(mm_frame_type(old_table), MM_TYPE_WRITABLE);
}

static void mmu_update_plain_store_refused_on_a_descriptor_table(void **state)
{
    mfn_t gdt = world_alloc(0);

    (void)state;
    assert_int_equal(mm_get_page_and_type(D0, gdt, MM_TYPE_SEG_DESC), 0);
    assert_int_equal(mmu(MA(gdt, 0), 0xffff), -XEN_EINVAL);
    assert_int_equal(F(gdt)[0], 0);
    mm_put_page_and_type(gdt);
}

static void mmu_update_preserve_ad_keeps_accessed_dirty(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    F(a.l1)[0] |= F_A | F_D;                         /* as the CPU would set them */
    assert_int_equal(mmu(MA(a.l1, 0) | MMU_PT_UPDATE_PRESERVE_AD, PTE(a.data[0], F_P | F_RW)),
                     0);
    assert_int_equal(F(a.l1)[0] & (F_A | F_D), F_A | F_D);
    assert_int_equal(mmu(MA(a.l1, 0), PTE(a.data[0], F_P | F_RW)), 0);
    assert_int_equal(F(a.l1)[0] & (F_A | F_D), 0);
}

static void mmu_update_no_translate_is_enosys(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(mmu(MA(a.l1, 0) | MMU_PT_UPDATE_NO_TRANSLATE, 0), -XEN_ENOSYS);
}

static void machphys_update_sets_m2p_for_own_frames_only(void **state)
{
    mfn_t mine = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    assert_int_equal(mmu(MA(mine, 5) | MMU_MACHPHYS_UPDATE, 0x77), 0);
    assert_int_equal(fake_m2p[mfn_x(mine)], 0x77);
    assert_int_equal(mmu(MA(theirs, 0) | MMU_MACHPHYS_UPDATE, 0x78), -XEN_EINVAL);
    assert_int_equal(fake_m2p[mfn_x(theirs)], ~0ULL);
}

static void mmu_update_flushes_only_for_upper_levels(void **state)
{
    struct aspace a;
    uint64_t flushes;

    (void)state;
    build_aspace(&a);
    activate(&a);
    flushes = fake_arch.flushes;
    assert_int_equal(mmu(MA(a.l1, 2), 0), 0);
    assert_int_equal(fake_arch.flushes, flushes);
    assert_int_equal(mmu(MA(a.l2, 0), 0), 0);        /* a present L2 entry replaced */
    assert_int_equal(fake_arch.flushes, flushes + 1);
    assert_int_equal(mmu(MA(a.l2, 9), 0), 0);        /* nothing was there: no flush */
    assert_int_equal(fake_arch.flushes, flushes + 1);
}

/* --- mmuext_op ------------------------------------------------------------------------------- */

static void tlb_flush_ops_flush(void **state)
{
    uint64_t mask = 1, flushes = fake_arch.flushes;
    uint64_t gva = fake_guest_put(0, &mask, sizeof(mask));

    (void)state;
    assert_int_equal(ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    assert_int_equal(ext(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    assert_int_equal(ext(MMUEXT_TLB_FLUSH_MULTI, 0, gva), 0);
    assert_int_equal(fake_arch.flushes, flushes + 3);
}

/* XSA-279: invlpg of a non-canonical address would #GP in the host; it is ignored.  (The
 * fake arch aborts on such an invlpg, so reaching the end is the test.) */
static void xsa279_noncanonical_invlpg_is_ignored(void **state)
{
    uint64_t mask = 1, gva = fake_guest_put(0, &mask, sizeof(mask));

    (void)state;
    assert_int_equal(ext(MMUEXT_INVLPG_LOCAL, 0x0000800000000000ULL, 0), 0);
    assert_int_equal(ext(MMUEXT_INVLPG_LOCAL, 0xdead000000000000ULL, 0), 0);
    assert_int_equal(ext(MMUEXT_INVLPG_ALL, 0x0000800000000000ULL, 0), 0);
    assert_int_equal(ext(MMUEXT_INVLPG_MULTI, 0x8000000000000000ULL, gva), 0);
    assert_int_equal(fake_arch.invlpgs, 0);
    assert_int_equal(ext(MMUEXT_INVLPG_LOCAL, 0x7000, 0), 0);
    assert_int_equal(fake_arch.invlpgs, 1);
    assert_int_equal(fake_arch.last_invlpg, 0x7000);
}

/* Quirk: LOCAL checks only canonicality (a host address is invalidated); ALL and MULTI skip
 * the host's range as well. */
static void invlpg_scopes_treat_the_host_range_differently(void **state)
{
    uint64_t mask = 1, gva = fake_guest_put(0, &mask, sizeof(mask));

    (void)state;
    assert_int_equal(ext(MMUEXT_INVLPG_ALL, 0xffff800000001000ULL, 0), 0);
    assert_int_equal(ext(MMUEXT_INVLPG_MULTI, 0xffff830000001000ULL, gva), 0);
    assert_int_equal(fake_arch.invlpgs, 0);
    assert_int_equal(ext(MMUEXT_INVLPG_LOCAL, 0xffff800000001000ULL, 0), 0);
    assert_int_equal(fake_arch.invlpgs, 1);
    assert_int_equal(ext(MMUEXT_INVLPG_ALL, 0xffffffff80001000ULL, 0), 0);
    assert_int_equal(ext(MMUEXT_INVLPG_MULTI, 0x1000, gva), 0);
    assert_int_equal(fake_arch.invlpgs, 3);
}

/* Quirk: an unreadable vCPU mask is -EINVAL for mmuext_op (update_va_mapping says -EFAULT). */
static void multi_ops_with_a_bad_vcpumask_are_einval(void **state)
{
    uint64_t flushes = fake_arch.flushes;

    (void)state;
    assert_int_equal(ext(MMUEXT_TLB_FLUSH_MULTI, 0, 0x5000), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_INVLPG_MULTI, 0x1000, 0xffff800000000000ULL), -XEN_EINVAL);
    assert_int_equal(fake_arch.flushes, flushes);
    assert_int_equal(fake_arch.invlpgs, 0);
}

static void clear_page_needs_a_writable_frame_of_ours(void **state)
{
    mfn_t data = world_alloc(0), table = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    F(data)[100] = 42;
    assert_int_equal(ext(MMUEXT_CLEAR_PAGE, mfn_x(data), 0), 0);
    assert_int_equal(F(data)[100], 0);
    assert_int_equal(pin(1, table), 0);
    F(theirs)[1] = 9;
    assert_int_equal(ext(MMUEXT_CLEAR_PAGE, mfn_x(table), 0), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_CLEAR_PAGE, mfn_x(theirs), 0), -XEN_EINVAL);
    assert_int_equal(F(theirs)[1], 9);
}

static void copy_page_reads_any_own_frame_writes_only_writable(void **state)
{
    struct aspace a;
    mfn_t dst = world_alloc(0), theirs = world_alloc(1);

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(ext(MMUEXT_COPY_PAGE, mfn_x(dst), mfn_x(a.l1)), 0);  /* from a table */
    assert_memory_equal(F(dst), F(a.l1), 4096);
    assert_int_equal(ext(MMUEXT_COPY_PAGE, mfn_x(a.l2), mfn_x(dst)), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_COPY_PAGE, mfn_x(dst), mfn_x(theirs)), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_COPY_PAGE, mfn_x(theirs), mfn_x(dst)), -XEN_EINVAL);
}

static void set_ldt_checks_its_arguments(void **state)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    (void)state;
    op.arg1.linear_addr = 0x200000;
    op.arg2.nr_ents = 16;
    assert_int_equal(mm_mmuext_op_one(D0, V0, &op), 0);
    assert_int_equal(V0->ldt_base, 0x200000);
    assert_int_equal(V0->ldt_ents, 16);
    op.arg1.linear_addr = 0x200008;
    assert_int_equal(mm_mmuext_op_one(D0, V0, &op), -XEN_EINVAL);
    op.arg1.linear_addr = 0xffff800000000000ULL;
    assert_int_equal(mm_mmuext_op_one(D0, V0, &op), -XEN_EINVAL);
    op.arg1.linear_addr = 0x200000;
    op.arg2.nr_ents = 8193;
    assert_int_equal(mm_mmuext_op_one(D0, V0, &op), -XEN_EINVAL);
    assert_int_equal(V0->ldt_ents, 16);
    op.arg1.linear_addr = 0x1234;                    /* quirk: ignored when nr_ents is 0 */
    op.arg2.nr_ents = 0;
    assert_int_equal(mm_mmuext_op_one(D0, V0, &op), 0);
    assert_int_equal(V0->ldt_base, 0);
    check_audit();
}

static void unsupported_mmuext_commands(void **state)
{
    (void)state;
    assert_int_equal(ext(MMUEXT_FLUSH_CACHE, 0, 0), -XEN_EACCES);
    assert_int_equal(ext(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), -XEN_EINVAL);   /* quirk */
    assert_int_equal(ext(MMUEXT_MARK_SUPER, 0, 0), -XEN_EOPNOTSUPP);
    assert_int_equal(ext(MMUEXT_UNMARK_SUPER, 0, 0), -XEN_EOPNOTSUPP);
    assert_int_equal(ext(14, 0, 0), -XEN_ENOSYS);
    assert_int_equal(ext(1000, 0, 0), -XEN_ENOSYS);
}

/* --- update_va_mapping ----------------------------------------------------------------------- */

static void uvm_rewrites_the_l1_entry_of_va(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(uvm(0x1000, PTE(a.data[2], F_P | F_US), UVMF_INVLPG), 0);
    assert_int_equal(F(a.l1)[1], PTE(a.data[2], F_P | F_US | F_G));
    assert_int_equal(fake_arch.last_invlpg, 0x1000);
    assert_int_equal(mm_frame_type_count(a.data[1]), 0);
}

static void uvm_without_an_l1_for_va_is_einval(void **state)
{
    struct aspace a;

    (void)state;
    assert_int_equal(uvm(0x1000, 0, 0), -XEN_EINVAL);   /* no base pointer yet */
    build_aspace(&a);
    activate(&a);
    assert_int_equal(uvm(0x200000, 0, 0), -XEN_EINVAL);             /* L2 slot 1 empty */
    assert_int_equal(uvm(0x40000000, 0, 0), -XEN_EINVAL);           /* L3 slot 1 empty */
    assert_int_equal(uvm(0xffff888000000000ULL, 0, 0), -XEN_EINVAL); /* L4 slot 273 empty */
    assert_int_equal(uvm(0xffff800000000000ULL, 0, 0), -XEN_EINVAL); /* host range */
}

/* A walk through a linear entry ends one level too high, on a table that is no L1: the
 * update must be refused, not written into an L2 (or L3, L4) as if it were an L1 entry. */
static void uvm_through_a_linear_entry_is_einval(void **state)
{
    struct aspace a;
    struct snap s;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(mmu(MA(a.l4, 1), PTE(a.l4, F_P)), 0);      /* L4 self-map, slot 1 */
    assert_int_equal(mmu(MA(a.l2, 1), PTE(a.l2, F_P)), 0);      /* L2 self-map, slot 1 */
    snap_take(&s);
    assert_int_equal(uvm(0x8000000000ULL, PTE(a.data[0], F_P | F_RW), 0), -XEN_EINVAL);
    assert_int_equal(uvm(0x8000000000ULL + 0x1000, 0, 0), -XEN_EINVAL);
    assert_int_equal(uvm(0x200000, PTE(a.data[0], F_P | F_RW), 0), -XEN_EINVAL);
    assert_int_equal(uvm(0x200000 + 0x1000, 0, 0), -XEN_EINVAL);
    snap_assert_same(&s);
}

/* shared_info holds the writable type for good, so, as in Xen, the guest may clear it or
 * copy over it; a pagetable may only be the source. */
static void clear_and_copy_treat_shared_info_as_writable(void **state)
{
    struct aspace a;
    mfn_t shared;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(mm_alloc_shared_frame(D0, &shared), 0);
    F(shared)[3] = 7;
    assert_int_equal(ext(MMUEXT_CLEAR_PAGE, mfn_x(shared), 0), 0);
    assert_int_equal(F(shared)[3], 0);
    assert_int_equal(ext(MMUEXT_COPY_PAGE, mfn_x(shared), mfn_x(a.l1)), 0);
    assert_memory_equal(F(shared), F(a.l1), 4096);
    assert_int_equal(ext(MMUEXT_COPY_PAGE, mfn_x(a.l1), mfn_x(shared)), -XEN_EINVAL);
    assert_int_equal(ext(MMUEXT_CLEAR_PAGE, mfn_x(a.l4), 0), -XEN_EINVAL);
    assert_int_equal(mm_frame_type(shared), MM_TYPE_WRITABLE);
    assert_int_equal(mm_frame_type_count(shared), 1);
}

/* XSA-279: a failed update flushes nothing, so a non-canonical va never reaches invlpg. */
static void xsa279_failed_uvm_flushes_nothing(void **state)
{
    struct aspace a;
    mfn_t theirs = world_alloc(1);
    uint64_t flushes;

    (void)state;
    build_aspace(&a);
    activate(&a);
    flushes = fake_arch.flushes;
    assert_int_equal(uvm(0x0000800000000000ULL, 0, UVMF_INVLPG | UVMF_ALL), -XEN_EINVAL);
    assert_int_equal(uvm(0x1000, PTE(theirs, F_P), UVMF_TLB_FLUSH), -XEN_EBUSY);
    assert_int_equal(fake_arch.flushes, flushes);
    assert_int_equal(fake_arch.invlpgs, 0);
}

static void uvm_flush_scopes(void **state)
{
    struct aspace a;
    uint64_t mask = 1, gva = fake_guest_put(64, &mask, sizeof(mask)), flushes;

    (void)state;
    build_aspace(&a);
    activate(&a);
    flushes = fake_arch.flushes;
    assert_int_equal(uvm(0x2000, 0, UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
    assert_int_equal(uvm(0x3000, 0, UVMF_TLB_FLUSH | UVMF_ALL), 0);
    assert_int_equal(uvm(0x1000, 0, UVMF_TLB_FLUSH | gva), 0);
    assert_int_equal(fake_arch.flushes, flushes + 3);
    assert_int_equal(uvm(0x0000, 0, UVMF_NONE), 0);
    assert_int_equal(uvm(0x4000, 0, UVMF_FLUSHTYPE_MASK), 0);  /* type 3: no flush either */
    assert_int_equal(fake_arch.flushes, flushes + 3);
    assert_int_equal(fake_arch.invlpgs, 0);
}

/* Quirk: the entry is written before the vCPU mask is read, so a bad mask returns -EFAULT
 * with the update done. */
static void uvm_bad_vcpumask_is_efault_after_the_update(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(uvm(0x1000, 0, UVMF_INVLPG | 0x9000), -XEN_EFAULT);
    assert_int_equal(F(a.l1)[1], 0);
}

static long hc(unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

static void uvm_otherdomain_accepts_only_domid_self(void **state)
{
    struct aspace a;

    (void)state;
    build_aspace(&a);
    activate(&a);
    assert_int_equal(hc(__HYPERVISOR_update_va_mapping_otherdomain, 0x1000, 0, 0, 1),
                     -XEN_ESRCH);
    assert_int_equal(hc(__HYPERVISOR_update_va_mapping_otherdomain, 0x1000, 0, 0, 2),
                     -XEN_ESRCH);
    assert_int_not_equal(F(a.l1)[1], 0);
    assert_int_equal(hc(__HYPERVISOR_update_va_mapping_otherdomain, 0x1000, 0, 0, DOMID_SELF),
                     0);
    assert_int_equal(F(a.l1)[1], 0);
}

/* --- hypercall.c: batches, done counts, multicall ---------------------------------------------- */

static long hc(unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    const uint64_t args[6] = { a0, a1, a2, a3, 0, 0 };
    long rc = hypercall_dispatch(nr, args, false);

    check_audit();
    return rc;
}

static unsigned done_at(size_t off)
{
    unsigned v;

    fake_guest_get(off, &v, sizeof(v));
    return v;
}

static void mmu_update_batch_stops_at_the_first_failure(void **state)
{
    struct aspace a;
    mfn_t theirs = world_alloc(1);
    struct mmu_update req[3];
    unsigned sentinel = 77;
    uint64_t reqs, done;

    (void)state;
    build_aspace(&a);
    activate(&a);
    req[0] = (struct mmu_update){ MA(a.l1, 0), 0 };
    req[1] = (struct mmu_update){ MA(a.l1, 1), PTE(theirs, F_P) };
    req[2] = (struct mmu_update){ MA(a.l1, 2), 0 };
    reqs = fake_guest_put(0, req, sizeof(req));
    done = fake_guest_put(1024, &sentinel, sizeof(sentinel));
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 3, done, DOMID_SELF), -XEN_EBUSY);
    assert_int_equal(done_at(1024), 1);
    assert_int_equal(F(a.l1)[0], 0);
    assert_int_not_equal(F(a.l1)[2], 0);
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs + 32, 1, 0, DOMID_SELF), 0);
    assert_int_equal(F(a.l1)[2], 0);
}

/* Quirk (Xen's get_pg_owner): naming yourself by id is -ESRCH, only DOMID_SELF works. */
static void mmu_update_foreign_domid_is_esrch(void **state)
{
    struct aspace a;
    struct mmu_update req;
    unsigned sentinel = 77;
    uint64_t reqs, done;

    (void)state;
    build_aspace(&a);
    activate(&a);
    req = (struct mmu_update){ MA(a.l1, 0), 0 };
    reqs = fake_guest_put(0, &req, sizeof(req));
    done = fake_guest_put(1024, &sentinel, sizeof(sentinel));
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 1, done, 2), -XEN_ESRCH);
    assert_int_equal(done_at(1024), 0);
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 1, 0, 1), -XEN_ESRCH);
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 1, 0, DOMID_IO), -XEN_ESRCH);
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 1, 0, DOMID_SELF | (5u << 16)),
                     -XEN_ESRCH);                    /* pagetables of domain 4 */
    assert_int_equal(hc(__HYPERVISOR_mmuext_op, reqs, 1, 0, 2), -XEN_ESRCH);
    assert_int_not_equal(F(a.l1)[0], 0);
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 1, 0, DOMID_SELF | (2u << 16)), 0);
}

static void batch_with_a_bad_handle_is_efault(void **state)
{
    unsigned sentinel = 77;
    uint64_t done = fake_guest_put(1024, &sentinel, sizeof(sentinel)), reqs;
    struct mmu_update req = { 0, 0 };

    (void)state;
    /* The start of the array in the host's range: refused before anything runs. */
    assert_int_equal(hc(__HYPERVISOR_mmu_update, 0xffff830000000000ULL, 4, done, DOMID_SELF),
                     -XEN_EFAULT);
    assert_int_equal(hc(__HYPERVISOR_mmuext_op, 0xffff830000000000ULL, 4, done, DOMID_SELF),
                     -XEN_EFAULT);
    assert_int_equal(hc(__HYPERVISOR_multicall, 0x0000900000000000ULL, 1, 0, 0), -XEN_EFAULT);
    assert_int_equal(done_at(1024), 77);
    /* An array running off the end of guest memory fails at the element that faults. */
    req.ptr = MA(world_alloc(0), 0) | MMU_MACHPHYS_UPDATE;
    reqs = fake_guest_put(FAKE_GUEST_SIZE - sizeof(req), &req, sizeof(req));
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, 2, done, DOMID_SELF), -XEN_EFAULT);
    assert_int_equal(done_at(1024), 1);
}

static void mmuext_batch_reports_done(void **state)
{
    struct mmuext_op ops[3];
    mfn_t t = world_alloc(0);
    unsigned sentinel = 77;
    uint64_t gops, done;

    (void)state;
    memset(ops, 0, sizeof(ops));
    ops[0].cmd = MMUEXT_PIN_L1_TABLE;
    ops[0].arg1.mfn = mfn_x(t);
    ops[1].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    ops[2].cmd = MMUEXT_PIN_L1_TABLE;              /* twice: -EINVAL */
    ops[2].arg1.mfn = mfn_x(t);
    gops = fake_guest_put(0, ops, sizeof(ops));
    done = fake_guest_put(1024, &sentinel, sizeof(sentinel));
    assert_int_equal(hc(__HYPERVISOR_mmuext_op, gops, 3, done, DOMID_SELF), -XEN_EINVAL);
    assert_int_equal(done_at(1024), 2);
    assert_true(mm_frame_pinned(t));
}

/* --- continuations: a long batch stops when preemption is due and resumes where it stopped */

#define LONG_BATCH 40
#define PREEMPTED_FLAG 0x80000000u

/* The continuation the last preempted call asked for, issued as the guest would re-issue it. */
static long resume(void)
{
    const uint64_t *a = fake_arch.continued_args;

    fake_arch.preempt_at = 0;
    return hc(fake_arch.continued_nr, a[0], a[1], a[2], a[3]);
}

static void mmu_update_is_preempted_and_continued(void **state)
{
    struct mmu_update req[LONG_BATCH];
    mfn_t t = world_alloc(0);
    unsigned sentinel = 77;
    uint64_t reqs, done;

    (void)state;
    for (unsigned i = 0; i < LONG_BATCH; i++)
        req[i] = (struct mmu_update){ MA(t, 0) | MMU_MACHPHYS_UPDATE, i };
    reqs = fake_guest_put(0, req, sizeof(req));
    done = fake_guest_put(4096, &sentinel, sizeof(sentinel));
    fake_arch.preempt_at = 1;                   /* the first check says stop */
    assert_int_equal(hc(__HYPERVISOR_mmu_update, reqs, LONG_BATCH, done, DOMID_SELF),
                     __HYPERVISOR_mmu_update);
    assert_int_equal(fake_arch.continuations, 1);
    assert_int_equal(fake_arch.continued_nr, __HYPERVISOR_mmu_update);
    assert_int_equal(fake_arch.continued_args[0], reqs + 16 * sizeof(req[0]));
    assert_int_equal(fake_arch.continued_args[1], (LONG_BATCH - 16) | PREEMPTED_FLAG);
    assert_int_equal(fake_arch.continued_args[2], done);
    assert_int_equal(done_at(4096), 16);
    assert_int_equal(fake_m2p[mfn_x(t)], 15);  /* the first 16 ran, no more */
    assert_int_equal(resume(), 0);
    assert_int_equal(done_at(4096), LONG_BATCH);
    assert_int_equal(fake_m2p[mfn_x(t)], LONG_BATCH - 1);
}

static void mmuext_op_is_preempted_and_continued(void **state)
{
    struct mmuext_op ops[LONG_BATCH];
    unsigned sentinel = 77;
    uint64_t gops, done, flushes = fake_arch.flushes;

    (void)state;
    memset(ops, 0, sizeof(ops));
    for (unsigned i = 0; i < LONG_BATCH; i++)
        ops[i].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    gops = fake_guest_put(0, ops, sizeof(ops));
    done = fake_guest_put(4096, &sentinel, sizeof(sentinel));
    fake_arch.preempt_at = 2;                   /* the second check (at request 32) */
    assert_int_equal(hc(__HYPERVISOR_mmuext_op, gops, LONG_BATCH, done, DOMID_SELF),
                     __HYPERVISOR_mmuext_op);
    assert_int_equal(done_at(4096), 32);
    assert_int_equal(fake_arch.flushes - flushes, 32);
    assert_int_equal(fake_arch.continued_args[1], (LONG_BATCH - 32) | PREEMPTED_FLAG);
    assert_int_equal(resume(), 0);
    assert_int_equal(done_at(4096), LONG_BATCH);
    assert_int_equal(fake_arch.flushes - flushes, LONG_BATCH);
}

static void put_call(struct multicall_entry *e, unsigned long op, uint64_t a0, uint64_t a1,
                     uint64_t a2, uint64_t a3);

static void multicall_is_preempted_between_entries(void **state)
{
    struct multicall_entry mc[LONG_BATCH];
    uint64_t list;

    (void)state;
    for (unsigned i = 0; i < LONG_BATCH; i++)
        put_call(&mc[i], __HYPERVISOR_xen_version, 0, 0, 0, 0);
    list = fake_guest_put(0, mc, sizeof(mc));
    fake_arch.preempt_at = 1;
    assert_int_equal(hc(__HYPERVISOR_multicall, list, LONG_BATCH, 0, 0), __HYPERVISOR_multicall);
    assert_int_equal(fake_arch.continued_args[0], list + 16 * sizeof(mc[0]));
    assert_int_equal(fake_arch.continued_args[1], LONG_BATCH - 16);
    fake_guest_get(0, mc, sizeof(mc));
    assert_int_equal(mc[15].result, WORLD_XEN_VERSION);
    assert_int_equal(mc[16].result, 0x5a5a);   /* not run yet */
    assert_int_equal(resume(), 0);
    fake_guest_get(0, mc, sizeof(mc));
    for (unsigned i = 0; i < LONG_BATCH; i++)
        assert_int_equal(mc[i].result, WORLD_XEN_VERSION);
}

/* Inside a multicall an entry's own batch is preempted too (Xen's MCSF_call_preempted): its
 * arguments for the rest go back into the guest's entry, which gets no result yet, and the
 * multicall is continued from that entry. */
static void a_long_entry_of_a_multicall_is_preempted_through_the_entry(void **state)
{
    struct mmu_update req[LONG_BATCH];
    struct multicall_entry mc;
    mfn_t t = world_alloc(0);
    uint64_t reqs, list;

    (void)state;
    for (unsigned i = 0; i < LONG_BATCH; i++)
        req[i] = (struct mmu_update){ MA(t, 0) | MMU_MACHPHYS_UPDATE, i };
    reqs = fake_guest_put(0, req, sizeof(req));
    put_call(&mc, __HYPERVISOR_mmu_update, reqs, LONG_BATCH, 0, DOMID_SELF);
    list = fake_guest_put(4096, &mc, sizeof(mc));
    fake_arch.preempt_at = 1;
    assert_int_equal(hc(__HYPERVISOR_multicall, list, 1, 0, 0), __HYPERVISOR_multicall);
    assert_int_equal(fake_arch.continuations, 1);
    assert_int_equal(fake_arch.continued_nr, __HYPERVISOR_multicall);
    assert_int_equal(fake_arch.continued_args[0], list);
    assert_int_equal(fake_arch.continued_args[1], 1);
    fake_guest_get(4096, &mc, sizeof(mc));
    assert_int_equal(mc.result, 0x5a5a);                       /* not finished yet */
    assert_int_equal(mc.args[0], reqs + 16 * sizeof(req[0]));
    assert_int_equal(mc.args[1], (LONG_BATCH - 16) | PREEMPTED_FLAG);
    assert_int_equal(fake_m2p[mfn_x(t)], 15);                 /* the first 16 ran, no more */
    assert_int_equal(resume(), 0);
    fake_guest_get(4096, &mc, sizeof(mc));
    assert_int_equal(mc.result, 0);
    assert_int_equal(fake_m2p[mfn_x(t)], LONG_BATCH - 1);
}

/* A request that validated a pagetable may have walked a whole tree: the check comes right
 * after it, not 16 requests later. */
static void a_pin_is_followed_by_a_preemption_check(void **state)
{
    struct mmuext_op ops[4];
    mfn_t t[4];
    unsigned sentinel = 77;
    uint64_t gops, done;

    (void)state;
    memset(ops, 0, sizeof(ops));
    for (unsigned i = 0; i < 4; i++) {
        t[i] = world_alloc(0);
        ops[i].cmd = MMUEXT_PIN_L1_TABLE;
        ops[i].arg1.mfn = mfn_x(t[i]);
    }
    gops = fake_guest_put(0, ops, sizeof(ops));
    done = fake_guest_put(1024, &sentinel, sizeof(sentinel));
    fake_arch.preempt_at = 1;
    assert_int_equal(hc(__HYPERVISOR_mmuext_op, gops, 4, done, DOMID_SELF),
                     __HYPERVISOR_mmuext_op);
    assert_int_equal(done_at(1024), 1);
    assert_true(mm_frame_pinned(t[0]));
    assert_false(mm_frame_pinned(t[1]));
    assert_int_equal(fake_arch.continued_args[0], gops + sizeof(ops[0]));
    assert_int_equal(fake_arch.continued_args[1], 3 | PREEMPTED_FLAG);
    assert_int_equal(resume(), 0);
    assert_int_equal(done_at(1024), 4);
    for (unsigned i = 0; i < 4; i++)
        assert_true(mm_frame_pinned(t[i]));
}

static void put_call(struct multicall_entry *e, unsigned long op, uint64_t a0, uint64_t a1,
                     uint64_t a2, uint64_t a3)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->result = 0x5a5a;                            /* must be overwritten iff the entry ran */
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->args[3] = a3;
}

static void multicall_writes_every_result_and_continues_past_failures(void **state)
{
    struct aspace a;
    mfn_t theirs = world_alloc(1);
    struct multicall_entry mc[4];
    uint64_t list;

    (void)state;
    build_aspace(&a);
    activate(&a);
    put_call(&mc[0], __HYPERVISOR_xen_version, 0, 0, 0, 0);
    put_call(&mc[1], __HYPERVISOR_update_va_mapping, 0x1000, PTE(theirs, F_P), 0, 0);
    put_call(&mc[2], __HYPERVISOR_update_va_mapping, 0x2000, 0, UVMF_INVLPG, 0);
    put_call(&mc[3], 9999, 0, 0, 0, 0);
    list = fake_guest_put(0, mc, sizeof(mc));
    assert_int_equal(hc(__HYPERVISOR_multicall, list, 4, 0, 0), 0);
    fake_guest_get(0, mc, sizeof(mc));
    assert_int_equal(mc[0].result, WORLD_XEN_VERSION);
    assert_int_equal((long)mc[1].result, -XEN_EBUSY);
    assert_int_equal(mc[2].result, 0);
    assert_int_equal((long)mc[3].result, -XEN_ENOSYS);
    assert_int_equal(F(a.l1)[2], 0);
}

/* Xen: "multicall reentry is disallowed" is that entry's -EINVAL; the batch goes on. */
static void nested_multicall_is_einval_and_the_batch_goes_on(void **state)
{
    struct multicall_entry mc[3];
    uint64_t list;

    (void)state;
    put_call(&mc[0], __HYPERVISOR_multicall, FAKE_GUEST_VA + 512, 1, 0, 0);
    put_call(&mc[1], __HYPERVISOR_xen_version, 0, 0, 0, 0);
    put_call(&mc[2], __HYPERVISOR_mmuext_op, FAKE_GUEST_VA + 2048, 0, 0, DOMID_SELF);
    list = fake_guest_put(0, mc, sizeof(mc));
    assert_int_equal(hc(__HYPERVISOR_multicall, list, 3, 0, 0), 0);
    fake_guest_get(0, mc, sizeof(mc));
    assert_int_equal((long)mc[0].result, -XEN_EINVAL);
    assert_int_equal(mc[1].result, WORLD_XEN_VERSION);
    assert_int_equal(mc[2].result, 0);
}

/* XSA-213: nothing in a batch may run after an iret entry. */
static void xsa213_iret_in_a_multicall_ends_the_batch(void **state)
{
    struct multicall_entry mc[3];
    uint64_t list, flushes = fake_arch.flushes;

    (void)state;
    put_call(&mc[0], __HYPERVISOR_xen_version, 0, 0, 0, 0);
    put_call(&mc[1], __HYPERVISOR_iret, 0, 0, 0, 0);
    put_call(&mc[2], __HYPERVISOR_mmuext_op, FAKE_GUEST_VA + 2048, 1, 0, DOMID_SELF);
    {
        struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

        fake_guest_put(2048, &flush, sizeof(flush));
    }
    list = fake_guest_put(0, mc, sizeof(mc));
    assert_int_equal(hc(__HYPERVISOR_multicall, list, 3, 0, 0), -XEN_EINVAL);
    fake_guest_get(0, mc, sizeof(mc));
    assert_int_equal(mc[0].result, WORLD_XEN_VERSION);
    assert_int_equal((long)mc[1].result, -XEN_EINVAL);
    assert_int_equal(mc[2].result, 0x5a5a);          /* never ran */
    assert_int_equal(fake_arch.flushes, flushes);
}

static void multicall_list_running_off_memory_is_efault(void **state)
{
    struct multicall_entry mc;
    uint64_t list;

    (void)state;
    put_call(&mc, __HYPERVISOR_xen_version, 0, 0, 0, 0);
    list = fake_guest_put(FAKE_GUEST_SIZE - sizeof(mc), &mc, sizeof(mc));
    assert_int_equal(hc(__HYPERVISOR_multicall, list, 2, 0, 0), -XEN_EFAULT);
    fake_guest_get(FAKE_GUEST_SIZE - sizeof(mc), &mc, sizeof(mc));
    assert_int_equal(mc.result, WORLD_XEN_VERSION);
}

#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)

int run_ops_tests(void);
int run_ops_tests(void)
{
    const struct CMUnitTest tests[] = {
        T(mmu_update_moves_references_from_old_to_new_entry),
        T(mmu_update_of_a_frame_not_owned_is_einval),
        T(mmu_update_refusals_change_nothing),
        T(mmu_update_on_a_data_frame_is_a_plain_store),
        T(mmu_update_plain_store_refused_on_a_descriptor_table),
        T(mmu_update_preserve_ad_keeps_accessed_dirty),
        T(mmu_update_no_translate_is_enosys),
        T(machphys_update_sets_m2p_for_own_frames_only),
        T(mmu_update_flushes_only_for_upper_levels),
        T(tlb_flush_ops_flush),
        T(xsa279_noncanonical_invlpg_is_ignored),
        T(invlpg_scopes_treat_the_host_range_differently),
        T(multi_ops_with_a_bad_vcpumask_are_einval),
        T(clear_page_needs_a_writable_frame_of_ours),
        T(copy_page_reads_any_own_frame_writes_only_writable),
        T(set_ldt_checks_its_arguments),
        T(unsupported_mmuext_commands),
        T(uvm_rewrites_the_l1_entry_of_va),
        T(uvm_without_an_l1_for_va_is_einval),
        T(uvm_through_a_linear_entry_is_einval),
        T(clear_and_copy_treat_shared_info_as_writable),
        T(xsa279_failed_uvm_flushes_nothing),
        T(uvm_flush_scopes),
        T(uvm_bad_vcpumask_is_efault_after_the_update),
        T(uvm_otherdomain_accepts_only_domid_self),
        T(mmu_update_batch_stops_at_the_first_failure),
        T(mmu_update_foreign_domid_is_esrch),
        T(batch_with_a_bad_handle_is_efault),
        T(mmuext_batch_reports_done),
        T(multicall_writes_every_result_and_continues_past_failures),
        T(nested_multicall_is_einval_and_the_batch_goes_on),
        T(xsa213_iret_in_a_multicall_ends_the_batch),
        T(multicall_list_running_off_memory_is_efault),
        T(mmu_update_is_preempted_and_continued),
        T(mmuext_op_is_preempted_and_continued),
        T(multicall_is_preempted_between_entries),
        T(a_long_entry_of_a_multicall_is_preempted_through_the_entry),
        T(a_pin_is_followed_by_a_preemption_check),
    };

    return cmocka_run_group_tests_name("mm hypercalls", tests, NULL, NULL);
}
