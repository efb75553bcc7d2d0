/*
 * pvx public ABI: the x86_64 half of Xen's PV interface -- flat selectors, the hypervisor
 * hole, register frames, the trap table entry and the per-vCPU / per-domain arch areas.
 * Names, values and layouts are Xen's (checked by tests/abi against Debian's headers).
 * Shared by the host, the guest and the tests; it includes nothing but <stdint.h>.
 */
#ifndef PVX_PUBLIC_ARCH_X86_64_H
#define PVX_PUBLIC_ARCH_X86_64_H

/*
 * Constants are written so that assembly files can use them too: xen_mk_* adds the C
 * integer suffix only when compiling C.
 */
#ifdef __ASSEMBLY__
#define xen_mk_uint(x)   x
#define xen_mk_ulong(x)  x
#define xen_mk_ullong(x) x
#else
#include <stdint.h>
#define __xen_mk_uint(x)   x ## U
#define __xen_mk_ulong(x)  x ## UL
#define __xen_mk_ullong(x) x ## ULL
#define xen_mk_uint(x)     __xen_mk_uint(x)
#define xen_mk_ulong(x)    __xen_mk_ulong(x)
#define xen_mk_ullong(x)   __xen_mk_ullong(x)
#endif

/*
 * Flat segments the hypervisor's GDT provides for a 64-bit PV guest.  The guest kernel runs
 * in ring 3 like its applications, so kernel and user selectors are the same descriptors.
 * 64-bit data segments are the null selector.
 */
#define FLAT_RING3_CS32 0xe023   /* GDT index 260 */
#define FLAT_RING3_CS64 0xe033   /* GDT index 262 */
#define FLAT_RING3_DS32 0xe02b   /* GDT index 261 */
#define FLAT_RING3_DS64 0x0000   /* null selector */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/*
 * The hypervisor hole: L4 slots 256-271 belong to the hypervisor in every guest address
 * space.  Its first 256 GiB hold the read-only machine-to-phys table (one 8-byte pfn per
 * machine frame), which guests may read.
 */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000

#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END   xen_mk_ulong(__HYPERVISOR_VIRT_END)
#define MACH2PHYS_VIRT_START  xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END    xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* set_segment_base: which base the guest sets (FS, user GS, kernel GS, user GS selector). */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* The guest stack frame given to HYPERVISOR_iret; the flag says "the guest came in by
 * syscall, return with sysret semantics" (rcx/r11 are not restored). */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

/* Flags of vcpu_guest_context.flags. */
#define VGCF_I387_VALID                (1 << 0)
#define VGCF_IN_KERNEL                 (1 << 2)
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)

/* vCPUs that fit in shared_info.vcpu_info[]; more need VCPUOP_register_vcpu_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/* GDT pages 14 and 15 are the hypervisor's; a guest GDT may use only the first 14 pages. */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* This x86 PV interface has a guest entry (start_info) and a per-vCPU upcall mask. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * Forced emulation: `ud2; .ascii "xen"` in front of an instruction asks the hypervisor to
 * emulate it (used for cpuid, so the hypervisor can filter the feature bits).
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f,0x0b,0x78,0x65,0x6e ;
#define XEN_CPUID          XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"
#endif

/* Port of the debug console (HVM/PVH guests; QEMU's -debugcon uses the same port). */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#ifndef __ASSEMBLY__

typedef unsigned long xen_pfn_t;    /* a frame number: machine or guest-physical */
typedef unsigned long xen_ulong_t;  /* a native word in shared structures */
typedef unsigned long xen_callback_t;
typedef uint64_t tsc_timestamp_t;

#define PRI_xen_pfn   "lx"
#define PRIu_xen_pfn  "lu"
#define PRI_xen_ulong "lx"

#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/*
 * Guest handles: a guest virtual address wrapped in a one-member struct so that it cannot
 * be mixed up with a plain pointer.  The host never dereferences one directly; it reads
 * through copy_from_guest.
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type); \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)  __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)       __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)         __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)   XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = (val); } while (0)
#define set_xen_guest_handle(hnd, val)     set_xen_guest_handle_raw(hnd, val)

DEFINE_XEN_GUEST_HANDLE(void);

/*
 * One entry of the virtual IDT given to set_trap_table.  A table ends with an entry whose
 * address is 0.  flags bits 0-1: the lowest ring allowed to raise the vector with `int`;
 * bit 2: mask events (as an interrupt gate clears IF) on delivery.
 */
#define TI_GET_DPL(_ti)       ((_ti)->flags & 3)
#define TI_GET_IF(_ti)        ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if)   ((_ti)->flags |= ((!!(_if)) << 2))

struct trap_info {
    uint8_t       vector;   /* exception vector */
    uint8_t       flags;    /* TI_* : DPL in 0-1, "mask events" in 2 */
    uint16_t      cs;       /* code selector */
    unsigned long address;  /* handler entry */
};
typedef struct trap_info trap_info_t;

/*
 * The frame the guest pushes before HYPERVISOR_iret, lowest address first: the hypercall
 * pops rax, r11, rcx and flags (VGCF_in_syscall), then returns through rip..ss.
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/*
 * The register frame of a vCPU (vcpu_guest_context, trap frames).  error_code and
 * entry_vector are the hypervisor's private bookkeeping.  saved_upcall_mask is the event
 * mask that rflags.IF stands for while the guest kernel runs in ring 3.
 */
struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

/*
 * The whole state of a vCPU as VCPUOP_initialise takes it.  On x86_64 the user pagetable
 * (NEW_USER_BASEPTR) travels in ctrlreg[1].
 */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;        /* FXSAVE image, kept first for alignment */
    unsigned long flags;                     /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];         /* the virtual IDT */
    unsigned long ldt_base, ldt_ents;        /* linear address, entries */
    unsigned long gdt_frames[16], gdt_ents;  /* machine frames, entries */
    unsigned long kernel_ss, kernel_sp;      /* the stack a ring-3 -> kernel bounce uses */
    unsigned long ctrlreg[8];
    unsigned long debugreg[8];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;                 /* VMASST_TYPE_* bitmap */
    uint64_t      fs_base;
    uint64_t      gs_base_kernel;
    uint64_t      gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

/* The arch part of vcpu_info: the faulting address of the last bounced page fault. */
struct arch_vcpu_info {
    unsigned long cr2;
    unsigned long pad;   /* keeps sizeof(struct vcpu_info) == 64 */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/*
 * The arch part of shared_info: where the guest publishes its p2m, for tools that save or
 * migrate it.  pfn_to_mfn_frame_list_list is the root of the 3-level p2m tree (0 = not set
 * up, ~0 = use the linear list at p2m_vaddr in the address space p2m_cr3).
 */
struct arch_shared_info {
    unsigned long max_pfn;
    xen_pfn_t     pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
};
typedef struct arch_shared_info arch_shared_info_t;

#endif /* !__ASSEMBLY__ */

#endif
