/*  22-outbox-full: the agent's outbox fills while pmod is down.  Each
 *  accepted update says it is kept (exit 2); the first that does not fit
 *  gets a clear error (exit 1) and is not recorded; when pmod returns,
 *  every accepted update arrives, exactly once. */
#include <signal.h>
#include <stdio.h>

#include "fault_util.h"
#include "harness.h"

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "outbox-full") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (fault_setup ("LOAD") == 0);
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);

    char state[400], note[901];
    snprintf (state, sizeof state, "%s/state", e.dir);
    memset (note, 'x', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    int accepted = 0;
    run_t r = {0};
    for (int i = 0; i < 5000; i++) {
        r = RUN (PMO_AGENT_BIN, "--agent", "full", "--state", state, "--outbox-mb", "1", "--timeout", "5", "cost",
                 "--project", "LOAD", "--amount", "1.00 EUR", "--date", "2026-11-20", "--note", note);
        if (r.status != 2)
            break;
        accepted++;
        run_free (&r);
    }
    fprintf (stderr, "outbox full after %d updates: %s", accepted, r.err);
    CHECK (accepted > 100);
    CHECK_EQ_I64 (r.status, 1);
    CHECK (r.err && strstr (r.err, "is full; update not recorded") != NULL);
    run_free (&r);

    REQUIRE (tenv_pmod_start (&e, now) == 0);
    r = RUN (PMO_AGENT_BIN, "--agent", "full", "--state", state, "--outbox-mb", "1", "run", "--once");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    long long minutes, money, entries;
    REQUIRE (fault_totals ("LOAD", &minutes, &money, &entries) == 0);
    CHECK_EQ_I64 (entries, accepted);
    CHECK_EQ_I64 (money, accepted * 100LL);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
