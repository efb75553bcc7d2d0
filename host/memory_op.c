/*
 * memory_op: the domain's reservation and the memory maps, as Xen 4.17 answers a PV dom0.
 * Trust: `arg` and everything it points at are raw guest values, read and written only
 * through copy_from_guest/copy_to_guest.  pvx's dom0 has a fixed reservation: nothing here
 * gives memory out or takes it back (increase/decrease_reservation, populate_physmap and
 * exchange are refused with -ENOSYS, the answer of a host without them).
 */
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include "arch.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"
#include "mm/mm.h"
#include "refuse.h"

#define MEMOP_CMD_MASK 0x3f     /* the bits above hold a continuation's progress */

/* One entry of a memory map, as the BIOS's INT 15h E820 call gives it. */
struct e820entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

/* The domain a reservation query names: the caller, by DOMID_SELF or by its own id (Xen's
 * rcu_lock_domain_by_any_id); pvx has no other. */
static struct domain *reservation_domain(uint64_t arg)
{
    domid_t id;

    if (copy_from_guest(&id, arg, sizeof(id)) != 0)
        return NULL;
    if (id != DOMID_SELF && id != current->domain->mm.domid)
        return NULL;
    return current->domain;
}

/*
 * The map of the machine a pvx dom0 may use: one RAM range from 0 to the end of the
 * machine's RAM.  Xen gives its hardware domain the machine's own map, holes, reserved and
 * ACPI ranges included, and lets it map those frames (firmware tables, I/O memory); a kernel
 * that is dom0 maps every pfn in a hole 1:1 to the machine frame there.  A pvx dom0 may map
 * only its own frames, so a hole in its map would only lead it to mappings the host refuses:
 * without holes it finds no firmware tables (DMI, ACPI, MP) and goes on without them, as a
 * domU does.  The buffer must have room for one entry more than the answer (Xen's rule).
 */
static long machine_memory_map(uint64_t arg)
{
    struct xen_memory_map map;
    struct e820entry e = { 0, 0, 1 /* RAM */ };
    uint64_t addr, size;
    uint32_t type;

    if (copy_from_guest(&map, arg, sizeof(map)) != 0)
        return -XEN_EFAULT;
    if (map.nr_entries < 2)
        return REFUSE(-XEN_EINVAL, "machine memory map buffer too small");
    for (unsigned i = 0; arch_machine_map_entry(i, &addr, &size, &type); i++)
        if (type == 1 && addr + size > e.size)
            e.size = addr + size;
    if (copy_to_guest(map.buffer, &e, sizeof(e)) != 0)
        return -XEN_EFAULT;
    map.nr_entries = 1;
    return copy_to_guest(arg, &map, sizeof(map)) == 0 ? 0 : -XEN_EFAULT;
}

long do_memory_op(uint64_t cmd, uint64_t arg)
{
    struct domain *d;

    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_maximum_ram_page:
        if (arg != 0)
            return REFUSE(-XEN_EINVAL, "maximum_ram_page takes no argument");
        return (long)mm_nr_frames();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        d = reservation_domain(arg);
        if (d == NULL)
            return REFUSE(-XEN_ESRCH, "reservation of another domain (only DOMID_SELF)");
        /* shared_info and the grant table count in the domain's frames here; Xen takes them
         * from its own heap. */
        return (long)((cmd & MEMOP_CMD_MASK) == XENMEM_current_reservation
                      ? d->mm.tot_pages : d->mm.max_pages) - 1 - d->nr_grant_frames;
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_END,
            .max_mfn = mm_nr_frames() - 1,    /* Xen's dom0 answer: max_page - 1 */
        };
        return copy_to_guest(arg, &m, sizeof(m)) == 0 ? 0 : -XEN_EFAULT;
    }
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    case XENMEM_memory_map:
        /* Xen: a domain whose map no toolstack set (dom0) gets -ENOSYS and uses the
         * machine's. */
        return -XEN_ENOSYS;
    case XENMEM_set_memory_map:
        return REFUSE(-XEN_EPERM, "set_memory_map: no toolstack, the map is the machine's");
    default:
        return -XEN_ENOSYS;
    }
}
