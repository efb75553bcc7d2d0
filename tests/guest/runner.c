/*
 * The runner: finds tests by name in the .xtf_tests section (linker-script bounded), runs
 * each, prints its verdict line, and a summary.  Tests trust nothing but their own checks.
 */
#include "xtf.h"
#include "kernel/console.h"
#include "kernel/tests.h"

extern const struct xtf_test *const _xtf_tests_start[], *const _xtf_tests_end[];

static const char *const outcome_names[] = { "SUCCESS", "SKIP", "ERROR", "FAILURE" };

void xtf_set(struct xtf_result *res, enum xtf_outcome o, const char *fmt, ...)
{
    if (res->outcome != XTF_SUCCESS && res->outcome != XTF_NOTHING)
        return;
    if (o == XTF_SUCCESS) {
        if (res->outcome == XTF_NOTHING)
            res->outcome = XTF_SUCCESS;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->why, sizeof(res->why), fmt, ap);
    va_end(ap);
    res->outcome = o;
}

bool xtf_expect_rc(struct xtf_result *res, const char *what, long rc, long expected)
{
    if (rc == expected)
        return true;
    xtf_failure(res, "%s: expected %ld got %ld", what, expected, rc);
    return false;
}

bool xtf_expect(struct xtf_result *res, bool ok, const char *what)
{
    if (!ok)
        xtf_failure(res, "%s", what);
    return ok;
}

static enum xtf_outcome run_one(const struct xtf_test *t)
{
    struct xtf_result res = { XTF_NOTHING, "" };
    /* Said before the test runs, so a platform that dies in a test can be blamed on it. */
    printk("xtf: start %s\n", t->name);
    console_flush();
    t->run(&res);
    if (res.outcome == XTF_NOTHING)
        xtf_error(&res, "the test reported nothing");
    if (res.outcome == XTF_SUCCESS)
        printk("xtf: %s: SUCCESS\n", t->name);
    else
        printk("xtf: %s: %s: %s\n", t->name, outcome_names[res.outcome], res.why);
    return res.outcome;
}

/* The registered test whose name follows `after` in name order (NULL: the first). */
static const struct xtf_test *next_by_name(const struct xtf_test *after)
{
    const struct xtf_test *best = NULL;
    for (const struct xtf_test *const *t = _xtf_tests_start; t < _xtf_tests_end; t++) {
        if (after && strcmp((*t)->name, after->name) <= 0)
            continue;
        if (!best || strcmp((*t)->name, best->name) < 0)
            best = *t;
    }
    return best;
}

static const struct xtf_test *find(const char *name, size_t len)
{
    for (const struct xtf_test *const *t = _xtf_tests_start; t < _xtf_tests_end; t++)
        if (strlen((*t)->name) == len && !strncmp((*t)->name, name, len))
            return *t;
    return NULL;
}

/* Run a group: every test `test=all` would run whose name starts with the `plen` bytes at
 * `prefix` and, if `after` is given (alen bytes), sorts after it.  Returns how many ran. */
static unsigned run_group(const char *prefix, size_t plen, const char *after, size_t alen,
                          unsigned count[4])
{
    unsigned n = 0;
    for (const struct xtf_test *t = next_by_name(NULL); t; t = next_by_name(t)) {
        if (t->explicit_only || strncmp(t->name, prefix, plen))
            continue;
        if (after) {
            int c = strncmp(t->name, after, alen);
            if (c < 0 || (c == 0 && strlen(t->name) <= alen))
                continue;
        }
        count[run_one(t)]++;
        n++;
    }
    return n;
}

/*
 * names: "all", or a list separated by ',' or '+' of
 *   <name>            one test (explicit-only tests run only this way);
 *   <prefix>*         every test `all` would run whose name starts with prefix, in name
 *                     order (e.g. "ex-*");
 *   <prefix>*><name>  the same, only those after <name>: how a suite resumes a group in a
 *                     fresh boot after the platform died in <name>.
 */
int xtf_run_list(const char *names)
{
    unsigned count[4] = { 0 }, missing = 0;

    printk("xtf: running %s\n", names);
    if (!strcmp(names, "all"))
        run_group("", 0, NULL, 0, count);
    for (const char *p = names; strcmp(names, "all") && *p; ) {
        size_t len = 0;
        while (p[len] && p[len] != ',' && p[len] != '+')
            len++;
        const char *star = NULL;
        for (size_t i = 0; i < len && !star; i++)
            star = p[i] == '*' ? p + i : NULL;
        const struct xtf_test *t = star ? NULL : find(p, len);
        if (star) {
            const char *after = star + 1 < p + len && star[1] == '>' ? star + 2 : NULL;
            size_t alen = after ? (size_t)(p + len - after) : 0;
            run_group(p, (size_t)(star - p), after, alen, count);
        } else if (t) {
            count[run_one(t)]++;
        } else {
            char bad[48];
            size_t n = len < sizeof(bad) - 1 ? len : sizeof(bad) - 1;
            memcpy(bad, p, n);
            bad[n] = '\0';
            printk("xtf: %s: ERROR: no such test\n", bad);
            missing++;
        }
        p += len + (p[len] != '\0');
    }
    printk("xtf: summary: %u success, %u skip, %u error, %u failure\n",
           count[XTF_SUCCESS], count[XTF_SKIP], count[XTF_ERROR] + missing, count[XTF_FAILURE]);
    return (int)(count[XTF_ERROR] + count[XTF_FAILURE] + missing);
}
