/*
 * String port output, `outs` and `rep outs`, for a guest with I/O privilege, as Xen
 * emulates it for a PV guest: each element is read from guest memory at rsi (segment
 * override and 67 prefix as the CPU applies them) and written to port dx; rsi moves by the
 * element size, backwards when DF is set; with a rep prefix rcx (ecx under 67) counts down
 * to 0.  A guest writes a buffer this way in one exit instead of one per element (the
 * guest's trace leaves through port 0xe9 so, docs/trace.md).
 *
 * Trust: the count, the address and the data are guest values.  At most PV_OUTS_CHUNK
 * elements are done per exit; with more left, rip stays on the instruction, which runs
 * again from the registers as they now are (Xen continues a long rep the same way).  An
 * element that cannot be read ends the emulation with the guest's page fault at its
 * address, the registers saying how far it got.
 */
#include <public/xen.h>
#include "arch/x86/insn.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"

#define PV_OUTS_CHUNK 4096

static uint64_t seg_base(const struct insn *in)
{
    return in->seg == 0x64 ? rdmsr(MSR_FS_BASE) : in->seg == 0x65 ? rdmsr(MSR_GS_BASE) : 0;
}

/* The register width a 67 prefix leaves: esi and ecx, or rsi and rcx. */
static uint64_t addr_mask(const struct insn *in)
{
    return in->addr32 ? 0xffffffffULL : ~0ULL;
}

bool pv_emulate_outs(struct vcpu *v, struct cpu_regs *regs, const struct insn *in,
                     void (*port_out)(uint16_t port, unsigned size, uint32_t val))
{
    uint64_t mask = addr_mask(in), g[16];
    uint64_t count = in->rep ? regs->rcx & mask : 1;
    int64_t step = regs->rflags & X86_EFLAGS_DF ? -(int64_t)in->opsz : in->opsz;
    uint16_t port = (uint16_t)regs->rdx;

    for (unsigned done = 0; count > 0; done++, count--) {
        uint32_t val = 0;
        uint64_t at;

        if (done == PV_OUTS_CHUNK) {
            regs->rip -= in->len;            /* the caller steps past it: land on it again */
            return true;
        }
        g[6] = regs->rsi;
        for (unsigned i = 0; i < 16; i++)
            if (i != 6)
                g[i] = 0;
        at = insn_mem_addr(in, g, regs->rip + in->len, seg_base(in));
        if (copy_from_guest(&val, at, in->opsz) != 0) {
            v->arch->cr2 = at;
            pv_inject_exception(v, TRAP_page_fault, true, 0);
            regs->rip -= in->len;
            return true;
        }
        port_out(port, in->opsz, val);
        regs->rsi = (regs->rsi + (uint64_t)step) & mask;    /* a 32-bit write zero-extends */
        if (in->rep)
            regs->rcx = (regs->rcx - 1) & mask;
    }
    return true;
}
