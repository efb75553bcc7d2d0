/*
 * grant_table_op for the domain's own table: its size (query_size), its frames (setup_table,
 * growing it), and the entry layout (set_version: 1).  A pvx domain has nothing to grant to
 * (one domain), but Linux sets its table up at boot as under Xen, and a dom0's drivers
 * expect one.  The frames are the domain's, permanently writable-typed like shared_info, so
 * it maps them as Xen's guests map theirs and can never make them pagetables.  Mapping or
 * copying through grants is not offered: -ENOSYS.
 * Trust: `uop` and what it points at are guest values, read and written with
 * copy_from_guest/copy_to_guest; a structure's status reports what the call returns 0 for.
 */
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/xen.h>
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"
#include "mm/mm.h"
#include "refuse.h"

/* The domain a request names: the caller, by DOMID_SELF or its own id. */
static struct domain *named(domid_t dom)
{
    return dom == DOMID_SELF || dom == current->domain->mm.domid ? current->domain : NULL;
}

/* Grow d's table to `nr` frames (at least one, as Xen keeps).  false when out of memory. */
static bool grow(struct domain *d, uint32_t nr)
{
    if (nr < 1)
        nr = 1;
    while (d->nr_grant_frames < nr) {
        d->mm.max_pages++;
        if (mm_alloc_shared_frame(&d->mm, &d->grant_frames[d->nr_grant_frames]) != 0) {
            d->mm.max_pages--;
            return false;
        }
        d->nr_grant_frames++;
    }
    return true;
}

static long query_size(uint64_t uop)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)) != 0)
        return -XEN_EFAULT;
    d = named(op.dom);
    if (d == NULL) {
        op.status = GNTST_bad_domain;
    } else {
        (void)grow(d, 1);
        op.nr_frames = d->nr_grant_frames;
        op.max_nr_frames = GNTTAB_MAX_FRAMES;
        op.status = GNTST_okay;
    }
    return copy_to_guest(uop, &op, sizeof(op)) == 0 ? 0 : -XEN_EFAULT;
}

static long setup_table(uint64_t uop)
{
    struct gnttab_setup_table op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)) != 0)
        return -XEN_EFAULT;
    d = named(op.dom);
    if (d == NULL)
        op.status = GNTST_bad_domain;
    else if (op.nr_frames > GNTTAB_MAX_FRAMES || !grow(d, op.nr_frames))
        op.status = GNTST_general_error;
    else
        op.status = GNTST_okay;
    for (uint32_t i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
        uint64_t mfn = mfn_x(d->grant_frames[i]);

        if (copy_to_guest(op.frame_list + i * sizeof(mfn), &mfn, sizeof(mfn)) != 0)
            op.status = GNTST_bad_virt_addr;
    }
    /* Only the status is written back, as Xen does. */
    return copy_to_guest(uop + offsetof(struct gnttab_setup_table, status), &op.status,
                         sizeof(op.status)) == 0 ? 0 : -XEN_EFAULT;
}

static long set_version(uint64_t uop)
{
    struct gnttab_set_version op;

    if (copy_from_guest(&op, uop, sizeof(op)) != 0)
        return -XEN_EFAULT;
    if (op.version != 1)
        return REFUSE(-XEN_EINVAL, "grant table version other than 1");
    return copy_to_guest(uop, &op, sizeof(op)) == 0 ? 0 : -XEN_EFAULT;
}

long do_grant_table_op(unsigned cmd, uint64_t uop, unsigned count)
{
    switch (cmd) {
    case GNTTABOP_query_size:
        return count == 1 ? query_size(uop) : REFUSE(-XEN_EINVAL, "query_size count not 1");
    case GNTTABOP_setup_table:
        return count == 1 ? setup_table(uop) : REFUSE(-XEN_EINVAL, "setup_table count not 1");
    case GNTTABOP_set_version:
        return count == 1 ? set_version(uop) : REFUSE(-XEN_EINVAL, "set_version count not 1");
    default:
        return -XEN_ENOSYS;
    }
}
