/*
 * Native entry through QEMU's PVH boot (XEN_ELFNOTE_PHYS32_ENTRY): 32-bit protected mode,
 * paging off, flat segments, %ebx = physical address of the hvm_start_info.  We build no
 * pagetables at run time: the static ones below identity-map the first GiB and map it again
 * at VIRT_BASE (2 MiB pages), which is all this stage needs.  Then long mode, ring 0, and a
 * jump to the high mapping where the C code is linked.
 */
#include "arch/x86/layout.h"

#define PHYS(sym)     ((sym) - VIRT_BASE)
#define CR0_PE        (1 << 0)
#define CR0_WP        (1 << 16)
#define CR0_PG        (1 << 31)
#define CR4_PAE       (1 << 5)
#define MSR_EFER      0xc0000080
#define EFER_LME      (1 << 8)
#define EFER_NXE      (1 << 11)
#define PTE_P_RW      0x003
#define PDE_P_RW_PS   0x083
#define GDT_CS64      0x08
#define GDT_DS        0x10

    .section .text.boot32, "ax"
    .code32
    .globl native_start32
native_start32:
    cli
    cld
    movl %ebx, %esi                         /* hvm_start_info, kept for C */
    movl $PHYS(boot_stack_top), %esp

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $PHYS(native_l4), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $(EFER_LME | EFER_NXE), %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PE | CR0_PG | CR0_WP), %eax
    movl %eax, %cr0

    lgdt PHYS(native_gdt_ptr32)
    ljmp $GDT_CS64, $PHYS(native_start64_low)

    .code64
native_start64_low:
    movabsq $native_start64, %rax           /* leave the identity map for the high one */
    jmp *%rax

    .section .text.entry, "ax"
native_start64:
    movl $GDT_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movq $boot_stack_top, %rsp
    lgdt native_gdt_ptr64
    movl %esi, %edi                         /* hvm_start_info physical address */
    call native_main
1:  cli
    hlt
    jmp 1b

    .section .rodata
    .balign 16
native_gdt:
    .quad 0
    .quad 0x00af9a000000ffff                /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff                /* 0x10: data, ring 0 */
native_gdt_end:
native_gdt_ptr32:
    .word native_gdt_end - native_gdt - 1
    .long PHYS(native_gdt)
    .balign 8
native_gdt_ptr64:
    .word native_gdt_end - native_gdt - 1
    .quad native_gdt

/*
 * Boot pagetables.  L4[0] and L4[511] share the L3s' single L2, which maps physical
 * [0, 1 GiB) in 2 MiB pages; L3_high[510] places it at VIRT_BASE (0xffffffff80000000).
 */
    .section .data.page_aligned, "aw"
    .balign PAGE_SIZE
    .globl native_l4
native_l4:
    .quad PHYS(native_l3_low) + PTE_P_RW
    .fill 510, 8, 0
    .quad PHYS(native_l3_high) + PTE_P_RW
native_l3_low:
    .quad PHYS(native_l2) + PTE_P_RW
    .fill 511, 8, 0
native_l3_high:
    .fill 510, 8, 0
    .quad PHYS(native_l2) + PTE_P_RW
    .quad 0
native_l2:
    .set i, 0
    .rept 512
    .quad (i << 21) + PDE_P_RW_PS
    .set i, i + 1
    .endr

    .section .note.GNU-stack, "", @progbits
