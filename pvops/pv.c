/*
 * Hypercall backend: the guest kernel runs in ring 3 under a Xen-ABI hypervisor (pvx or
 * Xen).  Tables of a pinned tree are read-only to us and every write to them is an
 * mmu_update the hypervisor validates; tables of an unpinned tree are ordinary memory and
 * written with plain stores.  Updates go through the multicall buffer (multicall.h), so a
 * lazy section costs one multicall.  The split pgd follows Linux's xen64 user pagetables:
 * every address space that runs user code has a user pgd that mirrors the user slots of
 * its kernel pgd; write_cr3 sets both base pointers in one batch; pin and unpin cover both.
 * Power-off first tries the exit port (works where the hypervisor grants I/O privilege,
 * i.e. Xen's dom0), then SCHEDOP_shutdown.
 */
#include <public/sched.h>
#include <public/physdev.h>
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include "multicall.h"
#include "arch/x86/io.h"
#include "arch/x86/layout.h"
#include "arch/x86/trapframe.h"

/* The kernel base pointer in force: reading cr3 in ring 3 would trap, so we remember it. */
static uint64_t pv_cr3;
/* Try the exit port before SCHEDOP_shutdown (off: test the hypervisor's own shutdown). */
static bool pv_exit_port = true;
/* The virtual interrupt flag: vcpu_info.evtchn_upcall_mask once shared_info is mapped,
 * a flag of our own before.  No event channel is bound yet, so nothing is delivered. */
static uint8_t pv_boot_mask = 1;
static volatile uint8_t *pv_upcall_mask = &pv_boot_mask;
static struct vcpu_info *pv_vcpu;
static uint64_t pv_shared_maddr;
static void *pv_shared_va;

void pv_pvops_shared_info(uint64_t maddr, void *va)
{
    pv_shared_maddr = maddr;
    pv_shared_va = va;
}

void pv_pvops_exit_port(bool on)
{
    pv_exit_port = on;
}

bool pv_pvops_batched(void)
{
    return mc_batching();
}

void pv_pvops_init(uint64_t boot_cr3, bool batch)
{
    pv_cr3 = boot_cr3;
    mc_set_batching(batch);
}

unsigned long pv_irq_save(void)
{
    unsigned long old = *pv_upcall_mask;
    *pv_upcall_mask = 1;
    return old;
}

void pv_irq_restore(unsigned long flags)
{
    *pv_upcall_mask = (uint8_t)flags;
}

/* ---- Queuing one request. ---- */

static void queue_mmu_update(enum pv_hook hook, const pteval_t *p, pteval_t v)
{
    struct mc_space s = mc_entry(hook, sizeof(struct mmu_update));
    struct mmu_update *u = s.args;
    u->ptr = pvenv_virt_to_maddr(p) | MMU_NORMAL_PT_UPDATE;
    u->val = v;
    *s.mc = (struct multicall_entry){ .op = __HYPERVISOR_mmu_update,
                                      .args = { (uint64_t)u, 1, 0, DOMID_SELF } };
}

static void queue_mmuext(enum pv_hook hook, unsigned cmd, uint64_t arg1)
{
    struct mc_space s = mc_entry(hook, sizeof(struct mmuext_op));
    struct mmuext_op *op = s.args;
    *op = (struct mmuext_op){ .cmd = cmd };
    op->arg1.mfn = arg1;
    if (cmd >= MMUEXT_NEW_BASEPTR && cmd <= MMUEXT_INVLPG_ALL)   /* flushes, invlpgs, cr3 */
        pv_counts.flushes++;
    *s.mc = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op,
                                      .args = { (uint64_t)op, 1, 0, DOMID_SELF } };
}

/* Remap frame p's direct-map alias read-only or writable (a frame becomes or stops being
 * a pagetable: the hypervisor refuses a table with a writable mapping). */
static void queue_alias(enum pv_hook hook, pfn_t p, bool writable, uint64_t flush)
{
    struct mc_space s = mc_entry(hook, 0);
    pteval_t v = pte_make(pvenv_pfn_to_mfn(p), PTE_P | PTE_A | PTE_D | PTE_NX |
                                               (writable ? PTE_RW : 0));
    if (flush & (UVMF_INVLPG | UVMF_TLB_FLUSH))
        pv_counts.flushes++;
    *s.mc = (struct multicall_entry){ .op = __HYPERVISOR_update_va_mapping,
                                      .args = { (uint64_t)pvenv_pfn_to_virt(p), v, flush } };
}

static struct pv_frame *frame_of(const void *va)
{
    return pvenv_frame(pvenv_virt_to_pfn(va));
}

/* ---- MMU hooks. ---- */

static uint64_t pv_read_cr3(void)
{
    return pv_cr3;
}

static void set_cr3_done(void *cr3)
{
    pv_cr3 = (uint64_t)cr3;
}

/* Kernel and user base pointers in one batch; the user one is the kernel pgd's user pgd,
 * or none (0) for a pgd without one (the boot pgd, tests' tables). */
static int pv_write_cr3(uint64_t cr3)
{
    pfn_t k = pvenv_mfn_to_pfn(mfn(cr3 >> 12));
    uint32_t user = pvenv_frame(k)->user_pgd;

    mc_batch();
    queue_mmuext(PVH_WRITE_CR3, MMUEXT_NEW_BASEPTR, cr3 >> 12);
    queue_mmuext(PVH_WRITE_CR3, MMUEXT_NEW_USER_BASEPTR,
                 user ? pvenv_pfn_to_mfn(pfn(user)).v : 0);
    mc_callback(set_cr3_done, (void *)cr3);
    return mc_issue(LAZY_CPU);
}

static int pv_mmuext_hook(enum pv_hook hook, unsigned cmd, uint64_t arg1)
{
    mc_batch();
    queue_mmuext(hook, cmd, arg1);
    return mc_issue(LAZY_MMU);
}

static int pv_flush_tlb(void)
{
    return pv_mmuext_hook(PVH_FLUSH_TLB, MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static int pv_flush_tlb_one(uint64_t va)
{
    return pv_mmuext_hook(PVH_FLUSH_TLB, MMUEXT_INVLPG_LOCAL, va);
}

static int set_entry(enum pv_hook hook, pteval_t *p, pteval_t v)
{
    if (!frame_of(p)->pinned) {
        *(volatile pteval_t *)p = v;
        return 0;
    }
    mc_batch();
    queue_mmu_update(hook, p, v);
    return mc_issue(LAZY_MMU);
}

static int pv_set_pte(pteval_t *p, pteval_t v) { return set_entry(PVH_SET_PTE, p, v); }
static int pv_set_pmd(pteval_t *p, pteval_t v) { return set_entry(PVH_SET_PMD, p, v); }
static int pv_set_pud(pteval_t *p, pteval_t v) { return set_entry(PVH_SET_PUD, p, v); }
static int pv_pte_clear(pteval_t *p) { return set_entry(PVH_SET_PTE, p, 0); }

/* The user pgd slot mirroring kernel pgd slot p, or NULL (kernel slot, or no user pgd). */
static pteval_t *user_slot(pteval_t *p)
{
    uint64_t va = (uint64_t)p;
    unsigned idx = (unsigned)((va & 0xfff) / sizeof(pteval_t));
    uint32_t user = frame_of(p)->user_pgd;

    if (idx >= PGD_USER_SLOTS || !user)
        return NULL;
    return (pteval_t *)pvenv_pfn_to_virt(pfn(user)) + idx;
}

/* Unpinned: two plain stores.  Pinned: both updates in one batch. */
static int pv_set_pgd(pteval_t *p, pteval_t v)
{
    pteval_t *u = user_slot(p);

    if (!frame_of(p)->pinned) {
        *(volatile pteval_t *)p = v;
        if (u)
            *(volatile pteval_t *)u = v;
        return 0;
    }
    mc_batch();
    queue_mmu_update(PVH_SET_PGD, p, v);
    if (u)
        queue_mmu_update(PVH_SET_PGD, u, v);
    return mc_issue(LAZY_MMU);
}

static pteval_t pv_read_entry(pteval_t *p)
{
    if (mc_queued_update(pvenv_virt_to_maddr(p)))
        mc_flush();
    return *(volatile pteval_t *)p;
}

static int pv_protect_ptes(pteval_t *p, unsigned n, pteval_t clear, pteval_t set)
{
    bool pinned = frame_of(p)->pinned;

    mc_batch();
    for (unsigned i = 0; i < n; i++) {
        pteval_t old = p[i];
        if (!(old & PTE_P))
            continue;
        pteval_t v = (old & ~clear) | set;
        if (pinned)
            queue_mmu_update(PVH_PROTECT, &p[i], v);
        else
            p[i] = v;
    }
    return mc_issue(LAZY_MMU);
}

/* A frame joins a table tree: read-only first if the tree is pinned. */
static int alloc_pt(struct pv_mm *mm, pfn_t p, unsigned level)
{
    struct pv_frame *f = pvenv_frame(p);
    f->table_level = (uint8_t)level;
    if (!mm->pinned)
        return 0;
    f->pinned = true;
    mc_batch();
    queue_alias(PVH_ALLOC_PT, p, false, UVMF_NONE);
    return mc_issue(LAZY_MMU);
}

/* A frame leaves a table tree (already unlinked): writable again if it was pinned. */
static int release_pt(struct pv_mm *mm, pfn_t p)
{
    struct pv_frame *f = pvenv_frame(p);
    bool was_pinned = f->pinned;
    (void)mm;
    f->table_level = 0;
    f->pinned = false;
    if (!was_pinned)
        return 0;
    mc_batch();
    queue_alias(PVH_RELEASE_PT, p, true, UVMF_INVLPG | UVMF_LOCAL);
    return mc_issue(LAZY_MMU);
}

static int pv_alloc_pte(struct pv_mm *mm, pfn_t p) { return alloc_pt(mm, p, 1); }
static int pv_alloc_pmd(struct pv_mm *mm, pfn_t p) { return alloc_pt(mm, p, 2); }
static int pv_alloc_pud(struct pv_mm *mm, pfn_t p) { return alloc_pt(mm, p, 3); }
static int pv_release_pt(struct pv_mm *mm, pfn_t p) { return release_pt(mm, p); }

/* Visit every table frame below the user slots of `pgd` (L3s, L2s, L1s); the kernel
 * slots point into the boot tree, which stays pinned for the life of the guest. */
static void walk_user_tables(const pteval_t *pgd, void (*fn)(pfn_t p, void *arg), void *arg)
{
    for (unsigned i4 = 0; i4 < PGD_USER_SLOTS; i4++) {
        if (!(pgd[i4] & PTE_P))
            continue;
        pfn_t p3 = pvenv_mfn_to_pfn(pte_mfn(pgd[i4]));
        const pteval_t *l3 = pvenv_pfn_to_virt(p3);
        for (unsigned i3 = 0; i3 < PT_ENTRIES; i3++) {
            if (!(l3[i3] & PTE_P))
                continue;
            pfn_t p2 = pvenv_mfn_to_pfn(pte_mfn(l3[i3]));
            const pteval_t *l2 = pvenv_pfn_to_virt(p2);
            for (unsigned i2 = 0; i2 < PT_ENTRIES; i2++)
                if (l2[i2] & PTE_P)
                    fn(pvenv_mfn_to_pfn(pte_mfn(l2[i2])), arg);
            fn(p2, arg);
        }
        fn(p3, arg);
    }
}

static void pin_one(pfn_t p, void *arg)
{
    (void)arg;
    pvenv_frame(p)->pinned = true;
    queue_alias(PVH_PIN, p, false, UVMF_NONE);
}

static void unpin_one(pfn_t p, void *arg)
{
    (void)arg;
    pvenv_frame(p)->pinned = false;
    queue_alias(PVH_UNPIN, p, true, UVMF_NONE);
}

/* Pin the whole tree in one batch: every table read-only (the kernel pgd's remap last,
 * flushing the TLB so no stale writable alias survives), then the user and the kernel pgd
 * pinned as L4s: the hypervisor validates everything below them. */
static int pv_pin_mm(struct pv_mm *mm)
{
    pfn_t k = pvenv_virt_to_pfn(mm->pgd);
    pfn_t u = mm->user_pgd ? pvenv_virt_to_pfn(mm->user_pgd) : pfn(0);

    mc_batch();
    walk_user_tables(mm->pgd, pin_one, NULL);
    if (u.v)
        pin_one(u, NULL);
    pvenv_frame(k)->pinned = true;
    queue_alias(PVH_PIN, k, false, UVMF_TLB_FLUSH | UVMF_LOCAL);
    queue_mmuext(PVH_PIN, MMUEXT_PIN_L4_TABLE, pvenv_pfn_to_mfn(k).v);
    if (u.v)
        queue_mmuext(PVH_PIN, MMUEXT_PIN_L4_TABLE, pvenv_pfn_to_mfn(u).v);
    mm->pinned = true;
    return mc_issue(LAZY_NONE);
}

/* Unpin both pgds, then make every table writable again.  Requires: mm is not in use. */
static int pv_unpin_mm(struct pv_mm *mm)
{
    pfn_t k = pvenv_virt_to_pfn(mm->pgd);

    if (!mm->pinned)
        return 0;
    mc_batch();
    queue_mmuext(PVH_UNPIN, MMUEXT_UNPIN_TABLE, pvenv_pfn_to_mfn(k).v);
    if (mm->user_pgd) {
        pfn_t u = pvenv_virt_to_pfn(mm->user_pgd);
        queue_mmuext(PVH_UNPIN, MMUEXT_UNPIN_TABLE, pvenv_pfn_to_mfn(u).v);
        unpin_one(u, NULL);
    }
    unpin_one(k, NULL);
    walk_user_tables(mm->pgd, unpin_one, NULL);
    queue_mmuext(PVH_UNPIN, MMUEXT_TLB_FLUSH_LOCAL, 0);   /* no stale read-only alias */
    mm->pinned = false;
    return mc_issue(LAZY_NONE);
}

/* The user pgd comes with the kernel one and is linked to it through the frame state. */
static int pv_pgd_alloc(struct pv_mm *mm)
{
    pfn_t u = pvenv_frame_alloc();
    if (!u.v)
        return -12;   /* -ENOMEM */
    pvenv_frame(pvenv_virt_to_pfn(mm->pgd))->user_pgd = (uint32_t)u.v;
    pvenv_frame(pvenv_virt_to_pfn(mm->pgd))->table_level = 4;
    pvenv_frame(u)->table_level = 4;
    mm->user_pgd = pvenv_pfn_to_virt(u);
    return 0;
}

static void pv_pgd_free(struct pv_mm *mm)
{
    struct pv_frame *kf = pvenv_frame(pvenv_virt_to_pfn(mm->pgd));

    pv_unpin_mm(mm);
    kf->user_pgd = 0;
    kf->table_level = 0;
    if (mm->user_pgd) {
        pfn_t u = pvenv_virt_to_pfn(mm->user_pgd);
        pvenv_frame(u)->table_level = 0;
        pvenv_frame_free(u);
        mm->user_pgd = NULL;
    }
}

static int pv_activate_mm(struct pv_mm *next)
{
    return pv_write_cr3(pvenv_virt_to_maddr(next->pgd));
}

static void pv_lazy_mmu_enter(void) { mc_lazy_enter(LAZY_MMU); }
static void pv_lazy_mmu_leave(void) { mc_lazy_leave(LAZY_MMU); }
static void pv_lazy_cpu_enter(void) { mc_lazy_enter(LAZY_CPU); }
static void pv_lazy_cpu_leave(void) { mc_lazy_leave(LAZY_CPU); }

static void pv_lazy_mmu_flush(void)
{
    if (mc_lazy_mode() == LAZY_MMU)
        mc_flush();
}

/* ---- CPU hooks. ---- */

static struct trap_info pv_traps[33];    /* vectors 0-31 and the terminating entry */
static unsigned pv_timer_port;           /* 0: no timer event */

#define TIMER_PERIOD_NS 10000000ULL      /* 100 Hz, as the native PIT */

/* A periodic VIRQ_TIMER on an event channel, delivered through the event callback.  The
 * kernel runs with events masked (every callback masks them); they are unmasked only by
 * the iret to user mode, so a tick preempts user code and never the kernel.  0, or the
 * refusal (the kernel then schedules cooperatively). */
static int pv_timer_init(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct callback_register cb = { .type = CALLBACKTYPE_event,
                                    .flags = CALLBACKF_mask_events,
                                    .address = (uint64_t)pv_event_entry };
    struct vcpu_set_periodic_timer pt = { .period_ns = TIMER_PERIOD_NS };
    long rc;

    rc = pv_hypercall(PVH_CPU, __HYPERVISOR_callback_op, CALLBACKOP_register, 1,
                      CALLBACKOP_register, (uint64_t)&cb, 0, 0, 0);
    if (!rc)
        rc = pv_hypercall(PVH_CPU, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, 1,
                          EVTCHNOP_bind_virq, (uint64_t)&bv, 0, 0, 0);
    if (!rc)
        rc = pv_hypercall(PVH_CPU, __HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 1,
                          VCPUOP_set_periodic_timer, 0, (uint64_t)&pt, 0, 0);
    if (rc)
        return (int)rc;
    struct shared_info *sh = pv_shared_va;
    __atomic_and_fetch(&sh->evtchn_mask[bv.port / 64], ~(1UL << (bv.port % 64)), __ATOMIC_SEQ_CST);
    pv_timer_port = bv.port;
    return 0;
}

/* Clear every pending event (the timer is the only one bound). */
static void pv_timer_ack(void)
{
    struct shared_info *sh = pv_shared_va;
    pv_vcpu->evtchn_upcall_pending = 0;
    unsigned long sel = __atomic_exchange_n(&pv_vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    for (unsigned w = 0; sel; w++, sel >>= 1)
        if (sel & 1)
            __atomic_store_n(&sh->evtchn_pending[w], 0, __ATOMIC_SEQ_CST);
}

/* Map shared_info (for vcpu_info), install the trap table and the syscall callback. */
static int pv_traps_init(bool timer)
{
    struct callback_register cb = { .type = CALLBACKTYPE_syscall,
                                    .flags = CALLBACKF_mask_events,
                                    .address = (uint64_t)pv_syscall_entry };
    long rc;

    rc = pv_hypercall(PVH_CPU, __HYPERVISOR_update_va_mapping, 0, 1, (uint64_t)pv_shared_va,
                      pv_shared_maddr | PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX,
                      UVMF_INVLPG | UVMF_LOCAL, 0, 0);
    if (rc)
        return (int)rc;
    pv_vcpu = &((struct shared_info *)pv_shared_va)->vcpu_info[0];
    pv_vcpu->evtchn_upcall_mask = *pv_upcall_mask;
    pv_upcall_mask = &pv_vcpu->evtchn_upcall_mask;
    for (unsigned v = 0; v < 32; v++)
        pv_traps[v] = (struct trap_info){ .vector = (uint8_t)v, .flags = (v == 3 || v == 4) ? 3 : 0,
                                          .cs = FLAT_KERNEL_CS,
                                          .address = (uint64_t)pv_trap_stubs + TRAP_STUB_SIZE * v };
    rc = pv_hypercall(PVH_CPU, __HYPERVISOR_set_trap_table, 0, 32, (uint64_t)pv_traps, 0, 0, 0, 0);
    if (rc)
        return (int)rc;
    rc = pv_hypercall(PVH_CPU, __HYPERVISOR_callback_op, CALLBACKOP_register, 1,
                      CALLBACKOP_register, (uint64_t)&cb, 0, 0, 0);
    if (rc)
        return (int)rc;
    trap_exit_target = (void *)pv_trap_exit;
    if (!timer) {
        /* No tick wanted: stop the 10 ms periodic timer every vCPU starts with, as Linux
         * does.  Nothing is bound to it, but while it runs it falls due in the middle of
         * long hypercalls and preempts them (a continuation the guest never asked for). */
        rc = pv_hypercall(PVH_CPU, __HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 1,
                          VCPUOP_stop_periodic_timer, 0, 0, 0, 0);
        if (rc)
            pvenv_report("pvops: the periodic timer runs on (%ld)\n", rc);
        return 0;
    }
    rc = pv_timer_init();
    if (rc)
        pvenv_report("pvops: no timer event (%ld): scheduling is cooperative\n", rc);
    return 0;
}

/* The kernel stack for the next entry from user mode; in lazy CPU mode it travels in the
 * same multicall as the address-space switch. */
static void pv_load_sp0(uint64_t sp)
{
    mc_batch();
    struct mc_space s = mc_entry(PVH_STACK_SWITCH, 0);
    *s.mc = (struct multicall_entry){ .op = __HYPERVISOR_stack_switch,
                                      .args = { FLAT_KERNEL_SS, sp } };
    mc_issue(LAZY_CPU);
}

/* entry.S leaves through the iret hypercall: count it here, where C still runs. */
static void pv_user_return(void)
{
    pv_hypercall_count(PVH_IRET, __HYPERVISOR_iret, 0, 1);
}

static uint64_t pv_read_cr2(void)
{
    return pv_vcpu ? pv_vcpu->arch.cr2 : 0;
}

static void pv_halt(void)
{
    pv_hypercall(PVH_HALT, __HYPERVISOR_sched_op, SCHEDOP_block, 1, SCHEDOP_block, 0, 0, 0, 0);
}

static __attribute__((__noreturn__)) void pv_shutdown(unsigned reason)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    struct sched_shutdown sd = { .reason = reason };

    mc_flush();
    if (pv_exit_port && pv_hypercall(PVH_SHUTDOWN, __HYPERVISOR_physdev_op,
                                     PHYSDEVOP_set_iopl, 1, PHYSDEVOP_set_iopl,
                                     (uint64_t)&iopl, 0, 0, 0) == 0)
        outl(EXIT_PORT, EXIT_VALUE_BASE + reason);
    for (;;)
        pv_hypercall(PVH_SHUTDOWN, __HYPERVISOR_sched_op, SCHEDOP_shutdown, 1,
                     SCHEDOP_shutdown, (uint64_t)&sd, 0, 0, 0);
}

static void pv_console_write(const char *s, size_t n)
{
    pv_hypercall(PVH_CONSOLE, __HYPERVISOR_console_io, CONSOLEIO_write, 1, CONSOLEIO_write,
                 n, (uint64_t)s, 0, 0);
}

static size_t pv_console_read(char *s, size_t n)
{
    long got = pv_hypercall(PVH_CONSOLE, __HYPERVISOR_console_io, CONSOLEIO_read, 1,
                            CONSOLEIO_read, n, (uint64_t)s, 0, 0);
    return got > 0 ? (size_t)got : 0;
}

const struct pvops pv_pvops = {
    .name = "xen-pv",
    .read_cr3 = pv_read_cr3,
    .write_cr3 = pv_write_cr3,
    .flush_tlb_user = pv_flush_tlb,
    .flush_tlb_kernel = pv_flush_tlb,
    .flush_tlb_one = pv_flush_tlb_one,
    .set_pte = pv_set_pte,
    .set_pmd = pv_set_pmd,
    .set_pud = pv_set_pud,
    .set_pgd = pv_set_pgd,
    .pte_clear = pv_pte_clear,
    .read_entry = pv_read_entry,
    .protect_ptes = pv_protect_ptes,
    .pgd_alloc = pv_pgd_alloc,
    .pgd_free = pv_pgd_free,
    .alloc_pte = pv_alloc_pte,
    .alloc_pmd = pv_alloc_pmd,
    .alloc_pud = pv_alloc_pud,
    .release_pte = pv_release_pt,
    .release_pmd = pv_release_pt,
    .release_pud = pv_release_pt,
    .activate_mm = pv_activate_mm,
    .dup_mmap = pv_pin_mm,
    .exit_mmap = pv_unpin_mm,
    .lazy_mmu_enter = pv_lazy_mmu_enter,
    .lazy_mmu_leave = pv_lazy_mmu_leave,
    .lazy_mmu_flush = pv_lazy_mmu_flush,
    .lazy_cpu_enter = pv_lazy_cpu_enter,
    .lazy_cpu_leave = pv_lazy_cpu_leave,
    .traps_init = pv_traps_init,
    .load_sp0 = pv_load_sp0,
    .read_cr2 = pv_read_cr2,
    .user_cs = FLAT_USER_CS,
    .user_ss = FLAT_USER_SS,
    .user_return = pv_user_return,
    .timer_ack = pv_timer_ack,
    .irq_save = pv_irq_save,
    .irq_restore = pv_irq_restore,
    .halt = pv_halt,
    .shutdown = pv_shutdown,
    .console_write = pv_console_write,
    .console_read = pv_console_read,
};
