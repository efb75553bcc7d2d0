/*
 * The portable direct-paging core: frame table, page types and reference counts, pagetable
 * validation, pin/unpin, and the memory hypercalls after decoding.  Everything here trusts
 * nothing the guest supplies: every ptr/val/mfn/va argument is checked, and a refused
 * operation returns a Xen errno (negative) and changes nothing.
 *
 * Callers: host/hypercall.c (decoded hypercalls), host/dom0_build.c (the domain builder pins
 * the bootstrap pagetables through mm_mmuext_op_one, exactly as a guest would), and the
 * emulation of writable pagetables (host/arch/x86/pv_emul_priv.c, mm_mmu_update_one).
 */
#ifndef PVX_MM_H
#define PVX_MM_H

#include <public/xen.h>
#include "mm/types.h"

#define PVX_MAX_VCPUS 1

/* Per-vCPU paging state owned by mm. */
struct mm_vcpu {
    mfn_t guest_table;        /* kernel L4 (NEW_BASEPTR), holds an L4 type ref; or invalid */
    mfn_t guest_table_user;   /* user L4 (NEW_USER_BASEPTR), holds an L4 type ref; or invalid */
    uint64_t ldt_base;        /* SET_LDT */
    uint64_t ldt_ents;
};

/* Per-domain paging state owned by mm. */
struct mm_domain {
    domid_t domid;
    uint64_t tot_pages;       /* frames this domain owns */
    uint64_t max_pages;       /* allocation limit */
    struct mm_vcpu *vcpu[PVX_MAX_VCPUS];
    unsigned nr_vcpus;
};

struct page_info;             /* one per machine frame; layout private to host/mm/ */

/* --- boot --------------------------------------------------------------------------------- */

/* Size in bytes of the frame table for `nr_frames` machine frames. */
size_t mm_frame_table_bytes(uint64_t nr_frames);
/* Take `table` (mm_frame_table_bytes() zeroed bytes, 64-byte aligned) as the frame table;
 * every frame starts as not-RAM until mm_add_ram() hands it to the allocator. */
void mm_init(void *table, uint64_t nr_frames);
/* Frames [first, first+count) are free RAM the allocator may hand out. */
void mm_add_ram(mfn_t first, uint64_t count);
/* Pagetables validated or devalidated so far: a request that walked any may have been long,
 * so the hypercall loops check for preemption right after it (host/hypercall.c). */
extern unsigned long mm_tables_walked;

uint64_t mm_nr_frames(void);
uint64_t mm_free_frames(void);

/* --- allocation ------------------------------------------------------------------------------ */

/* A zeroed frame owned by the host (never mappable by a guest).  false when out of memory. */
bool mm_alloc_host_frame(mfn_t *out);
/* `nr` machine-contiguous frames owned by the host, *first the lowest, taken from the top of
 * the free frames; their contents are undefined.  For a large buffer the host needs for a
 * while (the domain builder's decompressed kernel): false if no run that long is free.
 * mm_free_host_run gives them back. */
bool mm_alloc_host_run(uint64_t nr, mfn_t *first);
void mm_free_host_run(mfn_t first, uint64_t nr);
/* A zeroed frame owned by `d`, type none.  -XEN_ENOMEM when out of memory or over max_pages. */
int mm_alloc_domain_frame(struct mm_domain *d, mfn_t *out);
/* A zeroed frame owned by `d` that permanently holds the writable type (shared_info): the guest
 * may map it read-write but can never make it a pagetable. */
int mm_alloc_shared_frame(struct mm_domain *d, mfn_t *out);

/* --- the memory hypercalls, decoded ---------------------------------------------------------- */

/* One MMU_NORMAL_PT_UPDATE or MMU_MACHPHYS_UPDATE request (the ptr/val pair of the ABI). */
int mm_mmu_update_one(struct mm_domain *d, struct mm_vcpu *v, uint64_t ptr, uint64_t val);
/* One mmuext_op; a vcpumask handle (TLB_FLUSH_MULTI, INVLPG_MULTI) is read with
 * copy_from_guest. */
int mm_mmuext_op_one(struct mm_domain *d, struct mm_vcpu *v, const struct mmuext_op *op);
/* update_va_mapping: replace the L1 entry mapping `va` in v's current kernel pagetable.
 * (long: it is the hypercall's result as it stands, so the handler can tail-call it.) */
long mm_update_va_mapping(struct mm_domain *d, struct mm_vcpu *v, uint64_t va, uint64_t val,
                          uint64_t flags);

/* update_descriptor: write the descriptor `desc` at machine address `maddr` of a frame d
 * owns (arch_check_descriptor decides what is allowed). */
int mm_update_descriptor(struct mm_domain *d, uint64_t maddr, uint64_t desc);

/* The L1 entry that maps `va` in v's kernel pagetable, read through validated tables only
 * (Xen's guest_get_eff_kern_l1e).  0, or -XEN_EINVAL when no L1 table maps va. */
int mm_guest_l1e(const struct mm_vcpu *v, uint64_t va, uint64_t *pte);

/* --- teardown and audit ---------------------------------------------------------------------- */

/* Drop every base pointer, pin and type; release every frame `d` owns.  Afterwards no frame
 * is owned by d and every count it held is zero. */
void mm_domain_teardown(struct mm_domain *d);

/* Check the paging invariants (which ones: audit.c's header) over the whole frame table and
 * every pagetable reachable from the domains' pins and base pointers.  0 if all hold; otherwise -1 with the
 * first violation described in `why`.  nr_doms == 0 audits every domain mm_domain_init has
 * seen (a frame owned by a domain outside the list is itself a violation). */
int mm_audit(struct mm_domain *const *doms, unsigned nr_doms, char *why, size_t why_len);

/* --- additions for the builder, the host and the tests ---------------------------------------- */

/* Page types (docs/design.md "Page types").  A frame changes type only when its type count is 0. */
enum mm_page_type {
    MM_TYPE_NONE, MM_TYPE_WRITABLE, MM_TYPE_L1, MM_TYPE_L2, MM_TYPE_L3, MM_TYPE_L4,
    MM_TYPE_SEG_DESC,
};

/* Set d's id and allocation limit, no vCPU yet, and register it for mm_audit (up to 8). */
void mm_domain_init(struct mm_domain *d, domid_t domid, uint64_t max_pages);
/* Zero `v` (no base pointers, no LDT) and attach it to `d` as its next vCPU. */
void mm_vcpu_init(struct mm_domain *d, struct mm_vcpu *v);
/* Record pfn for a frame `d` owns in the M2P (the builder, as MMU_MACHPHYS_UPDATE would).
 * -XEN_EINVAL if d does not own mfn. */
int mm_set_m2p(struct mm_domain *d, mfn_t mfn, uint64_t pfn);
/* The domain owning mfn, or NULL (free, host-owned, not RAM, or beyond the frame table). */
struct mm_domain *mm_frame_owner(mfn_t mfn);
/* Take one general and one `type` reference on a frame `d` owns (e.g. seg_desc for a GDT
 * frame; the caller checks the descriptors while it holds the type, and drops it on a bad
 * one).  0, or -XEN_EINVAL (not owned / type in use) or a validation errno. */
int mm_get_page_and_type(struct mm_domain *d, mfn_t mfn, enum mm_page_type type);
void mm_put_page_and_type(mfn_t mfn);
/* Read-only views for tests and debugging.  A frame with no type references has no type in
 * force: its dormant type (and whether taking a new one will flush the TLB) is not state a
 * guest can observe, and a refused operation may change it. */
struct mm_frame_state {
    struct mm_domain *owner;
    uint32_t count, type_count;
    enum mm_page_type type;
    bool pinned, host, ram;
};
void mm_frame_state(mfn_t mfn, struct mm_frame_state *st);
enum mm_page_type mm_frame_type(mfn_t mfn);
uint32_t mm_frame_count(mfn_t mfn);
uint32_t mm_frame_type_count(mfn_t mfn);
bool mm_frame_pinned(mfn_t mfn);

#endif
