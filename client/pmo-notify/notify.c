/*  notify: the subscriber loop of pmo-notify (contract in notify.h).
 *
 *  Order at start, and why:
 *    1. connect the SUB socket, subscribed to everything ("")  -- first, so
 *       that nothing published while we ask pmod below is lost for good;
 *    2. find the starting seq: the state file, else --since, else pmod's
 *       newest seq (ping -> Pong.last_seq, "from now on");
 *    3. replay everything after it from pmod's log (log request, paging
 *       while EventPage.more);
 *    4. live: an event with seq <= last is a duplicate of the replay and is
 *       dropped; seq == last + 1 is handled; seq > last + 1 is a gap, filled
 *       from the log before the event itself.
 *  Once a second, the loop also saves the seq reached through non-matching
 *  events and, when nothing arrived, asks pmod for its newest seq: events
 *  published before our subscription reached pmod, or while pmod restarted,
 *  come in through the log even when no later event reveals the gap.
 *
 *  Invariant: every event with seq <= self->last is done (handed on, or not
 *  matching the topics).  The state file is written before each matching
 *  event is handed on (see s_process), and catches up with non-matching
 *  events within a second and at exit.
 *
 *  This module never exits the process and never sleeps without watching
 *  the stop flag. */
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zmq.h>

#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_describe.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_log.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_wire.h"
#include "run_cmd.h"
#include "state.h"

#define NOTIFY_PROGRAM "pmo-notify"
#define NOTIFY_DUTY_MS 1000          //  period of the save + idle check
#define NOTIFY_CHECK_TIMEOUT_MS 1000 //  the idle check's ping waits this long
#define NOTIFY_BACKOFF_MIN_MS 250
#define NOTIFY_BACKOFF_MAX_MS 10000
#define NOTIFY_SUB_HWM 100000        //  live events queued while we replay

typedef struct {
    const notify_opts_t *opts;
    volatile sig_atomic_t *stop;
    const char *endpoint;     //  request endpoint, for messages
    void *sub;                //  SUB socket on pmod's PUB
    pmo_client_t *client;     //  DEALER for ping and log
    state_t *state;           //  NULL without --state
    uint64_t last;            //  every event with seq <= last is done
    uint64_t saved;           //  the seq in the state file
    uint64_t n_handled;       //  matching events handled (for --count)
    bool is_done;             //  --count reached
    bool is_pmod_silent;      //  the idle check found pmod not answering
    bool is_log_behind_warned;
    int exit_code;            //  set by s_fail; non-zero ends the run
} notify_t;

static void s_fail (notify_t *self, int code, const char *fmt, ...) PMO_PRINTF (3, 4);

//  --------------------------------------------------------------------------
//  Prints the run's one error line and sets the exit code.  Only the first
//  failure is printed.

static void
s_fail (notify_t *self, int code, const char *fmt, ...)
{
    if (self->exit_code)
        return;
    self->exit_code = code;
    fflush (stdout);
    char line[1024];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (line, sizeof line, fmt, ap);
    va_end (ap);
    fprintf (stderr, "%s: %s\n", NOTIFY_PROGRAM, line);
}

static bool
s_stopping (const notify_t *self)
{
    return *self->stop || self->is_done || self->exit_code;
}

//  --------------------------------------------------------------------------
//  Sleeps ms, waking early when a signal asks us to stop.

static void
s_sleep (notify_t *self, int64_t ms)
{
    int64_t deadline = pmo_clock_mono_ms () + ms;
    while (!*self->stop) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0)
            break;
        struct timespec ts = {(time_t) (left / 1000), (long) (left % 1000) * 1000000L};
        nanosleep (&ts, NULL);  /* EINTR: loop and look at the flag */
    }
}

//  --------------------------------------------------------------------------
//  Saves self->last to the state file when it moved.  A state file we
//  cannot write ends the run: going on would handle events again after the
//  next restart.

static int
s_save (notify_t *self)
{
    if (!self->state || self->saved == self->last)
        return PMO_OK;
    const char *step = "";
    int rc = state_save (self->state, self->last, &step);
    if (rc) {
        s_fail (self, 1, "state %s: %s: %s", state_path (self->state), step, pmo_strerror (rc));
        return rc;
    }
    self->saved = self->last;
    pmo_log_debug ("state saved last_seq=%llu", (unsigned long long) self->last);
    return PMO_OK;
}

//  --------------------------------------------------------------------------
//  pmod refused our CURVE key in the handshake: asking again cannot help
//  until an admin enrols it, so the run ends (the words are pmoctl's).

static void
s_fail_refused (notify_t *self)
{
    s_fail (self, 1, "pmod at %s refused this key (not enrolled, or revoked): ask an admin to run "
            "pmoctl key enrol", self->endpoint);
}

//  --------------------------------------------------------------------------
//  Asks pmod, retrying with backoff while it does not answer.  Without
//  --timeout it retries for ever (a daemon waits for its service), with a
//  warning per attempt; with --timeout it fails with exit code 2 once that
//  long has passed.  A refused key fails at once with exit code 1.  On
//  PMO_OK *reply_p is a STATUS_OK reply the caller owns.
//  Returns PMO_OK, EINTR (stop requested) or another rc after s_fail.

static int
s_call (notify_t *self, Pmo__Request *req, const char *what, Pmo__Reply **reply_p)
{
    const int timeout_ms = self->opts->timeout_ms;
    const int64_t started = pmo_clock_mono_ms ();
    int64_t backoff = NOTIFY_BACKOFF_MIN_MS;
    *reply_p = NULL;
    for (;;) {
        if (*self->stop)
            return EINTR;
        int64_t per_call = PMO_DEFAULT_TIMEOUT_MS;
        if (timeout_ms >= 0) {
            int64_t left = started + timeout_ms - pmo_clock_mono_ms ();
            if (left < per_call)
                per_call = left > 0 ? left : 0;
        }
        Pmo__Reply *reply = NULL;
        int rc = pmo_client_call (self->client, req, (int) per_call, &reply);
        if (rc == PMO_EDENIED) {
            s_fail_refused (self);
            return rc;
        }
        if (rc == PMO_OK) {
            if (reply->status == PMO__STATUS__STATUS_OK) {
                *reply_p = reply;
                return PMO_OK;
            }
            rc = pmo_client_status_rc (reply->status);
            if (rc != PMO_EBUSY) {
                s_fail (self, 1, "%s: %s", what,
                        reply->reason && *reply->reason
                            ? reply->reason
                            : pmo_wire_reply_status_name (reply->status));
                pmo_wire_free (reply);
                return rc;
            }
            pmo_wire_free (reply);
        }
        if (*self->stop)
            return EINTR;
        if (rc == EINTR)
            continue;  /* some other signal; the same deadline still holds */
        int64_t waited = pmo_clock_mono_ms () - started;
        if (timeout_ms >= 0 && waited >= timeout_ms) {
            s_fail (self, 2, "no answer from pmod at %s within %d ms (is pmod running?)",
                    self->endpoint, timeout_ms);
            return PMO_ETIMEOUT;
        }
        int64_t pause = backoff;
        if (timeout_ms >= 0 && pause > timeout_ms - waited)
            pause = timeout_ms - waited;
        pmo_log_warn ("%s: no answer from pmod at %s (%s after %lld ms); retrying in %lld ms",
                      what, self->endpoint, pmo_strerror (rc), (long long) waited,
                      (long long) pause);
        s_sleep (self, pause);
        backoff = backoff * 2 > NOTIFY_BACKOFF_MAX_MS ? NOTIFY_BACKOFF_MAX_MS : backoff * 2;
        /*  A fresh socket drops the requests queued for a pmod that never
         *  answered, so they do not all land on it when it comes back. */
        rc = pmo_client_reconnect (self->client);
        if (rc) {
            s_fail (self, 1, "endpoint %s: %s", self->endpoint, pmo_strerror (rc));
            return rc;
        }
    }
}

//  --------------------------------------------------------------------------
//  Text output.  A token (topic, code, date, actor) prints bare unless it
//  holds blanks, quotes or control characters; free text always prints in
//  double quotes with \" \\ \n \t \xNN escapes, so a line is always one line.

static void
s_put_quoted (FILE *out, const char *s)
{
    fputc ('"', out);
    for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf (out, "\\%c", *p);
        else if (*p == '\n')
            fputs ("\\n", out);
        else if (*p == '\t')
            fputs ("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf (out, "\\x%02x", *p);
        else
            fputc (*p, out);
    }
    fputc ('"', out);
}

static void
s_put_token (FILE *out, const char *s)
{
    if (!s || !*s) {
        fputc ('-', out);
        return;
    }
    for (const unsigned char *p = (const unsigned char *) s; *p; p++)
        if (*p <= 0x20 || *p == '"' || *p == '\\' || *p == 0x7f) {
            s_put_quoted (out, s);
            return;
        }
    fputs (s, out);
}

static void
s_put_money (FILE *out, int64_t minor, const char *currency)
{
    char buf[PMO_MONEY_FMT_MAX];
    if (currency && pmo_money_format (minor, currency, buf, sizeof buf) == PMO_OK)
        fputs (buf, out);
    else
        fprintf (out, "%lld minor %s", (long long) minor, currency ? currency : "?");
}

static void
s_put_percent (FILE *out, int32_t bp)
{
    char buf[32];
    if (pmo_decimal_format_trim (bp, 2, buf, sizeof buf) == PMO_OK)
        fprintf (out, "%s%%", buf);
    else
        fprintf (out, "%d bp", bp);
}

//  " key value" for an optional token field.
static void
s_put_opt (FILE *out, const char *key, const char *value)
{
    if (!value || !*value)
        return;
    fprintf (out, " %s ", key);
    s_put_token (out, value);
}

//  " key "text"" for an optional free-text field.
static void
s_put_opt_text (FILE *out, const char *key, const char *value)
{
    if (!value || !*value)
        return;
    fprintf (out, " %s ", key);
    s_put_quoted (out, value);
}

static void
s_put_alert (FILE *out, const Pmo__Alert *a)
{
    const char *kind = a->kind && *a->kind ? a->kind : "alert";
    if (a->milestone && *a->milestone) {
        s_put_quoted (out, a->milestone);
        fputc (' ', out);
    }
    /*  "milestone.at_risk" reads "at risk", "budget.threshold" reads
     *  "budget threshold". */
    const char *verb = strncmp (kind, "milestone.", 10) == 0 && kind[10] ? kind + 10 : kind;
    for (const char *p = verb; *p; p++)
        fputc (*p == '_' || *p == '.' ? ' ' : *p, out);
    if (a->has_threshold_pct)
        fprintf (out, " %d%%", a->threshold_pct);
    if (a->date && *a->date) {
        fputc (' ', out);
        s_put_token (out, a->date);
    }
    s_put_opt (out, "team", a->team);
    if (a->text && *a->text) {
        fputs (": ", out);
        s_put_quoted (out, a->text);
    }
}

//  A pair of thresholds in basis points: indices as ratios (scale 4: 9500 ->
//  "0.95"), overspend as percentage points (scale 2: 1000 -> "10").
static void
s_put_thresholds (FILE *out, const char *key, int scale, bool has_amber, int32_t amber,
                  bool has_red, int32_t red)
{
    char a[32] = "-", r[32] = "-";
    if (!has_amber && !has_red)
        return;
    if (has_amber)
        pmo_decimal_format_trim (amber, scale, a, sizeof a);
    if (has_red)
        pmo_decimal_format_trim (red, scale, r, sizeof r);
    fprintf (out, " %s amber %s red %s", key, a, r);
}

static void
s_put_policy (FILE *out, const Pmo__Policy *p)
{
    fputs ("policy", out);
    s_put_thresholds (out, "cpi", 4, p->has_cpi_amber_bp, p->cpi_amber_bp, p->has_cpi_red_bp,
                      p->cpi_red_bp);
    s_put_thresholds (out, "spi", 4, p->has_spi_amber_bp, p->spi_amber_bp, p->has_spi_red_bp,
                      p->spi_red_bp);
    s_put_thresholds (out, "overspend-points", 2, p->has_overspend_amber_bp,
                      p->overspend_amber_bp, p->has_overspend_red_bp, p->overspend_red_bp);
    if (p->has_missed_amber || p->has_missed_red)
        fprintf (out, " missed amber %d red %d", p->missed_amber, p->missed_red);
    if (p->has_at_risk_days)
        fprintf (out, " at-risk %d days", p->at_risk_days);
    for (size_t i = 0; i < p->n_budget_thresholds_pct; i++)
        fprintf (out, "%s%d", i ? "," : " budget-thresholds ", p->budget_thresholds_pct[i]);
    if (p->n_budget_thresholds_pct)
        fputc ('%', out);
    if (p->has_silent_minutes)
        fprintf (out, " silent %d min", p->silent_minutes);
}

//  The body, in words.  The project is already its own column, so it is not
//  repeated here.
static void
s_put_summary (FILE *out, const Pmo__Event *ev)
{
    switch (ev->body_case) {
    case PMO__EVENT__BODY_PORTFOLIO:
        fputs ("portfolio ", out);
        s_put_token (out, ev->portfolio->code);
        fputc (' ', out);
        s_put_quoted (out, ev->portfolio->name);
        break;
    case PMO__EVENT__BODY_PROGRAMME:
        fputs ("programme ", out);
        s_put_token (out, ev->programme->code);
        fputc (' ', out);
        s_put_quoted (out, ev->programme->name);
        s_put_opt (out, "in portfolio", ev->programme->portfolio);
        break;
    case PMO__EVENT__BODY_TEAM:
        fputs ("team ", out);
        s_put_token (out, ev->team->code);
        fputc (' ', out);
        s_put_quoted (out, ev->team->name);
        break;
    case PMO__EVENT__BODY_PERSON: {
        const Pmo__Person *p = ev->person;
        fputs ("person ", out);
        s_put_token (out, p->id);
        fputc (' ', out);
        s_put_quoted (out, p->name);
        s_put_opt_text (out, "role", p->role);
        s_put_opt (out, "team", p->team);
        if (p->has_rate_minor) {
            fputs (" rate ", out);
            s_put_money (out, p->rate_minor, p->currency);
            fputs ("/h", out);
        }
        if (p->has_capacity_minutes)
            fprintf (out, " capacity %d min/week", p->capacity_minutes);
        break;
    }
    case PMO__EVENT__BODY_PROJECT_RECORD: {
        const Pmo__Project *p = ev->project_record;
        fputs ("project ", out);
        s_put_token (out, p->code);
        fputc (' ', out);
        s_put_quoted (out, p->name);
        if (p->has_status)
            fprintf (out, " status %s", pmo_wire_status_name (p->status));
        s_put_opt (out, "programme", p->programme);
        s_put_opt (out, "manager", p->manager);
        s_put_opt (out, "team", p->team);
        if (p->start || p->finish) {
            fputc (' ', out);
            s_put_token (out, p->start);
            fputs ("..", out);
            s_put_token (out, p->finish);
        }
        if (p->has_bac_minor) {
            fputs (" budget ", out);
            s_put_money (out, p->bac_minor, p->currency);
        }
        if (p->has_percent_bp) {
            fputc (' ', out);
            s_put_percent (out, p->percent_bp);
            fputs (" complete", out);
        }
        break;
    }
    case PMO__EVENT__BODY_MILESTONE: {
        const Pmo__Milestone *m = ev->milestone;
        s_put_quoted (out, m->name);
        if (m->actual && *m->actual) {
            fputs (" reached ", out);
            s_put_token (out, m->actual);
        } else {
            s_put_opt (out, "due", m->due);
            s_put_opt (out, "forecast", m->forecast);
        }
        break;
    }
    case PMO__EVENT__BODY_TIME: {
        const Pmo__TimeEntry *t = ev->time;
        s_put_token (out, t->person);
        fprintf (out, " %d min", t->minutes);
        s_put_opt (out, "on", t->date);
        s_put_opt_text (out, "activity", t->activity);
        if (t->has_cost_minor) {
            fputs (" cost ", out);
            s_put_money (out, t->cost_minor, t->currency);
        }
        s_put_opt_text (out, "note", t->note);
        break;
    }
    case PMO__EVENT__BODY_COST: {
        const Pmo__CostEntry *c = ev->cost;
        s_put_money (out, c->amount_minor, c->currency);
        if (c->has_category)
            fprintf (out, " %s", pmo_wire_category_name (c->category));
        s_put_opt (out, "on", c->date);
        s_put_opt_text (out, "note", c->note);
        break;
    }
    case PMO__EVENT__BODY_PROGRESS: {
        const Pmo__Progress *p = ev->progress;
        s_put_percent (out, p->percent_bp);
        if (p->has_previous_bp) {
            fputs (" (was ", out);
            s_put_percent (out, p->previous_bp);
            fputc (')', out);
        }
        s_put_opt (out, "on", p->date);
        s_put_opt_text (out, "milestone", p->milestone);
        s_put_opt_text (out, "note", p->note);
        break;
    }
    case PMO__EVENT__BODY_ALERT:
        s_put_alert (out, ev->alert);
        break;
    case PMO__EVENT__BODY_HEALTH: {
        const Pmo__Health *h = ev->health;
        s_put_token (out, h->rag);
        if (h->previous && *h->previous) {
            fputs (" (was ", out);
            s_put_token (out, h->previous);
            fputc (')', out);
        }
        if (h->reason && *h->reason) {
            fputs (": ", out);
            s_put_quoted (out, h->reason);
        }
        break;
    }
    case PMO__EVENT__BODY_POLICY:
        s_put_policy (out, ev->policy);
        break;
    default: {
        /*  Kinds without a text of their own: their fields, from the schema. */
        char text[1024];
        const ProtobufCMessage *body = pmo_event_body (ev);
        fputs (body ? pmo_describe (body, text, sizeof text) : "-", out);
        break;
    }
    }
}

//  One line: "<at> #<seq> <topic> <project> <summary>[ by <actor>]".
static void
s_put_line (FILE *out, const Pmo__Event *ev)
{
    char at[25];
    if (ev->has_at_ms)
        pmo_datetime_format (ev->at_ms, at);
    else
        pmo_strlcpy (at, "-", sizeof at);
    fprintf (out, "%s #%llu ", at, (unsigned long long) ev->seq);
    s_put_token (out, ev->topic);
    fputc (' ', out);
    s_put_token (out, ev->project);
    fputc (' ', out);
    s_put_summary (out, ev);
    if (ev->actor && *ev->actor) {
        fputs (" by ", out);
        s_put_token (out, ev->actor);
    }
    fputc ('\n', out);
}

//  --------------------------------------------------------------------------
//  "NAME=value" in a new string the caller frees.

static char *
s_env_entry (const char *name, const char *value)
{
    size_t n = strlen (name) + strlen (value) + 2;
    char *s = pmo_malloc (n);
    snprintf (s, n, "%s=%s", name, value);
    return s;
}

//  Runs --exec for ev.  A command that fails, or is killed at
//  --exec-timeout, is logged and the event still counts as handled:
//  retrying a hook that always fails (or waiting for one that hangs) would
//  stop every later event.
static void
s_exec (notify_t *self, const Pmo__Event *ev)
{
    json_object *obj = pmo_json_from_msg (ev);
    const char *json = pmo_json_text (obj);
    size_t len = strlen (json);
    char *input = pmo_malloc (len + 2);
    memcpy (input, json, len);
    input[len] = '\n';
    input[len + 1] = '\0';
    json_object_put (obj);

    char seq[24];
    snprintf (seq, sizeof seq, "%llu", (unsigned long long) ev->seq);
    char *topic = s_env_entry ("PMO_TOPIC", ev->topic ? ev->topic : "");
    char *seq_var = s_env_entry ("PMO_SEQ", seq);
    char *project = ev->project ? s_env_entry ("PMO_PROJECT", ev->project) : NULL;
    /*  A bare name removes an inherited PMO_PROJECT: an event without a
     *  project must not look like one of the project in our environment. */
    const char *env[] = {topic, seq_var, project ? project : "PMO_PROJECT", NULL};

    int status = 0;
    bool timed_out = false;
    int64_t started = pmo_clock_mono_ms ();
    int rc = run_cmd (self->opts->exec_cmd, input, len + 1, env, self->opts->exec_timeout_ms, self->stop,
                      &status, &timed_out);
    int64_t took = pmo_clock_mono_ms () - started;
    if (rc)
        pmo_log_warn ("exec seq=%s topic=%s: cannot start /bin/sh: %s", seq,
                      ev->topic ? ev->topic : "", pmo_strerror (rc));
    else if (timed_out) {
        char why[96];
        pmo_log_warn ("exec seq=%s topic=%s: command still running after %d ms (--exec-timeout), "
                      "so stopped: %s; going on with the next event", seq,
                      ev->topic ? ev->topic : "", self->opts->exec_timeout_ms,
                      run_cmd_status_text (status, why, sizeof why));
    } else if (status != 0) {
        char why[96];
        pmo_log_warn ("exec seq=%s topic=%s: command %s after %lld ms", seq,
                      ev->topic ? ev->topic : "", run_cmd_status_text (status, why, sizeof why),
                      (long long) took);
    } else
        pmo_log_debug ("exec seq=%s topic=%s: ok in %lld ms", seq, ev->topic ? ev->topic : "",
                       (long long) took);
    free (project);
    free (seq_var);
    free (topic);
    free (input);
}

static int
s_print (notify_t *self, const Pmo__Event *ev)
{
    if (self->opts->is_json) {
        json_object *obj = pmo_json_from_msg (ev);
        fputs (pmo_json_text (obj), stdout);
        fputc ('\n', stdout);
        json_object_put (obj);
    } else
        s_put_line (stdout, ev);
    errno = 0;
    /*  One line at a time: a reader on a pipe sees each event at once. */
    if (fflush (stdout) != 0 || ferror (stdout)) {
        int rc = errno ? errno : EIO;
        s_fail (self, 1, "stdout: %s", pmo_strerror (rc));
        return rc;
    }
    return PMO_OK;
}

static bool
s_matches (const notify_t *self, const char *topic)
{
    if (self->opts->n_topics == 0)
        return true;
    if (!topic)
        topic = "";
    for (size_t i = 0; i < self->opts->n_topics; i++) {
        const char *prefix = self->opts->topics[i];
        if (strncmp (topic, prefix, strlen (prefix)) == 0)
            return true;
    }
    return false;
}

//  --------------------------------------------------------------------------
//  Takes the next event after self->last (the caller has made sure
//  ev->seq > self->last and filled what it could of any gap before it).

static int
s_process (notify_t *self, const Pmo__Event *ev)
{
    if (ev->seq > self->last + 1)
        pmo_log_warn ("events %llu..%llu are not in pmod's log; going on without them",
                      (unsigned long long) self->last + 1, (unsigned long long) ev->seq - 1);
    if (!s_matches (self, ev->topic)) {
        self->last = ev->seq;  /* saved by the next handled event or the duty */
        return PMO_OK;
    }
    pmo_log_debug ("event seq=%llu topic=%s", (unsigned long long) ev->seq,
                   ev->topic ? ev->topic : "");
    /*  Saved before the event is handed on, not after: once a hook has run
     *  (or a line is out), a kill -9 must not make the next start hand it
     *  on again.  A hook survives the kill of pmo-notify alone (it is not
     *  in the kill), so in that case the event is still handled exactly
     *  once.  What is left is a crash of the whole machine or process group
     *  inside the hook: that one event's hook does not finish and is not
     *  rerun. */
    uint64_t previous = self->last;
    self->last = ev->seq;
    int rc = s_save (self);
    if (rc)
        return rc;
    self->n_handled++;
    if (self->opts->exec_cmd)
        s_exec (self, ev);
    else {
        rc = s_print (self, ev);
        if (rc) {
            /*  Not printed: leave it to the next start. */
            self->last = previous;
            s_save (self);
            return rc;
        }
    }
    if (self->opts->count && self->n_handled >= self->opts->count)
        self->is_done = true;
    return PMO_OK;
}

//  --------------------------------------------------------------------------
//  pmod's newest seq below ours means its data was replaced or restored from
//  an older backup: its new events carry seqs we take as handled until they
//  pass ours.  Said once, loudly; what to do is the operator's call (remove
//  the state file or pass --since).

static void
s_check_log_behind (notify_t *self, uint64_t pmod_last)
{
    if (pmod_last >= self->last || self->is_log_behind_warned)
        return;
    pmo_log_warn ("pmod's log ends at seq %llu, before our last_seq %llu: was its data "
                  "replaced? events up to seq %llu are taken as handled",
                  (unsigned long long) pmod_last, (unsigned long long) self->last,
                  (unsigned long long) self->last);
    self->is_log_behind_warned = true;
}

//  --------------------------------------------------------------------------
//  Handles every event after self->last from pmod's log, page by page, until
//  the log has no more.  Returns PMO_OK (also when stopped part-way) or an
//  rc after s_fail.

static int
s_catch_up (notify_t *self, const char *why)
{
    pmo_log_info ("replaying from pmod's log since=%llu (%s)", (unsigned long long) self->last,
                  why);
    uint64_t first = self->last;
    while (!s_stopping (self)) {
        Pmo__LogQuery query = PMO__LOG_QUERY__INIT;
        query.has_since = true;
        query.since = self->last;
        query.has_limit = true;
        query.limit = PMO_LOG_PAGE_MAX;
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_LOG;
        req.log = &query;
        char what[64];
        snprintf (what, sizeof what, "log since %llu", (unsigned long long) self->last);
        Pmo__Reply *reply = NULL;
        int rc = s_call (self, &req, what, &reply);
        if (rc == EINTR)
            return PMO_OK;
        if (rc)
            return rc;
        if (reply->body_case != PMO__REPLY__BODY_EVENTS) {
            s_fail (self, 1, "%s: reply carries no event page", what);
            pmo_wire_free (reply);
            return PMO_EPROTO;
        }
        const Pmo__EventPage *page = reply->events;
        if (page->has_last_seq)
            s_check_log_behind (self, page->last_seq);
        uint64_t before = self->last;
        for (size_t i = 0; i < page->n_events && !s_stopping (self); i++) {
            const Pmo__Event *ev = page->events[i];
            if (!ev->has_seq || ev->seq <= self->last)
                continue;
            rc = s_process (self, ev);
            if (rc)
                break;
        }
        bool has_more = page->has_more && page->more;
        pmo_wire_free (reply);
        if (rc)
            return rc;
        if (!has_more || self->last == before)
            break;  /* the end, or a page that moves us nowhere */
    }
    if (self->last == first)
        pmo_log_info ("replay done: nothing after seq %llu", (unsigned long long) first);
    else
        pmo_log_info ("replay done: seq %llu..%llu", (unsigned long long) first + 1,
                      (unsigned long long) self->last);
    return PMO_OK;
}

//  --------------------------------------------------------------------------
//  Reads one [topic][Event] message.  Returns the event (caller frees it
//  with pmo_wire_free) or NULL for a malformed message (skipped: the gap it
//  leaves is filled from the log) or an interrupted read.

static Pmo__Event *
s_recv_event (notify_t *self)
{
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    Pmo__Event *ev = NULL;
    int n_frames = 0;
    int more = 1;
    while (more) {
        if (zmq_msg_recv (&frame, self->sub, 0) < 0) {
            if (errno == EINTR && n_frames > 0)
                continue;  /* the rest of a multipart message is already here */
            if (errno != EINTR)
                pmo_log_warn ("events: receive: %s", zmq_strerror (errno));
            pmo_wire_free (ev);
            ev = NULL;
            goto out;
        }
        n_frames++;
        more = zmq_msg_more (&frame);
        if (n_frames == 2 && !more)
            ev = pmo_wire_event_unpack (zmq_msg_data (&frame), zmq_msg_size (&frame));
    }
    if (!ev || !ev->has_seq) {
        pmo_log_warn ("events: malformed message (%d frames) from %s skipped", n_frames,
                      self->opts->events);
        pmo_wire_free (ev);
        ev = NULL;
    }
out:
    zmq_msg_close (&frame);
    return ev;
}

//  --------------------------------------------------------------------------
//  The once-a-second duty when no event came: is pmod's newest seq beyond
//  ours?  Best effort: a pmod that does not answer is logged once and the
//  loop goes on listening (the SUB socket reconnects by itself), whatever
//  --timeout says: that one bounds the calls we cannot go on without (the
//  start and the filling of a gap), not a live subscriber's wait.

static int
s_idle_check (notify_t *self)
{
    Pmo__Ping ping = PMO__PING__INIT;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PING;
    req.ping = &ping;
    Pmo__Reply *reply = NULL;
    int rc = pmo_client_call (self->client, &req, NOTIFY_CHECK_TIMEOUT_MS, &reply);
    if (rc == PMO_EDENIED) {
        s_fail_refused (self);  /* revoked while we ran: no later call can succeed */
        return rc;
    }
    if (rc) {
        if (rc == EINTR)
            return PMO_OK;
        if (!self->is_pmod_silent)
            pmo_log_warn ("pmod at %s does not answer (%s); still listening on %s",
                          self->endpoint, pmo_strerror (rc), self->opts->events);
        self->is_pmod_silent = true;
        rc = pmo_client_reconnect (self->client);
        if (rc)
            s_fail (self, 1, "endpoint %s: %s", self->endpoint, pmo_strerror (rc));
        return rc;
    }
    if (self->is_pmod_silent)
        pmo_log_info ("pmod at %s answers again", self->endpoint);
    self->is_pmod_silent = false;
    bool has_last = reply->status == PMO__STATUS__STATUS_OK
                    && reply->body_case == PMO__REPLY__BODY_PONG && reply->pong->has_last_seq;
    uint64_t pmod_last = has_last ? reply->pong->last_seq : 0;
    pmo_wire_free (reply);
    if (has_last)
        s_check_log_behind (self, pmod_last);
    bool is_behind = has_last && pmod_last > self->last;
    return is_behind ? s_catch_up (self, "pmod is ahead of the live events") : PMO_OK;
}

//  --------------------------------------------------------------------------
//  Step 2 of the start: where to begin.

static int
s_find_start (notify_t *self)
{
    const notify_opts_t *opts = self->opts;
    bool has_seq = false;
    uint64_t seq = 0;
    if (opts->state_path) {
        const char *why = "";
        int rc = state_open (opts->state_path, &self->state, &has_seq, &seq, &why);
        if (rc == PMO_ECORRUPT) {
            s_fail (self, 1, "state %s: not a pmo-notify state file (%s)", opts->state_path, why);
            return rc;
        }
        if (rc) {
            s_fail (self, 1, "state %s: %s", opts->state_path, pmo_strerror (rc));
            return rc;
        }
    }
    if (has_seq) {
        self->last = seq;
        self->saved = seq;
        if (opts->has_since)
            pmo_log_info ("state file %s gives last_seq=%llu; --since %llu ignored",
                          opts->state_path, (unsigned long long) seq,
                          (unsigned long long) opts->since);
        pmo_log_info ("starting after seq %llu (state file)", (unsigned long long) seq);
    } else if (opts->has_since) {
        self->last = opts->since;
        pmo_log_info ("starting after seq %llu (--since)", (unsigned long long) self->last);
    } else {
        Pmo__Ping ping = PMO__PING__INIT;
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_PING;
        req.ping = &ping;
        Pmo__Reply *reply = NULL;
        int rc = s_call (self, &req, "ping", &reply);
        if (rc)
            return rc;
        if (reply->body_case != PMO__REPLY__BODY_PONG) {
            pmo_wire_free (reply);
            s_fail (self, 1, "ping: reply carries no pong");
            return PMO_EPROTO;
        }
        self->last = reply->pong->last_seq;
        pmo_wire_free (reply);
        pmo_log_info ("starting after seq %llu (pmod's newest)", (unsigned long long) self->last);
    }
    if (self->state && !has_seq) {
        /*  Save at once: it proves the file can be written before any event
         *  is handled, and a restart resumes from here, not from "now". */
        self->saved = self->last + 1;  /* anything else, to force the write */
        return s_save (self);
    }
    return PMO_OK;
}

static int
s_open_sub (notify_t *self)
{
    if (!pmo_endpoint_supported (self->opts->events)) {
        s_fail (self, 1, "events endpoint %s: %s", self->opts->events, PMO_TRANSPORTS);
        return EPROTONOSUPPORT;
    }
    self->sub = zmq_socket (pmo_zmq_ctx (), ZMQ_SUB);
    if (!self->sub) {
        s_fail (self, 1, "events: %s", zmq_strerror (errno));
        return errno;
    }
    int linger = 0;
    int hwm = NOTIFY_SUB_HWM;
    int64_t max = PMO_MAX_REPLY_BYTES;
    zmq_setsockopt (self->sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (self->sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt (self->sub, ZMQ_MAXMSGSIZE, &max, sizeof max);
    if (pmo_client_secure_socket (self->sub) != PMO_OK) {
        int rc = errno;
        s_fail (self, 1, "events: CURVE: %s", zmq_strerror (rc));
        return rc;
    }
    /*  Everything: seq is tracked over all events (see notify.h). */
    if (zmq_setsockopt (self->sub, ZMQ_SUBSCRIBE, "", 0) != 0
        || zmq_connect (self->sub, self->opts->events) != 0) {
        int rc = errno;
        s_fail (self, 1, "events endpoint %s: %s", self->opts->events, zmq_strerror (rc));
        return rc;
    }
    return PMO_OK;
}

//  --------------------------------------------------------------------------
//  Step 4: live events, with the periodic duty.

static void
s_live (notify_t *self)
{
    int64_t next_duty = pmo_clock_mono_ms () + NOTIFY_DUTY_MS;
    bool has_traffic = false;
    while (!s_stopping (self)) {
        int64_t wait = next_duty - pmo_clock_mono_ms ();
        zmq_pollitem_t item = {self->sub, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll (&item, 1, wait > 0 ? (long) wait : 0);
        if (n < 0 && errno != EINTR) {
            s_fail (self, 1, "events: %s", zmq_strerror (errno));
            break;
        }
        if (n > 0) {
            has_traffic = true;
            Pmo__Event *ev = s_recv_event (self);
            if (ev && ev->seq > self->last + 1) {
                char why[80];
                snprintf (why, sizeof why, "gap: live seq %llu after %llu",
                          (unsigned long long) ev->seq, (unsigned long long) self->last);
                s_catch_up (self, why);
            }
            if (ev && ev->seq > self->last && !s_stopping (self))
                s_process (self, ev);
            else if (ev)
                pmo_log_debug ("live seq=%llu already handled", (unsigned long long) ev->seq);
            pmo_wire_free (ev);
        }
        if (!s_stopping (self) && pmo_clock_mono_ms () >= next_duty) {
            if (s_save (self))
                break;
            if (!has_traffic)
                s_idle_check (self);
            has_traffic = false;
            next_duty = pmo_clock_mono_ms () + NOTIFY_DUTY_MS;
        }
    }
}

int
notify_run (const notify_opts_t *opts, volatile sig_atomic_t *stop)
{
    notify_t self_s = {0};
    notify_t *self = &self_s;
    self->opts = opts;
    self->stop = stop;
    self->endpoint = opts->endpoint;

    if (s_open_sub (self))
        goto out;
    int rc = pmo_client_open (opts->endpoint, &self->client);
    if (rc) {
        s_fail (self, 1, "endpoint %s: %s", opts->endpoint, pmo_strerror (rc));
        goto out;
    }
    if (s_find_start (self))
        goto out;
    if (opts->state_path || opts->has_since)
        s_catch_up (self, "start");
    s_live (self);
out:
    if (!self->exit_code)
        s_save (self);  /* a signal or --count: keep what the duty had not saved */
    if (self->exit_code == 0)
        pmo_log_info ("stopping: %llu events handled, last_seq=%llu",
                      (unsigned long long) self->n_handled, (unsigned long long) self->last);
    state_close (&self->state);
    pmo_client_close (&self->client);
    if (self->sub)
        zmq_close (self->sub);
    return self->exit_code;
}
