/*
 * Refusals of guest input.  Every hypercall path that says no to a guest returns a Xen errno
 * through REFUSE(), so that a debug build (-DPVX_DEBUG) can say which rule said no: it logs
 * file:line and the reason, charged to the guest's log budget (printk_guest).  Other builds
 * only return the errno.  Portable: used by host/mm/ and host/hypercall.c alike.
 */
#ifndef PVX_REFUSE_H
#define PVX_REFUSE_H

/* Log one refusal and return rc unchanged. */
int refuse_log(int rc, const char *file, int line, const char *why);

#ifdef PVX_DEBUG
#define REFUSE(rc, why) refuse_log((rc), __FILE__, __LINE__, (why))
#else
#define REFUSE(rc, why) (rc)
#endif

#endif
