/*
 * The guest's descriptor tables, as Xen 4.17 keeps them for a 64-bit PV guest: set_gdt gives
 * up to 14 frames that the CPU then uses as pages 0-13 of its GDT (the host's own descriptors
 * are page 14), update_descriptor changes one descriptor, and MMUEXT_SET_LDT names an LDT in
 * guest virtual memory whose pages are mapped into the host's LDT window only when the CPU
 * first touches them (a page fault on the window), as Xen maps its shadow LDT.
 *
 * Trust: frames and descriptors are guest values.  A frame in use as a descriptor table holds
 * the seg_desc type (host/mm), so the guest can map it only read-only; every descriptor in it
 * went through arch_check_descriptor(): no system descriptor but a call gate (whose DPL is
 * forced to 0, so using it faults), and guest privilege forced on everything else, so no
 * descriptor can take the guest into ring 0.
 */
#include <public/errno.h>
#include <public/xen.h>
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "printk.h"
#include "refuse.h"

/* Descriptor fields, in the high 32 bits. */
#define SEG_TYPE  (0xfu << 8)
#define SEG_S     (1u << 12)         /* code or data (not system) */
#define SEG_DPL   (3u << 13)
#define SEG_P     (1u << 15)
#define SEG_TYPE_CALL_GATE (0xcu << 8)

/* A call gate may target guest selectors (GDT pages 0-13, or the LDT) or the flat kernel
 * code selector (Xen's guest_gate_selector_okay). */
static bool gate_selector_ok(uint16_t sel)
{
    return (sel >> 3) < FIRST_RESERVED_GDT_ENTRY || (sel >> 3) == (FLAT_KERNEL_CS >> 3) ||
           (sel & 4);
}

bool arch_check_descriptor(uint64_t *desc)
{
    uint32_t lo = (uint32_t)*desc, hi = (uint32_t)(*desc >> 32), dpl;

    if (!(hi & SEG_P))
        return true;                        /* a not-present descriptor always faults */
    dpl = (hi >> 13) & 3;
    if (dpl < 3)
        dpl = 3;                            /* guest privilege: the guest kernel is ring 3 */
    hi = (hi & ~SEG_DPL) | (dpl << 13);
    if (!(hi & SEG_S)) {
        uint16_t cs = (uint16_t)(lo >> 16);

        if ((hi & SEG_TYPE) == 0)
            return true;                    /* type 0: the upper half of a 64-bit gate */
        if ((hi & SEG_TYPE) != SEG_TYPE_CALL_GATE || !gate_selector_ok(cs))
            return false;
        /* DPL 0, so using the gate faults (#GP with the gate's selector); the DPL the guest
         * asked for travels in the target selector's RPL. */
        hi &= ~SEG_DPL;
        cs = (uint16_t)((cs & ~3u) | dpl);
        lo = (lo & 0xffffu) | ((uint32_t)cs << 16);
        if (hi & 0xff)
            return false;                   /* reserved bits */
    }
    *desc = ((uint64_t)hi << 32) | lo;
    return true;
}

/* --- the GDT --------------------------------------------------------------------------------- */

static uint64_t window_nx(void)
{
    return (rdmsr(MSR_EFER) & EFER_NXE) ? _PAGE_NX : 0;
}

/* Map a guest descriptor frame into the window.  Read-write, because the CPU sets the
 * accessed bit of descriptors it loads; only the host can reach the window. */
static void window_map(unsigned page, mfn_t mfn)
{
    arch_pervcpu_l1e()[page] = (mfn_x(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
                               _PAGE_ACCESSED | _PAGE_DIRTY | window_nx();
}

static void window_clear(unsigned page)
{
    arch_pervcpu_l1e()[page] = arch_zero_frame_maddr() | _PAGE_PRESENT | _PAGE_ACCESSED |
                               window_nx();
}

static void destroy_gdt(struct arch_vcpu *a)
{
    for (unsigned i = 0; i < a->gdt_nr_frames; i++) {
        window_clear(i);
        mm_put_page_and_type(a->gdt_frames[i]);
    }
    a->gdt_nr_frames = 0;
    arch_flush_tlb_local();
}

/* set_gdt(frame_list, entries): every frame is taken as seg_desc first; only when all are
 * good is the old GDT released and the new one mapped. */
long do_set_gdt(uint64_t frame_list, unsigned entries)
{
    struct vcpu *v = current;
    struct arch_vcpu *a = v->arch;
    uint64_t frames[FIRST_RESERVED_GDT_PAGE];
    unsigned nr = (entries + 511) / 512, i;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return REFUSE(-XEN_EINVAL, "GDT larger than the guest's 14 pages");
    if (nr > 0 && copy_from_guest(frames, frame_list, nr * sizeof(frames[0])) != 0)
        return -XEN_EFAULT;
    for (i = 0; i < nr; i++)
        if (mm_get_page_and_type(&v->domain->mm, _mfn(frames[i]), MM_TYPE_SEG_DESC) != 0)
            break;
    if (i < nr) {
        while (i-- > 0)
            mm_put_page_and_type(_mfn(frames[i]));
        return REFUSE(-XEN_EINVAL, "GDT frame not the guest's, in use, or with a bad descriptor");
    }
    destroy_gdt(a);
    for (i = 0; i < nr; i++) {
        a->gdt_frames[i] = _mfn(frames[i]);
        window_map(i, a->gdt_frames[i]);
    }
    a->gdt_nr_frames = nr;
    arch_flush_tlb_local();
    return 0;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return mm_update_descriptor(&current->domain->mm, maddr, desc);
}

/* --- the LDT ---------------------------------------------------------------------------------- */

void pv_ldt_invalidate(struct arch_vcpu *a)
{
    bool any = false;

    for (unsigned i = 0; i < HOST_LDT_PAGES; i++) {
        if (!mfn_valid_raw(a->ldt_mapped[i]))
            continue;
        arch_pervcpu_l1e()[HOST_GDT_PAGES + i] = 0;
        mm_put_page_and_type(a->ldt_mapped[i]);
        a->ldt_mapped[i] = invalid_mfn();
        any = true;
    }
    if (any)
        arch_flush_tlb_local();
}

void arch_ldt_changed(struct mm_vcpu *mv)
{
    struct arch_vcpu *a = current->arch;

    pv_ldt_invalidate(a);
    arch_load_ldt(HOST_LDT_VIRT, (unsigned)mv->ldt_ents);
}

/*
 * A page fault on the LDT window: the CPU wants a descriptor of the guest's LDT.  Map the
 * guest page behind it (typed seg_desc, so its descriptors are checked) and let the
 * instruction run again.  False when the guest page cannot serve: the caller then gives the
 * guest the fault as it would have been on its own LDT address.
 */
static bool map_ldt_page(struct vcpu *v, unsigned page)
{
    struct arch_vcpu *a = v->arch;
    uint64_t pte;
    mfn_t mfn;

    if (page >= HOST_LDT_PAGES || mfn_valid_raw(a->ldt_mapped[page]) ||
        mm_guest_l1e(&v->mm, v->mm.ldt_base + (uint64_t)page * PAGE_SIZE, &pte) != 0 ||
        !(pte & _PAGE_PRESENT))
        return false;
    mfn = _mfn(pte_mfn(pte));
    if (mm_get_page_and_type(&v->domain->mm, mfn, MM_TYPE_SEG_DESC) != 0)
        return false;
    a->ldt_mapped[page] = mfn;
    window_map(HOST_GDT_PAGES + page, mfn);
    return true;
}

bool pv_ldt_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2)
{
    uint64_t off = cr2 - HOST_LDT_VIRT;

    if (cr2 < HOST_LDT_VIRT || off >= (uint64_t)HOST_LDT_PAGES * PAGE_SIZE)
        return false;
    if (off < v->mm.ldt_ents * 8 && map_ldt_page(v, (unsigned)(off >> PAGE_SHIFT)))
        return true;
    /* Not mappable: the guest sees the fault on its own LDT. */
    v->arch->cr2 = v->mm.ldt_base + off;
    pv_inject_exception(v, TRAP_page_fault, true, regs->error_code);
    return true;
}

void pv_descriptors_release(struct vcpu *v)
{
    pv_ldt_invalidate(v->arch);
    destroy_gdt(v->arch);
}
