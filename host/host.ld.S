/*
 * Link map of the pvx host, run through the C preprocessor for host/layout.h.  One loadable
 * segment, linked at HOST_DIRECTMAP + physical
 * address and loaded at 1 MiB, so that (a) the multiboot a.out-kludge loader, which copies
 * the file linearly, puts every byte where the link expects it, and (b) once the direct map
 * exists the image is simply part of it.
 */
#include "layout.h"

OUTPUT_FORMAT("elf64-x86-64")
ENTRY(mb_entry)

PHDRS
{
    image PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = HOST_DIRECTMAP + HOST_LOAD_PHYS;
    __image_start = .;

    .text : AT(ADDR(.text) - HOST_DIRECTMAP) {
        KEEP(*(.multiboot))
        *(.text.boot)
        *(.text .text.*)
    } :image

    .rodata : {
        *(.rodata .rodata.*)
    } :image

    /* Fault fixups: pairs of (faulting rip, continue rip); see traps.c. */
    .ex_table : {
        . = ALIGN(8);
        __start_ex_table = .;
        KEEP(*(.ex_table))
        __stop_ex_table = .;
    } :image

    .data : {
        *(.data .data.*)
        *(.got .got.plt)
    } :image
    . = ALIGN(16);
    __load_end = .;

    .bss (NOLOAD) : {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4096);
        __bss_end = .;
    } :image
    __image_end = .;

    /DISCARD/ : {
        *(.note.gnu.property)
        *(.note.GNU-stack)
        *(.eh_frame .eh_frame_hdr)
        *(.comment)
        *(.interp .dynsym .dynstr .dynamic .hash .gnu.hash .rela.*)
    }
}
