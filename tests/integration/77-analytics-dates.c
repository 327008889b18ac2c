/*  77-analytics-dates: figures as of a date count only what is dated on or
 *  before it, and a closure's actual finish ignores days whose entries were
 *  all voided.  Real pmod, clock fixed at 2028-03-10T12:00:00Z.
 *
 *  EAST: 2028-01-01..2028-04-09 (100 days), BAC 100,000.00 EUR.  Booked:
 *  30,000.00 EUR on 2028-01-15, 20 % on 2028-02-01; then, by a team at
 *  UTC+14 whose day is already 2028-03-11, 1,000.00 EUR and 50 % dated
 *  2028-03-11.  As of 2028-03-10 (today, day 70):
 *    PV 70,000.00  EV 20,000.00 (20 %)  AC 30,000.00  CPI 2/3  SPI 2/7
 *  (not AC 31,000.00 and EV 50,000.00, which are 2028-03-11's figures).
 *  As of 2028-03-11: AC 31,000.00, EV 50,000.00.  NEAR: 30 % on 2028-03-05
 *  and 60 % on 2028-03-11: EV 30,000.00 today, 60,000.00 as of 03-11.
 *
 *  DONE: 2028-01-01..2028-02-29 (leap day), BAC 10,000.00 EUR; 5,000.00
 *  EUR on 2028-02-10, 100 % on 2028-02-20, 100.00 EUR on 2028-03-05 then
 *  voided.  Closed 2028-03-10: actual finish 2028-02-20 (the last day with
 *  a booking or progress), slip -9 days; AC 5,000.00, variance 5,000.00. */
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN

static tenv_t e;
static pmo_client_t *c;
static uint64_t s_seq;

static int
s_send (Pmo__Request *req)
{
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "east-agent";
    id.has_seq = true;
    id.seq = ++s_seq;
    req->update = &id;
    return call_status (c, req, NULL, 0);
}

static int
s_cost (const char *project, const char *date, int64_t amount, const char *ref)
{
    Pmo__CostEntry x = PMO__COST_ENTRY__INIT;
    x.project = (char *) project;
    x.date = (char *) date;
    x.has_amount_minor = true;
    x.amount_minor = amount;
    x.has_category = true;
    x.category = PMO__COST_CATEGORY__COST_MATERIAL;
    x.ref = (char *) ref;
    REQ (req, COST, cost, &x);
    return s_send (&req);
}

static int
s_progress (const char *project, const char *date, int32_t bp)
{
    Pmo__Progress g = PMO__PROGRESS__INIT;
    g.project = (char *) project;
    g.date = (char *) date;
    g.has_percent_bp = true;
    g.percent_bp = bp;
    REQ (req, PROGRESS, progress, &g);
    return s_send (&req);
}

static int
s_void (const char *ref)
{
    Pmo__VoidEntry v = PMO__VOID_ENTRY__INIT;
    v.ref = (char *) ref;
    REQ (req, VOID_ENTRY, void_entry, &v);
    return s_send (&req);
}

/*  EAST's row of status (as of as_of, or today when NULL). */
static void
s_check_east (const char *as_of, int64_t pv, int64_t ev, int64_t ac)
{
    json_object *j = as_of ? RUN_JSON (CTL, "status", "--json", "--as-of", as_of) : RUN_JSON (CTL, "status", "--json");
    json_object *row = json_get (j, "rows.1");
    CHECK_STR (json_str (row, "project.code"), "EAST");
    CHECK_EQ_I64 (json_int (row, "evm.pv_minor"), pv);
    CHECK_EQ_I64 (json_int (row, "evm.ev_minor"), ev);
    CHECK_EQ_I64 (json_int (row, "evm.ac_minor"), ac);
    json_object_put (j);
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "analytics-dates") == 0);
    const char *now[] = {"--now", "2028-03-10T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);

    run_ok (RUN (CTL, "project", "add", "EAST", "--name", "East", "--start", "2028-01-01", "--finish", "2028-04-09",
                 "--budget", "100000.00 EUR", "--status", "active"));
    run_ok (RUN (CTL, "project", "add", "DONE", "--name", "Done", "--start", "2028-01-01", "--finish", "2028-02-29",
                 "--budget", "10000.00 EUR", "--status", "active"));

    CHECK_EQ_I64 (s_cost ("EAST", "2028-01-15", 3000000, NULL), 0);
    CHECK_EQ_I64 (s_progress ("EAST", "2028-02-01", 2000), 0);
    /*  Tomorrow in UTC, today at UTC+14: accepted, and dated 2028-03-11. */
    CHECK_EQ_I64 (s_cost ("EAST", "2028-03-11", 100000, NULL), 0);
    CHECK_EQ_I64 (s_progress ("EAST", "2028-03-11", 5000), 0);

    s_check_east ("2028-03-10", 7000000, 2000000, 3000000);
    s_check_east (NULL, 7000000, 2000000, 3000000);
    s_check_east ("2028-03-09", 6900000, 2000000, 3000000);
    s_check_east ("2028-03-11", 7100000, 5000000, 3100000);
    json_object *j = RUN_JSON (CTL, "project", "show", "EAST", "--json");
    CHECK_EQ_I64 (json_int (j, "evm.ac_minor"), 3000000);
    CHECK_EQ_I64 (json_int (j, "evm.cpi.num"), 2);
    CHECK_EQ_I64 (json_int (j, "evm.cpi.den"), 3);
    CHECK_EQ_I64 (json_int (j, "evm.spi.num"), 2);
    CHECK_EQ_I64 (json_int (j, "evm.spi.den"), 7);
    json_object_put (j);

    /*  A report five days back is found by key (EAST's, 38 days back, by
     *  walking the daily table): either way today's percent is the latest
     *  dated on or before today. */
    run_ok (RUN (CTL, "project", "add", "NEAR", "--name", "Near", "--start", "2028-01-01", "--finish", "2028-04-09",
                 "--budget", "100000.00 EUR", "--status", "active"));
    CHECK_EQ_I64 (s_progress ("NEAR", "2028-03-05", 3000), 0);
    CHECK_EQ_I64 (s_progress ("NEAR", "2028-03-11", 6000), 0);
    j = RUN_JSON (CTL, "project", "show", "NEAR", "--json");
    CHECK_EQ_I64 (json_int (j, "evm.ev_minor"), 3000000);
    json_object_put (j);
    j = RUN_JSON (CTL, "status", "--json", "--as-of", "2028-03-11");
    CHECK_STR (json_str (j, "rows.2.project.code"), "NEAR");
    CHECK_EQ_I64 (json_int (j, "rows.2.evm.ev_minor"), 6000000);
    json_object_put (j);

    CHECK_EQ_I64 (s_cost ("DONE", "2028-02-10", 500000, NULL), 0);
    CHECK_EQ_I64 (s_progress ("DONE", "2028-02-20", 10000), 0);
    CHECK_EQ_I64 (s_cost ("DONE", "2028-03-05", 10000, "late-1"), 0);
    CHECK_EQ_I64 (s_void ("late-1"), 0);
    run_ok (RUN (CTL, "project", "close", "DONE", "--category", "planning", "--recommendation", "r", "--went-well",
                 "w"));
    j = RUN_JSON (CTL, "project", "closure", "DONE", "--json");
    CHECK_EQ_I64 (json_int (j, "actual_cost_minor"), 500000);
    CHECK_EQ_I64 (json_int (j, "cost_variance_minor"), 500000);
    CHECK_STR (json_str (j, "actual_finish"), "2028-02-20");
    CHECK_EQ_I64 (json_int (j, "slip_days"), -9);
    CHECK_EQ_I64 (json_int (j, "original_slip_days"), -9);
    json_object_put (j);

    pmo_client_close (&c);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
