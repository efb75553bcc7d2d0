/*
 * The backend choice.  The pointer is written exactly once, by the entry point, before any
 * hook runs; a second choice is a bug in the boot path and stops the guest.
 */
#include <public/sched.h>
#include "pvops.h"

const struct pvops *pvops;

void pvops_select(const struct pvops *ops)
{
    if (pvops)
        pvops->shutdown(SHUTDOWN_crash);   /* chosen twice: a boot-path bug */
    pvops = ops;
}
