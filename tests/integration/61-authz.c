/*  61-authz: what each principal may do.  Two teams, each with a person and
 *  a project.  The agent of team TA books for its own team through the real
 *  pmo-agent and is refused for team TB's project and person, for a
 *  heartbeat of TB, for an update under another agent's id and for anything
 *  but an update; a viewer reads and may not modify; an analyst exports
 *  (report, log) and may not modify; a manager changes the portfolio and
 *  may not manage policy or keys; a subscriber may ping and read the log,
 *  nothing else.  Governance: viewers read risks, priorities, templates,
 *  resources and lessons; register and plan changes are a manager's; an
 *  agent may void its own refs only.  Every refusal is STATUS_DENIED with a sentence naming the
 *  principal, the request and what it needs, is in the audit log as
 *  auth.denied, and changes nothing else (status before = after).  A resent
 *  agent update is acknowledged as a duplicate and counted once. */
#include "auth_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static int n_denied = 0;  /* refusals this test provoked */

/*  Expects exit 1 with exactly want on stderr. */
static void
s_refused (run_t r, const char *want)
{
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, want);
    run_free (&r);
    n_denied++;
}

/*  Sends req on c and expects STATUS_DENIED with reason want. */
static void
s_denied (pmo_client_t *c, Pmo__Request *req, const char *want)
{
    char reason[300] = "";
    CHECK_EQ_I64 (call_status (c, req, reason, sizeof reason), PMO__STATUS__STATUS_DENIED);
    CHECK_STR (reason, want);
    n_denied++;
}

static Pmo__Reply *
s_time (pmo_client_t *c, const char *agent, uint64_t seq, const char *person, const char *project)
{
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.person = (char *) person;
    t.project = (char *) project;
    t.date = (char *) "2026-11-19";
    t.has_minutes = true;
    t.minutes = 30;
    Pmo__UpdateId u = PMO__UPDATE_ID__INIT;
    u.agent = (char *) agent;
    u.has_seq = true;
    u.seq = seq;
    REQ (req, TIME, time, &t);
    req.update = &u;
    return call (c, &req);
}

/*  The project rows of the status view, as JSON text: what a refusal must
 *  leave unchanged. */
static char *
s_snapshot (void)
{
    json_object *j = RUN_JSON (CTL, "status", "--json", "--as-of", "2026-11-20");
    if (!j)
        return NULL;
    char *s = strdup (json_object_to_json_string_ext (json_get (j, "rows"), JSON_C_TO_STRING_PLAIN));
    json_object_put (j);
    return s;
}

/*  Checks that the status rows are still want: the refusals since want was
 *  taken (named by what) changed nothing. */
static void
s_unchanged (const char *want, const char *what)
{
    char *now = s_snapshot ();
    CHECK (now != NULL);
    if (now && strcmp (now, want) != 0)
        fprintf (stderr, "the status changed across %s\n", what);
    CHECK_STR (now, want);
    free (now);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "authz") == 0);
    REQUIRE (tenv_secure (&e) == 0);
    const char *now[] = {"--now", "2026-11-20T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "team", "add", "TA", "--name", "Team A"));
    run_ok (RUN (CTL, "team", "add", "TB", "--name", "Team B"));
    run_ok (RUN (CTL, "person", "add", "pa", "--name", "Pat A", "--team", "TA", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "person", "add", "pb", "--name", "Pat B", "--team", "TB", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "PA", "--name", "Project A", "--team", "TA", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "10000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "PB", "--name", "Project B", "--team", "TB", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "10000.00 EUR"));
    run_ok (RUN (CTL, "milestone", "add", "PB", "Done", "--due", "2026-12-15"));

    tkey_t ka, kv, kan, km, ks;
    REQUIRE (tkey_make (&e, "agent-a", &ka) == 0 && tkey_enrol (&ka, "agent-a", "--agent", "TA") == 0);
    REQUIRE (tkey_make (&e, "vera", &kv) == 0 && tkey_enrol (&kv, "vera", "--role", "viewer") == 0);
    REQUIRE (tkey_make (&e, "anna", &kan) == 0 && tkey_enrol (&kan, "anna", "--role", "analyst") == 0);
    REQUIRE (tkey_make (&e, "max", &km) == 0 && tkey_enrol (&km, "max", "--role", "manager") == 0);
    REQUIRE (tkey_make (&e, "sub", &ks) == 0 && tkey_enrol (&ks, "sub", "--subscriber", NULL) == 0);
    char *before = s_snapshot ();
    REQUIRE (before != NULL);

    /*  The agent of team TA, through the real pmo-agent. */
    char state[400];
    snprintf (state, sizeof state, "%s/state-a", e.dir);
#define AGENT_A AGENT, "--agent", "agent-a", "--key", ka.path, "--state", state
    run_ok (RUN (AGENT_A, "time", "--person", "pa", "--project", "PA", "--minutes", "90", "--date", "2026-11-19"));
    run_ok (RUN (AGENT_A, "cost", "--project", "PA", "--amount", "12.00 EUR", "--date", "2026-11-19"));
    char *mid = s_snapshot ();  /* PA's bookings are in; nothing below may change it */
    REQUIRE (mid != NULL);
    CHECK (strcmp (before, mid) != 0);
    s_refused (RUN (AGENT_A, "time", "--person", "pb", "--project", "PB", "--minutes", "30", "--date", "2026-11-19"),
               "pmo-agent: principal agent-a (agent of team TA) may not report for project PB: it belongs to team TB\n");
    s_refused (RUN (AGENT_A, "time", "--person", "pb", "--project", "PA", "--minutes", "30", "--date", "2026-11-19"),
               "pmo-agent: principal agent-a (agent of team TA) may not report for person pb: it belongs to team TB\n");
    s_refused (RUN (AGENT_A, "cost", "--project", "PB", "--amount", "5.00 EUR", "--date", "2026-11-19"),
               "pmo-agent: principal agent-a (agent of team TA) may not report for project PB: it belongs to team TB\n");
    s_refused (RUN (AGENT_A, "progress", "--project", "PB", "--percent", "50"),
               "pmo-agent: principal agent-a (agent of team TA) may not report for project PB: it belongs to team TB\n");
    s_refused (RUN (AGENT_A, "milestone", "--project", "PB", "--name", "Done"),
               "pmo-agent: principal agent-a (agent of team TA) may not report for project PB: it belongs to team TB\n");
    /*  The refused updates did not stay queued. */
    json_object *j = RUN_JSON (AGENT_A, "status", "--json");
    CHECK_EQ_I64 (json_int (j, "pending"), 0);
    json_object_put (j);

    /*  The agent over the protocol: heartbeats, other agents' ids, other
     *  kinds of request. */
    pmo_client_t *ca = tkey_client (&e, &ka);
    REQUIRE (ca != NULL);
    Pmo__Heartbeat hb = PMO__HEARTBEAT__INIT;
    hb.team = (char *) "TB";
    hb.agent = (char *) "agent-a";
    REQ (hbq, HEARTBEAT, heartbeat, &hb);
    s_denied (ca, &hbq, "principal agent-a (agent of team TA) may not report for team TB");
    hb.team = (char *) "TA";
    CHECK_EQ_I64 (call_status (ca, &hbq, NULL, 0), PMO__STATUS__STATUS_OK);
    hb.agent = (char *) "agent-b";
    s_denied (ca, &hbq, "update: principal agent-a (agent of team TA) may not heartbeat as agent \"agent-b\": an agent "
                        "reports under its own name");
    Pmo__Reply *rp = s_time (ca, "agent-b", 7, "pa", "PA");
    REQUIRE (rp != NULL);
    CHECK_EQ_I64 (rp->status, PMO__STATUS__STATUS_DENIED);
    pmo_wire_free (rp);
    n_denied++;
    Pmo__ProjectUpdate pu = PMO__PROJECT_UPDATE__INIT;
    pu.code = (char *) "PA";
    pu.name = (char *) "Renamed";
    REQ (puq, PROJECT_UPDATE, project_update, &pu);
    s_denied (ca, &puq, "principal agent-a (agent of team TA) may not project_update: agents send updates only");
    Pmo__StatusQuery sq = PMO__STATUS_QUERY__INIT;
    REQ (stq, STATUS, status, &sq);
    s_denied (ca, &stq, "principal agent-a (agent of team TA) may not status: agents send updates only");
    s_unchanged (mid, "agent-a's refusals");

    /*  A resent update: acknowledged again as a duplicate, counted once. */
    rp = s_time (ca, "agent-a", 1000, "pa", "PA");
    REQUIRE (rp != NULL);
    CHECK_EQ_I64 (rp->status, PMO__STATUS__STATUS_OK);
    CHECK (!rp->duplicate);
    uint64_t seq = rp->seq;
    pmo_wire_free (rp);
    rp = s_time (ca, "agent-a", 1000, "pa", "PA");
    REQUIRE (rp != NULL);
    CHECK_EQ_I64 (rp->status, PMO__STATUS__STATUS_OK);
    CHECK (rp->duplicate);
    CHECK_EQ_I64 (rp->seq, seq);
    pmo_wire_free (rp);
    pmo_client_close (&ca);
    j = RUN_JSON (CTL, "project", "show", "PA", "--json");
    CHECK_EQ_I64 (json_int (j, "totals.minutes"), 90 + 30);
    json_object_put (j);
    free (mid);
    mid = s_snapshot ();

    /*  A viewer reads and may not modify. */
#define AS(k) CTL, "--key", (k).path
    run_ok (RUN (AS (kv), "status"));
    run_ok (RUN (AS (kv), "project", "show", "PA"));
    s_refused (RUN (AS (kv), "project", "set", "PA", "--name", "Mine"),
               "pmoctl: principal vera (viewer) may not project_update: needs manager\n");
    s_refused (RUN (AS (kv), "team", "add", "TC", "--name", "C"),
               "pmoctl: principal vera (viewer) may not team_add: needs manager\n");
    s_refused (RUN (AS (kv), "report", "time", "--from", "2026-11-01", "--to", "2026-11-20"), "pmoctl: principal vera (viewer) may not report: needs analyst\n");
    s_refused (RUN (AS (kv), "log"), "pmoctl: principal vera (viewer) may not log: needs analyst\n");
    /*  An analyst exports. */
    run_ok (RUN (AS (kan), "report", "time", "--from", "2026-11-01", "--to", "2026-11-20"));
    run_ok (RUN (AS (kan), "log"));
    s_refused (RUN (AS (kan), "milestone", "reach", "PB", "Done"),
               "pmoctl: principal anna (analyst) may not milestone_update: needs manager\n");
    char backup[400];
    snprintf (backup, sizeof backup, "%s/copy.mdb", e.dir);
    s_refused (RUN (AS (kan), "backup", backup), "pmoctl: principal anna (analyst) may not backup: needs admin\n");
    /*  A manager changes the portfolio, not policy or keys. */
    run_ok (RUN (AS (km), "team", "add", "TC", "--name", "Team C"));
    s_refused (RUN (AS (km), "policy", "set", "cpi_red", "0.8"),
               "pmoctl: principal max (manager) may not policy_set: needs admin\n");
    s_refused (RUN (AS (km), "key", "list"), "pmoctl: principal max (manager) may not key_list: needs admin\n");
    s_refused (RUN (AS (km), "key", "enrol", "x", "--role", "admin", "--public", km.pub),
               "pmoctl: principal max (manager) may not key_enrol: needs admin\n");
    /*  A subscriber pings and reads the log only. */
    run_ok (RUN (AS (ks), "ping"));
    run_ok (RUN (AS (ks), "log"));
    s_refused (RUN (AS (ks), "status"),
               "pmoctl: principal sub (subscriber) may not status: subscribers receive events only\n");

    /*  Governance: viewers read the registers and plans; every change to
     *  them is a manager's (an analyst reads and exports). */
    run_ok (RUN (AS (kv), "risks"));
    run_ok (RUN (AS (kv), "priorities"));
    run_ok (RUN (AS (kv), "template", "list"));
    run_ok (RUN (AS (kv), "resources"));
    run_ok (RUN (AS (kv), "lessons"));
    s_refused (RUN (AS (kv), "risk", "add", "PA", "--title", "Late vendor", "--probability", "2", "--impact", "3",
                    "--owner", "pa"),
               "pmoctl: principal vera (viewer) may not risk_add: needs manager\n");
    s_refused (RUN (AS (kan), "change", "submit", "PA", "--description", "More scope", "--cost", "+100.00 EUR"),
               "pmoctl: principal anna (analyst) may not change_submit: needs manager\n");
    s_refused (RUN (AS (kan), "allocation", "set", "pa", "PA", "2026-W48", "--hours", "10"),
               "pmoctl: principal anna (analyst) may not allocation_set: needs manager\n");
    s_refused (RUN (AS (kan), "criterion", "set", "value", "--weight", "3"),
               "pmoctl: principal anna (analyst) may not criterion_set: needs manager\n");
    s_refused (RUN (AS (ks), "risks"),
               "pmoctl: principal sub (subscriber) may not register_query: subscribers receive events only\n");
    s_unchanged (mid, "the viewer's, analyst's, manager's and subscriber's refusals");
    run_ok (RUN (AS (km), "risk", "add", "PA", "--title", "Late vendor", "--probability", "2", "--impact", "3",
               "--owner", "pa"));
    json_object *hm = RUN_JSON (AS (kv), "risks", "--json");
    CHECK_EQ_I64 (json_int (hm, "counted"), 1);
    json_object_put (hm);
    free (mid);
    mid = s_snapshot ();  /* the risk is in; the refusals below must change nothing */
    REQUIRE (mid != NULL);
    /*  An agent voids only refs booked under its own id: an unknown ref is
     *  not found (not denied), a register write is denied. */
    ca = tkey_client (&e, &ka);
    REQUIRE (ca != NULL);
    Pmo__VoidEntry ve = PMO__VOID_ENTRY__INIT;
    ve.ref = (char *) "timew:nothing";
    Pmo__UpdateId vu = PMO__UPDATE_ID__INIT;
    vu.agent = (char *) "agent-a";
    vu.has_seq = true;
    vu.seq = 2000;
    REQ (veq, VOID_ENTRY, void_entry, &ve);
    veq.update = &vu;
    CHECK_EQ_I64 (call_status (ca, &veq, NULL, 0), PMO__STATUS__STATUS_NOT_FOUND);
    Pmo__Risk rk = PMO__RISK__INIT;
    rk.project = (char *) "PA";
    rk.title = (char *) "Mine";
    REQ (rkq, RISK_ADD, risk_add, &rk);
    s_denied (ca, &rkq, "principal agent-a (agent of team TA) may not risk_add: agents send updates only");
    pmo_client_close (&ca);
    /*  A manager may report, but under its own name: under agent-a's id,
     *  agent-a's own seq 3000 would later be taken for a resend. */
    pmo_client_t *cm = tkey_client (&e, &km);
    REQUIRE (cm != NULL);
    Pmo__TimeEntry mt = PMO__TIME_ENTRY__INIT;
    mt.person = (char *) "pa";
    mt.project = (char *) "PA";
    mt.date = (char *) "2026-11-19";
    mt.has_minutes = true;
    mt.minutes = 15;
    Pmo__UpdateId mu = PMO__UPDATE_ID__INIT;
    mu.agent = (char *) "agent-a";
    mu.has_seq = true;
    mu.seq = 3000;
    REQ (mtq, TIME, time, &mt);
    mtq.update = &mu;
    s_denied (cm, &mtq, "update: principal max (manager) may not time as agent \"agent-a\": updates are sent under "
                        "the sender's own name");
    pmo_client_close (&cm);
    s_unchanged (mid, "the agent's risk_add and the manager's update as agent-a");
    rp = s_time (ca = tkey_client (&e, &ka), "agent-a", 3000, "pa", "PA");
    REQUIRE (rp != NULL);
    CHECK_EQ_I64 (rp->status, PMO__STATUS__STATUS_OK);
    CHECK (!rp->duplicate);
    pmo_wire_free (rp);
    pmo_client_close (&ca);
    /*  PA holds what was allowed: 90 + the resent 30 once + agent-a's own
     *  seq 3000; not the manager's 15 under agent-a's name. */
    j = RUN_JSON (CTL, "project", "show", "PA", "--json");
    CHECK_EQ_I64 (json_int (j, "totals.minutes"), 90 + 30 + 30);
    CHECK_STR (json_str (j, "project.name"), "Project A");
    json_object_put (j);

    /*  Every refusal is in the audit log, with the principal. */
    CHECK_EQ_I64 (tlog_count ("auth.denied"), n_denied);
    j = RUN_JSON (CTL, "log", "--json", "--limit", "1000");
    json_object *evs = json_get (j, "events");
    int found = 0;
    for (size_t i = 0; i < json_object_array_length (evs); i++) {
        json_object *ev = json_object_array_get_idx (evs, i);
        const char *req = json_str (ev, "auth_denied.request");
        if (req && strcmp (req, "policy_set") == 0) {
            found++;
            CHECK_STR (json_str (ev, "actor"), "max");
            CHECK_STR (json_str (ev, "auth_denied.principal"), "max");
            CHECK_STR (json_str (ev, "auth_denied.kind"), "manager");
            CHECK_STR (json_str (ev, "auth_denied.reason"), "principal max (manager) may not policy_set: needs admin");
        }
    }
    CHECK_EQ_I64 (found, 1);
    json_object_put (j);
    /*  And the chain over all of it verifies. */
    run_ok (RUN (CTL, "log", "--verify"));

    free (before);
    free (mid);
    int ok = harness_failures == 0;
    tenv_finish (&e, ok);
    pmo_zmq_term ();
    return harness_report ();
}
