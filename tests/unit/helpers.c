/*
 * The mm unit-test helpers of mmtest.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmtest.h"

void check_audit(void)
{
    char why[200];

    if (world_audit(why, sizeof(why)) != 0)
        fail_msg("audit: %s", why);
    if (fake_tlb_check(why, sizeof(why)) != 0)
        fail_msg("%s", why);
    if (fake_arch.maps != 0)
        fail_msg("%ld frame mappings left open", fake_arch.maps);
}

int ext(unsigned cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    rc = mm_mmuext_op_one(D0, V0, &op);
    check_audit();
    return rc;
}

int mmu(uint64_t ptr, uint64_t val)
{
    int rc = mm_mmu_update_one(D0, V0, ptr, val);

    check_audit();
    return rc;
}

int uvm(uint64_t va, uint64_t val, uint64_t flags)
{
    int rc = mm_update_va_mapping(D0, V0, va, val, flags);

    check_audit();
    return rc;
}

int pin(unsigned level, mfn_t m)
{
    return ext(MMUEXT_PIN_L1_TABLE + level - 1, mfn_x(m), 0);
}

int unpin(mfn_t m)
{
    return ext(MMUEXT_UNPIN_TABLE, mfn_x(m), 0);
}

void build_aspace(struct aspace *a)
{
    unsigned i;

    a->l4 = world_alloc(0);
    a->l3 = world_alloc(0);
    a->l2 = world_alloc(0);
    a->l1 = world_alloc(0);
    for (i = 0; i < 4; i++)
        a->data[i] = world_alloc(0);
    F(a->l4)[0] = PTE(a->l3, F_P | F_RW);
    F(a->l3)[0] = PTE(a->l2, F_P | F_RW);
    F(a->l2)[0] = PTE(a->l1, F_P | F_RW);
    for (i = 0; i < 4; i++)
        F(a->l1)[i] = PTE(a->data[i], F_P | F_RW);
    F(a->l1)[4] = PTE(a->l4, F_P);
    F(a->l1)[5] = PTE(a->l3, F_P);
    F(a->l1)[6] = PTE(a->l2, F_P);
    F(a->l1)[7] = PTE(a->l1, F_P);
}

void activate(struct aspace *a)
{
    assert_int_equal(pin(4, a->l4), 0);
    assert_int_equal(ext(MMUEXT_NEW_BASEPTR, mfn_x(a->l4), 0), 0);
}

void snap_take(struct snap *s)
{
    uint64_t i;

    check_audit();
    for (i = 0; i < FAKE_FRAMES; i++)
        mm_frame_state(_mfn(i), &s->frames[i]);
    s->mem = malloc(sizeof(fake_mem));
    assert_non_null(s->mem);
    memcpy(s->mem, fake_mem, sizeof(fake_mem));
    memcpy(s->m2p, fake_m2p, sizeof(fake_m2p));
    s->v0 = *V0;
    s->tot0 = D0->tot_pages;
    s->tot1 = D1->tot_pages;
}

void snap_assert_same(struct snap *s)
{
    bool same_mem = memcmp(s->mem, fake_mem, sizeof(fake_mem)) == 0;
    uint64_t i;

    free(s->mem);
    assert_true(same_mem);
    for (i = 0; i < FAKE_FRAMES; i++) {
        struct mm_frame_state now;

        mm_frame_state(_mfn(i), &now);
        assert_ptr_equal(now.owner, s->frames[i].owner);
        assert_int_equal(now.count, s->frames[i].count);
        assert_int_equal(now.type_count, s->frames[i].type_count);
        assert_int_equal(now.type, s->frames[i].type);
        assert_int_equal(now.pinned, s->frames[i].pinned);
    }
    assert_memory_equal(s->m2p, fake_m2p, sizeof(fake_m2p));
    assert_memory_equal(&s->v0, V0, sizeof(*V0));
    assert_int_equal(s->tot0, D0->tot_pages);
    assert_int_equal(s->tot1, D1->tot_pages);
}

int world_setup(void **state)
{
    (void)state;
    world_init();
    return 0;
}

int world_teardown(void **state)
{
    (void)state;
    world_fini();
    return 0;
}
