/*
 * pvx public ABI: memory_op(cmd, arg), the domain's reservation and the memory maps.  The
 * command is the low 6 bits of cmd (Xen keeps a continuation's progress above them).  Values
 * and layouts are Xen's.
 */
#ifndef PVX_PUBLIC_MEMORY_H
#define PVX_PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation   0   /* arg struct xen_memory_reservation */
#define XENMEM_decrease_reservation   1
#define XENMEM_maximum_ram_page       2   /* returns the highest machine frame + 1; arg NULL */
#define XENMEM_current_reservation    3   /* arg domid_t; returns the domain's pages */
#define XENMEM_maximum_reservation    4   /* arg domid_t; returns its limit */
#define XENMEM_machphys_mfn_list      5
#define XENMEM_populate_physmap       6
#define XENMEM_add_to_physmap         7
#define XENMEM_memory_map             9   /* arg struct xen_memory_map: the domain's map */
#define XENMEM_machine_memory_map    10   /* arg struct xen_memory_map: the machine's (dom0) */
#define XENMEM_exchange              11
#define XENMEM_machphys_mapping      12   /* arg struct xen_machphys_mapping */
#define XENMEM_set_memory_map        13   /* arg struct xen_foreign_memory_map */
#define XENMEM_maximum_gpfn          14
#define XENMEM_get_vnumainfo         26

struct xen_memory_reservation {
    uint64_t extent_start;        /* guest handle: an array of frame numbers */
    xen_ulong_t nr_extents;
    unsigned int extent_order;
    unsigned int mem_flags;
    domid_t domid;
};

struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;   /* where the M2P is mapped, read-only, in every guest */
    xen_ulong_t max_mfn;          /* the highest machine frame it describes */
};

/* nr_entries: in, room in buffer; out, entries written.  buffer: the BIOS's E820 entries (20 bytes each). */
struct xen_memory_map {
    unsigned int nr_entries;
    uint64_t buffer;              /* guest handle */
};

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};

#endif
