/*
 * One ABI check result: a name (the text of the check) and the value it has under one set
 * of headers.  abi_pvx.c and abi_xen.c each build a table from checks.def; they cannot be
 * one translation unit because both header sets use the same names.
 */
#ifndef PVX_TESTS_ABI_H
#define PVX_TESTS_ABI_H

#include <stddef.h>
#include <stdint.h>

struct abi_value {
    const char *name;
    uint64_t value;
};

extern const struct abi_value abi_pvx_table[];
extern const size_t abi_pvx_count;
extern const struct abi_value abi_xen_table[];
extern const size_t abi_xen_count;

/* The entries both tables are built from; the names are the checks' spellings. */
#define CONST(c)     { #c, (uint64_t)(c) },
#define SIZE(t)      { "sizeof(" #t ")", sizeof(t) },
#define OFFSET(t, f) { "offsetof(" #t ", " #f ")", offsetof(t, f) },
#define MSIZE(t, f)  { "sizeof(((" #t " *)0)->" #f ")", sizeof(((t *)0)->f) },

#endif
