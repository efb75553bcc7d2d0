/*
 * Address spaces.  Each one is a pvops address space (kernel pgd, and under PV its user
 * pgd) whose kernel half is shared with the boot pgd and whose user half is built only
 * through pvops hooks, plus a short list of areas (what mmap, brk and exec made).  Frames
 * in user mappings are reference counted: fork shares them copy-on-write, the last holder
 * frees them.  Every address space is pinned while it exists (pvops dup_mmap) and unpinned
 * just before its teardown (exit_mmap).
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "kernel/frames.h"

#define VM_READ   1
#define VM_WRITE  2
#define VM_EXEC   4

#define USER_TOP     0x0000800000000000ULL    /* first address past user space */
#define MAX_AREAS    16

struct vm_area {
    uint64_t start, end;      /* page aligned; end == 0: unused slot */
    unsigned prot;            /* VM_* */
};

struct mm {
    struct pv_mm pv;
    struct vm_area areas[MAX_AREAS];
    uint64_t brk_start, brk;
    bool in_use;
};

/* Where the boot pgd is, and which of its slots every address space shares. */
void vm_init(void);

/* A new, empty, pinned address space; NULL when out of frames or slots. */
struct mm *mm_new(void);
/* The same, not pinned yet: its tables are plain memory until mm_pin() (exec fills it that
 * way, as fork fills its child). */
struct mm *mm_new_unpinned(void);
int mm_pin(struct mm *mm);
/* A copy-on-write copy of `parent` (pinned); NULL when out of frames. */
struct mm *mm_fork(struct mm *parent);
/* Unpin and free everything.  Requires: not the active address space. */
void mm_destroy(struct mm *mm);
/* Switch to `mm` (NULL: the boot pgd). */
void mm_activate(struct mm *mm);
struct mm *mm_current(void);

/* Add an area [start, start + len) with `prot`; frames come on first touch.  0 or -errno. */
int vm_map_area(struct mm *mm, uint64_t start, uint64_t len, unsigned prot);
/* Remove mappings and area coverage of [start, start + len). */
int vm_unmap(struct mm *mm, uint64_t start, uint64_t len);
/* Change the protection of [start, start + len) (must be inside areas). */
int vm_protect(struct mm *mm, uint64_t start, uint64_t len, unsigned prot);
/* A free range of len bytes at or above `hint` not covered by any area; 0 if none. */
uint64_t vm_find_free(struct mm *mm, uint64_t hint, uint64_t len);

/* Resolve a fault at va: demand-zero, copy-on-write, or a write to a page whose area
 * allows it.  0 when resolved; -EFAULT when va is outside every area or the access is not
 * allowed (the process must die). */
int vm_fault(struct mm *mm, uint64_t va, bool write);
/* Map frame p at va with prot (exec loading); takes the caller's reference. */
int vm_insert(struct mm *mm, uint64_t va, pfn_t p, unsigned prot);

/* The L1 entry mapping va, or NULL when no L1 exists there (reads through the direct map,
 * issuing any queued update first). */
pteval_t *vm_pte(struct mm *mm, uint64_t va);
/* Frames held by mm: tables (both pgds included) and mapped user frames. */
void vm_usage(struct mm *mm, uint64_t *tables, uint64_t *pages);

#endif
