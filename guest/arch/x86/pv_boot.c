/*
 * PV boot: entered from head_pv.S with the start_info page the builder made.  Chooses the
 * hypercall pvops backend, learns which hypervisor this is (pvx says so in
 * XENVER_extraversion), proves the bare-syscall hypercall path once, then runs kmain().
 */
#include "arch/x86/hypercall.h"
#include "kernel/boot.h"
#include "kernel/mem.h"
#include "pvops.h"

/* Ask the hypervisor who it is.  Requires: the hypercall page is filled. */
static void pv_identify(void)
{
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);
    boot.ver_major = (unsigned)(v >> 16);
    boot.ver_minor = (unsigned)(v & 0xffff);
    memset(boot.extraversion, 0, sizeof(boot.extraversion));
    HYPERVISOR_xen_version(XENVER_extraversion, boot.extraversion);
    boot.extraversion[sizeof(boot.extraversion) - 1] = '\0';
    boot.platform = strstr(boot.extraversion, "pvx") ? PLATFORM_PVX : PLATFORM_XEN;
    boot.syscall_version = hypercall5_syscall(__HYPERVISOR_xen_version, XENVER_version,
                                              0, 0, 0, 0);
}

/* pvx.batch=off|on (default on): off issues every update as its own hypercall. */
static bool batch_option(void)
{
    char v[8];
    return !cmdline_get(boot.cmdline, "pvx.batch", v, sizeof(v)) || strcmp(v, "off") != 0;
}

/* The page where the hypercall backend maps shared_info when processes start. */
static uint8_t shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void pv_main(struct start_info *si) __noreturn;
void pv_main(struct start_info *si)
{
    pvops_select(&pv_pvops);
    gmem.pv = true;
    gmem.p2m = (const uint64_t *)si->mfn_list;
    gmem.nr_pages = si->nr_pages;
    gmem.region_end = VIRT_BASE + (si->nr_pages << PAGE_SHIFT); /* bound; walk refines */
    boot.si = si;
    boot.cmdline = (const char *)si->cmd_line;
    pv_pvops_init(virt_to_maddr((const void *)si->pt_base), batch_option());
    pv_pvops_shared_info(si->shared_info, shared_info_page);
    pv_identify();
    kmain();
}
