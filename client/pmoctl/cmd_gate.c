/*  cmd_gate: pmoctl gate list|approve|reject and project phase: a
 *  project's life cycle and its stage gates.
 *
 *  Checklist answers are positional words ITEM=yes, ITEM=no or
 *  ITEM=no:NOTE, where ITEM is the item's number (1, 2, ...) or its exact
 *  text.  pmod checks them against the gate and refuses what does not fit. */
#include <inttypes.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmoctl.h"

enum { DECIDE_REASON };

const pmoctl_opt_t cmd_gate_approve_opts[] = {
    [DECIDE_REASON] = {"reason", "TEXT", false, "why it is approved (recorded with the decision)"},
    {NULL, NULL, false, NULL},
};

const pmoctl_opt_t cmd_gate_reject_opts[] = {
    [DECIDE_REASON] = {"reason", "TEXT", true, "why it is rejected: what must change"},
    {NULL, NULL, false, NULL},
};

enum { PHASE_ADVANCE, PHASE_TO };

const pmoctl_opt_t cmd_project_phase_opts[] = {
    [PHASE_ADVANCE] = {"advance", NULL, false, "move the project to its next phase (its gate must be approved)"},
    [PHASE_TO] = {"to", "PHASE", false, "with --advance: the phase expected next (refused if it is not)"},
    {NULL, NULL, false, NULL},
};

static const char *
s_gate_state (Pmo__GateState s)
{
    switch (s) {
    case PMO__GATE_STATE__GATE_PENDING: return "pending";
    case PMO__GATE_STATE__GATE_APPROVED: return "approved";
    case PMO__GATE_STATE__GATE_REJECTED: return "rejected";
    default: return "";
    }
}

static void
s_print_life_cycle (pmoctl_t *ctl, const Pmo__LifeCycle *lc)
{
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (lc, "phases");
        return;
    }
    if (lc->n_phases == 0) {
        if (ctl->format == OUT_TEXT)
            printf ("project %s has no life cycle (it was not created from a template with phases)\n", lc->project);
        else
            printf ("phase,position,entered,gate,gate_state,answered,checklist_items,decided_by,reason\n");
        return;
    }
    if (ctl->format == OUT_TEXT)
        printf ("project %s: phase %s (%u of %zu), template %s v%u\n", lc->project, pmoctl_str (lc->phase),
                (unsigned) lc->current + 1, lc->n_phases, pmoctl_str (lc->template_), (unsigned) lc->template_version);
    out_table_t *t = out_table_new ();
    out_table_column (t, "PHASE", "phase", OUT_LEFT);
    out_table_column (t, "", "position", OUT_LEFT);
    out_table_column (t, "ENTERED", "entered", OUT_LEFT);
    out_table_column (t, "GATE", "gate", OUT_LEFT);
    out_table_column (t, "STATE", "gate_state", OUT_LEFT);
    out_table_column (t, "ANSWERED", "answered", OUT_RIGHT);
    out_table_column (t, NULL, "checklist_items", OUT_CSV_ONLY);
    out_table_column (t, "DECIDED BY", "decided_by", OUT_LEFT);
    out_table_column (t, "REASON", "reason", OUT_LEFT);
    for (size_t i = 0; i < lc->n_phases; i++) {
        const Pmo__Phase *ph = lc->phases[i];
        const Pmo__Gate *g = ph->gate;
        out_table_row (t);
        out_table_cell (t, ph->name);
        out_table_cell (t, i < lc->current ? "done" : i == lc->current ? "current" : "next");
        out_table_cell (t, pmoctl_str (ph->entered));
        out_table_cell (t, g ? g->name : "");
        out_table_cell (t, g ? s_gate_state (g->state) : "");
        size_t answered = 0;
        for (size_t c = 0; g && c < g->n_checklist; c++)
            answered += g->checklist[c]->answer != PMO__ANSWER__ANSWER_UNSET;
        if (ctl->format == OUT_CSV)
            out_table_cellf (t, "%zu", answered);
        else if (g)
            out_table_cellf (t, "%zu/%zu", answered, g->n_checklist);
        else
            out_table_cell (t, "");
        out_table_cellf (t, "%zu", g ? g->n_checklist : 0);
        out_table_cell (t, g ? pmoctl_str (g->decided_by) : "");
        out_table_cell (t, g ? pmoctl_str (g->reason) : "");
    }
    out_table_print (t, ctl->format, stdout);
    out_table_destroy (&t);
    if (ctl->format != OUT_TEXT)
        return;
    /*  The checklist of the gate in hand, with its answers. */
    const Pmo__Gate *g = lc->phases[lc->current]->gate;
    if (!g || !g->n_checklist)
        return;
    printf ("\nchecklist of gate %s:\n", g->name);
    for (size_t c = 0; c < g->n_checklist; c++) {
        const Pmo__ChecklistItem *it = g->checklist[c];
        const char *a = it->answer == PMO__ANSWER__ANSWER_YES ? "yes" : it->answer == PMO__ANSWER__ANSWER_NO ? "no" : "-";
        printf ("  %zu) %-3s %s%s%s\n", c + 1, a, it->text, it->note ? "  -- " : "", it->note ? it->note : "");
    }
}

static int
s_fetch (pmoctl_t *ctl, const char *project, Pmo__Reply **reply_p)
{
    Pmo__LifeCycleQuery q = PMO__LIFE_CYCLE_QUERY__INIT;
    q.project = (char *) project;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_LIFE_CYCLE;
    req.life_cycle = &q;
    return pmoctl_query (ctl, &req, PMO__REPLY__BODY_LIFE_CYCLE, reply_p);
}

int
cmd_gate_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = s_fetch (ctl, ctl->args[0], &reply);
    if (rc)
        return rc;
    s_print_life_cycle (ctl, reply->life_cycle);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

/*  "3=yes", "Budget agreed=no:supplier late" -> one answer. */
static int
s_parse_answer (const char *word, Pmo__ChecklistItem *a, char **text_p)
{
    pmo__checklist_item__init (a);
    const char *eq = strchr (word, '=');
    if (!eq || eq == word)
        return pmoctl_fail ("answer '%s': write ITEM=yes or ITEM=no[:NOTE] (ITEM: number or text)", word);
    const char *value = eq + 1;
    const char *colon = strchr (value, ':');
    size_t vlen = colon ? (size_t) (colon - value) : strlen (value);
    a->has_answer = true;
    if (vlen == 3 && strncmp (value, "yes", 3) == 0)
        a->answer = PMO__ANSWER__ANSWER_YES;
    else if (vlen == 2 && strncmp (value, "no", 2) == 0)
        a->answer = PMO__ANSWER__ANSWER_NO;
    else
        return pmoctl_fail ("answer '%s': the answer is yes or no", word);
    a->note = colon ? (char *) colon + 1 : NULL;
    size_t ilen = (size_t) (eq - word);
    *text_p = pmo_malloc (ilen + 1);
    memcpy (*text_p, word, ilen);
    (*text_p)[ilen] = '\0';
    uint64_t number = 0;
    bool is_number = strspn (*text_p, "0123456789") == ilen && ilen <= 4;
    if (is_number) {
        number = strtoull (*text_p, NULL, 10);
        a->has_number = true;
        a->number = (uint32_t) number;
        if (number == 0)
            return pmoctl_fail ("answer '%s': items are numbered from 1", word);
    } else {
        a->text = *text_p;
    }
    return PMOCTL_EXIT_OK;
}

static int
s_decide (pmoctl_t *ctl, Pmo__Decision decision)
{
    Pmo__GateDecision d = PMO__GATE_DECISION__INIT;
    d.project = ctl->args[0];
    d.gate = ctl->args[1];
    d.has_decision = true;
    d.decision = decision;
    d.reason = (char *) ctl->opt[DECIDE_REASON];
    size_t n = (size_t) ctl->n_args - 2;
    Pmo__ChecklistItem *answers = pmo_calloc (n + 1, sizeof *answers);
    Pmo__ChecklistItem **ptrs = pmo_calloc (n + 1, sizeof *ptrs);
    char **texts = pmo_calloc (n + 1, sizeof *texts);
    int rc = PMOCTL_EXIT_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = s_parse_answer (ctl->args[2 + i], &answers[i], &texts[i]);
        ptrs[i] = &answers[i];
    }
    if (!rc) {
        d.answers = ptrs;
        d.n_answers = n;
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_GATE_DECIDE;
        req.gate_decide = &d;
        rc = pmoctl_write (ctl, &req, "gate %s of project %s %s", d.gate, d.project,
                           decision == PMO__DECISION__DECISION_APPROVE ? "approved" : "rejected");
    }
    for (size_t i = 0; i < n; i++)
        free (texts[i]);
    free (texts);
    free (ptrs);
    free (answers);
    return rc;
}

int
cmd_gate_approve (pmoctl_t *ctl)
{
    return s_decide (ctl, PMO__DECISION__DECISION_APPROVE);
}

int
cmd_gate_reject (pmoctl_t *ctl)
{
    return s_decide (ctl, PMO__DECISION__DECISION_REJECT);
}

int
cmd_project_phase (pmoctl_t *ctl)
{
    if (ctl->opt[PHASE_TO] && !ctl->opt[PHASE_ADVANCE])
        return pmoctl_fail ("project phase: --to only goes with --advance");
    if (!ctl->opt[PHASE_ADVANCE])
        return cmd_gate_list (ctl);
    Pmo__PhaseAdvance a = PMO__PHASE_ADVANCE__INIT;
    a.project = ctl->args[0];
    a.to = (char *) ctl->opt[PHASE_TO];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PHASE_ADVANCE;
    req.phase_advance = &a;
    return pmoctl_write (ctl, &req, "project %s moved to its next phase", a.project);
}
