/*
 * pvx public ABI: the core of Xen's x86_64 PV hypercall interface -- hypercall numbers,
 * the memory-management requests, multicall, the start_info page a PV kernel is entered
 * with, and the shared_info page it shares with the hypervisor.  Names, values and layouts
 * are Xen's; tests/abi checks every one against Debian's headers.  docs/abi.md says what
 * each operation does and refuses.  Everything here is guest-controlled input to the host.
 */
#ifndef PVX_PUBLIC_XEN_H
#define PVX_PUBLIC_XEN_H

#include "arch-x86_64.h"

/*
 * Hypercall numbers.  A 64-bit PV guest calls through the hypercall page (32-byte stub per
 * number) or with a bare `syscall` from guest kernel mode: number in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9; result (0/positive, or -XEN_E*) in rax.
 */
#define __HYPERVISOR_set_trap_table          0   /* install the virtual IDT */
#define __HYPERVISOR_mmu_update              1   /* checked pagetable/M2P writes */
#define __HYPERVISOR_set_gdt                 2
#define __HYPERVISOR_stack_switch            3   /* kernel stack for ring-3 -> kernel bounces */
#define __HYPERVISOR_set_callbacks           4
#define __HYPERVISOR_fpu_taskswitch          5   /* set/clear the virtual CR0.TS */
#define __HYPERVISOR_sched_op_compat         6
#define __HYPERVISOR_platform_op             7
#define __HYPERVISOR_set_debugreg            8
#define __HYPERVISOR_get_debugreg            9
#define __HYPERVISOR_update_descriptor      10
#define __HYPERVISOR_memory_op              12
#define __HYPERVISOR_multicall              13   /* a batch of hypercalls in one entry */
#define __HYPERVISOR_update_va_mapping      14   /* rewrite the L1 entry mapping one VA */
#define __HYPERVISOR_set_timer_op           15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version            17
#define __HYPERVISOR_console_io             18
#define __HYPERVISOR_physdev_op_compat      19
#define __HYPERVISOR_grant_table_op         20
#define __HYPERVISOR_vm_assist              21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                   23   /* return from a bounced exception/event */
#define __HYPERVISOR_vcpu_op                24
#define __HYPERVISOR_set_segment_base       25
#define __HYPERVISOR_mmuext_op              26   /* pin/unpin, base pointers, TLB flushes */
#define __HYPERVISOR_xsm_op                 27
#define __HYPERVISOR_nmi_op                 28
#define __HYPERVISOR_sched_op               29
#define __HYPERVISOR_callback_op            30
#define __HYPERVISOR_xenoprof_op            31
#define __HYPERVISOR_event_channel_op       32
#define __HYPERVISOR_physdev_op             33
#define __HYPERVISOR_hvm_op                 34
#define __HYPERVISOR_sysctl                 35
#define __HYPERVISOR_domctl                 36
#define __HYPERVISOR_kexec_op               37
#define __HYPERVISOR_tmem_op                38
#define __HYPERVISOR_argo_op                39
#define __HYPERVISOR_xenpmu_op              40
#define __HYPERVISOR_dm_op                  41
#define __HYPERVISOR_hypfs_op               42

/* Numbers reserved for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0                 48
#define __HYPERVISOR_arch_1                 49
#define __HYPERVISOR_arch_2                 50
#define __HYPERVISOR_arch_3                 51
#define __HYPERVISOR_arch_4                 52
#define __HYPERVISOR_arch_5                 53
#define __HYPERVISOR_arch_6                 54
#define __HYPERVISOR_arch_7                 55

/*
 * Virtual interrupts, bound to event channels with EVTCHNOP_bind_virq.  "V" ones are per
 * vCPU, "G" ones global.
 */
#define VIRQ_TIMER      0   /* V: timer (set_timer_op / singleshot timer) expired */
#define VIRQ_DEBUG      1   /* V: dump debug state */
#define VIRQ_CONSOLE    2   /* G: input on the emergency console (dom0) */
#define VIRQ_DOM_EXC    3   /* G: a domain needs attention (dom0) */
#define VIRQ_TBUF       4   /* G: trace buffer records available (dom0) */
#define VIRQ_DEBUGGER   6   /* G: a domain paused for a debugger (dom0) */
#define VIRQ_XENOPROF   7   /* V: profiling sample */
#define VIRQ_CON_RING   8   /* G: console ring has bytes (dom0) */
#define VIRQ_PCPU_STATE 9   /* G: physical CPU state changed (dom0) */
#define VIRQ_MEM_EVENT  10  /* G: memory event (dom0) */
#define VIRQ_ARGO       11  /* G: argo message */
#define VIRQ_ENOMEM     12  /* G: hypervisor heap low (dom0) */
#define VIRQ_XENPMU     13  /* V: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/*
 * mmu_update requests.  The low bits of mmu_update.ptr select the command (Xen decodes
 * ptr & 7, so 4-7 are unknown commands); with them cleared, ptr is an 8-byte aligned machine
 * address.
 *   MMU_NORMAL_PT_UPDATE: ptr is the machine address of a pagetable entry in a frame the
 *     guest owns; val is validated as an entry of that table's level, takes its references,
 *     is written, and the old entry's references are dropped.
 *   MMU_MACHPHYS_UPDATE: ptr is the machine address of a frame the guest owns; val is the
 *     pfn to record for it in the M2P table.
 *   MMU_PT_UPDATE_PRESERVE_AD: as NORMAL, but keeps the Accessed/Dirty bits already there.
 *   MMU_PT_UPDATE_NO_TRANSLATE: as NORMAL, val never translated (translated guests only).
 */
#define MMU_NORMAL_PT_UPDATE       0
#define MMU_MACHPHYS_UPDATE        1
#define MMU_PT_UPDATE_PRESERVE_AD  2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/*
 * mmuext_op commands.  Argument use: arg1.mfn for the PIN/UNPIN, BASEPTR, CLEAR/COPY_PAGE
 * and MARK_SUPER commands; arg1.linear_addr for INVLPG_* and SET_LDT; arg2.nr_ents for
 * SET_LDT; arg2.vcpumask for the *_MULTI commands; arg2.src_mfn for COPY_PAGE.
 */
#define MMUEXT_PIN_L1_TABLE       0   /* validate mfn as an L1 and hold the type */
#define MMUEXT_PIN_L2_TABLE       1
#define MMUEXT_PIN_L3_TABLE       2
#define MMUEXT_PIN_L4_TABLE       3
#define MMUEXT_UNPIN_TABLE        4   /* drop the pin's type reference */
#define MMUEXT_NEW_BASEPTR        5   /* switch the kernel L4 (cr3) to mfn */
#define MMUEXT_TLB_FLUSH_LOCAL    6
#define MMUEXT_INVLPG_LOCAL       7
#define MMUEXT_TLB_FLUSH_MULTI    8   /* on the vCPUs in vcpumask */
#define MMUEXT_INVLPG_MULTI       9
#define MMUEXT_TLB_FLUSH_ALL     10   /* on every vCPU of the domain */
#define MMUEXT_INVLPG_ALL        11
#define MMUEXT_FLUSH_CACHE       12
#define MMUEXT_SET_LDT           13   /* LDT at linear_addr, nr_ents descriptors */
#define MMUEXT_NEW_USER_BASEPTR  15   /* the L4 used while the guest runs user mode */
#define MMUEXT_CLEAR_PAGE        16   /* zero a frame the guest may write */
#define MMUEXT_COPY_PAGE         17   /* copy src_mfn into mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER        19
#define MMUEXT_UNMARK_SUPER      20

/*
 * update_va_mapping flags, ORed together: a flush type in bits 0-1 and a scope in bit 2.
 * For the MULTI scope the flags word is a pointer to a vCPU bitmap with these bits added;
 * LOCAL is MULTI with a null bitmap.
 */
#define UVMF_NONE           (xen_mk_ulong(0) << 0)   /* no flush */
#define UVMF_TLB_FLUSH      (xen_mk_ulong(1) << 0)   /* flush the whole TLB */
#define UVMF_INVLPG         (xen_mk_ulong(2) << 0)   /* flush only this VA */
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI          (xen_mk_ulong(0) << 2)
#define UVMF_LOCAL          (xen_mk_ulong(0) << 2)
#define UVMF_ALL            (xen_mk_ulong(1) << 2)

/* console_io: write `count` bytes from a guest buffer to the console, or read input. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* vm_assist: switch optional hypervisor assists on or off. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2   /* emulate guest writes to its pagetables */
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict           32

/* Domain ids at or above DOMID_FIRST_RESERVED name something other than a domain. */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF           xen_mk_uint(0x7FF0)   /* the calling domain */
#define DOMID_IO             xen_mk_uint(0x7FF1)   /* owner of I/O memory */
#define DOMID_XEN            xen_mk_uint(0x7FF2)   /* owner of hypervisor frames */
#define DOMID_COW            xen_mk_uint(0x7FF3)
#define DOMID_INVALID        xen_mk_uint(0x7FF4)
#define DOMID_IDLE           xen_mk_uint(0x7FFF)
#define DOMID_MASK           xen_mk_uint(0x7FFF)

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)   /* the domain is privileged */
#define SIF_INITDOMAIN      (1 << 1)   /* the initial control domain (dom0) */
#define SIF_MULTIBOOT_MOD   (1 << 2)   /* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN   (1 << 3)   /* mod_start is a pfn, not a virtual address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)
#define SIF_PM_MASK         (0xFF << 8)

#define MAX_GUEST_CMDLINE 1024

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(uint8,  uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);
DEFINE_XEN_GUEST_HANDLE(trap_info_t);
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/* One mmu_update request: command in ptr's low 3 bits, machine address above them. */
struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* One mmuext_op request; see MMUEXT_* for which argument each command reads. */
struct mmuext_op {
    unsigned int cmd;
    union {
        xen_pfn_t     mfn;
        unsigned long linear_addr;
    } arg1;
    union {
        unsigned int  nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;
        xen_pfn_t     src_mfn;
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);

/*
 * One entry of a multicall: hypercall number and up to six arguments in, the hypercall's
 * return value written back to `result`.
 */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Per-vCPU time base.  `version` is odd while the hypervisor updates the record; a reader
 * retries until it sees the same even value before and after.  Now, in ns since boot:
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;         /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

/*
 * Per-vCPU event state (64 bytes).  evtchn_upcall_pending is set by the hypervisor when an
 * event arrives; evtchn_upcall_mask is the guest's virtual interrupt flag (non-zero: no
 * upcall is delivered).  evtchn_pending_sel has one bit per word of shared_info's
 * evtchn_pending[] that may hold a pending, unmasked port.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The page shared between hypervisor and guest, given by machine address in start_info.
 * evtchn_pending / evtchn_mask are the 2-level event channel bitmaps (one bit per port);
 * wc_* is the wall clock at system time 0, versioned like vcpu_time_info.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * The start_info page.  A PV kernel is entered with %rsi pointing at it, inside the
 * bootstrap region that starts at VIRT_BASE (see docs/abi.md for the region's layout).
 * magic is "xen-<version>-<platform>", e.g. "xen-3.0-x86_64".
 */
struct start_info {
    /* Filled in on boot and on resume. */
    char magic[32];
    unsigned long nr_pages;      /* pages the domain owns */
    unsigned long shared_info;   /* machine address of struct shared_info */
    uint32_t flags;              /* SIF_* */
    xen_pfn_t store_mfn;         /* xenstore ring frame */
    uint32_t store_evtchn;
    union {
        struct {
            xen_pfn_t mfn;       /* console ring frame */
            uint32_t  evtchn;
        } domU;
        struct {
            uint32_t info_off;   /* offset of a dom0_vga_console_info in this page */
            uint32_t info_size;
        } dom0;
    } console;
    /* Filled in on boot only. */
    unsigned long pt_base;       /* virtual address of the bootstrap L4 */
    unsigned long nr_pt_frames;  /* bootstrap pagetable frames */
    unsigned long mfn_list;      /* virtual address of the p2m list (pfn -> mfn) */
    unsigned long mod_start;     /* virtual address (or pfn, SIF_MOD_START_PFN) of the module */
    unsigned long mod_len;       /* its size in bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    unsigned long first_p2m_pfn; /* pfn range of the initial p2m (when placed separately) */
    unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

/* Start of start_info.magic for a 64-bit PV guest (pvx's name; Xen has none). */
#define PVX_START_INFO_MAGIC "xen-3.0-x86_64"

/* One entry of the module list when SIF_MULTIBOOT_MOD is set. */
struct xen_multiboot_mod_list {
    uint32_t mod_start;  /* physical address of the first byte */
    uint32_t mod_end;    /* physical address of the last byte (inclusive) */
    uint32_t cmdline;    /* physical address of a NUL-terminated command line */
    uint32_t pad;
};

typedef uint8_t xen_domain_handle_t[16];

#endif /* !__ASSEMBLY__ */

#endif
