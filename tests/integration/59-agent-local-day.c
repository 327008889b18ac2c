/*  59-agent-local-day: a one-shot's "today" is the agent's local date (TZ),
 *  not UTC's.
 *    - West of UTC (UTC-10, at 05:00 UTC, 19:00 the day before locally): an
 *      update without --date is booked on the local date, the day before
 *      UTC's.
 *    - East of UTC (UTC+14, at 12:00 UTC, 02:00 the next day locally): the
 *      agent's own future check lets the local today pass and still refuses
 *      the day after it (checked against a pmod that is not there, so the
 *      update is kept: what pmod accepts is pmod's rule). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_client.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

/*  Ana's minutes booked on day, from pmod's time report. */
static long long
s_minutes_on (const char *day)
{
    json_object *j = RUN_JSON (CTL, "report", "time", "--from", day, "--to", day, "--by", "person", "--json");
    json_object *rows = json_get (j, "rows");
    long long minutes = 0;
    for (size_t i = 0; rows && i < json_object_array_length (rows); i++) {
        json_object *row = json_object_array_get_idx (rows, i);
        if (streq (json_str (row, "keys.0"), "ana"))
            minutes += json_int (row, "values.0");
    }
    json_object_put (j);
    return minutes;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "agent-local-day") == 0);
    const char *now[] = {"--now", "2026-11-21T05:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Apollo team"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "120000.00 EUR"));

    /*  West: POSIX "XXX+10" is ten hours behind UTC (no tzdata needed). */
    setenv ("TZ", "XXX+10", 1);
    setenv ("PMO_NOW", "2026-11-21T05:00:00Z", 1);
    run_ok (RUN (AGENT, "--agent", "a1", "time", "--person", "ana", "--project", "APOLLO", "--minutes", "30"));
    CHECK_EQ_I64 (s_minutes_on ("2026-11-20"), 30);
    CHECK_EQ_I64 (s_minutes_on ("2026-11-21"), 0);

    /*  East: fourteen hours ahead, local 2026-11-22 02:00. */
    setenv ("TZ", "XXX-14", 1);
    setenv ("PMO_NOW", "2026-11-21T12:00:00Z", 1);
    char nowhere[400], state[400];
    snprintf (nowhere, sizeof nowhere, "ipc://%s/nowhere", e.dir);
    snprintf (state, sizeof state, "%s/state-east", e.dir);
    run_t r = RUN (AGENT, "--agent", "a2", "--state", state, "--endpoint", nowhere, "--timeout", "300", "time",
                   "--person", "ana", "--project", "APOLLO", "--minutes", "15", "--date", "2026-11-22");
    CHECK_EQ_I64 (r.status, 2);  /* accepted and kept: nobody answered */
    if (r.status != 2)
        fprintf (stderr, "stderr: %s\n", r.err ? r.err : "");
    run_free (&r);
    r = RUN (AGENT, "--agent", "a2", "--state", state, "--endpoint", nowhere, "--timeout", "300", "time",
             "--person", "ana", "--project", "APOLLO", "--minutes", "15", "--date", "2026-11-23");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmo-agent: date: 2026-11-23 is in the future (today is 2026-11-22)\n");
    run_free (&r);
    unsetenv ("TZ");
    unsetenv ("PMO_NOW");

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
