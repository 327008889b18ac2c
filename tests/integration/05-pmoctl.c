/*  05-pmoctl: the operator CLI against a real pmod: every noun created,
 *  listed and shown with values checked through --json; updates to status,
 *  baseline and budget; refusals with one line on stderr and exit 1; and
 *  no hang when pmod is down (exit 2 within the timeout). */
#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"

#define CTL PMOCTL_BIN

/*  Expects exit 0; returns stdout's first line for a quick look. */
static void
s_ok (run_t r, const char *want_in_out)
{
    CHECK_EQ_I64 (r.status, 0);
    if (r.status != 0)
        fprintf (stderr, "stderr: %s\n", r.err);
    if (want_in_out) {
        CHECK (r.out && strstr (r.out, want_in_out) != NULL);
        if (!r.out || !strstr (r.out, want_in_out))
            fprintf (stderr, "stdout: %s (wanted \"%s\")\n", r.out, want_in_out);
    }
    run_free (&r);
}

/*  Expects a refusal: exit `status`, exactly one line on stderr equal to want. */
static void
s_refused (run_t r, int status, const char *want)
{
    CHECK_EQ_I64 (r.status, status);
    CHECK_STR (r.err, want);
    CHECK (r.out && r.out[0] == '\0');
    run_free (&r);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "pmoctl") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    s_ok (RUN (CTL, "portfolio", "add", "CORP", "--name", "Corporate"), "portfolio CORP created (seq 1)");
    s_ok (RUN (CTL, "programme", "add", "SPACE", "--portfolio", "CORP", "--name", "Space"), "(seq 2)");
    s_ok (RUN (CTL, "team", "add", "T-APOLLO", "--name", "Apollo team"), "(seq 3)");
    s_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana Lima", "--team", "T-APOLLO", "--role", "engineer",
               "--rate", "85.50 EUR", "--capacity", "37.5"), "(seq 4)");
    s_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon landing", "--programme", "SPACE", "--team",
               "T-APOLLO", "--manager", "ana", "--start", "2026-01-01", "--finish", "2026-12-31", "--budget",
               "120000.00 EUR"), "(seq 5)");
    s_ok (RUN (CTL, "milestone", "add", "APOLLO", "Design approved", "--due", "2026-03-01", "--weight", "2"),
          "(seq 6)");
    s_ok (RUN (CTL, "milestone", "add", "APOLLO", "Launch", "--due", "2026-12-01"), "(seq 7)");

    /*  Lists, with values. */
    json_object *j = RUN_JSON (CTL, "person", "list", "--json");
    CHECK_STR (json_str (j, "people.0.id"), "ana");
    CHECK_EQ_I64 (json_int (j, "people.0.rate_minor"), 8550);
    CHECK_EQ_I64 (json_int (j, "people.0.capacity_minutes"), 2250);
    json_object_put (j);
    j = RUN_JSON (CTL, "programme", "list", "--json");
    CHECK_STR (json_str (j, "programmes.0.portfolio"), "CORP");
    json_object_put (j);
    j = RUN_JSON (CTL, "milestone", "list", "APOLLO", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "milestones")), 2);
    json_object_put (j);

    /*  Status, baseline and budget changes. */
    s_ok (RUN (CTL, "project", "set", "APOLLO", "--status", "approved"), "updated");
    s_ok (RUN (CTL, "project", "set", "APOLLO", "--status", "active", "--finish", "2027-03-31", "--budget",
               "150000.00 EUR"), "updated");
    s_ok (RUN (CTL, "milestone", "set", "APOLLO", "Launch", "--forecast", "2027-02-15"), "updated");
    s_ok (RUN (CTL, "milestone", "reach", "APOLLO", "Design approved", "--date", "2026-03-04"), "reached");
    j = RUN_JSON (CTL, "project", "show", "APOLLO", "--json");
    CHECK_STR (json_str (j, "project.status"), "active");
    CHECK_STR (json_str (j, "project.finish"), "2027-03-31");
    CHECK_EQ_I64 (json_int (j, "project.bac_minor"), 15000000);
    CHECK_STR (json_str (j, "project.programme"), "SPACE");
    CHECK_STR (json_str (j, "milestones.0.name"), "Design approved");
    CHECK_STR (json_str (j, "milestones.0.actual"), "2026-03-04");
    CHECK_STR (json_str (j, "milestones.1.forecast"), "2027-02-15");
    CHECK_STR (json_str (j, "recent.0.topic"), "project.created");
    json_object_put (j);

    /*  The audit trail: every change, in order, gap-free. */
    j = RUN_JSON (CTL, "log", "--json");
    json_object *events = json_get (j, "events");
    /*  Approving APOLLO (seq 8) made pmod check it: its baseline milestone
     *  had passed unreached, Launch was due within 14 days while nothing was
     *  earned, and health went red.  Each alert once, in the same commit. */
    CHECK_EQ_I64 (json_object_array_length (events), 14);
    for (size_t i = 0; events && i < json_object_array_length (events); i++)
        CHECK_EQ_I64 (json_int (json_object_array_get_idx (events, i), "seq"), (long long) i + 1);
    CHECK_STR (json_str (j, "events.7.topic"), "project.updated");
    CHECK_STR (json_str (j, "events.8.topic"), "milestone.missed");
    CHECK_STR (json_str (j, "events.8.alert.milestone"), "Design approved");
    CHECK_STR (json_str (j, "events.9.topic"), "milestone.at_risk");
    CHECK_STR (json_str (j, "events.9.alert.milestone"), "Launch");
    CHECK_STR (json_str (j, "events.10.topic"), "health.changed");
    CHECK_STR (json_str (j, "events.10.health.rag"), "red");
    CHECK_STR (json_str (j, "events.10.actor"), "pmod");
    CHECK_STR (json_str (j, "events.13.topic"), "milestone.reached");
    CHECK_EQ_I64 (json_int (j, "last_seq"), 14);
    json_object_put (j);
    j = RUN_JSON (CTL, "log", "--since", "8", "--project", "APOLLO", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "events")), 6);
    CHECK_EQ_I64 (json_int (j, "events.0.seq"), 9);
    json_object_put (j);

    /*  Refusals: one line on stderr, exit 1, nothing changed. */
    s_refused (RUN (CTL, "project", "show", "NOPE"), 1, "pmoctl: project NOPE: not found\n");
    s_refused (RUN (CTL, "project", "set", "APOLLO", "--status", "proposed"), 1,
               "pmoctl: status: project APOLLO cannot go from active to proposed\n");
    s_refused (RUN (CTL, "team", "add", "T-APOLLO", "--name", "again"), 1, "pmoctl: team T-APOLLO already exists\n");
    s_refused (RUN (CTL, "project", "add", "X", "--name", "x", "--start", "2026-02-30", "--finish", "2026-12-31",
                    "--budget", "1.00 EUR"),
               1, "pmoctl: --start: '2026-02-30' is not a date (YYYY-MM-DD)\n");
    s_refused (RUN (CTL, "person", "add", "bob", "--name", "Bob", "--team", "NOPE", "--rate", "10.00 EUR"), 1,
               "pmoctl: team NOPE: not found\n");
    {
        run_t r = RUN (CTL, "frobnicate");
        CHECK_EQ_I64 (r.status, 1);
        CHECK (r.err && strchr (r.err, '\n') == r.err + strlen (r.err) - 1);
        run_free (&r);
    }
    j = RUN_JSON (CTL, "ping", "--json");
    CHECK_EQ_I64 (json_int (j, "last_seq"), 14);
    json_object_put (j);

    /*  --help on the program and on a command. */
    s_ok (RUN (CTL, "--help"), "project show");
    s_ok (RUN (CTL, "project", "add", "--help"), "--budget");

    /*  pmod down: a clear message, exit 2, within about the timeout. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    int64_t t0 = pmo_clock_mono_ms ();
    run_t r = RUN (CTL, "--timeout", "700", "status");
    int64_t took = pmo_clock_mono_ms () - t0;
    CHECK_EQ_I64 (r.status, 2);
    CHECK (r.err && strstr (r.err, "no answer from pmod") != NULL);
    CHECK (took >= 650 && took < 5000);
    run_free (&r);

    /*  Restart: everything is still there. */
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    j = RUN_JSON (CTL, "status", "--json");
    CHECK_STR (json_str (j, "rows.0.project.code"), "APOLLO");
    CHECK_STR (json_str (j, "rows.0.next_milestone.name"), "Launch");
    CHECK_EQ_I64 (json_int (j, "rows.0.project.bac_minor"), 15000000);
    json_object_put (j);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
