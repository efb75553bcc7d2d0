/*
 * Native backend: the guest kernel owns the machine (ring 0).  Pagetable writes are plain
 * stores, cr3 and TLB are instructions, an address space is one pgd with nothing to pin,
 * the console is COM1, and power-off writes QEMU's isa-debug-exit port.
 */
#include "pvops.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/trapframe.h"
#include "arch/x86/layout.h"

#define COM1        0x3f8
#define COM_LSR     5
#define LSR_THRE    0x20
#define LSR_DR      0x01

static uint64_t native_read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* Every cr3 load flushes the TLB (no PCIDs), so each counts as one (pv_counts.flushes). */
static int native_write_cr3(uint64_t cr3)
{
    pv_counts.flushes++;
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
    return 0;
}

static int native_set_entry(pteval_t *p, pteval_t v)
{
    *(volatile pteval_t *)p = v;
    return 0;
}

static int native_flush_tlb(void)
{
    return native_write_cr3(native_read_cr3());
}

static int native_pte_clear(pteval_t *p)
{
    return native_set_entry(p, 0);
}

static pteval_t native_read_entry(pteval_t *p)
{
    return *(volatile pteval_t *)p;
}

/* The pgd maps user and kernel space; user slots need no mirror. */
static int native_set_pgd(pteval_t *p, pteval_t v)
{
    return native_set_entry(p, v);
}

static int native_protect_ptes(pteval_t *p, unsigned n, pteval_t clear, pteval_t set)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i] & PTE_P)
            p[i] = (p[i] & ~clear) | set;
    return 0;
}

/* Natively an address space is one pgd, and a table is ordinary memory. */
static int native_mm_nop(struct pv_mm *mm)
{
    (void)mm;
    return 0;
}

static void native_pgd_free(struct pv_mm *mm)
{
    (void)mm;
}

static int native_pt_nop(struct pv_mm *mm, pfn_t p)
{
    (void)mm, (void)p;
    return 0;
}

static int native_activate_mm(struct pv_mm *next)
{
    return native_write_cr3((uint64_t)pvenv_virt_to_maddr(next->pgd));
}

static void native_nop(void)
{
}

static int native_traps_init(bool timer)
{
    native_cpu_init(timer);
    trap_exit_target = (void *)native_trap_exit;
    return 0;
}

static uint64_t native_read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static unsigned long native_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static void native_irq_restore(unsigned long flags)
{
    if (flags & 0x200)          /* RFLAGS.IF */
        __asm__ volatile("sti" : : : "memory");
}

static int native_flush_tlb_one(uint64_t va)
{
    pv_counts.flushes++;
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
    return 0;
}

static void native_halt(void)
{
    __asm__ volatile("sti; hlt; cli");
}

/* Ends QEMU with status (0x10 + reason) * 2 + 1; without the exit device, stop here. */
static __attribute__((__noreturn__)) void native_shutdown(unsigned reason)
{
    outl(EXIT_PORT, EXIT_VALUE_BASE + reason);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void com1_putc(char c)
{
    for (int spin = 0; spin < 100000 && !(inb(COM1 + COM_LSR) & LSR_THRE); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

static void native_console_write(const char *s, size_t n)
{
    while (n--) {
        if (*s == '\n')
            com1_putc('\r');
        com1_putc(*s++);
    }
}

static size_t native_console_read(char *s, size_t n)
{
    size_t got = 0;
    while (got < n && (inb(COM1 + COM_LSR) & LSR_DR))
        s[got++] = (char)inb(COM1);
    return got;
}

const struct pvops native_pvops = {
    .name = "native",
    .read_cr3 = native_read_cr3,
    .write_cr3 = native_write_cr3,
    .flush_tlb_user = native_flush_tlb,
    .flush_tlb_kernel = native_flush_tlb,
    .flush_tlb_one = native_flush_tlb_one,
    .set_pte = native_set_entry,
    .set_pmd = native_set_entry,
    .set_pud = native_set_entry,
    .set_pgd = native_set_pgd,
    .pte_clear = native_pte_clear,
    .read_entry = native_read_entry,
    .protect_ptes = native_protect_ptes,
    .pgd_alloc = native_mm_nop,
    .pgd_free = native_pgd_free,
    .alloc_pte = native_pt_nop,
    .alloc_pmd = native_pt_nop,
    .alloc_pud = native_pt_nop,
    .release_pte = native_pt_nop,
    .release_pmd = native_pt_nop,
    .release_pud = native_pt_nop,
    .activate_mm = native_activate_mm,
    .dup_mmap = native_mm_nop,
    .exit_mmap = native_mm_nop,
    .lazy_mmu_enter = native_nop,
    .lazy_mmu_leave = native_nop,
    .lazy_mmu_flush = native_nop,
    .lazy_cpu_enter = native_nop,
    .lazy_cpu_leave = native_nop,
    .traps_init = native_traps_init,
    .load_sp0 = native_set_rsp0,
    .read_cr2 = native_read_cr2,
    .user_cs = NATIVE_USER_CS,
    .user_ss = NATIVE_USER_DS,
    .user_return = native_nop,
    .timer_ack = native_timer_eoi,
    .irq_save = native_irq_save,
    .irq_restore = native_irq_restore,
    .halt = native_halt,
    .halt_until_interrupt = true,
    .shutdown = native_shutdown,
    .console_write = native_console_write,
    .console_read = native_console_read,
};
