/*
 * Helpers for the mm unit tests: every operation a test performs goes through one of these,
 * and each runs the audit afterwards, so an operation that breaks an invariant fails the
 * test that made it even if the test's own checks would not notice.
 */
#ifndef PVX_MMTEST_H
#define PVX_MMTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <public/xen.h>
#include <public/errno.h>
#include "world.h"

/* Entry bits, written out here so the tests do not lean on mm's private header. */
#define F_P   0x001ULL
#define F_RW  0x002ULL
#define F_US  0x004ULL
#define F_PWT 0x008ULL
#define F_PCD 0x010ULL
#define F_A   0x020ULL
#define F_D   0x040ULL
#define F_PSE 0x080ULL     /* PAT in an L1 entry */
#define F_G   0x100ULL
#define F_AVAIL 0xe00ULL
#define F_GK  (1ULL << 52) /* Xen's _PAGE_GUEST_KERNEL */
#define F_NX  (1ULL << 63)

static inline uint64_t PTE(mfn_t m, uint64_t flags) { return (mfn_x(m) << 12) | flags; }
static inline uint64_t MA(mfn_t table, unsigned idx) { return (mfn_x(table) << 12) + idx * 8; }
static inline uint64_t *F(mfn_t m) { return fake_frame(m); }

void check_audit(void);
int ext(unsigned cmd, uint64_t arg1, uint64_t arg2);
int mmu(uint64_t ptr, uint64_t val);
int uvm(uint64_t va, uint64_t val, uint64_t flags);
int pin(unsigned level, mfn_t m);     /* MMUEXT_PIN_L<level>_TABLE */
int unpin(mfn_t m);

/* L4[0] -> L3[0] -> L2[0] -> L1: L1[0..3] map data[0..3] read-write (VA 0x0000-0x3fff),
 * L1[4..7] map l4, l3, l2, l1 read-only (VA 0x4000-0x7fff); nothing else is mapped. */
struct aspace {
    mfn_t l4, l3, l2, l1, data[4];
};
void build_aspace(struct aspace *a);
void activate(struct aspace *a);      /* PIN_L4 + NEW_BASEPTR, both must succeed */

/* Everything a refused operation must leave alone: every frame's state as mm_frame_state
 * reports it, all machine memory, the M2P, the vCPU's paging state. */
struct snap {
    struct mm_frame_state frames[FAKE_FRAMES];
    unsigned char *mem;
    uint64_t m2p[FAKE_FRAMES];
    struct mm_vcpu v0;
    uint64_t tot0, tot1;
};
void snap_take(struct snap *s);
void snap_assert_same(struct snap *s);

int world_setup(void **state);
int world_teardown(void **state);

#endif
