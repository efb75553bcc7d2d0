/*
 * Hypercall backend: the guest kernel runs in ring 3 under a Xen-ABI hypervisor (pvx or
 * Xen).  Pagetables are read-only to us, so every entry write is an mmu_update the
 * hypervisor validates; cr3 is NEW_BASEPTR; flushes are mmuext_ops.  Power-off first tries
 * the exit port (works where the hypervisor grants I/O privilege, i.e. Xen's dom0, which
 * otherwise only halts), then SCHEDOP_shutdown.
 */
#include "pvops.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/io.h"
#include "arch/x86/layout.h"
#include "kernel/mem.h"

/* The kernel base pointer in force: reading cr3 in ring 3 would trap, so we remember it. */
static uint64_t pv_cr3;
/* Try the exit port before SCHEDOP_shutdown (off: test the hypervisor's own shutdown). */
static bool pv_exit_port = true;

void pv_pvops_exit_port(bool on)
{
    pv_exit_port = on;
}

void pv_pvops_init(uint64_t boot_cr3)
{
    pv_cr3 = boot_cr3;
}

static uint64_t pv_read_cr3(void)
{
    return pv_cr3;
}

static int pv_mmuext(unsigned cmd, uint64_t arg1)
{
    struct mmuext_op op = { .cmd = cmd };
    op.arg1.mfn = arg1;
    return (int)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static int pv_write_cr3(uint64_t cr3)
{
    int rc = pv_mmuext(MMUEXT_NEW_BASEPTR, cr3 >> PAGE_SHIFT);
    if (rc == 0)
        pv_cr3 = cr3;
    return rc;
}

/* Any level: the hypervisor knows the level from the frame's type. */
static int pv_set_entry(pteval_t *p, pteval_t v)
{
    struct mmu_update req = {
        .ptr = virt_to_maddr(p) | MMU_NORMAL_PT_UPDATE,
        .val = v,
    };
    return (int)HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

static int pv_flush_tlb_kernel(void)
{
    return pv_mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static int pv_flush_tlb_one(uint64_t va)
{
    return pv_mmuext(MMUEXT_INVLPG_LOCAL, va);
}

static void pv_halt(void)
{
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

static __attribute__((__noreturn__)) void pv_shutdown(unsigned reason)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    struct sched_shutdown sd = { .reason = reason };

    if (pv_exit_port && HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl) == 0)
        outl(EXIT_PORT, EXIT_VALUE_BASE + reason);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

static void pv_console_write(const char *s, size_t n)
{
    HYPERVISOR_console_io(CONSOLEIO_write, (unsigned)n, s);
}

const struct pvops pv_pvops = {
    .name = "xen-pv",
    .read_cr3 = pv_read_cr3,
    .write_cr3 = pv_write_cr3,
    .set_pte = pv_set_entry,
    .set_pmd = pv_set_entry,
    .set_pud = pv_set_entry,
    .set_pgd = pv_set_entry,
    .flush_tlb_kernel = pv_flush_tlb_kernel,
    .flush_tlb_one = pv_flush_tlb_one,
    .halt = pv_halt,
    .shutdown = pv_shutdown,
    .console_write = pv_console_write,
};
