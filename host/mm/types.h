/*
 * Distinct types for machine frames (mfn_t) and guest pseudo-physical frames (pfn_t): passing
 * one where the other is expected does not compile.  Only values that went through these
 * types are protected: guest-supplied raw values stay plain uint64_t until a checker turns
 * them into an mfn_t, and arithmetic happens on the raw numbers (mfn_x, pfn_x).
 */
#ifndef PVX_MM_TYPES_H
#define PVX_MM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t m; } mfn_t;   /* machine frame number */
typedef struct { uint64_t p; } pfn_t;   /* guest pseudo-physical frame number */

static inline mfn_t _mfn(uint64_t m) { return (mfn_t){ m }; }
static inline uint64_t mfn_x(mfn_t m) { return m.m; }
static inline pfn_t _pfn(uint64_t p) { return (pfn_t){ p }; }
static inline uint64_t pfn_x(pfn_t p) { return p.p; }
static inline bool mfn_eq(mfn_t a, mfn_t b) { return a.m == b.m; }

#define INVALID_MFN_RAW (~0ULL)
static inline mfn_t invalid_mfn(void) { return _mfn(INVALID_MFN_RAW); }
static inline bool mfn_valid_raw(mfn_t m) { return m.m != INVALID_MFN_RAW; }

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ULL

typedef uint16_t domid_t;

#endif
