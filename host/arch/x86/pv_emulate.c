/*
 * Instruction emulation for a 64-bit PV guest: what the host does for the guest when an
 * instruction it executed in ring 3 cannot run there.  This file holds the CPUID policy the
 * forced-emulation prefix (`ud2; .ascii "xen"; cpuid`) answers with: the machine's leaves
 * with what pvx does not virtualise hidden, and Xen's leaves at 0x40000000.
 * Trust: the leaf and subleaf are guest values; every leaf has an answer (zeros for unknown
 * hypervisor leaves, as Xen gives).
 */
#include "arch/x86/pv.h"
#include "domain.h"

/* The hypervisor leaves, as Xen 4.17 answers a PV guest. */
#define XEN_CPUID_BASE         0x40000000u
#define XEN_CPUID_LAST         (XEN_CPUID_BASE + 5)
#define XEN_SIGNATURE_EBX      0x566e6558u   /* "XenV" */
#define XEN_SIGNATURE_ECX      0x65584d4du   /* "MMXe" */
#define XEN_SIGNATURE_EDX      0x4d4d566eu   /* "nVMM" */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 1u
#define PVX_XEN_VERSION        ((4u << 16) | 17u)

/* Leaf 1 ecx: what a ring-3 kernel cannot use, or pvx does not offer. */
#define CPUID1_ECX_HIDE ((1u << 3) |  /* MONITOR/MWAIT */                   \
                         (1u << 4) |  /* DS-CPL */                          \
                         (1u << 5) |  /* VMX */                             \
                         (1u << 6) |  /* SMX */                             \
                         (1u << 7) |  /* EIST */                            \
                         (1u << 8) |  /* TM2 */                             \
                         (1u << 15) | /* PDCM */                            \
                         (1u << 17) | /* PCID */                            \
                         (1u << 18) | /* DCA */                             \
                         (1u << 21) | /* x2APIC */                          \
                         (1u << 24))  /* TSC deadline */
#define CPUID1_ECX_HYPERVISOR (1u << 31)
/* Leaf 1 edx: PSE, PGE and PSE36 (a PV guest's pagetables have neither superpages nor
 * global kernel pages), MCE and MCA (pvx has no virtual machine-check MSRs; Xen offers a
 * vMCE), debug store, ACPI thermal, thermal monitor, PBE. */
#define CPUID1_EDX_HIDE ((1u << 3) | (1u << 7) | (1u << 13) | (1u << 14) | (1u << 17) | \
                         (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31))
/* Leaf 7 ebx: FSGSBASE (CR4.FSGSBASE is the host's), SMEP/SMAP, INVPCID, RTM/HLE, PQM/PQE. */
#define CPUID7_EBX_HIDE ((1u << 0) | (1u << 4) | (1u << 7) | (1u << 10) | (1u << 11) | \
                         (1u << 12) | (1u << 15) | (1u << 20))
/* Leaf 7 ecx: UMIP, PKU, OSPKE, WAITPKG. */
#define CPUID7_ECX_HIDE ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5))
/* Leaf 0x80000001: ecx SVM; edx 1 GiB pages. */
#define CPUIDX1_ECX_HIDE (1u << 2)
#define CPUIDX1_EDX_HIDE (1u << 26)

static void hypervisor_leaf(uint32_t leaf, uint32_t r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0;
    switch (leaf - XEN_CPUID_BASE) {
    case 0:
        r[0] = XEN_CPUID_LAST;
        r[1] = XEN_SIGNATURE_EBX;
        r[2] = XEN_SIGNATURE_ECX;
        r[3] = XEN_SIGNATURE_EDX;
        break;
    case 1:
        r[0] = PVX_XEN_VERSION;
        break;
    case 2:
        r[0] = 1;                       /* hypercall pages */
        r[1] = XEN_CPUID_BASE;          /* MSR base */
        r[2] = XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD;
        break;
    case 5:
        r[1] = 52;                      /* physical address bits of the largest mfn */
        break;
    default:
        break;                          /* time (3) and HVM (4) leaves: nothing for PV here */
    }
}

static void machine_leaf(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                             : "a"(leaf), "c"(subleaf));
    switch (leaf) {
    case 1:
        r[2] = (r[2] & ~CPUID1_ECX_HIDE) | CPUID1_ECX_HYPERVISOR;
        r[3] &= ~CPUID1_EDX_HIDE;
        break;
    case 5:                             /* MONITOR/MWAIT */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 7:
        if (subleaf == 0) {
            r[1] &= ~CPUID7_EBX_HIDE;
            r[2] &= ~CPUID7_ECX_HIDE;
        }
        break;
    case 0x80000001:
        r[2] &= ~CPUIDX1_ECX_HIDE;
        r[3] &= ~CPUIDX1_EDX_HIDE;
        break;
    default:
        break;
    }
}

void pv_emulate_cpuid(struct vcpu *v, struct cpu_regs *regs)
{
    uint32_t leaf = (uint32_t)regs->rax, subleaf = (uint32_t)regs->rcx, r[4];

    (void)v;
    if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_BASE + 0xffff)
        hypervisor_leaf(leaf, r);
    else
        machine_leaf(leaf, subleaf, r);
    regs->rax = r[0];
    regs->rbx = r[1];
    regs->rcx = r[2];
    regs->rdx = r[3];
}
