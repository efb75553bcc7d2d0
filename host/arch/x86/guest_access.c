/*
 * copy_from_guest / copy_to_guest on x86: the guest's pagetables are live while a hypercall
 * runs, so a guest virtual address is used as is, after refusing what the guest must never
 * name: a non-canonical address, a range that wraps, or anything in the host's L4 slots
 * 256-271 (the M2P, the host image, the direct map).  A fault during the copy (unmapped, or
 * a write to a read-only page, CR0.WP is on) is caught by the exception table and becomes
 * -XEN_EFAULT.  SMAP is off, so ring 0 may touch the guest's (user) pages.  The _prechecked
 * copies (copy.S) trust their caller to have passed the range through guest_array_ok; they
 * keep the fixup, so an unmapped page is still -XEN_EFAULT.
 */
#include <public/errno.h>
#include "arch/x86/x86.h"
#include "guest_access.h"
#include "arch/x86/guest_word.h"

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!guest_range_ok(gva, len))
        return -XEN_EFAULT;
    return arch_copy_fixup(dst, (const void *)(uintptr_t)gva, len) == 0 ? 0 : -XEN_EFAULT;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    if (!guest_range_ok(gva, len))
        return -XEN_EFAULT;
    return arch_copy_fixup((void *)(uintptr_t)gva, src, len) == 0 ? 0 : -XEN_EFAULT;
}

bool guest_array_ok(uint64_t gva, uint64_t count, size_t size)
{
    uint64_t len;

    return !__builtin_mul_overflow(count, (uint64_t)size, &len) && guest_range_ok(gva, len);
}

/* copy_from_guest_prechecked and copy_to_guest_prechecked are in copy.S. */

/*
 * Run once with the new domain's pagetables live, before its first instruction: proves on
 * the real machine that each refusal path works (the unit tests cannot exercise the
 * exception-table fixup or CR0.WP).  `unmapped` is a canonical guest VA the bootstrap
 * tables do not map (the builder picks one outside the region: a kernel may put its region
 * anywhere, low addresses included); `readable` is a mapped, writable guest VA; `readonly`
 * a mapped read-only one (a bootstrap pagetable).  Returns how many checks failed, and in
 * *total how many there are.
 */
unsigned arch_guest_access_selfcheck(uint64_t unmapped, uint64_t readable, uint64_t readonly,
                                     unsigned *total)
{
    uint64_t word = 0, saved = 0;
    unsigned bad = 0, n = 0;
#define EXPECT(call, rc) (n++, bad += (call) != (rc))

    EXPECT(copy_from_guest(&word, unmapped, sizeof(word)), -XEN_EFAULT);
    EXPECT(copy_from_guest(&word, HOST_DIRECTMAP, sizeof(word)), -XEN_EFAULT);    /* host */
    EXPECT(copy_from_guest(&word, HOST_RANGE_END - 4, sizeof(word)), -XEN_EFAULT);
    EXPECT(copy_from_guest(&word, 0x0000800000000000ULL, 1), -XEN_EFAULT);        /* hole */
    EXPECT(copy_from_guest(&word, ~0ULL - 3, sizeof(word)), -XEN_EFAULT);         /* wraps */
    EXPECT(copy_from_guest(&word, readable, sizeof(word)), 0);
    EXPECT(copy_to_guest(readable, &word, sizeof(word)), 0);
    /* Write back the very bytes read, so a host without WP would still change nothing. */
    EXPECT(copy_from_guest(&saved, readonly, sizeof(saved)), 0);
    EXPECT(copy_to_guest(readonly, &saved, sizeof(saved)), -XEN_EFAULT);
#undef EXPECT
    *total = n;
    return bad;
}

/* The same for guest arrays (guest_array_ok and the _prechecked copies) and for both
 * fixups of the word-sized copy: a fault in its word loop and in its byte tail. */
unsigned arch_guest_array_selfcheck(uint64_t unmapped, uint64_t readable, uint64_t readonly,
                                    unsigned *total)
{
    uint64_t saved = 0, three[3];
    unsigned bad = 0, n = 0;
#define EXPECT(call, rc) (n++, bad += (call) != (rc))

    EXPECT(guest_array_ok(0x00007ffffffff000ULL, 2, 4096), false);     /* into the hole */
    EXPECT(guest_array_ok(HOST_RANGE_END - 64, 2, 64), false);          /* host */
    EXPECT(guest_array_ok(~0ULL - 63, 2, 64), false);                   /* wraps */
    EXPECT(guest_array_ok(readable, 1ULL << 60, 64), false);            /* count * size */
    EXPECT(guest_array_ok(readable, 3, sizeof(uint64_t)), true);
    EXPECT(copy_from_guest(three, unmapped, 13), -XEN_EFAULT);          /* word loop */
    EXPECT(copy_from_guest(three, unmapped, 5), -XEN_EFAULT);           /* byte tail */
    EXPECT(copy_from_guest(three, readable, 21), 0);
    EXPECT(copy_from_guest_prechecked(three, unmapped, sizeof(three)), -XEN_EFAULT);
    EXPECT(copy_from_guest_prechecked(three, readable, sizeof(three)), 0);
    EXPECT(copy_from_guest_prechecked(&saved, readonly, sizeof(saved)), 0);
    EXPECT(copy_to_guest_prechecked(readonly, &saved, sizeof(saved)), -XEN_EFAULT);
#undef EXPECT
    *total = n;
    return bad;
}
