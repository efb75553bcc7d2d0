/*
 * Port I/O.  Native ring 0 only, or a PV kernel that the hypervisor granted a virtual IOPL
 * (the write is then trapped and emulated by the hypervisor).
 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#endif
