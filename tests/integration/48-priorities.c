/*  48-priorities: the ranked portfolio from a real pmod through pmoctl:
 *  weighted scores in integers, ties broken by lower BAC then code, ranks
 *  and cumulative budget per currency, the budget line.
 *
 *  Criteria: strategic 3, value 2, risk 1, urgency 0 (highest score 60).
 *    E  500.00 EUR  10/10/10      -> 60
 *    B  100.00 EUR   5/5/0        -> 25
 *    C  100.00 EUR   5/5/0        -> 25   (tie with B, same BAC: code)
 *    A  300.00 EUR   5/5/0        -> 25   (tie: higher BAC ranks lower)
 *    D   50.00 EUR   2/0/0, urgency 10 -> 6
 *    F 1000.00 USD   none         -> 0    (ranked in USD on its own)
 *    G cancelled: left out.
 *  EUR ranks: E 500, B 600, C 700, A 1000, D 1050 cumulative; a line at
 *  750.00 EUR: E, B, C fit. */
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"
#include "proc.h"

#define CTL PMOCTL_BIN

static void
s_refused (run_t r, const char *line)
{
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, line);
    run_free (&r);
}

static void
s_project (const char *code, const char *budget, const char *status)
{
    run_ok (RUN (CTL, "project", "add", code, "--name", code, "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", budget, "--status", status));
}

static void
s_scores (const char *code, const char *strategic, const char *value, const char *risk)
{
    run_ok (RUN (CTL, "score", "set", code, "strategic", strategic));
    run_ok (RUN (CTL, "score", "set", code, "value", value));
    run_ok (RUN (CTL, "score", "set", code, "risk", risk));
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "priorities") == 0);
    const char *now[] = {"--now", "2026-03-02T09:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "criterion", "set", "strategic", "--weight", "2", "--description", "strategic fit"));
    run_ok (RUN (CTL, "criterion", "set", "strategic", "--weight", "3"));  /* re-weighted, description kept */
    run_ok (RUN (CTL, "criterion", "set", "value", "--weight", "2"));
    run_ok (RUN (CTL, "criterion", "set", "risk", "--weight", "1"));
    run_ok (RUN (CTL, "criterion", "set", "urgency", "--weight", "0"));
    s_project ("A", "300.00 EUR", "proposed");
    s_project ("B", "100.00 EUR", "approved");
    s_project ("C", "100.00 EUR", "proposed");
    s_project ("D", "50.00 EUR", "proposed");
    s_project ("E", "500.00 EUR", "active");
    s_project ("F", "1000.00 USD", "proposed");
    s_project ("G", "1.00 EUR", "cancelled");
    s_scores ("A", "5", "5", "0");
    s_scores ("B", "5", "5", "0");
    s_scores ("C", "5", "5", "0");
    s_scores ("D", "2", "0", "0");
    run_ok (RUN (CTL, "score", "set", "D", "urgency", "10"));
    s_scores ("E", "10", "10", "10");
    s_scores ("G", "10", "10", "10");

    json_object *j = RUN_JSON (CTL, "criterion", "list", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "criteria")), 4);
    CHECK_STR (json_str (j, "criteria.1.name"), "strategic");  /* in name order */
    CHECK_EQ_I64 (json_int (j, "criteria.1.weight"), 3);
    CHECK_STR (json_str (j, "criteria.1.description"), "strategic fit");
    CHECK_EQ_I64 (json_int (j, "max_score"), 60);
    json_object_put (j);

    /*  With the budget line. */
    j = RUN_JSON (CTL, "priorities", "--budget", "750.00 EUR", "--json");
    static const struct {
        const char *code;
        long long score, bac, cumulative;
        bool fits;
    } want[] = {
        {"E", 60, 50000, 50000, true},   {"B", 25, 10000, 60000, true}, {"C", 25, 10000, 70000, true},
        {"A", 25, 30000, 100000, false}, {"D", 6, 5000, 105000, false},
    };
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "rows")), PMO_ARRAY_LEN (want));
    for (size_t i = 0; i < PMO_ARRAY_LEN (want); i++) {
        json_object *row = json_object_array_get_idx (json_get (j, "rows"), i);
        CHECK_EQ_I64 (json_int (row, "rank"), i + 1);
        CHECK_STR (json_str (row, "project"), want[i].code);
        CHECK_EQ_I64 (json_int (row, "score"), want[i].score);
        CHECK_EQ_I64 (json_int (row, "bac_minor"), want[i].bac);
        CHECK_EQ_I64 (json_int (row, "cumulative_minor"), want[i].cumulative);
        CHECK_EQ_I64 (json_object_get_boolean (json_get (row, "fits")), want[i].fits);
    }
    CHECK_EQ_I64 (json_int (j, "budget_minor"), 75000);
    CHECK_STR (json_str (j, "currency"), "EUR");
    json_object_put (j);
    run_t r = RUN (CTL, "priorities", "--budget", "750", "--currency", "EUR", "--csv");
    CHECK_STR (r.out, "rank,project,score,bac,cumulative,currency,fits\n"
                      "1,E,60,500.00,500.00,EUR,yes\n"
                      "2,B,25,100.00,600.00,EUR,yes\n"
                      "3,C,25,100.00,700.00,EUR,yes\n"
                      "4,A,25,300.00,1000.00,EUR,no\n"
                      "5,D,6,50.00,1050.00,EUR,no\n");
    run_free (&r);
    /*  A line exactly at a cumulative figure: that project fits. */
    r = RUN (CTL, "priorities", "--budget", "1000.00 EUR", "--csv");
    CHECK (r.out && strstr (r.out, "4,A,25,300.00,1000.00,EUR,yes\n5,D,6,50.00,1050.00,EUR,no\n"));
    run_free (&r);

    /*  Without a line: every currency ranked on its own, never summed. */
    r = RUN (CTL, "priorities", "--csv");
    CHECK_STR (r.out, "rank,project,score,bac,cumulative,currency\n"
                      "1,E,60,500.00,500.00,EUR\n"
                      "2,B,25,100.00,600.00,EUR\n"
                      "3,C,25,100.00,700.00,EUR\n"
                      "4,A,25,300.00,1000.00,EUR\n"
                      "5,D,6,50.00,1050.00,EUR\n"
                      "1,F,0,1000.00,1000.00,USD\n");
    run_free (&r);
    r = RUN (CTL, "priorities", "--budget", "750.00 EUR");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, "500.00 EUR") && strstr (r.out, "budget line 750.00 EUR")
           && strstr (r.out, "highest possible 60"));
    run_free (&r);

    /*  A re-weighted criterion re-ranks at once: urgency 0 -> 10 makes D's
     *  10 count (2x3 + 10x10 = 106), ahead of E (60). */
    run_ok (RUN (CTL, "criterion", "set", "urgency", "--weight", "10"));
    r = RUN (CTL, "priorities", "--currency", "EUR", "--csv");
    CHECK_STR (r.out, "rank,project,score,bac,cumulative,currency\n"
                      "1,D,106,50.00,50.00,EUR\n"
                      "2,E,60,500.00,550.00,EUR\n"
                      "3,B,25,100.00,650.00,EUR\n"
                      "4,C,25,100.00,750.00,EUR\n"
                      "5,A,25,300.00,1050.00,EUR\n");
    run_free (&r);

    /*  Refusals. */
    s_refused (RUN (CTL, "score", "set", "A", "value", "11"), "pmoctl: value: 11 is outside 0..10\n");
    s_refused (RUN (CTL, "score", "set", "A", "value", "--", "-1"), "pmoctl: value: -1 is outside 0..10\n");
    s_refused (RUN (CTL, "score", "set", "A", "nope", "1"), "pmoctl: criterion nope: not found\n");
    s_refused (RUN (CTL, "score", "set", "NOPE", "value", "1"), "pmoctl: project NOPE: not found\n");
    s_refused (RUN (CTL, "criterion", "set", "value", "--weight", "101"), "pmoctl: weight: 101 is outside 0..100\n");
    s_refused (RUN (CTL, "criterion", "set", "bad name", "--weight", "1"),
               "pmoctl: name: character 4 (byte 0x20) is not a letter, digit, '-' or '_'\n");
    s_refused (RUN (CTL, "priorities", "--currency", "EURO"),
               "pmoctl: currency: \"EURO\" is not an ISO 4217 currency code\n");
    {
        pmo_client_t *c;
        REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
        Pmo__PriorityQuery q = PMO__PRIORITY_QUERY__INIT;
        q.has_budget_minor = true;
        q.budget_minor = 100;
        REQ (req, PRIORITIES, priorities, &q);
        char reason[256];
        CHECK_EQ_I64 (call_status (c, &req, reason, sizeof reason), PMO__STATUS__STATUS_INVALID);
        CHECK_STR (reason, "currency: missing; a budget line is in one currency");
        /*  Every change is in the audit trail. */
        Pmo__LogQuery lq = PMO__LOG_QUERY__INIT;
        REQ (lreq, LOG, log, &lq);
        Pmo__Reply *lr = call (c, &lreq);
        size_t n_crit = 0, n_score = 0;
        for (size_t i = 0; lr && lr->events && i < lr->events->n_events; i++) {
            n_crit += streq (lr->events->events[i]->topic, "priority.criterion");
            n_score += streq (lr->events->events[i]->topic, "priority.score");
        }
        CHECK_EQ_I64 (n_crit, 6);
        CHECK_EQ_I64 (n_score, 19);
        pmo_wire_free (lr);
        pmo_client_close (&c);
    }

    int failures = harness_report ();
    tenv_finish (&e, failures == 0);
    return failures;
}
