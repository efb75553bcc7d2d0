/*
 * Hypotheses (descriptor tables: set_gdt, update_descriptor, MMUEXT_SET_LDT):
 *
 * ex-gdt-set: set_gdt takes frames the guest owns, which then take the seg_desc type: a
 *   frame mapped writable is refused (-EINVAL) and, once it is a GDT frame, a writable
 *   mapping of it is refused (-EBUSY).  A DPL-0 code descriptor in it is not refused: its
 *   DPL is raised to 3 in the guest's frame.  Selectors of the new GDT load (%fs = 0x0b);
 *   one beyond `entries` is #GP(index).  More than 14 pages of entries is -EINVAL.
 *   set_gdt with 0 entries drops the frames (a writable mapping is allowed again) and
 *   the selector no longer loads.
 *
 * ex-gdt-descriptors: every descriptor is checked as Xen's check_descriptor does, by
 *   update_descriptor on a frame of ours: code and data segments of any DPL are accepted,
 *   DPL 0 raised to 3; a 64-bit call gate whose target is a guest code selector is accepted
 *   with its DPL forced to 0 and the original DPL kept in the target's RPL (so that using
 *   it traps, to be emulated); a call gate to one of Xen's own selectors, a TSS, an LDT
 *   descriptor and an interrupt gate are refused (-EINVAL) and leave the slot unchanged;
 *   anything not present, and type 0 (the upper half of a gate), is accepted.  set_gdt of a
 *   frame holding a call gate to Xen's code is refused (-EINVAL).
 *
 * ex-update-descriptor-frames: update_descriptor refuses an address not 8-byte aligned, a
 *   frame the guest does not own and a pagetable frame (-EINVAL); on a frame in use as the
 *   GDT it is the way to change a descriptor, and the change takes effect.
 *
 * ex-ldt-load: MMUEXT_SET_LDT installs an LDT that the CPU uses: a selector with TI set
 *   (0x0f, entry 1) loads; one beyond nr_ents is #GP(its index | TI).  The hypervisor maps
 *   the LDT frame lazily, at the first use: before it, the frame may still be mapped
 *   writable; after it, a writable mapping is refused (-EBUSY) until SET_LDT(0, 0), after
 *   which the LDT selector no longer loads.
 */
#include "pvexec.h"

#define DESC_DATA3   0x00cff2000000ffffULL   /* flat data, DPL 3 */
#define DESC_CODE3   0x00affa000000ffffULL   /* 64-bit code, DPL 3 */
#define DESC_CODE0   0x00af9a000000ffffULL   /* 64-bit code, DPL 0 */
#define DESC_DPL_MASK (3ULL << 45)

/* A 64-bit call gate (low half) to sel:0x1000, DPL dpl. */
static uint64_t call_gate(uint64_t sel, unsigned dpl)
{
    return 0x1000ULL | (sel << 16) | ((0x8c00ULL | ((uint64_t)dpl << 13)) << 32);
}

static uint64_t desc_maddr(mfn_t m, unsigned index)
{
    return (m.v << PAGE_SHIFT) + index * 8;
}

/* Load %fs with sel in kernel mode: the selector read back, or ~0 with *r = the fault. */
static uint64_t load_fs(uint64_t sel, struct pvx_record *r)
{
    uint64_t v = 0;
    return kcall(k_load_fs, sel, 0, &v, r) ? v : ~0ULL;
}

static void expect_load_gp(struct xtf_result *res, const char *what, uint64_t sel,
                           uint64_t ec)
{
    struct pvx_record r;
    struct xframe f;
    char buf[96];

    if (load_fs(sel, &r) != ~0ULL) {
        xtf_failure(res, "%s: selector %#lx loaded", what, sel);
        return;
    }
    if (!ex_kind(res, what, &r, 13))
        return;
    xframe_decode(&r, true, false, &f);
    snprintf(buf, sizeof(buf), "%s: error code", what);
    ex_eq(res, buf, f.ec, ec);
}

XTF_TEST(ex_gdt_set, "ex-gdt-set",
         "set_gdt: owned read-only frames become seg_desc; its selectors load; limits hold")
{
    struct page g;
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS) || !page_new(res, &g))
        return;
    g.va[1] = DESC_DATA3;
    g.va[2] = DESC_CODE3;
    g.va[3] = DESC_CODE0;
    unsigned long frames[1] = { g.mfn.v };
    xtf_expect_rc(res, "set_gdt of a frame mapped writable", HYPERVISOR_set_gdt(frames, 512),
                  -XEN_EINVAL);
    if (!xtf_expect_rc(res, "map it read-only", remap(g.va, g.mfn, PTE_RDONLY), 0) ||
        !xtf_expect_rc(res, "set_gdt", HYPERVISOR_set_gdt(frames, 512), 0))
        return;
    ex_eq(res, "DPL-0 code descriptor after set_gdt (DPL raised)", peek(&g.va[3]), DESC_CODE3);
    xtf_expect_rc(res, "writable mapping of a GDT frame", remap(g.va, g.mfn, PTE_DATA),
                  -XEN_EBUSY);
    ex_eq(res, "load %fs = 0x0b (GDT entry 1)", load_fs(0x0b, &r), 0x0b);
    expect_load_gp(res, "load %fs = 0x1003 (entry 512, beyond the limit)", 0x1003, 0x1000);
    xtf_expect_rc(res, "set_gdt of more than 14 pages of entries",
                  HYPERVISOR_set_gdt(frames, 14 * 512 + 1), -XEN_EINVAL);
    ex_eq(res, "%fs still loads after the refusal", load_fs(0x0b, &r), 0x0b);
    load_fs(0, &r);
    xtf_expect_rc(res, "set_gdt with 0 entries", HYPERVISOR_set_gdt(frames, 0), 0);
    xtf_expect_rc(res, "writable mapping after the GDT is gone", remap(g.va, g.mfn, PTE_DATA),
                  0);
    expect_load_gp(res, "load %fs = 0x0b with no guest GDT", 0x0b, 0x08);
    xtf_success(res);
}

/* update_descriptor of slot `i` of frame p to d: expect rc, and then the slot to hold `want`. */
static void upd(struct xtf_result *res, const char *what, const struct page *p, unsigned i,
                uint64_t d, long rc_want, uint64_t want)
{
    char buf[96];
    poke(&p->va[i], 0x1234);
    long rc = HYPERVISOR_update_descriptor(desc_maddr(p->mfn, i), d);
    snprintf(buf, sizeof(buf), "update_descriptor: %s", what);
    xtf_expect_rc(res, buf, rc, rc_want);
    snprintf(buf, sizeof(buf), "slot after update_descriptor: %s", what);
    ex_eq(res, buf, peek(&p->va[i]), rc_want ? 0x1234 : want);
}

XTF_TEST(ex_gdt_descriptors, "ex-gdt-descriptors",
         "descriptors are checked as Xen does: call gates to guest code and DPL 0 are fixed up")
{
    struct page p, g;

    if (!pvexec_need(res, NEED_SHINFO) || !page_new(res, &p) || !page_new(res, &g))
        return;
    upd(res, "data DPL 3", &p, 1, DESC_DATA3, 0, DESC_DATA3);
    upd(res, "code DPL 0", &p, 2, DESC_CODE0, 0, DESC_CODE3);
    upd(res, "call gate DPL 3 to 0xe033", &p, 3, call_gate(0xe033, 3), 0,
        call_gate(0xe033, 0));
    upd(res, "call gate DPL 3 to GDT 0x10", &p, 4, call_gate(0x10, 3), 0,
        call_gate(0x13, 0));
    upd(res, "call gate to Xen's 0xe008", &p, 5, call_gate(0xe008, 3), -XEN_EINVAL, 0);
    upd(res, "TSS", &p, 6, 0x0000e90000000067ULL, -XEN_EINVAL, 0);
    upd(res, "LDT descriptor", &p, 6, 0x0000e20000000067ULL, -XEN_EINVAL, 0);
    upd(res, "interrupt gate", &p, 6, (0xee00ULL << 32) | (0xe033ULL << 16), -XEN_EINVAL, 0);
    upd(res, "TSS, not present", &p, 7, 0x0000690000000067ULL, 0, 0x0000690000000067ULL);
    upd(res, "type 0 (a gate's upper half)", &p, 8, 0xffffffffULL, 0, 0xffffffffULL);

    g.va[1] = call_gate(0xe008, 3);
    unsigned long frames[1] = { g.mfn.v };
    if (xtf_expect_rc(res, "map the GDT frame read-only", remap(g.va, g.mfn, PTE_RDONLY), 0))
        xtf_expect_rc(res, "set_gdt with a call gate to Xen's code",
                      HYPERVISOR_set_gdt(frames, 512), -XEN_EINVAL);
    xtf_expect_rc(res, "writable again after the refusal", remap(g.va, g.mfn, PTE_DATA), 0);
    xtf_success(res);
}

XTF_TEST(ex_update_descriptor_frames, "ex-update-descriptor-frames",
         "update_descriptor refuses misaligned, foreign and pagetable frames; works on the GDT")
{
    struct page g, t;
    struct pvx_record r;
    mfn_t foreign;

    if (!pvexec_need(res, NEED_TRAPS) || !page_new(res, &g) || !table_new(res, &t))
        return;
    if (!mm_foreign_mfn(&foreign)) {
        xtf_error(res, "no foreign frame found");
        return;
    }
    xtf_expect_rc(res, "misaligned address",
                  HYPERVISOR_update_descriptor(desc_maddr(g.mfn, 1) + 1, DESC_DATA3),
                  -XEN_EINVAL);
    xtf_expect_rc(res, "a frame that is not ours",
                  HYPERVISOR_update_descriptor(desc_maddr(foreign, 1), DESC_DATA3), -XEN_EINVAL);
    if (xtf_expect_rc(res, "pin an L1", mmuext1(MMUEXT_PIN_L1_TABLE, t.mfn.v, 0), 0)) {
        xtf_expect_rc(res, "a pagetable frame",
                      HYPERVISOR_update_descriptor(desc_maddr(t.mfn, 1), DESC_DATA3),
                      -XEN_EINVAL);
        xtf_expect_rc(res, "unpin", mmuext1(MMUEXT_UNPIN_TABLE, t.mfn.v, 0), 0);
    }
    unsigned long frames[1] = { g.mfn.v };
    if (!xtf_expect_rc(res, "map the GDT frame read-only", remap(g.va, g.mfn, PTE_RDONLY), 0) ||
        !xtf_expect_rc(res, "set_gdt", HYPERVISOR_set_gdt(frames, 512), 0))
        return;
    expect_load_gp(res, "load %fs = 0x0b (entry 1 empty)", 0x0b, 0x08);
    xtf_expect_rc(res, "update_descriptor on the live GDT",
                  HYPERVISOR_update_descriptor(desc_maddr(g.mfn, 1), DESC_DATA3), 0);
    ex_eq(res, "load %fs = 0x0b after the update", load_fs(0x0b, &r), 0x0b);
    load_fs(0, &r);
    xtf_expect_rc(res, "set_gdt with 0 entries", HYPERVISOR_set_gdt(frames, 0), 0);
    xtf_success(res);
}

XTF_TEST(ex_ldt_load, "ex-ldt-load",
         "MMUEXT_SET_LDT installs an LDT the CPU uses, mapped lazily at first use")
{
    struct page l;
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS) || !page_new(res, &l))
        return;
    l.va[1] = DESC_DATA3;
    if (!xtf_expect_rc(res, "map the LDT frame read-only", remap(l.va, l.mfn, PTE_RDONLY), 0) ||
        !xtf_expect_rc(res, "SET_LDT", mmuext1(MMUEXT_SET_LDT, (uint64_t)l.va, 2), 0))
        return;
    xtf_expect_rc(res, "writable mapping before the first use", remap(l.va, l.mfn, PTE_DATA), 0);
    xtf_expect_rc(res, "read-only again", remap(l.va, l.mfn, PTE_RDONLY), 0);
    ex_eq(res, "load %fs = 0x0f (LDT entry 1)", load_fs(0x0f, &r), 0x0f);
    xtf_expect_rc(res, "writable mapping after the first use", remap(l.va, l.mfn, PTE_DATA),
                  -XEN_EBUSY);
    expect_load_gp(res, "load %fs = 0x17 (LDT entry 2, beyond nr_ents)", 0x17, 0x14);
    load_fs(0, &r);
    xtf_expect_rc(res, "SET_LDT(0, 0)", mmuext1(MMUEXT_SET_LDT, 0, 0), 0);
    xtf_expect_rc(res, "writable mapping after the LDT is gone", remap(l.va, l.mfn, PTE_DATA),
                  0);
    expect_load_gp(res, "load %fs = 0x0f with no LDT", 0x0f, 0x0c);
    xtf_success(res);
}
