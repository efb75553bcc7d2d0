/*
 * host_start: from boot.S's first C call to the guest's first instruction.  Reads what the
 * multiboot loader handed over (memory map, command line, the guest module), which we trust
 * as we trust the firmware, and brings the machine up in order: console, CPU tables,
 * memory, then the domain builder, which never returns.
 */
#include "arch/x86/x86.h"
#include "host.h"
#include "hypercall.h"
#include "hostlib/lib.h"
#include "arch.h"
#include "printk.h"
#include "trace.h"
#include "time.h"

#define MULTIBOOT_BOOT_MAGIC 0x2badb002
#define MBI_CMDLINE  (1 << 2)
#define MBI_MODS     (1 << 3)
#define MBI_MMAP     (1 << 6)

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct mb_module {
    uint32_t mod_start, mod_end, string, reserved;
};

extern uint8_t __image_start[], __image_end[];

struct host_options host_opts = { .dom0_mem = 32ULL << 20 };
char host_cmdline[1024];

/* A size with an optional K/M/G suffix (Xen's dom0_mem syntax, plain sizes only). */
static bool parse_size(const char *s, uint64_t *out)
{
    const char *end;
    uint64_t v = strtoull(s, &end, 0);
    unsigned shift;

    if (end == s)
        return false;
    switch (*end) {
    case 'G': case 'g': shift = 30; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'K': case 'k': shift = 10; end++; break;
    case '\0': shift = 10; break;  /* Xen: a bare number is KiB */
    default: return false;
    }
    /* Too big for 64 bits (strtoull saturates): refused, not wrapped to a small size. */
    if (*end != '\0' || v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

static void parse_option(const char *opt)
{
    const char *eq = strchr(opt, '=');
    size_t klen = eq ? (size_t)(eq - opt) : strlen(opt);
    const char *val = eq ? eq + 1 : "";

    if (klen == 8 && strncmp(opt, "dom0_mem", 8) == 0) {
        uint64_t bytes;
        if (parse_size(val, &bytes) && bytes >= (4ULL << 20))
            host_opts.dom0_mem = bytes;
        else
            printk("pvx: bad dom0_mem '%s' (want e.g. 32M, at least 4M); keeping %lu MiB\n",
                   val, host_opts.dom0_mem >> 20);
    } else if (klen == 8 && strncmp(opt, "selftest", 8) == 0 && strcmp(val, "host_fault") == 0) {
        host_opts.selftest_host_fault = true;
    } else if (klen == 8 && strncmp(opt, "selftest", 8) == 0 && strcmp(val, "bad_iret") == 0) {
        host_opts.selftest_bad_iret = true;
    } else if (klen == 8 && strncmp(opt, "selftest", 8) == 0 && strcmp(val, "host_debug") == 0) {
        host_opts.selftest_host_debug = true;
    } else if (klen == 8 && strncmp(opt, "selftest", 8) == 0 && strcmp(val, "exec_guest") == 0) {
        host_opts.selftest_exec_guest = true;
    } else if (klen == 5 && strncmp(opt, "trace", 5) == 0 && strcmp(val, "hypercalls") == 0) {
        hypercall_trace_on = true;
        hypercall_hooks_on = true;         /* every call through the dispatcher */
    } else if ((klen == 7 && strncmp(opt, "console", 7) == 0) ||
               (klen == 8 && strncmp(opt, "noreboot", 8) == 0) ||
               (klen == 4 && strncmp(opt, "com1", 4) == 0)) {
        /* Xen options that mean nothing different here: serial console, no reboot. */
    } else if (trace_option(opt, klen, val)) {
        /* the traced host's tbuf_size= */
    } else {
        printk("pvx: unknown option '%s' ignored\n", opt);
    }
}

static void parse_cmdline(const char *cmdline)
{
    char word[128];

    /* As Xen: the loader puts the image's name first; the options follow it. */
    while (*cmdline == ' ')
        cmdline++;
    while (*cmdline && *cmdline != ' ')
        cmdline++;
    if (strlcpy(host_cmdline, cmdline, sizeof(host_cmdline)) >= sizeof(host_cmdline))
        printk("pvx: command line longer than %zu bytes: the rest is ignored\n",
               sizeof(host_cmdline) - 1);
    for (const char *p = host_cmdline; *p; ) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ')
            n++;
        if (n > 0 && n < sizeof(word)) {
            memcpy(word, p, n);
            word[n] = '\0';
            parse_option(word);
        } else if (n > 0) {
            printk("pvx: option too long, ignored\n");
        }
        p += n;
    }
}

static const char *mmap_type(uint32_t type)
{
    switch (type) {
    case 1: return "RAM";
    case 3: return "ACPI data";
    case 4: return "ACPI NVS";
    case 5: return "unusable";
    default: return "reserved";
    }
}

static void add_reserved(struct boot_mem *bm, uint64_t start, uint64_t end)
{
    if (bm->nr_reserved < BOOT_MAX_RESERVED)
        bm->reserved[bm->nr_reserved++] = (struct boot_range){ start, end };
    else
        arch_panic("too many multiboot ranges to keep");
}

/* The loader's map as it gave it, for XENMEM_machine_memory_map (arch.h). */
#define MACHINE_MAP_MAX 64
static struct { uint64_t addr, len; uint32_t type; } machine_map[MACHINE_MAP_MAX];
static unsigned machine_map_entries;

bool arch_machine_map_entry(unsigned i, uint64_t *addr, uint64_t *size, uint32_t *type)
{
    if (i >= machine_map_entries)
        return false;
    *addr = machine_map[i].addr;
    *size = machine_map[i].len;
    *type = machine_map[i].type;
    return true;
}

static void read_memory_map(const struct mb_info *mbi, struct boot_mem *bm)
{
    if (!(mbi->flags & MBI_MMAP))
        arch_panic("the loader gave no memory map");
    printk("pvx: memory map from the loader:\n");
    for (uint64_t off = 0; off + sizeof(struct mb_mmap_entry) <= mbi->mmap_length; ) {
        const struct mb_mmap_entry *e = maddr_to_virt(mbi->mmap_addr + off);

        printk("    %016lx - %016lx (%s)\n", e->addr, e->addr + e->len, mmap_type(e->type));
        if (machine_map_entries < MACHINE_MAP_MAX)
            machine_map[machine_map_entries++] = (typeof(machine_map[0])){ e->addr, e->len,
                                                                          e->type };
        if (e->type == 1 && e->len > 0) {
            if (bm->nr_ram < BOOT_MAX_RAM)
                bm->ram[bm->nr_ram++] = (struct boot_range){ e->addr, e->addr + e->len };
            else
                printk("pvx: too many RAM ranges, ignoring %016lx\n", e->addr);
        }
        off += e->size + sizeof(e->size);
    }
    /* The boot allocator walks RAM from the top: keep the ranges sorted. */
    for (unsigned i = 1; i < bm->nr_ram; i++)
        for (unsigned j = i; j > 0 && bm->ram[j].start < bm->ram[j - 1].start; j--) {
            struct boot_range t = bm->ram[j];
            bm->ram[j] = bm->ram[j - 1];
            bm->ram[j - 1] = t;
        }
    add_reserved(bm, mbi->mmap_addr, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
}

/* A module the loader placed; one that ends before it starts is a loader bug (its size
 * would wrap and void every bound check after it). */
static void read_module(const struct mb_module *m, unsigned i, struct boot_module *out)
{
    if (m->mod_end < m->mod_start)
        arch_panic("module %u ends (%#x) before it starts (%#x)", i, m->mod_end, m->mod_start);
    out->image = maddr_to_virt(m->mod_start);
    out->size = m->mod_end - m->mod_start;
    out->cmdline = m->string ? maddr_to_virt(m->string) : "";
}

void host_start(uint32_t mbi_phys, uint32_t magic) __attribute__((noreturn));
void host_start(uint32_t mbi_phys, uint32_t magic)
{
    static struct boot_mem bm;
    struct boot_module mod, initrd;

    console_init();
    printk("\npvx: hypervisor starting (pvx host, Xen 4.17 PV ABI subset)\n");
    if (magic != MULTIBOOT_BOOT_MAGIC)
        arch_panic("not started by a multiboot loader (magic %x)", magic);
    arch_cpu_init();

    const struct mb_info *mbi = maddr_to_virt(mbi_phys);
    add_reserved(&bm, virt_to_maddr(__image_start), virt_to_maddr(__image_end));
    add_reserved(&bm, mbi_phys, mbi_phys + sizeof(*mbi));
    add_reserved(&bm, 0, 0x100000);

    const char *cmdline = "";
    if (mbi->flags & MBI_CMDLINE) {
        cmdline = maddr_to_virt(mbi->cmdline);
        add_reserved(&bm, mbi->cmdline, mbi->cmdline + strlen(cmdline) + 1);
    }
    printk("pvx: command line: %s\n", cmdline);
    parse_cmdline(cmdline);
    read_memory_map(mbi, &bm);

    if (!(mbi->flags & MBI_MODS) || mbi->mods_count == 0)
        arch_panic("no guest kernel: boot with -initrd \"guest.elf [guest command line]\"");
    const struct mb_module *mods = maddr_to_virt(mbi->mods_addr);
    add_reserved(&bm, mbi->mods_addr, mbi->mods_addr + mbi->mods_count * sizeof(*mods));
    for (unsigned i = 0; i < mbi->mods_count; i++) {
        const char *s = mods[i].string ? maddr_to_virt(mods[i].string) : "";
        add_reserved(&bm, mods[i].mod_start, mods[i].mod_end);
        if (mods[i].string)
            add_reserved(&bm, mods[i].string, mods[i].string + strlen(s) + 1);
        printk("pvx: module %u: %08x-%08x '%s'\n", i, mods[i].mod_start, mods[i].mod_end, s);
    }
    if (mbi->mods_count > 2)
        printk("pvx: only modules 0 (the kernel) and 1 (its initrd) are used\n");
    read_module(&mods[0], 0, &mod);
    if (mbi->mods_count > 1)
        read_module(&mods[1], 1, &initrd);

    arch_memory_init(&bm);
    arch_gdt_window_init();
    arch_time_init();
    time_init();
    domain_build_and_run(&mod, mbi->mods_count > 1 ? &initrd : NULL);
}
