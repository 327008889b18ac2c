/*  47-resources: planned allocations through a real pmod and pmoctl, and
 *  resource.overallocated published exactly once per person and week,
 *  whatever happens to the allocations afterwards, across a restart too.
 *
 *  ana: capacity 40 h (2400 min); bob: no capacity (never flagged).
 *  Week 2026-W48:
 *    ana APOLLO 20 h                        1200            -
 *    ana GEMINI 25 h                        2700 > 2400     alert 1
 *    ana GEMINI 30 h (replaced)             3000            (no new alert)
 *    ana GEMINI removed                     1200
 *    ana GEMINI 1500 min                    2700            (no new alert: once per week)
 *  Week 2026-W49: ana APOLLO 45 h           2700            alert 2 (its own week)
 *                 ana APOLLO 46 h           2760            (no new alert)
 *  Week 2026-W50: ana APOLLO 40 h           2400 = capacity, not over
 *  bob APOLLO 100 h in 2026-W48             no capacity: no alert */
#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"
#include "proc.h"

#define CTL PMOCTL_BIN

static pmo_client_t *c;

static int
s_alloc (const char *person, const char *project, const char *week, int minutes, bool remove, char *reason)
{
    Pmo__Allocation a = PMO__ALLOCATION__INIT;
    a.person = (char *) person;
    a.project = (char *) project;
    a.week = (char *) week;
    a.has_minutes = !remove;
    a.minutes = minutes;
    a.has_remove = remove;
    a.remove = remove;
    REQ (req, ALLOCATION_SET, allocation_set, &a);
    return call_status (c, &req, reason, 256);
}

typedef struct {
    char week[16];
    long long planned, capacity;
} s_over_t;

/*  Events of topic in the whole log; the first two overallocation bodies
 *  are copied to over[0..1] when over is not NULL. */
static size_t
s_count (const char *topic, s_over_t *over)
{
    Pmo__LogQuery q = PMO__LOG_QUERY__INIT;
    REQ (req, LOG, log, &q);
    Pmo__Reply *r = call (c, &req);
    size_t n = 0;
    for (size_t i = 0; r && r->events && i < r->events->n_events; i++) {
        const Pmo__Event *ev = r->events->events[i];
        if (!streq (ev->topic, topic))
            continue;
        if (over && n < 2 && ev->body_case == PMO__EVENT__BODY_OVERALLOCATION) {
            snprintf (over[n].week, sizeof over[n].week, "%s", ev->overallocation->week);
            over[n].planned = ev->overallocation->planned_minutes;
            over[n].capacity = ev->overallocation->capacity_minutes;
        }
        n++;
    }
    pmo_wire_free (r);
    return n;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "resources") == 0);
    const char *now[] = {"--now", "2026-11-02T09:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "One"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "50.00 EUR", "--capacity", "40"));
    run_ok (RUN (CTL, "person", "add", "bob", "--name", "Bob", "--team", "T1", "--rate", "50.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "A", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "GEMINI", "--name", "G", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "CANC", "--name", "C", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--status", "cancelled"));

    run_ok (RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W48", "--hours", "20"));
    CHECK_EQ_I64 (s_count ("resource.overallocated", NULL), 0);
    run_ok (RUN (CTL, "allocation", "set", "ana", "GEMINI", "2026-W48", "--hours", "25"));
    CHECK_EQ_I64 (s_count ("resource.overallocated", NULL), 1);
    run_ok (RUN (CTL, "allocation", "set", "ana", "GEMINI", "2026-W48", "--hours", "30"));
    run_ok (RUN (CTL, "allocation", "remove", "ana", "GEMINI", "2026-W48"));
    run_ok (RUN (CTL, "allocation", "set", "ana", "GEMINI", "2026-W48", "--minutes", "1500"));
    CHECK_EQ_I64 (s_count ("resource.overallocated", NULL), 1);
    run_ok (RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W49", "--hours", "45"));
    CHECK_EQ_I64 (s_count ("resource.overallocated", NULL), 2);
    run_ok (RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W49", "--hours", "46"));
    run_ok (RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W50", "--hours", "40"));
    run_ok (RUN (CTL, "allocation", "set", "bob", "APOLLO", "2026-W48", "--hours", "100"));

    /*  After a restart the fired-once identity is still there. */
    REQUIRE (tenv_pmod_stop (&e, SIGTERM) == 0);
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    pmo_client_close (&c);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    run_ok (RUN (CTL, "allocation", "set", "ana", "GEMINI", "2026-W48", "--minutes", "1600"));
    run_ok (RUN (CTL, "allocation", "set", "ana", "GEMINI", "2026-W48", "--minutes", "1500"));

    s_over_t over[2] = {{"", 0, 0}, {"", 0, 0}};
    CHECK_EQ_I64 (s_count ("resource.overallocated", over), 2);
    CHECK_STR (over[0].week, "2026-W48");
    CHECK_EQ_I64 (over[0].planned, 2700);
    CHECK_EQ_I64 (over[0].capacity, 2400);
    CHECK_STR (over[1].week, "2026-W49");
    CHECK_EQ_I64 (over[1].planned, 2700);
    CHECK_EQ_I64 (s_count ("allocation.set", NULL), 10);
    CHECK_EQ_I64 (s_count ("allocation.removed", NULL), 1);

    /*  The view: pmoctl resources in JSON, CSV and text. */
    json_object *j = RUN_JSON (CTL, "resources", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "rows")), 4);
    CHECK_STR (json_str (j, "rows.0.person"), "ana");
    CHECK_STR (json_str (j, "rows.0.week"), "2026-W48");
    CHECK_EQ_I64 (json_int (j, "rows.0.planned_minutes"), 2700);
    CHECK_EQ_I64 (json_int (j, "rows.0.capacity_minutes"), 2400);
    CHECK (json_object_get_boolean (json_get (j, "rows.0.overallocated")));
    CHECK_STR (json_str (j, "rows.0.allocations.0.project"), "APOLLO");
    CHECK_EQ_I64 (json_int (j, "rows.0.allocations.0.minutes"), 1200);
    CHECK_STR (json_str (j, "rows.0.allocations.1.project"), "GEMINI");
    CHECK_EQ_I64 (json_int (j, "rows.0.allocations.1.minutes"), 1500);
    CHECK_STR (json_str (j, "rows.1.week"), "2026-W49");
    CHECK_EQ_I64 (json_int (j, "rows.1.planned_minutes"), 2760);
    CHECK_STR (json_str (j, "rows.2.week"), "2026-W50");
    CHECK (!json_object_get_boolean (json_get (j, "rows.2.overallocated")));
    CHECK_STR (json_str (j, "rows.3.person"), "bob");
    CHECK (json_get (j, "rows.3.capacity_minutes") == NULL);
    json_object_put (j);
    run_t r = RUN (CTL, "resources", "--csv");
    CHECK_STR (r.out, "person,week,planned_minutes,capacity_minutes,flag\n"
                      "ana,2026-W48,2700,2400,overallocated\n"
                      "ana,2026-W49,2760,2400,overallocated\n"
                      "ana,2026-W50,2400,2400,\n"
                      "bob,2026-W48,6000,,\n");
    run_free (&r);
    r = RUN (CTL, "resources", "--over", "--from", "2026-W49", "--csv");
    CHECK_STR (r.out, "person,week,planned_minutes,capacity_minutes,flag\nana,2026-W49,2760,2400,overallocated\n");
    run_free (&r);
    r = RUN (CTL, "resources", "--project", "GEMINI", "--csv");
    CHECK_STR (r.out, "person,week,planned_minutes,capacity_minutes,flag\nana,2026-W48,2700,2400,overallocated\n");
    run_free (&r);
    r = RUN (CTL, "resources", "--person", "ana", "--to", "2026-W48");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, "45.00") && strstr (r.out, "40.00") && strstr (r.out, "overallocated")
           && strstr (r.out, "APOLLO 20.00, GEMINI 25.00") && !strstr (r.out, "W49"));
    run_free (&r);

    /*  Refusals: exact status and reason, nothing changed. */
    static const struct {
        const char *person, *project, *week;
        int minutes;
        bool remove;
        int status;
        const char *reason;
    } bad[] = {
        {"zed", "APOLLO", "2026-W48", 60, false, PMO__STATUS__STATUS_NOT_FOUND, "person zed: not found"},
        {"ana", "NOPE", "2026-W48", 60, false, PMO__STATUS__STATUS_NOT_FOUND, "project NOPE: not found"},
        {"ana", "APOLLO", "2027-W53", 60, false, PMO__STATUS__STATUS_INVALID,
         "week: \"2027-W53\" is not an ISO week (want YYYY-Www, such as 2026-W48)"},
        {"ana", "APOLLO", "2026-48", 60, false, PMO__STATUS__STATUS_INVALID,
         "week: \"2026-48\" is not an ISO week (want YYYY-Www, such as 2026-W48)"},
        {"ana", "APOLLO", "2026-W48", -60, false, PMO__STATUS__STATUS_INVALID, "minutes: -60 is outside 1..10080"},
        {"ana", "APOLLO", "2026-W48", 0, false, PMO__STATUS__STATUS_INVALID, "minutes: 0 is outside 1..10080"},
        {"ana", "APOLLO", "2026-W48", 10081, false, PMO__STATUS__STATUS_INVALID,
         "minutes: 10081 is outside 1..10080"},
        {"ana", "APOLLO", "2026-W40", 0, true, PMO__STATUS__STATUS_NOT_FOUND,
         "allocation of ana to APOLLO in 2026-W40: not found"},
        {"ana", "CANC", "2026-W48", 60, false, PMO__STATUS__STATUS_STATE,
         "project CANC is cancelled: no new allocations"},
        {"a very long person id that is no code", "APOLLO", "2026-W48", 60, false, PMO__STATUS__STATUS_INVALID,
         "person: is 37 characters long; the limit is 32"},
    };
    Pmo__Ping ping = PMO__PING__INIT;
    REQ (preq, PING, ping, &ping);
    Pmo__Reply *pong = call (c, &preq);
    uint64_t before = pong && pong->pong ? pong->pong->last_seq : 0;
    pmo_wire_free (pong);
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        char reason[256] = "";
        CHECK_EQ_I64 (s_alloc (bad[i].person, bad[i].project, bad[i].week, bad[i].minutes, bad[i].remove, reason),
                      bad[i].status);
        CHECK_STR (reason, bad[i].reason);
    }
    pong = call (c, &preq);
    CHECK_EQ_I64 (pong && pong->pong ? pong->pong->last_seq : 0, before);
    pmo_wire_free (pong);
    /*  2026 has a week 53 (it starts on a Thursday). */
    CHECK_EQ_I64 (s_alloc ("bob", "GEMINI", "2026-W53", 60, false, NULL), PMO__STATUS__STATUS_OK);
    r = RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W60", "--hours", "1");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: WEEK: '2026-W60' is not an ISO week (YYYY-Www, such as 2026-W48)\n");
    run_free (&r);
    r = RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W48");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: allocation set: give --hours or --minutes\n");
    run_free (&r);

    pmo_client_close (&c);
    int failures = harness_report ();
    tenv_finish (&e, failures == 0);
    return failures;
}
