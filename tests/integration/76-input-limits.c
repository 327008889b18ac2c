/*  76-input-limits: impossible numbers and wrong states are refused with a
 *  clear reason and change nothing, and pmod keeps answering.
 *
 *  - A progress report below 0 % names its value with its sign
 *    ("-0.01", not "0.01"), INT32_MIN included.
 *  - A cancelled project's plan (budget, dates) no longer changes, and it
 *    takes no new milestones; its name still does.
 *  - A project's actual cost (labour + costs, the AC of earned value) stays
 *    within int64 with room for a budget: the booking that would pass
 *    INT64_MAX - 10^15 is refused, though each total alone still fits.
 *  - A roll-up whose summed AC + BAC would overflow shows no atypical EAC
 *    instead of a wrapped, negative one.
 *  - A project's EAC past int64 is undefined; its other figures and its
 *    health stand.
 *  - Policy numbers are digits only ("50,80," and " 12" are refused). */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN
#define MAX_AMOUNT 1000000000000000LL            /* 10^15, PMO_MAX_AMOUNT_MINOR */
#define MAX_AC (INT64_MAX - MAX_AMOUNT)

static tenv_t e;
static pmo_client_t *c;
static uint64_t next_seq = 1;
static char reason[512];

static int
s_call (Pmo__Request *req)
{
    reason[0] = '\0';
    return call_status (c, req, reason, sizeof reason);
}

static void
s_update (Pmo__Request *req, Pmo__UpdateId *u)
{
    pmo__update_id__init (u);
    u->agent = "probe";
    u->has_seq = true;
    u->seq = next_seq++;
    req->update = u;
}

static int
s_progress (const char *project, int32_t bp)
{
    Pmo__Progress g = PMO__PROGRESS__INIT;
    g.project = (char *) project;
    g.has_percent_bp = true;
    g.percent_bp = bp;
    REQ (req, PROGRESS, progress, &g);
    Pmo__UpdateId u;
    s_update (&req, &u);
    return s_call (&req);
}

static int
s_cost (const char *project, int64_t minor)
{
    Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
    ce.project = (char *) project;
    ce.has_amount_minor = true;
    ce.amount_minor = minor;
    REQ (req, COST, cost, &ce);
    Pmo__UpdateId u;
    s_update (&req, &u);
    return s_call (&req);
}

/*  n cost entries of minor each, dated date (NULL: today), 256 in flight;
 *  returns how many were ok. */
static int
s_costs_dated (const char *project, const char *date, int n, int64_t minor)
{
    int sent = 0, got = 0, ok = 0;
    while (got < n) {
        while (sent < n && sent - got < 256) {
            Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
            ce.project = (char *) project;
            ce.date = (char *) date;
            ce.has_amount_minor = true;
            ce.amount_minor = minor;
            REQ (req, COST, cost, &ce);
            Pmo__UpdateId u;
            s_update (&req, &u);
            if (pmo_client_send (c, &req) != PMO_OK)
                return -1;
            sent++;
        }
        Pmo__Reply *r = NULL;
        if (pmo_client_recv (c, 10000, &r) != PMO_OK)
            return -1;
        ok += r->status == PMO__STATUS__STATUS_OK;
        pmo_wire_free (r);
        got++;
    }
    return ok;
}

static int
s_costs_pipelined (const char *project, int n, int64_t minor)
{
    return s_costs_dated (project, NULL, n, minor);
}

static long long
s_project_int (const char *code, const char *path)
{
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    long long v = j ? json_int (j, path) : -1;
    json_object_put (j);
    return v;
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "input-limits") == 0);
    /*  Over 55,000 bookings from one principal: no rate limit. */
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", "--rate-limit", "0", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);

    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Team"));
    run_ok (RUN (CTL, "person", "add", "P1", "--name", "Ann", "--team", "T1", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "AP", "--name", "A", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "10000000000000.00 EUR", "--status", "active"));
    run_ok (RUN (CTL, "project", "add", "BP", "--name", "B", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "10000000000000.00 EUR", "--status", "active"));
    run_ok (RUN (CTL, "project", "add", "CX", "--name", "C", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "1000.00 EUR", "--status", "cancelled"));

    /*  Percent below zero: the reason shows the sign. */
    long long seq = tlast_seq ();
    CHECK_EQ_I64 (s_progress ("AP", -1), PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "percent: -0.01 is outside 0..100");
    CHECK_EQ_I64 (s_progress ("AP", INT32_MIN), PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "percent: -21474836.48 is outside 0..100");
    CHECK_EQ_I64 (s_progress ("AP", 10001), PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "percent: 100.01 is outside 0..100");
    CHECK_EQ_I64 (tlast_seq (), seq);
    CHECK_EQ_I64 (s_project_int ("AP", "project.percent_bp"), 0);

    /*  A cancelled project's plan is final; its name is not. */
    Pmo__ProjectUpdate pu = PMO__PROJECT_UPDATE__INIT;
    pu.code = "CX";
    pu.has_bac_minor = true;
    pu.bac_minor = 500;
    REQ (upd, PROJECT_UPDATE, project_update, &pu);
    CHECK_EQ_I64 (s_call (&upd), PMO__STATUS__STATUS_STATE);
    CHECK_STR (reason, "budget: project CX is cancelled: its plan no longer changes");
    pu.has_bac_minor = false;
    pu.finish = "2027-06-30";
    CHECK_EQ_I64 (s_call (&upd), PMO__STATUS__STATUS_STATE);
    CHECK_STR (reason, "finish: project CX is cancelled: its plan no longer changes");
    Pmo__Milestone ms = PMO__MILESTONE__INIT;
    ms.project = "CX";
    ms.name = "M1";
    ms.due = "2026-06-01";
    REQ (add, MILESTONE_ADD, milestone_add, &ms);
    CHECK_EQ_I64 (s_call (&add), PMO__STATUS__STATUS_STATE);
    CHECK_STR (reason, "project CX is cancelled: it takes no new milestones");
    CHECK_EQ_I64 (tlast_seq (), seq);
    CHECK_EQ_I64 (s_project_int ("CX", "project.bac_minor"), 100000);
    json_object *cx = RUN_JSON (CTL, "project", "show", "CX", "--json");
    CHECK_STR (cx ? json_str (cx, "project.finish") : "", "2026-12-31");
    json_object_put (cx);
    pu.finish = NULL;
    pu.name = "C renamed";
    CHECK_EQ_I64 (s_call (&upd), PMO__STATUS__STATUS_OK);
    seq = tlast_seq ();

    /*  AC = labour + costs.  60 min at 60.00 EUR, then costs up to exactly
     *  INT64_MAX - 10^15: accepted.  One cent more: refused, though the
     *  cost total alone would still fit in int64. */
    Pmo__TimeEntry te = PMO__TIME_ENTRY__INIT;
    te.person = "P1";
    te.project = "AP";
    te.date = "2026-11-20";
    te.has_minutes = true;
    te.minutes = 60;
    REQ (tr, TIME, time, &te);
    Pmo__UpdateId tu;
    s_update (&tr, &tu);
    CHECK_EQ_I64 (s_call (&tr), PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_costs_pipelined ("AP", 9222, MAX_AMOUNT), 9222);
    int64_t rest = MAX_AC - 6000 - 9222 * MAX_AMOUNT;
    CHECK_EQ_I64 (s_cost ("AP", rest), PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_project_int ("AP", "evm.ac_minor"), MAX_AC);
    seq = tlast_seq ();
    CHECK_EQ_I64 (s_cost ("AP", 1), PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "amount: project AP's actual cost would overflow");
    CHECK_EQ_I64 (tlast_seq (), seq);
    CHECK_EQ_I64 (s_project_int ("AP", "totals.cost_minor"), MAX_AC - 6000);
    CHECK_EQ_I64 (s_project_int ("AP", "totals.cost_entries"), 9223);
    CHECK_EQ_I64 (s_project_int ("AP", "evm.ac_minor"), MAX_AC);
    /*  A credit still books. */
    CHECK_EQ_I64 (s_cost ("AP", -100), PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_project_int ("AP", "evm.ac_minor"), MAX_AC - 100);

    /*  The total roll-up holds AP and BP: its AC + BAC passes INT64_MAX,
     *  so it has no atypical EAC, and its sums are exact. */
    json_object *st = RUN_JSON (CTL, "status", "--json");
    json_object *total = NULL;
    json_object *rollups = st ? json_get (st, "rollups") : NULL;
    for (size_t i = 0; rollups && i < json_object_array_length (rollups); i++) {
        json_object *ru = json_object_array_get_idx (rollups, i);
        if (json_str (ru, "level") && strcmp (json_str (ru, "level"), "total") == 0)
            total = ru;
    }
    CHECK (total != NULL);
    if (total) {
        CHECK_EQ_I64 (json_int (total, "projects"), 2);
        CHECK_EQ_I64 (json_int (total, "evm.ac_minor"), MAX_AC - 100);
        CHECK_EQ_I64 (json_int (total, "evm.bac_minor"), 2 * MAX_AMOUNT);
        CHECK (json_get (total, "evm.eac_atypical_minor") == NULL);
    }
    json_object_put (st);

    /*  An EAC past int64 is undefined, not the end of earned value: BAC
     *  10^15, 0.01 % done (EV 10^11), AC 10^15: BAC x AC / EV = 10^19.  The
     *  project keeps its CPI (0.0001) and is red; before, it had no
     *  earned value at all and showed green. */
    run_ok (RUN (CTL, "project", "add", "DP", "--name", "D", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "10000000000000.00 EUR", "--status", "active"));
    CHECK_EQ_I64 (s_progress ("DP", 1), PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_cost ("DP", MAX_AMOUNT), PMO__STATUS__STATUS_OK);
    json_object *dp = RUN_JSON (CTL, "project", "show", "DP", "--json");
    CHECK (dp != NULL);
    if (dp) {
        CHECK_EQ_I64 (json_int (dp, "evm.ev_minor"), 100000000000LL);
        CHECK_EQ_I64 (json_int (dp, "evm.ac_minor"), MAX_AMOUNT);
        CHECK (json_get (dp, "evm.eac_minor") == NULL);
        CHECK (json_get (dp, "evm.eac_combined_minor") == NULL);
        CHECK_EQ_I64 (json_int (dp, "evm.eac_atypical_minor"), 2 * MAX_AMOUNT - 100000000000LL);
        CHECK_EQ_I64 (json_int (dp, "evm.cpi.num"), 1);
        CHECK_EQ_I64 (json_int (dp, "evm.cpi.den"), 10000);
        CHECK_STR (json_str (dp, "health.rag"), "red");
    }
    json_object_put (dp);

    /*  AC as of a past date sums the daily totals up to it.  Back-dated
     *  entries can make that sum pass INT64_MAX although no total ever
     *  did: 9,222 x 10^15 on each of 03-01, 03-02 and 03-03, with as many
     *  credits on 05-01 and 05-02 between them (the total never passes
     *  9.2 x 10^18).  As of 04-01 the sum is 2.77 x 10^19: the project has
     *  no earned value that day.  Before, the sum wrapped to
     *  2.77 x 10^19 - 2^64, a plausible AC of 9.2 x 10^18. */
    run_ok (RUN (CTL, "project", "add", "EP", "--name", "E", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "10000000000000.00 EUR", "--status", "active"));
    CHECK_EQ_I64 (s_costs_dated ("EP", "2026-03-01", 9222, MAX_AMOUNT), 9222);
    CHECK_EQ_I64 (s_costs_dated ("EP", "2026-05-01", 9222, -MAX_AMOUNT), 9222);
    CHECK_EQ_I64 (s_costs_dated ("EP", "2026-03-02", 9222, MAX_AMOUNT), 9222);
    CHECK_EQ_I64 (s_costs_dated ("EP", "2026-05-02", 9222, -MAX_AMOUNT), 9222);
    CHECK_EQ_I64 (s_costs_dated ("EP", "2026-03-03", 9222, MAX_AMOUNT), 9222);
    json_object *past = RUN_JSON (CTL, "status", "--as-of", "2026-04-01", "--json");
    json_object *ep = NULL;
    json_object *rows = past ? json_get (past, "rows") : NULL;
    for (size_t i = 0; rows && i < json_object_array_length (rows); i++) {
        json_object *row = json_object_array_get_idx (rows, i);
        if (json_str (row, "project.code") && strcmp (json_str (row, "project.code"), "EP") == 0)
            ep = row;
    }
    CHECK (ep != NULL);
    CHECK (ep && json_get (ep, "evm") == NULL);
    json_object_put (past);
    /*  Today the sum is the total, 9,222 x 10^15, and earned value is back. */
    json_object *ep_now = RUN_JSON (CTL, "project", "show", "EP", "--json");
    CHECK_EQ_I64 (ep_now ? json_int (ep_now, "evm.ac_minor") : -1, 9222 * MAX_AMOUNT);
    json_object_put (ep_now);

    /*  Policy numbers are digits: no trailing comma, sign or space. */
    seq = tlast_seq ();
    run_t pr = RUN (CTL, "policy", "set", "budget_thresholds", "50,80,");
    CHECK_EQ_I64 (pr.status, 1);
    CHECK_STR (pr.err, "pmoctl: budget_thresholds: \"50,80,\" is not ascending percentages like 50,80,100\n");
    run_free (&pr);
    pr = RUN (CTL, "policy", "set", "budget_thresholds", "+50");
    CHECK_EQ_I64 (pr.status, 1);
    CHECK_STR (pr.err, "pmoctl: budget_thresholds: \"+50\" is not ascending percentages like 50,80,100\n");
    run_free (&pr);
    pr = RUN (CTL, "policy", "set", "silent_minutes", " 12");
    CHECK_EQ_I64 (pr.status, 1);
    CHECK_STR (pr.err, "pmoctl: silent_minutes: \" 12\" is not a whole number in 1..525600\n");
    run_free (&pr);
    CHECK_EQ_I64 (tlast_seq (), seq);
    json_object *pol = RUN_JSON (CTL, "policy", "show", "--json");
    CHECK_EQ_I64 (pol ? json_int (pol, "silent_minutes") : -1, 60);
    CHECK_EQ_I64 (pol ? (long long) json_object_array_length (json_get (pol, "budget_thresholds_pct")) : -1, 3);
    json_object_put (pol);

    /*  Still serving. */
    CHECK (tlast_seq () > 0);

    pmo_client_close (&c);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
