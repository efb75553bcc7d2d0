/*
 * libFuzzer harness for the direct-paging core: each input is decoded as a sequence of guest
 * actions -- mmu_update, mmuext_op, update_va_mapping, multicall batches (iret and nested
 * multicalls included), and raw guest writes to frames the guest could write -- against a
 * small simulated domain with a pinned, loaded address space and a second domain that owns
 * "foreign" frames; the host side may hold some frames as descriptor tables meanwhile, and
 * the guest touches memory through a modelled TLB.  After every action the audit and the
 * stale-TLB check must pass; at the end both domains are torn
 * down and every frame must be free again.  Any violation aborts with the reason.
 *
 * Trust: the input is the guest.  Nothing it decodes to may crash the host code (ASan/UBSan
 * watch the memory) or leave the frame table inconsistent (the audit watches the state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/xen.h>
#include <public/errno.h>
#include "hypercall.h"
#include "world.h"

struct input {
    const uint8_t *p;
    size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes && in->left > 0; i++, in->left--)
        v |= (uint64_t)*in->p++ << (8 * i);
    return v;
}

#define NR_OWN 32
static mfn_t own[NR_OWN];       /* domain 0's frames: the address space first, then spares */
static mfn_t foreign[4];        /* domain 1's */
static mfn_t gdt[4];            /* frames the "host" holds as descriptor tables (seg_desc) */
static unsigned nr_gdt;

/* A frame number a guest might name: mostly its own, sometimes anything else. */
static uint64_t pick_mfn(struct input *in)
{
    uint8_t k = (uint8_t)take(in, 1);

    if (k < 192)
        return mfn_x(own[k % NR_OWN]);
    switch (k % 8) {
    case 0: return mfn_x(foreign[k % 4]);
    case 1: return mfn_x(W.host[k % 4]);
    case 2: return k % WORLD_NOT_RAM;                    /* not RAM */
    case 3: return FAKE_FRAMES - 1;                      /* still free */
    case 4: return FAKE_FRAMES + k;                      /* beyond the frame table */
    case 5: return 0xffffffffffULL;                      /* Xen's all-ones address */
    default: return take(in, 5);
    }
}

/* An entry value: a frame and flags, biased to the bits the rules care about. */
static uint64_t pick_pte(struct input *in)
{
    static const uint64_t high[] = { 0, 1ULL << 63, 1ULL << 52, 0x7ffULL << 52, 1ULL << 62 };
    uint64_t mfn = pick_mfn(in), low = take(in, 2) & 0xfff;

    if (take(in, 1) & 1)
        low = (low & ~0x198ULL) | 1;                     /* a plausible, allowed entry */
    return ((mfn << 12) & 0x000ffffffffff000ULL) | low | high[take(in, 1) % 5];
}

/* A virtual address: the mapped region, the tables, other slots, the host's, non-canonical. */
static uint64_t pick_va(struct input *in)
{
    static const uint64_t base[] = {
        0x0, 0x200000, 0x40000000, 0x8000000000ULL, 0xffff800000000000ULL,
        0xffff880000000000ULL, 0xffffffff80000000ULL, 0x0000800000000000ULL,
        0x8000000000000000ULL,
    };
    uint8_t k = (uint8_t)take(in, 1);

    if (k < 128)
        return (uint64_t)(k % 16) << 12;
    return base[k % 9] + ((take(in, 2) & 0x1ff) << 12);
}

/* A vCPU mask handle: readable, or not. */
static uint64_t pick_mask(struct input *in)
{
    uint64_t one = 1;

    if (take(in, 1) & 1)
        return 0x9000;
    return fake_guest_put(FAKE_GUEST_SIZE - 8, &one, sizeof(one));
}

static void audit_or_die(const char *after)
{
    char why[200];

    if (world_audit(why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz: invariant violated after %s: %s\n", after, why);
        abort();
    }
    if (fake_tlb_check(why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz: invariant violated after %s: %s\n", after, why);
        abort();
    }
    if (fake_arch.maps != 0) {
        fprintf(stderr, "fuzz: %ld frame mappings left open after %s\n", fake_arch.maps, after);
        abort();
    }
}

static long call(unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    const uint64_t args[6] = { a0, a1, a2, a3, 0, 0 };

    return hypercall_dispatch(nr, args, false);
}

static void fill_mmuext(struct input *in, struct mmuext_op *op)
{
    memset(op, 0, sizeof(*op));
    op->cmd = (unsigned)take(in, 1) % 22;
    switch (op->cmd) {
    case MMUEXT_INVLPG_LOCAL: case MMUEXT_INVLPG_MULTI: case MMUEXT_INVLPG_ALL:
    case MMUEXT_SET_LDT:
        op->arg1.linear_addr = pick_va(in) + (take(in, 1) & 1 ? 8 : 0);
        break;
    default:
        op->arg1.mfn = (take(in, 1) % 8 == 0) ? 0 : pick_mfn(in);
    }
    if (op->cmd == MMUEXT_SET_LDT)
        op->arg2.nr_ents = (unsigned)take(in, 2);
    else if (op->cmd == MMUEXT_COPY_PAGE)
        op->arg2.src_mfn = pick_mfn(in);
    else
        op->arg2.src_mfn = pick_mask(in);
}

/* One guest action, decoded from the input. */
static void step(struct input *in)
{
    uint8_t what = (uint8_t)take(in, 1);
    struct mmu_update req[4];
    struct mmuext_op op;
    struct multicall_entry mc[4];
    unsigned i, n;

    switch (what % 11) {
    case 0: case 1: {                                     /* one mmu_update */
        uint64_t table = pick_mfn(in), cmd = take(in, 1);
        uint64_t ptr = (table << 12) | ((take(in, 2) & 511) << 3);

        ptr |= (cmd % 8 == 0) ? (cmd >> 3) % 4 : MMU_NORMAL_PT_UPDATE;
        (void)mm_mmu_update_one(&W.dom[0].mm, &W.vcpu[0].mm, ptr,
                                (ptr & 3) == MMU_MACHPHYS_UPDATE ? take(in, 8) : pick_pte(in));
        break;
    }
    case 2: case 3:                                       /* one mmuext_op */
        fill_mmuext(in, &op);
        (void)mm_mmuext_op_one(&W.dom[0].mm, &W.vcpu[0].mm, &op);
        break;
    case 4: {                                             /* update_va_mapping */
        uint64_t va = pick_va(in), val = pick_pte(in), flags = take(in, 1) % 8;

        if (flags & 4)
            flags = (flags & 3) | (take(in, 1) & 1 ? UVMF_ALL : pick_mask(in));
        (void)call(__HYPERVISOR_update_va_mapping, va, val, flags, 0);
        break;
    }
    case 5: {                                             /* an mmu_update batch */
        uint64_t done = FAKE_GUEST_VA + 4096;

        n = (unsigned)take(in, 1) % 5;
        for (i = 0; i < 4; i++)
            req[i] = (struct mmu_update){ (pick_mfn(in) << 12) | ((take(in, 2) & 511) << 3),
                                          pick_pte(in) };
        (void)call(__HYPERVISOR_mmu_update, fake_guest_put(0, req, sizeof(req)), n,
                   take(in, 1) & 1 ? done : 0, take(in, 1) % 16 == 0 ? 1 : DOMID_SELF);
        break;
    }
    case 6: {                                             /* a multicall */
        n = (unsigned)take(in, 1) % 5;
        for (i = 0; i < 4; i++) {
            memset(&mc[i], 0, sizeof(mc[i]));
            switch (take(in, 1) % 6) {
            case 0:
                mc[i].op = __HYPERVISOR_update_va_mapping;
                mc[i].args[0] = pick_va(in);
                mc[i].args[1] = pick_pte(in);
                mc[i].args[2] = take(in, 1) % 4;
                break;
            case 1:
                fill_mmuext(in, &op);
                mc[i].op = __HYPERVISOR_mmuext_op;
                mc[i].args[0] = fake_guest_put(2048 + 64 * i, &op, sizeof(op));
                mc[i].args[1] = 1;
                mc[i].args[3] = DOMID_SELF;
                break;
            case 2:
                req[i] = (struct mmu_update){ (pick_mfn(in) << 12) | ((take(in, 2) & 511) << 3),
                                              pick_pte(in) };
                mc[i].op = __HYPERVISOR_mmu_update;
                mc[i].args[0] = fake_guest_put(3072 + 16 * i, &req[i], sizeof(req[i]));
                mc[i].args[1] = 1;
                mc[i].args[3] = DOMID_SELF;
                break;
            case 3:
                mc[i].op = __HYPERVISOR_iret;
                break;
            case 4:
                mc[i].op = __HYPERVISOR_multicall;
                mc[i].args[0] = FAKE_GUEST_VA;
                mc[i].args[1] = 1;
                break;
            default:
                mc[i].op = take(in, 1);
            }
        }
        (void)call(__HYPERVISOR_multicall, fake_guest_put(0, mc, sizeof(mc)), n, 0, 0);
        break;
    }
    case 7: {                                             /* the host takes or drops a GDT */
        mfn_t m = _mfn(pick_mfn(in));

        if (nr_gdt > 0 && (take(in, 1) & 1))
            mm_put_page_and_type(gdt[--nr_gdt]);
        else if (nr_gdt < 4 && mm_get_page_and_type(&W.dom[0].mm, m, MM_TYPE_SEG_DESC) == 0)
            gdt[nr_gdt++] = m;
        break;
    }
    case 8: {                                             /* the guest writes a frame */
        mfn_t m = own[take(in, 1) % NR_OWN];
        struct mm_frame_state st;

        mm_frame_state(m, &st);
        /* Only frames it could hold a writable mapping of: not an in-use table or GDT. */
        if (st.type_count == 0 || st.type == MM_TYPE_WRITABLE)
            fake_frame(m)[take(in, 2) & 511] = pick_pte(in);
        break;
    }
    case 10:                                              /* the guest touches memory */
        for (i = 0; i < 4; i++)
            fake_tlb_touch(pick_va(in));
        break;
    default: {                                            /* pin or unpin, the common pair */
        uint64_t m = pick_mfn(in), k = take(in, 1) % 5;

        memset(&op, 0, sizeof(op));
        op.cmd = k < 4 ? MMUEXT_PIN_L1_TABLE + (unsigned)k : MMUEXT_UNPIN_TABLE;
        op.arg1.mfn = m;
        (void)mm_mmuext_op_one(&W.dom[0].mm, &W.vcpu[0].mm, &op);
    }
    }
}

/* The starting point: L4 -> L3 -> L2 -> L1 mapping four data frames and the tables
 * themselves (read-only), pinned and loaded; the rest of the frames blank. */
static void setup(void)
{
    unsigned i;

    world_init();
    nr_gdt = 0;
    for (i = 0; i < NR_OWN - 1; i++)
        own[i] = world_alloc(0);
    if (mm_alloc_shared_frame(&W.dom[0].mm, &own[NR_OWN - 1]) != 0)   /* its shared_info */
        abort();
    for (i = 0; i < 4; i++)
        foreign[i] = world_alloc(1);
    fake_frame(own[0])[0] = (mfn_x(own[1]) << 12) | 3;
    fake_frame(own[1])[0] = (mfn_x(own[2]) << 12) | 3;
    fake_frame(own[2])[0] = (mfn_x(own[3]) << 12) | 3;
    for (i = 0; i < 4; i++) {
        fake_frame(own[3])[i] = (mfn_x(own[4 + i]) << 12) | 3;
        fake_frame(own[3])[4 + i] = (mfn_x(own[i]) << 12) | 1;
    }
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE };
    op.arg1.mfn = mfn_x(own[0]);
    if (mm_mmuext_op_one(&W.dom[0].mm, &W.vcpu[0].mm, &op) != 0)
        abort();
    op.cmd = MMUEXT_NEW_BASEPTR;
    if (mm_mmuext_op_one(&W.dom[0].mm, &W.vcpu[0].mm, &op) != 0)
        abort();
    audit_or_die("setup");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    uint64_t free_at_start;
    unsigned steps = 0;

    setup();
    free_at_start = mm_free_frames() + W.dom[0].mm.tot_pages + W.dom[1].mm.tot_pages;
    while (in.left > 0 && steps++ < 64) {
        step(&in);
        audit_or_die("a guest action");
    }
    while (nr_gdt > 0)                                   /* the host lets go first */
        mm_put_page_and_type(gdt[--nr_gdt]);
    mm_domain_teardown(&W.dom[0].mm);
    mm_domain_teardown(&W.dom[1].mm);
    audit_or_die("teardown");
    if (W.dom[0].mm.tot_pages != 0 || W.dom[1].mm.tot_pages != 0 ||
        mm_free_frames() != free_at_start) {
        fprintf(stderr, "fuzz: teardown left %llu frames allocated\n",
                (unsigned long long)(free_at_start - mm_free_frames()));
        abort();
    }
    return 0;
}
