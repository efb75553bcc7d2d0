/*
 * In-guest tests in XTF form.  Each test is a function in its own file with a header
 * comment stating the hypothesis; it ends in exactly one of XTF's four outcomes:
 *   SUCCESS  the hypothesis held;
 *   SKIP     this configuration cannot run it (say why);
 *   ERROR    the test or its environment broke (say why) -- not a verdict on the platform;
 *   FAILURE  the platform under test behaved wrongly (say why).
 * A test starts with nothing reported and must say how it ended: xtf_success() when the
 * hypothesis held (call it last; an earlier skip, error or failure wins over it), or one of
 * the others with a reason.  A test that reports nothing is an ERROR, as in XTF.
 * The runner prints one line per test: "xtf: <name>: <OUTCOME>[: why]".
 */
#ifndef XTF_H
#define XTF_H

#include "guestlib/lib.h"

enum xtf_outcome { XTF_SUCCESS, XTF_SKIP, XTF_ERROR, XTF_FAILURE, XTF_NOTHING };

struct xtf_result {
    enum xtf_outcome outcome;
    char why[160];
};

struct xtf_test {
    const char *name;
    const char *hypothesis;
    void (*run)(struct xtf_result *res);
    bool explicit_only;      /* left out of test=all: runs only when named */
};

/* Register a test: XTF_TEST(mm_pin_l1, "mm-pin-l1", "a zeroed read-only frame pins as L1") */
#define XTF_TEST(fn, name_, hyp)                                                     \
    static void fn(struct xtf_result *res);                                          \
    static const struct xtf_test fn##_desc = { name_, hyp, fn, false };              \
    static const struct xtf_test *const fn##_ptr                                     \
        __attribute__((used, section(".xtf_tests"))) = &fn##_desc;                   \
    static void fn(struct xtf_result *res)

/* The same for a test that `test=all` leaves out (slow, or needing arguments): it runs only
 * when named. */
#define XTF_TEST_EXPLICIT(fn, name_, hyp)                                            \
    static void fn(struct xtf_result *res);                                          \
    static const struct xtf_test fn##_desc = { name_, hyp, fn, true };               \
    static const struct xtf_test *const fn##_ptr                                     \
        __attribute__((used, section(".xtf_tests"))) = &fn##_desc;                   \
    static void fn(struct xtf_result *res)

/* Record an outcome and its reason: the first skip, error or failure wins; success counts
 * only while nothing else was reported. */
void xtf_set(struct xtf_result *res, enum xtf_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define xtf_success(res)      xtf_set(res, XTF_SUCCESS, "%s", "")
#define xtf_skip(res, ...)    xtf_set(res, XTF_SKIP, __VA_ARGS__)
#define xtf_error(res, ...)   xtf_set(res, XTF_ERROR, __VA_ARGS__)
#define xtf_failure(res, ...) xtf_set(res, XTF_FAILURE, __VA_ARGS__)

/* Check a hypercall result: FAILURE "what: expected E got R" unless rc == expected. */
bool xtf_expect_rc(struct xtf_result *res, const char *what, long rc, long expected);

/* Check a condition about an effect: FAILURE "what" unless ok. */
bool xtf_expect(struct xtf_result *res, bool ok, const char *what);

#endif
