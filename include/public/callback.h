/*
 * pvx public ABI: callback_op(cmd, arg), where the hypervisor enters the guest kernel for
 * events (upcalls), for a failed return to the guest (failsafe), for a `syscall` from
 * guest user mode, and for NMIs.  Values and layouts are Xen's.
 */
#ifndef PVX_PUBLIC_CALLBACK_H
#define PVX_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event               0   /* event upcall */
#define CALLBACKTYPE_failsafe            1   /* segment reload failed on return to guest */
#define CALLBACKTYPE_syscall             2   /* 64-bit `syscall` from guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5
#define CALLBACKTYPE_syscall32           7

/* Mask events (set evtchn_upcall_mask) when entering this callback. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0   /* arg struct callback_register */
#define CALLBACKOP_unregister 1   /* arg struct callback_unregister */

#ifndef __ASSEMBLY__

struct callback_register {
    uint16_t type;            /* CALLBACKTYPE_* */
    uint16_t flags;           /* CALLBACKF_* */
    xen_callback_t address;   /* entry point (guest virtual) */
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#endif /* !__ASSEMBLY__ */

#endif
