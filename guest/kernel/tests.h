/*
 * The in-guest test runner (tests/guest/): runs the tests named in a list separated by '+'
 * (or ',', which QEMU's -initrd would take as a module separator), or "all", printing one
 * XTF verdict line per test and a summary line.
 */
#ifndef GUEST_TESTS_H
#define GUEST_TESTS_H

/* Returns the number of tests that ended in ERROR or FAILURE (or were not found). */
int xtf_run_list(const char *names);

#endif
