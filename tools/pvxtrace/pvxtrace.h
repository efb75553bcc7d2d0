/*
 * pvxtrace: reads the traces pvx records (include/public/pvx_trace.h, docs/trace.md) and
 * turns them into text, CSV, JSON, the Trace Event Format, per-operation summaries,
 * side-by-side comparisons and gnuplot plots.  Trust: the input files are untrusted bytes;
 * every length and count in them is checked before use, and a file that is empty,
 * truncated or not a pvx trace is refused with a message naming the offset.
 */
#ifndef PVXTRACE_H
#define PVXTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One guest record, decoded (PVX_REC_* kinds; PAD records are not kept). */
struct grec {
    uint8_t kind, hook, flags;
    uint16_t nr;                 /* hypercall records */
    uint32_t arg;                /* sub-op, vector or operations */
    uint32_t batch;
    int32_t rc;
    uint64_t tsc, tsc_after;
    char name[64];               /* marks */
};

/* One xentrace record, decoded (TRC_TRACE_CPU_CHANGE records are not kept). */
struct hrec {
    uint32_t event;
    uint8_t n;                   /* extra words */
    bool has_tsc;
    uint16_t cpu;
    uint64_t tsc;
    uint32_t d[7];
};

/* What a blob's header said. */
struct blob_info {
    bool present;
    uint32_t version, platform, flags;
    uint64_t records, lost, first_lost_tsc, tsc_end;
    char cmdline[193];
};

/* One recorded run: a debug-console capture (guest blob, host blob or both), or a bare
 * xentrace file (host records only). */
struct run {
    char label[64];              /* how tables name it (the file name unless given) */
    char path[512];
    struct blob_info guest, host;
    struct grec *g;
    size_t ng;
    struct hrec *h;
    size_t nh;
    uint8_t *xentrace;           /* the host records as a xentrace stream (for xenalyze) */
    size_t xentrace_len;
};

/* read.c: load `path` into *r.  0, or -1 with a one-line reason in err (no newline). */
int run_load(const char *path, struct run *r, char *err, size_t errlen);
/* The same from bytes already in memory (tests); `name` is used in messages. */
int run_parse(const char *name, const uint8_t *buf, size_t len, struct run *r, char *err,
              size_t errlen);
void run_free(struct run *r);
/* Write the host blob's payload (a xentrace stream) to `path`; -1 if there is none. */
int run_write_xentrace(const struct run *r, const char *path, char *err, size_t errlen);

/* names.c */
const char *hypercall_name(unsigned nr);           /* "mmu_update", or "hypercall_N" */
const char *hook_name(unsigned hook);              /* "set_pte", or "?" */
const char *platform_name(uint32_t platform);      /* "native", "pvx", "Xen" */
const char *mmuext_name(unsigned cmd);
const char *host_event_name(uint32_t event);       /* "hypercall", "pin", ... */
const char *run_describe(const struct run *r, char *buf, size_t len);  /* "pvx, batch on" */
/* Format an error message into err (errlen bytes) and return -1. */
int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s as the inside of a JSON string (quotes, backslashes and control characters escaped). */
void json_escape(FILE *out, const char *s);

/* analyze.c: the per-operation figures of one run's workloads. */
enum metric {
    M_CYCLES,          /* TSC ticks (instructions under -icount) */
    M_HYPERCALLS,      /* issued by the guest (its own records) */
    M_MULTICALLS,
    M_MC_ENTRIES,
    M_KENTRIES,        /* entries into the guest kernel */
    M_WORLD,           /* entries into the hypervisor: host records, else the guest's */
    M_MODE,            /* guest kernel <-> user switches (host) */
    M_BOUNCES,         /* exceptions bounced to the guest (host) */
    M_VALIDATED,       /* pagetable pages validated (host) */
    M_CHECKED,         /* entries checked: by validation and by updates (host) */
    M_PINS,            /* (host) */
    M_UNPINS,          /* (host) */
    M_FLUSHES,         /* TLB flushes the host did (host) */
    M_HOST_HYPERCALLS, /* hypercalls as the host saw them (host) */
    M_HOST_MC_ENTRIES, /* multicall entries as the host saw them (host) */
    M_NR
};

struct metric_info {
    const char *key;             /* CSV/JSON name */
    const char *title;           /* table heading */
    bool host_only;
};
extern const struct metric_info metric_info[M_NR];

#define HIST_BUCKETS 7           /* batch sizes 1, 2, 3-4, 5-8, 9-16, 17-32, 33+ */
extern const char *const hist_label[HIST_BUCKETS];
unsigned hist_bucket(uint32_t batch);

struct workload {
    char name[64];
    unsigned windows;            /* windows of this name (mprotect: one per operation) */
    uint64_t ops;
    double total[M_NR];          /* summed over the windows, calibration taken off */
    bool have[M_NR];             /* false: this run cannot tell (no host records) */
    uint64_t hist[HIST_BUCKETS]; /* the guest's hypercalls in the windows, by batch size */
    uint64_t hook_calls[32];     /* the guest's hypercalls by the hook that caused them */
};

struct summary {
    struct workload *w;
    size_t nw;
    bool calibrated;             /* a calibration window was found and taken off */
    uint64_t hist[HIST_BUCKETS]; /* over all workloads */
    uint64_t open_windows;       /* windows begun and never ended (a broken run) */
};

/* Build the summary of r.  0, or -1 with the reason (no windows: "no workload windows"). */
int summarize(const struct run *r, struct summary *s, char *err, size_t errlen);
void summary_free(struct summary *s);
/* A workload's figure per operation, or NaN when the run cannot tell. */
double per_op(const struct workload *w, enum metric m);
const struct workload *find_workload(const struct summary *s, const char *name);

/* output.c: the formats. */
enum format { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_TEF };
void dump_run(FILE *out, const struct run *r, enum format f);
void print_summary(FILE *out, const struct run *r, const struct summary *s, enum format f);
void print_compare(FILE *out, const struct run *const *runs, const struct summary *sums,
                   size_t n, enum format f);
/* tef.c: the Trace Event Format (chrome://tracing, Perfetto). */
void dump_tef(FILE *out, const struct run *r);

/* plot.c: the plots as gnuplot scripts and data in dir, rendered to PNG and SVG by
 * `gnuplot`.  0, or -1 with the reason. */
int plot_runs(const char *dir, const struct run *const *runs, const struct summary *sums,
              size_t n, char *err, size_t errlen);

#endif
