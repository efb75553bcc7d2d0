/*
 * The assembly half of the execution-model tests (pvexec.h says how to use it): entry
 * stubs for all 256 trap-table vectors and for the syscall, failsafe and event callbacks;
 * one handler that records the frame exactly as the hypervisor wrote it and leaves by
 * longjmp or by the iret hypercall; pvx_call / pvx_user_enter / pvx_iret, which arm that
 * longjmp; the iret landing pad; and the user-mode snippets, in pages of their own that the
 * tests map at USER_CODE_VA.  Nothing here trusts the hypervisor's frame beyond copying it:
 * the C side judges it.  An entry no test armed for ends the run through pvexec_unarmed().
 */
#include "pvexec_asm.h"

#define HYPERCALL_IRET (hypercall_page + PVX_HC_IRET * 32)

    .section .data
    .balign 8
    .globl pvx_user_rflags
pvx_user_rflags: .quad 0x202       /* IF: events unmasked while user mode runs */

    .section .bss
    .balign 64
    .globl pvx_rec, pvx_jmp, pvx_armed, pvx_resume, pvx_resume_skip, pvx_resume_flags
    .globl pvx_ret, pvx_vcpu_info, pvx_events, pvx_snip_rsp
    .globl pvx_ev_rec, pvx_ev_longjmp, pvx_ev_tsc, pvx_ev_pending, pvx_ev_sel
pvx_rec:          .skip REC_SIZE
pvx_jmp:          .skip JMP_SIZE
pvx_armed:        .skip 8          /* non-zero while a pvx_call/pvx_user_enter/pvx_iret waits */
pvx_resume:       .skip 8          /* PVX_RESUME_*, for the next entry only */
pvx_resume_skip:  .skip 8          /* bytes added to the frame's rip when resuming by iret */
pvx_resume_flags: .skip 8          /* iret_context.flags when resuming by iret */
pvx_ret:          .skip 8          /* what the function run by pvx_call returned */
pvx_vcpu_info:    .skip 8          /* &shared_info->vcpu_info[0], once mapped; else 0 */
pvx_events:       .skip 8          /* event upcalls taken */
pvx_snip_rsp:     .skip 8          /* rsp a kernel snippet had just before it faulted */
pvx_ev_rec:       .skip REC_SIZE   /* the last upcall that returned by iret */
pvx_ev_longjmp:   .skip 8          /* non-zero: the next upcall ends pvx_call/pvx_user_enter */
pvx_ev_tsc:       .skip 8          /* TSC at the last upcall's entry */
pvx_ev_pending:   .skip 8          /* evtchn_upcall_pending at the last upcall's entry */
pvx_ev_sel:       .skip 8          /* evtchn_pending_sel at the last upcall's entry */

/* Stacks: bounces from user mode (stack_switch) and iret landings.  256 bytes above each
 * top stay mapped, since the handler copies REC_NWORDS words from the frame upwards. */
    .balign 16
    .globl pvx_kstack_top, pvx_land_stack_top
pvx_kstack:       .skip 16384
pvx_kstack_top:   .skip 256
pvx_land_stack:   .skip 4096
pvx_land_stack_top: .skip 256

    .text

/* Save every register but rsp into pvx_rec.gpr[] (encoding order), then the real rflags. */
.macro SAVE_GPRS rec=pvx_rec
    movq %rax, \rec+REC_GPR+0*8(%rip)
    movq %rcx, \rec+REC_GPR+1*8(%rip)
    movq %rdx, \rec+REC_GPR+2*8(%rip)
    movq %rbx, \rec+REC_GPR+3*8(%rip)
    movq %rbp, \rec+REC_GPR+5*8(%rip)
    movq %rsi, \rec+REC_GPR+6*8(%rip)
    movq %rdi, \rec+REC_GPR+7*8(%rip)
    movq %r8,  \rec+REC_GPR+8*8(%rip)
    movq %r9,  \rec+REC_GPR+9*8(%rip)
    movq %r10, \rec+REC_GPR+10*8(%rip)
    movq %r11, \rec+REC_GPR+11*8(%rip)
    movq %r12, \rec+REC_GPR+12*8(%rip)
    movq %r13, \rec+REC_GPR+13*8(%rip)
    movq %r14, \rec+REC_GPR+14*8(%rip)
    movq %r15, \rec+REC_GPR+15*8(%rip)
    pushfq
    popq \rec+REC_RFLAGS(%rip)
    cld
    movq $0, \rec+REC_CS(%rip)
    movq $0, \rec+REC_SS(%rip)
    movw %cs, \rec+REC_CS(%rip)
    movw %ss, \rec+REC_SS(%rip)
.endm

/* Record rsp as the frame address, the event mask, and the frame's first words. */
.macro SAVE_FRAME rec=pvx_rec
    movq %rsp, \rec+REC_FRAME(%rip)
    movq %rsp, \rec+REC_GPR+4*8(%rip)
    movq $-1, %rcx
    movq pvx_vcpu_info(%rip), %rax
    testq %rax, %rax
    jz 1f
    movzbq 1(%rax), %rcx               /* evtchn_upcall_mask */
1:  movq %rcx, \rec+REC_MASK(%rip)
    leaq \rec+REC_WORD(%rip), %rdx
    xorl %ecx, %ecx
2:  movq (%rsp,%rcx,8), %rax
    movq %rax, (%rdx,%rcx,8)
    incl %ecx
    cmpl $REC_NWORDS, %ecx
    jb 2b
    incq \rec+REC_COUNT(%rip)
.endm

/* Restore the registers the record holds, except rsp, rcx and r11. */
.macro LOAD_GPRS rec=pvx_rec
    movq \rec+REC_GPR+0*8(%rip), %rax
    movq \rec+REC_GPR+2*8(%rip), %rdx
    movq \rec+REC_GPR+3*8(%rip), %rbx
    movq \rec+REC_GPR+5*8(%rip), %rbp
    movq \rec+REC_GPR+6*8(%rip), %rsi
    movq \rec+REC_GPR+7*8(%rip), %rdi
    movq \rec+REC_GPR+8*8(%rip), %r8
    movq \rec+REC_GPR+9*8(%rip), %r9
    movq \rec+REC_GPR+10*8(%rip), %r10
    movq \rec+REC_GPR+12*8(%rip), %r12
    movq \rec+REC_GPR+13*8(%rip), %r13
    movq \rec+REC_GPR+14*8(%rip), %r14
    movq \rec+REC_GPR+15*8(%rip), %r15
.endm

/* Arm the longjmp back to the caller of the function using it (rsp = its return address). */
.macro SAVE_JMP
    movq %rbx, pvx_jmp+0(%rip)
    movq %rbp, pvx_jmp+8(%rip)
    movq %r12, pvx_jmp+16(%rip)
    movq %r13, pvx_jmp+24(%rip)
    movq %r14, pvx_jmp+32(%rip)
    movq %r15, pvx_jmp+40(%rip)
    movq %rsp, pvx_jmp+48(%rip)
    movq $1, pvx_armed(%rip)
.endm

/*
 * The common handler.  Entered from a stub with the kind on top of the hypervisor's frame:
 *   (%rsp) kind | rcx r11 [ds es fs gs] [error code] rip cs rflags rsp ss
 * The kind is popped before the frame is recorded, so pvx_rec.frame is the first word the
 * hypervisor wrote.
 */
    .balign 16
pvx_trap_common:
    SAVE_GPRS
    popq pvx_rec+REC_KIND(%rip)
    SAVE_FRAME
    cmpq $0, pvx_armed(%rip)
    je pvx_unarmed_entry
    movq pvx_resume(%rip), %rax
    cmpq $PVX_RESUME_LONGJMP, %rax
    jne pvx_iret_resume
    movl $1, %eax
    /* fall through */

/* Back to where SAVE_JMP was done, returning %eax there. */
pvx_longjmp:
    movq $0, pvx_armed(%rip)
    movq pvx_jmp+0(%rip), %rbx
    movq pvx_jmp+8(%rip), %rbp
    movq pvx_jmp+16(%rip), %r12
    movq pvx_jmp+24(%rip), %r13
    movq pvx_jmp+32(%rip), %r14
    movq pvx_jmp+40(%rip), %r15
    movq pvx_jmp+48(%rip), %rsp
    ret

/*
 * Resume the interrupted context through the hypercall page's iret stub, which pushes
 * rcx, r11 and rax itself: turn the frame into [flags] rip cs rflags rsp ss in place, with
 * rip advanced by pvx_resume_skip, and load rcx/r11 from the frame, the rest from the record.
 */
pvx_iret_resume:                       /* %rax = PVX_RESUME_IRET or PVX_RESUME_IRET_EC */
    movq $PVX_RESUME_LONGJMP, pvx_resume(%rip)   /* one entry only: the next one longjmps */
    movq (%rsp), %rcx
    movq 8(%rsp), %r11
    addq $8, %rsp
    cmpq $PVX_RESUME_IRET_EC, %rax
    jne 1f
    addq $8, %rsp                      /* drop the error code */
1:  movq pvx_resume_flags(%rip), %rax
    movq %rax, (%rsp)
    movq pvx_resume_skip(%rip), %rax
    addq %rax, 8(%rsp)
    LOAD_GPRS
    jmp HYPERCALL_IRET

pvx_unarmed_entry:
    andq $-16, %rsp
    call pvexec_unarmed                /* prints the record, crashes the domain */
    ud2

/* Trap-table entry points: stub v is at pvx_stubs + 16 * v. */
    .balign 16
    .globl pvx_stubs
pvx_stubs:
    vec = 0
    .rept 256
    .balign 16
    pushq $vec
    jmp pvx_trap_common
    vec = vec + 1
    .endr

    .globl pvx_syscall_entry, pvx_failsafe_entry, pvx_event_entry
    .balign 16
pvx_syscall_entry:
    pushq $PVX_KIND_SYSCALL
    jmp pvx_trap_common
    .balign 16
pvx_failsafe_entry:
    pushq $PVX_KIND_FAILSAFE
    jmp pvx_trap_common

/*
 * An event upcall.  First, whatever the mode: count it, and note the TSC and vcpu_info's
 * evtchn_upcall_pending and evtchn_pending_sel as they were at entry (pvx_ev_tsc,
 * pvx_ev_pending, pvx_ev_sel).  Then, if a test armed pvx_ev_longjmp, end its pvx_call /
 * pvx_user_enter like any bounce (kind PVX_KIND_EVENT in pvx_rec; one upcall only);
 * otherwise record it in pvx_ev_rec, clear evtchn_upcall_pending (and nothing else: the
 * port bits are the test's) and iret back to the interrupted code with every register as
 * it was, the event mask coming back from the frame's rflags.IF.
 */
    .balign 16
pvx_event_entry:
    pushq %rax
    pushq %rdx
    rdtsc
    movl %eax, pvx_ev_tsc(%rip)
    movl %edx, pvx_ev_tsc+4(%rip)
    incq pvx_events(%rip)
    movq pvx_vcpu_info(%rip), %rax
    testq %rax, %rax
    jz 1f
    movzbq (%rax), %rdx                /* evtchn_upcall_pending */
    movq %rdx, pvx_ev_pending(%rip)
    movq 8(%rax), %rdx                 /* evtchn_pending_sel */
    movq %rdx, pvx_ev_sel(%rip)
1:  popq %rdx
    popq %rax
    cmpq $0, pvx_ev_longjmp(%rip)
    jne pvx_event_longjmp
    SAVE_GPRS pvx_ev_rec
    movq $PVX_KIND_EVENT, pvx_ev_rec+REC_KIND(%rip)
    SAVE_FRAME pvx_ev_rec
    movq pvx_vcpu_info(%rip), %rcx
    testq %rcx, %rcx
    jz 4f
    movb $0, (%rcx)
4:  LOAD_GPRS pvx_ev_rec
    movq (%rsp), %rcx
    movq 8(%rsp), %r11
    addq $8, %rsp
    movq $0, (%rsp)
    jmp HYPERCALL_IRET
pvx_event_longjmp:                     /* (the macros above use the numeric labels 1 and 2) */
    movq $0, pvx_ev_longjmp(%rip)
    pushq $PVX_KIND_EVENT
    jmp pvx_trap_common

/*
 * int pvx_call(uint64_t (*fn)(uint64_t, uint64_t), uint64_t a0, uint64_t a1)
 * Run fn(a0, a1) in guest kernel mode.  0: it returned (its value in pvx_ret); 1: a bounce
 * ended it (pvx_rec); 2: an iret landed on pvx_landing (pvx_rec).
 */
    .globl pvx_call
pvx_call:
    SAVE_JMP
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    subq $8, %rsp                      /* the callee expects a 16-byte aligned call */
    call *%rax
    addq $8, %rsp
    movq $0, pvx_armed(%rip)
    movq %rax, pvx_ret(%rip)
    xorl %eax, %eax
    ret

/*
 * int pvx_user_enter(uint64_t rip, uint64_t rsp, uint64_t a0, uint64_t a1)
 * Enter guest user mode at rip with rdi = a0, rsi = a1, rflags = pvx_user_rflags, by the
 * iret stub of the hypercall page.  Comes back only by longjmp (1, or 2 for a landing).
 */
    .globl pvx_user_enter
pvx_user_enter:
    SAVE_JMP
    pushq $PVX_SS
    pushq %rsi
    pushq pvx_user_rflags(%rip)
    pushq $PVX_CS_USER
    pushq %rdi
    pushq $0                           /* iret_context.flags */
    movq %rdx, %rdi
    movq %rcx, %rsi
    xorl %eax, %eax                    /* nothing of the kernel's reaches user mode */
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    jmp HYPERCALL_IRET

/*
 * int pvx_iret(const struct iret_context *ctx)
 * Copy the nine words onto our stack and issue the iret hypercall with a bare syscall.
 * Comes back by longjmp (1: a bounce, 2: a landing on pvx_landing), or returns 0 with the
 * hypercall's result in pvx_ret if the hypervisor refused the iret and returned.
 */
    .globl pvx_iret
pvx_iret:
    SAVE_JMP
    subq $72, %rsp
    xorl %ecx, %ecx
1:  movq (%rdi,%rcx,8), %rax
    movq %rax, (%rsp,%rcx,8)
    incl %ecx
    cmpl $9, %ecx
    jb 1b
    movl $PVX_HC_IRET, %eax
    syscall
    movq $0, pvx_armed(%rip)
    movq pvx_jmp+48(%rip), %rsp
    movq %rax, pvx_ret(%rip)
    xorl %eax, %eax
    ret

/* Where a test's iret to kernel mode lands: record everything, longjmp back with 2. */
    .globl pvx_landing
    .balign 16
pvx_landing:
    SAVE_GPRS
    pushq $2                           /* AC, NT, DF as the frame gave them are recorded: */
    popfq                              /* clear them before running C again */
    movq $PVX_KIND_LANDING, pvx_rec+REC_KIND(%rip)
    SAVE_FRAME
    cmpq $0, pvx_armed(%rip)
    je pvx_unarmed_entry
    movl $2, %eax
    jmp pvx_longjmp

/* ---- Kernel-mode snippets: C-callable, run through pvx_call ---- */

/* uint64_t k_ud2_marked(void): rcx, r11, CF and rsp set to known values, then ud2. */
    .globl k_ud2_marked, k_ud2_marked_at
k_ud2_marked:
    movq $0x1c1c1c1c1c1c1c1c, %rcx
    movq $0x1b1b1b1b1b1b1b1b, %r11
    movq %rsp, pvx_snip_rsp(%rip)
    stc
k_ud2_marked_at:
    ud2
    ret

/* uint64_t k_read(uint64_t addr) / k_write(addr, val) / k_exec(addr) */
    .globl k_read, k_read_at, k_write, k_write_at, k_exec
k_read:
    movq %rsp, pvx_snip_rsp(%rip)
k_read_at:
    movq (%rdi), %rax
    ret
k_write:
    movq %rsp, pvx_snip_rsp(%rip)
k_write_at:
    movq %rsi, (%rdi)
    xorl %eax, %eax
    ret
k_exec:
    jmp *%rdi

/* Software interrupts from kernel mode; each returns 0 if it comes back. */
.macro KINT n
    .globl k_int_\n, k_int_\n\()_at
k_int_\n:
k_int_\n\()_at:
    int $\n
    xorl %eax, %eax
    ret
.endm
    KINT 0x80
    KINT 0x81
    KINT 0x82
    KINT 0x83
    KINT 0x84
    KINT 0x85

    .globl k_int3, k_int3_at
k_int3:
    movq %rsp, pvx_snip_rsp(%rip)
k_int3_at:
    int3
    movq $0x600d, %rax
    ret

/* Privileged and emulated instructions from kernel mode: C-callable, rdi = a0, rsi = a1. */
.macro KSNIP name
    .globl \name, \name\()_at
    .balign 16
\name:
    movq %rsp, pvx_snip_rsp(%rip)
.endm
    KSNIP k_mov_from_cr0
k_mov_from_cr0_at:
    movq %cr0, %rax
    ret
    KSNIP k_mov_from_cr2
k_mov_from_cr2_at:
    movq %cr2, %rax
    ret
    KSNIP k_mov_from_cr3
k_mov_from_cr3_at:
    movq %cr3, %rax
    ret
    KSNIP k_mov_from_cr4
k_mov_from_cr4_at:
    movq %cr4, %rax
    ret
    KSNIP k_mov_to_cr0
k_mov_to_cr0_at:
    movq %rdi, %cr0
    xorl %eax, %eax
    ret
    KSNIP k_mov_to_cr3
k_mov_to_cr3_at:
    movq %rdi, %cr3
    xorl %eax, %eax
    ret
    KSNIP k_mov_to_cr4
k_mov_to_cr4_at:
    movq %rdi, %cr4
    xorl %eax, %eax
    ret
    KSNIP k_mov_from_dr7
k_mov_from_dr7_at:
    movq %dr7, %rax
    ret
    KSNIP k_rdmsr                      /* returns edx:eax */
    movl %edi, %ecx
k_rdmsr_at:
    rdmsr
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    ret
    KSNIP k_wrmsr                      /* msr a0 = a1 */
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
k_wrmsr_at:
    wrmsr
    xorl %eax, %eax
    ret
    KSNIP k_inb
    movl %edi, %edx
    xorl %eax, %eax
k_inb_at:
    inb %dx, %al
    ret
    KSNIP k_outb
    movl %edi, %edx
    movl %esi, %eax
k_outb_at:
    outb %al, %dx
    xorl %eax, %eax
    ret
    KSNIP k_cli                        /* returns evtchn_upcall_mask after the cli */
k_cli_at:
    cli
    movq pvx_vcpu_info(%rip), %rax
    movzbl 1(%rax), %eax
    ret
    KSNIP k_sti                        /* returns evtchn_upcall_mask after the sti */
k_sti_at:
    sti
    movq pvx_vcpu_info(%rip), %rax
    movzbl 1(%rax), %eax
    ret
    KSNIP k_fnop
k_fnop_at:
    fnop
    movl $0x600d, %eax
    ret
    KSNIP k_wbinvd
k_wbinvd_at:
    wbinvd
    xorl %eax, %eax
    ret
    KSNIP k_lidt                       /* lidt from a zeroed 10-byte operand */
    subq $16, %rsp
    movq $0, (%rsp)
    movq $0, 8(%rsp)
k_lidt_at:
    lidt (%rsp)
    addq $16, %rsp
    xorl %eax, %eax
    ret
    KSNIP k_load_fs                    /* %fs = a0, returns the selector read back */
k_load_fs_at:
    movw %di, %fs
    xorl %eax, %eax
    movw %fs, %ax
    ret
    KSNIP k_load_es
k_load_es_at:
    movw %di, %es
    xorl %eax, %eax
    movw %es, %ax
    ret
    KSNIP k_fs_read                    /* rax = %fs:(a0) */
k_fs_read_at:
    movq %fs:(%rdi), %rax
    ret
    KSNIP k_gs_read
k_gs_read_at:
    movq %gs:(%rdi), %rax
    ret
    KSNIP k_read_gs_sel
k_read_gs_sel_at:
    xorl %eax, %eax
    movw %gs, %ax
    ret

/* uint64_t k_ud2_on_stack(uint64_t rsp, -): ud2 with rsp = a0 (a bounce cannot return here). */
    KSNIP k_ud2_on_stack
    movq %rdi, %rsp
k_ud2_on_stack_at:
    ud2
/* uint64_t k_iret_at(uint64_t rsp, -): the iret hypercall with rsp = a0; if the hypervisor
 * returns from it, its result. */
    KSNIP k_iret_at
    movq %rdi, %rsp
    movl $PVX_HC_IRET, %eax
k_iret_at_at:
    syscall
    movq pvx_snip_rsp(%rip), %rsp
    ret

/* uint64_t k_spin_unmasked(uint64_t tsc_end, -): clear the event mask, then spin until the
 * TSC reaches tsc_end; returns 0 then.  An upcall may interrupt it anywhere from
 * k_spin_unmasked_loop to k_spin_unmasked_end. */
    KSNIP k_spin_unmasked
    movq pvx_vcpu_info(%rip), %rax
    movb $0, 1(%rax)
    movq %rdi, %r8
    .globl k_spin_unmasked_loop, k_spin_unmasked_end
k_spin_unmasked_loop:
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    cmpq %r8, %rax
    jb k_spin_unmasked_loop
k_spin_unmasked_end:
    xorl %eax, %eax
    ret

/* uint64_t k_unmask_xenver(-, -): clear the event mask, then make the xen_version(0)
 * hypercall through the hypercall page at once; returns its result. */
    KSNIP k_unmask_xenver
    movq pvx_vcpu_info(%rip), %rax
    xorl %edi, %edi
    xorl %esi, %esi
    movb $0, 1(%rax)
k_unmask_xenver_at:
    call hypercall_page + 17 * 32
    ret

/* cpuid of leaf a0 (subleaf 0) into uint32_t out[4] = a1; the forced-emulation form and the
 * plain instruction. */
.macro CPUID_SNIP name, forced
    KSNIP \name
    pushq %rbx
    movq %rsi, %r8
    movl %edi, %eax
    xorl %ecx, %ecx
\name\()_at:
    .if \forced
    .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e /* ud2; .ascii "xen" */
    .endif
    cpuid
    movl %eax, 0(%r8)
    movl %ebx, 4(%r8)
    movl %ecx, 8(%r8)
    movl %edx, 12(%r8)
    popq %rbx
    xorl %eax, %eax
    ret
.endm
    CPUID_SNIP k_cpuid_forced, 1
    CPUID_SNIP k_cpuid, 0

/* ---- User-mode snippets: position independent, mapped at USER_CODE_VA ---- */

    .section .text.pvx_user, "ax"
    .balign 4096
    .globl pvx_user_start, pvx_user_end
pvx_user_start:

/* Each snippet gets rdi = a0, rsi = a1 and ends with syscall, unless it faults first. */
.macro USNIP name
    .globl \name, \name\()_at
    .balign 16
\name:
.endm

/* syscall with rax = a0: the plain way back to the kernel. */
    USNIP u_syscall
    movq %rdi, %rax
u_syscall_at:
    syscall
    ud2

/* syscall with every register set from a0 (rax = a0, rbx = a0 + 1, ...), rsp untouched. */
    USNIP u_syscall_regs
    movq %rdi, %rax
    leaq 1(%rdi), %rbx
    leaq 2(%rdi), %rdx
    leaq 3(%rdi), %rbp
    leaq 4(%rdi), %rsi
    leaq 6(%rdi), %r8
    leaq 7(%rdi), %r9
    leaq 8(%rdi), %r10
    leaq 9(%rdi), %r12
    leaq 10(%rdi), %r13
    leaq 11(%rdi), %r14
    leaq 12(%rdi), %r15
    leaq 5(%rdi), %rdi
    std                                /* DF set: does the callback clear it? */
u_syscall_regs_at:
    syscall
    ud2

/* Two syscalls in a row: the kernel may iret back between them. */
    USNIP u_syscall_twice
    movq %rdi, %rax
    syscall
u_syscall_twice_at:
    movq %rsi, %rax
    syscall
    ud2

/* rax = *(uint64_t *)a0; syscall */
    USNIP u_read
u_read_at:
    movq (%rdi), %rax
    syscall
    ud2

/* *(uint64_t *)a0 = a1; syscall */
    USNIP u_write
u_write_at:
    movq %rsi, (%rdi)
    xorl %eax, %eax
    syscall
    ud2

/* jump to a0 */
    USNIP u_exec
u_exec_at:
    jmp *%rdi

/* rax = %fs:(a0), %gs:(a0) */
    USNIP u_fs_read
u_fs_read_at:
    movq %fs:(%rdi), %rax
    syscall
    ud2
    USNIP u_gs_read
u_gs_read_at:
    movq %gs:(%rdi), %rax
    syscall
    ud2

/* rax = %fs, rdx = %gs, r8 = %ds, r9 = %es selectors */
    USNIP u_read_sels
u_read_sels_at:
    xorl %eax, %eax
    xorl %edx, %edx
    movw %fs, %ax
    movw %gs, %dx
    movw %ds, %r8w
    movw %es, %r9w
    syscall
    ud2

/* A hypercall attempted from user mode: rax = a0, rdi = a1, rsi = USER_DATA_VA. */
    USNIP u_hypercall
    movq %rdi, %rax
    movq %rsi, %rdi
    movq $USER_DATA_VA, %rsi
u_hypercall_at:
    syscall
    ud2

/* Software interrupts and int3 from user mode. */
.macro UINT n
    USNIP u_int_\n
u_int_\n\()_at:
    int $\n
    movq $0x600d, %rax
    syscall
    ud2
.endm
    UINT 0x80
    UINT 0x81
    UINT 0x82
    UINT 0x83
    UINT 0x84
    UINT 0x85
    USNIP u_int3
u_int3_at:
    int3
    movq $0x600d, %rax
    syscall
    ud2

/* ud2 with rcx/r11 marked */
    USNIP u_ud2
    movq $0x1c1c1c1c1c1c1c1c, %rcx
    movq $0x1b1b1b1b1b1b1b1b, %r11
u_ud2_at:
    ud2

/* Forced-emulation cpuid of leaf a0, subleaf a1: rax, rbx, rdx as cpuid left them, r8 = rcx. */
    USNIP u_cpuid_forced
    movl %edi, %eax
    movl %esi, %ecx
u_cpuid_forced_at:
    .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e /* ud2; .ascii "xen" */
    cpuid
    movq %rcx, %r8
    syscall
    ud2

/* Privileged instructions from user mode: each should fault before its syscall. */
    USNIP u_mov_from_cr3
u_mov_from_cr3_at:
    movq %cr3, %rax
    syscall
    ud2
    USNIP u_mov_from_cr0
u_mov_from_cr0_at:
    movq %cr0, %rax
    syscall
    ud2
    USNIP u_mov_to_cr0
    xorl %eax, %eax
u_mov_to_cr0_at:
    movq %rax, %cr0
    syscall
    ud2
    USNIP u_cli
u_cli_at:
    cli
    syscall
    ud2
    USNIP u_hlt
u_hlt_at:
    hlt
    syscall
    ud2
    USNIP u_rdmsr
    movl %edi, %ecx
u_rdmsr_at:
    rdmsr
    syscall
    ud2
    USNIP u_wrmsr
    movl %edi, %ecx
    xorl %eax, %eax
    xorl %edx, %edx
u_wrmsr_at:
    wrmsr
    syscall
    ud2
    USNIP u_inb
    movl %edi, %edx
    xorl %eax, %eax
u_inb_at:
    inb %dx, %al
    syscall
    ud2
    USNIP u_outb
    movl %edi, %edx
    movl %esi, %eax
u_outb_at:
    outb %al, %dx
    syscall
    ud2
    USNIP u_lgdt
    subq $16, %rsp
u_lgdt_at:
    lgdt (%rsp)
    syscall
    ud2

/* Spin until the TSC reaches a0, then syscall (rax = 0).  An upcall may interrupt it
 * anywhere from u_spin to u_spin_at. */
    USNIP u_spin
    movq %rdi, %r8
1:  rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    cmpq %r8, %rax
    jb 1b
    xorl %eax, %eax
u_spin_at:
    syscall
    ud2

    .balign 4096
pvx_user_end:

    .section .note.GNU-stack, "", @progbits
