/*  pmoctl: the operator's command line for pmod.
 *
 *  main.c owns the command table (noun, verb, handler, options, help), the
 *  one flag parser every command shares, the call to pmod with its exit-code
 *  mapping, and the small local checks of obviously malformed input.  The
 *  handlers live in cmd_<noun>.c and never parse flags or exit themselves.
 *
 *  Exit codes: 0 success; 1 usage error or a rejection by pmod (the line
 *  printed is Reply.reason); 2 pmod unreachable or silent past --timeout.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_log.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"
#include "cmd_governance.h"

/*  ---- the command table ---------------------------------------------------- */

static const pmoctl_cmd_t s_commands[] = {
    {"portfolio", "add", cmd_portfolio_add, cmd_portfolio_add_opts, "CODE", 1, 1, 0,
     "create a portfolio", NULL},
    {"portfolio", "list", cmd_portfolio_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV,
     "list portfolios", NULL},
    {"programme", "add", cmd_programme_add, cmd_programme_add_opts, "CODE", 1, 1, 0,
     "create a programme in a portfolio", NULL},
    {"programme", "list", cmd_programme_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV,
     "list programmes", NULL},
    {"team", "add", cmd_team_add, cmd_team_add_opts, "CODE", 1, 1, 0, "create a team", NULL},
    {"team", "list", cmd_team_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV,
     "list teams and when their agent was last heard", NULL},
    {"person", "add", cmd_person_add, cmd_person_add_opts, "ID", 1, 1, 0,
     "create a person with an hourly cost rate and a weekly capacity", NULL},
    {"person", "list", cmd_person_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV, "list people", NULL},
    {"project", "add", cmd_project_add, cmd_project_add_opts, "CODE", 1, 1, 0,
     "create a project with its baseline dates and budget", NULL},
    {"project", "list", cmd_project_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV, "list projects", NULL},
    {"project", "show", cmd_project_show, cmd_project_show_opts, "CODE", 1, 1, 0,
     "show a project: baseline, budget, actuals, health, earned value, milestones, recent "
     "activity",
     "The earned value section is as of today: PV, EV, AC, CV, SV, CPI, SPI, EAC in its\n"
     "three forms (BAC/CPI, AC+(BAC-EV), AC+(BAC-EV)/(CPI*SPI)), ETC, VAC, TCPI (to BAC\n"
     "and to EAC), earned schedule ES, actual time AT, SV(t) and SPI(t), and how planned\n"
     "value is phased (linear over the baseline, or by milestone weights).  An index\n"
     "whose denominator is zero is undefined and shows as \"-\".\n"},
    {"project", "set", cmd_project_set, cmd_project_set_opts, "CODE", 1, 1, 0,
     "change fields of a project", NULL},
    {"milestone", "add", cmd_milestone_add, cmd_milestone_add_opts, "CODE NAME", 2, 2, 0,
     "add a milestone to project CODE", NULL},
    {"milestone", "list", cmd_milestone_list, NULL, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "list the milestones of project CODE with their slip", NULL},
    {"milestone", "set", cmd_milestone_set, cmd_milestone_set_opts, "CODE NAME", 2, 2, 0,
     "change dates or weight of a milestone", NULL},
    {"milestone", "reach", cmd_milestone_reach, cmd_milestone_reach_opts, "CODE NAME", 2, 2, 0,
     "mark a milestone reached (on --date, default today)", NULL},
    {"status", NULL, cmd_status, cmd_status_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "one line per project: status, RAG, % complete, budget, actual, CPI, SPI, SPI(t), EAC, "
     "next milestone",
     "After the table: the health reason of every project that is not green, then the\n"
     "roll-ups per programme, portfolio and in total, one line per currency (sums of\n"
     "BAC, PV, EV, AC; CPI and SPI of the sums).  Cancelled projects are listed but not\n"
     "rolled up.  Indices have three decimals and are compared exactly; an undefined\n"
     "index (zero denominator) shows as \"-\" and sorts last.\n"
     "--json: pmod's StatusView (rows filtered by --rag and ordered by --sort).\n"
     "--csv: the project rows only, columns code,status,rag,percent_complete,bac,ac,\n"
     "currency,pv,ev,cpi,spi,spi_t,eac,next_milestone,next_date (amounts as decimals\n"
     "in the currency, empty cells for undefined values).\n"},
    {"dashboard", NULL, cmd_dashboard, cmd_dashboard_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "the portfolio dashboard: every project's earned value and RAG, then programme, "
     "portfolio and total roll-ups per currency",
     "Amounts are in the currency of the CUR column.  Roll-ups carry sums (BAC, PV, EV,\n"
     "AC, CV, SV) and the indices of the sums (CPI, SPI); the forecasts (EAC, ETC, VAC,\n"
     "TCPI, SPI(t)) are per project only.\n"
     "--json: pmod's StatusView.\n"
     "--csv: projects and roll-ups in one table with a level column (project, programme,\n"
     "portfolio, total): level,code,rag,status,currency,projects,bac,pv,ev,ac,cv,sv,cpi,\n"
     "spi,eac,etc,vac,tcpi,spi_t.\n"},
    {"report", "time", cmd_report_time, cmd_report_time_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "hours booked over [--from, --to], grouped by person, project, team or activity",
     "Text shows minutes as decimal hours (1.50 = 90 minutes).  --csv: a header of the\n"
     "key names, the value names and flags, then raw integers (minutes).  --json: pmod's\n"
     "Report.\n"},
    {"report", "cost", cmd_report_cost, cmd_report_cost_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "actual cost by month and currency, split by category (labour from time entries "
     "and labour costs)",
     "--csv: month,currency,labour_minor,...,total_minor,flags with amounts in minor\n"
     "units (cents), exact for spreadsheets.  --json: pmod's Report.\n"},
    {"report", "slip", cmd_report_slip, cmd_report_slip_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "milestones: baseline, forecast, actual and slip in days; flag \"missed\"",
     "Slip is against the baseline: the actual date when reached, else the forecast,\n"
     "else today once the baseline has passed; late is positive.  --csv: raw integers.\n"},
    {"report", "resources", cmd_report_resources, cmd_report_resources_opts, NULL, 0, 0,
     PMOCTL_CMD_CSV,
     "hours booked per person and week against capacity; flag \"overallocated\"",
     "Weeks start on Monday.  --csv: raw integers (minutes).\n"},
    {"policy", "show", cmd_policy_show, NULL, NULL, 0, 0, 0,
     "print the governance policy: RAG thresholds and alert settings", NULL},
    {"policy", "set", cmd_policy_set, NULL, "KEY VALUE", 2, 2, 0,
     "change one policy key (recorded in the audit trail)",
     "Keys, with values as policy show prints them:\n"
     "  cpi_amber, cpi_red, spi_amber, spi_red   an index, 0.95 (amber/red below it)\n"
     "  overspend_amber, overspend_red           percentage points of budget spent\n"
     "                                           beyond percent complete, 10\n"
     "  missed_amber, missed_red                 missed milestones, 1\n"
     "  at_risk_days                             milestone.at_risk window in days\n"
     "  budget_thresholds                        budget.threshold alerts, 50,80,100\n"
     "  silent_minutes                           team.silent after this long\n"
     "pmod checks the key and the value (red never looser than amber) and its reason\n"
     "is printed when it refuses.\n"},
    {"backup", NULL, cmd_backup, NULL, "FILE", 1, 1, PMOCTL_CMD_SLOW,
     "write a consistent, compacted copy of pmod's store to FILE while pmod keeps serving",
     "FILE is written by pmod, on pmod's machine, with pmod's permissions: a relative\n"
     "FILE is made absolute with this shell's working directory, which only names the\n"
     "place you mean when pmod runs on this machine.  FILE must not exist.  To restore,\n"
     "stop pmod and put the copy in place as DATA_DIR/data.mdb.  The default --timeout\n"
     "of this command is 600000 ms (10 minutes); a ping within 5000 ms comes first, so\n"
     "a pmod that is down or does not answer is reported at once.\n"},
    {"clock", "set", cmd_clock_set, NULL, "TIME", 1, 1, 0,
     "set pmod's clock (tests and demos; refused unless pmod was started with --now)",
     "TIME is an ISO 8601 instant (2026-12-01T09:00:00Z) or a date (midnight UTC).\n"
     "pmod checks deadlines at once, so alerts the new time raises are in the log\n"
     "when this command returns.\n"},
    {"log", NULL, cmd_log, cmd_log_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "the audit trail, one line per event", NULL},
    {"ping", NULL, cmd_ping, NULL, NULL, 0, 0, 0, "print pmod's version and last seq", NULL},
    /*  governance: templates, life cycle and gates, allocations, priorities
     *  (docs/governance-plan.md) */
    {"template", "add", cmd_template_add, cmd_template_add_opts, "NAME", 1, 1, 0,
     "store a new version of template NAME from a JSON file",
     "The file: {\"description\": ..., \"milestones\": [{\"name\", \"offset_days\", \"weight\"}],\n"
     "\"phases\": [{\"name\", \"gate\": {\"name\", \"checklist\": [TEXT...]}}...], \"rag\": {KEY: VALUE}}.\n"
     "Every phase but the last has a gate; rag keys are those of policy set (cpi_amber ...),\n"
     "values as strings (\"0.90\").  Adding a name again stores its next version.\n"},
    {"template", "list", cmd_template_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV,
     "list templates with their newest version", NULL},
    {"template", "show", cmd_template_show, cmd_template_show_opts, "NAME", 1, 1, 0,
     "show a template: milestones, phases, gates and checklists, RAG policy", NULL},
    {"project", "phase", cmd_project_phase, cmd_project_phase_opts, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "show a project's life cycle, or move it to its next phase (--advance)",
     "The move is refused while the gate of the current phase is pending or rejected.\n"},
    {"gate", "list", cmd_gate_list, NULL, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "the phases and gates of project CODE with their states and checklists", NULL},
    {"gate", "approve", cmd_gate_approve, cmd_gate_approve_opts, "CODE GATE [ITEM=yes|no[:NOTE]]...", 2, 34, 0,
     "approve the gate of the project's current phase, answering its checklist",
     "ITEM is the checklist item's number or its exact text.  Answers merge with those\n"
     "given before; approval needs every item answered yes.  An approval is final.\n"},
    {"gate", "reject", cmd_gate_reject, cmd_gate_reject_opts, "CODE GATE [ITEM=yes|no[:NOTE]]...", 2, 34, 0,
     "reject the gate of the project's current phase (it can be decided again)", NULL},
    {"allocation", "set", cmd_allocation_set, cmd_allocation_set_opts, "PERSON PROJECT WEEK", 3, 3, 0,
     "plan hours of a person on a project in an ISO week (2026-W48), replacing any before", NULL},
    {"allocation", "remove", cmd_allocation_remove, NULL, "PERSON PROJECT WEEK", 3, 3, 0,
     "remove a planned allocation", NULL},
    {"resources", NULL, cmd_resources, cmd_resources_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "planned hours per person and ISO week against weekly capacity; flag \"overallocated\"",
     "Planned allocations (pmoctl allocation set), not booked time: see pmoctl report\n"
     "resources for hours booked.  --csv: person,week,planned_minutes,capacity_minutes,flag.\n"},
    {"criterion", "set", cmd_criterion_set, cmd_criterion_set_opts, "NAME", 1, 1, 0,
     "set a prioritisation criterion and its weight (0..100)", NULL},
    {"criterion", "list", cmd_criterion_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV,
     "list the prioritisation criteria and their weights", NULL},
    {"score", "set", cmd_score_set, NULL, "CODE CRITERION VALUE", 3, 3, 0,
     "score project CODE on a criterion (0..10)", NULL},
    {"priorities", NULL, cmd_priorities, cmd_priorities_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "the portfolio ranked by weighted score, with cumulative budget against a budget line",
     "Score = sum of weight x score.  Ties: higher score, then lower BAC, then code.\n"
     "Ranked per currency; with --budget only that currency's projects, and those whose\n"
     "cumulative BAC stays within the budget fit (the line falls at the first that does\n"
     "not).  Closed and cancelled projects are left out.\n"},
    /*  Governance registers (cmd_risk.c, cmd_issue.c, cmd_change.c,
     *  cmd_lessons.c; docs/governance-registers.md). */
    {"risk", "add", cmd_risk_add, cmd_risk_add_opts, "CODE", 1, 1, 0,
     "add a risk to project CODE's register (score = probability x impact)", NULL},
    {"risk", "set", cmd_risk_set, cmd_risk_set_opts, "CODE ID", 2, 2, 0,
     "change a risk's fields or status",
     "Status: open, mitigating and accepted go to any other status; closed and occurred\n"
     "are final (an occurred risk can still become an issue with risk occur).\n"},
    {"risk", "occur", cmd_risk_occur, cmd_risk_occur_opts, "CODE ID", 2, 2, 0,
     "the risk occurred: mark it occurred and open an issue from it, in one step", NULL},
    {"risk", "list", cmd_risk_list, cmd_risk_list_opts, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "list the risks of project CODE", NULL},
    {"risk", "show", cmd_risk_show, NULL, "CODE ID", 2, 2, 0, "show one risk", NULL},
    {"risks", NULL, cmd_risks, cmd_risks_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "the portfolio's risk heat map: open and mitigating risks by probability and impact",
     "Risks of closed and cancelled projects do not count.  Text: the 5 x 5 grid, then\n"
     "the risks by score.  --csv: probability,impact,score,count (25 rows).  --json:\n"
     "heatmap (25 cells, probability 5..1, impact 1..5), counted and the risks.\n"},
    {"issue", "add", cmd_issue_add, cmd_issue_add_opts, "CODE", 1, 1, 0,
     "add an issue to project CODE's log", NULL},
    {"issue", "set", cmd_issue_set, cmd_issue_set_opts, "CODE ID", 2, 2, 0,
     "change an issue's fields or status",
     "Status: open <-> in_progress, either -> resolved (needs --resolution), resolved ->\n"
     "open, in_progress or closed; closed is final.\n"},
    {"issue", "list", cmd_issue_list, cmd_issue_list_opts, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "list the issues of project CODE", NULL},
    {"issue", "show", cmd_issue_show, NULL, "CODE ID", 2, 2, 0, "show one issue", NULL},
    {"change", "submit", cmd_change_submit, cmd_change_submit_opts, "CODE [MILESTONE=DATE ...]", 1, 201, 0,
     "submit a change request: cost and schedule impact, new milestone due dates",
     "Approval changes the project's budget by --cost, its baseline finish to --finish\n"
     "(or by --days from the finish in force then) and the milestones' due dates, and\n"
     "keeps every earlier baseline (pmoctl project baselines CODE).\n"},
    {"change", "approve", cmd_change_approve, cmd_change_decide_opts, "CODE ID", 2, 2, 0,
     "approve a submitted change request: the new baseline takes effect", NULL},
    {"change", "reject", cmd_change_reject, cmd_change_decide_opts, "CODE ID", 2, 2, 0,
     "reject a submitted change request", NULL},
    {"change", "withdraw", cmd_change_withdraw, cmd_change_decide_opts, "CODE ID", 2, 2, 0,
     "withdraw a submitted change request", NULL},
    {"change", "list", cmd_change_list, cmd_change_list_opts, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "list the change requests of project CODE", NULL},
    {"change", "show", cmd_change_show, NULL, "CODE ID", 2, 2, 0, "show one change request", NULL},
    {"project", "baselines", cmd_project_baselines, NULL, "CODE", 1, 1, PMOCTL_CMD_CSV,
     "every baseline version of project CODE, the original first",
     "Version 1 is the plan in force when the first change request was approved;\n"
     "before that it is shown from the plan in force, marked as not yet under change\n"
     "control.  Text adds the milestone due dates of every version.\n"},
    {"project", "close", cmd_project_close, cmd_project_close_opts, "CODE", 1, 1, 0,
     "close an active project with its closure record and at least one lesson learned",
     "pmod computes the outcome: actual cost against the current and the original BAC,\n"
     "the actual finish (last booking, progress or milestone) against both baseline\n"
     "finishes.  A lesson needs a category, a recommendation, and what went well or\n"
     "badly.  --lessons FILE: [{\"category\":..,\"went_well\":..,\"went_badly\":..,\n"
     "\"recommendation\":..}, ...] or one such object per line.\n"},
    {"project", "closure", cmd_project_closure, NULL, "CODE", 1, 1, 0,
     "show the closure record of a closed project", NULL},
    {"lessons", NULL, cmd_lessons, cmd_lessons_opts, NULL, 0, 0, PMOCTL_CMD_CSV,
     "lessons learned across the portfolio, by category and words", NULL},
    {"keygen", NULL, cmd_keygen, NULL, "FILE", 1, 1, 0,
     "write a new CURVE keypair: FILE (secret, mode 0600) and FILE.pub (public); offline",
     "Give FILE.pub to pmod's admin for enrolment (pmoctl key enrol); keep FILE private.\n"
     "Every pmo program refuses a secret key file that group or others can read.\n"},
    {"key", "enrol", cmd_key_enrol, cmd_key_enrol_opts, "NAME", 1, 1, 0,
     "let the public key in --public FILE in as principal NAME (admin only)",
     "Exactly one of: --role viewer|analyst|manager|admin (an operator), --agent TEAM\n"
     "(a team agent; NAME must be its agent id), --subscriber (pmo-notify).\n"},
    {"key", "revoke", cmd_key_revoke, NULL, "NAME", 1, 1, 0,
     "revoke principal NAME's key: new connections refused, connected ones at their next request",
     NULL},
    {"key", "list", cmd_key_list, NULL, NULL, 0, 0, PMOCTL_CMD_CSV,
     "list enrolled principals with their role or team and key fingerprint (admin only)", NULL},
};

/*  ---- global options --------------------------------------------------------- */

enum {
    G_ENDPOINT = 1000,
    G_EVENTS,
    G_TIMEOUT,
    G_JSON,
    G_CSV,
    G_ACTOR,
    G_LOG_LEVEL,
    G_KEY,
    G_SERVER_KEY,
    G_HELP,
    G_CMD_BASE = 2000  /* command option i has getopt value G_CMD_BASE + i */
};

typedef struct {
    const char *name;
    int has_arg;
    int key;
    const char *metavar;
    const char *help;
} s_global_t;

static const s_global_t s_globals[] = {
    {"endpoint", required_argument, G_ENDPOINT, "EP",
     "pmod request endpoint (default $PMO_ENDPOINT, else " PMO_DEFAULT_ENDPOINT ")"},
    {"events", required_argument, G_EVENTS, "EP",
     "pmod event endpoint ($PMO_EVENTS); accepted like every pmo program, no command reads events"},
    {"timeout", required_argument, G_TIMEOUT, "MS",
     "how long to wait for pmod (default 5000; backup 600000)"},
    {"json", no_argument, G_JSON, NULL, "print one JSON document on stdout"},
    {"csv", no_argument, G_CSV, NULL,
     "lists, status, dashboard, reports and log as CSV with a header line"},
    {"actor", required_argument, G_ACTOR, "NAME",
     "who asks, recorded in the audit trail (default $USER)"},
    {"log-level", required_argument, G_LOG_LEVEL, "LEVEL",
     "error, warn, info or debug (default warn, or $PMO_LOG)"},
    {"key", required_argument, G_KEY, "FILE",
     "your secret key file (default $PMO_KEY); none: no CURVE (pmod --insecure)"},
    {"server-key", required_argument, G_SERVER_KEY, "FILE",
     "pmod's public key, DATA/server.key.pub on pmod's machine (default $PMO_SERVER_KEY)"},
    {"help", no_argument, G_HELP, NULL, "this help; also pmoctl NOUN --help, pmoctl NOUN VERB --help"},
};

/*  ---- help ------------------------------------------------------------------- */

static size_t
s_n_opts (const pmoctl_opt_t *opts)
{
    size_t n = 0;
    while (opts && opts[n].name)
        n++;
    return n;
}

/*  "pmoctl project add CODE --name N ... [--programme P] ..." */
static void
s_print_synopsis (FILE *f, const pmoctl_cmd_t *cmd)
{
    fprintf (f, "pmoctl %s", cmd->noun);
    if (cmd->verb)
        fprintf (f, " %s", cmd->verb);
    if (cmd->args)
        fprintf (f, " %s", cmd->args);
    size_t n = s_n_opts (cmd->opts);
    for (size_t i = 0; i < n; i++)
        if (cmd->opts[i].is_required)
            fprintf (f, " --%s%s%s", cmd->opts[i].name, cmd->opts[i].metavar ? " " : "",
                     cmd->opts[i].metavar ? cmd->opts[i].metavar : "");
    for (size_t i = 0; i < n; i++)
        if (!cmd->opts[i].is_required)
            fprintf (f, " [--%s%s%s]", cmd->opts[i].name, cmd->opts[i].metavar ? " " : "",
                     cmd->opts[i].metavar ? cmd->opts[i].metavar : "");
}

static void
s_print_option (FILE *f, const char *name, const char *metavar, const char *help,
                bool is_required)
{
    char left[64];
    snprintf (left, sizeof left, "--%s%s%s", name, metavar ? " " : "", metavar ? metavar : "");
    fprintf (f, "  %-20s %s%s\n", left, help, is_required ? " (required)" : "");
}

static void
s_print_globals (FILE *f)
{
    fprintf (f, "\nGlobal options (before or after the command):\n");
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_globals); i++)
        s_print_option (f, s_globals[i].name, s_globals[i].metavar, s_globals[i].help, false);
}

static void
s_help_all (FILE *f)
{
    fprintf (f, "usage: pmoctl [global options] NOUN [VERB] [ARGS] [options]\n\nCommands:\n");
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++) {
        fputs ("  ", f);
        s_print_synopsis (f, &s_commands[i]);
        fprintf (f, "\n      %s\n", s_commands[i].summary);
    }
    s_print_globals (f);
    fprintf (f, "\nExit status: 0 success, 1 usage error or rejected by pmod, "
                "2 pmod unreachable or no answer within --timeout.\n");
}

static void
s_help_noun (FILE *f, const char *noun)
{
    fprintf (f, "Commands for %s:\n", noun);
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++) {
        if (!streq (s_commands[i].noun, noun))
            continue;
        fputs ("  ", f);
        s_print_synopsis (f, &s_commands[i]);
        fprintf (f, "\n      %s\n", s_commands[i].summary);
    }
    fprintf (f, "\nSee pmoctl %s VERB --help for the options of one command.\n", noun);
}

static void
s_help_cmd (FILE *f, const pmoctl_cmd_t *cmd)
{
    fputs ("usage: ", f);
    s_print_synopsis (f, cmd);
    fprintf (f, "\n\n%c%s.\n", toupper ((unsigned char) cmd->summary[0]), cmd->summary + 1);
    if (cmd->details)
        fprintf (f, "\n%s", cmd->details);
    size_t n = s_n_opts (cmd->opts);
    if (n > 0) {
        fprintf (f, "\nOptions:\n");
        for (size_t i = 0; i < n; i++)
            s_print_option (f, cmd->opts[i].name, cmd->opts[i].metavar, cmd->opts[i].help,
                            cmd->opts[i].is_required);
    }
    s_print_globals (f);
    if (!(cmd->flags & PMOCTL_CMD_CSV))
        fprintf (f, "  (--csv does not apply to this command)\n");
}

/*  ---- locating the command ---------------------------------------------------- */

/*  The global option that token names (exact, or an unambiguous prefix as
 *  getopt_long accepts), or NULL. */
static const s_global_t *
s_global_for (const char *token)
{
    if (strncmp (token, "--", 2) != 0)
        return NULL;
    const char *name = token + 2;
    size_t len = strcspn (name, "=");
    const s_global_t *found = NULL;
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_globals); i++) {
        if (strncmp (s_globals[i].name, name, len) != 0)
            continue;
        if (strlen (s_globals[i].name) == len)
            return &s_globals[i];
        if (found)
            return NULL;  /* ambiguous */
        found = &s_globals[i];
    }
    return found;
}

static bool
s_noun_known (const char *noun)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++)
        if (streq (s_commands[i].noun, noun))
            return true;
    return false;
}

static bool
s_noun_has_verbs (const char *noun)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++)
        if (streq (s_commands[i].noun, noun) && s_commands[i].verb)
            return true;
    return false;
}

static const pmoctl_cmd_t *
s_find (const char *noun, const char *verb)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++) {
        const pmoctl_cmd_t *c = &s_commands[i];
        if (streq (c->noun, noun) && (c->verb ? verb && streq (c->verb, verb) : !verb))
            return c;
    }
    return NULL;
}

/*  "add, list, show, set" */
static void
s_verbs_of (const char *noun, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++) {
        if (!streq (s_commands[i].noun, noun) || !s_commands[i].verb)
            continue;
        size_t len = strlen (buf);
        snprintf (buf + len, n - len, "%s%s", len ? ", " : "", s_commands[i].verb);
    }
}

typedef struct {
    int noun_at;     /* argv index, 0 when absent */
    int verb_at;
    bool wants_help;
} s_scan_t;

/*  Finds the noun, the verb and --help among argv without knowing the
 *  command's own options yet: the only options that may come before the
 *  command words are global ones, whose arity we know. */
static void
s_scan (int argc, char **argv, s_scan_t *scan)
{
    memset (scan, 0, sizeof *scan);
    bool is_done = false;
    for (int i = 1; i < argc; i++) {
        const char *t = argv[i];
        if (streq (t, "--"))
            break;
        if (streq (t, "--help") || streq (t, "-h")) {
            scan->wants_help = true;
            continue;
        }
        if (t[0] == '-' && t[1] != '\0') {
            const s_global_t *g = is_done ? NULL : s_global_for (t);
            if (g && g->has_arg == required_argument && !strchr (t, '='))
                i++;
            continue;
        }
        if (is_done)
            continue;
        if (!scan->noun_at) {
            scan->noun_at = i;
            is_done = !s_noun_known (t) || !s_noun_has_verbs (t);
        } else {
            scan->verb_at = i;
            is_done = true;
        }
    }
}

/*  ---- parsing a command line ----------------------------------------------------- */

/*  The argument that holds the short option letter getopt refused: inside
 *  a cluster ("-0.5") optind still points at it, after its last letter
 *  one past it, so both are looked at.  NULL when neither holds it. */
static const char *
s_short_option_arg (int ac, char **av, int letter)
{
    for (int i = optind; i >= optind - 1 && i >= 1; i--)
        if (i < ac && av[i][0] == '-' && av[i][1] != '-' && strchr (av[i] + 1, letter))
            return av[i];
    return NULL;
}

/*  "-0.5", "-.5", "-12": what a negative number looks like. */
static bool
s_is_negative_number (const char *s)
{
    if (s[0] != '-' || !s[1])
        return false;
    for (const char *p = s + 1; *p; p++)
        if (!isdigit ((unsigned char) *p) && *p != '.')
            return false;
    return true;
}

/*  One line naming the option getopt refused: the letter of a short one
 *  (with --, should it be a negative number), or the long one without
 *  its =VALUE. */
static int
s_unknown_option (const char *name, int ac, char **av)
{
    if (optopt > 0 && optopt < 128 && isprint (optopt)) {
        const char *arg = s_short_option_arg (ac, av, optopt);
        if (arg && s_is_negative_number (arg))
            return pmoctl_fail ("%s: '%s' reads as an option; for a negative number put -- before the "
                                "arguments (pmoctl %s -- ...)", name, arg, name);
        return pmoctl_fail ("%s: unknown option '-%c' (see pmoctl %s --help)", name, optopt, name);
    }
    const char *arg = av[optind - 1];
    if (optopt >= G_ENDPOINT)  /* a known flag given =VALUE */
        return pmoctl_fail ("%s: %.*s takes no value (see pmoctl %s --help)", name,
                            (int) strcspn (arg, "="), arg, name);
    return pmoctl_fail ("%s: unknown option '%.*s' (see pmoctl %s --help)", name, (int) strcspn (arg, "="),
                        arg, name);
}

/*  Parses options and positionals for cmd from argv without the command
 *  words (av, ac; av is permuted).  Returns PMOCTL_EXIT_OK or prints one line
 *  and returns PMOCTL_EXIT_USAGE. */
static int
s_parse (pmoctl_t *ctl, int ac, char **av)
{
    const pmoctl_cmd_t *cmd = ctl->cmd;
    size_t n_opts = s_n_opts (cmd->opts);
    size_t n_globals = PMO_ARRAY_LEN (s_globals);
    struct option *longopts = pmo_calloc (n_globals + n_opts + 1, sizeof *longopts);
    for (size_t i = 0; i < n_globals; i++)
        longopts[i] = (struct option) {s_globals[i].name, s_globals[i].has_arg, NULL,
                                       s_globals[i].key};
    for (size_t i = 0; i < n_opts; i++)
        longopts[n_globals + i] = (struct option) {cmd->opts[i].name,
                                                   cmd->opts[i].metavar ? required_argument : no_argument,
                                                   NULL, G_CMD_BASE + (int) i};
    char name[64];
    snprintf (name, sizeof name, "%s%s%s", cmd->noun, cmd->verb ? " " : "",
              cmd->verb ? cmd->verb : "");

    int rc = PMOCTL_EXIT_OK;
    bool is_json = false, is_csv = false;
    const char *timeout = NULL;
    opterr = 0;
    optind = 1;
    int key;
    while (rc == PMOCTL_EXIT_OK && (key = getopt_long (ac, av, ":h", longopts, NULL)) != -1) {
        switch (key) {
        case G_ENDPOINT: ctl->endpoint = optarg; break;
        case G_EVENTS: break;  /* uniform command line; nothing here subscribes */
        case G_TIMEOUT: timeout = optarg; break;
        case G_JSON: is_json = true; break;
        case G_CSV: is_csv = true; break;
        case G_ACTOR: ctl->actor = optarg; break;
        case G_KEY: ctl->key_file = optarg; break;
        case G_SERVER_KEY: ctl->server_key_file = optarg; break;
        case G_LOG_LEVEL: {
            int level = pmo_log_level_parse (optarg);
            if (level < 0)
                rc = pmoctl_fail ("--log-level: '%s' is not error, warn, info or debug", optarg);
            else
                pmo_log_set_level ((pmo_log_level_t) level);
            break;
        }
        case G_HELP:
        case 'h': break;  /* handled by the scan */
        case ':':
            rc = pmoctl_fail ("%s: %s needs a value (see pmoctl %s --help)", name, av[optind - 1],
                              name);
            break;
        case '?': rc = s_unknown_option (name, ac, av); break;
        default:
            /*  A flag (no metavar) is present as "". */
            ctl->opt[key - G_CMD_BASE] = optarg ? optarg : "";
            break;
        }
    }
    if (rc)
        goto out;

    if (timeout) {
        uint64_t ms = 0;
        if (pmoctl_parse_u64 ("--timeout", timeout, INT_MAX, &ms) != PMO_OK) {
            rc = PMOCTL_EXIT_USAGE;
            goto out;
        }
        if (ms == 0) {
            rc = pmoctl_fail ("--timeout: must be at least 1 ms");
            goto out;
        }
        ctl->timeout_ms = (int) ms;
    } else if (cmd->flags & PMOCTL_CMD_SLOW) {
        ctl->timeout_ms = PMOCTL_SLOW_TIMEOUT_MS;
    }
    if (is_json && is_csv) {
        rc = pmoctl_fail ("--json and --csv exclude each other");
        goto out;
    }
    if (is_csv && !(cmd->flags & PMOCTL_CMD_CSV)) {
        rc = pmoctl_fail ("%s: --csv does not apply (use --json)", name);
        goto out;
    }
    ctl->format = is_json ? OUT_JSON : is_csv ? OUT_CSV : OUT_TEXT;

    ctl->args = av + optind;
    ctl->n_args = ac - optind;
    if (ctl->n_args < cmd->min_args || ctl->n_args > cmd->max_args) {
        if (ctl->n_args > cmd->max_args)
            rc = pmoctl_fail ("%s: unexpected argument '%s' (see pmoctl %s --help)", name,
                              ctl->args[cmd->max_args], name);
        else
            rc = pmoctl_fail ("%s: expected %s (see pmoctl %s --help)", name, cmd->args, name);
        goto out;
    }
    for (size_t i = 0; i < n_opts; i++) {
        if (cmd->opts[i].is_required && !ctl->opt[i]) {
            rc = pmoctl_fail ("%s: --%s is required (see pmoctl %s --help)", name,
                              cmd->opts[i].name, name);
            goto out;
        }
    }
out:
    free (longopts);
    return rc;
}

/*  ---- talking to pmod ------------------------------------------------------------ */

int
pmoctl_fail (const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (line, sizeof line, fmt, ap);
    va_end (ap);
    fprintf (stderr, "pmoctl: %s\n", line);
    return PMOCTL_EXIT_USAGE;
}

int
pmoctl_connect (pmoctl_t *ctl)
{
    if (ctl->client)
        return PMOCTL_EXIT_OK;
    char why[600];
    if (pmo_client_setup_keys (ctl->key_file, ctl->server_key_file, why, sizeof why) != PMO_OK)
        return pmoctl_fail ("%s", why);
    int rc = pmo_client_open (ctl->endpoint, &ctl->client);
    if (rc) {
        fprintf (stderr, "pmoctl: cannot connect to %s: %s\n", ctl->endpoint, pmo_strerror (rc));
        /*  A malformed endpoint is the operator's mistake, not an outage. */
        return rc == EINVAL || rc == EPROTONOSUPPORT ? PMOCTL_EXIT_USAGE : PMOCTL_EXIT_UNREACHABLE;
    }
    return PMOCTL_EXIT_OK;
}

int
pmoctl_call_failed (pmoctl_t *ctl, int rc)
{
    if (rc == PMO_ETIMEOUT) {
        fprintf (stderr, "pmoctl: no answer from pmod at %s within %d ms (is pmod running?)\n",
                 ctl->endpoint, ctl->timeout_ms);
        return PMOCTL_EXIT_UNREACHABLE;
    }
    if (rc == PMO_EDENIED)
        return pmoctl_fail ("pmod at %s refused this key (not enrolled, or revoked): ask an admin "
                            "to run pmoctl key enrol", ctl->endpoint);
    if (rc == PMO_ETOOBIG)
        return pmoctl_fail ("request too big: over %d bytes, pmod's limit; not sent", PMO_MAX_REQUEST_BYTES);
    fprintf (stderr, "pmoctl: pmod at %s: %s\n", ctl->endpoint, pmo_strerror (rc));
    return PMOCTL_EXIT_UNREACHABLE;
}

int
pmoctl_call (pmoctl_t *ctl, Pmo__Request *req, Pmo__Reply **reply_p)
{
    *reply_p = NULL;
    if (ctl->actor)
        req->actor = (char *) ctl->actor;
    int rc = pmoctl_connect (ctl);
    if (rc)
        return rc;
    Pmo__Reply *reply = NULL;
    rc = pmo_client_call (ctl->client, req, ctl->timeout_ms, &reply);
    if (rc)
        return pmoctl_call_failed (ctl, rc);
    if (reply->status != PMO__STATUS__STATUS_OK) {
        if (reply->reason && *reply->reason)
            fprintf (stderr, "pmoctl: %s\n", reply->reason);
        else
            fprintf (stderr, "pmoctl: refused by pmod: %s\n",
                     pmo_wire_reply_status_name (reply->status));
        pmo_wire_free (reply);
        return PMOCTL_EXIT_USAGE;
    }
    pmo_log_debug ("reply corr=%" PRIu64 " status=ok seq=%" PRIu64, reply->corr, reply->seq);
    *reply_p = reply;
    return PMOCTL_EXIT_OK;
}

int
pmoctl_query (pmoctl_t *ctl, Pmo__Request *req, Pmo__Reply__BodyCase expect, Pmo__Reply **reply_p)
{
    int rc = pmoctl_call (ctl, req, reply_p);
    if (rc)
        return rc;
    if ((*reply_p)->body_case != expect) {
        fprintf (stderr, "pmoctl: pmod at %s: reply without the expected body (%d, not %d)\n",
                 ctl->endpoint, (int) (*reply_p)->body_case, (int) expect);
        pmo_wire_free (*reply_p);
        *reply_p = NULL;
        return PMOCTL_EXIT_USAGE;
    }
    return PMOCTL_EXIT_OK;
}

int
pmoctl_list (pmoctl_t *ctl, Pmo__ListKind kind, const char *project, Pmo__Reply **reply_p)
{
    Pmo__ListQuery q = PMO__LIST_QUERY__INIT;
    q.has_kind = true;
    q.kind = kind;
    q.project = (char *) project;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_LIST;
    req.list = &q;
    return pmoctl_query (ctl, &req, PMO__REPLY__BODY_LISTING, reply_p);
}

void
pmoctl_print_json (const void *msg, const char *array_key)
{
    /*  Streamed, not built as a tree: a status of 10,000 projects is
     *  megabytes of JSON. */
    const char *const keys[] = {array_key, NULL};
    pmo_json_write (stdout, msg, keys);
    fputc ('\n', stdout);
}

int
pmoctl_write (pmoctl_t *ctl, Pmo__Request *req, const char *fmt, ...)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_call (ctl, req, &reply);
    if (rc)
        return rc;
    if (ctl->format == OUT_JSON) {
        out_json_write_ok (reply->seq, stdout);
    } else {
        char what[512];
        va_list ap;
        va_start (ap, fmt);
        vsnprintf (what, sizeof what, fmt, ap);
        va_end (ap);
        printf ("%s (seq %" PRIu64 ")\n", what, reply->seq);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

/*  ---- local checks ------------------------------------------------------------------ */

char *
pmoctl_read_file (const char *flag, const char *path, size_t max, size_t *len)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        pmoctl_fail ("%s: %s: %s", flag, path, strerror (errno));
        return NULL;
    }
    char *text = pmo_malloc (max + 1);
    *len = fread (text, 1, max + 1, f);
    int error = ferror (f) ? errno : 0;
    fclose (f);
    if (error || *len > max) {
        if (error)
            pmoctl_fail ("%s: %s: %s", flag, path, strerror (error));
        else
            pmoctl_fail ("%s: %s: larger than %zu bytes", flag, path, max);
        free (text);
        return NULL;
    }
    text[*len] = '\0';
    return text;
}

int
pmoctl_check_date (const char *flag, const char *s)
{
    int32_t days;
    if (!s || pmo_date_parse (s, &days) == PMO_OK)
        return PMO_OK;
    pmoctl_fail ("%s: '%s' is not a date (YYYY-MM-DD)", flag, s);
    return PMO_EINVAL;
}

int
pmoctl_parse_money (const char *flag, const char *s, const char *currency, int64_t *minor,
                    char code[4])
{
    if (!s)
        return PMO_OK;
    if (currency && !pmo_currency_valid (currency)) {
        pmoctl_fail ("--currency: '%s' is not an ISO 4217 currency code", currency);
        return PMO_EINVAL;
    }
    int rc = pmo_money_parse (s, currency, minor, code);
    if (rc == PMO_OK && currency && !streq (code, currency)) {
        /*  The amount's own code wins in pmo_money_parse; two codes that
         *  differ are a mistake to point out, not to settle silently. */
        pmoctl_fail ("%s: '%s' is in %s, but --currency says %s: give the currency once", flag, s, code,
                     currency);
        return PMO_EINVAL;
    }
    if (rc == PMO_OK)
        return PMO_OK;
    int64_t probe;
    if (rc == PMO_EOVERFLOW)
        pmoctl_fail ("%s: '%s' is too large", flag, s);
    else if (!currency && pmo_decimal_parse (s, 0, &probe) == PMO_OK)
        pmoctl_fail ("%s: '%s' has no currency (write \"%s EUR\" or add --currency)", flag, s, s);
    else
        pmoctl_fail ("%s: '%s' is not an amount like \"1200.00 EUR\"", flag, s);
    return PMO_EINVAL;
}

int
pmoctl_parse_u64 (const char *flag, const char *s, uint64_t max, uint64_t *out)
{
    if (!s)
        return PMO_OK;
    uint64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned) (*p - '0');
        if (v > (max - d) / 10) {
            pmoctl_fail ("%s: '%s' is more than %" PRIu64, flag, s, max);
            return PMO_EINVAL;
        }
        v = v * 10 + d;
    }
    if (p == s || *p) {
        pmoctl_fail ("%s: '%s' is not a whole number", flag, s);
        return PMO_EINVAL;
    }
    *out = v;
    return PMO_OK;
}

int
pmoctl_parse_status (const char *flag, const char *s, Pmo__ProjectStatus *out)
{
    if (!s)
        return PMO_OK;
    int v = pmo_wire_status_parse (s);
    if (v < 0) {
        pmoctl_fail ("%s: '%s' is not one of proposed, approved, active, on_hold, closed, "
                     "cancelled", flag, s);
        return PMO_EINVAL;
    }
    *out = (Pmo__ProjectStatus) v;
    return PMO_OK;
}

/*  ---- formatting -------------------------------------------------------------------- */

void
pmoctl_fmt_money (int64_t minor, const char *currency, char *buf, size_t n)
{
    if (pmo_money_format (minor, currency, buf, n) != PMO_OK)
        snprintf (buf, n, "%" PRId64 "%s%s", minor, currency && *currency ? " " : "",
                  currency ? currency : "");
}

void
pmoctl_fmt_money_plain (int64_t minor, const char *currency, char *buf, size_t n)
{
    int exponent = pmo_currency_exponent (currency);
    if (exponent < 0 || pmo_money_format_plain (minor, exponent, buf, n) != PMO_OK)
        snprintf (buf, n, "%" PRId64, minor);
}

void
pmoctl_fmt_percent (int64_t bp, char *buf, size_t n)
{
    if (pmo_decimal_format (bp, 2, buf, n) != PMO_OK)
        snprintf (buf, n, "?");
}

void
pmoctl_fmt_hours (int64_t minutes, char *buf, size_t n)
{
    int64_t hundredths;
    if (pmo_i64_muldiv (minutes, 100, 60, &hundredths) != PMO_OK
        || pmo_decimal_format (hundredths, 2, buf, n) != PMO_OK)
        snprintf (buf, n, "?");
}

int64_t
pmoctl_actual_minor (const Pmo__ProjectTotals *totals)
{
    if (!totals)
        return 0;
    int64_t sum;
    if (pmo_i64_add (totals->labour_minor, totals->cost_minor, &sum) != PMO_OK)
        return totals->labour_minor > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

const char *
pmoctl_str (const char *s)
{
    return s ? s : "";
}

void
pmoctl_fmt_time (int64_t ms, char out[25])
{
    if (ms == 0)
        out[0] = '\0';
    else
        pmo_datetime_format (ms, out);
}

void
pmoctl_fmt_amount (bool has, int64_t minor, const char *currency, bool is_plain, char *buf,
                   size_t n)
{
    if (!has)
        buf[0] = '\0';
    else if (is_plain)
        pmoctl_fmt_money_plain (minor, currency, buf, n);
    else
        pmoctl_fmt_money (minor, currency, buf, n);
}

pmo_ratio_t
pmoctl_ratio (const Pmo__Ratio *r)
{
    /*  pmo_ratio_make turns a zero denominator into "undefined" and moves a
     *  negative one's sign to the numerator. */
    return r ? pmo_ratio_make (r->num, r->den) : pmo_ratio_make (0, 0);
}

void
pmoctl_fmt_ratio (const Pmo__Ratio *r, int decimals, char *buf, size_t n)
{
    pmo_ratio_t v = pmoctl_ratio (r);
    if (!v.defined || pmo_ratio_format (v, decimals, buf, n) != PMO_OK)
        buf[0] = '\0';
}

int
pmoctl_ratio_cmp (const Pmo__Ratio *a, const Pmo__Ratio *b)
{
    pmo_ratio_t x = pmoctl_ratio (a), y = pmoctl_ratio (b);
    if (!x.defined || !y.defined)
        return (int) !x.defined - (int) !y.defined;
    return pmo_ratio_cmp (x, y.num, y.den);
}

const char *
pmoctl_health_reason (const Pmo__Health *h)
{
    if (!h || !h->reason)
        return "";
    const char *s = h->reason;
    size_t len = h->rag ? strlen (h->rag) : 0;
    if (len && strncmp (s, h->rag, len) == 0 && s[len] == ':' && s[len + 1] == ' ')
        return s + len + 2;
    return s;
}

/*  $USER, else $LOGNAME, else the login name of the real uid; NULL when
 *  none is known (pmod then records no actor). */
static const char *
s_default_actor (void)
{
    const char *names[] = {getenv ("USER"), getenv ("LOGNAME")};
    for (size_t i = 0; i < PMO_ARRAY_LEN (names); i++)
        if (names[i] && *names[i])
            return names[i];
    const struct passwd *pw = getpwuid (getuid ());
    return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : NULL;
}

/*  ---- main --------------------------------------------------------------------------- */

/*  Finds the command named on the command line, or prints the help asked
 *  for.  Returns the command, or NULL with *rc set (0 after help, else 1
 *  with the error line printed). */
static const pmoctl_cmd_t *
s_locate (int argc, char **argv, s_scan_t *scan, int *rc)
{
    s_scan (argc, argv, scan);
    const char *noun = scan->noun_at ? argv[scan->noun_at] : NULL;
    const char *verb = scan->verb_at ? argv[scan->verb_at] : NULL;
    *rc = PMOCTL_EXIT_OK;
    if (!noun) {
        if (scan->wants_help)
            s_help_all (stdout);
        else
            *rc = pmoctl_fail ("no command given (see pmoctl --help)");
        return NULL;
    }
    if (!s_noun_known (noun)) {
        *rc = pmoctl_fail ("unknown command '%s' (see pmoctl --help)", noun);
        return NULL;
    }
    const pmoctl_cmd_t *cmd = s_find (noun, verb);
    if (!cmd) {
        char verbs[128];
        s_verbs_of (noun, verbs, sizeof verbs);
        if (scan->wants_help && !verb)
            s_help_noun (stdout, noun);
        else if (!verb)
            *rc = pmoctl_fail ("%s: missing verb (%s)", noun, verbs);
        else
            *rc = pmoctl_fail ("%s: unknown verb '%s' (%s)", noun, verb, verbs);
        return NULL;
    }
    if (scan->wants_help) {
        s_help_cmd (stdout, cmd);
        return NULL;
    }
    return cmd;
}

/*  Replies of megabytes (a status of 10,000 projects: 4 MB received by
 *  zmq's I/O thread, then 13 MB of JSON) land in fresh memory, and on a VM
 *  each 4 KB page of it costs a fault: ~1,100 of them, 11 ms of a 48 ms
 *  `status --json`.  So every thread allocates from the one heap, blocks
 *  of up to 32 MB too, and 32 MB of it are advised to use transparent huge
 *  pages (with THP off, this changes nothing).  Nothing is touched: a
 *  small command pays a few system calls. */
static void
s_heap_for_big_replies (void)
{
    const size_t huge = (size_t) 2 << 20, reserve = ((size_t) 32 << 20) - 4096;
    mallopt (M_ARENA_MAX, 1);                           /* zmq's threads too */
    mallopt (M_MMAP_THRESHOLD, 32 << 20);               /* glibc's maximum   */
    mallopt (M_TRIM_THRESHOLD, 128 << 20);              /* keeps the advice  */
    char *p = malloc (reserve);
    if (!p)
        return;
    uintptr_t from = ((uintptr_t) p + huge - 1) & ~(uintptr_t) (huge - 1);
    uintptr_t to = ((uintptr_t) p + reserve) & ~(uintptr_t) (huge - 1);
    if (to > from)
        madvise ((void *) from, to - from, MADV_HUGEPAGE);
    free (p);
}

int
main (int argc, char **argv)
{
    s_heap_for_big_replies ();
    pmo_log_init ("pmoctl", PMO_LOG_WARN);
    if (pmo_clock_init_from_env () != PMO_OK)
        return pmoctl_fail ("PMO_NOW: '%s' is not an ISO 8601 date or instant", getenv ("PMO_NOW"));

    int rc = PMOCTL_EXIT_OK;
    char **av = NULL;
    pmoctl_t ctl = {
        .endpoint = pmo_endpoint_requests (NULL),
        .timeout_ms = PMO_DEFAULT_TIMEOUT_MS,
        .format = OUT_TEXT,
        .actor = s_default_actor (),
    };
    s_scan_t scan;
    ctl.cmd = s_locate (argc, argv, &scan, &rc);
    if (!ctl.cmd)
        goto out;
    if (s_n_opts (ctl.cmd->opts) > PMOCTL_OPT_MAX)
        abort ();  /* programmer error: raise PMOCTL_OPT_MAX */

    /*  getopt sees everything but the command words. */
    av = pmo_calloc ((size_t) argc + 1, sizeof *av);
    int ac = 0;
    for (int i = 0; i < argc; i++)
        if (i == 0 || (i != scan.noun_at && i != scan.verb_at))
            av[ac++] = argv[i];
    rc = s_parse (&ctl, ac, av);
    if (rc == PMOCTL_EXIT_OK)
        rc = ctl.cmd->handler (&ctl);
out:
    /*  A full disk or a closed pipe must not look like success. */
    if (fflush (stdout) != 0 || ferror (stdout)) {
        int err = errno;
        if (rc == PMOCTL_EXIT_OK)
            rc = pmoctl_fail ("stdout: %s", pmo_strerror (err ? err : EIO));
    }
    pmo_client_close (&ctl.client);
    pmo_zmq_term ();
    free (av);
    return rc;
}
