/*
 * pvx public ABI: xen_version(cmd, arg).  XENVER_version and XENVER_pagesize return their
 * answer directly; the others copy a structure or string to the guest buffer `arg` and
 * return 0.  Unknown commands: -XEN_ENOSYS.
 */
#ifndef PVX_PUBLIC_VERSION_H
#define PVX_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

#define XENVER_version             0   /* arg NULL; returns major << 16 | minor */
#define XENVER_extraversion        1   /* arg xen_extraversion_t, e.g. ".0" */
#define XENVER_compile_info        2   /* arg struct xen_compile_info */
#define XENVER_capabilities        3   /* arg xen_capabilities_info_t, e.g. "xen-3.0-x86_64" */
#define XENVER_changeset           4   /* arg xen_changeset_info_t */
#define XENVER_platform_parameters 5   /* arg struct xen_platform_parameters */
#define XENVER_get_features        6   /* arg struct xen_feature_info */
#define XENVER_pagesize            7   /* arg NULL; returns the page size */
#define XENVER_guest_handle        8   /* arg xen_domain_handle_t */
#define XENVER_commandline         9   /* arg xen_commandline_t */
#define XENVER_build_id           10   /* arg struct xen_build_id */

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* virt_start: lowest address of the hypervisor's hole (HYPERVISOR_VIRT_START on x86_64). */
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* The guest names a 32-bit submap; the hypervisor fills in its XENFEAT_* bits. */
struct xen_feature_info {
    unsigned int submap_idx;   /* in */
    uint32_t     submap;       /* out */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

/* len: in, the size of buf; out, the build id's length. */
struct xen_build_id {
    uint32_t      len;
    unsigned char buf[];
};
typedef struct xen_build_id xen_build_id_t;

#endif /* !__ASSEMBLY__ */

#endif
