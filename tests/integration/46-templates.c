/*  46-templates: templates through real pmoctl and pmod: versions (v2 is
 *  the default, v1 stays readable and instantiable with @1), exact
 *  milestone due dates (start + offset) and weights, the template and
 *  version recorded on the project, the template's RAG policy used for the
 *  project's health instead of the global one, and refusals that create
 *  nothing.
 *
 *  STD v1: Charter +10 w1, Design +60 w3; global RAG policy.
 *  STD v2: Charter +14 w2, Build +90 w5, Launch +180 w3; RAG cpi 0.75/0.70,
 *          overspend 20/30 points (looser than the global 0.95/0.85, 10/25).
 *  Health case, as of 2026-07-02, BAC 1000.00 EUR, 50 % complete, AC 625.00:
 *  CPI 0.800 and 12.5 points overspent: red under the global policy, green
 *  under template LOOSE's (STD v2's RAG policy without milestones). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"
#include "proc.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static const char *s_v1 =
    "{\"name\": \"STD\", \"description\": \"first cut\", \"milestones\": ["
    "{\"name\": \"Charter\", \"offset_days\": 10, \"weight\": 1},"
    "{\"name\": \"Design\", \"offset_days\": 60, \"weight\": 3}]}";

static const char *s_v2 =
    "{\"description\": \"standard delivery\", \"milestones\": ["
    "{\"name\": \"Charter\", \"offset_days\": 14, \"weight\": 2},"
    "{\"name\": \"Build\", \"offset_days\": 90, \"weight\": 5},"
    "{\"name\": \"Launch\", \"offset_days\": 180, \"weight\": 3}],"
    "\"phases\": [{\"name\": \"planning\", \"gate\": {\"name\": \"G1\", \"checklist\": [\"Plan agreed\"]}},"
    "{\"name\": \"delivery\"}],"
    "\"rag\": {\"cpi_red\": \"0.70\", \"cpi_amber\": \"0.75\", \"overspend_amber\": \"20\", \"overspend_red\": \"30\"}}";

static pmo_client_t *c;

/*  Runs a pmoctl command that must be refused with exactly `line`. */
static void
s_refused (run_t r, const char *line)
{
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, line);
    run_free (&r);
}

static uint64_t
s_last_seq (void)
{
    Pmo__Ping p = PMO__PING__INIT;
    REQ (req, PING, ping, &p);
    Pmo__Reply *r = call (c, &req);
    uint64_t seq = r && r->pong ? r->pong->last_seq : 0;
    pmo_wire_free (r);
    return seq;
}

static void
s_check_milestone (json_object *list, size_t i, const char *name, const char *due, int weight)
{
    char path[64];
    snprintf (path, sizeof path, "milestones.%zu.name", i);
    CHECK_STR (json_str (list, path), name);
    snprintf (path, sizeof path, "milestones.%zu.due", i);
    CHECK_STR (json_str (list, path), due);
    snprintf (path, sizeof path, "milestones.%zu.weight", i);
    CHECK_EQ_I64 (json_int (list, path), weight);
}

/*  The RAG of project code in pmoctl status --json. */
static const char *
s_rag (json_object *status, const char *code, const char **reason)
{
    json_object *rows = json_get (status, "rows");
    for (size_t i = 0; rows && i < json_object_array_length (rows); i++) {
        json_object *row = json_object_array_get_idx (rows, i);
        if (streq (json_str (row, "project.code"), code)) {
            *reason = json_str (row, "health.reason");
            return json_str (row, "health.rag");
        }
    }
    return NULL;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "templates") == 0);
    const char *now[] = {"--now", "2026-07-02T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    char v1[400], v2[400], bad[400];
    snprintf (v1, sizeof v1, "%s/v1.json", e.dir);
    snprintf (v2, sizeof v2, "%s/v2.json", e.dir);
    snprintf (bad, sizeof bad, "%s/bad.json", e.dir);
    REQUIRE (write_file (v1, s_v1) == 0 && write_file (v2, s_v2) == 0);

    /*  Versions. */
    run_ok (RUN (CTL, "template", "add", "STD", "--file", v1));
    run_ok (RUN (CTL, "template", "add", "STD", "--file", v2));
    json_object *j = RUN_JSON (CTL, "template", "list", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "templates")), 1);
    CHECK_STR (json_str (j, "templates.0.name"), "STD");
    CHECK_EQ_I64 (json_int (j, "templates.0.version"), 2);
    json_object_put (j);
    j = RUN_JSON (CTL, "template", "show", "STD", "--json");
    CHECK_EQ_I64 (json_int (j, "version"), 2);
    CHECK_STR (json_str (j, "milestones.1.name"), "Build");
    CHECK_EQ_I64 (json_int (j, "milestones.1.offset_days"), 90);
    CHECK_EQ_I64 (json_int (j, "rag.cpi_amber_bp"), 7500);
    CHECK_EQ_I64 (json_int (j, "rag.cpi_red_bp"), 7000);
    CHECK_EQ_I64 (json_int (j, "rag.spi_amber_bp"), 9500);  /* the default, not set by the template */
    CHECK_EQ_I64 (json_int (j, "rag.overspend_red_bp"), 3000);
    CHECK_STR (json_str (j, "phases.0.gate.checklist.0.text"), "Plan agreed");
    json_object_put (j);
    j = RUN_JSON (CTL, "template", "show", "STD", "--version", "1", "--json");
    CHECK_EQ_I64 (json_int (j, "version"), 1);
    CHECK_STR (json_str (j, "description"), "first cut");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "milestones")), 2);
    CHECK (json_get (j, "rag") == NULL);
    json_object_put (j);
    s_refused (RUN (CTL, "template", "show", "STD", "--version", "3"),
               "pmoctl: template STD version 3: not found (the newest is 2)\n");
    s_refused (RUN (CTL, "template", "show", "NOPE"), "pmoctl: template NOPE: not found\n");

    /*  Instantiation: v2 by default, v1 with @1; due = start + offset. */
    run_ok (RUN (CTL, "project", "add", "NEW", "--name", "New", "--start", "2026-01-05", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--template", "STD"));
    run_ok (RUN (CTL, "project", "add", "OLD", "--name", "Old", "--start", "2026-02-20", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--template", "STD@1"));
    j = RUN_JSON (CTL, "milestone", "list", "NEW", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "milestones")), 3);
    /*  In name order. */
    s_check_milestone (j, 0, "Build", "2026-04-05", 5);
    s_check_milestone (j, 1, "Charter", "2026-01-19", 2);
    s_check_milestone (j, 2, "Launch", "2026-07-04", 3);
    json_object_put (j);
    j = RUN_JSON (CTL, "milestone", "list", "OLD", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "milestones")), 2);
    s_check_milestone (j, 0, "Charter", "2026-03-02", 1);  /* 2026-02-20 + 10, across February */
    s_check_milestone (j, 1, "Design", "2026-04-21", 3);
    json_object_put (j);
    j = RUN_JSON (CTL, "project", "show", "NEW", "--json");
    CHECK_STR (json_str (j, "project.template"), "STD");
    CHECK_EQ_I64 (json_int (j, "project.template_version"), 2);
    CHECK_EQ_I64 (json_int (j, "project.rag_policy.cpi_amber_bp"), 7500);
    json_object_put (j);
    j = RUN_JSON (CTL, "project", "show", "OLD", "--json");
    CHECK_EQ_I64 (json_int (j, "project.template_version"), 1);
    CHECK (json_get (j, "project.rag_policy") == NULL);
    json_object_put (j);
    j = RUN_JSON (CTL, "gate", "list", "NEW", "--json");
    CHECK_STR (json_str (j, "phase"), "planning");
    CHECK_EQ_I64 (json_int (j, "template_version"), 2);
    json_object_put (j);
    j = RUN_JSON (CTL, "gate", "list", "OLD", "--json");  /* v1 has no phases */
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "phases")), 0);
    json_object_put (j);
    /*  A third version does not change projects made from the second. */
    run_ok (RUN (CTL, "template", "add", "STD", "--file", v1));
    j = RUN_JSON (CTL, "project", "show", "NEW", "--json");
    CHECK_EQ_I64 (json_int (j, "project.template_version"), 2);
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "milestones")), 3);
    json_object_put (j);

    /*  Refusals create nothing: not the project, not a milestone, no event. */
    uint64_t before = s_last_seq ();
    s_refused (RUN (CTL, "project", "add", "SHORT", "--name", "Short", "--start", "2026-01-05", "--finish",
                    "2026-03-01", "--budget", "1000.00 EUR", "--template", "STD@2"),
               "pmoctl: template STD v2: milestone \"Build\" at start + 90 days (2026-04-05) is after the finish "
               "2026-03-01 of project SHORT\n");
    s_refused (RUN (CTL, "project", "add", "SHORT", "--name", "Short", "--start", "2026-01-05", "--finish",
                    "2026-12-31", "--budget", "1000.00 EUR", "--template", "GHOST"),
               "pmoctl: template GHOST: not found\n");
    s_refused (RUN (CTL, "project", "add", "SHORT", "--name", "Short", "--start", "2026-01-05", "--finish",
                    "2026-12-31", "--budget", "1000.00 EUR", "--template", "STD@9"),
               "pmoctl: template STD version 9: not found (the newest is 3)\n");
    {
        /*  No start date (pmoctl requires one, so through the protocol). */
        Pmo__Project p = PMO__PROJECT__INIT;
        p.code = (char *) "SHORT";
        p.name = (char *) "Short";
        p.finish = (char *) "2026-12-31";
        p.has_bac_minor = true;
        p.bac_minor = 100000;
        p.currency = (char *) "EUR";
        p.template_ = (char *) "STD";
        REQ (req, PROJECT_ADD, project_add, &p);
        char reason[256];
        CHECK_EQ_I64 (call_status (c, &req, reason, sizeof reason), PMO__STATUS__STATUS_INVALID);
        CHECK_STR (reason, "start: missing (want YYYY-MM-DD)");
    }
    CHECK_EQ_I64 (s_last_seq (), before);
    s_refused (RUN (CTL, "project", "show", "SHORT"), "pmoctl: project SHORT: not found\n");

    /*  Bad templates: refused with the field, and no version is used up. */
    static const struct {
        const char *json;
        const char *line;
    } bad_cases[] = {
        {"{\"milestones\": [{\"name\": \"A\", \"offset_days\": -5}]}",
         "pmoctl: milestones[0].offset_days: -5 is outside 0..36500\n"},
        {"{\"milestones\": [{\"name\": \"A\", \"offset_days\": 1}, {\"name\": \"A\", \"offset_days\": 2}]}",
         "pmoctl: milestones[1].name: \"A\" appears twice\n"},
        {"{\"phases\": [{\"name\": \"one\", \"gate\": {\"name\": \"G1\"}}, {\"name\": \"two\", \"gate\": {\"name\": "
         "\"G2\"}}]}",
         "pmoctl: phases[1].gate: the last phase (two) has no gate; a gate leads to the next phase\n"},
        {"{\"phases\": [{\"name\": \"one\"}, {\"name\": \"two\"}]}",
         "pmoctl: phases[0].gate: missing; phase one needs a gate to lead to phase two\n"},
        {"{\"phases\": [{\"name\": \"only\"}]}", "pmoctl: phases: 1, a life cycle has 2..20\n"},
        {"{\"rag\": {\"cpi_amber\": \"0.80\", \"cpi_red\": \"0.90\"}}",
         "pmoctl: rag: cpi_amber = \"0.80\" is not valid (or red is looser than amber)\n"},
        {"{\"rag\": {\"at_risk_days\": \"3\"}}",
         "pmoctl: rag: unknown key \"at_risk_days\" (cpi_amber, cpi_red, spi_amber, spi_red, overspend_amber, "
         "overspend_red, missed_amber, missed_red)\n"},
        {"{\"rag\": {\"cpi_amber\": 0.9}}",
         "pmoctl: template file: rag.cpi_amber: write the value as a string, such as \"0.90\"\n"},
        {"{\"milestone\": []}", "pmoctl: template file: template: unknown key \"milestone\"\n"},
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad_cases); i++) {
        REQUIRE (write_file (bad, bad_cases[i].json) == 0);
        s_refused (RUN (CTL, "template", "add", "BAD", "--file", bad), bad_cases[i].line);
    }
    s_refused (RUN (CTL, "template", "show", "BAD"), "pmoctl: template BAD: not found\n");
    CHECK_EQ_I64 (s_last_seq (), before);

    /*  Health: the same figures, red under the global policy, green under
     *  the template's. */
    run_ok (RUN (CTL, "project", "add", "GLOBAL", "--name", "G", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--status", "active"));
    /*  A template of a RAG policy alone, so both projects plan value
     *  linearly (weighted milestones would time-phase OWN's). */
    REQUIRE (write_file (bad, "{\"rag\": {\"cpi_red\": \"0.70\", \"cpi_amber\": \"0.75\", "
                              "\"overspend_amber\": \"20\", \"overspend_red\": \"30\"}}") == 0);
    run_ok (RUN (CTL, "template", "add", "LOOSE", "--file", bad));
    run_ok (RUN (CTL, "project", "add", "OWN", "--name", "O", "--start", "2026-01-01", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--status", "active", "--template", "LOOSE"));
    const char *codes[] = {"GLOBAL", "OWN"};
    for (size_t i = 0; i < 2; i++) {
        run_ok (RUN (AGENT, "--agent", "fin", "cost", "--project", codes[i], "--amount", "625.00 EUR", "--date",
                   "2026-07-01"));
        run_ok (RUN (AGENT, "--agent", "fin", "progress", "--project", codes[i], "--percent", "50", "--date",
                   "2026-07-01"));
    }
    j = RUN_JSON (CTL, "status", "--json");
    const char *reason = NULL;
    CHECK_STR (s_rag (j, "GLOBAL", &reason), "red");
    CHECK (reason && strstr (reason, "CPI 0.800 below 0.85"));
    CHECK_STR (s_rag (j, "OWN", &reason), "green");
    CHECK_STR (reason, "green: on track");
    json_object_put (j);
    /*  Tightening the global policy leaves OWN to its own. */
    run_ok (RUN (CTL, "policy", "set", "overspend_amber", "5"));
    j = RUN_JSON (CTL, "project", "show", "OWN", "--json");
    CHECK_STR (json_str (j, "health.rag"), "green");
    json_object_put (j);
    /*  The stored health (health.changed) follows the project's policy too. */
    Pmo__LogQuery lq = PMO__LOG_QUERY__INIT;
    lq.project = (char *) "OWN";
    REQ (req, LOG, log, &lq);
    Pmo__Reply *r = call (c, &req);
    REQUIRE (r && r->events);
    /*  The cost alone (0 % complete) made it red; the progress report
     *  brought it back to green under its own policy. */
    size_t n_health = 0;
    const char *last = NULL;
    for (size_t i = 0; i < r->events->n_events; i++)
        if (streq (r->events->events[i]->topic, "health.changed")) {
            n_health++;
            last = r->events->events[i]->health->rag;
        }
    CHECK_EQ_I64 (n_health, 2);
    CHECK_STR (last, "green");
    pmo_wire_free (r);
    lq.project = (char *) "GLOBAL";
    r = call (c, &req);
    REQUIRE (r && r->events);
    n_health = 0;
    for (size_t i = 0; i < r->events->n_events; i++)
        if (streq (r->events->events[i]->topic, "health.changed")) {
            n_health++;
            CHECK_STR (r->events->events[i]->health->rag, "red");
        }
    CHECK_EQ_I64 (n_health, 1);
    pmo_wire_free (r);

    pmo_client_close (&c);
    int failures = harness_report ();
    tenv_finish (&e, failures == 0);
    return failures;
}
