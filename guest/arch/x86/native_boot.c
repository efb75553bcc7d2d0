/*
 * Native boot: entered from head_native.S in long mode, ring 0, on the static boot
 * pagetables, with the physical address of QEMU's hvm_start_info.  Installs the native
 * pvops and the IDT (an exception in the kernel ends the run as a crash), learns the RAM
 * size and the command line, then runs kmain().
 */
#include <public/hvm_start_info.h>
#include "arch/x86/cpu.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/mem.h"
#include "pvops.h"

#define NATIVE_MAPPED (1ULL << 30)   /* head_native.S maps the first GiB */

/* Frames of RAM below NATIVE_MAPPED, from the PVH memory map (version 1 on); without a
 * map, the 4 MiB after the image is all we know to be there. */
static uint64_t native_ram_pages(uint32_t hsi_phys)
{
    const struct hvm_start_info *hsi = (const void *)(VIRT_BASE + hsi_phys);
    uint64_t top = 0;

    if (hsi_phys >= NATIVE_MAPPED || hsi->magic != XEN_HVM_START_MAGIC_VALUE ||
        hsi->version < 1 || !hsi->memmap_paddr || hsi->memmap_paddr >= NATIVE_MAPPED)
        return 0;
    const struct hvm_memmap_table_entry *e = (const void *)(VIRT_BASE + hsi->memmap_paddr);
    for (uint32_t i = 0; i < hsi->memmap_entries && i < 128; i++) {
        if (e[i].type != XEN_HVM_MEMMAP_TYPE_RAM || e[i].addr > LOAD_PADDR)
            continue;       /* the run of RAM that holds the image */
        uint64_t end = e[i].addr + e[i].size;
        if (end > top)
            top = end;
    }
    return (top < NATIVE_MAPPED ? top : NATIVE_MAPPED) >> PAGE_SHIFT;
}

/* The PVH command line, when QEMU passed one inside the mapped GiB. */
static const char *native_cmdline(uint32_t hsi_phys)
{
    const struct hvm_start_info *hsi = (const void *)(VIRT_BASE + hsi_phys);
    if (hsi_phys >= NATIVE_MAPPED || hsi->magic != XEN_HVM_START_MAGIC_VALUE)
        return "";
    if (!hsi->cmdline_paddr || hsi->cmdline_paddr >= NATIVE_MAPPED)
        return "";
    return (const char *)(VIRT_BASE + hsi->cmdline_paddr);
}

void native_main(uint32_t hsi_phys) __noreturn;
void native_main(uint32_t hsi_phys)
{
    pvops_select(&native_pvops);
    native_idt_init();
    gmem.pv = false;
    gmem.nr_pages = native_ram_pages(hsi_phys);
    gmem.region_end = VIRT_BASE + NATIVE_MAPPED;
    boot.platform = PLATFORM_NATIVE;
    boot.cmdline = native_cmdline(hsi_phys);
    kmain();
}
