/*  08-late-refusal: a request refused after it had written (here: its
 *  project's total would overflow int64, found when the totals are added,
 *  after the entry itself was put) leaves no trace, and the requests
 *  batched with it are applied exactly once.
 *
 *  9,300 cost entries of 10^15 minor units each are pipelined; 9,222 fit
 *  under the bound of a project's actual cost, INT64_MAX - 10^15 (room for
 *  a budget on top), the rest are refused. */
#include <stdio.h>

#include "client_util.h"
#include "harness.h"
#include "proc.h"

#define N 9300
#define WINDOW 400
#define AMOUNT 1000000000000000LL

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "late-refusal") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    pmo_client_t *c = NULL;
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);

    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) "BIG";
    p.name = (char *) "Big";
    p.start = (char *) "2026-01-01";
    p.finish = (char *) "2026-12-31";
    p.has_bac_minor = true;
    p.bac_minor = AMOUNT;
    p.currency = (char *) "EUR";
    REQ (preq, PROJECT_ADD, project_add, &p);
    CHECK_EQ_I64 (call_status (c, &preq, NULL, 0), 0);

    int sent = 0, answered = 0, ok = 0, overflow = 0, other = 0;
    char reason[200] = "";
    while (answered < N) {
        while (sent < N && sent - answered < WINDOW) {
            Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
            ce.project = (char *) "BIG";
            ce.date = (char *) "2026-11-20";
            ce.has_amount_minor = true;
            ce.amount_minor = AMOUNT;
            Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
            id.agent = (char *) "big";
            id.has_seq = true;
            id.seq = (uint64_t) sent + 1;
            REQ (req, COST, cost, &ce);
            req.update = &id;
            REQUIRE (pmo_client_send (c, &req) == 0);
            sent++;
        }
        Pmo__Reply *r = NULL;
        REQUIRE (pmo_client_recv (c, 10000, &r) == 0);
        answered++;
        if (r->status == PMO__STATUS__STATUS_OK)
            ok++;
        else if (r->status == PMO__STATUS__STATUS_INVALID && r->reason && strstr (r->reason, "overflow")) {
            overflow++;
            snprintf (reason, sizeof reason, "%s", r->reason);
        } else
            other++;
        pmo_wire_free (r);
    }
    fprintf (stderr, "accepted %d, refused %d (%s), other %d\n", ok, overflow, reason, other);
    CHECK_EQ_I64 (ok, 9222);
    CHECK_EQ_I64 (overflow, N - 9222);
    CHECK_EQ_I64 (other, 0);
    CHECK_STR (reason, "amount: project BIG's actual cost would overflow");

    Pmo__ProjectQuery q = PMO__PROJECT_QUERY__INIT;
    q.code = (char *) "BIG";
    REQ (sreq, PROJECT_SHOW, project_show, &q);
    Pmo__Reply *r = call (c, &sreq);
    CHECK (r && r->project);
    if (r && r->project) {
        CHECK_EQ_I64 (r->project->totals->cost_minor, 9222 * AMOUNT);
        CHECK_EQ_I64 (r->project->totals->cost_entries, 9222);
    }
    pmo_wire_free (r);
    /*  One event per accepted entry: the refused left none behind (and a
     *  proposed project raises no alerts). */
    Pmo__Ping ping = PMO__PING__INIT;
    REQ (qreq, PING, ping, &ping);
    r = call (c, &qreq);
    CHECK_EQ_I64 (r && r->pong ? (long long) r->pong->last_seq : -1, 1 + 9222);
    pmo_wire_free (r);

    pmo_client_close (&c);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
