/*  10-evm: earned value through a real pmod, checked to the cent against a
 *  hand-computed example, as of today and as of an earlier date (with a
 *  cost booked late for an earlier day); roll-ups from sums; and every
 *  alert fired exactly once, driven by the test clock, across a restart.
 *
 *  APOLLO: baseline 2026-01-01..2026-04-10 (100 days), BAC 100,000.00 EUR,
 *  no milestones at first (PV linear).  As of 2026-02-19 (day 50):
 *    PV = 100000 x 50/100 = 50,000.00     EV = 100000 x 40 % = 40,000.00
 *    AC = 30,000.00 + 15,000.00 = 45,000.00
 *    CV = -5,000.00   SV = -10,000.00   CPI = 40/45 = 8/9   SPI = 4/5
 *    EAC = BAC/CPI = 112,500.00; AC + (BAC - EV) = 105,000.00;
 *    AC + (BAC - EV)/(CPI x SPI) = 45,000 + 60,000/(32/45) = 129,375.00
 *    ETC = 67,500.00  VAC = -12,500.00  TCPI = 60,000/55,000 = 12/11
 *    ES = 40 days (PV(40) = EV)  AT = 50  SV(t) = -10  SPI(t) = 4/5
 *  Health: SPI(t) 0.8 < 0.85: red. */
#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static tenv_t e;

static void
s_clock (const char *when)
{
    CHECK_EQ_I64 (clock_set (e.endpoint, when), PMO__STATUS__STATUS_OK);
}

static void
s_heartbeat (void)
{
    pmo_client_t *c = NULL;
    REQUIRE_VOID (pmo_client_open (e.endpoint, &c) == 0);
    Pmo__Heartbeat hb = PMO__HEARTBEAT__INIT;
    hb.team = (char *) "T1";
    hb.agent = (char *) "t1-agent";
    REQ (req, HEARTBEAT, heartbeat, &hb);
    CHECK_EQ_I64 (call_status (c, &req, NULL, 0), PMO__STATUS__STATUS_OK);
    pmo_client_close (&c);
}

/*  How many events of topic are in the log (for project when not NULL). */
static int
s_count (const char *topic, const char *what)
{
    json_object *j = RUN_JSON (CTL, "log", "--json");
    json_object *events = json_get (j, "events");
    int n = 0;
    for (size_t i = 0; events && i < json_object_array_length (events); i++) {
        json_object *ev = json_object_array_get_idx (events, i);
        const char *t = json_str (ev, "topic");
        const char *subject = json_str (ev, "alert.milestone");
        if (!subject)
            subject = json_str (ev, "alert.team");
        if (t && streq (t, topic) && (!what || (subject && streq (subject, what))))
            n++;
    }
    json_object_put (j);
    return n;
}

static json_object *
s_status (const char *as_of)
{
    if (as_of)
        return RUN_JSON (CTL, "status", "--json", "--as-of", as_of);
    return RUN_JSON (CTL, "status", "--json");
}

static void
s_cost (const char *project, const char *amount, const char *date)
{
    run_ok (RUN (AGENT, "--agent", "fin", "cost", "--project", project, "--amount", amount, "--date", date,
               "--category", "contractor"));
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "evm") == 0);
    const char *now[] = {"--now", "2026-02-19T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "portfolio", "add", "CORP", "--name", "Corp"));
    run_ok (RUN (CTL, "programme", "add", "SPACE", "--portfolio", "CORP", "--name", "Space"));
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Team one"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--programme", "SPACE", "--team", "T1",
               "--start", "2026-01-01", "--finish", "2026-04-10", "--budget", "100000.00 EUR", "--status",
               "approved"));
    run_ok (RUN (CTL, "project", "add", "TINY", "--name", "Small", "--programme", "SPACE", "--start", "2026-01-01",
               "--finish", "2026-04-10", "--budget", "1000.00 EUR", "--status", "approved"));
    run_ok (RUN (CTL, "project", "add", "YEN", "--name", "Other currency", "--programme", "SPACE", "--start",
               "2026-01-01", "--finish", "2026-04-10", "--budget", "1000000 JPY", "--status", "approved"));
    s_cost ("APOLLO", "30000.00 EUR", "2026-02-10");
    s_cost ("APOLLO", "15000.00 EUR", "2026-02-19");
    run_ok (RUN (AGENT, "--agent", "fin", "progress", "--project", "APOLLO", "--percent", "40", "--date",
               "2026-02-19"));
    s_cost ("TINY", "500.00 EUR", "2026-02-01");
    run_ok (RUN (AGENT, "--agent", "fin", "progress", "--project", "TINY", "--percent", "100", "--date",
               "2026-02-19"));

    json_object *j = s_status (NULL);
    json_object *row = json_get (j, "rows.0");
    CHECK_STR (json_str (row, "project.code"), "APOLLO");
    CHECK_STR (json_str (row, "evm.method"), "linear");
    CHECK_EQ_I64 (json_int (row, "evm.pv_minor"), 5000000);
    CHECK_EQ_I64 (json_int (row, "evm.ev_minor"), 4000000);
    CHECK_EQ_I64 (json_int (row, "evm.ac_minor"), 4500000);
    CHECK_EQ_I64 (json_int (row, "evm.cv_minor"), -500000);
    CHECK_EQ_I64 (json_int (row, "evm.sv_minor"), -1000000);
    CHECK_EQ_I64 (json_int (row, "evm.cpi.num"), 8);
    CHECK_EQ_I64 (json_int (row, "evm.cpi.den"), 9);
    CHECK_EQ_I64 (json_int (row, "evm.spi.num"), 4);
    CHECK_EQ_I64 (json_int (row, "evm.spi.den"), 5);
    CHECK_EQ_I64 (json_int (row, "evm.eac_minor"), 11250000);
    CHECK_EQ_I64 (json_int (row, "evm.eac_atypical_minor"), 10500000);
    CHECK_EQ_I64 (json_int (row, "evm.eac_combined_minor"), 12937500);
    CHECK_EQ_I64 (json_int (row, "evm.etc_minor"), 6750000);
    CHECK_EQ_I64 (json_int (row, "evm.vac_minor"), -1250000);
    CHECK_EQ_I64 (json_int (row, "evm.tcpi.num"), 12);
    CHECK_EQ_I64 (json_int (row, "evm.tcpi.den"), 11);
    CHECK_EQ_I64 (json_int (row, "evm.es_days.num"), 40);
    CHECK_EQ_I64 (json_int (row, "evm.es_days.den"), 1);
    CHECK_EQ_I64 (json_int (row, "evm.at_days"), 50);
    CHECK_EQ_I64 (json_int (row, "evm.sv_t_days.num"), -10);
    CHECK_EQ_I64 (json_int (row, "evm.spi_t.num"), 4);
    CHECK_EQ_I64 (json_int (row, "evm.spi_t.den"), 5);
    CHECK_STR (json_str (row, "health.rag"), "red");
    CHECK (json_str (row, "health.reason") && strstr (json_str (row, "health.reason"), "SPI(t) 0.800 below 0.85"));
    /*  YEN has no cost: CPI is undefined (absent), never 0. */
    CHECK_STR (json_str (j, "rows.2.project.code"), "YEN");
    CHECK (json_get (j, "rows.2.evm.cpi") == NULL);
    CHECK (json_get (j, "rows.2.evm.eac_minor") == NULL);

    /*  Roll-ups: sums first, indices of the sums; yen apart from euros. */
    json_object *rollups = json_get (j, "rollups");
    int seen_eur = 0, seen_jpy = 0;
    for (size_t i = 0; rollups && i < json_object_array_length (rollups); i++) {
        json_object *ru = json_object_array_get_idx (rollups, i);
        if (!streq (json_str (ru, "level"), "programme"))
            continue;
        CHECK_STR (json_str (ru, "code"), "SPACE");
        if (streq (json_str (ru, "evm.currency"), "EUR")) {
            seen_eur++;
            CHECK_EQ_I64 (json_int (ru, "projects"), 2);
            CHECK_EQ_I64 (json_int (ru, "evm.bac_minor"), 10100000);
            CHECK_EQ_I64 (json_int (ru, "evm.ev_minor"), 4000000 + 100000);
            CHECK_EQ_I64 (json_int (ru, "evm.ac_minor"), 4500000 + 50000);
            /*  CPI of the sums 4,100,000 / 4,550,000 = 82/91, not the mean of 0.889 and 2.0. */
            CHECK_EQ_I64 (json_int (ru, "evm.cpi.num"), 82);
            CHECK_EQ_I64 (json_int (ru, "evm.cpi.den"), 91);
        } else if (streq (json_str (ru, "evm.currency"), "JPY")) {
            seen_jpy++;
            CHECK_EQ_I64 (json_int (ru, "evm.bac_minor"), 1000000);
        }
    }
    CHECK_EQ_I64 (seen_eur, 1);
    CHECK_EQ_I64 (seen_jpy, 1);
    json_object_put (j);

    /*  As of an earlier date: only entries dated by then; a late booking for
     *  that period counts as soon as it arrives. */
    j = s_status ("2026-02-15");
    CHECK_EQ_I64 (json_int (j, "rows.0.evm.ac_minor"), 3000000);
    CHECK_EQ_I64 (json_int (j, "rows.0.evm.ev_minor"), 0);  /* progress came on the 19th */
    CHECK_EQ_I64 (json_int (j, "rows.0.evm.pv_minor"), 4600000);  /* 46 of 100 days */
    json_object_put (j);
    s_cost ("APOLLO", "1000.00 EUR", "2026-02-12");
    j = s_status ("2026-02-15");
    CHECK_EQ_I64 (json_int (j, "rows.0.evm.ac_minor"), 3100000);
    json_object_put (j);

    /*  Alerts.  Approved at day 50 with nothing earned, all three went red;
     *  TINY turned green when it reached 100 %.  Budget: 46,000 of 100,000. */
    CHECK_EQ_I64 (s_count ("health.changed", NULL), 4);
    CHECK_EQ_I64 (s_count ("budget.threshold", NULL), 1);  /* TINY passed 50 % */
    s_cost ("APOLLO", "4000.00 EUR", "2026-02-19");  /* 50,000: crosses 50 % */
    s_cost ("APOLLO", "1.00 EUR", "2026-02-19");     /* no second alert */
    CHECK_EQ_I64 (s_count ("budget.threshold", NULL), 2);
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Review", "--due", "2026-02-25", "--weight", "0"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Beta", "--due", "2026-03-20", "--weight", "0"));
    /*  Review is due in 6 days and the project is behind plan: at risk, once. */
    CHECK_EQ_I64 (s_count ("milestone.at_risk", "Review"), 1);
    CHECK_EQ_I64 (s_count ("milestone.at_risk", "Beta"), 0);  /* 29 days away */
    s_clock ("2026-02-24T09:00:00Z");
    CHECK_EQ_I64 (s_count ("milestone.missed", "Review"), 0);
    s_clock ("2026-02-26T09:00:00Z");
    CHECK_EQ_I64 (s_count ("milestone.missed", "Review"), 1);
    s_clock ("2026-02-27T09:00:00Z");
    CHECK_EQ_I64 (s_count ("milestone.missed", "Review"), 1);
    CHECK_EQ_I64 (s_count ("milestone.at_risk", "Review"), 1);
    /*  Beta comes within 14 days on 03-06. */
    s_clock ("2026-03-06T09:00:00Z");
    CHECK_EQ_I64 (s_count ("milestone.at_risk", "Beta"), 1);

    /*  team.silent: once per silence. */
    s_heartbeat ();
    s_clock ("2026-03-06T09:30:00Z");
    CHECK_EQ_I64 (s_count ("team.silent", "T1"), 0);
    s_clock ("2026-03-06T10:01:00Z");
    CHECK_EQ_I64 (s_count ("team.silent", "T1"), 1);
    s_clock ("2026-03-06T12:00:00Z");
    CHECK_EQ_I64 (s_count ("team.silent", "T1"), 1);

    /*  Restart later: deadlines that passed while down are noticed at
     *  start-up; nothing already fired fires again. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    const char *later[] = {"--now", "2026-03-21T08:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, later) == 0);
    CHECK_EQ_I64 (s_count ("milestone.missed", "Beta"), 1);
    CHECK_EQ_I64 (s_count ("milestone.missed", "Review"), 1);
    CHECK_EQ_I64 (s_count ("team.silent", "T1"), 1);
    CHECK_EQ_I64 (s_count ("budget.threshold", NULL), 2);
    CHECK_EQ_I64 (s_count ("health.changed", NULL), 4);
    /*  A new silence after a new heartbeat is a new occurrence. */
    s_heartbeat ();
    s_clock ("2026-03-21T09:30:00Z");
    CHECK_EQ_I64 (s_count ("team.silent", "T1"), 2);

    /*  Now APOLLO is red on CPI (40,000 / 50,001 = 0.800), SPI(t) (0.5) and
     *  missed milestones.  The policy is the PMO's: relaxed so that only the
     *  overspend rule fires (spent 50.001 % at 40 % complete: amber). */
    j = s_status (NULL);
    CHECK_STR (json_str (j, "rows.0.health.rag"), "red");
    json_object_put (j);
    run_ok (RUN (CTL, "policy", "set", "spi_red", "0.4"));
    run_ok (RUN (CTL, "policy", "set", "spi_amber", "0.4"));
    run_ok (RUN (CTL, "policy", "set", "cpi_red", "0.75"));
    run_ok (RUN (CTL, "policy", "set", "cpi_amber", "0.75"));
    run_ok (RUN (CTL, "policy", "set", "missed_red", "3"));
    run_ok (RUN (CTL, "policy", "set", "missed_amber", "3"));
    {   /* red looser than amber is refused, and changes nothing */
        run_t r = RUN (CTL, "policy", "set", "cpi_red", "0.9");
        CHECK_EQ_I64 (r.status, 1);
        run_free (&r);
    }
    CHECK_EQ_I64 (s_count ("policy.changed", NULL), 6);
    s_clock ("2026-03-21T10:00:00Z");
    j = s_status (NULL);
    CHECK_STR (json_str (j, "rows.0.health.rag"), "amber");
    CHECK_STR (json_str (j, "rows.0.health.reason"), "amber: spent 50.001% of budget at 40% complete");
    json_object_put (j);
    CHECK_EQ_I64 (s_count ("health.changed", NULL), 5);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
