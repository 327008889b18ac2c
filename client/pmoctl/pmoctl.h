/*  pmoctl: private header shared by main.c and the cmd_*.c files.
 *
 *  main.c owns the command table and the flag parser; each cmd_<noun>.c
 *  holds the handlers of one noun and the option tables they read.  A
 *  handler gets a parsed pmoctl_t and returns the process exit code
 *  (PMOCTL_EXIT_*); it prints at most one error line, through pmoctl_fail or
 *  pmoctl_call, and never calls exit itself, so main can close the socket
 *  and the zmq context on every path.
 */
#ifndef PMOCTL_H
#define PMOCTL_H

#include <stdio.h>
#include <zmq.h>

#include "pmo/pmo_client.h"
#include "pmo/pmo_evm.h"
#include "pmo/pmo_prelude.h"
#include "output.h"

enum {
    PMOCTL_EXIT_OK = 0,
    PMOCTL_EXIT_USAGE = 1,        /* usage error, or the service said no   */
    PMOCTL_EXIT_UNREACHABLE = 2   /* no answer from pmod within the timeout */
};

/*  Most options any one command has; main.c checks the tables against it. */
#define PMOCTL_OPT_MAX 16

/*  One command option.  It takes a value, unless metavar is NULL: then it
 *  is a flag, and its value is "" when given.  --json, --csv and --help are
 *  global. */
typedef struct {
    const char *name;      /* long name without "--"; NULL ends a table */
    const char *metavar;   /* "D", "N", "AMOUNT" */
    bool is_required;
    const char *help;
} pmoctl_opt_t;

typedef struct pmoctl pmoctl_t;
typedef int (pmoctl_handler_fn) (pmoctl_t *ctl);

enum {
    PMOCTL_CMD_CSV = 1,    /* --csv is meaningful (list/status/log) */
    PMOCTL_CMD_SLOW = 2    /* default --timeout is PMOCTL_SLOW_TIMEOUT_MS (backup) */
};

/*  The default --timeout of PMOCTL_CMD_SLOW commands: ten minutes. */
#define PMOCTL_SLOW_TIMEOUT_MS (10 * 60 * 1000)

/*  One row of the command table in main.c. */
typedef struct {
    const char *noun;
    const char *verb;              /* NULL for one-word commands (status, log, ping) */
    pmoctl_handler_fn *handler;
    const pmoctl_opt_t *opts;      /* NULL or a table ended by {NULL} */
    const char *args;              /* positional synopsis, "CODE NAME", or NULL */
    int min_args;
    int max_args;
    unsigned flags;                /* PMOCTL_CMD_* */
    const char *summary;           /* one line for --help */
    const char *details;           /* NULL, or more lines for NOUN VERB --help */
} pmoctl_cmd_t;

/*  Everything a handler needs.  Strings borrow from argv. */
struct pmoctl {
    const pmoctl_cmd_t *cmd;
    const char *endpoint;
    int timeout_ms;
    out_format_t format;
    const char *actor;                 /* NULL: Request.actor left unset */
    const char *key_file;              /* --key: secret key (else $PMO_KEY) */
    const char *server_key_file;       /* --server-key (else $PMO_SERVER_KEY) */
    const char *opt[PMOCTL_OPT_MAX];   /* command option values by table index; NULL when absent */
    char **args;                       /* positionals */
    int n_args;
    pmo_client_t *client;              /* opened on the first call; main closes it */
};

/*  ---- main.c: talking to pmod --------------------------------------------- */

/*  Sets req->actor, sends req and waits up to the timeout.  On a reply with
 *  STATUS_OK returns PMOCTL_EXIT_OK and *reply_p is the caller's (free with
 *  pmo_wire_free).  Otherwise *reply_p is NULL, one line is on stderr, and
 *  the return is PMOCTL_EXIT_USAGE (a rejection: Reply.reason) or
 *  PMOCTL_EXIT_UNREACHABLE (timeout or socket failure). */
int pmoctl_call (pmoctl_t *ctl, Pmo__Request *req, Pmo__Reply **reply_p);
/*  Opens ctl->client once, with the key files of --key/--server-key (or
 *  PMO_KEY/PMO_SERVER_KEY): every call to pmod goes through it.  Returns
 *  PMOCTL_EXIT_OK or an exit code with one line on stderr. */
int pmoctl_connect (pmoctl_t *ctl);
/*  The exit code and the one line on stderr for a call that got no reply:
 *  rc is PMO_ETIMEOUT, PMO_EDENIED (key refused), PMO_ETOOBIG or an errno. */
int pmoctl_call_failed (pmoctl_t *ctl, int rc);

/*  A query: pmoctl_call, and the reply must carry body `expect` (else one
 *  line on stderr and PMOCTL_EXIT_USAGE). */
int pmoctl_query (pmoctl_t *ctl, Pmo__Request *req, Pmo__Reply__BodyCase expect,
                  Pmo__Reply **reply_p);

/*  A query whose reply body stays packed (packed.c): head is the Reply
 *  without its body, body points into frame.  Free with pmoctl_packed_free
 *  whatever the return. */
typedef struct {
    zmq_msg_t frame;
    Pmo__Reply *head;
    const uint8_t *body;
    size_t len;
} pmoctl_packed_t;

/*  As pmoctl_query, with the body of kind `expect` left packed in *r. */
int pmoctl_query_packed (pmoctl_t *ctl, Pmo__Request *req, Pmo__Reply__BodyCase expect,
                         pmoctl_packed_t *r);
void pmoctl_packed_free (pmoctl_packed_t *r);

/*  A write: pmoctl_call, then on success prints {"ok":true,"seq":N} with
 *  --json, else "<what> (seq N)" with what formatted from fmt.  Returns the
 *  exit code. */
int pmoctl_write (pmoctl_t *ctl, Pmo__Request *req, const char *fmt, ...) PMO_PRINTF (3, 4);

/*  A list query of kind (project: for milestones).  As pmoctl_query, with
 *  the reply's body a Listing. */
int pmoctl_list (pmoctl_t *ctl, Pmo__ListKind kind, const char *project, Pmo__Reply **reply_p);

/*  Prints pmo_json_from_msg (msg) as one document on stdout; array_key, when
 *  not NULL, is present even when empty. */
void pmoctl_print_json (const void *msg, const char *array_key);

/*  Prints "pmoctl: <message>" on stderr and returns PMOCTL_EXIT_USAGE. */
int pmoctl_fail (const char *fmt, ...) PMO_PRINTF (1, 2);

/*  The whole file at path, NUL-terminated (*len bytes before the NUL), in
 *  a buffer the caller frees; NULL after one line on stderr naming flag
 *  when it cannot be read or holds more than max bytes. */
char *pmoctl_read_file (const char *flag, const char *path, size_t max, size_t *len);

/*  ---- main.c: local checks of obviously malformed input ------------------- */
/*  Each returns PMO_OK, or prints the error line and returns PMO_EINVAL.
 *  A NULL s is PMO_OK and leaves the output alone. */

/*  s must be a strict YYYY-MM-DD. */
int pmoctl_check_date (const char *flag, const char *s);
/*  An amount "85.00 EUR", or a bare number when currency (a --currency
 *  value) is given; an amount whose code differs from currency is refused.
 *  Sets *minor and code. */
int pmoctl_parse_money (const char *flag, const char *s, const char *currency, int64_t *minor,
                        char code[4]);
/*  A whole number 0..max. */
int pmoctl_parse_u64 (const char *flag, const char *s, uint64_t max, uint64_t *out);
/*  A project status name (proposed, approved, active, on_hold, closed,
 *  cancelled). */
int pmoctl_parse_status (const char *flag, const char *s, Pmo__ProjectStatus *out);

/*  ---- main.c: formatting helpers ------------------------------------------ */

/*  "120000.00 EUR"; a raw integer when the currency is unknown. */
void pmoctl_fmt_money (int64_t minor, const char *currency, char *buf, size_t n);
/*  "120000.00" (no code) for CSV; raw integer when the currency is unknown. */
void pmoctl_fmt_money_plain (int64_t minor, const char *currency, char *buf, size_t n);
/*  Basis points as "42.50". */
void pmoctl_fmt_percent (int64_t bp, char *buf, size_t n);
/*  Minutes as hours with two decimals, "1.50" (integer arithmetic). */
void pmoctl_fmt_hours (int64_t minutes, char *buf, size_t n);
/*  labour_minor + cost_minor of totals (NULL: 0), saturating on overflow. */
int64_t pmoctl_actual_minor (const Pmo__ProjectTotals *totals);
/*  "" for NULL, so table cells never see NULL. */
const char *pmoctl_str (const char *s);
/*  An instant as "2026-11-20T10:00:00Z"; "" when ms is 0 (never). */
void pmoctl_fmt_time (int64_t ms, char out[25]);
/*  An amount that may be undefined (an absent eac, etc, vac): "" when
 *  !has, else as pmoctl_fmt_money, or pmoctl_fmt_money_plain when is_plain. */
void pmoctl_fmt_amount (bool has, int64_t minor, const char *currency, bool is_plain, char *buf,
                        size_t n);
/*  The exact ratio r (NULL or a zero denominator: undefined). */
pmo_ratio_t pmoctl_ratio (const Pmo__Ratio *r);
/*  r with decimals fraction digits ("0.812"); "" when undefined, so a table
 *  shows "-" and a CSV cell stays empty, never 0 or inf. */
void pmoctl_fmt_ratio (const Pmo__Ratio *r, int decimals, char *buf, size_t n);
/*  Compares a and b exactly (cross-multiplied in 128 bits): < 0, 0, > 0 as a
 *  is below, equal to or above b.  An undefined ratio counts as above every
 *  defined one, so an ascending sort puts undefined last. */
int pmoctl_ratio_cmp (const Pmo__Ratio *a, const Pmo__Ratio *b);
/*  The words of a health reason without pmod's leading "<rag>: ":
 *  "CPI 0.812 below 0.85; 1 milestone missed", "on track".  "" for NULL. */
const char *pmoctl_health_reason (const Pmo__Health *h);

/*  ---- cmd_log.c: event lines, shared with project show -------------------- */

/*  Adds the log's columns (SEQ, TIME, ACTOR, TOPIC, PROJECT, SUMMARY) to t. */
void pmoctl_event_columns (out_table_t *t);
/*  Adds one row for ev. */
void pmoctl_event_row (out_table_t *t, const Pmo__Event *ev);

/*  ---- handlers and their option tables (one file per noun) ---------------- */

int cmd_portfolio_add (pmoctl_t *ctl);
int cmd_portfolio_list (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_portfolio_add_opts[];

int cmd_programme_add (pmoctl_t *ctl);
int cmd_programme_list (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_programme_add_opts[];

int cmd_team_add (pmoctl_t *ctl);
int cmd_team_list (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_team_add_opts[];

int cmd_person_add (pmoctl_t *ctl);
int cmd_person_list (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_person_add_opts[];

int cmd_project_add (pmoctl_t *ctl);
int cmd_project_list (pmoctl_t *ctl);
int cmd_project_show (pmoctl_t *ctl);
int cmd_project_set (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_project_add_opts[];
extern const pmoctl_opt_t cmd_project_show_opts[];
extern const pmoctl_opt_t cmd_project_set_opts[];

int cmd_milestone_add (pmoctl_t *ctl);
int cmd_milestone_list (pmoctl_t *ctl);
int cmd_milestone_set (pmoctl_t *ctl);
int cmd_milestone_reach (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_milestone_add_opts[];
extern const pmoctl_opt_t cmd_milestone_set_opts[];
extern const pmoctl_opt_t cmd_milestone_reach_opts[];

/*  cmd_milestone.c: slip in days of (actual, else forecast) against due, as
 *  "+9", "-2", "0"; "" when it cannot be computed.  Shared with project show. */
void pmoctl_fmt_slip (const Pmo__Milestone *m, char *buf, size_t n);
/*  Adds the milestone columns and one row per milestone. */
void pmoctl_milestone_columns (out_table_t *t);
void pmoctl_milestone_row (out_table_t *t, const Pmo__Milestone *m);

int cmd_status (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_status_opts[];

/*  cmd_status.c, shared with dashboard: checks as_of (NULL: today) and asks
 *  pmod for the status view.  As pmoctl_query; the reply's body is a
 *  StatusView. */
int pmoctl_status_fetch (pmoctl_t *ctl, const char *programme, const char *team,
                         const char *as_of, Pmo__Reply **reply_p);
/*  The view's roll-ups ordered by level (programme, portfolio, total), code
 *  and currency.  Returns a new array of *n borrowed pointers; caller frees
 *  the array (free), not the roll-ups. */
const Pmo__Rollup **pmoctl_rollups_sorted (const Pmo__StatusView *view, size_t *n);
/*  A roll-up's code for a text table: "(none)" for the projects without a
 *  programme (or whose programme has no portfolio), which pmod files under
 *  code "-"; "" for the total. */
const char *pmoctl_rollup_code (const Pmo__Rollup *r);
/*  The view as one JSON document with rows (the n_rows given, in that
 *  order) and rollups always present. */
void pmoctl_print_status_json (const Pmo__StatusView *view, Pmo__StatusRow **rows, size_t n_rows);

int cmd_dashboard (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_dashboard_opts[];

int cmd_report_time (pmoctl_t *ctl);
int cmd_report_cost (pmoctl_t *ctl);
int cmd_report_slip (pmoctl_t *ctl);
int cmd_report_resources (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_report_time_opts[];
extern const pmoctl_opt_t cmd_report_cost_opts[];
extern const pmoctl_opt_t cmd_report_slip_opts[];
extern const pmoctl_opt_t cmd_report_resources_opts[];

int cmd_policy_show (pmoctl_t *ctl);
int cmd_policy_set (pmoctl_t *ctl);

int cmd_backup (pmoctl_t *ctl);

int cmd_clock_set (pmoctl_t *ctl);

int cmd_log (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_log_opts[];

int cmd_ping (pmoctl_t *ctl);

/*  ---- governance (docs/governance-plan.md) --------------------------------- */

int cmd_template_add (pmoctl_t *ctl);
int cmd_template_list (pmoctl_t *ctl);
int cmd_template_show (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_template_add_opts[];
extern const pmoctl_opt_t cmd_template_show_opts[];
/*  "STD" or "STD@2" -> name and version (0: the newest).  Returns PMO_OK or
 *  PMO_EINVAL (line printed). */
int pmoctl_parse_template_ref (const char *s, char *name, size_t n, uint32_t *version);

int cmd_gate_list (pmoctl_t *ctl);
int cmd_gate_approve (pmoctl_t *ctl);
int cmd_gate_reject (pmoctl_t *ctl);
int cmd_project_phase (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_gate_approve_opts[];
extern const pmoctl_opt_t cmd_gate_reject_opts[];
extern const pmoctl_opt_t cmd_project_phase_opts[];

int cmd_allocation_set (pmoctl_t *ctl);
int cmd_allocation_remove (pmoctl_t *ctl);
int cmd_resources (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_allocation_set_opts[];
extern const pmoctl_opt_t cmd_resources_opts[];

int cmd_criterion_set (pmoctl_t *ctl);
int cmd_criterion_list (pmoctl_t *ctl);
int cmd_score_set (pmoctl_t *ctl);
int cmd_priorities (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_criterion_set_opts[];
extern const pmoctl_opt_t cmd_priorities_opts[];
int cmd_keygen (pmoctl_t *ctl);
int cmd_key_enrol (pmoctl_t *ctl);
int cmd_key_revoke (pmoctl_t *ctl);
int cmd_key_list (pmoctl_t *ctl);
extern const pmoctl_opt_t cmd_key_enrol_opts[];

#endif
