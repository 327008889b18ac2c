/*  73-governance-change-currency: a change request's cost is in the
 *  currency the project had when it was submitted.  Before change control
 *  the project may be re-planned in another currency (project set --budget
 *  "1000 JPY"); approving the old request then must not add its EUR minor
 *  units to a JPY budget.  The approval is refused (invalid, currency) and
 *  changes nothing: no baseline, same budget, no event.  A request without
 *  a cost impact still approves, and the stale one can be rejected. */
#include <stdio.h>

#include "gov_util.h"

static tenv_t e;

int
main (void)
{
    REQUIRE (tenv_init (&e, "gov-change-currency") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &gov_client) == 0);

    gov_ok (RUN (CTL, "project", "add", "CUR", "--name", "C", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "1000.00 EUR"));
    /*  CUR/1: +100.00 EUR, submitted while the project is in EUR. */
    CHECK_REPLY (change_submit ("CUR", "more", true, 10000, NULL, false, 0, NULL, NULL), OK_, "");
    /*  CUR/2: schedule only. */
    CHECK_REPLY (change_submit ("CUR", "later", false, 0, NULL, true, 10, NULL, NULL), OK_, "");
    /*  Re-planned in yen before change control starts: allowed. */
    gov_ok (RUN (CTL, "project", "set", "CUR", "--budget", "1000 JPY"));

    char before[24];
    gov_last_seq (before);
    CHECK_REPLY (change_decide ("CUR", 1, PMO__CHANGE_STATUS__CHANGE_APPROVED, "ok"), INVALID_,
                 "currency: change request CUR/1 is in EUR, but project CUR is now budgeted in JPY: reject it and "
                 "submit it again");
    char after[24];
    gov_last_seq (after);
    CHECK_STR (after, before);

    json_object *j = RUN_JSON (CTL, "project", "show", "CUR", "--json");
    CHECK_EQ_I64 (json_int (j, "project.bac_minor"), 1000);
    CHECK_STR (json_str (j, "project.currency"), "JPY");
    CHECK (json_get (j, "project.baseline_version") == NULL);
    json_object_put (j);
    j = RUN_JSON (CTL, "change", "show", "CUR", "1", "--json");
    CHECK_STR (json_str (j, "status"), "submitted");
    json_object_put (j);

    /*  No cost: the currency does not matter. */
    CHECK_REPLY (change_decide ("CUR", 2, PMO__CHANGE_STATUS__CHANGE_APPROVED, "ok"), OK_, "");
    j = RUN_JSON (CTL, "project", "show", "CUR", "--json");
    CHECK_EQ_I64 (json_int (j, "project.bac_minor"), 1000);
    CHECK_STR (json_str (j, "project.finish"), "2027-01-10");
    json_object_put (j);
    /*  The stale request is rejected instead. */
    CHECK_REPLY (change_decide ("CUR", 1, PMO__CHANGE_STATUS__CHANGE_REJECTED, "wrong currency"), OK_, "");

    pmo_client_close (&gov_client);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
