/*  42-closure: closing projects with a closure record and lessons learned,
 *  through a real pmod, pmo-agent and pmoctl --json.
 *
 *  OUT: baseline 2026-01-01..2026-06-30, 50,000.00 EUR; change request 1
 *  (+10,000.00 EUR, finish 2026-07-31) approved: baseline 2.  Booked:
 *  30,000.00 EUR contractor cost on 2026-07-10, 10 h of ana at 50.00 EUR/h
 *  on 2026-07-20 (500.00 EUR), milestone M reached 2026-07-25, 100 % on
 *  2026-08-05.  Closed on 2026-08-20:
 *    AC 30,500.00; BAC 60,000.00, variance 29,500.00; original BAC
 *    50,000.00, variance 19,500.00; actual finish 2026-08-05 (last
 *    activity); slip +5 days against 2026-07-31, +36 against 2026-06-30.
 *  NOB: nothing booked, closed the same day: AC 0, finish = closing day.
 *  The close transition from every project status; refusal without
 *  lessons or with incomplete ones; project set --status closed pointed to
 *  the close command; lesson search by category and words, exact hits. */
#include <stdio.h>

#include "gov_util.h"

#define AGENT PMO_AGENT_BIN

static tenv_t e;

static const char *const k_status[] = {"", "proposed", "approved", "active", "on_hold", "closed", "cancelled"};

/*  A fresh project CODE in status s (1..6). */
static void
s_project_in (const char *code, int s)
{
    gov_ok (RUN (CTL, "project", "add", code, "--name", "P", "--start", "2026-01-01", "--finish", "2026-12-31",
                 "--budget", "1000.00 EUR"));
    if (s == PMO__PROJECT_STATUS__PROJECT_CANCELLED)
        CHECK_REPLY (project_status (code, PMO__PROJECT_STATUS__PROJECT_CANCELLED), OK_, "");
    if (s == PMO__PROJECT_STATUS__PROJECT_PROPOSED || s == PMO__PROJECT_STATUS__PROJECT_CANCELLED)
        return;
    CHECK_REPLY (project_status (code, PMO__PROJECT_STATUS__PROJECT_APPROVED), OK_, "");
    if (s == PMO__PROJECT_STATUS__PROJECT_ON_HOLD || s == PMO__PROJECT_STATUS__PROJECT_ACTIVE)
        CHECK_REPLY (project_status (code, (Pmo__ProjectStatus) s), OK_, "");
    if (s == PMO__PROJECT_STATUS__PROJECT_CLOSED) {
        CHECK_REPLY (project_status (code, PMO__PROJECT_STATUS__PROJECT_ACTIVE), OK_, "");
        CHECK_REPLY (project_close (code, 1, "setup", "it ran", "close it"), OK_, "");
    }
}

static const char *
s_status_of (const char *code)
{
    static char buf[32];
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    snprintf (buf, sizeof buf, "%s", json_str (j, "project.status") ? json_str (j, "project.status") : "?");
    json_object_put (j);
    return buf;
}

static void
s_close_table (void)
{
    char code[16], want[256];
    for (int from = 1; from <= 6; from++) {
        /*  project close */
        snprintf (code, sizeof code, "C%d", from);
        s_project_in (code, from);
        int status = OK_;
        want[0] = '\0';
        if (from == PMO__PROJECT_STATUS__PROJECT_CLOSED) {
            status = STATE_;
            snprintf (want, sizeof want, "status: project %s is already closed", code);
        } else if (from != PMO__PROJECT_STATUS__PROJECT_ACTIVE) {
            status = STATE_;
            snprintf (want, sizeof want, "status: project %s cannot go from %s to closed", code, k_status[from]);
        }
        int got = project_close (code, 1, "table", "ran", "keep going");
        CHECK_EQ_I64 (got, status);
        CHECK_STR (gov_reason, want);
        CHECK_STR (s_status_of (code), status == OK_ ? "closed" : k_status[from]);

        /*  project set --status closed: never a way around the record. */
        snprintf (code, sizeof code, "S%d", from);
        s_project_in (code, from);
        status = STATE_;
        if (from == PMO__PROJECT_STATUS__PROJECT_ACTIVE)
            snprintf (want, sizeof want,
                      "status: project %s closes only with pmoctl project close, which records the outcome "
                      "against the baseline and the lessons learned",
                      code);
        else if (from == PMO__PROJECT_STATUS__PROJECT_CLOSED) {
            status = OK_;  /* already closed: the life cycle's no-op */
            want[0] = '\0';
        } else
            snprintf (want, sizeof want, "status: project %s cannot go from %s to closed", code, k_status[from]);
        got = project_status (code, PMO__PROJECT_STATUS__PROJECT_CLOSED);
        CHECK_EQ_I64 (got, status);
        CHECK_STR (gov_reason, want);
        CHECK_STR (s_status_of (code), k_status[from]);
    }
}

static void
s_refusals (void)
{
    char before[24], after[24];
    gov_last_seq (before);
    CHECK_REPLY (project_close ("C3X", 1, "a", "b", "c"), NOT_FOUND_, "project C3X: not found");
    CHECK_REPLY (project_close ("OUT", 0, NULL, NULL, NULL), INVALID_,
                 "lessons: closing project OUT needs at least one lesson learned");
    CHECK_REPLY (project_close ("OUT", 1, NULL, "b", "c"), INVALID_, "lesson 1: category: must not be empty");
    CHECK_REPLY (project_close ("OUT", 1, "a", "b", NULL), INVALID_, "lesson 1: recommendation: must not be empty");
    CHECK_REPLY (project_close ("OUT", 1, "a", NULL, "c"), INVALID_,
                 "lesson 1: went_well: missing, as is went_badly (give either)");
    CHECK_REPLY (project_close ("OUT", 1, "two words", "b", "c"), INVALID_,
                 "lesson 1: category: character 4 (byte 0x20) is not a letter, digit, '-' or '_'");
    gov_last_seq (after);
    CHECK_STR (after, before);
    CHECK_STR (s_status_of ("OUT"), "active");
    run_t r = RUN (CTL, "project", "close", "OUT");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: lessons: closing project OUT needs at least one lesson learned\n");
    run_free (&r);
    r = RUN (CTL, "project", "closure", "OUT");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: project OUT has no closure record (it is active)\n");
    run_free (&r);
    CHECK_STR (s_status_of ("OUT"), "active");
}

static void
s_outcome (void)
{
    char since[24], topics[256];
    char path[512];
    snprintf (path, sizeof path, "%s/lessons.jsonl", e.dir);
    REQUIRE_VOID (write_file (path,
                              "{\"category\":\"supplier\",\"went_badly\":\"Late steel delivery\","
                              "\"recommendation\":\"Dual-source steel\"}\n"
                              "\n"
                              "{\"category\":\"Planning\",\"went_well\":\"Milestones early\",\"went_badly\":"
                              "\"Scope crept\",\"recommendation\":\"Freeze scope at gate 2\"}\n")
                  == 0);
    gov_last_seq (since);
    run_t r = RUN (CTL, "--actor", "dora", "project", "close", "OUT", "--category", "planning", "--went-well",
                   "Buffers saved us", "--recommendation", "Keep a 10% buffer", "--lessons", path, "--summary",
                   "Landed, a little late");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, "project OUT closed (seq "));
    CHECK (r.out && strstr (r.out, "slip +5 days"));
    if (r.status)
        fprintf (stderr, "stderr: %s\n", r.err);
    run_free (&r);
    gov_topics ("OUT", since, topics, sizeof topics);
    CHECK_STR (topics, "project.updated project.closed");

    json_object *j = RUN_JSON (CTL, "project", "closure", "OUT", "--json");
    CHECK_STR (json_str (j, "project"), "OUT");
    CHECK_STR (json_str (j, "closed_on"), "2026-08-20");
    CHECK_STR (json_str (j, "closed_by"), "dora");
    CHECK_STR (json_str (j, "summary"), "Landed, a little late");
    CHECK_STR (json_str (j, "currency"), "EUR");
    CHECK_EQ_I64 (json_int (j, "actual_cost_minor"), 3050000);
    CHECK_EQ_I64 (json_int (j, "bac_minor"), 6000000);
    CHECK_EQ_I64 (json_int (j, "cost_variance_minor"), 2950000);
    CHECK_EQ_I64 (json_int (j, "original_bac_minor"), 5000000);
    CHECK_EQ_I64 (json_int (j, "original_cost_variance_minor"), 1950000);
    CHECK_STR (json_str (j, "actual_finish"), "2026-08-05");
    CHECK_STR (json_str (j, "baseline_finish"), "2026-07-31");
    CHECK_EQ_I64 (json_int (j, "slip_days"), 5);
    CHECK_STR (json_str (j, "original_finish"), "2026-06-30");
    CHECK_EQ_I64 (json_int (j, "original_slip_days"), 36);
    CHECK_EQ_I64 (json_int (j, "baseline_version"), 2);
    CHECK_EQ_I64 (json_int (j, "percent_bp"), 10000);
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "lessons")), 3);
    CHECK_STR (json_str (j, "lessons.0.category"), "planning");
    CHECK_STR (json_str (j, "lessons.1.went_badly"), "Late steel delivery");
    CHECK (json_get (j, "lessons.1.went_well") == NULL);
    CHECK_EQ_I64 (json_int (j, "lessons.2.number"), 3);
    json_object_put (j);
    CHECK_STR (s_status_of ("OUT"), "closed");

    /*  The audit log carries the same record. */
    j = RUN_JSON (CTL, "log", "--project", "OUT", "--since", since, "--json");
    CHECK_STR (json_str (j, "events.0.project_record.status"), "closed");
    CHECK_EQ_I64 (json_int (j, "events.1.closure.actual_cost_minor"), 3050000);
    CHECK_STR (json_str (j, "events.1.actor"), "dora");
    json_object_put (j);

    /*  Nothing booked: the closing day is the finish. */
    gov_ok (RUN (CTL, "project", "close", "NOB", "--category", "supplier", "--went-well", "Good contract",
                 "--recommendation", "Reuse the contract template"));
    j = RUN_JSON (CTL, "project", "closure", "NOB", "--json");
    CHECK_EQ_I64 (json_int (j, "actual_cost_minor"), 0);
    CHECK_EQ_I64 (json_int (j, "cost_variance_minor"), 200000);
    CHECK_STR (json_str (j, "actual_finish"), "2026-08-20");
    CHECK_EQ_I64 (json_int (j, "slip_days"), -133);  /* 2026-12-31 - 2026-08-20 */
    CHECK_EQ_I64 (json_int (j, "baseline_version"), 1);
    json_object_put (j);

    /*  A closed project takes no new register items. */
    CHECK_REPLY (risk_add ("OUT", "late", 1, 1, "ana"), STATE_, "project OUT is closed: it takes no new risks");
    CHECK_REPLY (issue_add ("OUT", "late", PMO__SEVERITY__SEVERITY_LOW, "ana"), STATE_,
                 "project OUT is closed: it takes no new issues");
}

/*  "PROJECT/NUMBER ..." of the lessons a search finds, in order. */
static void
s_search (const char *category, const char *text, const char *want)
{
    json_object *j;
    if (category && text)
        j = RUN_JSON (CTL, "lessons", "--category", category, "--text", text, "--json");
    else if (category)
        j = RUN_JSON (CTL, "lessons", "--category", category, "--json");
    else
        j = RUN_JSON (CTL, "lessons", "--text", text, "--json");
    char got[256] = "";
    json_object *ls = json_get (j, "lessons");
    CHECK (ls != NULL);
    for (size_t i = 0; ls && i < json_object_array_length (ls); i++) {
        json_object *l = json_object_array_get_idx (ls, i);
        size_t len = strlen (got);
        snprintf (got + len, sizeof got - len, "%s%s/%lld", len ? " " : "", json_str (l, "project"),
                  json_int (l, "number"));
    }
    CHECK_STR (got, want);
    json_object_put (j);
}

static void
s_lessons (void)
{
    /*  C3 and S? closures from the table hold category "table" and "setup". */
    s_search ("planning", NULL, "OUT/1 OUT/3");
    s_search ("SUPPLIER", NULL, "NOB/1 OUT/2");
    s_search (NULL, "steel", "OUT/2");
    s_search (NULL, "scope GATE", "OUT/3");
    s_search (NULL, "contract", "NOB/1");
    s_search ("supplier", "dual", "OUT/2");
    s_search (NULL, "buffer 10%", "OUT/1");
    s_search (NULL, "nothing-like-this", "");
    s_search ("table", NULL, "C3/1");
    json_object *j = RUN_JSON (CTL, "lessons", "--category", "planning", "--json");
    CHECK_STR (json_str (j, "lessons.0.closed_on"), "2026-08-20");
    CHECK_STR (json_str (j, "lessons.0.recommendation"), "Keep a 10% buffer");
    json_object_put (j);
    run_t r = RUN (CTL, "lessons", "--category", "supplier", "--csv");
    CHECK_EQ_I64 (r.status, 0);
    CHECK_STR (r.out, "project,number,closed_on,category,went_well,went_badly,recommendation\n"
                      "NOB,1,2026-08-20,supplier,Good contract,,Reuse the contract template\n"
                      "OUT,2,2026-08-20,supplier,,Late steel delivery,Dual-source steel\n");
    run_free (&r);
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "closure") == 0);
    const char *now[] = {"--now", "2026-08-20T09:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &gov_client) == 0);

    gov_ok (RUN (CTL, "team", "add", "T1", "--name", "Team"));
    gov_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "50.00 EUR"));
    gov_ok (RUN (CTL, "project", "add", "OUT", "--name", "Outcome", "--start", "2026-01-01", "--finish", "2026-06-30",
                 "--budget", "50000.00 EUR", "--status", "approved", "--team", "T1"));
    gov_ok (RUN (CTL, "project", "set", "OUT", "--status", "active"));
    gov_ok (RUN (CTL, "milestone", "add", "OUT", "M", "--due", "2026-05-01"));
    gov_ok (RUN (CTL, "change", "submit", "OUT", "--description", "More", "--cost", "10000.00 EUR", "--finish",
                 "2026-07-31"));
    gov_ok (RUN (CTL, "change", "approve", "OUT", "1", "--reason", "needed"));
    gov_ok (RUN (AGENT, "--agent", "fin", "cost", "--project", "OUT", "--amount", "30000.00 EUR", "--date",
                 "2026-07-10", "--category", "contractor"));
    gov_ok (RUN (AGENT, "--agent", "fin", "time", "--person", "ana", "--project", "OUT", "--hours", "10", "--date",
                 "2026-07-20"));
    gov_ok (RUN (CTL, "milestone", "reach", "OUT", "M", "--date", "2026-07-25"));
    gov_ok (RUN (AGENT, "--agent", "fin", "progress", "--project", "OUT", "--percent", "100", "--date",
                 "2026-08-05"));
    gov_ok (RUN (CTL, "project", "add", "NOB", "--name", "Nothing booked", "--start", "2026-01-01", "--finish",
                 "2026-12-31", "--budget", "2000.00 EUR", "--status", "approved"));
    gov_ok (RUN (CTL, "project", "set", "NOB", "--status", "active"));

    s_close_table ();
    s_refusals ();
    s_outcome ();
    s_lessons ();

    pmo_client_close (&gov_client);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
