/*
 * Guest memory is read and written only through these two calls.  `gva` is a guest virtual
 * address in the running vCPU's address space; the implementation refuses addresses in the
 * host's range (L4 slots 256-271) and non-canonical ones, and turns any fault into -XEN_EFAULT
 * (x86: exception-table fixup; unit tests: a checked memcpy).  Never dereference a guest
 * pointer directly.
 */
#ifndef PVX_GUEST_ACCESS_H
#define PVX_GUEST_ACCESS_H

#include <stddef.h>
#include <stdint.h>

/* 0 on success, -XEN_EFAULT if any byte could not be accessed. */
int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);

#endif
