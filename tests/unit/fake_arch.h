/*
 * The fake machine the portable host code runs on in userspace tests and the fuzzer:
 * FAKE_FRAMES frames of simulated machine memory, an M2P array, counters for every TLB and
 * cr3 operation mm asks for, and a window of guest virtual memory for copy_{from,to}_guest.
 * Trust: this is test scaffolding; it aborts on any request real hardware would fault on
 * (a frame beyond memory, a non-canonical invlpg), so such a request is a failed test.
 */
#ifndef PVX_FAKE_ARCH_H
#define PVX_FAKE_ARCH_H

#include <stdint.h>
#include "mm/types.h"

#ifndef FAKE_FRAMES
#define FAKE_FRAMES     512          /* the fuzzer builds with fewer, for speed */
#endif
#define FAKE_GUEST_VA   0x10000000ULL   /* start of the guest memory window */
#define FAKE_GUEST_SIZE (64 * 1024)

struct fake_arch_stats {
    uint64_t flushes;        /* arch_flush_tlb_local calls */
    uint64_t invlpgs;        /* arch_invlpg calls */
    uint64_t last_invlpg;
    uint64_t cr3_loads;
    uint64_t cr3;            /* mfn last loaded */
    long maps;               /* arch_map_frame minus arch_unmap_frame */
    uint64_t printks;
    uint64_t ldt_changes;    /* arch_ldt_changed calls */
    uint64_t preempt_at;     /* hypercall_preempt_check says yes at this many checks (0: no) */
    uint64_t preempt_checks;
    uint64_t continuations;  /* arch_hypercall_continue calls, and the last one's call */
    unsigned long continued_nr;
    uint64_t continued_args[6];
};

extern struct fake_arch_stats fake_arch;
extern uint8_t fake_mem[FAKE_FRAMES][4096];
extern uint64_t fake_m2p[FAKE_FRAMES];
extern uint8_t fake_guest_mem[FAKE_GUEST_SIZE];

void fake_arch_reset(void);
uint64_t *fake_frame(mfn_t mfn);                 /* the frame's words, for test setup */
uint64_t fake_host_l4e(unsigned slot);           /* what arch_host_l4e returns */
/* Copy `len` bytes into the guest window at offset `off`; returns their guest address. */
uint64_t fake_guest_put(size_t off, const void *src, size_t len);
void fake_guest_get(size_t off, void *dst, size_t len);

/*
 * A model of the TLB and the paging-structure caches, for checking that no stale
 * translation outlives the role of the frame it reaches (docs/design.md invariant 1 "including
 * through stale TLB entries").  fake_tlb_touch(va) is the guest touching va: the walk from
 * the loaded cr3 caches every table it passes through and the final translation (with the
 * RW of the whole path), as the hardware may.  CR4.PGE is clear on the pvx host, so a cr3
 * load or a full flush drops everything; invlpg drops va's translation and, as the SDM says,
 * every paging-structure cache entry.  fake_tlb_check finds a cached entry whose frame has
 * since changed role: a writable translation to a frame whose type is no longer `writable`,
 * a cached table that is no longer a pagetable, a translation to a frame its domain no
 * longer owns.  0, or -1 with the reason in `why`.
 */
void fake_tlb_touch(uint64_t va);
int fake_tlb_check(char *why, size_t len);
unsigned fake_tlb_entries(void);

#endif
