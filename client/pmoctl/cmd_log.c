/*  cmd_log: pmoctl log, the audit trail one line per event, and the event
 *  row that project show reuses for its recent activity.
 *
 *  Without --limit the whole log after --since is fetched page by page
 *  (EventPage.more); with --limit N at most N events are fetched.  Pages
 *  are kept until printed, so the text columns line up across pages and
 *  --json is a single document. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "pmo/pmo_json.h"
#include "pmo/pmo_chain.h"
#include "pmo/pmo_describe.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"
#include "cmd_governance.h"

enum { L_SINCE, L_PROJECT, L_LIMIT, L_VERIFY };

/*  Bytes of the SUMMARY column at most; a longer text is cut with "…". */
#define LOG_SUMMARY_MAX 510

const pmoctl_opt_t cmd_log_opts[] = {
    [L_SINCE] = {"since", "SEQ", false, "only events after seq SEQ (default 0: all)"},
    [L_PROJECT] = {"project", "CODE", false, "only events of project CODE"},
    [L_LIMIT] = {"limit", "N", false, "print at most N events (default: all, page by page)"},
    [L_VERIFY] = {"verify", NULL, false,
                  "check the hash chain of the whole log and name the first broken seq"},
    {NULL, NULL, false, NULL},
};

/*  Appends to the text in buf (n bytes): straight into the summary, so
 *  that only the summary's own end cuts it (see pmoctl_event_row). */
static void PMO_PRINTF (3, 4)
s_append (char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen (buf);
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (buf + len, n - len, fmt, ap);
    va_end (ap);
}

/*  "ana 90 min 2026-11-20 design" */
static void
s_append_time (const Pmo__TimeEntry *t, char *buf, size_t n)
{
    s_append (buf, n, "%s %d min %s%s%s", pmoctl_str (t->person), (int) t->minutes, pmoctl_str (t->date),
              t->activity && *t->activity ? " " : "", pmoctl_str (t->activity));
}

/*  "1200.00 EUR material" */
static void
s_append_cost (const Pmo__CostEntry *c, char *buf, size_t n)
{
    char a[PMO_MONEY_FMT_MAX];
    pmoctl_fmt_money (c->amount_minor, c->currency, a, sizeof a);
    s_append (buf, n, "%s%s%s", a, c->category ? " " : "", c->category ? pmo_wire_category_name (c->category) : "");
}

/*  A short summary of the event's body, e.g. "ana 90 min 2026-11-20 dev",
 *  "1200.00 EUR material", "42.50 %", "Design approved reached 2026-11-20",
 *  an alert's text, "amber -> red: CPI 0.812 below 0.85", "policy changed". */
static void
s_summary (const Pmo__Event *ev, char *buf, size_t n)
{
    char a[PMO_MONEY_FMT_MAX], b[PMO_MONEY_FMT_MAX];
    buf[0] = '\0';
    switch (ev->body_case) {
    case PMO__EVENT__BODY_PORTFOLIO:
        snprintf (buf, n, "%s %s", pmoctl_str (ev->portfolio->code),
                  pmoctl_str (ev->portfolio->name));
        break;
    case PMO__EVENT__BODY_PROGRAMME:
        snprintf (buf, n, "%s %s (portfolio %s)", pmoctl_str (ev->programme->code),
                  pmoctl_str (ev->programme->name), pmoctl_str (ev->programme->portfolio));
        break;
    case PMO__EVENT__BODY_TEAM:
        snprintf (buf, n, "%s %s", pmoctl_str (ev->team->code), pmoctl_str (ev->team->name));
        break;
    case PMO__EVENT__BODY_PERSON: {
        const Pmo__Person *p = ev->person;
        pmoctl_fmt_money (p->rate_minor, p->currency, a, sizeof a);
        snprintf (buf, n, "%s %s, team %s, %s/h", pmoctl_str (p->id), pmoctl_str (p->name),
                  pmoctl_str (p->team), a);
        break;
    }
    case PMO__EVENT__BODY_PROJECT_RECORD: {
        const Pmo__Project *p = ev->project_record;
        pmoctl_fmt_money (p->bac_minor, p->currency, a, sizeof a);
        snprintf (buf, n, "%s, %s, %s, %s..%s", pmoctl_str (p->name),
                  pmo_wire_status_name (p->status), a, pmoctl_str (p->start),
                  pmoctl_str (p->finish));
        break;
    }
    case PMO__EVENT__BODY_MILESTONE: {
        const Pmo__Milestone *m = ev->milestone;
        if (m->actual && *m->actual)
            snprintf (buf, n, "%s reached %s", pmoctl_str (m->name), m->actual);
        else if (m->forecast && *m->forecast)
            snprintf (buf, n, "%s due %s, forecast %s", pmoctl_str (m->name),
                      pmoctl_str (m->due), m->forecast);
        else
            snprintf (buf, n, "%s due %s", pmoctl_str (m->name), pmoctl_str (m->due));
        break;
    }
    case PMO__EVENT__BODY_TIME: {
        const Pmo__TimeEntry *t = ev->time;
        snprintf (buf, n, "%s %d min %s%s%s", pmoctl_str (t->person), (int) t->minutes,
                  pmoctl_str (t->date), t->activity && *t->activity ? " " : "",
                  pmoctl_str (t->activity));
        break;
    }
    case PMO__EVENT__BODY_COST: {
        const Pmo__CostEntry *c = ev->cost;
        pmoctl_fmt_money (c->amount_minor, c->currency, a, sizeof a);
        snprintf (buf, n, "%s%s%s", a, c->category ? " " : "",
                  c->category ? pmo_wire_category_name (c->category) : "");
        break;
    }
    case PMO__EVENT__BODY_PROGRESS: {
        const Pmo__Progress *p = ev->progress;
        pmoctl_fmt_percent (p->percent_bp, a, sizeof a);
        if (p->has_previous_bp) {
            pmoctl_fmt_percent (p->previous_bp, b, sizeof b);
            snprintf (buf, n, "%s %% (was %s %%)", a, b);
        } else {
            snprintf (buf, n, "%s %%", a);
        }
        if (p->milestone && *p->milestone) {
            size_t len = strlen (buf);
            snprintf (buf + len, n - len, ", %s reached", p->milestone);
        }
        break;
    }
    case PMO__EVENT__BODY_ALERT: {
        const Pmo__Alert *al = ev->alert;
        snprintf (buf, n, "%s", al->text && *al->text ? al->text : pmoctl_str (al->kind));
        break;
    }
    case PMO__EVENT__BODY_HEALTH: {
        /*  "amber -> red: CPI 0.812 below 0.85"; a first colour has no arrow. */
        const Pmo__Health *h = ev->health;
        if (h->previous && *h->previous)
            snprintf (buf, n, "%s -> %s: %s", h->previous, pmoctl_str (h->rag),
                      pmoctl_health_reason (h));
        else
            snprintf (buf, n, "%s: %s", pmoctl_str (h->rag), pmoctl_health_reason (h));
        break;
    }
    case PMO__EVENT__BODY_POLICY: snprintf (buf, n, "policy changed"); break;
    case PMO__EVENT__BODY_TIME_CORRECTED:
        s_append_time (ev->time_corrected->before, buf, n);
        s_append (buf, n, " -> ");
        s_append_time (ev->time_corrected->after, buf, n);
        break;
    case PMO__EVENT__BODY_COST_CORRECTED:
        s_append_cost (ev->cost_corrected->before, buf, n);
        s_append (buf, n, " -> ");
        s_append_cost (ev->cost_corrected->after, buf, n);
        break;
    case PMO__EVENT__BODY_TIME_VOIDED:
        s_append (buf, n, "voided: ");
        s_append_time (ev->time_voided, buf, n);
        break;
    case PMO__EVENT__BODY_COST_VOIDED:
        s_append (buf, n, "voided: ");
        s_append_cost (ev->cost_voided, buf, n);
        break;
    default:
        /*  Kinds without a text of their own: their fields, from the schema,
         *  cut by pmo_describe itself (it keeps quotes closed), one byte
         *  short of n so that s_summary's caller leaves it as it is. */
        if (!pmoctl_governance_summary (ev, buf, n))
            pmo_describe (pmo_event_body (ev), buf, n - 1);
        break;
    }
}

void
pmoctl_event_columns (out_table_t *t)
{
    out_table_column (t, "SEQ", "seq", OUT_RIGHT);
    out_table_column (t, "TIME", "time", OUT_LEFT);
    out_table_column (t, "ACTOR", "actor", OUT_LEFT);
    out_table_column (t, "TOPIC", "topic", OUT_LEFT);
    out_table_column (t, "PROJECT", "project", OUT_LEFT);
    out_table_column (t, "SUMMARY", "summary", OUT_LEFT);
}

void
pmoctl_event_row (out_table_t *t, const Pmo__Event *ev)
{
    /*  Two bytes over: a summary that filled it was longer than the column
     *  takes, and is cut on a character boundary, not where snprintf
     *  stopped (inside a UTF-8 character). */
    char when[25], summary[LOG_SUMMARY_MAX + 2];
    pmoctl_fmt_time (ev->at_ms, when);
    s_summary (ev, summary, sizeof summary);
    pmo_text_shorten (summary, LOG_SUMMARY_MAX);
    out_table_row (t);
    out_table_cellf (t, "%" PRIu64, ev->seq);
    out_table_cell (t, when);
    out_table_cell (t, ev->actor);
    out_table_cell (t, ev->topic);
    out_table_cell (t, ev->project);
    out_table_cell (t, summary);
}

/*  log --verify: pages through the whole log, feeding a chain verifier;
 *  each page is freed once checked, so memory stays at one page. */
static int
s_verify (pmoctl_t *ctl)
{
    if (ctl->opt[L_SINCE] || ctl->opt[L_PROJECT] || ctl->opt[L_LIMIT])
        return pmoctl_fail ("log --verify checks the whole log: give no --since, --project or --limit");
    pmo_chain_verifier_t v;
    pmo_chain_verifier_init (&v);
    uint64_t since = 0;
    int rc = PMOCTL_EXIT_OK;
    for (;;) {
        Pmo__LogQuery q = PMO__LOG_QUERY__INIT;
        q.has_since = true;
        q.since = since;
        q.has_limit = true;
        q.limit = PMO_LOG_PAGE_MAX;
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_LOG;
        req.log = &q;
        Pmo__Reply *reply = NULL;
        rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_EVENTS, &reply);
        if (rc)
            break;
        const Pmo__EventPage *page = reply->events;
        for (size_t i = 0; i < page->n_events && !v.broken_seq; i++)
            pmo_chain_verifier_add (&v, page->events[i]);
        bool is_last = !page->more || page->n_events == 0 || v.broken_seq;
        if (!is_last)
            since = page->events[page->n_events - 1]->seq;
        pmo_wire_free (reply);
        if (is_last)
            break;
    }
    if (rc == PMOCTL_EXIT_OK) {
        uint64_t checked = v.next_seq - 1;
        char head[2 * PMO_HASH_LEN + 1];
        for (int i = 0; i < PMO_HASH_LEN; i++)
            snprintf (head + 2 * i, 3, "%02x", v.head[i]);
        if (ctl->format == OUT_JSON) {
            json_object *o = json_object_new_object ();
            json_object_object_add (o, "ok", json_object_new_boolean (!v.broken_seq));
            json_object_object_add (o, "checked", json_object_new_uint64 (checked));
            if (v.broken_seq) {
                json_object_object_add (o, "broken_seq", json_object_new_uint64 (v.broken_seq));
                json_object_object_add (o, "reason", json_object_new_string (v.why));
            } else
                json_object_object_add (o, "head", json_object_new_string (head));
            printf ("%s\n", pmo_json_text (o));
            json_object_put (o);
        } else if (!v.broken_seq)
            printf ("audit trail intact: %llu events, head %s\n", (unsigned long long) checked, head);
        if (v.broken_seq)
            rc = pmoctl_fail ("audit trail broken at seq %llu: %s", (unsigned long long) v.broken_seq, v.why);
    }
    pmo_chain_verifier_free (&v);
    return rc;
}

int
cmd_log (pmoctl_t *ctl)
{
    if (ctl->opt[L_VERIFY])
        return s_verify (ctl);
    uint64_t since = 0, limit = 0;
    if (pmoctl_parse_u64 ("--since", ctl->opt[L_SINCE], UINT64_MAX, &since)
        || pmoctl_parse_u64 ("--limit", ctl->opt[L_LIMIT], UINT32_MAX, &limit))
        return PMOCTL_EXIT_USAGE;
    bool has_limit = ctl->opt[L_LIMIT] != NULL;
    if (has_limit && limit == 0)
        return pmoctl_fail ("--limit: must be at least 1");

    Pmo__Reply **pages = NULL;
    size_t n_pages = 0, n_events = 0;
    uint64_t last_seq = 0;
    bool is_more = false;
    int rc = PMOCTL_EXIT_OK;
    for (;;) {
        Pmo__LogQuery q = PMO__LOG_QUERY__INIT;
        q.has_since = true;
        q.since = since;
        q.project = (char *) ctl->opt[L_PROJECT];
        q.has_limit = true;
        q.limit = PMO_LOG_PAGE_MAX;
        if (has_limit && limit - n_events < PMO_LOG_PAGE_MAX)
            q.limit = (uint32_t) (limit - n_events);
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_LOG;
        req.log = &q;
        Pmo__Reply *reply = NULL;
        rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_EVENTS, &reply);
        if (rc)
            goto out;
        pages = pmo_realloc (pages, (n_pages + 1) * sizeof *pages);
        pages[n_pages++] = reply;
        const Pmo__EventPage *page = reply->events;
        n_events += page->n_events;
        last_seq = page->last_seq;
        is_more = page->more;
        /*  An empty page claiming more would loop for ever: stop there. */
        if (!page->more || page->n_events == 0 || (has_limit && n_events >= limit))
            break;
        since = page->events[page->n_events - 1]->seq;
    }
    if (has_limit && n_events > limit) {
        n_events = limit;  /* a pmod that ignored the page size */
        is_more = true;
    }

    if (ctl->format == OUT_JSON) {
        Pmo__EventPage all = PMO__EVENT_PAGE__INIT;
        all.events = pmo_calloc (n_events ? n_events : 1, sizeof *all.events);
        for (size_t p = 0; p < n_pages && all.n_events < n_events; p++)
            for (size_t i = 0; i < pages[p]->events->n_events && all.n_events < n_events; i++)
                all.events[all.n_events++] = pages[p]->events->events[i];
        all.has_last_seq = true;
        all.last_seq = last_seq;
        all.has_more = has_limit;  /* {"events", "last_seq"} when the whole log was asked */
        all.more = is_more;
        pmoctl_print_json (&all, "events");
        free (all.events);
    } else {
        out_table_t *t = out_table_new ();
        pmoctl_event_columns (t);
        size_t printed = 0;
        for (size_t p = 0; p < n_pages; p++)
            for (size_t i = 0; i < pages[p]->events->n_events && printed < n_events; i++, printed++)
                pmoctl_event_row (t, pages[p]->events->events[i]);
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
out:
    for (size_t p = 0; p < n_pages; p++)
        pmo_wire_free (pages[p]);
    free (pages);
    return rc;
}
