/*
 * The machine half of the host's trace, x86: the TSC and the debug console.  QEMU's
 * isa-debugcon takes one byte per access; `rep outsb` hands it a whole buffer in one
 * instruction.  Only the traced host links this file.
 */
#include <public/pvx_trace.h>
#include "trace/arch.h"

uint64_t trace_arch_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

void trace_arch_write(const void *p, size_t n)
{
    __asm__ volatile("cld; rep outsb"
                     : "+S"(p), "+c"(n)
                     : "d"((uint16_t)PVX_TRACE_PORT)
                     : "memory");
}
