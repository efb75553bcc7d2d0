/*
 * The execution-model test harness (pvexec_entry.S, pvexec.c): a trap table whose entries record
 * each bounce frame exactly as the hypervisor wrote it, the event / failsafe / syscall
 * callbacks, a kernel stack for bounces from user mode, a user address space (its own L4,
 * installed with MMUEXT_NEW_USER_BASEPTR, mapping only user code, stack and data), and ways
 * to run code in guest kernel or user mode and come back whatever happens.  It lives with the
 * tests, not in the guest kernel: it trusts nothing the hypervisor hands it and checks every
 * setup step, reporting a refusal as the test's FAILURE.
 */
#ifndef TESTS_GUEST_PVEXEC_H
#define TESTS_GUEST_PVEXEC_H

#include <public/callback.h>
#include "mm.h"
#include "pvexec_asm.h"

/* What one entry into a handler saw (pvexec_asm.h has the offsets). */
struct pvx_record {
    uint64_t kind;          /* vector 0-255, PVX_KIND_SYSCALL, _FAILSAFE or _LANDING */
    uint64_t frame;         /* rsp at entry: the first word of the hypervisor's frame */
    uint64_t rflags;        /* the real rflags the handler ran with */
    uint64_t mask;          /* evtchn_upcall_mask at entry (~0 if shared_info is not mapped) */
    uint64_t gpr[16];       /* rax rcx rdx rbx rsp rbp rsi rdi r8-r15 at entry */
    uint64_t word[REC_NWORDS];
    uint64_t count;
    uint64_t cs, ss;        /* the handler's own selectors */
};

enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI, R_8, R_9, R_10, R_11, R_12, R_13, R_14,
       R_15 };

/* A bounce frame, decoded: { rcx, r11, [ds es fs gs], [error code], rip, cs, rflags, rsp, ss }. */
struct xframe {
    uint64_t rcx, r11, ds, es, fs, gs, ec, rip, cs, rflags, rsp, ss;
    unsigned nwords;        /* how many words the frame has */
};

/* Decode r's frame, which has an error code (ec) and/or the failsafe segment words (segs). */
void xframe_decode(const struct pvx_record *r, bool ec, bool segs, struct xframe *f);

#define RFLAGS_CF   0x1ULL
#define RFLAGS_TF   0x100ULL
#define RFLAGS_IF   0x200ULL
#define RFLAGS_DF   0x400ULL
#define RFLAGS_IOPL 0x3000ULL
#define RFLAGS_NT   0x4000ULL
#define RFLAGS_RF   0x10000ULL
#define RFLAGS_VM   0x20000ULL
#define RFLAGS_AC   0x40000ULL

#define PFEC_P     0x1
#define PFEC_W     0x2
#define PFEC_U     0x4
#define PFEC_I     0x10

/* What the harness must have set up before a test runs. */
enum pvexec_need {
    NEED_SHINFO = 1,        /* shared_info mapped (vcpu_info: cr2, the event mask) */
    NEED_TRAPS  = 2,        /* trap table, callbacks, kernel stack (implies NEED_SHINFO) */
    NEED_USER   = 4,        /* the user L4 installed (implies NEED_TRAPS) */
};

/* SKIP natively; set up what `need` asks (once per boot); FAILURE naming the refused step. */
bool pvexec_need(struct xtf_result *res, unsigned need);

/* The set-up trap table again (after a test changed it); returns the hypercall's result. */
long pvexec_trap_table_reset(void);
/* The callbacks as set up (syscall with CALLBACKF_mask_events); returns the first error. */
long pvexec_callbacks_reset(void);

extern volatile struct shared_info *pvx_shinfo;
/* vCPU 0's vcpu_info: in shared_info, until VCPUOP_register_vcpu_info moves it. */
extern volatile struct vcpu_info *pvx_vcpu;
static inline volatile struct vcpu_info *vcpu0(void) { return pvx_vcpu; }
/* The hypervisor now keeps vCPU 0's vcpu_info at `v`: the harness and vcpu0() use it. */
void pvexec_vcpu_info_moved(volatile struct vcpu_info *v);

/* Kernel stack bounces from user mode are written to (stack_switch), 16-byte aligned. */
extern char pvx_kstack_top[];

/* The user data page, as the kernel sees it (its boot-region mapping). */
extern uint64_t *pvx_user_data;
extern mfn_t pvx_user_data_mfn;
/* The user L4 and its L1, as installed. */
extern mfn_t pvx_user_l4_mfn;
extern uint64_t *pvx_user_l1;

/*
 * Run fn(a0, a1) in guest kernel mode.  Returns true if it returned (its value in *ret),
 * false if a bounce ended it: *r holds what the handler saw.  The event mask is put back
 * as it was before the call.
 */
bool kcall(uint64_t (*fn)(uint64_t, uint64_t), uint64_t a0, uint64_t a1, uint64_t *ret,
           struct pvx_record *r);

/* Run user-mode snippet `snip` (from pvexec_entry.S) with rdi = a0, rsi = a1 on the user stack,
 * entered by iret; *r is the bounce that brought the vCPU back (a syscall or a fault). */
void ucall(const void *snip, uint64_t a0, uint64_t a1, struct pvx_record *r);

/* Copy pvx_ev_rec, the last upcall the event callback returned from by iret. */
void pvexec_event_record(struct pvx_record *out);

/* The user VA of a snippet (or a label inside one). */
uint64_t user_va(const void *snip);

/* Issue the iret hypercall with this frame.  Returns 1 for a bounce, 2 for a landing on
 * pvx_landing (*r either way), 0 if the hypervisor returned from it (result in *rc). */
int iret_with(const struct iret_context *ctx, struct pvx_record *r, long *rc);

/* Stack for iret landings in kernel mode, 16-byte aligned top. */
extern char pvx_land_stack_top[];

/* Resume by iret after the next entry instead of by longjmp: rip += skip, iret_context.flags
 * = flags.  For that one entry; the one after it longjmps again. */
void pvexec_resume_iret(bool ec, uint64_t skip, uint64_t flags);
void pvexec_resume_longjmp(void);

/* FAILURE "what: expected W got G" (hex) unless got == want. */
bool ex_eq(struct xtf_result *res, const char *what, uint64_t got, uint64_t want);

/* FAILURE unless r is an entry of `kind` (a vector or PVX_KIND_*), naming what it was. */
bool ex_kind(struct xtf_result *res, const char *what, const struct pvx_record *r,
             uint64_t kind);

/* One line describing a record, for notes and failures. */
void pvx_record_print(const char *test, const char *what, const struct pvx_record *r);

/* From pvexec_entry.S. */
extern volatile struct pvx_record pvx_rec;
extern volatile uint64_t pvx_user_rflags, pvx_events, pvx_snip_rsp;
/* The event callback's record (see pvx_event_entry): the last upcall that returned by
 * iret; set pvx_ev_longjmp to make the next upcall end a kcall/ucall instead (kind
 * PVX_KIND_EVENT in its record).  At every upcall's entry: the TSC, and vcpu_info's
 * evtchn_upcall_pending and evtchn_pending_sel. */
extern volatile struct pvx_record pvx_ev_rec;
extern volatile uint64_t pvx_ev_longjmp, pvx_ev_tsc, pvx_ev_pending, pvx_ev_sel;
extern char pvx_stubs[], pvx_syscall_entry[], pvx_failsafe_entry[], pvx_event_entry[];
extern char pvx_landing[], pvx_user_start[], pvx_user_end[];

/* Kernel snippets (pvexec_entry.S); the *_at labels are the faulting instruction. */
uint64_t k_ud2_marked(uint64_t, uint64_t);
uint64_t k_read(uint64_t addr, uint64_t);
uint64_t k_write(uint64_t addr, uint64_t val);
uint64_t k_exec(uint64_t addr, uint64_t);
uint64_t k_int3(uint64_t, uint64_t);
uint64_t k_int_0x80(uint64_t, uint64_t);
uint64_t k_int_0x81(uint64_t, uint64_t);
uint64_t k_int_0x82(uint64_t, uint64_t);
uint64_t k_int_0x83(uint64_t, uint64_t);
uint64_t k_int_0x84(uint64_t, uint64_t);
uint64_t k_int_0x85(uint64_t, uint64_t);
extern char k_ud2_marked_at[], k_read_at[], k_write_at[], k_int3_at[];
extern char k_int_0x80_at[], k_int_0x81_at[], k_int_0x82_at[], k_int_0x83_at[];
extern char k_int_0x84_at[], k_int_0x85_at[];

#define KSNIP(n) uint64_t n(uint64_t, uint64_t); extern char n##_at[]
KSNIP(k_mov_from_cr0); KSNIP(k_mov_from_cr2); KSNIP(k_mov_from_cr3); KSNIP(k_mov_from_cr4);
KSNIP(k_mov_to_cr0); KSNIP(k_mov_to_cr3); KSNIP(k_mov_to_cr4); KSNIP(k_mov_from_dr7);
KSNIP(k_rdmsr); KSNIP(k_wrmsr); KSNIP(k_inb); KSNIP(k_outb); KSNIP(k_cli); KSNIP(k_sti);
KSNIP(k_fnop); KSNIP(k_wbinvd); KSNIP(k_lidt); KSNIP(k_load_fs); KSNIP(k_load_es);
KSNIP(k_fs_read); KSNIP(k_gs_read); KSNIP(k_read_gs_sel); KSNIP(k_cpuid_forced); KSNIP(k_cpuid);
KSNIP(k_spin_unmasked); KSNIP(k_unmask_xenver);
#undef KSNIP
extern char k_spin_unmasked_loop[], k_spin_unmasked_end[];

/* User snippets (pvexec_entry.S): addresses in the kernel image; ucall() maps them. */
#define USNIP(n) extern char n[], n##_at[]
USNIP(u_syscall); USNIP(u_syscall_regs); USNIP(u_syscall_twice); USNIP(u_read);
USNIP(u_write); USNIP(u_exec); USNIP(u_fs_read); USNIP(u_gs_read); USNIP(u_read_sels);
USNIP(u_hypercall); USNIP(u_int_0x80); USNIP(u_int_0x81); USNIP(u_int_0x82);
USNIP(u_int_0x83); USNIP(u_int_0x84); USNIP(u_int_0x85); USNIP(u_int3); USNIP(u_ud2);
USNIP(u_cpuid_forced); USNIP(u_mov_from_cr3); USNIP(u_mov_from_cr0); USNIP(u_mov_to_cr0);
USNIP(u_cli); USNIP(u_hlt); USNIP(u_rdmsr); USNIP(u_wrmsr); USNIP(u_inb); USNIP(u_outb);
USNIP(u_lgdt); USNIP(u_spin);
#undef USNIP

#endif
