/*
 * pvx public ABI: physdev_op(cmd, arg), the few physical-device operations a PV kernel
 * uses early.  set_iopl gives the guest kernel I/O port access at the given privilege
 * level (a dom0 kernel uses it to reach port 0xf4 and the serial port).  Values are Xen's.
 */
#ifndef PVX_PUBLIC_PHYSDEV_H
#define PVX_PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY  4
#define PHYSDEVOP_irq_status_query   5   /* struct physdev_irq_status_query */
#define PHYSDEVOP_set_iopl           6   /* struct physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap       7   /* struct physdev_set_iobitmap */
#define PHYSDEVOP_apic_read          8
#define PHYSDEVOP_apic_write         9
#define PHYSDEVOP_alloc_irq_vector  10
#define PHYSDEVOP_free_irq_vector   11
#define PHYSDEVOP_eoi               12   /* struct physdev_eoi */
#define PHYSDEVOP_map_pirq          13
#define PHYSDEVOP_unmap_pirq        14
#define PHYSDEVOP_pirq_eoi_gmfn_v1  17
#define PHYSDEVOP_pirq_eoi_gmfn_v2  28
#define PHYSDEVOP_pirq_eoi_gmfn     PHYSDEVOP_pirq_eoi_gmfn_v2

#define _XENIRQSTAT_needs_eoi (0)
#define XENIRQSTAT_needs_eoi  (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared    (1)
#define XENIRQSTAT_shared     (1U << _XENIRQSTAT_shared)

#ifndef __ASSEMBLY__

/* Set the I/O privilege level the guest kernel runs with (0-3; 3 allows all ports to
 * ring 3, which is where a 64-bit PV kernel runs). */
struct physdev_set_iopl {
    uint32_t iopl;
};
typedef struct physdev_set_iopl physdev_set_iopl_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iopl_t);

/* Give the guest kernel the ports whose bits are clear in `bitmap`. */
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap;
    uint32_t nr_ports;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iobitmap_t);

struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

struct physdev_irq_status_query {
    uint32_t irq;      /* in */
    uint32_t flags;    /* out: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_status_query_t);

#endif /* !__ASSEMBLY__ */

#endif
