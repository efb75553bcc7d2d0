/*
 * xen_version: pvx answers as Xen 4.17 with extraversion "-pvx", so a guest can tell it is
 * not on real Xen if it cares.  Every answer is written with copy_to_guest into the
 * buffer the guest named; a bad buffer gives -XEN_EFAULT.
 */
#include <public/errno.h>
#include <public/features.h>
#include <public/version.h>
#include "guest_access.h"
#include "host.h"
#include "hypercall.h"
#include "hostlib/lib.h"

#define PVX_XEN_MAJOR 4
#define PVX_XEN_MINOR 17

#ifndef PVX_CHANGESET
#define PVX_CHANGESET "unknown"
#endif

/*
 * Features pvx offers a PV dom0: those of Xen 4.17's that pvx implements (MMU_PT_UPDATE_
 * PRESERVE_AD; CLEAR_PAGE and COPY_PAGE), dom0, and gnttab_map_avail_bits, a promise about
 * grant mappings that holds because pvx makes none (one domain, nothing to grant) and
 * which Linux requires of every PV host ("Xen: feature XENFEAT_gnttab_map_avail_bits not
 * available!", a panic).  Not offered: memory_op_vnode_supported (no vNUMA).
 */
static uint32_t features_submap0(void)
{
    return (1U << XENFEAT_mmu_pt_update_preserve_ad) | (1U << XENFEAT_highmem_assist) |
           (1U << XENFEAT_gnttab_map_avail_bits) | (1U << XENFEAT_dom0);
}

static long copy_string(uint64_t arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size) == 0 ? 0 : -XEN_EFAULT;
}

static long xen_version_info(int cmd, uint64_t arg);

/* The version itself is asked for all the time (Linux's xen_force_evtchn_callback uses it
 * as its null hypercall): answered without the rest's stack frame. */
long do_xen_version(int cmd, uint64_t arg)
{
    if (cmd == XENVER_version)
        return (PVX_XEN_MAJOR << 16) | PVX_XEN_MINOR;
    return xen_version_info(cmd, arg);
}

static __attribute__((noinline)) long xen_version_info(int cmd, uint64_t arg)
{
    switch (cmd) {
    case XENVER_extraversion:
        return copy_string(arg, "-pvx", sizeof(xen_extraversion_t));
    case XENVER_compile_info: {
        struct xen_compile_info info;
        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, __VERSION__, sizeof(info.compiler));
        strlcpy(info.compile_by, "pvx", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "pvx", sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__ " " __TIME__, sizeof(info.compile_date));
        return copy_to_guest(arg, &info, sizeof(info)) == 0 ? 0 : -XEN_EFAULT;
    }
    case XENVER_capabilities:
        return copy_string(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string(arg, PVX_CHANGESET, sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { .virt_start = HYPERVISOR_VIRT_START };
        return copy_to_guest(arg, &p, sizeof(p)) == 0 ? 0 : -XEN_EFAULT;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest(&fi, arg, sizeof(fi)) != 0)
            return -XEN_EFAULT;
        if (fi.submap_idx != 0)
            return -XEN_EINVAL;     /* one submap of 32 features exists */
        fi.submap = features_submap0();
        return copy_to_guest(arg, &fi, sizeof(fi)) == 0 ? 0 : -XEN_EFAULT;
    }
    case XENVER_pagesize:
        return 4096;
    case XENVER_guest_handle: {
        xen_domain_handle_t h;
        memset(h, 0, sizeof(h));
        return copy_to_guest(arg, h, sizeof(h)) == 0 ? 0 : -XEN_EFAULT;
    }
    case XENVER_commandline:
        return copy_string(arg, host_cmdline, sizeof(xen_commandline_t));
    default:
        return -XEN_ENOSYS;
    }
}
