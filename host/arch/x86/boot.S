/*
 * The first instructions of pvx.  A multiboot (v1) loader jumps here in 32-bit protected mode
 * with paging off, %eax = the multiboot magic and %ebx = the physical address of the boot
 * information.  We trust the loader, nothing else runs yet.
 *
 * The image is linked at HOST_DIRECTMAP + its physical address, so the 32-bit code below
 * refers to its own data by PHYS(symbol).  Order: zero .bss, check for long mode, build boot
 * pagetables (identity and direct map of the first 4 GiB in 2 MiB pages), enable PAE, long
 * mode and paging, far-jump into 64-bit code, then jump to the high (direct-map) address and
 * call host_start(mbi, magic) in C, which builds the real pagetables.
 */
#include "arch/x86/x86.h"

#define PHYS(sym) ((sym) - HOST_DIRECTMAP)

#define MB_MAGIC       0x1badb002
#define MB_FLAGS       ((1 << 1) | (1 << 16))   /* memory info, header carries addresses */
#define MB_BOOT_MAGIC  0x2badb002

/*
 * The multiboot header.  QEMU's loader refuses an ELF64 image unless the header gives the
 * load addresses itself (bit 16, the "a.out kludge"); it then copies the file from the
 * header's offset minus (header_addr - load_addr) to load_addr, up to load_end_addr, and
 * zeroes up to bss_end_addr.  host.ld makes the image one segment so that file offsets track
 * physical addresses.
 */
    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(mb_header)         /* header_addr */
    .long PHYS(__image_start)     /* load_addr */
    .long PHYS(__load_end)        /* load_end_addr */
    .long PHYS(__bss_end)         /* bss_end_addr */
    .long PHYS(mb_entry)          /* entry_addr */

    .section .text.boot, "ax"
    .code32
    .globl mb_entry
    .hidden mb_entry
mb_entry:
    cli
    cld
    mov     %eax, %ebp                  /* keep magic and mbi across the bss clear */
    mov     %ebx, %esi

    mov     $PHYS(__bss_start), %edi
    mov     $PHYS(__bss_end), %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb

    mov     %ebp, PHYS(boot_mb_magic)
    mov     %esi, PHYS(boot_mb_info)
    mov     $PHYS(boot_stack_top), %esp

    /* Long mode available?  Otherwise say so on COM1 and stop. */
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      no_long_mode
    mov     $0x80000001, %eax
    cpuid
    bt      $29, %edx
    jnc     no_long_mode

    /* L4[0] and L4[262] -> boot_l3; boot_l3[0..3] -> boot_l2 (4 pages of 2 MiB entries). */
    mov     $PHYS(boot_l3) + 0x3, %eax
    mov     %eax, PHYS(boot_l4)
    mov     %eax, PHYS(boot_l4) + HOST_DIRECTMAP_SLOT * 8
    mov     $PHYS(boot_l2) + 0x3, %eax
    mov     $PHYS(boot_l3), %edi
    mov     $4, %ecx
1:  mov     %eax, (%edi)
    add     $0x1000, %eax
    add     $8, %edi
    loop    1b
    mov     $PHYS(boot_l2), %edi
    mov     $0x83, %eax                 /* present, writable, 2 MiB */
    xor     %edx, %edx
    mov     $2048, %ecx
1:  mov     %eax, (%edi)
    mov     %edx, 4(%edi)
    add     $0x200000, %eax
    adc     $0, %edx
    add     $8, %edi
    loop    1b

    mov     %cr4, %eax
    or      $0x20, %eax                 /* PAE */
    mov     %eax, %cr4
    mov     $PHYS(boot_l4), %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $0x100, %eax                /* LME */
    wrmsr
    mov     %cr0, %eax
    or      $0x80010001, %eax           /* PG, WP, PE */
    mov     %eax, %cr0

    lgdt    PHYS(boot_gdt_desc)
    ljmp    $0x08, $PHYS(entry64)

no_long_mode:
    mov     $PHYS(no_lm_msg), %esi
1:  lodsb
    test    %al, %al
    jz      2f
    mov     $0x3f8, %dx
    out     %al, %dx
    jmp     1b
2:  hlt
    jmp     2b

    .code64
entry64:
    mov     $0x10, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    movabs  $high64, %rax
    jmp     *%rax

high64:
    /* From here on we run at the linked (direct-map) addresses. */
    lea     boot_stack_top(%rip), %rsp
    xor     %ebp, %ebp
    mov     boot_mb_info(%rip), %edi
    mov     boot_mb_magic(%rip), %esi
    call    host_start
1:  hlt
    jmp     1b

    .section .rodata
no_lm_msg:
    .asciz  "pvx: this CPU has no long mode\r\n"

    .balign 8
boot_gdt:
    .quad   0
    .quad   0x00af9a000000ffff          /* 0x08: 64-bit code */
    .quad   0x00cf92000000ffff          /* 0x10: data */
boot_gdt_desc:
    .word   boot_gdt_desc - boot_gdt - 1
    .long   PHYS(boot_gdt)

    .section .bss
    .balign 4096
boot_l4:    .skip 4096
boot_l3:    .skip 4096
boot_l2:    .skip 4 * 4096
    .globl boot_stack, boot_stack_top
    .hidden boot_stack
    .hidden boot_stack_top
boot_stack: .skip 16384
boot_stack_top:
boot_mb_magic: .long 0
boot_mb_info:  .long 0

    .section .note.GNU-stack, "", @progbits
