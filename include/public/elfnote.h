/*
 * pvx public ABI: the ELF note types (owner name "Xen") a PV kernel uses to tell the domain
 * builder how to load and enter it.  Values are Xen's.  The builder trusts none of them:
 * each is range-checked against the image before use.
 */
#ifndef PVX_PUBLIC_ELFNOTE_H
#define PVX_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO            0   /* ignored */
#define XEN_ELFNOTE_ENTRY           1   /* PV entry point (virtual address); default e_entry */
#define XEN_ELFNOTE_HYPERCALL_PAGE  2   /* VA of the page the builder fills with call stubs */
#define XEN_ELFNOTE_VIRT_BASE       3   /* VA the image's physical 0 maps to; default 0 */
#define XEN_ELFNOTE_PADDR_OFFSET    4   /* subtracted from p_paddr to get the pfn; default 0 */
#define XEN_ELFNOTE_XEN_VERSION     5   /* string, "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS        6   /* string, e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION   7   /* string */
#define XEN_ELFNOTE_LOADER          8   /* string, "generic" */
#define XEN_ELFNOTE_PAE_MODE        9   /* string, "yes" for 64-bit/PAE kernels */
#define XEN_ELFNOTE_FEATURES       10   /* string, "feat|!feat|..." (XENFEAT_ names) */
#define XEN_ELFNOTE_BSD_SYMTAB     11
#define XEN_ELFNOTE_HV_START_LOW   12
#define XEN_ELFNOTE_L1_MFN_VALID   13
#define XEN_ELFNOTE_SUSPEND_CANCEL 14
#define XEN_ELFNOTE_INIT_P2M       15   /* VA for a separately placed initial p2m */
#define XEN_ELFNOTE_MOD_START_PFN  16
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17  /* 32-bit bitmap of XENFEAT_* */
#define XEN_ELFNOTE_PHYS32_ENTRY   18   /* 32-bit physical entry for PVH boot */
#define XEN_ELFNOTE_MAX            XEN_ELFNOTE_PHYS32_ENTRY

/* Notes in Xen core dumps, not in kernels. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif
