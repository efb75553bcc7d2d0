/*
 * pvx public ABI: grant_table_op(cmd, uop, count), the domain's own grant table: how large it
 * is and which frames hold it.  Values and layouts are Xen's (version 1 entries).
 */
#ifndef PVX_PUBLIC_GRANT_TABLE_H
#define PVX_PUBLIC_GRANT_TABLE_H

#include "xen.h"

#define GNTTABOP_setup_table   2   /* uop struct gnttab_setup_table, count 1 */
#define GNTTABOP_query_size    6   /* uop struct gnttab_query_size, count 1 */
#define GNTTABOP_set_version   8   /* uop struct gnttab_set_version, count 1 */

/* Status written into the structures (the call itself returns 0). */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_virt_addr     (-5)

struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;           /* in: frames wanted, the table grows to them */
    int16_t status;
    uint64_t frame_list;          /* guest handle: out, the frames' machine numbers */
};

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;           /* out: frames now */
    uint32_t max_nr_frames;       /* out: the most it may grow to */
    int16_t status;
};

struct gnttab_set_version {
    uint32_t version;             /* in: wanted; out: in force */
};

#endif
