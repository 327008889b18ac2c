/*  registers: pmod's registers per project (risks, issues, change
 *  requests), change control with its baseline history, and closure with
 *  lessons learned.  docs/governance-registers.md describes the requests,
 *  the state machines and the topics.
 *
 *  Items are numbered 1, 2, ... within their project (key project \0 id),
 *  so "risk APOLLO/3" names one everywhere: in reasons, in pmoctl, in the
 *  log.  Every write validates everything before it writes, stores the item
 *  and emits its event in the request's txn (events_emit also appends it to
 *  the audit log).
 */
#ifndef BROKER_REGISTERS_H
#define BROKER_REGISTERS_H

#include "broker.h"

/* ---- handlers ------------------------------------------------------------ */

int handle_risk_add (req_t *r);
int handle_risk_update (req_t *r);
int handle_risk_occur (req_t *r);
int handle_issue_add (req_t *r);
int handle_issue_update (req_t *r);
int handle_change_submit (req_t *r);
int handle_change_decide (req_t *r);
int handle_project_close (req_t *r);
int handle_register_query (req_t *r);

/* ---- hooks called by handle_portfolio.c ----------------------------------- */

/*  Refuses what a plain project update may not do: close the project (that
 *  takes pmoctl project close and its closure record), or change the start,
 *  finish, budget or currency of a project under change control (a stored
 *  baseline).  old is the stored record, p the merged one. */
int governance_check_project_update (req_t *r, const Pmo__Project *old, const Pmo__Project *p);
/*  Refuses a new due date for a milestone of a project under change
 *  control: due dates then change through change requests. */
int governance_check_milestone_update (req_t *r, const Pmo__Milestone *old, const Pmo__Milestone *m);

/* ---- shared by the governance handlers (governance.c) --------------------- */

/*  key = project \0 id(u64) */
void gov_key (pmo_key_t *k, const char *project, uint64_t id);
/*  The next free id of project in db (1 when it has none). */
uint32_t gov_next_id (pmo_txn_t *txn, unsigned db, const char *project);
/*  Loads item id of project from db (kept by r).  NOT_FOUND reads
 *  "<what> PROJECT/ID: not found". */
int gov_load (req_t *r, unsigned db, const char *what, const char *project, uint32_t id,
              const ProtobufCMessageDescriptor *d, void **msg_p);
/*  Stores msg at project/id in db. */
int gov_put (req_t *r, unsigned db, const char *project, uint32_t id, const void *msg);
/*  Loads a project (kept by r). */
int gov_project (req_t *r, const char *code, Pmo__Project **p_out);
/*  A project that takes new register items: exists, not closed or
 *  cancelled (STATE: "project X is closed: it takes no new <what>"). */
int gov_live_project (req_t *r, const char *code, const char *what, Pmo__Project **p_out);
/*  Text checks: pmo_check_text, with an oversized text refused as INVALID
 *  (the field and its limit named). */
int gov_text (req_t *r, const char *field, const char *s, size_t max, bool required);
/*  An optional date (NULL or "" passes). */
int gov_date (req_t *r, const char *field, const char *s);
/*  A person id that must exist (required or not). */
int gov_person (req_t *r, const char *field, const char *id, bool required);
/*  True for closed and cancelled projects. */
bool gov_project_is_over (const Pmo__Project *p);

/*  Status names: "open", "in_progress", "submitted" ("unknown" otherwise). */
const char *gov_risk_status_name (Pmo__RiskStatus s);
const char *gov_issue_status_name (Pmo__IssueStatus s);
const char *gov_change_status_name (Pmo__ChangeStatus s);
const char *gov_severity_name (Pmo__Severity s);

/*  The rules of an issue's fields (title, severity, owner, due,
 *  resolution), on the merged record. */
int issue_check (req_t *r, const Pmo__Issue *i);
/*  Creates issue *i (id assigned, status open, times set) and emits
 *  issue.added.  Validates its fields first. */
int issue_create (req_t *r, Pmo__Issue *i);

/*  The newest stored baseline of project (kept by r), or NULL in *b_out
 *  when the project is not yet under change control. */
int gov_baseline_latest (req_t *r, const char *project, Pmo__Baseline **b_out);
/*  Baseline version 1 of project (stored), or NULL when none is stored. */
int gov_baseline_first (req_t *r, const char *project, Pmo__Baseline **b_out);
/*  The plan in force of p as a baseline (version, milestones and all; the
 *  milestones' due dates are read from the store).  Kept by r. */
int gov_baseline_from_project (req_t *r, const Pmo__Project *p, uint32_t version,
                               Pmo__Baseline **b_out);

#endif
