/*
 * The text, CSV and JSON forms of a run's records, its per-operation summary, and the
 * side-by-side comparison of several runs.  A figure a run cannot give (host-only figures
 * of a guest-only trace) is "-" in text, empty in CSV and null in JSON.
 */
#include <math.h>
#include <string.h>
#include <public/pvx_trace.h>
#include <public/xen.h>
#include "pvxtrace.h"

/* --- helpers ---------------------------------------------------------------------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    json_escape(out, s);
    fputc('"', out);
}

static void csv_str(FILE *out, const char *s)
{
    bool quote = strpbrk(s, ",\"\n") != NULL;
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* A figure: integers without decimals, else two. */
static void num(FILE *out, double v, enum format f, int width)
{
    if (isnan(v)) {
        if (f == FMT_TEXT)
            fprintf(out, "%*s", width, "-");
        else if (f == FMT_JSON)
            fputs("null", out);
        return;
    }
    if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
        fprintf(out, "%*.0f", f == FMT_TEXT ? width : 0, v);
    else
        fprintf(out, "%*.2f", f == FMT_TEXT ? width : 0, v);
}

static void blob_json(FILE *out, const char *key, const struct blob_info *b)
{
    fprintf(out, "  ");
    json_str(out, key);
    if (!b->present) {
        fputs(": null,\n", out);
        return;
    }
    fprintf(out, ": {\"version\": %u, \"platform\": ", b->version);
    json_str(out, platform_name(b->platform));
    fprintf(out, ", \"batch\": %s, \"records\": %llu, \"lost\": %llu, \"cmdline\": ",
            b->flags & PVX_BLOB_BATCH ? "true" : "false", (unsigned long long)b->records,
            (unsigned long long)b->lost);
    json_str(out, b->cmdline);
    fputs("},\n", out);
}

/* --- dump --------------------------------------------------------------------------------- */

static const char *grec_kind(const struct grec *g)
{
    switch (g->kind) {
    case PVX_REC_HYPERCALL: return "hypercall";
    case PVX_REC_MC_ENTRY: return "mc_entry";
    case PVX_REC_KENTRY: return "kentry";
    case PVX_REC_MARK: return g->flags & PVX_MARK_BEGIN ? "mark_begin" : "mark_end";
    default: return "?";
    }
}

/* What a guest record says beyond its kind and TSC, as "key=value ..." */
static void grec_detail(char *buf, size_t len, const struct grec *g)
{
    switch (g->kind) {
    case PVX_REC_HYPERCALL:
    case PVX_REC_MC_ENTRY:
    {
        char sub[32];
        if (g->nr == __HYPERVISOR_mmuext_op)
            snprintf(sub, sizeof(sub), "cmd=%s", mmuext_name(g->arg));
        else
            snprintf(sub, sizeof(sub), "sub=%u", g->arg);
        snprintf(buf, len, "%s hook=%s %s batch=%u rc=%d cycles=%llu", hypercall_name(g->nr),
                 hook_name(g->hook), sub, g->batch, g->rc,
                 (unsigned long long)(g->tsc_after > g->tsc ? g->tsc_after - g->tsc : 0));
    }
        break;
    case PVX_REC_KENTRY: {
        const char *from = g->flags & PVX_KENTRY_USER ? " from=user" : " from=kernel";
        const char *via = g->flags & PVX_KENTRY_PV ? " via=hypervisor" : "";
        if (g->arg == PVX_KENTRY_SYSCALL)
            snprintf(buf, len, "syscall%s%s", from, via);
        else
            snprintf(buf, len, "vector=%u%s%s", g->arg, from, via);
        break;
    }
    case PVX_REC_MARK:
        snprintf(buf, len, "%s ops=%u", g->name, g->arg);
        break;
    default:
        buf[0] = '\0';
    }
}

static uint64_t u64_of(const struct hrec *h, unsigned i)
{
    return i + 1 < h->n ? (uint64_t)h->d[i] | (uint64_t)h->d[i + 1] << 32 : 0;
}

/* What a host record says, decoded as its event's layout (pvx_trace.h, trace.h). */
static void hrec_detail(char *buf, size_t len, const struct hrec *h)
{
    uint32_t ev = h->event & ~TRC_64_FLAG;

    switch (ev) {
    case TRC_PV_HYPERCALL_V2:
    case TRC_PV_HYPERCALL_SUBCALL: {
        unsigned nr = h->n ? h->d[0] & ~TRC_PV_HYPERCALL_V2_ARG_MASK : 0;
        int o = snprintf(buf, len, "%s", hypercall_name(nr));
        for (unsigned i = 1; i < h->n && o > 0 && (size_t)o < len; i++)
            o += snprintf(buf + o, len - (size_t)o, " arg=%u", h->d[i]);
        break;
    }
    case TRC_PV_TRAP:
        snprintf(buf, len, "vector=%u error=%#x rip=%#llx", h->n >= 3 ? h->d[2] & 0x7fff : 0,
                 h->n >= 3 ? h->d[2] >> 16 : 0, (unsigned long long)u64_of(h, 0));
        break;
    case TRC_PV_PAGE_FAULT:
        snprintf(buf, len, "rip=%#llx addr=%#llx error=%#x", (unsigned long long)u64_of(h, 0),
                 (unsigned long long)u64_of(h, 2), h->n >= 5 ? h->d[4] : 0);
        break;
    case TRC_PVX_TRAP_ENTRY:
        snprintf(buf, len, "vector=%u error=%#x rip=%#llx", h->n ? h->d[0] : 0,
                 h->n > 1 ? h->d[1] : 0, (unsigned long long)u64_of(h, 2));
        break;
    case TRC_PVX_SYSCALL:
        snprintf(buf, len, "rip=%#llx", (unsigned long long)u64_of(h, 0));
        break;
    case TRC_PVX_MODE:
        snprintf(buf, len, "to=%s", h->n && h->d[0] ? "user" : "kernel");
        break;
    case TRC_PVX_VALIDATE:
        snprintf(buf, len, "mfn=%#llx level=%u checked=%u rc=%d",
                 (unsigned long long)u64_of(h, 0), h->n > 2 ? h->d[2] : 0,
                 h->n > 3 ? h->d[3] : 0, h->n > 4 ? (int32_t)h->d[4] : 0);
        break;
    case TRC_PVX_UPDATE:
        snprintf(buf, len, "mfn=%#llx level=%u slot=%u rc=%d",
                 (unsigned long long)u64_of(h, 0), h->n > 2 ? h->d[2] >> 16 : 0,
                 h->n > 2 ? h->d[2] & 0xffff : 0, h->n > 3 ? (int32_t)h->d[3] : 0);
        break;
    case TRC_PVX_PIN:
        snprintf(buf, len, "mfn=%#llx level=%u rc=%d", (unsigned long long)u64_of(h, 0),
                 h->n > 2 ? h->d[2] : 0, h->n > 3 ? (int32_t)h->d[3] : 0);
        break;
    case TRC_PVX_UNPIN:
        snprintf(buf, len, "mfn=%#llx rc=%d", (unsigned long long)u64_of(h, 0),
                 h->n > 2 ? (int32_t)h->d[2] : 0);
        break;
    case TRC_PVX_FLUSH:
        if (h->n && h->d[0] == 1)
            snprintf(buf, len, "one va=%#llx", (unsigned long long)u64_of(h, 1));
        else
            snprintf(buf, len, "all");
        break;
    case TRC_LOST_RECORDS:
        snprintf(buf, len, "count=%u first_tsc=%llu", h->n ? h->d[0] : 0,
                 (unsigned long long)u64_of(h, 2));
        break;
    default:
        if ((h->event & 0xfffff00fU) == TRC_SCHED_RUNSTATE_CHANGE) {
            snprintf(buf, len, "d%uv%u %u->%u", h->n ? h->d[0] >> 16 : 0,
                     h->n ? h->d[0] & 0xffff : 0, (h->event >> 8) & 0xf, (h->event >> 4) & 0xf);
        } else {
            int o = snprintf(buf, len, "event=%#x", h->event);
            for (unsigned i = 0; i < h->n && o > 0 && (size_t)o < len; i++)
                o += snprintf(buf + o, len - (size_t)o, " %#x", h->d[i]);
        }
    }
}

void dump_run(FILE *out, const struct run *r, enum format f)
{
    char d[256], desc[96];

    if (f == FMT_TEF) {
        dump_tef(out, r);
        return;
    }
    if (f == FMT_CSV)
        fputs("side,tsc,event,detail\n", out);
    if (f == FMT_JSON) {
        fputs("{\n  \"run\": ", out);
        json_str(out, r->label);
        fputs(",\n", out);
        blob_json(out, "guest", &r->guest);
        blob_json(out, "host", &r->host);
        fputs("  \"records\": [\n", out);
    }
    if (f == FMT_TEXT)
        fprintf(out, "# %s: %s; %zu guest records, %zu host records\n", r->label,
                run_describe(r, desc, sizeof(desc)), r->ng, r->nh);
    bool first = true;
    for (size_t i = 0; i < r->ng; i++) {
        const struct grec *g = &r->g[i];
        grec_detail(d, sizeof(d), g);
        if (f == FMT_TEXT) {
            fprintf(out, "G %15llu %-10s %s\n", (unsigned long long)g->tsc, grec_kind(g), d);
        } else if (f == FMT_CSV) {
            fprintf(out, "guest,%llu,%s,", (unsigned long long)g->tsc, grec_kind(g));
            csv_str(out, d);
            fputc('\n', out);
        } else {
            fprintf(out, "%s    {\"side\": \"guest\", \"tsc\": %llu, \"event\": \"%s\", \"detail\": ",
                    first ? "" : ",\n", (unsigned long long)g->tsc, grec_kind(g));
            json_str(out, d);
            fputc('}', out);
            first = false;
        }
    }
    for (size_t i = 0; i < r->nh; i++) {
        const struct hrec *h = &r->h[i];
        hrec_detail(d, sizeof(d), h);
        if (f == FMT_TEXT) {
            fprintf(out, "H %15llu %-10s %s\n", (unsigned long long)h->tsc,
                    host_event_name(h->event), d);
        } else if (f == FMT_CSV) {
            fprintf(out, "host,%llu,%s,", (unsigned long long)h->tsc, host_event_name(h->event));
            csv_str(out, d);
            fputc('\n', out);
        } else {
            fprintf(out, "%s    {\"side\": \"host\", \"tsc\": %llu, \"event\": \"%s\", \"detail\": ",
                    first ? "" : ",\n", (unsigned long long)h->tsc, host_event_name(h->event));
            json_str(out, d);
            fputc('}', out);
            first = false;
        }
    }
    if (f == FMT_JSON)
        fputs("\n  ]\n}\n", out);
}

/* --- summary ------------------------------------------------------------------------------ */

/* The metrics a table shows: all but the host's own hypercall counts (checked instead). */
static bool shown(enum metric m)
{
    return m != M_HOST_HYPERCALLS && m != M_HOST_MC_ENTRIES;
}

/* A summary column: wide enough for its heading and for cycles. */
static int col_width(enum metric m)
{
    int w = (int)strlen(metric_info[m].title);
    return w > 11 ? w : 11;
}

/* The guest and the host must count the same hypercalls and entries in every window. */
static void agreement(FILE *out, const struct run *r, const struct summary *s)
{
    if (!r->host.present)
        return;
    for (size_t i = 0; i < s->nw; i++) {
        const struct workload *w = &s->w[i];
        if (w->total[M_HYPERCALLS] != w->total[M_HOST_HYPERCALLS] ||
            w->total[M_MC_ENTRIES] != w->total[M_HOST_MC_ENTRIES])
            fprintf(out, "WARNING: %s: the guest issued %.0f hypercalls (%.0f multicall "
                    "entries), the host handled %.0f (%.0f)\n", w->name,
                    w->total[M_HYPERCALLS], w->total[M_MC_ENTRIES],
                    w->total[M_HOST_HYPERCALLS], w->total[M_HOST_MC_ENTRIES]);
    }
}

void print_summary(FILE *out, const struct run *r, const struct summary *s, enum format f)
{
    char desc[96];

    if (f == FMT_TEXT) {
        fprintf(out, "%s: %s\n", r->label, run_describe(r, desc, sizeof(desc)));
        if (r->guest.present)
            fprintf(out, "guest command line: %s\n", r->guest.cmdline);
        fprintf(out, "per operation%s; %s\n", s->calibrated ? ", the measurement's own cost "
                "taken off" : " (no calibration window)", r->host.present ?
                "world switches and the last columns from the host's records" :
                "no host records: host columns are -");
        fprintf(out, "%-22s %6s", "workload", "ops");
        for (unsigned m = 0; m < M_NR; m++)
            if (shown(m))
                fprintf(out, " %*s", col_width(m), metric_info[m].title);
        fputc('\n', out);
        for (size_t i = 0; i < s->nw; i++) {
            fprintf(out, "%-22s %6llu", s->w[i].name, (unsigned long long)s->w[i].ops);
            for (unsigned m = 0; m < M_NR; m++)
                if (shown(m)) {
                    fputc(' ', out);
                    num(out, per_op(&s->w[i], m), f, col_width(m));
                }
            fputc('\n', out);
        }
        if (r->guest.lost || r->host.lost)
            fprintf(out, "WARNING: records were lost (guest %llu, host %llu): the ring was "
                    "full, figures after that are short\n", (unsigned long long)r->guest.lost,
                    (unsigned long long)r->host.lost);
        if (s->open_windows)
            fprintf(out, "WARNING: %llu windows were opened and never closed\n",
                    (unsigned long long)s->open_windows);
        agreement(out, r, s);
        return;
    }
    if (f == FMT_CSV) {
        fputs("run,workload,ops,windows", out);
        for (unsigned m = 0; m < M_NR; m++)
            fprintf(out, ",%s_per_op", metric_info[m].key);
        fputc('\n', out);
        for (size_t i = 0; i < s->nw; i++) {
            csv_str(out, r->label);
            fputc(',', out);
            csv_str(out, s->w[i].name);
            fprintf(out, ",%llu,%u", (unsigned long long)s->w[i].ops, s->w[i].windows);
            for (unsigned m = 0; m < M_NR; m++) {
                fputc(',', out);
                num(out, per_op(&s->w[i], m), f, 0);
            }
            fputc('\n', out);
        }
        return;
    }
    fputs("{\n  \"run\": ", out);
    json_str(out, r->label);
    fputs(",\n", out);
    blob_json(out, "guest", &r->guest);
    blob_json(out, "host", &r->host);
    fprintf(out, "  \"calibrated\": %s,\n  \"workloads\": [\n", s->calibrated ? "true" : "false");
    for (size_t i = 0; i < s->nw; i++) {
        const struct workload *w = &s->w[i];
        fputs("    {\"name\": ", out);
        json_str(out, w->name);
        fprintf(out, ", \"ops\": %llu, \"windows\": %u, \"per_op\": {",
                (unsigned long long)w->ops, w->windows);
        for (unsigned m = 0; m < M_NR; m++) {
            fprintf(out, "%s\"%s\": ", m ? ", " : "", metric_info[m].key);
            num(out, per_op(w, m), f, 0);
        }
        fputs("}, \"batch_histogram\": [", out);
        for (unsigned b = 0; b < HIST_BUCKETS; b++)
            fprintf(out, "%s%llu", b ? ", " : "", (unsigned long long)w->hist[b]);
        fputs("], \"hypercalls_by_hook\": {", out);
        bool firsth = true;
        for (unsigned h = 0; h < 32; h++)
            if (w->hook_calls[h]) {
                fprintf(out, "%s\"%s\": %llu", firsth ? "" : ", ", hook_name(h),
                        (unsigned long long)w->hook_calls[h]);
                firsth = false;
            }
        fprintf(out, "}}%s\n", i + 1 < s->nw ? "," : "");
    }
    fputs("  ],\n  \"batch_buckets\": [", out);
    for (unsigned b = 0; b < HIST_BUCKETS; b++)
        fprintf(out, "%s\"%s\"", b ? ", " : "", hist_label[b]);
    fputs("]\n}\n", out);
}

/* --- comparison --------------------------------------------------------------------------- */

/* Names of every workload any run has, in first-seen order (at most 64). */
static size_t all_workloads(const struct summary *sums, size_t n, const char *names[64])
{
    size_t k = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < sums[r].nw; i++) {
            size_t j;
            for (j = 0; j < k && strcmp(names[j], sums[r].w[i].name) != 0; j++)
                ;
            if (j == k && k < 64)
                names[k++] = sums[r].w[i].name;
        }
    return k;
}

static double value(const struct summary *s, const char *name, enum metric m)
{
    const struct workload *w = find_workload(s, name);
    return w ? per_op(w, m) : NAN;
}

static double ratio(double a, double b)
{
    return isnan(a) || isnan(b) || b == 0 ? NAN : a / b;
}

void print_compare(FILE *out, const struct run *const *runs, const struct summary *sums,
                   size_t n, enum format f)
{
    const char *names[64];
    size_t nw = all_workloads(sums, n, names);
    char desc[96];

    if (f == FMT_TEXT) {
        for (size_t r = 0; r < n; r++)
            fprintf(out, "[%zu] %-14s %s (%s)\n", r + 1, runs[r]->label,
                    run_describe(runs[r], desc, sizeof(desc)), runs[r]->path);
        fputs("per operation; [k]/[1] is run k over run 1\n", out);
        for (size_t i = 0; i < nw; i++) {
            fprintf(out, "\n%-22s", names[i]);
            for (size_t r = 0; r < n; r++)
                fprintf(out, " %12.12s", runs[r]->label);
            for (size_t r = 1; r < n; r++) {
                char h[40];
                snprintf(h, sizeof(h), "[%zu]/[1]", r + 1);
                fprintf(out, " %11s", h);
            }
            fputc('\n', out);
            for (unsigned m = 0; m < M_NR; m++) {
                if (!shown(m))
                    continue;
                bool any = false;
                for (size_t r = 0; r < n; r++)
                    any |= !isnan(value(&sums[r], names[i], m));
                if (!any)
                    continue;
                fprintf(out, "  %-20s", metric_info[m].title);
                for (size_t r = 0; r < n; r++) {
                    fputc(' ', out);
                    num(out, value(&sums[r], names[i], m), f, 12);
                }
                for (size_t r = 1; r < n; r++) {
                    double q = ratio(value(&sums[r], names[i], m), value(&sums[0], names[i], m));
                    if (isnan(q))
                        fprintf(out, " %11s", "-");
                    else
                        fprintf(out, " %11.2f", q);
                }
                fputc('\n', out);
            }
        }
        fputs("\nbatch sizes of the hypercalls issued in the workload windows\n", out);
        fprintf(out, "  %-20s", "requests carried");
        for (size_t r = 0; r < n; r++)
            fprintf(out, " %12.12s", runs[r]->label);
        fputc('\n', out);
        for (unsigned b = 0; b < HIST_BUCKETS; b++) {
            fprintf(out, "  %-20s", hist_label[b]);
            for (size_t r = 0; r < n; r++)
                fprintf(out, " %12llu", (unsigned long long)sums[r].hist[b]);
            fputc('\n', out);
        }
        return;
    }
    if (f == FMT_CSV) {
        fputs("workload,metric", out);
        for (size_t r = 0; r < n; r++) {
            fputc(',', out);
            csv_str(out, runs[r]->label);
        }
        for (size_t r = 1; r < n; r++) {
            fputc(',', out);
            csv_str(out, runs[r]->label);
            fputs("/", out);
            csv_str(out, runs[0]->label);
        }
        fputc('\n', out);
        for (size_t i = 0; i < nw; i++)
            for (unsigned m = 0; m < M_NR; m++) {
                csv_str(out, names[i]);
                fprintf(out, ",%s", metric_info[m].key);
                for (size_t r = 0; r < n; r++) {
                    fputc(',', out);
                    num(out, value(&sums[r], names[i], m), f, 0);
                }
                for (size_t r = 1; r < n; r++) {
                    fputc(',', out);
                    num(out, ratio(value(&sums[r], names[i], m), value(&sums[0], names[i], m)),
                        FMT_CSV, 0);
                }
                fputc('\n', out);
            }
        for (unsigned b = 0; b < HIST_BUCKETS; b++) {
            fprintf(out, "batch_histogram,%s", hist_label[b]);
            for (size_t r = 0; r < n; r++)
                fprintf(out, ",%llu", (unsigned long long)sums[r].hist[b]);
            fputc('\n', out);
        }
        return;
    }
    fputs("{\n  \"runs\": [", out);
    for (size_t r = 0; r < n; r++) {
        fputs(r ? ", {\"label\": " : "{\"label\": ", out);
        json_str(out, runs[r]->label);
        fputs(", \"description\": ", out);
        json_str(out, run_describe(runs[r], desc, sizeof(desc)));
        fputs(", \"path\": ", out);
        json_str(out, runs[r]->path);
        fputc('}', out);
    }
    fputs("],\n  \"workloads\": [\n", out);
    for (size_t i = 0; i < nw; i++) {
        fputs("    {\"name\": ", out);
        json_str(out, names[i]);
        fputs(", \"per_op\": {", out);
        for (unsigned m = 0; m < M_NR; m++) {
            fprintf(out, "%s\"%s\": [", m ? ", " : "", metric_info[m].key);
            for (size_t r = 0; r < n; r++) {
                if (r)
                    fputs(", ", out);
                num(out, value(&sums[r], names[i], m), f, 0);
            }
            fputc(']', out);
        }
        fputs("}, \"ratio_to_first\": {", out);
        for (unsigned m = 0; m < M_NR; m++) {
            fprintf(out, "%s\"%s\": [", m ? ", " : "", metric_info[m].key);
            for (size_t r = 1; r < n; r++) {
                if (r > 1)
                    fputs(", ", out);
                num(out, ratio(value(&sums[r], names[i], m), value(&sums[0], names[i], m)),
                    FMT_JSON, 0);
            }
            fputc(']', out);
        }
        fprintf(out, "}}%s\n", i + 1 < nw ? "," : "");
    }
    fputs("  ],\n  \"batch_histogram\": {\"buckets\": [", out);
    for (unsigned b = 0; b < HIST_BUCKETS; b++)
        fprintf(out, "%s\"%s\"", b ? ", " : "", hist_label[b]);
    fputs("], \"runs\": [", out);
    for (size_t r = 0; r < n; r++) {
        fputs(r ? ", [" : "[", out);
        for (unsigned b = 0; b < HIST_BUCKETS; b++)
            fprintf(out, "%s%llu", b ? ", " : "", (unsigned long long)sums[r].hist[b]);
        fputc(']', out);
    }
    fputs("]}\n}\n", out);
}
