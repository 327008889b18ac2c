/*  20-kill-pmod: kill -9 pmod in the middle of a stream of 12,000 updates
 *  from four agents, restart it, and every minute and every cent arrives
 *  exactly once: what was acknowledged was committed, what was not is
 *  resent from the agents' outboxes, and resends are recognised.
 *  Whether the kill lands between a commit and its answers is luck, so
 *  before it pmod is stopped (SIGSTOP) until every agent has given up
 *  waiting and resent its window on a fresh connection: once continued,
 *  pmod reads each of those updates twice, and must apply it once. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fault_util.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

#define N_AGENTS 4
#define N_PER_AGENT (3000 / LOAD_SCALE)

/*  True when the log at path tells of a resend (pmo-agent's agent.c). */
static bool
s_resent (const char *path)
{
    char *text = read_file (path);
    bool is_resent = text && strstr (text, "no answer from pmod") != NULL;
    free (text);
    return is_resent;
}

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
    char logs[N_AGENTS][420];
    for (int a = 0; a < N_AGENTS; a++) {
        char spool[400], state[400], id[16], log[420];
        snprintf (spool, sizeof spool, "%s/spool%d", e.dir, a);
        snprintf (state, sizeof state, "%s/state%d", e.dir, a);
        snprintf (id, sizeof id, "agent%d", a);
        snprintf (log, sizeof log, "%s/agent%d.log", e.dir, a);
        snprintf (logs[a], sizeof logs[a], "%s", log);
        fault_spool (spool, "LOAD", a, N_PER_AGENT, &x);
        /*  A long timeout: the agents must wait out pmod's death and return. */
        const char *argv[] = {PMO_AGENT_BIN, "--agent", id, "--state", state, "--timeout", "60000", "run",
                              "--once", "--spool", spool, "--resend", "300", NULL};
        agents[a] = proc_spawn (argv, log);
    }

    /*  Stall pmod when a part of the stream is in, until every agent has
     *  resent: the updates in flight then reach pmod twice. */
    int64_t deadline = pmo_clock_mono_ms () + 60000;
    uint64_t seq = 0;
    while (pmo_clock_mono_ms () < deadline) {
        seq = fault_last_seq (e.endpoint);
        if (seq >= base_seq + 1000 / LOAD_SCALE)
            break;
    }
    REQUIRE (kill (e.pmod, SIGSTOP) == 0);
    int n_resent = 0;
    while (n_resent < N_AGENTS && pmo_clock_mono_ms () < deadline) {
        n_resent = 0;
        for (int a = 0; a < N_AGENTS; a++)
            n_resent += s_resent (logs[a]);
        struct timespec ts = {0, 20 * 1000 * 1000};  /* a poll of the logs, not a settle-sleep */
        nanosleep (&ts, NULL);
    }
    REQUIRE (kill (e.pmod, SIGCONT) == 0);
    CHECK_EQ_I64 (n_resent, N_AGENTS);

    /*  Kill pmod when a good part, but not all, of the stream is in. */
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
