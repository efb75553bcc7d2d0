/*
 * Layout facts shared by pvexec_entry.S and pvexec.c: the offsets of the bounce record the
 * assembly handlers fill in, the kinds of entry, the resume modes and the user-space
 * addresses.  Plain #defines so both the assembler and C can read them; pvexec.c checks
 * every offset against its struct with _Static_assert.
 */
#ifndef TESTS_GUEST_PVEXEC_ASM_H
#define TESTS_GUEST_PVEXEC_ASM_H

/* Selectors a 64-bit PV guest uses (Xen's flat ring-3 descriptors). */
#define PVX_CS_KERNEL      0xe030   /* FLAT_KERNEL_CS64 with RPL 0: how a frame shows kernel mode */
#define PVX_CS_USER        0xe033   /* FLAT_USER_CS64 */
#define PVX_SS             0xe02b   /* FLAT_KERNEL_SS64 == FLAT_USER_SS64 */
#define PVX_HC_IRET        23       /* __HYPERVISOR_iret */

/* Kinds of entry recorded: 0-255 a vector of the trap table, or one of the callbacks. */
#define PVX_KIND_SYSCALL   0x100
#define PVX_KIND_FAILSAFE  0x101
#define PVX_KIND_LANDING   0x102    /* an iret landed on pvx_landing in kernel mode */
#define PVX_KIND_EVENT     0x103    /* the event callback (an upcall) */

/* How the common handler leaves after recording (pvx_resume). */
#define PVX_RESUME_LONGJMP 0        /* back to the pvx_call / pvx_user_enter caller */
#define PVX_RESUME_IRET    1        /* iret to the frame's rip + pvx_resume_skip */
#define PVX_RESUME_IRET_EC 2        /* the same for a frame with an error code */

/* struct pvx_record (pvexec.h): what the handler saw at entry. */
#define REC_KIND           0
#define REC_FRAME          8        /* rsp at handler entry: the frame's first word */
#define REC_RFLAGS         16       /* the real rflags the handler ran with */
#define REC_MASK           24       /* vcpu_info.evtchn_upcall_mask at entry (~0: unknown) */
#define REC_GPR            32       /* 16 registers in encoding order: rax rcx rdx rbx rsp rbp rsi rdi r8-r15 */
#define REC_WORD           160      /* the first REC_NWORDS words of the frame */
#define REC_NWORDS         14
#define REC_COUNT          272      /* entries recorded since boot */
#define REC_CS             280      /* the handler's own %cs and %ss selectors */
#define REC_SS             288
#define REC_SIZE           296

/* The jump buffer pvx_call / pvx_user_enter fill: rbx rbp r12 r13 r14 r15 rsp. */
#define JMP_SIZE           56

/* Guest user space: one L4 slot (0), one L1 table at USER_BASE. */
#define USER_BASE          0x400000
#define USER_CODE_VA       0x400000 /* the pvx_user section, read-only, up to USER_CODE_PAGES */
#define USER_CODE_PAGES    4
#define USER_STACK_VA      0x408000 /* one writable page */
#define USER_STACK_TOP     0x409000
#define USER_DATA_VA       0x40a000 /* one writable page the tests read and write */
#define USER_RO_VA         0x40b000 /* the same frame as USER_DATA_VA, read-only, NX */

#endif
