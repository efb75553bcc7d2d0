/*
 * From records to figures per workload operation.  The guest's marks (PVX_REC_MARK) open
 * and close each workload's windows; a guest record belongs to the window it was written
 * in (records are in the order the guest wrote them), a host record to the window whose
 * TSC span holds its own TSC (guest and host read one TSC).  The "calibrate" window holds
 * what opening and closing a window costs by itself; it is taken off every window, so
 * what remains is the workload's own operations, divided by the operations the window
 * closed with.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <public/pvx_trace.h>
#include <public/xen.h>
#include "pvxtrace.h"

const struct metric_info metric_info[M_NR] = {
    [M_CYCLES] = { "cycles", "cycles", false },
    [M_HYPERCALLS] = { "hypercalls", "hypercalls", false },
    [M_MULTICALLS] = { "multicalls", "multicalls", false },
    [M_MC_ENTRIES] = { "multicall_entries", "mc entries", false },
    [M_KENTRIES] = { "kernel_entries", "kernel entries", false },
    [M_WORLD] = { "world_switches", "world switches", false },
    [M_MODE] = { "kernel_user_switches", "kernel<->user", true },
    [M_BOUNCES] = { "exception_bounces", "exc bounces", true },
    [M_VALIDATED] = { "pages_validated", "validated", true },
    [M_CHECKED] = { "entries_checked", "entries checked", true },
    [M_PINS] = { "pins", "pins", true },
    [M_UNPINS] = { "unpins", "unpins", true },
    [M_FLUSHES] = { "tlb_flushes", "TLB flushes", true },
    [M_HOST_HYPERCALLS] = { "host_hypercalls", "host hypercalls", true },
    [M_HOST_MC_ENTRIES] = { "host_multicall_entries", "host mc entries", true },
};

const char *const hist_label[HIST_BUCKETS] = { "1", "2", "3-4", "5-8", "9-16", "17-32", "33+" };

unsigned hist_bucket(uint32_t batch)
{
    unsigned b = 0;

    while (b < HIST_BUCKETS - 1 && batch > (1u << b))
        b++;
    return b;
}

/* One window as recorded: its guest counts as it goes, its host counts afterwards. */
struct window {
    char name[64];
    uint64_t begin, end, ops;
    double v[M_NR];
    uint64_t hist[HIST_BUCKETS];
    uint64_t hooks[32];
};

static void guest_record(struct window *w, const struct grec *g, bool pv)
{
    switch (g->kind) {
    case PVX_REC_HYPERCALL:
        w->v[M_HYPERCALLS]++;
        w->v[M_WORLD]++;
        if (g->nr == __HYPERVISOR_multicall)
            w->v[M_MULTICALLS]++;
        w->hist[hist_bucket(g->batch)]++;
        w->hooks[g->hook & 31]++;
        break;
    case PVX_REC_MC_ENTRY:
        w->v[M_MC_ENTRIES]++;
        break;
    case PVX_REC_KENTRY:
        w->v[M_KENTRIES]++;
        if (pv && (g->flags & PVX_KENTRY_PV))
            w->v[M_WORLD]++;
        break;
    }
}

/* The host's view of one window: every record whose TSC it spans.  World switches are
 * then the host's entries (hypercalls, exceptions, user syscalls), not the guest's. */
static void host_record(struct window *w, const struct hrec *h)
{
    switch (h->event & ~TRC_64_FLAG) {
    case TRC_PV_HYPERCALL_V2:
        w->v[M_HOST_HYPERCALLS]++;
        w->v[M_WORLD]++;
        break;
    case TRC_PV_HYPERCALL_SUBCALL:
        w->v[M_HOST_MC_ENTRIES]++;
        break;
    case TRC_PVX_TRAP_ENTRY:
    case TRC_PVX_SYSCALL:
        w->v[M_WORLD]++;
        break;
    case TRC_PVX_MODE:
        w->v[M_MODE]++;
        break;
    case TRC_PV_TRAP:
    case TRC_PV_PAGE_FAULT:
        w->v[M_BOUNCES]++;
        break;
    case TRC_PVX_VALIDATE:
        if (h->n >= 5) {
            w->v[M_CHECKED] += h->d[3];
            if (h->d[4] == 0)
                w->v[M_VALIDATED]++;
        }
        break;
    case TRC_PVX_UPDATE:
        w->v[M_CHECKED]++;
        break;
    case TRC_PVX_PIN:
        if (h->n >= 4 && h->d[3] == 0)
            w->v[M_PINS]++;
        break;
    case TRC_PVX_UNPIN:
        if (h->n >= 3 && h->d[2] == 0)
            w->v[M_UNPINS]++;
        break;
    case TRC_PVX_FLUSH:
        w->v[M_FLUSHES]++;
        break;
    }
}

static int fail(char *err, size_t errlen, const char *msg, const char *path)
{
    snprintf(err, errlen, "%s: %s", path, msg);
    return -1;
}

/* The windows of r in order; *n of them (malloc'd). */
static struct window *collect(const struct run *r, size_t *n, uint64_t *open_windows)
{
    bool pv = r->guest.platform != PVX_PLATFORM_NATIVE;
    struct window *ws = NULL, *cur = NULL;
    size_t cap = 0;

    *n = 0;
    for (size_t i = 0; i < r->ng; i++) {
        const struct grec *g = &r->g[i];

        if (g->kind == PVX_REC_MARK && (g->flags & PVX_MARK_BEGIN)) {
            if (cur != NULL)
                (*open_windows)++;       /* begun and never ended: dropped */
            if (*n == cap) {
                cap = cap ? 2 * cap : 64;
                ws = realloc(ws, cap * sizeof(*ws));
                if (ws == NULL)
                    return NULL;
            }
            cur = &ws[*n];
            memset(cur, 0, sizeof(*cur));
            snprintf(cur->name, sizeof(cur->name), "%s", g->name);
            cur->begin = g->tsc;
        } else if (g->kind == PVX_REC_MARK && (g->flags & PVX_MARK_END)) {
            if (cur == NULL || strcmp(cur->name, g->name) != 0)
                continue;                /* an end without its beginning */
            cur->end = g->tsc;
            cur->ops = g->arg;
            cur->v[M_CYCLES] = (double)(cur->end - cur->begin);
            (*n)++;
            cur = NULL;
        } else if (cur != NULL) {
            guest_record(cur, g, pv);
        }
    }
    if (cur != NULL)
        (*open_windows)++;
    if (r->host.present && r->nh > 0) {
        size_t j = 0;
        for (size_t k = 0; k < *n; k++) {
            for (unsigned m = M_WORLD; m < M_NR; m++)
                if (m == M_WORLD || metric_info[m].host_only)
                    ws[k].v[m] = 0;
            while (j < r->nh && (!r->h[j].has_tsc || r->h[j].tsc < ws[k].begin))
                j++;
            for (size_t h = j; h < r->nh && r->h[h].tsc <= ws[k].end; h++)
                if (r->h[h].has_tsc)
                    host_record(&ws[k], &r->h[h]);
        }
    }
    return ws ? ws : calloc(1, sizeof(*ws));
}

static struct workload *workload_of(struct summary *s, const char *name)
{
    for (size_t i = 0; i < s->nw; i++)
        if (strcmp(s->w[i].name, name) == 0)
            return &s->w[i];
    struct workload *w = realloc(s->w, (s->nw + 1) * sizeof(*w));
    if (w == NULL)
        return NULL;
    s->w = w;
    w = &s->w[s->nw++];
    memset(w, 0, sizeof(*w));
    snprintf(w->name, sizeof(w->name), "%s", name);
    return w;
}

int summarize(const struct run *r, struct summary *s, char *err, size_t errlen)
{
    const struct window *calib = NULL;
    struct window *ws;
    size_t n;

    memset(s, 0, sizeof(*s));
    if (!r->guest.present)
        return fail(err, errlen, "no guest records: the workload windows are the guest's "
                    "(record with pvx.trace=on)", r->path);
    ws = collect(r, &n, &s->open_windows);
    if (ws == NULL)
        return fail(err, errlen, "out of memory", r->path);
    for (size_t k = 0; k < n && calib == NULL; k++)
        if (strcmp(ws[k].name, PVX_MARK_CALIBRATE) == 0)
            calib = &ws[k];
    s->calibrated = calib != NULL;
    for (size_t k = 0; k < n; k++) {
        struct workload *w;

        if (&ws[k] == calib || strcmp(ws[k].name, PVX_MARK_CALIBRATE) == 0)
            continue;
        w = workload_of(s, ws[k].name);
        if (w == NULL) {
            free(ws);
            return fail(err, errlen, "out of memory", r->path);
        }
        w->windows++;
        w->ops += ws[k].ops;
        for (unsigned m = 0; m < M_NR; m++)
            w->total[m] += ws[k].v[m] - (calib ? calib->v[m] : 0);
        for (unsigned b = 0; b < HIST_BUCKETS; b++) {
            uint64_t c = calib ? calib->hist[b] : 0;
            uint64_t v = ws[k].hist[b] > c ? ws[k].hist[b] - c : 0;
            w->hist[b] += v;
            s->hist[b] += v;
        }
        for (unsigned h = 0; h < 32; h++) {
            uint64_t c = calib ? calib->hooks[h] : 0;
            w->hook_calls[h] += ws[k].hooks[h] > c ? ws[k].hooks[h] - c : 0;
        }
    }
    for (size_t i = 0; i < s->nw; i++)
        for (unsigned m = 0; m < M_NR; m++)
            s->w[i].have[m] = !metric_info[m].host_only || r->host.present;
    free(ws);
    if (s->nw == 0)
        return fail(err, errlen, "no workload windows (run workloads with bench=...)",
                    r->path);
    return 0;
}

void summary_free(struct summary *s)
{
    free(s->w);
    memset(s, 0, sizeof(*s));
}

double per_op(const struct workload *w, enum metric m)
{
    if (!w->have[m] || w->ops == 0)
        return NAN;
    return w->total[m] / (double)w->ops;
}

const struct workload *find_workload(const struct summary *s, const char *name)
{
    for (size_t i = 0; i < s->nw; i++)
        if (strcmp(s->w[i].name, name) == 0)
            return &s->w[i];
    return NULL;
}
