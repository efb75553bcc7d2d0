/*
 * The mm unit-test program: every group runs, and the exit status is non-zero if any test
 * failed.  With CMOCKA_MESSAGE_OUTPUT=TAP each test is one TAP line.
 */
int run_frame_tests(void);
int run_ops_tests(void);

int main(void)
{
    int failed = 0;

    failed += run_frame_tests();
    failed += run_ops_tests();
    return failed != 0;
}
