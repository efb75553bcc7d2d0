/*
 * pvxtrace: the command line (docs/trace.md).  Exit status 0 on success, 1 when an input
 * cannot be used (missing, empty, truncated, not a pvx trace, no workload windows), 2 for
 * a wrong command line.  Every failure prints one line naming the file and the reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pvxtrace.h"

#define MAX_RUNS 16

static void usage(FILE *out)
{
    fputs("usage: pvxtrace COMMAND [options] TRACE...\n"
          "  dump TRACE        every record: text, or -f csv|json|tef (Trace Event Format,\n"
          "                    for Perfetto and chrome://tracing)\n"
          "  summary TRACE     figures per workload operation (-f text|csv|json)\n"
          "  compare TRACE...  runs side by side with ratios to the first and the batch-size\n"
          "                    histogram (-f text|csv|json)\n"
          "  plot TRACE...     PNG and SVG plots drawn by gnuplot into -d DIR\n"
          "  xentrace TRACE    the host's records as a xentrace file for xenalyze (-o FILE)\n"
          "  check TRACE...    read each trace and say what it holds\n"
          "options: -f FORMAT, -o FILE (default: standard output), -d DIR,\n"
          "         -l LABEL,LABEL,... (names for the runs; default: the file names)\n"
          "A TRACE is what QEMU's -debugcon wrote (the guest's records, and the pvx host's)\n"
          "or a bare xentrace stream.\n", out);
}

static int parse_format(const char *s, enum format *f)
{
    if (!strcmp(s, "text")) *f = FMT_TEXT;
    else if (!strcmp(s, "csv")) *f = FMT_CSV;
    else if (!strcmp(s, "json")) *f = FMT_JSON;
    else if (!strcmp(s, "tef")) *f = FMT_TEF;
    else return -1;
    return 0;
}

struct opts {
    const char *cmd, *out, *dir, *labels;
    enum format fmt;
    const char *files[MAX_RUNS];
    size_t nfiles;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    if (argc < 2)
        return -1;
    o->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-f") || !strcmp(a, "-o") || !strcmp(a, "-d") || !strcmp(a, "-l")) &&
            i + 1 >= argc) {
            fprintf(stderr, "pvxtrace: %s wants a value\n", a);
            return -1;
        }
        if (!strcmp(a, "-f")) {
            if (parse_format(argv[++i], &o->fmt) != 0) {
                fprintf(stderr, "pvxtrace: unknown format '%s' (text, csv, json, tef)\n", argv[i]);
                return -1;
            }
        } else if (!strcmp(a, "-o")) {
            o->out = argv[++i];
        } else if (!strcmp(a, "-d")) {
            o->dir = argv[++i];
        } else if (!strcmp(a, "-l")) {
            o->labels = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "pvxtrace: unknown option '%s'\n", a);
            return -1;
        } else if (o->nfiles == MAX_RUNS) {
            fprintf(stderr, "pvxtrace: at most %d traces\n", MAX_RUNS);
            return -1;
        } else {
            o->files[o->nfiles++] = a;
        }
    }
    return 0;
}

/* Load every file; labels from -l in order.  On failure the runs loaded are freed. */
static int load_all(const struct opts *o, struct run *runs)
{
    char err[512];
    const char *l = o->labels;

    for (size_t i = 0; i < o->nfiles; i++) {
        if (run_load(o->files[i], &runs[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "pvxtrace: %s\n", err);
            for (size_t j = 0; j < i; j++)
                run_free(&runs[j]);
            return -1;
        }
        if (l && *l) {
            size_t n = strcspn(l, ",");
            snprintf(runs[i].label, sizeof(runs[i].label), "%.*s", (int)n, l);
            l += n + (l[n] == ',');
        }
    }
    return 0;
}

static FILE *open_out(const char *path)
{
    FILE *f;

    if (path == NULL)
        return stdout;
    f = fopen(path, "w");
    if (f == NULL)
        fprintf(stderr, "pvxtrace: %s: cannot create: %s\n", path, strerror(errno));
    return f;
}

static int close_out(FILE *f, const char *path)
{
    if (f == stdout)
        return fflush(f) == 0 ? 0 : 1;
    if (fclose(f) != 0) {
        fprintf(stderr, "pvxtrace: %s: write error\n", path);
        return 1;
    }
    return 0;
}

static int cmd_check(struct run *runs, size_t n)
{
    char desc[96];

    for (size_t i = 0; i < n; i++)
        printf("%s: %s; %zu guest records (%llu lost), %zu host records (%llu lost)\n",
               runs[i].path, run_describe(&runs[i], desc, sizeof(desc)), runs[i].ng,
               (unsigned long long)runs[i].guest.lost, runs[i].nh,
               (unsigned long long)runs[i].host.lost);
    return 0;
}

/* The commands that need every run's summary. */
static int with_summaries(const struct opts *o, struct run *runs)
{
    struct summary sums[MAX_RUNS];
    const struct run *rp[MAX_RUNS];
    char err[512];
    int rc = 0;
    FILE *out;

    for (size_t i = 0; i < o->nfiles; i++) {
        rp[i] = &runs[i];
        if (summarize(&runs[i], &sums[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "pvxtrace: %s\n", err);
            for (size_t j = 0; j < i; j++)
                summary_free(&sums[j]);
            return 1;
        }
    }
    if (!strcmp(o->cmd, "plot")) {
        if (plot_runs(o->dir, rp, sums, o->nfiles, err, sizeof(err)) != 0) {
            fprintf(stderr, "pvxtrace: %s\n", err);
            rc = 1;
        }
    } else if ((out = open_out(o->out)) == NULL) {
        rc = 1;
    } else {
        if (!strcmp(o->cmd, "summary"))
            print_summary(out, &runs[0], &sums[0], o->fmt);
        else
            print_compare(out, rp, sums, o->nfiles, o->fmt);
        rc = close_out(out, o->out);
    }
    for (size_t i = 0; i < o->nfiles; i++)
        summary_free(&sums[i]);
    return rc;
}

static int dispatch(const struct opts *o, struct run *runs)
{
    char err[512];
    FILE *out;
    int rc;

    if (!strcmp(o->cmd, "check"))
        return cmd_check(runs, o->nfiles);
    if (!strcmp(o->cmd, "xentrace")) {
        if (run_write_xentrace(&runs[0], o->out, err, sizeof(err)) != 0) {
            fprintf(stderr, "pvxtrace: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (!strcmp(o->cmd, "dump")) {
        if ((out = open_out(o->out)) == NULL)
            return 1;
        dump_run(out, &runs[0], o->fmt);
        return close_out(out, o->out);
    }
    rc = with_summaries(o, runs);
    return rc;
}

/* What each command needs on its command line; a message and false when it is missing. */
static bool check_usage(const struct opts *o)
{
    const char *c = o->cmd;
    bool one = !strcmp(c, "dump") || !strcmp(c, "summary") || !strcmp(c, "xentrace");
    bool many = !strcmp(c, "compare") || !strcmp(c, "plot") || !strcmp(c, "check");
    struct stat st;

    if (!one && !many) {
        fprintf(stderr, "pvxtrace: unknown command '%s'\n", c);
        return false;
    }
    if (o->nfiles == 0 || (one && o->nfiles != 1)) {
        fprintf(stderr, "pvxtrace: %s takes %s\n", c, one ? "one trace" : "one or more traces");
        return false;
    }
    if (!strcmp(c, "xentrace") && o->out == NULL) {
        fprintf(stderr, "pvxtrace: xentrace needs -o FILE\n");
        return false;
    }
    if (!strcmp(c, "plot") && (o->dir == NULL || stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "pvxtrace: plot needs -d DIR, an existing directory\n");
        return false;
    }
    if (o->fmt == FMT_TEF && strcmp(c, "dump") != 0) {
        fprintf(stderr, "pvxtrace: -f tef is for dump only\n");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct run runs[MAX_RUNS];
    struct opts o;
    int rc;

    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (parse_args(argc, argv, &o) != 0 || !check_usage(&o)) {
        usage(stderr);
        return 2;
    }
    if (load_all(&o, runs) != 0)
        return 1;
    rc = dispatch(&o, runs);
    for (size_t i = 0; i < o.nfiles; i++)
        run_free(&runs[i]);
    return rc;
}
