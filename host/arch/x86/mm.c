/*
 * The x86 side of memory: the host's own pagetables and the arch hooks of host/mm/arch.h.
 *
 * At boot (arch_memory_init) a bump allocator hands out frames from the top of RAM below
 * 4 GiB (what boot.S's pagetables map), never touching the host image, the multiboot data or
 * the modules.  From it come the direct map (slot 262, 2 MiB pages, supervisor only,
 * executable only where the host image is), the machine-to-phys table (slot 256, 2 MiB
 * pages, user-readable, read-only, NX; the host writes it through the direct map) and the
 * frame table; then the idle L4 replaces boot.S's tables and every frame nobody took goes
 * to the allocator with mm_add_ram().
 * Host-owned tables may use superpages; guest tables never can (host/mm refuses PSE).
 */
#include "arch/x86/pv.h"
#include "domain.h"
#include "host.h"
#include "hostlib/lib.h"
#include "arch.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "trace.h"

#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define L2_SUPERPAGE (2 * MB)
#define DIRECTMAP_MAX (512 * GB)    /* one L4 slot */

static uint64_t idle_l4[512] __attribute__((aligned(4096)));
static uint64_t *pervcpu_l1;        /* the per-vCPU window's L1 table */
static uint64_t zero_frame;         /* machine address of a frame nothing writes */
uint64_t arch_directmap_frames;     /* frames the direct map covers (mm_arch_inline.h) */
static uint64_t *m2p_rw;            /* the M2P through the direct map */
static struct boot_mem mem;         /* RAM and reserved ranges; boot allocations added */

extern uint8_t __image_start[], __image_end[];

static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

static void reserve(uint64_t start, uint64_t end)
{
    if (mem.nr_reserved == BOOT_MAX_RESERVED)
        arch_panic("too many reserved ranges at boot");
    mem.reserved[mem.nr_reserved++] = (struct boot_range){ align_down(start, PAGE_SIZE),
                                                           align_up(end, PAGE_SIZE) };
}

/* The reserved range overlapping [s, e), or NULL. */
static const struct boot_range *reserved_overlap(uint64_t s, uint64_t e)
{
    for (unsigned i = 0; i < mem.nr_reserved; i++)
        if (mem.reserved[i].start < e && s < mem.reserved[i].end)
            return &mem.reserved[i];
    return NULL;
}

/*
 * `size` zeroed bytes aligned to `align`, from the highest free RAM below 4 GiB, reserved
 * for good.  Boot only: there is no way to give it back.
 */
static void *boot_alloc(uint64_t size, uint64_t align)
{
    size = align_up(size, PAGE_SIZE);
    for (unsigned i = mem.nr_ram; i-- > 0; ) {
        uint64_t lo = mem.ram[i].start < MB ? MB : mem.ram[i].start;
        uint64_t top = mem.ram[i].end < 4 * GB ? mem.ram[i].end : 4 * GB;

        while (top > lo && top - lo >= size) {
            uint64_t at = align_down(top - size, align);
            const struct boot_range *r;

            if (at < lo)
                break;
            r = reserved_overlap(at, at + size);
            if (!r) {
                reserve(at, at + size);
                void *p = maddr_to_virt(at);
                memset(p, 0, size);
                return p;
            }
            top = r->start;
        }
    }
    arch_panic("out of boot memory (%lu bytes wanted)", size);
}

/* _PAGE_NX where the CPU has it (cpu.c set EFER.NXE), else 0: the bit is reserved. */
static uint64_t page_nx(void)
{
    return (rdmsr(MSR_EFER) & EFER_NXE) ? _PAGE_NX : 0;
}

/*
 * The L2 entry for the 2 MiB at `ma`.  Only the host image is executable: every guest frame,
 * and the guest kernel module itself, has an alias in the direct map, and SMEP, which keeps
 * ring 0 from running guest (user) mappings, does not cover those aliases.  The 2 MiB pages
 * the image touches get 4 KiB pages, so its neighbours there stay non-executable too.
 */
static uint64_t direct_map_l2e(uint64_t ma)
{
    const uint64_t flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    uint64_t img_lo = virt_to_maddr(__image_start), img_hi = virt_to_maddr(__image_end);

    if (ma + L2_SUPERPAGE <= img_lo || ma >= img_hi)
        return ma | flags | _PAGE_PSE | page_nx();
    uint64_t *l1 = boot_alloc(PAGE_SIZE, PAGE_SIZE);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t pa = ma + i * PAGE_SIZE;
        l1[i] = pa | flags | (pa >= img_lo && pa < img_hi ? 0 : page_nx());
    }
    return virt_to_maddr(l1) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
}

/* Map machine [0, top) at HOST_DIRECTMAP, supervisor read-write (see direct_map_l2e). */
static void build_direct_map(uint64_t top)
{
    uint64_t *l3 = boot_alloc(PAGE_SIZE, PAGE_SIZE);

    for (uint64_t gb = 0; gb * GB < top; gb++) {
        uint64_t *l2 = boot_alloc(PAGE_SIZE, PAGE_SIZE);

        for (unsigned i = 0; i < 512; i++)
            l2[i] = direct_map_l2e(gb * GB + i * L2_SUPERPAGE);
        l3[gb] = virt_to_maddr(l2) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
    }
    idle_l4[HOST_DIRECTMAP_SLOT] = virt_to_maddr(l3) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
}

/*
 * The machine-to-phys table: one 8-byte entry per machine frame, all ~0 (no owner) until
 * the mm core fills them.  Guests see it read-only at HOST_M2P_VIRT; the mapping must carry
 * _PAGE_USER at every level because the guest kernel runs in ring 3.
 */
static void build_m2p(uint64_t nr_frames)
{
    uint64_t bytes = align_up(nr_frames * sizeof(uint64_t), L2_SUPERPAGE);
    uint8_t *table = boot_alloc(bytes, L2_SUPERPAGE);
    uint64_t *l3 = boot_alloc(PAGE_SIZE, PAGE_SIZE);
    uint64_t ma = virt_to_maddr(table);

    memset(table, 0xff, bytes);
    for (uint64_t off = 0; off < bytes; off += GB) {
        uint64_t *l2 = boot_alloc(PAGE_SIZE, PAGE_SIZE);

        for (uint64_t i = 0; i < 512 && off + i * L2_SUPERPAGE < bytes; i++)
            l2[i] = (ma + off + i * L2_SUPERPAGE) | _PAGE_PRESENT | _PAGE_USER | _PAGE_PSE |
                    _PAGE_ACCESSED | page_nx();
        l3[off / GB] = virt_to_maddr(l2) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
    }
    idle_l4[HOST_M2P_SLOT] = virt_to_maddr(l3) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
    m2p_rw = (uint64_t *)table;
}

/*
 * The per-vCPU window (layout.h): one L1 table, supervisor only, empty until cpu.c maps the
 * GDT pages and pv_descriptors.c the guest's descriptor frames into it.  Like every host
 * slot it is copied into each guest L4 the host validates.
 */
static void build_pervcpu_window(void)
{
    uint64_t *l3 = boot_alloc(PAGE_SIZE, PAGE_SIZE), *l2 = boot_alloc(PAGE_SIZE, PAGE_SIZE);
    const uint64_t table = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;

    pervcpu_l1 = boot_alloc(PAGE_SIZE, PAGE_SIZE);
    zero_frame = virt_to_maddr(boot_alloc(PAGE_SIZE, PAGE_SIZE));
    l2[(HOST_PERVCPU_VIRT >> 21) & 511] = virt_to_maddr(pervcpu_l1) | table;
    l3[(HOST_PERVCPU_VIRT >> 30) & 511] = virt_to_maddr(l2) | table;
    idle_l4[HOST_PERVCPU_SLOT] = virt_to_maddr(l3) | table;
}

uint64_t *arch_pervcpu_l1e(void) { return pervcpu_l1 + ((HOST_PERVCPU_VIRT >> 12) & 511); }
uint64_t arch_zero_frame_maddr(void) { return zero_frame; }

/* Give [s, e) minus every reserved range to the frame allocator. */
static uint64_t add_free(uint64_t s, uint64_t e)
{
    const struct boot_range *r;

    s = align_up(s, PAGE_SIZE);
    e = align_down(e, PAGE_SIZE);
    if (s >= e)
        return 0;
    r = reserved_overlap(s, e);
    if (r)
        return add_free(s, r->start) + add_free(r->end, e);
    mm_add_ram(_mfn(s >> PAGE_SHIFT), (e - s) >> PAGE_SHIFT);
    return (e - s) >> PAGE_SHIFT;
}

void arch_memory_init(const struct boot_mem *bm)
{
    uint64_t top = 0;

    mem = *bm;
    for (unsigned i = 0; i < mem.nr_ram; i++)
        if (mem.ram[i].end > top)
            top = mem.ram[i].end;
    if (top > DIRECTMAP_MAX) {
        printk("pvx: only the first 512 GiB of RAM are used\n");
        top = DIRECTMAP_MAX;
    }
    top = align_up(top, L2_SUPERPAGE);
    arch_directmap_frames = top >> PAGE_SHIFT;

    build_direct_map(top);
    build_m2p(arch_directmap_frames);
    build_pervcpu_window();
    size_t ft_bytes = mm_frame_table_bytes(arch_directmap_frames);
    void *ft = boot_alloc(ft_bytes, PAGE_SIZE);
    mm_init(ft, arch_directmap_frames);

    /* From here on only the host slots are mapped: the identity map of boot.S is gone. */
    write_cr3(virt_to_maddr(idle_l4));

    uint64_t free = 0;
    for (unsigned i = 0; i < mem.nr_ram; i++) {
        uint64_t s = mem.ram[i].start < MB ? MB : mem.ram[i].start;
        uint64_t e = mem.ram[i].end < top ? mem.ram[i].end : top;
        if (s < e)
            free += add_free(s, e);
    }
    printk("pvx: memory: %lu MiB RAM, %lu frames, direct map %p-%p, M2P at %p\n",
           free >> 8, arch_directmap_frames, (void *)HOST_DIRECTMAP, (void *)(HOST_DIRECTMAP + top),
           (void *)HOST_M2P_VIRT);
    printk("pvx: memory: frame table %lu KiB, %lu frames free for domains\n",
           (uint64_t)ft_bytes >> 10, mm_free_frames());
}

uint64_t arch_idle_l4_maddr(void) { return virt_to_maddr(idle_l4); }

/* --- the hooks of host/mm/arch.h ---------------------------------------------------------- */

/* arch_map_frame, arch_unmap_frame and arch_invlpg are inline (include/mm_arch_inline.h). */
void arch_map_frame_outside(mfn_t mfn)
{
    arch_panic("arch_map_frame: mfn %lx outside the direct map", mfn_x(mfn));
}

/* The direct map is linear in machine addresses, so a run of frames is one range. */
void *arch_map_frames(mfn_t first, uint64_t nr)
{
    if (mfn_x(first) + nr < mfn_x(first) || mfn_x(first) + nr > arch_directmap_frames)
        arch_panic("arch_map_frames: mfns %lx+%lx outside the direct map", mfn_x(first), nr);
    return maddr_to_virt(mfn_x(first) << PAGE_SHIFT);
}

void arch_flush_tlb_local(void)
{
    trace_flush_all();
    write_cr3(read_cr3());
}

/* A new base pointer may map the LDT's addresses elsewhere: what was mapped of it goes, as
 * in Xen's new_guest_cr3. */
void arch_load_cr3(mfn_t l4)
{
    if (current && current->arch)
        pv_ldt_invalidate(current->arch);
    write_cr3(mfn_x(l4) << PAGE_SHIFT);
}

uint64_t arch_host_l4e(unsigned slot)
{
    return slot >= HOST_L4_FIRST && slot <= HOST_L4_LAST ? idle_l4[slot] : 0;
}

uint64_t *arch_m2p(void) { return m2p_rw; }
