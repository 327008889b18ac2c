/*  21-kill-agent: kill -9 an agent in the middle of sending a spool of
 *  8,000 updates, restart it on the same outbox, and the totals are exact:
 *  what it had taken from the spool was on disk before it was sent, what
 *  pmod had applied is recognised when resent, and no file is read twice. */
#include <signal.h>
#include <stdio.h>

#include "fault_util.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "kill-agent") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (fault_setup ("LOAD") == 0);
    uint64_t base_seq = fault_last_seq (e.endpoint);

    expect_t x = {0};
    char spool[400], state[400], log[420];
    snprintf (spool, sizeof spool, "%s/spool", e.dir);
    snprintf (state, sizeof state, "%s/state", e.dir);
    snprintf (log, sizeof log, "%s/agent.log", e.dir);
    fault_spool (spool, "LOAD", 0, 4000 / LOAD_SCALE, &x);
    fault_spool (spool, "LOAD", 1, 4000 / LOAD_SCALE, &x);
    const char *argv[] = {PMO_AGENT_BIN, "--agent", "solo", "--state", state, "--timeout", "30000", "run", "--once",
                          "--spool", spool, "--window", "16", NULL};
    pid_t agent = proc_spawn (argv, log);

    int64_t deadline = pmo_clock_mono_ms () + 60000;
    uint64_t seq = 0;
    while (pmo_clock_mono_ms () < deadline) {
        seq = fault_last_seq (e.endpoint);
        if (seq >= base_seq + 2000 / LOAD_SCALE)
            break;
    }
    kill (agent, SIGKILL);
    CHECK_EQ_I64 (proc_wait (agent, 10000), 128 + SIGKILL);
    uint64_t at_kill = fault_last_seq (e.endpoint);
    fprintf (stderr, "agent killed with pmod at seq %llu of %llu\n", (unsigned long long) (at_kill - base_seq),
             (unsigned long long) x.records);
    CHECK (at_kill - base_seq < (uint64_t) x.records);

    /*  The same agent, the same outbox: it finishes the job. */
    agent = proc_spawn (argv, log);
    CHECK_EQ_I64 (proc_wait (agent, 120000), 0);

    long long minutes, money, entries;
    REQUIRE (fault_totals ("LOAD", &minutes, &money, &entries) == 0);
    CHECK_EQ_I64 (entries, x.records);
    CHECK_EQ_I64 (minutes, x.minutes);
    CHECK_EQ_I64 (money, x.cost_minor);
    CHECK_EQ_I64 (fault_last_seq (e.endpoint) - base_seq, x.records);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
