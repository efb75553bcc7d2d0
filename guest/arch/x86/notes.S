/*
 * The Xen ELF notes: what a PV domain builder (pvx's or Xen's) and QEMU's PVH loader read
 * to place and enter this image.  Trusted by nobody: the builders validate them.  Numeric
 * notes are 8 bytes wide because QEMU reads PHYS32_ENTRY as a 64-bit word in an ELF64.
 */
#include "arch/x86/layout.h"
#include <public/elfnote.h>
#include <public/features.h>

#define XEN_NOTE(type, body...)                 \
    .balign 4;                                  \
    .long 2f - 1f;        /* namesz */          \
    .long 4f - 3f;        /* descsz */          \
    .long type;                                 \
1:  .asciz "Xen";                               \
2:  .balign 4;                                  \
3:  body;                                       \
4:  .balign 4

    .section .note.Xen, "a", @note
    XEN_NOTE(XEN_ELFNOTE_GUEST_OS,       .asciz "pvx-guest")
    XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION,  .asciz "0.1")
    XEN_NOTE(XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0")
    XEN_NOTE(XEN_ELFNOTE_LOADER,         .asciz "generic")
    XEN_NOTE(XEN_ELFNOTE_VIRT_BASE,      .quad VIRT_BASE)
    XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET,   .quad 0)
    XEN_NOTE(XEN_ELFNOTE_ENTRY,          .quad pv_start)
    XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
    XEN_NOTE(XEN_ELFNOTE_PAE_MODE,       .asciz "yes")
    /* Xen 4.17 refuses a dom0 whose SUPPORTED_FEATURES lack XENFEAT_dom0; the string form
     * says the same for loaders that only read FEATURES. */
    XEN_NOTE(XEN_ELFNOTE_FEATURES,       .asciz "pae_pgdir_above_4gb|dom0")
    XEN_NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0))
    XEN_NOTE(XEN_ELFNOTE_PHYS32_ENTRY,   .quad native_start32 - VIRT_BASE)

    .section .note.GNU-stack, "", @progbits
