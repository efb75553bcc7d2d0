/*
 * A run as the Trace Event Format (the JSON that chrome://tracing and Perfetto open): the
 * guest as one process, its hypercalls as spans (TSC before to after), kernel entries and
 * non-returning hypercalls as instants, the workloads' windows as spans of their own; the
 * host as another, its records as instants and the guest's user-mode stretches as spans.
 * Timestamps: one TSC tick is shown as one nanosecond (under -icount, one instruction),
 * counted from the run's first record.
 */
#include <public/pvx_trace.h>
#include <public/xen.h>
#include "pvxtrace.h"

enum { PID_GUEST = 1, PID_HOST = 2 };
enum { TID_HYPERCALLS = 1, TID_KERNEL = 2, TID_WORKLOADS = 3,
       TID_HOST_CALLS = 1, TID_HOST_MODE = 2, TID_HOST_MM = 3, TID_HOST_TRAPS = 4 };

static uint64_t base;

static double us(uint64_t tsc)
{
    return tsc >= base ? (double)(tsc - base) / 1000.0 : 0.0;
}



static void event(FILE *out, bool *first, const char *name, const char *cat, char ph,
                  uint64_t ts, uint64_t dur, int pid, int tid, const char *args)
{
    fprintf(out, "%s\n  {\"name\": \"", *first ? "" : ",");
    json_escape(out, name);
    fprintf(out, "\", \"cat\": \"%s\", \"ph\": \"%c\", \"ts\": %.3f, ", cat, ph, us(ts));
    if (ph == 'X')
        fprintf(out, "\"dur\": %.3f, ", (double)dur / 1000.0);
    if (ph == 'i')
        fputs("\"s\": \"t\", ", out);
    fprintf(out, "\"pid\": %d, \"tid\": %d, \"args\": {%s}}", pid, tid, args);
    *first = false;
}

static void meta(FILE *out, bool *first, const char *what, int pid, int tid, const char *name)
{
    fprintf(out, "%s\n  {\"name\": \"%s\", \"ph\": \"M\", \"pid\": %d, \"tid\": %d, "
            "\"args\": {\"name\": \"", *first ? "" : ",", what, pid, tid);
    json_escape(out, name);
    fputs("\"}}", out);
    *first = false;
}

static void guest_events(FILE *out, bool *first, const struct run *r)
{
    uint64_t open_tsc = 0;
    const char *open_name = NULL;
    char args[160];

    for (size_t i = 0; i < r->ng; i++) {
        const struct grec *g = &r->g[i];

        switch (g->kind) {
        case PVX_REC_HYPERCALL:
            snprintf(args, sizeof(args), "\"hook\": \"%s\", \"sub\": %u, \"batch\": %u, "
                     "\"rc\": %d", hook_name(g->hook), g->arg, g->batch, g->rc);
            if (g->tsc_after > g->tsc)
                event(out, first, hypercall_name(g->nr), "hypercall", 'X', g->tsc,
                      g->tsc_after - g->tsc, PID_GUEST, TID_HYPERCALLS, args);
            else
                event(out, first, hypercall_name(g->nr), "hypercall", 'i', g->tsc, 0,
                      PID_GUEST, TID_HYPERCALLS, args);
            break;
        case PVX_REC_KENTRY:
            snprintf(args, sizeof(args), "\"from_user\": %s",
                     g->flags & PVX_KENTRY_USER ? "true" : "false");
            event(out, first, g->arg == PVX_KENTRY_SYSCALL ? "syscall" : "exception", "kernel",
                  'i', g->tsc, 0, PID_GUEST, TID_KERNEL, args);
            break;
        case PVX_REC_MARK:
            if (g->flags & PVX_MARK_BEGIN) {
                open_tsc = g->tsc;
                open_name = g->name;
            } else if (open_name != NULL) {
                snprintf(args, sizeof(args), "\"ops\": %u", g->arg);
                event(out, first, open_name, "workload", 'X', open_tsc, g->tsc - open_tsc,
                      PID_GUEST, TID_WORKLOADS, args);
                open_name = NULL;
            }
            break;
        }
    }
}

static void host_events(FILE *out, bool *first, const struct run *r)
{
    uint64_t user_since = 0;
    char args[64];

    for (size_t i = 0; i < r->nh; i++) {
        const struct hrec *h = &r->h[i];
        uint32_t ev = h->event & ~TRC_64_FLAG;
        const char *name = host_event_name(h->event);

        if (!h->has_tsc)
            continue;
        if (ev == TRC_PV_HYPERCALL_V2 || ev == TRC_PV_HYPERCALL_SUBCALL) {
            unsigned nr = h->n ? h->d[0] & ~TRC_PV_HYPERCALL_V2_ARG_MASK : 0;
            snprintf(args, sizeof(args), "\"nr\": %u, \"subcall\": %s", nr,
                     ev == TRC_PV_HYPERCALL_SUBCALL ? "true" : "false");
            event(out, first, hypercall_name(nr), name, 'i', h->tsc, 0, PID_HOST,
                  TID_HOST_CALLS, args);
        } else if (ev == TRC_PVX_MODE) {
            if (h->n && h->d[0]) {
                user_since = h->tsc;
            } else if (user_since) {
                event(out, first, "guest user mode", "mode", 'X', user_since,
                      h->tsc - user_since, PID_HOST, TID_HOST_MODE, "");
                user_since = 0;
            }
        } else if (ev == TRC_PVX_VALIDATE || ev == TRC_PVX_UPDATE || ev == TRC_PVX_PIN ||
                   ev == TRC_PVX_UNPIN || ev == TRC_PVX_FLUSH) {
            event(out, first, name, "mm", 'i', h->tsc, 0, PID_HOST, TID_HOST_MM, "");
        } else {
            event(out, first, name, "trap", 'i', h->tsc, 0, PID_HOST, TID_HOST_TRAPS, "");
        }
    }
}

void dump_tef(FILE *out, const struct run *r)
{
    char desc[96], name[160];
    bool first = true;

    base = UINT64_MAX;
    for (size_t i = 0; i < r->ng; i++)
        if (r->g[i].tsc && r->g[i].tsc < base)
            base = r->g[i].tsc;
    for (size_t i = 0; i < r->nh; i++)
        if (r->h[i].has_tsc && r->h[i].tsc < base)
            base = r->h[i].tsc;
    if (base == UINT64_MAX)
        base = 0;
    fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [", out);
    snprintf(name, sizeof(name), "guest kernel (%s)", run_describe(r, desc, sizeof(desc)));
    meta(out, &first, "process_name", PID_GUEST, 0, name);
    meta(out, &first, "thread_name", PID_GUEST, TID_HYPERCALLS, "hypercalls");
    meta(out, &first, "thread_name", PID_GUEST, TID_KERNEL, "kernel entries");
    meta(out, &first, "thread_name", PID_GUEST, TID_WORKLOADS, "workloads");
    guest_events(out, &first, r);
    if (r->host.present) {
        meta(out, &first, "process_name", PID_HOST, 0, "pvx host");
        meta(out, &first, "thread_name", PID_HOST, TID_HOST_CALLS, "hypercalls handled");
        meta(out, &first, "thread_name", PID_HOST, TID_HOST_MODE, "guest mode");
        meta(out, &first, "thread_name", PID_HOST, TID_HOST_MM, "pagetables and TLB");
        meta(out, &first, "thread_name", PID_HOST, TID_HOST_TRAPS, "entries and bounces");
        host_events(out, &first, r);
    }
    fputs("\n]}\n", out);
}
