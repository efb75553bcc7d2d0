/*
 * The common kernel path after either entry point: say where we are, show what the
 * platform handed us, audit our own pagetables, then do what the command line asks
 * (in-guest tests, a deliberate crash) and leave the way the command line says.
 */
#include <public/sched.h>
#include "arch/x86/hypercall.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/frames.h"
#include "kernel/pt.h"
#include "kernel/tests.h"
#include "kernel/exec.h"
#include "kernel/proc.h"
#include "kernel/trace.h"
#include "kernel/vm.h"
#include "pvops.h"

struct boot_info boot;
struct guest_mem gmem;

extern char _image_start[], _image_end[];

const char *platform_name(void)
{
    static const char *const names[] = { "native", "pvx", "Xen" };
    return names[boot.platform];
}

/* FNV-1a over the whole hypercall page as the hypervisor filled it, so two hypervisors'
 * pages can be compared from their boot logs.  Requires: PV boot. */
static uint32_t hypercall_page_hash(void)
{
    uint32_t h = 2166136261u;

    for (unsigned i = 0; i < 4096; i++)
        h = (h ^ (uint8_t)hypercall_page[i]) * 16777619u;
    return h;
}

static void banner(void)
{
    printk("pvx-guest: hello from the pvx test guest\n");
    if (!boot_is_pv()) {
        printk("pvx-guest: platform: native (PVH entry, ring 0), pvops %s\n", pvops->name);
        return;
    }
    printk("pvx-guest: platform: %s %u.%u%s (PV, ring 3), pvops %s\n", platform_name(),
           boot.ver_major, boot.ver_minor, boot.extraversion, pvops->name);
    long page = ((long)boot.ver_major << 16) | boot.ver_minor;
    printk("pvx-guest: hypercall page and bare syscall %s (xen_version %#lx / %#lx)\n",
           page == boot.syscall_version ? "agree" : "DISAGREE", page, boot.syscall_version);
    printk("pvx-guest: hypercall page fnv1a %#x (first stub %02x %02x %02x %02x %02x)\n",
           hypercall_page_hash(), (uint8_t)hypercall_page[0], (uint8_t)hypercall_page[1],
           (uint8_t)hypercall_page[2], (uint8_t)hypercall_page[3],
           (uint8_t)hypercall_page[4]);
}

static void show_start_info(const struct start_info *si)
{
    char magic[sizeof(si->magic) + 1];
    memcpy(magic, si->magic, sizeof(si->magic));
    magic[sizeof(si->magic)] = '\0';
    printk("start_info: magic \"%s\" nr_pages %lu shared_info %#lx flags %#x\n",
           magic, si->nr_pages, si->shared_info, si->flags);
    printk("start_info: pt_base %#lx nr_pt_frames %lu mfn_list %#lx\n",
           si->pt_base, si->nr_pt_frames, si->mfn_list);
    printk("start_info: mod_start %#lx mod_len %lu first_p2m_pfn %#lx nr_p2m_frames %lu\n",
           si->mod_start, si->mod_len, si->first_p2m_pfn, si->nr_p2m_frames);
    printk("start_info: cmd_line \"%s\"\n", boot.cmdline);
    if (strncmp(magic, "xen-3.0-x86_64", 14))
        printk("start_info: WARNING: unexpected magic\n");
}

static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Print the boot region's layout; returns the first VA nothing of the builder's uses. */
static uint64_t show_layout(const struct start_info *si, uint64_t region_end)
{
    uint64_t p2m_end = si->mfn_list + si->nr_pages * 8;
    uint64_t pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    uint64_t stack_end = pt_end + PAGE_SIZE;   /* the builder's boot stack page */
    uint64_t si_va = (uint64_t)si;
    printk("layout: kernel %#lx-%#lx p2m %#lx-%#lx start_info %#lx\n",
           (uint64_t)_image_start, (uint64_t)_image_end, si->mfn_list, p2m_end, si_va);
    printk("layout: pagetables %#lx-%#lx stack %#lx-%#lx region end %#lx\n",
           si->pt_base, pt_end, pt_end, stack_end, region_end);
    uint64_t used = max_u64(max_u64((uint64_t)_image_end, p2m_end),
                            max_u64(si_va + PAGE_SIZE, stack_end));
    if (si->mod_len && si->mod_start >= VIRT_BASE)
        used = max_u64(used, si->mod_start + si->mod_len);
    return used;
}

/* A load from `addr`, done in assembly so the compiler cannot reason it away. */
static void load_from(uint64_t addr)
{
    __asm__ volatile("movq (%0), %%rax" : : "r"(addr) : "rax", "memory");
}

/* crash=pagefault|ud2|gp: fault on purpose, to test how the platform handles it. */
static void crash_on_request(void)
{
    char what[16];
    if (!cmdline_get(boot.cmdline, "crash", what, sizeof(what)))
        return;
    printk("pvx-guest: crashing on request: %s\n", what);
    console_flush();
    if (!strcmp(what, "pagefault"))
        load_from(0x100000000000ULL);  /* unmapped natively and under PV */
    else if (!strcmp(what, "ud2"))
        __asm__ volatile("ud2");
    else if (!strcmp(what, "gp"))
        load_from(0x8000000000000000ULL);  /* non-canonical: #GP */
    printk("pvx-guest: crash=%s did not crash (unknown kind or no fault)\n", what);
}

/* exit=poweroff|reboot|crash, default poweroff; exitport=off (PV) leaves the end of the
 * run to the hypervisor's SCHEDOP_shutdown instead of writing QEMU's exit port.  Under pvx
 * the port is never needed: the host itself ends QEMU on SCHEDOP_shutdown, which is the
 * path its exit contract is tested through. */
static unsigned exit_reason(void)
{
    char what[16];
    if (boot.platform == PLATFORM_PVX ||
        (boot_is_pv() && cmdline_get(boot.cmdline, "exitport", what, sizeof(what)) &&
         !strcmp(what, "off")))
        pv_pvops_exit_port(false);
    if (!cmdline_get(boot.cmdline, "exit", what, sizeof(what)) || !strcmp(what, "poweroff"))
        return SHUTDOWN_poweroff;
    if (!strcmp(what, "reboot"))
        return SHUTDOWN_reboot;
    if (!strcmp(what, "crash"))
        return SHUTDOWN_crash;
    printk("pvx-guest: unknown exit=%s, powering off\n", what);
    return SHUTDOWN_poweroff;
}

/* The direct map and the frame allocator, then the audit again over everything. */
static void memory_init(void)
{
    struct pt_check_result walk;

    if (!dmap_init() || !frames_init(dmap_first_free(), pfn(gmem.nr_pages)))
        return;
    dmap_mark_boot_tables();
    vm_init();
    pt_check(&walk);
    printk("frames: %lu free of %lu (first free pfn %#lx)\n", frames_free(), gmem.nr_pages,
           dmap_first_free().v);
}

/* user=quick|full|NAME+NAME... runs the user tests, bench=all|NAME+... the workloads:
 * the words become the program's arguments.  preempt=off leaves the timer off. */
static void run_user(const char *key, const char *prog)
{
    static char buf[160];
    const char *argv[MAX_ARGS + 1] = { prog };
    int argc = 1;

    if (!cmdline_get(boot.cmdline, key, buf, sizeof(buf)))
        return;
    for (char *p = buf; *p && argc < MAX_ARGS; ) {
        argv[argc++] = p;
        while (*p && *p != '+' && *p != ',')
            p++;
        if (*p)
            *p++ = '\0';
    }
    argv[argc] = NULL;
    if (!gmem.dmap) {
        printk("proc: no direct map, no processes\n");
        return;
    }
    char v[8];
    bool preempt = !cmdline_get(boot.cmdline, "preempt", v, sizeof(v)) || strcmp(v, "off");
    proc_run(prog, argv, preempt);
}

void kmain(void)
{
    struct pt_check_result walk;
    char tests[512];

    banner();
    if (boot_is_pv())
        show_start_info(boot.si);
    pt_check(&walk);
    if (boot_is_pv()) {
        gmem.region_end = walk.region_end;
        frames_early_init(show_layout(boot.si, walk.region_end), walk.region_end);
    } else {
        frames_early_init((uint64_t)_image_end, (uint64_t)_image_end + 0x400000);
        printk("layout: kernel %#lx-%#lx, boot pagetables identity + high map of 1 GiB, "
               "RAM %lu MiB\n", (uint64_t)_image_start, (uint64_t)_image_end,
               gmem.nr_pages >> 8);
    }
    memory_init();
    if (gmem.dmap)
        trace_init();
    crash_on_request();
    if (cmdline_get(boot.cmdline, "test", tests, sizeof(tests))) {
        if (strlen(tests) == sizeof(tests) - 1)
            printk("xtf: the test= list is cut at %zu characters\n", sizeof(tests) - 1);
        xtf_run_list(tests);
    }
    run_user("user", "usertests");
    run_user("bench", "bench");
    unsigned reason = exit_reason();
    trace_finish();
    printk("pvx-guest: shutting down (reason %u)\n", reason);
    console_flush();
    pvops->shutdown(reason);
}
