/*  plan: pmod's planning governance (issue 7, first half): project
 *  templates, life cycles with stage gates, planned allocations and
 *  portfolio priorities.  One handle_*.c file per area; this header is what
 *  dispatch, the project handlers and analytics need from them.
 */
#ifndef BROKER_PLAN_H
#define BROKER_PLAN_H

#include "broker.h"

/* ---- handle_templates.c ---------------------------------------------------- */

int handle_template_add (req_t *r);
int handle_template_show (req_t *r);
int handle_template_list (req_t *r);

/*  project_add's first step: clears the server-set template fields of *p,
 *  and when p->template names a template (p->template_version 0: the
 *  newest) checks that it exists and fits the project's baseline (every
 *  milestone due on or before finish), then records the version and the
 *  template's RAG policy in *p.  *tpl_p is the template (kept by r), or
 *  NULL when p has none.  Writes nothing; start and finish must already be
 *  valid dates. */
int template_resolve (req_t *r, Pmo__Project *p, Pmo__Template **tpl_p);
/*  project_add's last step, after the project is stored: creates the
 *  template's milestones (due = start + offset) and the life cycle, each
 *  an event, in r's txn. */
int template_instantiate (req_t *r, const Pmo__Project *p, const Pmo__Template *tpl);

/*  The RAG policy for project p: its own (from its template), written to
 *  *own, else global. */
const pmo_health_policy_t *governance_rag_policy (const Pmo__Project *p, const pmo_health_policy_t *global,
                                                  pmo_health_policy_t *own);

/* ---- handle_gates.c ---------------------------------------------------------- */

int handle_life_cycle (req_t *r);
int handle_gate_decide (req_t *r);
int handle_phase_advance (req_t *r);

/* ---- handle_allocations.c ---------------------------------------------------- */

int handle_allocation_set (req_t *r);
int handle_resources (req_t *r);

/* ---- handle_priorities.c ----------------------------------------------------- */

int handle_criterion_set (req_t *r);
int handle_score_set (req_t *r);
int handle_priorities (req_t *r);

/* ---- alerts.c ------------------------------------------------------------------ */

/*  The fired-once mechanism of alerts: true when the occurrence k fired
 *  before; else records it as fired by the next event seq (the one the
 *  caller is about to emit) and returns false. */
bool alerts_fire_once (req_t *r, const pmo_key_t *k);

#endif
