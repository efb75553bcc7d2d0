/*
 * The debug log line behind REFUSE() (host/refuse.h).  A guest can make the host refuse as
 * often as it likes, so the line goes through the per-domain log budget.
 */
#include "refuse.h"
#include "printk.h"

int refuse_log(int rc, const char *file, int line, const char *why)
{
    printk_guest("pvx: refused (%d) at %s:%d: %s\n", rc, file, line, why);
    return rc;
}
