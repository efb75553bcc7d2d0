/*
 * Address spaces built through pvops (kernel/vm.c), exercised from the kernel: faults are
 * resolved by calling vm_fault() as the page-fault handler would, and user memory is read
 * and written while the address space is active.
 *
 * Hypotheses:
 *  vm-demand-zero:  an area's pages appear zeroed on first touch, hold what is written, and
 *                   teardown returns every frame (free count back to its value).
 *  vm-fork-cow:     fork shares frames read-only; a write in the child copies the frame, a
 *                   write in the parent (now sole holder) takes it over without a copy; each
 *                   sees its own data; both teardowns return every frame.
 *  vm-fault-kill:   a fault outside every area, or a write to a read-only area, is refused
 *                   (-EFAULT: the process would be killed); nothing is mapped.
 *  vm-munmap:       munmap of 64 touched pages clears their entries and frees their frames.
 *  vm-mprotect:     mprotect(read) makes present entries read-only at once and write faults
 *                   are refused; mprotect(read|write) lets the next write fault upgrade.
 *  vm-split-pgd:    under PV every address space has a user pgd mirroring exactly the user
 *                   slots of its kernel pgd, both pinned (read-only in the direct map) while
 *                   it lives and writable again after teardown.
 */
#include <public/errno.h>
#include "mm.h"
#include "kernel/vm.h"

#define UBASE 0x400000ULL

static bool setup(struct xtf_result *res, struct mm **mm, uint64_t npages, unsigned prot)
{
    *mm = mm_new();
    if (!*mm) {
        xtf_error(res, "mm_new failed (%lu frames free)", frames_free());
        return false;
    }
    if (vm_map_area(*mm, UBASE, npages * PAGE_SIZE, prot)) {
        xtf_error(res, "vm_map_area failed");
        return false;
    }
    return true;
}

static bool touch(struct xtf_result *res, struct mm *mm, uint64_t va, uint64_t val)
{
    int rc = vm_fault(mm, va, true);
    if (rc)
        xtf_failure(res, "write fault at %#lx: %d", va, rc);
    else
        poke((void *)va, val);
    return rc == 0;
}

XTF_TEST(vm_demand_zero, "vm-demand-zero", "pages appear zeroed on first touch; teardown frees all")
{
    uint64_t before = frames_free();
    struct mm *mm;

    if (!setup(res, &mm, 8, VM_READ | VM_WRITE))
        return;
    mm_activate(mm);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t va = UBASE + i * PAGE_SIZE;
        if (!xtf_expect_rc(res, "read fault", vm_fault(mm, va, false), 0))
            break;
        xtf_expect(res, peek((void *)va) == 0, "page not zero");
        if (!touch(res, mm, va, MAGIC_A + i))
            break;
    }
    for (unsigned i = 0; i < 8; i++)
        xtf_expect(res, peek((void *)(UBASE + i * PAGE_SIZE)) == MAGIC_A + i, "data lost");
    mm_activate(NULL);
    mm_destroy(mm);
    if (frames_free() != before)
        return xtf_failure(res, "free frames %lu after teardown, %lu before", frames_free(), before);
    xtf_success(res);
}

XTF_TEST(vm_fork_cow, "vm-fork-cow", "fork shares copy-on-write; writes separate the copies")
{
    uint64_t before = frames_free();
    struct mm *parent, *child;

    if (!setup(res, &parent, 2, VM_READ | VM_WRITE))
        return;
    mm_activate(parent);
    if (!touch(res, parent, UBASE, MAGIC_A) || !touch(res, parent, UBASE + PAGE_SIZE, MAGIC_B))
        return;
    child = mm_fork(parent);
    if (!child)
        return xtf_error(res, "fork failed");
    pteval_t pe = *vm_pte(parent, UBASE), ce = *vm_pte(child, UBASE);
    pfn_t shared = mfn_to_pfn(pte_mfn(pe));
    xtf_expect(res, pte_mfn(pe).v == pte_mfn(ce).v, "child does not share the frame");
    xtf_expect(res, !(pe & PTE_RW) && !(ce & PTE_RW) && (pe & PTE_COW) && (ce & PTE_COW),
               "shared frame not read-only copy-on-write in both");
    xtf_expect(res, frame_refs(shared) == 2, "shared frame not held twice");

    mm_activate(child);
    xtf_expect(res, peek((void *)UBASE) == MAGIC_A, "child does not see the parent's data");
    touch(res, child, UBASE, MAGIC_B);
    xtf_expect(res, pte_mfn(*vm_pte(child, UBASE)).v != pte_mfn(pe).v, "child write did not copy");
    mm_activate(parent);
    xtf_expect(res, peek((void *)UBASE) == MAGIC_A, "child's write reached the parent");
    xtf_expect(res, frame_refs(shared) == 1, "copied frame still held twice");
    touch(res, parent, UBASE, MAGIC_A + 1);
    xtf_expect(res, pte_mfn(*vm_pte(parent, UBASE)).v == pte_mfn(pe).v,
               "sole holder's write copied instead of taking over");
    mm_activate(child);
    xtf_expect(res, peek((void *)UBASE) == MAGIC_B, "parent's write reached the child");
    xtf_expect(res, peek((void *)(UBASE + PAGE_SIZE)) == MAGIC_B, "untouched shared page lost");
    mm_activate(NULL);
    mm_destroy(child);
    mm_destroy(parent);
    if (frames_free() != before)
        return xtf_failure(res, "free frames %lu after teardown, %lu before", frames_free(), before);
    xtf_success(res);
}

XTF_TEST(vm_fault_kill, "vm-fault-kill", "faults outside areas or against protection are refused")
{
    uint64_t before = frames_free();
    struct mm *mm;

    if (!setup(res, &mm, 1, VM_READ))
        return;
    xtf_expect_rc(res, "fault below the area", vm_fault(mm, UBASE - PAGE_SIZE, false), -XEN_EFAULT);
    xtf_expect_rc(res, "fault above the area", vm_fault(mm, UBASE + PAGE_SIZE, true), -XEN_EFAULT);
    xtf_expect_rc(res, "write to a read-only area", vm_fault(mm, UBASE, true), -XEN_EFAULT);
    xtf_expect_rc(res, "kernel address", vm_fault(mm, VIRT_BASE, false), -XEN_EFAULT);
    pteval_t *e = vm_pte(mm, UBASE);
    xtf_expect(res, !e || !(*e & PTE_P), "a refused fault mapped something");
    mm_destroy(mm);
    xtf_expect(res, frames_free() == before, "frames leaked");
    xtf_success(res);
}

XTF_TEST(vm_munmap, "vm-munmap", "munmap clears entries and frees frames")
{
    struct mm *mm;

    if (!setup(res, &mm, 64, VM_READ | VM_WRITE))
        return;
    mm_activate(mm);
    for (unsigned i = 0; i < 64; i++)
        if (!touch(res, mm, UBASE + i * PAGE_SIZE, i))
            return;
    uint64_t mid = frames_free();
    xtf_expect_rc(res, "munmap", vm_unmap(mm, UBASE, 64 * PAGE_SIZE), 0);
    xtf_expect(res, frames_free() == mid + 64, "64 frames not freed");
    for (unsigned i = 0; i < 64; i++)
        if (!xtf_expect(res, !(*vm_pte(mm, UBASE + i * PAGE_SIZE) & PTE_P), "entry left"))
            break;
    xtf_expect_rc(res, "fault after munmap", vm_fault(mm, UBASE, false), -XEN_EFAULT);
    mm_activate(NULL);
    mm_destroy(mm);
    xtf_success(res);
}

XTF_TEST(vm_mprotect, "vm-mprotect", "mprotect takes write away at once and gives it back on fault")
{
    struct mm *mm;

    if (!setup(res, &mm, 4, VM_READ | VM_WRITE))
        return;
    mm_activate(mm);
    for (unsigned i = 0; i < 4; i++)
        touch(res, mm, UBASE + i * PAGE_SIZE, i);
    xtf_expect_rc(res, "mprotect read", vm_protect(mm, UBASE, 4 * PAGE_SIZE, VM_READ), 0);
    for (unsigned i = 0; i < 4; i++)
        xtf_expect(res, !(*vm_pte(mm, UBASE + i * PAGE_SIZE) & PTE_RW), "entry still writable");
    xtf_expect_rc(res, "write fault on read-only", vm_fault(mm, UBASE, true), -XEN_EFAULT);
    xtf_expect(res, peek((void *)(UBASE + 3 * PAGE_SIZE)) == 3, "data lost by mprotect");
    xtf_expect_rc(res, "mprotect rw", vm_protect(mm, UBASE, 4 * PAGE_SIZE, VM_READ | VM_WRITE), 0);
    touch(res, mm, UBASE, 42);
    xtf_expect(res, (*vm_pte(mm, UBASE) & PTE_RW) && peek((void *)UBASE) == 42,
               "write fault did not upgrade");
    xtf_expect_rc(res, "mprotect outside", vm_protect(mm, UBASE, 8 * PAGE_SIZE, VM_READ), -XEN_ENOMEM);
    mm_activate(NULL);
    mm_destroy(mm);
    xtf_success(res);
}

/* Whether the direct-map alias of the frame at va is writable. */
static bool alias_writable(const void *va)
{
    pteval_t *e = pt_lookup((uint64_t)pfn_to_virt(virt_to_pfn(va)), 1);
    return e && (*e & PTE_RW);
}

XTF_TEST(vm_split_pgd, "vm-split-pgd", "the user pgd mirrors the user slots; both pinned")
{
    struct mm *mm;

    if (!mm_need_pv(res) || !setup(res, &mm, 1, VM_READ | VM_WRITE))
        return;
    if (!xtf_expect(res, mm->pv.user_pgd != NULL, "no user pgd"))
        return;
    const pteval_t *k = mm->pv.pgd, *u = mm->pv.user_pgd;
    mm_activate(mm);
    touch(res, mm, UBASE, 1);
    mm_activate(NULL);
    unsigned slot = pt_index(UBASE, 4);
    xtf_expect(res, (k[slot] & PTE_P) && u[slot] == k[slot], "user slot not mirrored");
    bool kernel_free = true, same = true;
    for (unsigned i = PGD_USER_SLOTS; i < PT_ENTRIES; i++)
        kernel_free &= !(u[i] & PTE_P) || (i >= HOST_SLOT_FIRST && i <= HOST_SLOT_LAST);
    for (unsigned i = 0; i < PGD_USER_SLOTS; i++)
        same &= u[i] == k[i];
    xtf_expect(res, kernel_free, "user pgd maps kernel space");
    xtf_expect(res, same, "user halves differ");
    xtf_expect(res, !alias_writable(k) && !alias_writable(u), "a pinned pgd has a writable alias");
    pfn_t kp = virt_to_pfn(k), up = virt_to_pfn(u);
    mm_destroy(mm);
    xtf_expect(res, alias_writable(pfn_to_virt(kp)) && alias_writable(pfn_to_virt(up)),
               "pgd frames not writable after teardown");
    xtf_success(res);
}
