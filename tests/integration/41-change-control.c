/*  41-change-control: change requests and the baseline history through a
 *  real pmod and pmoctl --json.
 *
 *  Project CC: baseline 2026-01-01..2026-12-31, 90,000.00 EUR re-planned
 *  to 100,000.00 EUR with project set before change control starts;
 *  milestones Design (due 2026-04-01) and Launch (2026-12-01).
 *    CR1: +20,000.00 EUR, +30 days, Design to 2026-05-01   -> approved: v2
 *    CR2: -5,000.00 EUR, finish 2027-03-31                  -> approved: v3
 *    CR3 withdrawn, CR4 rejected: nothing changes
 *  Versions: v1 100,000.00 / 2026-12-31 / Design 2026-04-01 (the plan in
 *  force at the first approval), v2 120,000.00 / 2027-01-30 / 2026-05-01,
 *  v3 115,000.00 / 2027-03-31 / 2026-05-01.  Refused approvals (negative
 *  budget, overflow, finish before start, closed project) change nothing:
 *  same baselines, same project, no event.  The change request state
 *  machine is tried for every from/to pair. */
#include <stdio.h>

#include "gov_util.h"

static tenv_t e;

static const char *const k_names[] = {"", "submitted", "approved", "rejected", "withdrawn"};

static void
s_baseline (json_object *j, int k, int version, const char *finish, long long bac, const char *design)
{
    char path[64];
    snprintf (path, sizeof path, "baselines.%d.version", k);
    CHECK_EQ_I64 (json_int (j, path), version);
    snprintf (path, sizeof path, "baselines.%d.start", k);
    CHECK_STR (json_str (j, path), "2026-01-01");
    snprintf (path, sizeof path, "baselines.%d.finish", k);
    CHECK_STR (json_str (j, path), finish);
    snprintf (path, sizeof path, "baselines.%d.bac_minor", k);
    CHECK_EQ_I64 (json_int (j, path), bac);
    snprintf (path, sizeof path, "baselines.%d.currency", k);
    CHECK_STR (json_str (j, path), "EUR");
    snprintf (path, sizeof path, "baselines.%d.milestones.0.name", k);
    CHECK_STR (json_str (j, path), "Design");
    snprintf (path, sizeof path, "baselines.%d.milestones.0.due", k);
    CHECK_STR (json_str (j, path), design);
    snprintf (path, sizeof path, "baselines.%d.milestones.1.name", k);
    CHECK_STR (json_str (j, path), "Launch");
    snprintf (path, sizeof path, "baselines.%d.milestones.1.due", k);
    CHECK_STR (json_str (j, path), "2026-12-01");
}

/*  The project as pmoctl shows it: bac, finish, Design's due date. */
static void
s_project_is (const char *code, long long bac, const char *finish, const char *design, long long version)
{
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    CHECK_EQ_I64 (json_int (j, "project.bac_minor"), bac);
    CHECK_STR (json_str (j, "project.finish"), finish);
    CHECK_STR (json_str (j, "milestones.0.due"), design);
    if (version)
        CHECK_EQ_I64 (json_int (j, "project.baseline_version"), version);
    else
        CHECK (json_get (j, "project.baseline_version") == NULL);
    json_object_put (j);
}

static long long
s_count (json_object *j, const char *key)
{
    json_object *a = json_get (j, key);
    return a ? (long long) json_object_array_length (a) : -1;
}

static void
s_history (void)
{
    /*  Before change control: one provisional version, the plan in force. */
    gov_ok (RUN (CTL, "project", "set", "CC", "--budget", "100000.00 EUR"));
    json_object *j = RUN_JSON (CTL, "project", "baselines", "CC", "--json");
    CHECK_EQ_I64 (s_count (j, "baselines"), 1);
    CHECK_EQ_I64 (json_int (j, "baselines.0.bac_minor"), 10000000);
    CHECK (json_object_get_boolean (json_get (j, "baselines.0.provisional")));
    json_object_put (j);

    char since[24], topics[512];
    gov_last_seq (since);
    gov_ok (RUN (CTL, "--actor", "ana", "change", "submit", "CC", "--description", "Second landing site", "--cost",
                 "+20000.00 EUR", "--days", "30", "Design=2026-05-01"));
    gov_ok (RUN (CTL, "--actor", "ana", "change", "submit", "CC", "--description", "Smaller rover", "--cost",
                 "-5000.00 EUR", "--finish", "2027-03-31"));
    gov_ok (RUN (CTL, "--actor", "ana", "change", "submit", "CC", "--description", "Gold paint", "--cost",
                 "1000.00 EUR"));
    gov_ok (RUN (CTL, "--actor", "ana", "change", "submit", "CC", "--description", "Extra year", "--days", "365"));
    gov_topics ("CC", since, topics, sizeof topics);
    CHECK_STR (topics, "change.submitted change.submitted change.submitted change.submitted");

    /*  Withdrawn and rejected change nothing. */
    gov_last_seq (since);
    gov_ok (RUN (CTL, "--actor", "ana", "change", "withdraw", "CC", "3", "--reason", "not needed"));
    gov_ok (RUN (CTL, "--actor", "dora", "change", "reject", "CC", "4", "--reason", "no case for it"));
    gov_topics ("CC", since, topics, sizeof topics);
    CHECK_STR (topics, "change.withdrawn change.rejected");
    s_project_is ("CC", 10000000, "2026-12-31", "2026-04-01", 0);
    j = RUN_JSON (CTL, "project", "baselines", "CC", "--json");
    CHECK_EQ_I64 (s_count (j, "baselines"), 1);
    CHECK (json_object_get_boolean (json_get (j, "baselines.0.provisional")));
    json_object_put (j);

    /*  First approval: version 1 stored from the plan in force, then v2. */
    gov_last_seq (since);
    gov_ok (RUN (CTL, "--actor", "dora", "change", "approve", "CC", "1", "--reason", "customer pays"));
    gov_topics ("CC", since, topics, sizeof topics);
    CHECK_STR (topics, "baseline.created milestone.updated project.updated baseline.created change.approved");
    s_project_is ("CC", 12000000, "2027-01-30", "2026-05-01", 2);

    gov_last_seq (since);
    gov_ok (RUN (CTL, "--actor", "dora", "change", "approve", "CC", "2", "--reason", "saves money"));
    gov_topics ("CC", since, topics, sizeof topics);
    CHECK_STR (topics, "project.updated baseline.created change.approved");
    s_project_is ("CC", 11500000, "2027-03-31", "2026-05-01", 3);

    j = RUN_JSON (CTL, "project", "baselines", "CC", "--json");
    CHECK_EQ_I64 (s_count (j, "baselines"), 3);
    s_baseline (j, 0, 1, "2026-12-31", 10000000, "2026-04-01");
    s_baseline (j, 1, 2, "2027-01-30", 12000000, "2026-05-01");
    s_baseline (j, 2, 3, "2027-03-31", 11500000, "2026-05-01");
    CHECK (json_get (j, "baselines.0.change") == NULL);
    CHECK_EQ_I64 (json_int (j, "baselines.1.change"), 1);
    CHECK_EQ_I64 (json_int (j, "baselines.2.change"), 2);
    CHECK (json_get (j, "baselines.0.provisional") == NULL);
    CHECK_STR (json_str (j, "baselines.0.actor"), "dora");
    CHECK_STR (json_str (j, "baselines.2.actor"), "dora");
    json_object_put (j);

    j = RUN_JSON (CTL, "change", "list", "CC", "--json");
    CHECK_EQ_I64 (s_count (j, "changes"), 4);
    CHECK_STR (json_str (j, "changes.0.status"), "approved");
    CHECK_STR (json_str (j, "changes.0.requested_by"), "ana");
    CHECK_STR (json_str (j, "changes.0.decided_by"), "dora");
    CHECK_STR (json_str (j, "changes.0.decision_reason"), "customer pays");
    CHECK_EQ_I64 (json_int (j, "changes.0.cost_impact_minor"), 2000000);
    CHECK_EQ_I64 (json_int (j, "changes.0.schedule_days"), 30);
    CHECK_EQ_I64 (json_int (j, "changes.0.baseline_version"), 2);
    CHECK_EQ_I64 (json_int (j, "changes.0.new_bac_minor"), 12000000);
    CHECK_STR (json_str (j, "changes.0.new_finish"), "2027-01-30");
    CHECK_EQ_I64 (json_int (j, "changes.1.cost_impact_minor"), -500000);
    CHECK_STR (json_str (j, "changes.1.new_finish"), "2027-03-31");
    CHECK_STR (json_str (j, "changes.2.status"), "withdrawn");
    CHECK_STR (json_str (j, "changes.2.decided_by"), "ana");
    CHECK (json_get (j, "changes.2.baseline_version") == NULL);
    CHECK_STR (json_str (j, "changes.3.status"), "rejected");
    CHECK_STR (json_str (j, "changes.3.decision_reason"), "no case for it");
    json_object_put (j);
    j = RUN_JSON (CTL, "change", "list", "CC", "--status", "approved", "--json");
    CHECK_EQ_I64 (s_count (j, "changes"), 2);
    json_object_put (j);
}

/*  Refused approvals: each changes nothing, and logs nothing. */
static void
s_refusals (void)
{
    CHECK_REPLY (change_submit ("CC", "Cut", true, -20000000, NULL, false, 0, NULL, NULL), OK_, "");      /* 5 */
    CHECK_REPLY (change_submit ("CC", "Huge", true, 999999999999999LL, NULL, false, 0, NULL, NULL), OK_, ""); /* 6 */
    CHECK_REPLY (change_submit ("CC", "Rewind", false, 0, NULL, true, -500, NULL, NULL), OK_, "");         /* 7 */
    char before[24], after[24];
    gov_last_seq (before);
    CHECK_REPLY (change_decide ("CC", 5, PMO__CHANGE_STATUS__CHANGE_APPROVED, "try"), INVALID_,
                 "cost_impact: -200000.00 EUR on a budget of 115000.00 EUR would make it negative");
    CHECK_REPLY (change_decide ("CC", 6, PMO__CHANGE_STATUS__CHANGE_APPROVED, "try"), INVALID_,
                 "cost_impact: 9999999999999.99 EUR on a budget of 115000.00 EUR would exceed the limit of "
                 "10^15 minor units");
    CHECK_REPLY (change_decide ("CC", 7, PMO__CHANGE_STATUS__CHANGE_APPROVED, "try"), INVALID_,
                 "finish: 2025-11-16 would be before the start of project CC, 2026-01-01");
    gov_last_seq (after);
    CHECK_STR (after, before);
    s_project_is ("CC", 11500000, "2027-03-31", "2026-05-01", 3);
    json_object *j = RUN_JSON (CTL, "project", "baselines", "CC", "--json");
    CHECK_EQ_I64 (s_count (j, "baselines"), 3);
    json_object_put (j);
    j = RUN_JSON (CTL, "change", "list", "CC", "--status", "submitted", "--json");
    CHECK_EQ_I64 (s_count (j, "changes"), 3);
    json_object_put (j);

    /*  Bad requests. */
    CHECK_REPLY (change_submit ("CC", "Both", false, 0, "2027-05-01", true, 3, NULL, NULL), INVALID_,
                 "schedule_days: give a new finish or a number of days, not both");
    CHECK_REPLY (change_submit ("CC", "Nothing", false, 0, NULL, false, 0, NULL, NULL), INVALID_,
                 "impact: none given (a cost impact, a new finish, days or milestone due dates)");
    CHECK_REPLY (change_submit ("CC", "Where", false, 0, NULL, false, 0, "Nope", "2026-06-01"), NOT_FOUND_,
                 "milestones: milestone \"Nope\" of project CC: not found");
    CHECK_REPLY (change_submit ("CC", "When", false, 0, NULL, false, 0, "Design", "2026-13-01"), INVALID_,
                 "milestones: \"Design\" needs a new due date YYYY-MM-DD, not \"2026-13-01\"");
    CHECK_REPLY (change_submit ("CC", "", true, 100, NULL, false, 0, NULL, NULL), INVALID_,
                 "description: must not be empty");
    CHECK_REPLY (change_submit ("NOPE", "x", true, 100, NULL, false, 0, NULL, NULL), NOT_FOUND_,
                 "project NOPE: not found");
    CHECK_REPLY (change_decide ("CC", 5, PMO__CHANGE_STATUS__CHANGE_APPROVED, NULL), INVALID_,
                 "reason: required to decide change request CC/5 (why)");
    CHECK_REPLY (change_decide ("CC", 99, PMO__CHANGE_STATUS__CHANGE_REJECTED, "x"), NOT_FOUND_,
                 "change request CC/99: not found");
    gov_last_seq (after);
    CHECK_STR (after, before);

    /*  Under change control, the baseline changes only through requests. */
    run_t r = RUN (CTL, "project", "set", "CC", "--budget", "1.00 EUR");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: budget: project CC is under change control (baseline 3): submit a change request "
                      "(pmoctl change submit)\n");
    run_free (&r);
    r = RUN (CTL, "project", "set", "CC", "--finish", "2027-12-31");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: finish: project CC is under change control (baseline 3): submit a change request "
                      "(pmoctl change submit)\n");
    run_free (&r);
    r = RUN (CTL, "milestone", "set", "CC", "Launch", "--due", "2027-01-15");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: due: project CC is under change control (baseline 3): due dates change through a "
                      "change request (pmoctl change submit)\n");
    run_free (&r);
    /*  Forecasts and names are not the baseline. */
    gov_ok (RUN (CTL, "milestone", "set", "CC", "Launch", "--forecast", "2027-01-15"));
    gov_ok (RUN (CTL, "project", "set", "CC", "--name", "Moon base"));
    s_project_is ("CC", 11500000, "2027-03-31", "2026-05-01", 3);

    /*  A closed project approves nothing; rejecting what is left is fine. */
    CHECK_REPLY (change_submit ("CLS", "Late idea", true, 100, NULL, false, 0, NULL, NULL), OK_, "");
    CHECK_REPLY (project_close ("CLS", 1, "scope", "small team", "write things down"), OK_, "");
    gov_last_seq (before);
    CHECK_REPLY (change_decide ("CLS", 1, PMO__CHANGE_STATUS__CHANGE_APPROVED, "go"), STATE_,
                 "project CLS is closed: no change to its baseline can be approved");
    gov_last_seq (after);
    CHECK_STR (after, before);
    CHECK_REPLY (change_submit ("CLS", "Later", true, 100, NULL, false, 0, NULL, NULL), STATE_,
                 "project CLS is closed: it takes no new change requests");
    CHECK_REPLY (change_decide ("CLS", 1, PMO__CHANGE_STATUS__CHANGE_REJECTED, "project closed"), OK_, "");
    json_object *k = RUN_JSON (CTL, "project", "show", "CLS", "--json");
    CHECK_EQ_I64 (json_int (k, "project.bac_minor"), 100000);
    json_object_put (k);
}

/*  Every from/to pair of the change request's life cycle. */
static void
s_table (void)
{
    uint32_t next = 1;
    char want[256];
    for (int from = 1; from <= 4; from++) {
        for (int to = 1; to <= 4; to++) {
            uint32_t id = next++;
            CHECK_REPLY (change_submit ("TBL", "table", true, 100, NULL, false, 0, NULL, NULL), OK_, "");
            if (from != PMO__CHANGE_STATUS__CHANGE_SUBMITTED)
                CHECK_REPLY (change_decide ("TBL", id, (Pmo__ChangeStatus) from, "setup"), OK_, "");
            int status = OK_;
            want[0] = '\0';
            if (from == to) {
                status = STATE_;
                snprintf (want, sizeof want, "status: change request TBL/%u is already %s", id, k_names[to]);
            } else if (from != PMO__CHANGE_STATUS__CHANGE_SUBMITTED) {
                status = STATE_;
                snprintf (want, sizeof want, "status: change request TBL/%u cannot go from %s to %s: %s is final", id,
                          k_names[from], k_names[to], k_names[from]);
            }
            int got = change_decide ("TBL", id, (Pmo__ChangeStatus) to, "because");
            CHECK_EQ_I64 (got, status);
            CHECK_STR (gov_reason, want);
            if (got != status)
                fprintf (stderr, "  change %s -> %s\n", k_names[from], k_names[to]);
            Pmo__RegisterQuery q = PMO__REGISTER_QUERY__INIT;
            q.has_kind = q.has_id = true;
            q.kind = PMO__REGISTER_KIND__REGISTER_CHANGES;
            q.project = (char *) "TBL";
            q.id = id;
            REQ (req, REGISTER_QUERY, register_query, &q);
            Pmo__Reply *r = call (gov_client, &req);
            REQUIRE_VOID (r && r->body_case == PMO__REPLY__BODY_REGISTERS && r->registers->n_changes == 1);
            CHECK_EQ_I64 (r->registers->changes[0]->status, status == OK_ ? to : from);
            pmo_wire_free (r);
        }
    }
    /*  Approvals in the table: submitted->approved once, and the approved
     *  from-states (4 setups), each +1.00 EUR on 1,000.00 EUR. */
    json_object *j = RUN_JSON (CTL, "project", "baselines", "TBL", "--json");
    CHECK_EQ_I64 (s_count (j, "baselines"), 6);
    CHECK_EQ_I64 (json_int (j, "baselines.5.bac_minor"), 100500);
    json_object_put (j);
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "change") == 0);
    const char *now[] = {"--now", "2026-03-02T09:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &gov_client) == 0);

    gov_ok (RUN (CTL, "team", "add", "T1", "--name", "Team"));
    gov_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "50.00 EUR"));
    const char *codes[] = {"CC", "CLS", "TBL"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (codes); i++) {
        gov_ok (RUN (CTL, "project", "add", codes[i], "--name", "P", "--start", "2026-01-01", "--finish",
                     "2026-12-31", "--budget", i == 0 ? "90000.00 EUR" : "1000.00 EUR", "--status", "approved"));
        gov_ok (RUN (CTL, "project", "set", codes[i], "--status", "active"));
    }
    gov_ok (RUN (CTL, "milestone", "add", "CC", "Design", "--due", "2026-04-01"));
    gov_ok (RUN (CTL, "milestone", "add", "CC", "Launch", "--due", "2026-12-01"));

    s_history ();
    s_refusals ();
    s_table ();

    pmo_client_close (&gov_client);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
