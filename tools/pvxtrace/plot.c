/*
 * The plots: for each figure, a data file (one row per workload or batch-size bucket, one
 * column per run) and a gnuplot script that draws it as clustered bars into NAME.png
 * (pngcairo) and NAME.svg; then gnuplot is run on each script.  Labels that come from a
 * trace are cut down to safe characters before they reach a script.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pvxtrace.h"


/* s with every character outside [A-Za-z0-9_.+=, -] made '_', for data files and titles
 * (where it is written between double quotes). */
static const char *safe(const char *s, char *buf, size_t len)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < len; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-' || c == '+' || c == '=' || c == ',' ||
                  c == ' ';
        buf[i] = ok ? c : '_';
    }
    buf[i] = '\0';
    return i ? buf : "_";
}

struct figure {
    const char *name;            /* file names */
    const char *title;
    const char *ylabel;
    bool log;
    int metric;                  /* -1: the batch-size histogram */
};

static const struct figure figures[] = {
    { "hypercalls", "Hypercalls the guest issues per workload operation",
      "hypercalls per operation", true, M_HYPERCALLS },
    { "world_switches", "Entries into the hypervisor per workload operation",
      "world switches per operation", true, M_WORLD },
    { "cycles", "Cost of one workload operation",
      "TSC ticks per operation (instructions under -icount)", true, M_CYCLES },
    { "batch_sizes", "How many requests each hypercall carries (all workload windows)",
      "hypercalls", true, -1 },
};

static int write_data(const char *path, const struct figure *fig, const struct run *const *runs,
                      const struct summary *sums, size_t n)
{
    FILE *f = fopen(path, "w");
    char a[64];

    if (f == NULL)
        return -1;
    fputs(fig->metric < 0 ? "batch" : "workload", f);
    for (size_t r = 0; r < n; r++)
        fprintf(f, " \"%s\"", safe(runs[r]->label, a, sizeof(a)));
    fputc('\n', f);
    if (fig->metric < 0) {
        for (unsigned b = 0; b < HIST_BUCKETS; b++) {
            fprintf(f, "%s", hist_label[b]);
            for (size_t r = 0; r < n; r++) {
                if (sums[r].hist[b])
                    fprintf(f, " %llu", (unsigned long long)sums[r].hist[b]);
                else
                    fputs(" -", f);     /* nothing to draw on a log scale */
            }
            fputc('\n', f);
        }
    } else {
        /* every workload of the first run, then any the others add */
        for (size_t r0 = 0; r0 < n; r0++)
            for (size_t i = 0; i < sums[r0].nw; i++) {
                const char *wn = sums[r0].w[i].name;
                bool seen = false;
                for (size_t q = 0; q < r0; q++)
                    seen |= find_workload(&sums[q], wn) != NULL;
                if (seen)
                    continue;
                fprintf(f, "\"%s\"", safe(wn, a, sizeof(a)));
                for (size_t r = 0; r < n; r++) {
                    const struct workload *w = find_workload(&sums[r], wn);
                    double v = w ? per_op(w, (enum metric)fig->metric) : NAN;
                    if (isnan(v) || v <= 0)
                        fputs(" -", f);
                    else
                        fprintf(f, " %.4f", v);
                }
                fputc('\n', f);
            }
    }
    return fclose(f);
}

static int write_script(const char *path, const struct figure *fig, size_t n)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    fprintf(f, "# %s: drawn by pvxtrace plot; run `gnuplot %s.gp` in this directory\n",
            fig->name, fig->name);
    fputs("set datafile missing '-'\nset style data histograms\n"
          "set style histogram clustered gap 1\nset style fill solid 0.85 border -1\n"
          "set boxwidth 0.9\nset grid ytics\nset key top left noenhanced\n"
          "set xtics rotate by -30 noenhanced\nset offsets 0, 0, graph 0.08, 0\n", f);
    if (fig->log)
        fputs("set logscale y\n", f);
    fprintf(f, "set ylabel '%s'\nset title '%s' noenhanced\n", fig->ylabel, fig->title);
    if (fig->metric < 0)
        fputs("set xlabel 'requests carried by one hypercall (batch size)'\n", f);
    fprintf(f, "set terminal pngcairo size 1000,560 font ',10'\nset output '%s.png'\n",
            fig->name);
    fprintf(f, "plot for [i=2:%zu] '%s.dat' using i:xtic(1) title columnheader(i)\n", n + 1,
            fig->name);
    fprintf(f, "set terminal svg size 1000,560 font ',10'\nset output '%s.svg'\nreplot\n",
            fig->name);
    return fclose(f);
}

/* gnuplot SCRIPT in dir; 0 when it drew without complaint. */
static int run_gnuplot(const char *dir, const char *script, char *err, size_t errlen)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return errf(err, errlen, "cannot fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        return errf(err, errlen, "waiting for gnuplot: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return errf(err, errlen, "gnuplot not found (scripts/deps.sh installs gnuplot-nox)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return errf(err, errlen, "gnuplot failed on %s/%s", dir, script);
    return 0;
}

int plot_runs(const char *dir, const struct run *const *runs, const struct summary *sums,
              size_t n, char *err, size_t errlen)
{
    char path[1024], script[64];

    for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
        const struct figure *fig = &figures[i];

        snprintf(path, sizeof(path), "%s/%s.dat", dir, fig->name);
        if (write_data(path, fig, runs, sums, n) != 0)
            return errf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        snprintf(script, sizeof(script), "%s.gp", fig->name);
        snprintf(path, sizeof(path), "%s/%s", dir, script);
        if (write_script(path, fig, n) != 0)
            return errf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        if (run_gnuplot(dir, script, err, errlen) != 0)
            return -1;
    }
    return 0;
}
