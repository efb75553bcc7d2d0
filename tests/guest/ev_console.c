/*
 * Hypotheses (console input: CONSOLEIO_read and VIRQ_CONSOLE):
 *
 * ev-console-read-empty: with no input on the serial line, CONSOLEIO_read returns 0 and
 *   writes nothing; an unwritable buffer is still 0 (nothing to copy).
 *
 * ev-console-input (run alone, with EV_CONSOLE_INPUT fed on the serial line once the test
 *   says it is ready: tests/suites/46-guest-events.sh): the bytes typed on the serial line
 *   raise VIRQ_CONSOLE (bound beforehand) and CONSOLEIO_read returns them, in order, then
 *   0 once they are all read.
 */
#include "ev.h"
#include "kernel/console.h"

/* What the suite types, and the line that tells it the test is ready for it. */
#define EV_CONSOLE_INPUT "pvx-console-input-1234"
#define EV_CONSOLE_READY "ready for console input"

static long console_read(char *buf, unsigned count)
{
    return HYPERVISOR_console_io(CONSOLEIO_read, count, buf);
}

XTF_TEST(test_ev_console_read_empty, "ev-console-read-empty",
         "CONSOLEIO_read with no input returns 0 and writes nothing")
{
    char buf[16];

    if (!ev_begin(res, NEED_SHINFO))
        return;
    memset(buf, 'x', sizeof(buf));
    xtf_expect_rc(res, "CONSOLEIO_read", console_read(buf, sizeof(buf)), 0);
    xtf_expect(res, buf[0] == 'x' && buf[15] == 'x', "CONSOLEIO_read wrote to the buffer");
    xtf_expect_rc(res, "CONSOLEIO_read into an unwritable buffer",
                  console_read((char *)TEST_SLOT_VA, 16), 0);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST_EXPLICIT(test_ev_console_input, "ev-console-input",
                  "serial input raises VIRQ_CONSOLE and CONSOLEIO_read returns it")
{
    evtchn_port_t c;
    char buf[64];
    unsigned got = 0;
    const unsigned want = sizeof(EV_CONSOLE_INPUT) - 1;

    if (!ev_begin(res, NEED_TRAPS) ||
        !xtf_expect_rc(res, "bind VIRQ_CONSOLE", ev_bind_virq(VIRQ_CONSOLE, 0, &c), 0))
        goto out;
    ev_note("ev-console-input", EV_CONSOLE_READY);
    console_flush();
    uint64_t before = pvx_events;
    if (!ev_wait_upcall(before, 30000 * EV_MS)) {
        xtf_failure(res, "no VIRQ_CONSOLE within 30 s (was '%s' fed on the serial line?)",
                    EV_CONSOLE_INPUT);
        goto out;
    }
    xtf_expect(res, ev_pending(c), "the upcall came, but VIRQ_CONSOLE's port is not pending");
    for (unsigned tries = 0; got < want && tries < 1000; tries++) {
        long n = console_read(buf + got, sizeof(buf) - 1 - got);
        if (n < 0) {
            xtf_failure(res, "CONSOLEIO_read: %ld", n);
            goto out;
        }
        got += (unsigned)n;
        if (!n)
            ev_spin(EV_MS);
    }
    buf[got] = '\0';
    ev_note("ev-console-input", "read %u bytes: '%s'", got, buf);
    xtf_expect(res, got >= want && !memcmp(buf, EV_CONSOLE_INPUT, want),
               "CONSOLEIO_read did not return the bytes typed");
    xtf_expect_rc(res, "CONSOLEIO_read once all is read", console_read(buf, sizeof(buf)), 0);
out:
    ev_end(res);
    xtf_success(res);
}
