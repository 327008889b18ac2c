/*  23-overload: eight agents flood pmod with 24,000 updates while an
 *  operator queries.  The bounds this test holds pmod and the agents to
 *  (documented in the README):
 *    - every status query is answered within 1 s while the flood runs
 *      (pmod answers reads after each batch of at most 4096 writes);
 *    - no agent grows past 64 MB resident (each has at most `window`
 *      updates in flight; the rest wait on disk in its outbox);
 *    - nothing is lost or counted twice. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "fault_util.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

#define N_AGENTS 8
#define N_PER_AGENT (3000 / LOAD_SCALE)

static long
s_rss_kb (pid_t pid)
{
    char path[64], line[256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *f = fopen (path, "r");
    long kb = 0;
    while (f && fgets (line, sizeof line, f))
        if (strncmp (line, "VmRSS:", 6) == 0)
            kb = strtol (line + 6, NULL, 10);
    if (f)
        fclose (f);
    return kb;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "overload") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (fault_setup ("LOAD") == 0);

    expect_t x = {0};
    pid_t agents[N_AGENTS];
    for (int a = 0; a < N_AGENTS; a++) {
        char spool[400], state[400], id[16], log[420];
        snprintf (spool, sizeof spool, "%s/spool%d", e.dir, a);
        snprintf (state, sizeof state, "%s/state%d", e.dir, a);
        snprintf (id, sizeof id, "flood%d", a);
        snprintf (log, sizeof log, "%s/agent%d.log", e.dir, a);
        fault_spool (spool, "LOAD", a, N_PER_AGENT, &x);
        const char *argv[] = {PMO_AGENT_BIN, "--agent", id, "--state", state, "--timeout", "60000", "run",
                              "--once", "--spool", spool, "--window", "64", NULL};
        agents[a] = proc_spawn (argv, log);
    }

    pmo_client_t *c = NULL;
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    int64_t worst = 0, queries = 0;
    long worst_rss = 0;
    int running = N_AGENTS;
    int64_t deadline = pmo_clock_mono_ms () + 120000;
    while (running > 0 && pmo_clock_mono_ms () < deadline) {
        Pmo__Request req = PMO__REQUEST__INIT;
        Pmo__StatusQuery q = PMO__STATUS_QUERY__INIT;
        req.body_case = PMO__REQUEST__BODY_STATUS;
        req.status = &q;
        Pmo__Reply *reply = NULL;
        int64_t t0 = pmo_clock_mono_ms ();
        int rc = pmo_client_call (c, &req, 5000, &reply);
        int64_t took = pmo_clock_mono_ms () - t0;
        CHECK_RC (rc, PMO_OK);
        CHECK (reply && reply->status == PMO__STATUS__STATUS_OK);
        pmo_wire_free (reply);
        worst = took > worst ? took : worst;
        queries++;
        running = 0;
        for (int a = 0; a < N_AGENTS; a++) {
            long rss = s_rss_kb (agents[a]);
            worst_rss = rss > worst_rss ? rss : worst_rss;
            if (rss > 0)
                running++;
        }
    }
    pmo_client_close (&c);
    for (int a = 0; a < N_AGENTS; a++)
        CHECK_EQ_I64 (proc_wait (agents[a], 60000), 0);
    fprintf (stderr, "%lld status queries during the flood, slowest %lld ms; largest agent RSS %ld kB\n",
             (long long) queries, (long long) worst, worst_rss);
    CHECK (queries >= 5 / LOAD_SCALE);
    CHECK (worst < 1000 * LOAD_SCALE);
    CHECK (worst_rss < 64 * 1024);

    long long minutes, money, entries;
    REQUIRE (fault_totals ("LOAD", &minutes, &money, &entries) == 0);
    CHECK_EQ_I64 (entries, x.records);
    CHECK_EQ_I64 (minutes, x.minutes);
    CHECK_EQ_I64 (money, x.cost_minor);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
