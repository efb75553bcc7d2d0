/*
 * pvx public ABI: vcpu_op(cmd, vcpuid, arg), per-vCPU control -- bring vCPUs up and down,
 * the one-shot and periodic timers, and the areas where the hypervisor publishes runstate
 * and time.  Values and layouts are Xen's.
 */
#ifndef PVX_PUBLIC_VCPU_H
#define PVX_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise                     0   /* arg struct vcpu_guest_context */
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3   /* returns 1 if up */
#define VCPUOP_get_runstate_info              4   /* arg struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6   /* arg struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8   /* arg struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info            10   /* arg struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12
#define VCPUOP_register_vcpu_time_memory_area 13

/* Runstates; their times in vcpu_runstate_info.time[] sum to system time. */
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

/* Set in state_entry_time while the hypervisor updates a registered runstate area
 * (with VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (xen_mk_ullong(1) << 63)

/* Ask for -XEN_ETIME instead of an immediate event if the timeout is already past. */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

#ifndef __ASSEMBLY__

struct vcpu_runstate_info {
    int      state;              /* RUNSTATE_* */
    uint64_t state_entry_time;   /* system time (ns) the state was entered */
    uint64_t time[4];            /* ns spent in each RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

/* The hypervisor keeps a copy of the runstate at this guest virtual address, updated at
 * every state change while the vCPU runs in that address space. */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* Raise VIRQ_TIMER once, when system time reaches timeout_abs_ns. */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;              /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/* Move this vCPU's vcpu_info to `offset` within guest frame `mfn`. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);

DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);

/* The hypervisor keeps a copy of vcpu_info.time at this guest virtual address. */
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* !__ASSEMBLY__ */

#endif
