/*
 * A Xen PV kernel's ELF notes, read as Xen's libelf reads them (elf_xen_parse): GUEST_OS,
 * XEN_VERSION, LOADER, FEATURES, ENTRY, VIRT_BASE, PADDR_OFFSET, HYPERCALL_PAGE, ... and the
 * kernel's virtual range computed from its PT_LOAD segments.  Trust: none.  The image is
 * guest input; every field is checked and a bad one stops the build with the reason.
 * Portable: no machine state, unit-tested and fuzzed in userspace.
 */
#ifndef PVX_ELFNOTE_H
#define PVX_ELFNOTE_H

#include <stdbool.h>
#include <stdint.h>
#include "hostlib/elf.h"

#define ELFNOTE_UNSET (~0ULL)

/* What the notes say, and the kernel's place derived from them. */
struct xen_parms {
    char guest_os[32], guest_ver[32], xen_ver[32], loader[32], pae[32], features[256];
    uint64_t virt_base, elf_paddr_offset, virt_entry;
    uint64_t virt_hypercall;          /* ELFNOTE_UNSET: no hypercall page */
    uint64_t p2m_base;                /* INIT_P2M: where the p2m list goes, or ELFNOTE_UNSET */
    bool unmapped_initrd;             /* MOD_START_PFN: the initrd is left out of the region */
    uint32_t f_supported, f_required; /* XENFEAT_* bits, from FEATURES and SUPPORTED_FEATURES */
    bool has_supported_features;
    unsigned nr_notes;
    /* derived */
    uint64_t pstart, pend;            /* physical span of the PT_LOAD segments */
    uint64_t virt_offset;             /* virt = paddr + virt_offset */
    uint64_t virt_kstart, virt_kend;  /* the kernel's virtual range */
};

/* Features a dom0 kernel may require ("!name") and pvx still boots it. */
extern const uint32_t elfnote_features_offered;

/* Read the notes of `img` into `p` and check them and the load segments as Xen does.
 * NULL, or why the kernel cannot be built. */
const char *elfnote_parse_kernel(const struct elf_image *img, struct xen_parms *p);

/* Whether the PAE_MODE note asks for the "p" start_info magic: "yes", or a value that
 * contains "bimodal" (Xen's rule). */
bool elfnote_pae(const struct xen_parms *p);

#endif
