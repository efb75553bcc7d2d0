/*
 * The fake machine (see fake_arch.h): arch_* hooks, printk and guest-memory access over
 * plain arrays, so host/mm/ and host/hypercall.c run as an ordinary program under ASan and
 * UBSan.  Set PVX_FAKE_VERBOSE=1 to see the host's log lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "arch.h"
#include "layout.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "guest_access.h"
#include "domain.h"
#include "fake_arch.h"

struct fake_arch_stats fake_arch;
uint8_t fake_mem[FAKE_FRAMES][4096] __attribute__((aligned(4096)));
uint64_t fake_m2p[FAKE_FRAMES];
uint8_t fake_guest_mem[FAKE_GUEST_SIZE];
struct vcpu *current;

/* A stand-in for the x86 descriptor check: present system descriptors other than a call
 * gate (type 0xc) or type 0 are refused, everything else is kept as it is. */
bool arch_check_descriptor(uint64_t *desc)
{
    uint32_t hi = (uint32_t)(*desc >> 32), type = (hi >> 8) & 0xf;

    return !(hi & (1u << 15)) || (hi & (1u << 12)) || type == 0 || type == 0xc;
}

void arch_ldt_changed(struct mm_vcpu *v)
{
    (void)v;
    fake_arch.ldt_changes++;
}

/* Events and time are not part of the portable paging core either: the fake machine has
 * no event channels or clocks, and the dispatcher's calls to them answer -ENOSYS. */
long do_event_channel_op(int cmd, uint64_t arg)
{
    (void)cmd;
    (void)arg;
    return -XEN_ENOSYS;
}

long do_set_timer_op(uint64_t timeout)
{
    (void)timeout;
    return -XEN_ENOSYS;
}

long do_vcpu_op(int cmd, unsigned vcpuid, uint64_t arg)
{
    (void)cmd;
    (void)vcpuid;
    (void)arg;
    return -XEN_ENOSYS;
}

/* Preemption: the tests say after how many checks a long hypercall is preempted (0: never),
 * and the continuation is recorded instead of rewinding a register frame. */
bool hypercall_preempt_check(void)
{
    return fake_arch.preempt_at != 0 && ++fake_arch.preempt_checks >= fake_arch.preempt_at;
}

long arch_hypercall_continue(unsigned long nr, const uint64_t args[6])
{
    fake_arch.continued_nr = nr;
    memcpy(fake_arch.continued_args, args, sizeof(fake_arch.continued_args));
    fake_arch.continuations++;
    return (long)nr;
}

/* The machine's own hypercalls (iret, trap tables, ...) are not part of the portable core
 * these tests exercise: the fake machine has none. */
long arch_do_hypercall(unsigned long nr, const uint64_t args[6], bool in_multicall)
{
    (void)nr;
    (void)args;
    (void)in_multicall;
    return -XEN_ENOSYS;
}

/* The cached entries: level 0 is a translation of `va`, level 1-3 a table the walk of `va`
 * used as an L1-L3 (a paging-structure cache entry).  Full: the oldest is dropped, which
 * hardware may do at any time too. */
#define FAKE_TLB_SIZE 128
static struct fake_tlb_entry {
    uint64_t va, mfn;
    struct mm_domain *owner;
    unsigned level;
    bool rw;
} fake_tlb[FAKE_TLB_SIZE];
static unsigned fake_tlb_nr, fake_tlb_next;

static void fake_tlb_clear(void)
{
    fake_tlb_nr = fake_tlb_next = 0;
}

static void fake_tlb_add(uint64_t va, uint64_t mfn, unsigned level, bool rw)
{
    struct fake_tlb_entry *e = &fake_tlb[fake_tlb_next];

    e->va = va & ~0xfffULL;
    e->mfn = mfn;
    e->owner = mm_frame_owner(_mfn(mfn));
    e->level = level;
    e->rw = rw;
    fake_tlb_next = (fake_tlb_next + 1) % FAKE_TLB_SIZE;
    if (fake_tlb_nr < FAKE_TLB_SIZE)
        fake_tlb_nr++;
}

void fake_tlb_touch(uint64_t va)
{
    uint64_t table = fake_arch.cr3;
    bool rw = true;
    unsigned level;

    if (fake_arch.cr3_loads == 0 || !va_is_canonical(va))
        return;
    for (level = 4; level >= 1; level--) {
        uint64_t e;

        if (table >= FAKE_FRAMES)
            return;                  /* the host's own tables live outside fake memory */
        e = fake_frame(_mfn(table))[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & 1) || (level > 1 && (e & 0x80)))
            return;                  /* not present is never cached; no superpages */
        rw = rw && (e & 2);
        table = (e & 0x000ffffffffff000ULL) >> 12;
        if (table >= FAKE_FRAMES)
            return;
        fake_tlb_add(va, table, level - 1, rw);
    }
}

unsigned fake_tlb_entries(void) { return fake_tlb_nr; }

static int tlb_fail(char *why, size_t len, const char *what, const struct fake_tlb_entry *e)
{
    snprintf(why, len, "stale TLB: %s (va %#llx, mfn %#llx, cached as %s%u)", what,
             (unsigned long long)e->va, (unsigned long long)e->mfn,
             e->level ? "L" : "page at level ", e->level);
    return -1;
}

int fake_tlb_check(char *why, size_t len)
{
    unsigned i;

    for (i = 0; i < fake_tlb_nr; i++) {
        const struct fake_tlb_entry *e = &fake_tlb[i];
        enum mm_page_type t = mm_frame_type(_mfn(e->mfn));

        if (e->owner == NULL || mm_frame_owner(_mfn(e->mfn)) != e->owner)
            return tlb_fail(why, len, "frame changed owner or was freed", e);
        if (e->level == 0 && e->rw && t != MM_TYPE_WRITABLE)
            return tlb_fail(why, len, "writable translation to a frame that changed type", e);
        if (e->level > 0 && (t < MM_TYPE_L1 || t > MM_TYPE_L4))
            return tlb_fail(why, len, "cached table is no longer a pagetable", e);
    }
    return 0;
}

void fake_arch_reset(void)
{
    fake_tlb_clear();
    memset(&fake_arch, 0, sizeof(fake_arch));
    memset(fake_mem, 0xa5, sizeof(fake_mem));     /* the allocator must zero what it hands out */
    memset(fake_m2p, 0, sizeof(fake_m2p));
    memset(fake_guest_mem, 0, sizeof(fake_guest_mem));
}

static void die(const char *what, uint64_t v)
{
    fprintf(stderr, "fake arch: %s %#llx\n", what, (unsigned long long)v);
    abort();
}

uint64_t *fake_frame(mfn_t mfn)
{
    if (mfn_x(mfn) >= FAKE_FRAMES)
        die("no such frame", mfn_x(mfn));
    return (uint64_t *)fake_mem[mfn_x(mfn)];
}

void *fake_map_frame(mfn_t mfn)
{
    fake_arch.maps++;
    return fake_frame(mfn);
}

void fake_unmap_frame(const void *p)
{
    if (p == NULL)
        die("unmap of NULL", 0);
    fake_arch.maps--;
}

void arch_flush_tlb_local(void)
{
    fake_arch.flushes++;
    fake_tlb_clear();
}

void fake_invlpg(uint64_t va)
{
    if (!(va < (1ULL << 47) || va >= 0xffff800000000000ULL))
        die("invlpg of a non-canonical address (#GP on hardware)", va);
    fake_arch.invlpgs++;
    fake_arch.last_invlpg = va;
    for (unsigned i = 0; i < fake_tlb_nr;) {
        if (fake_tlb[i].level > 0 || fake_tlb[i].va == (va & ~0xfffULL)) {
            fake_tlb[i] = fake_tlb[--fake_tlb_nr];
            fake_tlb_next = fake_tlb_nr % FAKE_TLB_SIZE;
        } else {
            i++;
        }
    }
}

void arch_load_cr3(mfn_t l4)
{
    fake_arch.cr3_loads++;
    fake_arch.cr3 = mfn_x(l4);
    fake_tlb_clear();
}

uint64_t fake_host_l4e(unsigned slot)
{
    return 0x8000000000000063ULL | ((uint64_t)(0x40000 + slot) << 12);
}

uint64_t arch_host_l4e(unsigned slot)
{
    if (slot < 256 || slot > 271)
        die("arch_host_l4e of a guest slot", slot);
    return fake_host_l4e(slot);
}

uint64_t *arch_m2p(void) { return fake_m2p; }

static void fake_vprintk(const char *fmt, va_list ap)
{
    static int verbose = -1;

    if (verbose < 0)
        verbose = getenv("PVX_FAKE_VERBOSE") != NULL;
    fake_arch.printks++;
    if (verbose)
        vfprintf(stderr, fmt, ap);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fake_vprintk(fmt, ap);
    va_end(ap);
}

/* The fake machine keeps no per-domain log budget: every guest-caused line is counted. */
void printk_guest(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fake_vprintk(fmt, ap);
    va_end(ap);
}

static bool in_window(uint64_t gva, size_t len)
{
    return gva >= FAKE_GUEST_VA && len <= FAKE_GUEST_SIZE &&
           gva - FAKE_GUEST_VA <= FAKE_GUEST_SIZE - len;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!in_window(gva, len))
        return -XEN_EFAULT;
    memcpy(dst, &fake_guest_mem[gva - FAKE_GUEST_VA], len);
    return 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    if (!in_window(gva, len))
        return -XEN_EFAULT;
    memcpy(&fake_guest_mem[gva - FAKE_GUEST_VA], src, len);
    return 0;
}

bool guest_array_ok(uint64_t gva, uint64_t count, size_t size)
{
    return count <= FAKE_GUEST_SIZE && in_window(gva, (size_t)count * size);
}

/* A prechecked copy outside the window is a host bug (on the machine it could reach host
 * memory): the test stops. */
int copy_from_guest_prechecked(void *dst, uint64_t gva, size_t len)
{
    if (!in_window(gva, len))
        die("prechecked copy from outside the guest window", gva);
    return copy_from_guest(dst, gva, len);
}

int copy_to_guest_prechecked(uint64_t gva, const void *src, size_t len)
{
    if (!in_window(gva, len))
        die("prechecked copy to outside the guest window", gva);
    return copy_to_guest(gva, src, len);
}

uint64_t fake_guest_put(size_t off, const void *src, size_t len)
{
    if (off > FAKE_GUEST_SIZE || len > FAKE_GUEST_SIZE - off)
        die("guest window overflow", off);
    memcpy(&fake_guest_mem[off], src, len);
    return FAKE_GUEST_VA + off;
}

void fake_guest_get(size_t off, void *dst, size_t len)
{
    if (off > FAKE_GUEST_SIZE || len > FAKE_GUEST_SIZE - off)
        die("guest window overflow", off);
    memcpy(dst, &fake_guest_mem[off], len);
}
