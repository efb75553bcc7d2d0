/*
 * Names for what the records carry: hypercalls (public/xen.h), mmuext commands, pvops
 * hooks (PVX_HOOK_*), platforms and host events, so every output speaks the ABI's words;
 * and the two small helpers every module shares (an error message, a JSON string).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <public/pvx_trace.h>
#include <public/xen.h>
#include "pvxtrace.h"

#define HC(name) [__HYPERVISOR_##name] = #name
static const char *const hypercalls[] = {
    HC(set_trap_table), HC(mmu_update), HC(set_gdt), HC(stack_switch), HC(set_callbacks),
    HC(fpu_taskswitch), HC(sched_op_compat), HC(platform_op), HC(set_debugreg),
    HC(get_debugreg), HC(update_descriptor), HC(memory_op), HC(multicall),
    HC(update_va_mapping), HC(set_timer_op), HC(event_channel_op_compat), HC(xen_version),
    HC(console_io), HC(physdev_op_compat), HC(grant_table_op), HC(vm_assist),
    HC(update_va_mapping_otherdomain), HC(iret), HC(vcpu_op), HC(set_segment_base),
    HC(mmuext_op), HC(xsm_op), HC(nmi_op), HC(sched_op), HC(callback_op), HC(xenoprof_op),
    HC(event_channel_op), HC(physdev_op), HC(hvm_op), HC(sysctl), HC(domctl), HC(kexec_op),
    HC(tmem_op), HC(argo_op), HC(xenpmu_op), HC(dm_op), HC(hypfs_op),
};

const char *hypercall_name(unsigned nr)
{
    static char buf[32];

    if (nr < sizeof(hypercalls) / sizeof(hypercalls[0]) && hypercalls[nr])
        return hypercalls[nr];
    snprintf(buf, sizeof(buf), "hypercall_%u", nr);
    return buf;
}

#define EXT(name) [MMUEXT_##name] = #name
static const char *const mmuext[] = {
    EXT(PIN_L1_TABLE), EXT(PIN_L2_TABLE), EXT(PIN_L3_TABLE), EXT(PIN_L4_TABLE),
    EXT(UNPIN_TABLE), EXT(NEW_BASEPTR), EXT(TLB_FLUSH_LOCAL), EXT(INVLPG_LOCAL),
    EXT(TLB_FLUSH_MULTI), EXT(INVLPG_MULTI), EXT(TLB_FLUSH_ALL), EXT(INVLPG_ALL),
    EXT(FLUSH_CACHE), EXT(SET_LDT), EXT(NEW_USER_BASEPTR), EXT(CLEAR_PAGE), EXT(COPY_PAGE),
    EXT(FLUSH_CACHE_GLOBAL), EXT(MARK_SUPER), EXT(UNMARK_SUPER),
};

const char *mmuext_name(unsigned cmd)
{
    return cmd < sizeof(mmuext) / sizeof(mmuext[0]) && mmuext[cmd] ? mmuext[cmd] : "?";
}

static const char *const hooks[PVX_HOOK_NR] = {
    [PVX_HOOK_DIRECT] = "direct",       [PVX_HOOK_WRITE_CR3] = "write_cr3",
    [PVX_HOOK_FLUSH_TLB] = "flush_tlb", [PVX_HOOK_SET_PTE] = "set_pte",
    [PVX_HOOK_SET_PMD] = "set_pmd",     [PVX_HOOK_SET_PUD] = "set_pud",
    [PVX_HOOK_SET_PGD] = "set_pgd",     [PVX_HOOK_PROTECT] = "protect_ptes",
    [PVX_HOOK_ALLOC_PT] = "alloc_pt",   [PVX_HOOK_RELEASE_PT] = "release_pt",
    [PVX_HOOK_PIN] = "pin",             [PVX_HOOK_UNPIN] = "unpin",
    [PVX_HOOK_CONSOLE] = "console",     [PVX_HOOK_SHUTDOWN] = "shutdown",
    [PVX_HOOK_HALT] = "halt",           [PVX_HOOK_STACK_SWITCH] = "stack_switch",
    [PVX_HOOK_CPU] = "cpu",             [PVX_HOOK_IRET] = "iret",
};

const char *hook_name(unsigned hook)
{
    return hook < PVX_HOOK_NR ? hooks[hook] : "?";
}

const char *platform_name(uint32_t platform)
{
    switch (platform) {
    case PVX_PLATFORM_NATIVE: return "native";
    case PVX_PLATFORM_PVX: return "pvx";
    case PVX_PLATFORM_XEN: return "Xen";
    default: return "?";
    }
}

const char *host_event_name(uint32_t event)
{
    switch (event & ~TRC_64_FLAG) {
    case TRC_PV_HYPERCALL_V2: return "hypercall";
    case TRC_PV_HYPERCALL_SUBCALL: return "subcall";
    case TRC_PV_TRAP: return "trap_bounce";
    case TRC_PV_PAGE_FAULT: return "page_fault_bounce";
    case TRC_PV_EMULATE_PRIVOP: return "emulate_privop";
    case TRC_LOST_RECORDS: return "lost_records";
    case TRC_PVX_TRAP_ENTRY: return "trap_entry";
    case TRC_PVX_SYSCALL: return "user_syscall";
    case TRC_PVX_MODE: return "mode_switch";
    case TRC_PVX_VALIDATE: return "validate";
    case TRC_PVX_UPDATE: return "entry_update";
    case TRC_PVX_PIN: return "pin";
    case TRC_PVX_UNPIN: return "unpin";
    case TRC_PVX_FLUSH: return "tlb_flush";
    default:
        /* the old and new runstates sit in bits 8 and 4 of the event */
        return (event & 0xfffff00fU) == TRC_SCHED_RUNSTATE_CHANGE ? "runstate_change"
                                                                   : "unknown";
    }
}

const char *run_describe(const struct run *r, char *buf, size_t len)
{
    const struct blob_info *b = r->guest.present ? &r->guest : &r->host;

    if (!r->guest.present) {
        snprintf(buf, len, "pvx host records only");
        return buf;
    }
    if (b->platform == PVX_PLATFORM_NATIVE)
        snprintf(buf, len, "native");
    else
        snprintf(buf, len, "%s, batch %s%s", platform_name(b->platform),
                 b->flags & PVX_BLOB_BATCH ? "on" : "off",
                 r->host.present ? ", host records" : "");
    return buf;
}

int errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void json_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
}
