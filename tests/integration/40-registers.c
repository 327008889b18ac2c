/*  40-registers: the risk register and the issue log through a real pmod.
 *
 *  - the heat map of `pmoctl risks --json/--csv`, exact per cell, with its
 *    --programme and --project filters, closed/accepted/occurred risks and
 *    a cancelled project's risks left out;
 *  - every risk transition, table-driven: for each from-state a fresh risk
 *    tries each to-state, OK or STATE with the exact reason; the same for
 *    risk occur (risk -> issue) and for every issue transition;
 *  - validation: unknown project or person, levels outside 1..5, a bad
 *    date, an oversized title, a cancelled project; nothing changed;
 *  - each write in pmoctl log with its topic and actor. */
#include <stdio.h>

#include "gov_util.h"

static tenv_t e;

static const char *const k_risk_names[] = {"", "open", "mitigating", "accepted", "closed", "occurred"};
static const char *const k_issue_names[] = {"", "open", "in_progress", "resolved", "closed"};

/*  One item of a register, through register_query (caller frees reply). */
static Pmo__Reply *
s_item (Pmo__RegisterKind kind, const char *project, uint32_t id)
{
    Pmo__RegisterQuery q = PMO__REGISTER_QUERY__INIT;
    q.has_kind = true;
    q.kind = kind;
    q.project = (char *) project;
    q.has_id = true;
    q.id = id;
    REQ (req, REGISTER_QUERY, register_query, &q);
    Pmo__Reply *r = call (gov_client, &req);
    if (!r || r->body_case != PMO__REPLY__BODY_REGISTERS) {
        pmo_wire_free (r);
        return NULL;
    }
    return r;
}

static int
s_risk_status_of (const char *project, uint32_t id)
{
    Pmo__Reply *r = s_item (PMO__REGISTER_KIND__REGISTER_RISKS, project, id);
    int s = r && r->registers->n_risks == 1 ? (int) r->registers->risks[0]->status : -1;
    pmo_wire_free (r);
    return s;
}

static int
s_issue_status_of (const char *project, uint32_t id)
{
    Pmo__Reply *r = s_item (PMO__REGISTER_KIND__REGISTER_ISSUES, project, id);
    int s = r && r->registers->n_issues == 1 ? (int) r->registers->issues[0]->status : -1;
    pmo_wire_free (r);
    return s;
}

/*  ---- heat map ---------------------------------------------------------------- */

static long long
s_cell (json_object *j, int p, int i)
{
    char path[32];
    snprintf (path, sizeof path, "heatmap.%d.count", (5 - p) * 5 + (i - 1));
    return json_int (j, path);
}

static void
s_heatmap (void)
{
    /*  HEAT1 (SPACE): 5x5 open, 5x5 mitigating, 4x2 open, 1x1 accepted,
     *  3x3 closed.  HEAT2 (EARTH): 4x2 open, 2x5 mitigating, 3x3 occurred.
     *  GONE (EARTH, cancelled): 1x5 open. */
    gov_ok (RUN (CTL, "risk", "add", "HEAT1", "--title", "Launch window missed", "--probability", "5", "--impact",
                 "5", "--owner", "ana"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT1", "--title", "Fuel supplier", "--probability", "5", "--impact", "5",
                 "--owner", "ana"));
    gov_ok (RUN (CTL, "risk", "set", "HEAT1", "2", "--status", "mitigating", "--mitigation", "second supplier"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT1", "--title", "Weather", "--probability", "4", "--impact", "2", "--owner",
                 "bo"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT1", "--title", "Minor", "--probability", "1", "--impact", "1", "--owner",
                 "bo"));
    gov_ok (RUN (CTL, "risk", "set", "HEAT1", "4", "--status", "accepted"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT1", "--title", "Gone away", "--probability", "3", "--impact", "3",
                 "--owner", "bo"));
    gov_ok (RUN (CTL, "risk", "set", "HEAT1", "5", "--status", "closed"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT2", "--title", "Permits", "--probability", "4", "--impact", "2", "--owner",
                 "ana"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT2", "--title", "Flood", "--probability", "2", "--impact", "5", "--owner",
                 "ana"));
    gov_ok (RUN (CTL, "risk", "set", "HEAT2", "2", "--status", "mitigating"));
    gov_ok (RUN (CTL, "risk", "add", "HEAT2", "--title", "Strike", "--probability", "3", "--impact", "3", "--owner",
                 "ana"));
    gov_ok (RUN (CTL, "risk", "set", "HEAT2", "3", "--status", "occurred"));
    gov_ok (RUN (CTL, "risk", "add", "GONE", "--title", "Old risk", "--probability", "1", "--impact", "5", "--owner",
                 "ana"));
    gov_ok (RUN (CTL, "project", "set", "GONE", "--status", "cancelled"));

    json_object *j = RUN_JSON (CTL, "risks", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "heatmap")), 25);
    CHECK_EQ_I64 (json_int (j, "counted"), 5);
    long long total = 0;
    for (int p = 1; p <= 5; p++)
        for (int i = 1; i <= 5; i++)
            total += s_cell (j, p, i);
    CHECK_EQ_I64 (total, 5);
    CHECK_EQ_I64 (s_cell (j, 5, 5), 2);
    CHECK_EQ_I64 (s_cell (j, 4, 2), 2);
    CHECK_EQ_I64 (s_cell (j, 2, 5), 1);
    CHECK_EQ_I64 (s_cell (j, 1, 1), 0);
    CHECK_EQ_I64 (s_cell (j, 3, 3), 0);
    CHECK_EQ_I64 (s_cell (j, 1, 5), 0);
    CHECK_EQ_I64 (json_int (j, "heatmap.0.probability"), 5);
    CHECK_EQ_I64 (json_int (j, "heatmap.0.impact"), 1);
    CHECK_EQ_I64 (json_int (j, "heatmap.24.probability"), 1);
    CHECK_EQ_I64 (json_int (j, "heatmap.24.impact"), 5);
    CHECK_EQ_I64 (json_int (j, "heatmap.4.score"), 25);
    /*  The risks behind it, by score, then project and id. */
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "risks")), 5);
    const char *order[][2] = {{"HEAT1", "1"}, {"HEAT1", "2"}, {"HEAT2", "2"}, {"HEAT1", "3"}, {"HEAT2", "1"}};
    const int scores[] = {25, 25, 10, 8, 8};
    for (int k = 0; k < 5; k++) {
        char path[32];
        snprintf (path, sizeof path, "risks.%d.project", k);
        CHECK_STR (json_str (j, path), order[k][0]);
        snprintf (path, sizeof path, "risks.%d.id", k);
        CHECK_EQ_I64 (json_int (j, path), atoi (order[k][1]));
        snprintf (path, sizeof path, "risks.%d.score", k);
        CHECK_EQ_I64 (json_int (j, path), scores[k]);
    }
    CHECK_STR (json_str (j, "risks.1.status"), "mitigating");
    CHECK_STR (json_str (j, "risks.1.mitigation"), "second supplier");
    json_object_put (j);

    j = RUN_JSON (CTL, "risks", "--programme", "SPACE", "--json");
    CHECK_EQ_I64 (json_int (j, "counted"), 3);
    CHECK_EQ_I64 (s_cell (j, 5, 5), 2);
    CHECK_EQ_I64 (s_cell (j, 4, 2), 1);
    CHECK_EQ_I64 (s_cell (j, 2, 5), 0);
    json_object_put (j);
    j = RUN_JSON (CTL, "risks", "--programme", "EARTH", "--json");
    CHECK_EQ_I64 (json_int (j, "counted"), 2);
    CHECK_EQ_I64 (s_cell (j, 4, 2), 1);
    CHECK_EQ_I64 (s_cell (j, 2, 5), 1);
    CHECK_EQ_I64 (s_cell (j, 1, 5), 0);
    json_object_put (j);
    j = RUN_JSON (CTL, "risks", "--project", "HEAT2", "--json");
    CHECK_EQ_I64 (json_int (j, "counted"), 2);
    CHECK_STR (json_str (j, "risks.0.title"), "Flood");
    json_object_put (j);
    j = RUN_JSON (CTL, "risks", "--project", "GONE", "--json");
    CHECK_EQ_I64 (json_int (j, "counted"), 0);
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "risks")), 0);
    json_object_put (j);

    run_t r = RUN (CTL, "risks", "--csv");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strncmp (r.out, "probability,impact,score,count\n5,1,5,0\n", 39) == 0);
    CHECK (r.out && strstr (r.out, "\n5,5,25,2\n") && strstr (r.out, "\n4,2,8,2\n") && strstr (r.out, "\n2,5,10,1\n"));
    run_free (&r);
    r = RUN (CTL, "risks", "--programme", "NOPE");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: programme NOPE: not found\n");
    run_free (&r);
}

/*  ---- the risk state machine --------------------------------------------------- */

static uint32_t s_next_risk = 1;   /* ids in project REG */
static uint32_t s_next_issue = 1;  /* ids of issues in REG (risk occur) */

static uint32_t
s_fresh_risk (Pmo__RiskStatus from)
{
    uint32_t id = s_next_risk++;
    CHECK_REPLY (risk_add ("REG", "table risk", 2, 3, "ana"), OK_, "");
    if (from != PMO__RISK_STATUS__RISK_OPEN)
        CHECK_REPLY (risk_status ("REG", id, from), OK_, "");
    CHECK_EQ_I64 (s_risk_status_of ("REG", id), from);
    return id;
}

static void
s_risk_table (void)
{
    char want[256];
    for (int from = 1; from <= 5; from++) {
        for (int to = 1; to <= 5; to++) {
            uint32_t id = s_fresh_risk ((Pmo__RiskStatus) from);
            int status = OK_;
            want[0] = '\0';
            if (from == to) {
                status = STATE_;
                snprintf (want, sizeof want, "status: risk REG/%u is already %s", id, k_risk_names[to]);
            } else if (from == PMO__RISK_STATUS__RISK_OCCURRED) {
                status = STATE_;
                snprintf (want, sizeof want,
                          "status: risk REG/%u cannot go from occurred to %s: occurred is final "
                          "(pmoctl risk occur turns it into an issue)",
                          id, k_risk_names[to]);
            } else if (from == PMO__RISK_STATUS__RISK_CLOSED) {
                status = STATE_;
                snprintf (want, sizeof want, "status: risk REG/%u cannot go from closed to %s: closed is final", id,
                          k_risk_names[to]);
            }
            int got = risk_status ("REG", id, (Pmo__RiskStatus) to);
            CHECK_EQ_I64 (got, status);
            CHECK_STR (gov_reason, want);
            if (got != status)
                fprintf (stderr, "  risk %s -> %s\n", k_risk_names[from], k_risk_names[to]);
            /*  A refusal changes nothing; an allowed move is stored. */
            CHECK_EQ_I64 (s_risk_status_of ("REG", id), status == OK_ ? to : from);
        }
    }

    /*  risk occur from every state: the risk becomes an issue once. */
    for (int from = 1; from <= 5; from++) {
        uint32_t id = s_fresh_risk ((Pmo__RiskStatus) from);
        int got = risk_occur ("REG", id);
        if (from == PMO__RISK_STATUS__RISK_CLOSED) {
            snprintf (want, sizeof want, "status: risk REG/%u cannot go from closed to occurred: closed is final",
                      id);
            CHECK_EQ_I64 (got, STATE_);
            CHECK_STR (gov_reason, want);
            CHECK_EQ_I64 (s_risk_status_of ("REG", id), PMO__RISK_STATUS__RISK_CLOSED);
            continue;
        }
        CHECK_EQ_I64 (got, OK_);
        CHECK_STR (gov_reason, "");
        uint32_t issue = s_next_issue++;
        Pmo__Reply *r = s_item (PMO__REGISTER_KIND__REGISTER_RISKS, "REG", id);
        REQUIRE_VOID (r && r->registers->n_risks == 1);
        CHECK_EQ_I64 (r->registers->risks[0]->status, PMO__RISK_STATUS__RISK_OCCURRED);
        CHECK (r->registers->risks[0]->has_issue);
        CHECK_EQ_I64 (r->registers->risks[0]->issue, issue);
        pmo_wire_free (r);
        r = s_item (PMO__REGISTER_KIND__REGISTER_ISSUES, "REG", issue);
        REQUIRE_VOID (r && r->registers->n_issues == 1);
        const Pmo__Issue *i = r->registers->issues[0];
        CHECK_EQ_I64 (i->risk, id);
        CHECK_STR (i->title, "table risk");
        CHECK_EQ_I64 (i->severity, PMO__SEVERITY__SEVERITY_MEDIUM);  /* impact 3 */
        CHECK_STR (i->owner, "ana");
        CHECK_EQ_I64 (i->status, PMO__ISSUE_STATUS__ISSUE_OPEN);
        pmo_wire_free (r);
        /*  Once it is an issue, it occurs no second time. */
        snprintf (want, sizeof want, "status: risk REG/%u occurred and is already issue REG/%u", id, issue);
        CHECK_REPLY (risk_occur ("REG", id), STATE_, want);
    }
    /*  A final risk's fields no longer change. */
    uint32_t id = s_fresh_risk (PMO__RISK_STATUS__RISK_CLOSED);
    Pmo__RiskUpdate u = PMO__RISK_UPDATE__INIT;
    u.project = (char *) "REG";
    u.has_id = true;
    u.id = id;
    u.title = (char *) "renamed";
    REQ (req, RISK_UPDATE, risk_update, &u);
    snprintf (want, sizeof want, "risk REG/%u is closed, a final state: it no longer changes", id);
    CHECK_REPLY (gov_call (&req), STATE_, want);
}

/*  ---- the issue state machine --------------------------------------------------- */

static uint32_t s_next_iss = 1;  /* ids in project ISS */

static uint32_t
s_fresh_issue (Pmo__IssueStatus from)
{
    uint32_t id = s_next_iss++;
    CHECK_REPLY (issue_add ("ISS", "table issue", PMO__SEVERITY__SEVERITY_HIGH, "bo"), OK_, "");
    if (from == PMO__ISSUE_STATUS__ISSUE_IN_PROGRESS)
        CHECK_REPLY (issue_status ("ISS", id, from, NULL), OK_, "");
    if (from == PMO__ISSUE_STATUS__ISSUE_RESOLVED || from == PMO__ISSUE_STATUS__ISSUE_CLOSED)
        CHECK_REPLY (issue_status ("ISS", id, PMO__ISSUE_STATUS__ISSUE_RESOLVED, "patched"), OK_, "");
    if (from == PMO__ISSUE_STATUS__ISSUE_CLOSED)
        CHECK_REPLY (issue_status ("ISS", id, from, NULL), OK_, "");
    CHECK_EQ_I64 (s_issue_status_of ("ISS", id), from);
    return id;
}

static void
s_issue_table (void)
{
    char want[256];
    for (int from = 1; from <= 4; from++) {
        for (int to = 1; to <= 4; to++) {
            uint32_t id = s_fresh_issue ((Pmo__IssueStatus) from);
            int status = OK_;
            want[0] = '\0';
            if (from == to) {
                status = STATE_;
                snprintf (want, sizeof want, "status: issue ISS/%u is already %s", id, k_issue_names[to]);
            } else if (from == PMO__ISSUE_STATUS__ISSUE_CLOSED) {
                status = STATE_;
                snprintf (want, sizeof want, "status: issue ISS/%u cannot go from closed to %s: closed is final", id,
                          k_issue_names[to]);
            } else if (to == PMO__ISSUE_STATUS__ISSUE_CLOSED && from != PMO__ISSUE_STATUS__ISSUE_RESOLVED) {
                status = STATE_;
                snprintf (want, sizeof want, "status: issue ISS/%u cannot go from %s to closed: resolve it first", id,
                          k_issue_names[from]);
            }
            const char *resolution = to == PMO__ISSUE_STATUS__ISSUE_RESOLVED ? "done" : NULL;
            int got = issue_status ("ISS", id, (Pmo__IssueStatus) to, resolution);
            CHECK_EQ_I64 (got, status);
            CHECK_STR (gov_reason, want);
            if (got != status)
                fprintf (stderr, "  issue %s -> %s\n", k_issue_names[from], k_issue_names[to]);
            CHECK_EQ_I64 (s_issue_status_of ("ISS", id), status == OK_ ? to : from);
        }
    }
    /*  Resolving needs the resolution, from open and from in_progress. */
    for (int from = 1; from <= 2; from++) {
        uint32_t id = s_fresh_issue ((Pmo__IssueStatus) from);
        snprintf (want, sizeof want, "resolution: required to resolve issue ISS/%u", id);
        CHECK_REPLY (issue_status ("ISS", id, PMO__ISSUE_STATUS__ISSUE_RESOLVED, NULL), INVALID_, want);
        CHECK_EQ_I64 (s_issue_status_of ("ISS", id), from);
    }
    /*  The resolution is kept, and shown by pmoctl. */
    json_object *j = RUN_JSON (CTL, "issue", "list", "ISS", "--status", "resolved", "--json");
    json_object *issues = json_get (j, "issues");
    /*  Resolved now: the table's open->resolved and in_progress->resolved,
     *  and the resolved issue whose resolved->resolved was refused. */
    CHECK_EQ_I64 (json_object_array_length (issues), 3);
    CHECK_STR (json_str (j, "issues.0.resolution"), "done");
    CHECK_STR (json_str (j, "issues.0.status"), "resolved");
    json_object_put (j);
}

/*  ---- validation -------------------------------------------------------------------- */

static void
s_validation (void)
{
    size_t before = 0;
    json_object *j = RUN_JSON (CTL, "risk", "list", "HEAT1", "--json");
    before = json_object_array_length (json_get (j, "risks"));
    json_object_put (j);

    CHECK_REPLY (risk_add ("NOPE", "x", 1, 1, "ana"), NOT_FOUND_, "project NOPE: not found");
    CHECK_REPLY (risk_add ("HEAT1", "x", 1, 1, "zed"), NOT_FOUND_, "owner: person zed: not found");
    CHECK_REPLY (risk_add ("HEAT1", "x", 6, 1, "ana"), INVALID_, "probability: 6 is outside 1..5");
    CHECK_REPLY (risk_add ("HEAT1", "x", 1, 0, "ana"), INVALID_, "impact: 0 is outside 1..5");
    CHECK_REPLY (risk_add ("HEAT1", "", 1, 1, "ana"), INVALID_, "title: must not be empty");
    char title[202];
    memset (title, 'a', 201);
    title[201] = '\0';
    CHECK_REPLY (risk_add ("HEAT1", title, 1, 1, "ana"), INVALID_, "title: is 201 bytes long; the limit is 200");
    {
        Pmo__Risk rk = PMO__RISK__INIT;
        rk.project = (char *) "HEAT1";
        rk.title = (char *) "dated";
        rk.has_probability = rk.has_impact = true;
        rk.probability = rk.impact = 2;
        rk.owner = (char *) "ana";
        rk.due = (char *) "2026-02-30";
        REQ (req, RISK_ADD, risk_add, &rk);
        Pmo__Reply *r = call (gov_client, &req);
        REQUIRE_VOID (r);
        CHECK_EQ_I64 (r->status, INVALID_);
        CHECK_STR (r->reason, "due: \"2026-02-30\" is not a valid date (want YYYY-MM-DD)");
        CHECK_STR (r->field, "due");
        pmo_wire_free (r);
    }
    CHECK_REPLY (risk_add ("GONE", "x", 1, 1, "ana"), STATE_, "project GONE is cancelled: it takes no new risks");
    CHECK_REPLY (issue_add ("GONE", "x", PMO__SEVERITY__SEVERITY_LOW, "ana"), STATE_,
                 "project GONE is cancelled: it takes no new issues");
    CHECK_REPLY (issue_add ("HEAT1", "x", PMO__SEVERITY__SEVERITY_UNSET, "ana"), INVALID_,
                 "severity: missing (low, medium, high or critical)");
    CHECK_REPLY (risk_status ("HEAT1", 99, PMO__RISK_STATUS__RISK_CLOSED), NOT_FOUND_, "risk HEAT1/99: not found");
    CHECK_REPLY (issue_status ("HEAT1", 7, PMO__ISSUE_STATUS__ISSUE_CLOSED, NULL), NOT_FOUND_,
                 "issue HEAT1/7: not found");

    j = RUN_JSON (CTL, "risk", "list", "HEAT1", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "risks")), before);
    json_object_put (j);
    /*  pmoctl: one line, exit 1. */
    run_t r = RUN (CTL, "risk", "add", "HEAT1", "--title", "t", "--probability", "7", "--impact", "1", "--owner",
                   "ana");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: --probability: '7' is not 1, 2, 3, 4 or 5\n");
    run_free (&r);
    r = RUN (CTL, "issue", "set", "ISS", "1", "--status", "done");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: --status: 'done' is not one of open, in_progress, resolved, closed\n");
    run_free (&r);
}

/*  ---- the audit log --------------------------------------------------------------------- */

static void
s_log_topics (void)
{
    char since[24], topics[512];
    gov_last_seq (since);
    gov_ok (RUN (CTL, "--actor", "carla", "risk", "add", "LOGP", "--title", "Late parts", "--probability", "3",
                 "--impact", "4", "--owner", "ana", "--due", "2026-06-30"));
    gov_ok (RUN (CTL, "--actor", "carla", "risk", "set", "LOGP", "1", "--probability", "4"));
    gov_ok (RUN (CTL, "--actor", "carla", "risk", "occur", "LOGP", "1"));
    gov_ok (RUN (CTL, "--actor", "carla", "issue", "add", "LOGP", "--title", "Crane broken", "--severity", "high",
                 "--owner", "bo"));
    gov_ok (RUN (CTL, "--actor", "carla", "issue", "set", "LOGP", "2", "--status", "in_progress"));
    gov_topics ("LOGP", since, topics, sizeof topics);
    CHECK_STR (topics, "risk.added risk.changed risk.occurred issue.added issue.added issue.changed");

    json_object *j = RUN_JSON (CTL, "log", "--project", "LOGP", "--since", since, "--json");
    CHECK_STR (json_str (j, "events.0.actor"), "carla");
    CHECK_EQ_I64 (json_int (j, "events.0.risk.score"), 12);
    CHECK_STR (json_str (j, "events.0.risk.due"), "2026-06-30");
    CHECK_EQ_I64 (json_int (j, "events.1.risk.score"), 16);
    CHECK_STR (json_str (j, "events.2.risk.status"), "occurred");
    CHECK_EQ_I64 (json_int (j, "events.2.risk.issue"), 1);
    CHECK_EQ_I64 (json_int (j, "events.3.issue.risk"), 1);
    CHECK_STR (json_str (j, "events.3.issue.severity"), "high");  /* impact 4 */
    CHECK_STR (json_str (j, "events.5.issue.status"), "in_progress");
    json_object_put (j);

    /*  pmoctl's write echo names the new id. */
    j = RUN_JSON (CTL, "risk", "add", "LOGP", "--title", "Second", "--probability", "1", "--impact", "1", "--owner",
                  "ana", "--json");
    CHECK_EQ_I64 (json_int (j, "id"), 2);
    json_object_put (j);
    run_t r = RUN (CTL, "issue", "add", "LOGP", "--title", "Third", "--severity", "low", "--owner", "ana");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strncmp (r.out, "issue LOGP/3 added (seq ", 24) == 0);
    run_free (&r);
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "registers") == 0);
    const char *now[] = {"--now", "2026-03-02T09:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &gov_client) == 0);

    gov_ok (RUN (CTL, "team", "add", "T1", "--name", "Team"));
    gov_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "50.00 EUR"));
    gov_ok (RUN (CTL, "person", "add", "bo", "--name", "Bo", "--team", "T1", "--rate", "50.00 EUR"));
    gov_ok (RUN (CTL, "portfolio", "add", "CORP", "--name", "Corp"));
    gov_ok (RUN (CTL, "programme", "add", "SPACE", "--portfolio", "CORP", "--name", "Space"));
    gov_ok (RUN (CTL, "programme", "add", "EARTH", "--portfolio", "CORP", "--name", "Earth"));
    const char *projects[][2] = {{"HEAT1", "SPACE"}, {"HEAT2", "EARTH"}, {"GONE", "EARTH"},
                                 {"REG", NULL},      {"ISS", NULL},      {"LOGP", NULL}};
    for (size_t i = 0; i < PMO_ARRAY_LEN (projects); i++) {
        if (projects[i][1])
            gov_ok (RUN (CTL, "project", "add", projects[i][0], "--name", "P", "--start", "2026-01-01", "--finish",
                         "2026-12-31", "--budget", "1000.00 EUR", "--programme", projects[i][1]));
        else
            gov_ok (RUN (CTL, "project", "add", projects[i][0], "--name", "P", "--start", "2026-01-01", "--finish",
                         "2026-12-31", "--budget", "1000.00 EUR"));
    }

    s_heatmap ();
    s_risk_table ();
    s_issue_table ();
    s_validation ();
    s_log_topics ();

    pmo_client_close (&gov_client);
    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
