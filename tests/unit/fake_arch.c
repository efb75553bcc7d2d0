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
#include "mm/arch.h"
#include "guest_access.h"
#include "domain.h"
#include "fake_arch.h"

struct fake_arch_stats fake_arch;
uint8_t fake_mem[FAKE_FRAMES][4096] __attribute__((aligned(4096)));
uint64_t fake_m2p[FAKE_FRAMES];
uint8_t fake_guest_mem[FAKE_GUEST_SIZE];
struct vcpu *current;

void fake_arch_reset(void)
{
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

void *arch_map_frame(mfn_t mfn)
{
    fake_arch.maps++;
    return fake_frame(mfn);
}

void arch_unmap_frame(const void *p)
{
    if (p == NULL)
        die("unmap of NULL", 0);
    fake_arch.maps--;
}

void arch_flush_tlb_local(void) { fake_arch.flushes++; }

void arch_invlpg(uint64_t va)
{
    if (!(va < (1ULL << 47) || va >= 0xffff800000000000ULL))
        die("invlpg of a non-canonical address (#GP on hardware)", va);
    fake_arch.invlpgs++;
    fake_arch.last_invlpg = va;
}

void arch_load_cr3(mfn_t l4)
{
    fake_arch.cr3_loads++;
    fake_arch.cr3 = mfn_x(l4);
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
