/*
 * Helpers for the memory-management tests: spare frames with their pfn, mfn and VA, thin
 * single-request wrappers around mmu_update / mmuext_op / update_va_mapping, and lookups of
 * the machine address of the pagetable entry that maps a VA.  All of them return the raw
 * hypervisor result so the tests can check it; none of them hides a failure.
 */
#ifndef TESTS_GUEST_MM_H
#define TESTS_GUEST_MM_H

#include <public/errno.h>
#include "xtf.h"
#include "arch/x86/hypercall.h"
#include "kernel/boot.h"
#include "kernel/frames.h"
#include "kernel/pt.h"

#define PTE_DATA   (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)  /* ordinary writable page */
#define PTE_RDONLY (PTE_P | PTE_US | PTE_A)                   /* read-only page */
#define PTE_TABLE  (PTE_P | PTE_RW | PTE_US | PTE_A)          /* L2-L4 entry to a table */

#define TEST_SLOT      300     /* an L4 slot the guest never uses: free for the tests */
#define TEST_SLOT_VA   (0xffff000000000000ULL | ((uint64_t)TEST_SLOT << 39))
#define MAGIC_A        0x5a5a0000aaaa0001ULL
#define MAGIC_B        0x5a5a0000bbbb0002ULL

struct page {
    pfn_t pfn;
    mfn_t mfn;
    uint64_t *va;       /* its mapping in the boot region */
};

/* SKIP unless we run paravirtualized; returns true when the test may go on. */
bool mm_need_pv(struct xtf_result *res);

/* A fresh zeroed spare frame mapped writable; ERROR when none is left. */
bool page_new(struct xtf_result *res, struct page *p);

/* A fresh zeroed frame remapped read-only, ready to become a pagetable. */
bool table_new(struct xtf_result *res, struct page *p);

/* Map `va` (inside the boot region) to frame m with flags, flushing that VA. */
long remap(const void *va, mfn_t m, pteval_t flags);

/* The machine address of the L1 entry mapping `va`, or 0 when there is none. */
uint64_t l1e_maddr(const void *va);

/* The current L4 (VA in the boot region) and its machine frame. */
pteval_t *cur_l4(void);
mfn_t cur_l4_mfn(void);

/* One mmu_update request; *done (if given) receives the hypervisor's count. */
long mmu_update1(uint64_t ptr, uint64_t val, unsigned *done);

/* One mmuext_op: arg1 is the mfn or linear address, arg2 nr_ents / vcpumask / src_mfn. */
long mmuext1(unsigned cmd, uint64_t arg1, uint64_t arg2);

/* Read a word through a VA after the mapping changed (volatile, no caching). */
static inline uint64_t peek(const void *va) { return *(const volatile uint64_t *)va; }
static inline void poke(void *va, uint64_t v) { *(volatile uint64_t *)va = v; }

/* A machine frame of plain RAM the domain does not own; false if none was found. */
bool mm_foreign_mfn(mfn_t *out);

/* A multicall whose list contains an iret; see iret_probe.S. */
long iret_probe(struct multicall_entry *list, unsigned nr, uint64_t magic);

#endif
