/*
 * The few machine services the portable mm core needs.  host/arch/x86/ implements them for
 * the hypervisor; tests/unit/fake_arch.c implements them over simulated machine memory so the
 * same mm files run as an ordinary userspace program.  No inline assembly lives in host/mm/.
 * The hooks on the paging hot paths are static inline functions in "mm_arch_inline.h", which
 * each machine provides on its include path (host/arch/x86/include/, tests/unit/).
 */
#ifndef PVX_MM_ARCH_H
#define PVX_MM_ARCH_H

#include "mm/types.h"

struct mm_vcpu;
#include "printk.h"

/*
 * Defined inline by "mm_arch_inline.h":
 *   void *arch_map_frame(mfn_t mfn);      a host pointer to the 4 KiB contents of machine
 *                                         frame `mfn` (which must exist: mm passes only
 *                                         frames inside its frame table)
 *   void arch_unmap_frame(const void *p); done with what arch_map_frame returned
 *   void arch_invlpg(uint64_t va);        drop the current CPU's translation of va (and,
 *                                         as on x86, every cached paging structure)
 */
#include "mm_arch_inline.h"

/* TLB maintenance on the current CPU (one CPU for now: LOCAL == ALL; arch_invlpg is one of
 * the inline hooks above).  mm relies on
 * arch_flush_tlb_local dropping every guest translation, global ones included: guest user
 * mappings carry _PAGE_GLOBAL as under Xen, and a frame changes type only after such a flush.
 * Either keep CR4.PGE clear or flush with a CR4.PGE toggle.  arch_invlpg is only ever given
 * a canonical address. */
void arch_flush_tlb_local(void);

/* Make `l4` the live pagetable base of the running vCPU (write cr3).  Called by
 * NEW_BASEPTR, also when the domain builder issues it: the L4 carries the host slots, so the
 * host keeps running on it.  Like Xen's write_ptbase, it must not leave stale global guest
 * entries behind (see arch_flush_tlb_local). */
void arch_load_cr3(mfn_t l4);

/* Check one guest segment descriptor (8 bytes) for the CPU the host runs on and fix it up
 * for guest privilege, as Xen's check_descriptor does; false if the guest may not have it.
 * mm calls it on every descriptor of a frame taking the seg_desc type, and on each
 * update_descriptor. */
bool arch_check_descriptor(uint64_t *desc);

/* The vCPU's LDT (SET_LDT) changed: drop what was mapped of the old one and load the new
 * base and size. */
void arch_ldt_changed(struct mm_vcpu *v);

/* The host's entry for L4 slot `slot` (256..271): written into every guest L4 validated. */
uint64_t arch_host_l4e(unsigned slot);

/* The host-writable view of the machine-to-phys table: one uint64_t per machine frame. */
uint64_t *arch_m2p(void);

#endif
