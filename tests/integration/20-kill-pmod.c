/*  20-kill-pmod: kill -9 pmod in the middle of a stream of 12,000 updates
 *  from four agents, restart it, and every minute and every cent arrives
 *  exactly once: what was acknowledged was committed, what was not is
 *  resent from the agents' outboxes, and resends are recognised. */
#include <signal.h>
#include <stdio.h>

#include "fault_util.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

#define N_AGENTS 4
#define N_PER_AGENT (3000 / LOAD_SCALE)

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "kill-pmod") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (fault_setup ("LOAD") == 0);
    uint64_t base_seq = fault_last_seq (e.endpoint);

    expect_t x = {0};
    pid_t agents[N_AGENTS];
    for (int a = 0; a < N_AGENTS; a++) {
        char spool[400], state[400], id[16], log[420];
        snprintf (spool, sizeof spool, "%s/spool%d", e.dir, a);
        snprintf (state, sizeof state, "%s/state%d", e.dir, a);
        snprintf (id, sizeof id, "agent%d", a);
        snprintf (log, sizeof log, "%s/agent%d.log", e.dir, a);
        fault_spool (spool, "LOAD", a, N_PER_AGENT, &x);
        /*  A long timeout: the agents must wait out pmod's death and return. */
        const char *argv[] = {PMO_AGENT_BIN, "--agent", id, "--state", state, "--timeout", "60000", "run",
                              "--once", "--spool", spool, "--resend", "300", NULL};
        agents[a] = proc_spawn (argv, log);
    }

    /*  Kill pmod when a good part, but not all, of the stream is in. */
    int64_t deadline = pmo_clock_mono_ms () + 60000;
    uint64_t seq = 0;
    while (pmo_clock_mono_ms () < deadline) {
        seq = fault_last_seq (e.endpoint);
        if (seq >= base_seq + 3000 / LOAD_SCALE)
            break;
    }
    fprintf (stderr, "killing pmod at seq %llu of about %llu\n", (unsigned long long) seq,
             (unsigned long long) (base_seq + x.records));
    CHECK (seq >= base_seq + 3000 / LOAD_SCALE && seq < base_seq + (uint64_t) x.records);
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGKILL), 128 + SIGKILL);
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    for (int a = 0; a < N_AGENTS; a++)
        CHECK_EQ_I64 (proc_wait (agents[a], 120000), 0);

    long long minutes, money, entries;
    REQUIRE (fault_totals ("LOAD", &minutes, &money, &entries) == 0);
    fprintf (stderr, "records %lld: minutes %lld/%lld money %lld/%lld entries %lld\n", x.records, minutes,
             x.minutes, money, x.cost_minor, entries);
    CHECK_EQ_I64 (entries, x.records);
    CHECK_EQ_I64 (minutes, x.minutes);
    CHECK_EQ_I64 (money, x.cost_minor);
    /*  One event per record, gap-free: no update was applied twice. */
    CHECK_EQ_I64 (fault_last_seq (e.endpoint) - base_seq, x.records);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
