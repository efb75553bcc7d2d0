/*
 * Native backend: the guest kernel owns the machine (ring 0).  Pagetable writes are plain
 * stores, cr3 and TLB are instructions, the console is COM1, and power-off writes QEMU's
 * isa-debug-exit port.
 */
#include "pvops.h"
#include "arch/x86/io.h"
#include "arch/x86/layout.h"

#define COM1        0x3f8
#define COM_LSR     5
#define LSR_THRE    0x20

static uint64_t native_read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static int native_write_cr3(uint64_t cr3)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
    return 0;
}

static int native_set_entry(pteval_t *p, pteval_t v)
{
    *(volatile pteval_t *)p = v;
    return 0;
}

static int native_flush_tlb_kernel(void)
{
    return native_write_cr3(native_read_cr3());
}

static int native_flush_tlb_one(uint64_t va)
{
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

const struct pvops native_pvops = {
    .name = "native",
    .read_cr3 = native_read_cr3,
    .write_cr3 = native_write_cr3,
    .set_pte = native_set_entry,
    .set_pmd = native_set_entry,
    .set_pud = native_set_entry,
    .set_pgd = native_set_entry,
    .flush_tlb_kernel = native_flush_tlb_kernel,
    .flush_tlb_one = native_flush_tlb_one,
    .halt = native_halt,
    .shutdown = native_shutdown,
    .console_write = native_console_write,
};
