/*  11-reports: time, cost, slip and resource reports from a real pmod, in
 *  all three formats (table, --json, --csv), with hand-computed values.
 *
 *  Bookings (ana in team T1 at 60.00 EUR/h, capacity 10 h a week; bob in
 *  T2 at 30.00 EUR/h, capacity 40 h):
 *    2026-10-05 (Mon) ana APOLLO design 8 h, ana APOLLO review 4 h
 *    2026-10-06 (Tue) bob APOLLO design 2 h, bob GEMINI build 6 h
 *    2026-11-02 (Mon) ana GEMINI build 1 h
 *  Time 10-05..10-06 by person: ana 720 min, bob 480 min; by activity:
 *    build 360, design 600, review 240; by team: T1 720, T2 480.
 *  Resources: ana week of 10-05: 720 min > 600 capacity: overallocated.
 *  Cost by month: 2026-10 labour 720 (ana) + 240 (bob) = 960.00 EUR, plus
 *    material 50.00; 2026-11 labour 60.00 + travel 12.34. */
#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_client.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static void
s_time (const char *who, const char *project, const char *date, const char *minutes, const char *activity)
{
    run_ok (RUN (AGENT, "--agent", "rep", "time", "--person", who, "--project", project, "--date", date, "--minutes",
               minutes, "--activity", activity));
}

/*  The value column `col` of the report row whose first key is k0 (and
 *  second key k1 when not NULL). */
static long long
s_value (json_object *rep, const char *k0, const char *k1, int col)
{
    json_object *rows = json_get (rep, "rows");
    for (size_t i = 0; rows && i < json_object_array_length (rows); i++) {
        json_object *row = json_object_array_get_idx (rows, i);
        if (!streq (json_str (row, "keys.0"), k0) || (k1 && !streq (json_str (row, "keys.1"), k1)))
            continue;
        char path[32];
        snprintf (path, sizeof path, "values.%d", col);
        return json_int (row, path);
    }
    return -1;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "reports") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "team", "add", "T1", "--name", "One"));
    run_ok (RUN (CTL, "team", "add", "T2", "--name", "Two"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "60.00 EUR", "--capacity", "10"));
    run_ok (RUN (CTL, "person", "add", "bob", "--name", "Bob", "--team", "T2", "--rate", "30.00 EUR", "--capacity", "40"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "A", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "100000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "GEMINI", "--name", "G", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "100000.00 EUR"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Alpha", "--due", "2026-10-01"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Beta", "--due", "2026-11-01", "--forecast", "2026-11-08"));
    run_ok (RUN (CTL, "milestone", "reach", "APOLLO", "Alpha", "--date", "2026-10-04"));
    s_time ("ana", "APOLLO", "2026-10-05", "480", "design");
    s_time ("ana", "APOLLO", "2026-10-05", "240", "review");
    s_time ("bob", "APOLLO", "2026-10-06", "120", "design");
    s_time ("bob", "GEMINI", "2026-10-06", "360", "build");
    s_time ("ana", "GEMINI", "2026-11-02", "60", "build");
    run_ok (RUN (AGENT, "--agent", "rep", "cost", "--project", "APOLLO", "--amount", "50.00 EUR", "--category",
               "material", "--date", "2026-10-20"));
    run_ok (RUN (AGENT, "--agent", "rep", "cost", "--project", "GEMINI", "--amount", "12.34 EUR", "--category",
               "travel", "--date", "2026-11-03"));

    /*  Time, grouped four ways. */
    json_object *j = RUN_JSON (CTL, "report", "time", "--from", "2026-10-05", "--to", "2026-10-06", "--by",
                               "person", "--json");
    CHECK_STR (json_str (j, "key_names.0"), "person");
    CHECK_STR (json_str (j, "value_names.0"), "minutes");
    CHECK_EQ_I64 (s_value (j, "ana", NULL, 0), 720);
    CHECK_EQ_I64 (s_value (j, "bob", NULL, 0), 480);
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "rows")), 2);
    json_object_put (j);
    j = RUN_JSON (CTL, "report", "time", "--from", "2026-10-05", "--to", "2026-10-06", "--by", "activity", "--json");
    CHECK_EQ_I64 (s_value (j, "build", NULL, 0), 360);
    CHECK_EQ_I64 (s_value (j, "design", NULL, 0), 600);
    CHECK_EQ_I64 (s_value (j, "review", NULL, 0), 240);
    json_object_put (j);
    j = RUN_JSON (CTL, "report", "time", "--from", "2026-10-05", "--to", "2026-10-06", "--by", "team", "--json");
    CHECK_EQ_I64 (s_value (j, "T1", NULL, 0), 720);
    CHECK_EQ_I64 (s_value (j, "T2", NULL, 0), 480);
    json_object_put (j);
    j = RUN_JSON (CTL, "report", "time", "--from", "2026-10-01", "--to", "2026-11-30", "--by", "project", "--json");
    CHECK_EQ_I64 (s_value (j, "APOLLO", NULL, 0), 840);
    CHECK_EQ_I64 (s_value (j, "GEMINI", NULL, 0), 420);
    json_object_put (j);
    run_t r = RUN (CTL, "report", "time", "--from", "2026-10-05", "--to", "2026-10-06", "--by", "person", "--csv");
    CHECK_STR (r.out, "person,minutes,flags\nana,720,\nbob,480,\n");
    run_free (&r);
    r = RUN (CTL, "report", "time", "--from", "2026-10-05", "--to", "2026-10-06", "--by", "person");
    CHECK (r.out && strstr (r.out, "12.00") && strstr (r.out, "8.00"));  /* hours */
    run_free (&r);

    /*  Cost by month and category. */
    j = RUN_JSON (CTL, "report", "cost", "--json");
    CHECK_STR (json_str (j, "value_names.0"), "labour_minor");
    CHECK_EQ_I64 (s_value (j, "2026-10", "EUR", 0), 96000);   /* labour */
    CHECK_EQ_I64 (s_value (j, "2026-10", "EUR", 1), 5000);    /* material */
    CHECK_EQ_I64 (s_value (j, "2026-10", "EUR", 5), 101000);  /* total */
    CHECK_EQ_I64 (s_value (j, "2026-11", "EUR", 0), 6000);
    CHECK_EQ_I64 (s_value (j, "2026-11", "EUR", 2), 1234);    /* travel */
    CHECK_EQ_I64 (s_value (j, "2026-11", "EUR", 5), 7234);
    json_object_put (j);
    r = RUN (CTL, "report", "cost", "--csv");
    CHECK (r.out && strstr (r.out, "month,currency,labour_minor,material_minor,travel_minor,contractor_minor,"
                                   "other_minor,total_minor,flags\n") == r.out);
    CHECK (r.out && strstr (r.out, "2026-10,EUR,96000,5000,0,0,0,101000,\n"));
    run_free (&r);
    r = RUN (CTL, "report", "cost");
    CHECK (r.out && strstr (r.out, "1010.00"));
    run_free (&r);

    /*  Slip: Alpha 3 days late, Beta forecast 7 days late and missed. */
    j = RUN_JSON (CTL, "report", "slip", "--json");
    CHECK_EQ_I64 (s_value (j, "APOLLO", "Alpha", 0), 3);
    CHECK_EQ_I64 (s_value (j, "APOLLO", "Beta", 0), 7);
    CHECK_STR (json_str (j, "rows.1.flags.0"), "missed");
    CHECK (json_get (j, "rows.0.flags") == NULL);
    json_object_put (j);
    r = RUN (CTL, "report", "slip", "--csv");
    CHECK (r.out && strstr (r.out, "APOLLO,Beta,2026-11-01,2026-11-08,-,7,missed\n"));
    run_free (&r);

    /*  Resources: ana over capacity in the week of 10-05, flagged once. */
    j = RUN_JSON (CTL, "report", "resources", "--from", "2026-10-01", "--to", "2026-11-30", "--json");
    CHECK_EQ_I64 (s_value (j, "ana", "2026-10-05", 0), 720);
    CHECK_EQ_I64 (s_value (j, "ana", "2026-10-05", 1), 600);
    CHECK_EQ_I64 (s_value (j, "ana", "2026-11-02", 0), 60);
    CHECK_EQ_I64 (s_value (j, "bob", "2026-10-05", 0), 480);
    CHECK_STR (json_str (j, "rows.0.flags.0"), "overallocated");
    CHECK (json_get (j, "rows.1.flags") == NULL);
    json_object_put (j);
    r = RUN (CTL, "report", "resources", "--from", "2026-10-01", "--to", "2026-11-30");
    CHECK (r.out && strstr (r.out, "overallocated"));
    run_free (&r);

    /*  Bad input: refused with a reason. */
    r = RUN (CTL, "report", "time", "--from", "2026-10-06", "--to", "2026-10-05");
    CHECK_EQ_I64 (r.status, 1);
    run_free (&r);
    r = RUN (CTL, "report", "slip", "--project", "NOPE");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: project NOPE: not found\n");
    run_free (&r);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
