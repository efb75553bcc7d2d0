/*
 * libFuzzer harness for the trace reader (tools/pvxtrace/read.c) and what reads its
 * result: each input is a whole file as pvxtrace would be given it.  A refused input must
 * say why; an accepted one is summarized, dumped in every format and compared with itself,
 * so every record the reader kept is walked by every output.  ASan sees any byte read
 * outside the input; the checks abort on a broken promise of pvxtrace.h.
 *
 * Trust: the input is a file from anywhere, as untrusted as pvxtrace's command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pvxtrace.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz-pvxtrace: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    struct run r;
    struct summary s;
    char err[512] = "";

    if (null == NULL)
        null = fopen("/dev/null", "w");
    if (run_parse("input", data, size, &r, err, sizeof(err)) != 0) {
        check(err[0] != '\0', "a refusal without a reason");
        run_free(&r);
        return 0;
    }
    check(r.guest.present || r.host.present, "accepted with neither blob");
    check(r.host.present || r.xentrace == NULL, "host bytes without a host blob");
    for (enum format f = FMT_TEXT; f <= FMT_TEF; f++)
        dump_run(null, &r, f);
    if (summarize(&r, &s, err, sizeof(err)) == 0) {
        const struct run *rp[2] = { &r, &r };
        struct summary two[2] = { s, s };
        check(s.nw > 0, "a summary without workloads");
        for (enum format f = FMT_TEXT; f <= FMT_JSON; f++) {
            print_summary(null, &r, &s, f);
            print_compare(null, rp, two, 2, f);
        }
        summary_free(&s);
    } else {
        check(err[0] != '\0', "a summary refused without a reason");
    }
    run_free(&r);
    return 0;
}
