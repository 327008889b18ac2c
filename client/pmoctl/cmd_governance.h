/*  cmd_governance: pmoctl's commands for the governance registers (risks,
 *  issues, change requests and baselines, closure and lessons learned),
 *  their option tables, and the helpers these files share
 *  (gov_util.c).  See docs/governance-registers.md. */
#ifndef PMOCTL_CMD_GOVERNANCE_H
#define PMOCTL_CMD_GOVERNANCE_H

#include "pmoctl.h"

/*  ---- gov_util.c ---------------------------------------------------------------- */

/*  Asks pmod for a register (kind) of project (may be NULL), one item when
 *  id > 0, filtered by status name (NULL: all).  As pmoctl_query; the
 *  reply's body is Registers. */
int pmoctl_registers (pmoctl_t *ctl, Pmo__RegisterKind kind, const char *project, uint32_t id,
                      const char *status, Pmo__Reply **reply_p);
/*  An item number: a whole number 1..2^32-1.  PMO_OK or PMO_EINVAL (line
 *  printed). */
int pmoctl_parse_id (const char *what, const char *s, uint32_t *id);
/*  A level 1..5 (probability, impact). */
int pmoctl_parse_level (const char *flag, const char *s, int32_t *out);
/*  A name of enum d ("in_progress"); the error lists the choices. */
int pmoctl_parse_enum (const char *flag, const char *s, const ProtobufCEnumDescriptor *d, int *out);
/*  Sends a write that creates or changes an item and prints the result:
 *  with --json {"ok":true,"seq":N,"id":ID} where ID is read from the event
 *  the write made (the item's body_case), else "<what> (seq N)" with
 *  "%u" in what replaced by the id.  Returns the exit code. */
int pmoctl_write_item (pmoctl_t *ctl, Pmo__Request *req, Pmo__Event__BodyCase body_case, const char *what);
/*  Name of a status or severity value: "open", "in_progress". */
const char *pmoctl_enum_name (const ProtobufCEnumDescriptor *d, int v);
/*  The summary of a governance event for pmoctl log; false when ev is not
 *  one. */
bool pmoctl_governance_summary (const Pmo__Event *ev, char *buf, size_t n);
/*  Prints a reply's Registers as JSON with the named arrays always present. */
void pmoctl_print_registers_json (const Pmo__Registers *view, const char *const *arrays);

/*  ---- cmd_risk.c ------------------------------------------------------------------ */

int cmd_risk_add (pmoctl_t *ctl);
int cmd_risk_set (pmoctl_t *ctl);
int cmd_risk_occur (pmoctl_t *ctl);
int cmd_risk_list (pmoctl_t *ctl);
int cmd_risk_show (pmoctl_t *ctl);
int cmd_risks (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_risk_add_opts[];
extern const pmoctl_opt_t cmd_risk_set_opts[];
extern const pmoctl_opt_t cmd_risk_occur_opts[];
extern const pmoctl_opt_t cmd_risk_list_opts[];
extern const pmoctl_opt_t cmd_risks_opts[];

/*  ---- cmd_issue.c ------------------------------------------------------------------ */

int cmd_issue_add (pmoctl_t *ctl);
int cmd_issue_set (pmoctl_t *ctl);
int cmd_issue_list (pmoctl_t *ctl);
int cmd_issue_show (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_issue_add_opts[];
extern const pmoctl_opt_t cmd_issue_set_opts[];
extern const pmoctl_opt_t cmd_issue_list_opts[];

/*  ---- cmd_change.c ----------------------------------------------------------------- */

int cmd_change_submit (pmoctl_t *ctl);
int cmd_change_approve (pmoctl_t *ctl);
int cmd_change_reject (pmoctl_t *ctl);
int cmd_change_withdraw (pmoctl_t *ctl);
int cmd_change_list (pmoctl_t *ctl);
int cmd_change_show (pmoctl_t *ctl);
int cmd_project_baselines (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_change_submit_opts[];
extern const pmoctl_opt_t cmd_change_decide_opts[];
extern const pmoctl_opt_t cmd_change_list_opts[];

/*  ---- cmd_lessons.c ----------------------------------------------------------------- */

int cmd_project_close (pmoctl_t *ctl);
int cmd_project_closure (pmoctl_t *ctl);
int cmd_lessons (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_project_close_opts[];
extern const pmoctl_opt_t cmd_lessons_opts[];

#endif
