/*
 * Guest memory a word at a time, for the paths that read or write one fixed-size frame on
 * every bounce and every iret (pv_traps.c, pv_iret.c).  copy_from_guest/copy_to_guest
 * (guest_access.h) check the range and run a copy loop on each call; here the caller checks
 * the frame's range once with guest_range_ok(), and each word is then one instruction with
 * an exception-table entry (traps.c) that jumps to the caller's label on a fault, as the
 * copies' own fixups do.  CR0.WP is on, so a write to a read-only guest page faults too.
 */
#ifndef PVX_X86_GUEST_WORD_H
#define PVX_X86_GUEST_WORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "layout.h"

/*
 * [gva, gva + len) is guest memory: wholly below the canonical hole, or wholly above the
 * host's range without wrapping past the top.  (A range that starts in the hole or the
 * host's range fails the second test; one that starts below and runs into them fails the
 * first.)  An empty range is always fine: nothing is touched.
 */
static inline bool guest_range_ok(uint64_t gva, size_t len)
{
    uint64_t end = gva + len;

    return len == 0 || (end >= gva && (end <= (1ULL << 47) || gva >= HOST_RANGE_END));
}

#define GUEST_WORD_FIXUP(label)                                                           \
    ".pushsection .ex_table, \"a\"\n\t.balign 8\n\t.quad 1b, %l[" #label "]\n\t.popsection"

/* Store the word `val` at guest address `gva` (range already checked); on a fault, goto
 * `fault`. */
#define guest_put_word(gva, val, fault)                                                   \
    __asm__ goto("1: movq %0, %1\n\t" GUEST_WORD_FIXUP(fault)                              \
                 : : "r"((uint64_t)(val)), "m"(*(uint64_t *)(uintptr_t)(gva)) : "memory"     \
                 : fault)

/* Load the word at guest address `gva` (range already checked) into `var`; on a fault, goto
 * `fault` (var is then undefined). */
#define guest_get_word(var, gva, fault)                                                   \
    __asm__ goto("1: movq %1, %0\n\t" GUEST_WORD_FIXUP(fault)                              \
                 : "=r"(var) : "m"(*(const uint64_t *)(uintptr_t)(gva)) : "memory" : fault)

#endif
