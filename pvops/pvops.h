/*
 * The paravirt hook table.  Every privileged thing the guest kernel does -- pagetable
 * writes, cr3, TLB flushes, pinning, interrupt masking, halting, powering off, the console
 * -- goes through one `const` table chosen once at boot by the entry point: native_pvops
 * (ring 0, plain instructions) or pv_pvops (ring 3, hypercalls, batched in multicalls).
 * The kernel's memory code never asks which backend runs; only the boot path and the
 * in-guest tests that probe the hypervisor itself do (boot_is_pv()).
 *
 * pvops sits below the kernel: it includes nothing of guest/kernel/.  What it needs from
 * the kernel (frame translation, frame allocation, per-frame state, the raw hypercall door,
 * a log line) is the pvenv_* interface declared at the end, implemented by
 * guest/kernel/pvenv.c in the guest and by a recording fake in the unit tests.
 */
#ifndef PVOPS_H
#define PVOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t pteval_t;

/* Guest frame numbers and machine frame numbers: distinct types, so mixing them is a
 * compile error.  Natively the two are the same number. */
typedef struct { uint64_t v; } pfn_t;
typedef struct { uint64_t v; } mfn_t;

static inline pfn_t pfn(uint64_t v) { return (pfn_t){ v }; }
static inline mfn_t mfn(uint64_t v) { return (mfn_t){ v }; }

/* Pagetable entry bits (all levels). */
#define PTE_P        0x001ULL
#define PTE_RW       0x002ULL
#define PTE_US       0x004ULL
#define PTE_A        0x020ULL
#define PTE_D        0x040ULL
#define PTE_PSE      0x080ULL
#define PTE_G        0x100ULL
#define PTE_COW      0x200ULL          /* software bit: write fault copies the frame */
#define PTE_NX       (1ULL << 63)
#define PTE_ADDR     0x000ffffffffff000ULL
#define PT_ENTRIES   512

static inline mfn_t pte_mfn(pteval_t e) { return mfn((e & PTE_ADDR) >> 12); }
static inline pteval_t pte_make(mfn_t m, pteval_t flags) { return (m.v << 12) | flags; }

/* L4 slots [0, PGD_USER_SLOTS) are user space (below 0x0000800000000000); the user pgd of
 * the split pgd mirrors exactly these. */
#define PGD_USER_SLOTS 256

/*
 * An address space as pvops sees it.  `pgd` is the kernel pgd (mapping user and kernel
 * space); under PV `user_pgd` is its companion that maps user space only (NULL natively
 * and for the boot pgd, which never runs user code).  `pinned`: the hypervisor holds the
 * whole tree validated, so every table is read-only to us and writes are hypercalls.
 */
struct pv_mm {
    pteval_t *pgd;
    pteval_t *user_pgd;
    bool pinned;
};

/* Per-frame state the backends keep, stored by the kernel's frame table (pvenv_frame). */
struct pv_frame {
    uint8_t table_level;     /* 1-4 while the frame is a pagetable, else 0 */
    bool pinned;             /* part of a pinned tree: read-only, written by hypercall */
    uint32_t user_pgd;       /* for a kernel pgd: pfn of its user pgd (0: none) */
};

/* Which hook caused a hypercall: the counters and any trace are kept per hook. */
enum pv_hook {
    PVH_DIRECT,          /* not a hook: boot code and hypervisor probes */
    PVH_WRITE_CR3, PVH_FLUSH_TLB, PVH_SET_PTE, PVH_SET_PMD, PVH_SET_PUD, PVH_SET_PGD,
    PVH_PROTECT, PVH_ALLOC_PT, PVH_RELEASE_PT, PVH_PIN, PVH_UNPIN, PVH_CONSOLE,
    PVH_SHUTDOWN, PVH_HALT, PVH_STACK_SWITCH, PVH_CPU, PVH_IRET,
    PVH_NR
};

/* Lazy modes: updates are queued and issued together when the mode is left. */
enum pv_lazy { LAZY_NONE, LAZY_MMU, LAZY_CPU };

struct pvops {
    const char *name;

    /* MMU.  cr3 values are machine addresses (PV) or physical ones (native).  Hooks that
     * can be refused return 0 or a negative Xen errno; inside a batch the refusal of a
     * queued entry is reported when the batch is issued (pvops_mc_errors). */
    uint64_t (*read_cr3)(void);
    int (*write_cr3)(uint64_t cr3);              /* kernel base only (boot, tests) */
    int (*flush_tlb_user)(void);
    int (*flush_tlb_kernel)(void);
    int (*flush_tlb_one)(uint64_t va);
    int (*set_pte)(pteval_t *ptep, pteval_t val);   /* L1 entry */
    int (*set_pmd)(pteval_t *pmdp, pteval_t val);   /* L2 entry */
    int (*set_pud)(pteval_t *pudp, pteval_t val);   /* L3 entry */
    int (*set_pgd)(pteval_t *pgdp, pteval_t val);   /* L4 entry; mirrors user slots */
    int (*pte_clear)(pteval_t *ptep);
    /* Read an entry, issuing first any queued update of it. */
    pteval_t (*read_entry)(pteval_t *p);
    /* Clear `clear` and set `set` in n consecutive L1 entries (mprotect, fork's COW). */
    int (*protect_ptes)(pteval_t *ptep, unsigned n, pteval_t clear, pteval_t set);
    int (*pgd_alloc)(struct pv_mm *mm);          /* mm->pgd given; adds the user pgd */
    void (*pgd_free)(struct pv_mm *mm);          /* unpins if pinned, frees user pgd */
    int (*alloc_pte)(struct pv_mm *mm, pfn_t p); /* frame p becomes an L1 of mm */
    int (*alloc_pmd)(struct pv_mm *mm, pfn_t p);
    int (*alloc_pud)(struct pv_mm *mm, pfn_t p);
    int (*release_pte)(struct pv_mm *mm, pfn_t p); /* frame p stops being a table */
    int (*release_pmd)(struct pv_mm *mm, pfn_t p);
    int (*release_pud)(struct pv_mm *mm, pfn_t p);
    int (*activate_mm)(struct pv_mm *next);      /* kernel and user base in one batch */
    int (*dup_mmap)(struct pv_mm *mm);           /* the copied tree is complete: pin it */
    int (*exit_mmap)(struct pv_mm *mm);          /* before teardown: unpin it */
    void (*lazy_mmu_enter)(void);
    void (*lazy_mmu_leave)(void);
    void (*lazy_mmu_flush)(void);

    /* CPU. */
    void (*lazy_cpu_enter)(void);
    void (*lazy_cpu_leave)(void);
    /* Processes: install the trap and syscall entries (0 or -errno: the platform cannot
     * run user code), the kernel stack for entries from user mode, the address of the
     * last page fault, and the selectors of user mode. */
    int (*traps_init)(bool timer);               /* timer: start the periodic tick */
    void (*load_sp0)(uint64_t sp);
    uint64_t (*read_cr2)(void);
    uint16_t user_cs, user_ss;
    void (*user_return)(void);                   /* the trap frame goes back to user mode */
    void (*timer_ack)(void);                     /* a timer tick arrived: acknowledge it */
    unsigned long (*irq_save)(void);             /* mask interrupts, return the old state */
    void (*irq_restore)(unsigned long flags);
    void (*halt)(void);
    bool halt_until_interrupt;                   /* halt returns on the next timer tick */
    void (*shutdown)(unsigned reason) __attribute__((__noreturn__)); /* SHUTDOWN_* */

    /* Console: write n bytes, newline-terminated lines preferred. */
    void (*console_write)(const char *s, size_t n);
    /* Console input that has arrived, at most n bytes, without waiting. */
    size_t (*console_read)(char *s, size_t n);
};

/* The backend in use; set once by pvops_select() at boot, read-only afterwards. */
extern const struct pvops *pvops;

extern const struct pvops native_pvops;
extern const struct pvops pv_pvops;

/* Choose the backend.  Requires: called once, by an entry point, before any hook. */
void pvops_select(const struct pvops *ops);

/* Hypercall backend setup: the cr3 it starts from (machine address of the boot L4) and
 * whether updates are batched (`pvx.batch=on`, the default) or each its own hypercall. */
void pv_pvops_init(uint64_t boot_cr3, bool batch);

/* Where the hypercall backend maps shared_info (a page of its own VA space) so it can
 * read vcpu_info (event mask, cr2): the machine address start_info gave, and the VA. */
void pv_pvops_shared_info(uint64_t maddr, void *va);

/* Whether shutdown first tries the exit port (default on); off leaves it to the hypervisor. */
void pv_pvops_exit_port(bool on);

/* Whether the hypercall backend batches (pvx.batch=on). */
bool pv_pvops_batched(void);

/*
 * The one door of every hypercall the guest makes (pvops/hypercall.c): `hook` caused it,
 * `nr` is the hypercall, `sub` its command (mmuext cmd, sched op ...), `batch` the number of
 * requests it carries (entries of a multicall, requests of an mmu_update).  Counts, then
 * calls pvenv_hypercall.
 */
long pv_hypercall(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch,
                  uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

/* Count a hypercall that is issued elsewhere (the iret to user mode, from entry.S). */
void pv_hypercall_count(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch);

/*
 * The guest's trace (pvops/trace.c; the format is include/public/pvx_trace.h).  The kernel
 * starts it with pages of its own (pvx.trace=on) and stops it before it writes it out with
 * pv_trace_dump(), header first, through `out`.  pv_tracing says whether records are kept.
 */
extern bool pv_tracing;
void pv_trace_start(uint8_t *const *pages, unsigned npages);
void pv_trace_stop(void);
/* pv_hypercall() with the TSC taken before and after, and the record written. */
long pv_trace_hypercall(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch,
                        uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
/* A hypercall that does not return to its caller (the iret to user mode). */
void pv_trace_noreturn(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch);
/* An entry of the multicall recorded just before, with the result it came back with. */
void pv_trace_mc_entry(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch, long rc);
/* The kernel was entered: vector (PVX_KENTRY_SYSCALL for a system call), PVX_KENTRY_* flags. */
void pv_trace_kentry(unsigned vector, unsigned flags);
/* A workload's window opens (PVX_MARK_BEGIN) or closes (PVX_MARK_END, after `ops`) at `now`. */
void pv_trace_mark(unsigned flags, const char *name, uint32_t ops, uint64_t now);
uint64_t pv_trace_records(void);
uint64_t pv_trace_lost(void);
void pv_trace_dump(const char *cmdline, unsigned platform, unsigned flags,
                   void (*out)(const void *p, size_t n));

/* What the hypercall backend issued, per hook.  `entries` counts requests that travelled
 * inside multicalls; `hypercalls` counts traps into the hypervisor. */
struct pv_counts {
    uint64_t hypercalls[PVH_NR];     /* by the hook that caused them */
    uint64_t multicalls;             /* of which multicalls */
    uint64_t mc_entries[PVH_NR];     /* multicall entries, by the hook that queued them */
    uint64_t mc_entries_total;
    uint64_t mc_errors;              /* entries that came back with an error */
    uint64_t total;                  /* all hypercalls */
    uint64_t flushes;                /* TLB flushes asked for, either backend: flushes,
                                      * invalidations, cr3 loads (a new base pointer) */
};
extern struct pv_counts pv_counts;
const char *pv_hook_name(enum pv_hook hook);

/* ---- What pvops needs from the kernel (guest/kernel/pvenv.c, or a unit test's fake). ---- */

/* The raw hypercall door: hypercall `nr` with five arguments. */
long pvenv_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                     uint64_t a5);
mfn_t pvenv_pfn_to_mfn(pfn_t p);
pfn_t pvenv_mfn_to_pfn(mfn_t m);
pfn_t pvenv_virt_to_pfn(const void *va);        /* a direct-map or image VA */
void *pvenv_pfn_to_virt(pfn_t p);               /* its direct-map VA */
uint64_t pvenv_virt_to_maddr(const void *va);
/* A zeroed frame (pfn 0 when none is left), and its release. */
pfn_t pvenv_frame_alloc(void);
void pvenv_frame_free(pfn_t p);
/* The backend state of frame p. */
struct pv_frame *pvenv_frame(pfn_t p);
/* Report a problem (a refused entry of a batch and the hook that queued it). */
void pvenv_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
