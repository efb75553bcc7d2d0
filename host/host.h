/*
 * What the host's own modules (main, console, domain builder, sched) tell each other at
 * boot: the parsed command line, the multiboot module that holds the guest, and the console
 * hooks.  Portable code does not include this.
 */
#ifndef PVX_HOST_H
#define PVX_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "domain.h"

/* The boot facts arch/x86/setup.c gathers from the multiboot information. */
#define BOOT_MAX_RAM      32
#define BOOT_MAX_RESERVED 32

struct boot_range {
    uint64_t start, end;          /* machine addresses, [start, end) */
};

struct boot_mem {
    struct boot_range ram[BOOT_MAX_RAM];           /* usable RAM from the memory map */
    unsigned nr_ram;
    struct boot_range reserved[BOOT_MAX_RESERVED]; /* image, multiboot data, modules */
    unsigned nr_reserved;
};

/* A module as the loader handed it over: the guest kernel, or its initial ramdisk. */
struct boot_module {
    const uint8_t *image;         /* host pointer (direct map) */
    uint64_t size;
    const char *cmdline;          /* the module string, file name first; never NULL */
};

/* Host command line options. */
struct host_options {
    uint64_t dom0_mem;            /* bytes; dom0_mem=32M */
    bool selftest_host_fault;     /* selftest=host_fault: fault in the host on purpose */
    bool selftest_bad_iret;       /* selftest=bad_iret: first entry with a frame iretq refuses */
    bool selftest_host_debug;     /* selftest=host_debug: single-step one host instruction */
    bool selftest_exec_guest;     /* selftest=exec_guest: call into a guest frame's alias */
};
extern struct host_options host_opts;
extern char host_cmdline[1024];

/* console.c */
void console_init(void);
void console_flush_domain(domid_t domid);
void console_rx_start(void);
void console_rx_interrupt(void);

/* domain.c: build dom0 from the kernel module and the initrd (NULL: none) and run it (does
 * not return). */
void domain_build_and_run(const struct boot_module *kernel, const struct boot_module *initrd)
    __attribute__((noreturn));

#endif
