/*
 * Hypotheses (time as the hypervisor publishes it in shared_info):
 *
 * ev-pvclock-fields: vcpu_info[0].time is stable: version even, system_time non-zero,
 *   tsc_timestamp not ahead of the TSC, tsc_to_system_mul non-zero and tsc_shift within
 *   -31..31, so that system time = system_time + ((TSC - tsc_timestamp) << tsc_shift) *
 *   tsc_to_system_mul >> 32 (the note line gives the values and the flags).
 *
 * ev-pvclock-monotonic: system time computed that way never goes backwards over 100,000
 *   reads, and advances.
 *
 * ev-pvclock-tsc: when the hypervisor publishes new time info (version changes), the new
 *   system_time agrees with the old info's extrapolation to the new tsc_timestamp within
 *   1 ms: system time follows the TSC across updates.
 *
 * ev-wallclock: the wall clock in shared_info is stable (wc_version even) and, added to
 *   system time, gives a date after 2020 and before 2100; where the platform lets the
 *   kernel read the CMOS RTC (PHYSDEVOP_set_iopl, ports 0x70/0x71: Xen emulates them for
 *   dom0), it agrees with the RTC within 2 seconds.
 */
#include "ev.h"
#include "arch/x86/io.h"

#define Y2020 1577836800ULL          /* 2020-01-01T00:00:00Z */
#define Y2100 4102444800ULL          /* 2100-01-01T00:00:00Z */
#define NS    1000000000ULL

struct tinfo {
    uint32_t version;
    uint64_t tsc_timestamp, system_time;
    uint32_t mul;
    int8_t shift;
    uint8_t flags;
};

static void tinfo_read(struct tinfo *t)
{
    volatile struct vcpu_time_info *ti = &vcpu0()->time;
    do {
        t->version = ti->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        t->tsc_timestamp = ti->tsc_timestamp;
        t->system_time = ti->system_time;
        t->mul = ti->tsc_to_system_mul;
        t->shift = ti->tsc_shift;
        t->flags = ti->flags;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((t->version & 1) || t->version != ti->version);
}

static uint64_t extrapolate(const struct tinfo *t, uint64_t tsc)
{
    uint64_t d = tsc - t->tsc_timestamp;
    d = t->shift < 0 ? d >> -t->shift : d << t->shift;
    return t->system_time + (uint64_t)(((unsigned __int128)d * t->mul) >> 32);
}

XTF_TEST(test_ev_pvclock_fields, "ev-pvclock-fields",
         "vcpu_time_info: version even, tsc_timestamp not ahead of the TSC, a usable scale")
{
    struct tinfo t;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    volatile struct vcpu_time_info *ti = &vcpu0()->time;
    ex_eq(res, "version (even when stable)", ti->version & 1, 0);
    tinfo_read(&t);
    uint64_t tsc = ev_rdtsc();
    ev_note("ev-pvclock-fields", "version %u tsc_timestamp %#lx system_time %lu mul %#x "
            "shift %d flags %#x (TSC now %#lx)", t.version, t.tsc_timestamp, t.system_time,
            t.mul, t.shift, t.flags, tsc);
    xtf_expect(res, t.system_time != 0, "system_time is 0");
    xtf_expect(res, t.tsc_timestamp <= tsc, "tsc_timestamp is ahead of the TSC");
    xtf_expect(res, t.mul != 0, "tsc_to_system_mul is 0");
    xtf_expect(res, t.shift >= -31 && t.shift <= 31, "tsc_shift out of -31..31");
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_pvclock_monotonic, "ev-pvclock-monotonic",
         "pvclock system time never goes backwards over 100,000 reads")
{
    if (!ev_begin(res, NEED_SHINFO))
        return;
    uint64_t first = ev_now(), last = first;
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t now = ev_now();
        if (now < last) {
            xtf_failure(res, "read %u: %lu after %lu (%lu ns back)", i, now, last, last - now);
            break;
        }
        last = now;
    }
    xtf_expect(res, last > first, "system time did not advance over 100,000 reads");
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_pvclock_tsc, "ev-pvclock-tsc",
         "new time info continues the old one's TSC extrapolation (within 1 ms)")
{
    struct tinfo a, b;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    tinfo_read(&a);
    uint64_t give_up = extrapolate(&a, ev_rdtsc()) + 3 * NS;
    do {
        tinfo_read(&b);
    } while (b.version == a.version && extrapolate(&a, ev_rdtsc()) < give_up);
    if (b.version == a.version) {
        /* Nothing made the hypervisor publish: a hypercall that sleeps does. */
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = ev_now() + 20 * EV_MS };
        evtchn_port_t p;
        ev_bind_virq(VIRQ_TIMER, 0, &p);
        ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        vcpu0()->evtchn_upcall_mask = 1;
        tinfo_read(&b);
    }
    if (b.version == a.version) {
        xtf_failure(res, "the time info never changed (3 s, then a block)");
        goto out;
    }
    uint64_t predicted = extrapolate(&a, b.tsc_timestamp);
    int64_t diff = (int64_t)(b.system_time - predicted);
    ev_note("ev-pvclock-tsc", "version %u -> %u after %lu ms: new system_time - old "
            "extrapolation = %ld ns; mul %#x -> %#x", a.version, b.version,
            (b.system_time - a.system_time) / EV_MS, diff, a.mul, b.mul);
    xtf_expect(res, diff < (int64_t)EV_MS && diff > -(int64_t)EV_MS,
               "the new time info is more than 1 ms off the old one's extrapolation");
out:
    ev_end(res);
    xtf_success(res);
}

/* ---- the wall clock and the CMOS RTC ---- */

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    y -= m <= 2;
    unsigned era = y / 400, yoe = y - era * 400;
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

/* The RTC's time in seconds since 1970 (read until two reads agree, outside an update),
 * or false if that did not happen within 2 s of system time (no RTC behind the ports). */
static bool rtc_seconds(uint64_t *secs)
{
    uint8_t r[6], again[6];
    const uint8_t regs[6] = { 0, 2, 4, 7, 8, 9 };
    uint64_t give_up = ev_now() + 2000 * EV_MS;
    do {
        if (ev_now() > give_up)
            return false;
        if (cmos(0x0a) & 0x80)
            continue;                   /* update in progress */
        for (unsigned i = 0; i < 6; i++)
            r[i] = cmos(regs[i]);
        for (unsigned i = 0; i < 6; i++)
            again[i] = cmos(regs[i]);
    } while (memcmp(r, again, sizeof(r)) || (cmos(0x0a) & 0x80));
    bool binary = cmos(0x0b) & 4;
    unsigned y = 2000 + bcd(r[5], binary);
    uint64_t days = days_from_civil(y, bcd(r[4], binary), bcd(r[3], binary));
    *secs = days * 86400 + bcd(r[2], binary) * 3600 + bcd(r[1], binary) * 60 +
            bcd(r[0], binary);
    return true;
}

XTF_TEST(test_ev_wallclock, "ev-wallclock",
         "shared_info's wall clock: stable, after 2020, and the CMOS RTC's time where readable")
{
    volatile struct shared_info *s;
    uint32_t v, sec, nsec, hi;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    s = pvx_shinfo;
    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        sec = s->wc_sec;
        nsec = s->wc_nsec;
        hi = s->wc_sec_hi;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((v & 1) || v != s->wc_version);
    uint64_t wall = (((uint64_t)hi << 32) | sec) + (nsec + ev_now()) / NS;
    ev_note("ev-wallclock", "wc_version %u wc_sec %u wc_nsec %u wc_sec_hi %u: now %lu s",
            v, sec, nsec, hi, wall);
    xtf_expect(res, wall > Y2020 && wall < Y2100, "the wall clock is not between 2020 and 2100");
    struct physdev_set_iopl io = { .iopl = 1 };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &io);
    if (rc == 0) {
        uint64_t rtc = 0;
        bool read = rtc_seconds(&rtc);
        uint8_t status_a = cmos(0x0a);
        io.iopl = 0;
        HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &io);
        if (!read) {
            xtf_failure(res, "set_iopl(1) succeeded but the CMOS RTC gave no stable time "
                        "in 2 s (register A reads %#x)", status_a);
        } else {
            ev_note("ev-wallclock", "CMOS RTC %lu s", rtc);
            xtf_expect(res, rtc + 2 >= wall && wall + 2 >= rtc,
                       "the wall clock and the CMOS RTC differ by more than 2 s");
        }
    } else {
        ev_note("ev-wallclock", "no port I/O (set_iopl %ld): checked against 2020-2100 only", rc);
    }
    ev_end(res);
    xtf_success(res);
}
