/*  45-gates: the stage-gate state machine and the phase moves of a real
 *  pmod, every allowed and every refused transition, table-driven with the
 *  exact status and reason; then the stored life cycle, the audit trail
 *  (who decided, in which order) and pmoctl's views of it.
 *
 *  Template LC: initiating --G1 [Business case approved, Sponsor named]-->
 *  planning --G2 [Plan baselined]--> executing --G3 []--> closing. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"
#include "proc.h"

#define CTL PMOCTL_BIN

static pmo_client_t *c;

static const char *s_template =
    "{\"description\": \"life cycle only\", \"phases\": ["
    "{\"name\": \"initiating\", \"gate\": {\"name\": \"G1\", \"checklist\": [\"Business case approved\", "
    "\"Sponsor named\"]}},"
    "{\"name\": \"planning\", \"gate\": {\"name\": \"G2\", \"checklist\": [\"Plan baselined\"]}},"
    "{\"name\": \"executing\", \"gate\": {\"name\": \"G3\"}},"
    "{\"name\": \"closing\"}]}";

typedef enum { APPROVE, REJECT, DECIDE_UNSET, ADVANCE } s_action_t;

typedef struct {
    s_action_t action;
    const char *actor;
    const char *project;
    const char *gate_or_to;   /* the gate, or advance's --to (NULL: none) */
    const char *answers;      /* "1=yes,2=no:note", "#Text=yes" by text, "1=?" unanswered */
    const char *reason;
    int want_status;
    const char *want_reason;  /* NULL when the status is OK */
} s_step_t;

#define OK PMO__STATUS__STATUS_OK
#define STATE PMO__STATUS__STATUS_STATE
#define INVALID PMO__STATUS__STATUS_INVALID
#define NOT_FOUND PMO__STATUS__STATUS_NOT_FOUND

static const s_step_t s_steps[] = {
    /*  pending blocks the move */
    {ADVANCE, "dora", "P1", NULL, NULL, NULL, STATE,
     "project P1 cannot leave phase initiating: gate G1 is pending (2 of 2 checklist items unanswered)"},
    /*  only the current phase's gate can be decided */
    {APPROVE, "dora", "P1", "G2", "1=yes", NULL, STATE,
     "gate G2 of project P1 closes phase planning; the project is in phase initiating"},
    {APPROVE, "dora", "P1", "G9", NULL, NULL, NOT_FOUND, "gate G9 of project P1: not found"},
    /*  approval needs every item answered yes */
    {APPROVE, "dora", "P1", "G1", NULL, NULL, STATE,
     "gate G1 of project P1 cannot be approved: checklist item 1 \"Business case approved\" is not answered"},
    {APPROVE, "dora", "P1", "G1", "1=yes", NULL, STATE,
     "gate G1 of project P1 cannot be approved: checklist item 2 \"Sponsor named\" is not answered"},
    {APPROVE, "dora", "P1", "G1", "1=yes,2=no:none yet", NULL, STATE,
     "gate G1 of project P1 cannot be approved: checklist item 2 \"Sponsor named\" is answered no"},
    /*  malformed answers and decisions */
    {APPROVE, "dora", "P1", "G1", "3=yes", NULL, INVALID, "answers: item 3 is outside 1..2 of gate G1"},
    {APPROVE, "dora", "P1", "G1", "#Nope=yes", NULL, INVALID, "answers: gate G1 has no checklist item \"Nope\""},
    {APPROVE, "dora", "P1", "G1", "1=yes,#Business case approved=yes", NULL, INVALID,
     "answers: item 1 (\"Business case approved\") is answered twice"},
    {APPROVE, "dora", "P1", "G1", "1=?", NULL, INVALID, "answers: item 1 (\"Business case approved\") needs yes or no"},
    {DECIDE_UNSET, "dora", "P1", "G1", NULL, "x", INVALID, "decision: approve or reject"},
    {REJECT, "dora", "P1", "G1", "1=yes", NULL, INVALID, "reason: missing; a rejection says why"},
    /*  pending -> rejected, and a rejection blocks the move */
    {REJECT, "dora", "P1", "G1", "1=yes,2=no:none yet", "no sponsor", OK, NULL},
    {ADVANCE, "dora", "P1", NULL, NULL, NULL, STATE,
     "project P1 cannot leave phase initiating: gate G1 was rejected by dora: no sponsor"},
    /*  rejected -> rejected, rejected -> approved (answers merge: item 1 stays yes) */
    {REJECT, "erik", "P1", "G1", NULL, "still no sponsor", OK, NULL},
    {APPROVE, "dora", "P1", "G1", "#Sponsor named=yes:Ana", "sponsor found", OK, NULL},
    /*  approved is final */
    {APPROVE, "dora", "P1", "G1", NULL, NULL, STATE, "gate G1 of project P1 is already approved; an approval is final"},
    {REJECT, "dora", "P1", "G1", NULL, "changed my mind", STATE,
     "gate G1 of project P1 is already approved; an approval is final"},
    /*  one phase at a time, forward only */
    {ADVANCE, "dora", "P1", "executing", NULL, NULL, STATE,
     "project P1 is in phase initiating; it can only move to planning, not to executing"},
    {ADVANCE, "dora", "P1", "nowhere", NULL, NULL, NOT_FOUND, "phase nowhere of project P1: not found"},
    {ADVANCE, "dora", "P1", "planning", NULL, NULL, OK, NULL},
    {ADVANCE, "dora", "P1", NULL, NULL, NULL, STATE,
     "project P1 cannot leave phase planning: gate G2 is pending (1 of 1 checklist items unanswered)"},
    {APPROVE, "dora", "P1", "G1", "1=yes", NULL, STATE,
     "gate G1 of project P1 is already approved; an approval is final"},
    {ADVANCE, "dora", "P1", "initiating", NULL, NULL, STATE,
     "project P1 is in phase planning; it can only move to executing, not to initiating"},
    /*  pending -> approved at once */
    {APPROVE, "erik", "P1", "G2", "1=yes", NULL, OK, NULL},
    {ADVANCE, "dora", "P1", NULL, NULL, NULL, OK, NULL},
    /*  a gate without a checklist needs no answers */
    {APPROVE, "dora", "P1", "G3", NULL, NULL, OK, NULL},
    {ADVANCE, "dora", "P1", "closing", NULL, NULL, OK, NULL},
    {ADVANCE, "dora", "P1", NULL, NULL, NULL, STATE, "project P1 is in its last phase, closing"},
    /*  no life cycle, unknown project, a cancelled project */
    {APPROVE, "dora", "NOTPL", "G1", NULL, NULL, STATE,
     "project NOTPL has no life cycle (it was not created from a template with phases)"},
    {ADVANCE, "dora", "NOTPL", NULL, NULL, NULL, STATE,
     "project NOTPL has no life cycle (it was not created from a template with phases)"},
    {ADVANCE, "dora", "NOPE", NULL, NULL, NULL, NOT_FOUND, "project NOPE: not found"},
    {REJECT, "dora", "CANC", "G1", NULL, "late", STATE, "project CANC is cancelled: its life cycle no longer changes"},
};

/*  Parses "1=yes,#Text=no:note,2=?" into answers (strings in buf). */
static size_t
s_answers (const char *spec, char *buf, size_t n, Pmo__ChecklistItem *items, Pmo__ChecklistItem **ptrs)
{
    if (!spec)
        return 0;
    snprintf (buf, n, "%s", spec);
    size_t count = 0;
    for (char *save = NULL, *tok = strtok_r (buf, ",", &save); tok; tok = strtok_r (NULL, ",", &save)) {
        Pmo__ChecklistItem *a = &items[count];
        pmo__checklist_item__init (a);
        ptrs[count++] = a;
        char *eq = strchr (tok, '=');
        *eq = '\0';
        char *value = eq + 1, *colon = strchr (value, ':');
        if (colon) {
            *colon = '\0';
            a->note = colon + 1;
        }
        if (tok[0] == '#') {
            a->text = tok + 1;
        } else {
            a->has_number = true;
            a->number = (uint32_t) atoi (tok);
        }
        a->has_answer = !streq (value, "?");
        a->answer = streq (value, "yes") ? PMO__ANSWER__ANSWER_YES : streq (value, "no") ? PMO__ANSWER__ANSWER_NO
                                                                                         : PMO__ANSWER__ANSWER_UNSET;
    }
    return count;
}

static void
s_run_step (size_t i, const s_step_t *s)
{
    char buf[256], reason[256] = "";
    Pmo__ChecklistItem items[8];
    Pmo__ChecklistItem *ptrs[8];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.actor = (char *) s->actor;
    Pmo__GateDecision d = PMO__GATE_DECISION__INIT;
    Pmo__PhaseAdvance a = PMO__PHASE_ADVANCE__INIT;
    if (s->action == ADVANCE) {
        a.project = (char *) s->project;
        a.to = (char *) s->gate_or_to;
        req.body_case = PMO__REQUEST__BODY_PHASE_ADVANCE;
        req.phase_advance = &a;
    } else {
        d.project = (char *) s->project;
        d.gate = (char *) s->gate_or_to;
        d.has_decision = s->action != DECIDE_UNSET;
        d.decision = s->action == APPROVE ? PMO__DECISION__DECISION_APPROVE : PMO__DECISION__DECISION_REJECT;
        d.reason = (char *) s->reason;
        d.n_answers = s_answers (s->answers, buf, sizeof buf, items, ptrs);
        d.answers = ptrs;
        req.body_case = PMO__REQUEST__BODY_GATE_DECIDE;
        req.gate_decide = &d;
    }
    int status = call_status (c, &req, reason, sizeof reason);
    if (status != s->want_status || (s->want_reason && !streq (reason, s->want_reason)))
        fprintf (stderr, "step %zu failed:\n", i);
    CHECK_EQ_I64 (status, s->want_status);
    if (s->want_reason)
        CHECK_STR (reason, s->want_reason);
}

static Pmo__Reply *
s_life_cycle (const char *project)
{
    Pmo__LifeCycleQuery q = PMO__LIFE_CYCLE_QUERY__INIT;
    q.project = (char *) project;
    REQ (req, LIFE_CYCLE, life_cycle, &q);
    return call (c, &req);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "gates") == 0);
    const char *now[] = {"--now", "2026-03-02T09:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    char path[400];
    snprintf (path, sizeof path, "%s/lc.json", e.dir);
    REQUIRE (write_file (path, s_template) == 0);
    run_ok (RUN (CTL, "template", "add", "LC", "--file", path));
    run_ok (RUN (CTL, "project", "add", "P1", "--name", "One", "--start", "2026-03-02", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--template", "LC"));
    run_ok (RUN (CTL, "project", "add", "CANC", "--name", "Cancelled", "--start", "2026-03-02", "--finish",
               "2026-12-31", "--budget", "1000.00 EUR", "--template", "LC"));
    run_ok (RUN (CTL, "project", "set", "CANC", "--status", "cancelled"));
    run_ok (RUN (CTL, "project", "add", "NOTPL", "--name", "Plain", "--start", "2026-03-02", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR"));
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);

    for (size_t i = 0; i < PMO_ARRAY_LEN (s_steps); i++)
        s_run_step (i, &s_steps[i]);

    /*  The stored life cycle: in closing, every gate approved, by whom. */
    Pmo__Reply *r = s_life_cycle ("P1");
    REQUIRE (r && r->status == OK && r->body_case == PMO__REPLY__BODY_LIFE_CYCLE);
    const Pmo__LifeCycle *lc = r->life_cycle;
    CHECK_EQ_I64 (lc->current, 3);
    CHECK_STR (lc->phase, "closing");
    CHECK_STR (lc->template_, "LC");
    CHECK_EQ_I64 (lc->template_version, 1);
    REQUIRE (lc->n_phases == 4);
    const Pmo__Gate *g1 = lc->phases[0]->gate;
    CHECK_EQ_I64 (g1->state, PMO__GATE_STATE__GATE_APPROVED);
    CHECK_STR (g1->decided_by, "dora");
    CHECK_STR (g1->reason, "sponsor found");
    CHECK_EQ_I64 (g1->checklist[0]->answer, PMO__ANSWER__ANSWER_YES);
    CHECK_EQ_I64 (g1->checklist[1]->answer, PMO__ANSWER__ANSWER_YES);
    CHECK_STR (g1->checklist[1]->note, "Ana");
    CHECK_STR (lc->phases[1]->gate->decided_by, "erik");
    CHECK_EQ_I64 (lc->phases[2]->gate->state, PMO__GATE_STATE__GATE_APPROVED);
    CHECK (lc->phases[3]->gate == NULL);
    CHECK_STR (lc->phases[3]->entered, "2026-03-02");
    pmo_wire_free (r);

    /*  The audit trail of P1, in order: each decision and move once. */
    Pmo__LogQuery lq = PMO__LOG_QUERY__INIT;
    lq.project = (char *) "P1";
    REQ (req, LOG, log, &lq);
    r = call (c, &req);
    REQUIRE (r && r->body_case == PMO__REPLY__BODY_EVENTS);
    static const char *const topics[] = {"project.created", "project.phase", "gate.rejected", "gate.rejected",
                                         "gate.approved",   "project.phase", "gate.approved", "project.phase",
                                         "gate.approved",   "project.phase"};
    static const char *const actors[] = {NULL, NULL, "dora", "erik", "dora", "dora", "erik", "dora", "dora", "dora"};
    CHECK_EQ_I64 (r->events->n_events, PMO_ARRAY_LEN (topics));
    for (size_t i = 0; i < r->events->n_events && i < PMO_ARRAY_LEN (topics); i++) {
        CHECK_STR (r->events->events[i]->topic, topics[i]);
        if (actors[i])
            CHECK_STR (r->events->events[i]->actor, actors[i]);
    }
    if (r->events->n_events == PMO_ARRAY_LEN (topics)) {
        const Pmo__Event *rej = r->events->events[2];
        CHECK_EQ_I64 (rej->body_case, PMO__EVENT__BODY_GATE);
        CHECK_STR (rej->gate->name, "G1");
        CHECK_STR (rej->gate->phase, "initiating");
        CHECK_STR (rej->gate->reason, "no sponsor");
        const Pmo__Event *move = r->events->events[5];
        CHECK_EQ_I64 (move->body_case, PMO__EVENT__BODY_LIFE_CYCLE);
        CHECK_STR (move->life_cycle->from_phase, "initiating");
        CHECK_STR (move->life_cycle->phase, "planning");
    }
    pmo_wire_free (r);

    /*  A project without a template: an empty life cycle, not an error. */
    r = s_life_cycle ("NOTPL");
    REQUIRE (r && r->status == OK && r->body_case == PMO__REPLY__BODY_LIFE_CYCLE);
    CHECK_EQ_I64 (r->life_cycle->n_phases, 0);
    pmo_wire_free (r);

    /*  pmoctl: the views, and the same refusals as one line, exit 1. */
    json_object *j = RUN_JSON (CTL, "gate", "list", "P1", "--json");
    CHECK_STR (json_str (j, "phase"), "closing");
    CHECK_STR (json_str (j, "phases.0.gate.state"), "approved");
    CHECK_STR (json_str (j, "phases.0.gate.checklist.1.answer"), "yes");
    CHECK_STR (json_str (j, "phases.1.gate.decided_by"), "erik");
    json_object_put (j);
    j = RUN_JSON (CTL, "project", "phase", "NOTPL", "--json");
    CHECK_STR (json_str (j, "project"), "NOTPL");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "phases")), 0);
    json_object_put (j);
    run_t out = RUN (CTL, "gate", "list", "NOTPL");
    CHECK_EQ_I64 (out.status, 0);
    CHECK_STR (out.out, "project NOTPL has no life cycle (it was not created from a template with phases)\n");
    run_free (&out);
    run_ok (RUN (CTL, "project", "add", "P2", "--name", "Two", "--start", "2026-03-02", "--finish", "2026-12-31",
               "--budget", "1000.00 EUR", "--template", "LC"));
    out = RUN (CTL, "project", "phase", "P2", "--advance");
    CHECK_EQ_I64 (out.status, 1);
    CHECK_STR (out.err,
               "pmoctl: project P2 cannot leave phase initiating: gate G1 is pending (2 of 2 checklist items "
               "unanswered)\n");
    run_free (&out);
    out = RUN (CTL, "gate", "approve", "P2", "G1", "1=yes", "Sponsor named=no:later");
    CHECK_EQ_I64 (out.status, 1);
    CHECK_STR (out.err, "pmoctl: gate G1 of project P2 cannot be approved: checklist item 2 \"Sponsor named\" is "
                        "answered no\n");
    run_free (&out);
    run_ok (RUN (CTL, "--actor", "dora", "gate", "approve", "P2", "G1", "1=yes", "Sponsor named=yes"));
    run_ok (RUN (CTL, "project", "phase", "P2", "--advance", "--to", "planning"));
    j = RUN_JSON (CTL, "project", "phase", "P2", "--json");
    CHECK_STR (json_str (j, "phase"), "planning");
    CHECK_STR (json_str (j, "phases.0.gate.decided_by"), "dora");
    json_object_put (j);
    out = RUN (CTL, "gate", "reject", "P2", "G2");
    CHECK_EQ_I64 (out.status, 1);
    CHECK_STR (out.err, "pmoctl: gate reject: --reason is required (see pmoctl gate reject --help)\n");
    run_free (&out);

    pmo_client_close (&c);
    int failures = harness_report ();
    tenv_finish (&e, failures == 0);
    return failures;
}
