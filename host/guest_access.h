/*
 * Guest memory is read and written only through these calls.  `gva` is a guest virtual
 * address in the running vCPU's address space; the implementation refuses addresses in the
 * host's range (L4 slots 256-271) and non-canonical ones, and turns any fault into -XEN_EFAULT
 * (x86: exception-table fixup; unit tests: a checked memcpy).  Never dereference a guest
 * pointer directly.
 */
#ifndef PVX_GUEST_ACCESS_H
#define PVX_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0 on success, -XEN_EFAULT if any byte could not be accessed. */
int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);

/*
 * Guest arrays, checked once (Xen's guest_handle_okay + __copy_from_guest): true when all of
 * [gva, gva + count * size) is a range copy_from_guest would accept.  Then any part of it
 * may be read or written with the _prechecked copies, which skip the range check and still
 * turn a fault into -XEN_EFAULT.  Only ranges inside an array guest_array_ok accepted may be
 * passed to them.
 */
bool guest_array_ok(uint64_t gva, uint64_t count, size_t size);
int copy_from_guest_prechecked(void *dst, uint64_t gva, size_t len);
int copy_to_guest_prechecked(uint64_t gva, const void *src, size_t len);

#endif
