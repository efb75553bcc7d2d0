/*
 * The paravirt hook table.  Every privileged thing the guest kernel does -- pagetable
 * writes, cr3, TLB flushes, halting, powering off, the console -- goes through one `const`
 * table chosen once at boot by the entry point: native_pvops (ring 0, plain instructions)
 * or pv_pvops (ring 3, hypercalls).  Callers never test which backend they run on.
 *
 * Pagetable hooks return 0 or a negative Xen errno, so callers (and the in-guest tests)
 * see refusals; the native backend cannot fail.  No multicall batching yet.
 */
#ifndef PVOPS_H
#define PVOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t pteval_t;

struct pvops {
    const char *name;

    /* MMU.  cr3 values are machine addresses (PV) or physical ones (native). */
    uint64_t (*read_cr3)(void);
    int (*write_cr3)(uint64_t cr3);
    int (*set_pte)(pteval_t *ptep, pteval_t val);   /* L1 entry */
    int (*set_pmd)(pteval_t *pmdp, pteval_t val);   /* L2 entry */
    int (*set_pud)(pteval_t *pudp, pteval_t val);   /* L3 entry */
    int (*set_pgd)(pteval_t *pgdp, pteval_t val);   /* L4 entry */
    int (*flush_tlb_kernel)(void);
    int (*flush_tlb_one)(uint64_t va);

    /* CPU. */
    void (*halt)(void);
    void (*shutdown)(unsigned reason) __attribute__((__noreturn__)); /* SHUTDOWN_* */

    /* Console: write n bytes, newline-terminated lines preferred. */
    void (*console_write)(const char *s, size_t n);
};

/* The backend in use; set once by pvops_select() at boot, read-only afterwards. */
extern const struct pvops *pvops;

extern const struct pvops native_pvops;
extern const struct pvops pv_pvops;

/* Choose the backend.  Requires: called once, by an entry point, before any hook. */
void pvops_select(const struct pvops *ops);

/* Hypercall backend setup: the cr3 it starts from (machine address of the boot L4). */
void pv_pvops_init(uint64_t boot_cr3);

/* Whether shutdown first tries the exit port (default on); off leaves it to the hypervisor. */
void pv_pvops_exit_port(bool on);

#endif
