/*
 * The in-guest test runner (tests/guest/): runs the tests named in a comma-separated list,
 * or "all", printing one XTF verdict line per test and a summary line.
 */
#ifndef GUEST_TESTS_H
#define GUEST_TESTS_H

/* Returns the number of tests that ended in ERROR or FAILURE (or were not found). */
int xtf_run_list(const char *names);

#endif
