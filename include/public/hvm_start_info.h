/*
 * pvx public ABI: the PVH boot structure.  A loader that enters a kernel at its
 * XEN_ELFNOTE_PHYS32_ENTRY (QEMU's -kernel does) starts it in 32-bit protected mode,
 * paging off, with %ebx = physical address of struct hvm_start_info.  The native boot of
 * the pvx guest uses this path.  Values and layouts are Xen's.
 */
#ifndef PVX_PUBLIC_HVM_START_INFO_H
#define PVX_PUBLIC_HVM_START_INFO_H

/* "xEn3" with the 0x80 bit of the 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* hvm_memmap_table_entry.type, as the E820 types. */
#define XEN_HVM_MEMMAP_TYPE_RAM      1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI     3
#define XEN_HVM_MEMMAP_TYPE_NVS      4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM     7

#ifndef __ASSEMBLY__
#include <stdint.h>

/* All addresses are physical.  The memmap fields exist from version 1 on. */
struct hvm_start_info {
    uint32_t magic;           /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;
    uint32_t flags;           /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;   /* array of struct hvm_modlist_entry */
    uint64_t cmdline_paddr;   /* NUL-terminated kernel command line */
    uint64_t rsdp_paddr;      /* ACPI RSDP, or 0 */
    uint64_t memmap_paddr;    /* array of struct hvm_memmap_table_entry */
    uint32_t memmap_entries;  /* 0: no map given */
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;            /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;
};

#endif /* !__ASSEMBLY__ */

#endif
