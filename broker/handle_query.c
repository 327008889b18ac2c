/*  handle_query: reads.  They run in a read txn opened after the batch's
 *  commit, build the reply body from decoded records (kept alive by the
 *  req until the reply is packed), and change nothing. */
#include <stdio.h>

#include "broker.h"
#include "project_index.h"
#include "pmo/pmo_wire_scan.h"
#include "status_cache.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

/*  A growable array of message pointers owned by the req. */
typedef struct {
    void **items;
    size_t n, cap;
} vec_t;

static void
s_push (req_t *r, vec_t *v, void *msg)
{
    if (v->n == v->cap) {
        void **old = v->items;
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = pmo_malloc (v->cap * sizeof *v->items);
        if (old)
            memcpy (v->items, old, v->n * sizeof *v->items);
        /*  The old block stays owned by r until the reply is packed: it is
         *  small and this keeps ownership in one place. */
        req_keep_mem (r, v->items);
    }
    v->items[v->n++] = msg;
}

/*  Decodes every value in db whose key starts with prefix into v. */
static int
s_scan (req_t *r, unsigned db, const void *prefix, size_t prefix_len,
        const ProtobufCMessageDescriptor *d, vec_t *v)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, db, &cur);
    if (rc)
        return req_fail (r, rc, "", "cannot read: %s", pmo_strerror (rc));
    pmo_val_t k = {prefix, prefix_len}, val;
    rc = prefix_len ? pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &val)
                    : pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &val);
    while (rc == PMO_OK) {
        if (prefix_len && (k.len < prefix_len || memcmp (k.data, prefix, prefix_len) != 0))
            break;
        void *msg = pmo_wire_unpack (d, val.data, val.len);
        if (!msg) {
            pmo_cursor_close (&cur);
            return req_fail (r, PMO_ECORRUPT, "", "a stored %s does not decode", d->short_name);
        }
        s_push (r, v, req_keep (r, msg));
        rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &val);
    }
    pmo_cursor_close (&cur);
    return rc == PMO_ENOTFOUND || rc == PMO_OK ? PMO_OK : req_fail (r, rc, "", "cannot read: %s", pmo_strerror (rc));
}

int
handle_ping (req_t *r)
{
    Pmo__Pong *p = req_keep_mem (r, pmo_malloc (sizeof *p));
    pmo__pong__init (p);
    p->version = (char *) PMO_VERSION;
    p->has_last_seq = true;
    p->last_seq = r->broker->last_seq;
    p->has_now_ms = true;
    p->now_ms = r->now_ms;
    r->reply->body_case = PMO__REPLY__BODY_PONG;
    r->reply->pong = p;
    return PMO_OK;
}

int
handle_list (req_t *r)
{
    const Pmo__ListQuery *q = r->req->list;
    Pmo__Listing *l = req_keep_mem (r, pmo_malloc (sizeof *l));
    pmo__listing__init (l);
    vec_t v = {0};
    int rc;
    switch (q->kind) {
    case PMO__LIST_KIND__LIST_PORTFOLIOS:
        rc = s_scan (r, DB_PORTFOLIOS, NULL, 0, &pmo__portfolio__descriptor, &v);
        l->portfolios = (Pmo__Portfolio **) v.items;
        l->n_portfolios = v.n;
        break;
    case PMO__LIST_KIND__LIST_PROGRAMMES:
        rc = s_scan (r, DB_PROGRAMMES, NULL, 0, &pmo__programme__descriptor, &v);
        l->programmes = (Pmo__Programme **) v.items;
        l->n_programmes = v.n;
        break;
    case PMO__LIST_KIND__LIST_TEAMS:
        rc = s_scan (r, DB_TEAMS, NULL, 0, &pmo__team__descriptor, &v);
        l->teams = (Pmo__Team **) v.items;
        l->n_teams = v.n;
        break;
    case PMO__LIST_KIND__LIST_PEOPLE:
        rc = s_scan (r, DB_PEOPLE, NULL, 0, &pmo__person__descriptor, &v);
        l->people = (Pmo__Person **) v.items;
        l->n_people = v.n;
        break;
    case PMO__LIST_KIND__LIST_PROJECTS:
        rc = s_scan (r, DB_PROJECTS, NULL, 0, &pmo__project__descriptor, &v);
        l->projects = (Pmo__Project **) v.items;
        l->n_projects = v.n;
        break;
    case PMO__LIST_KIND__LIST_MILESTONES: {
        Pmo__Project *p;
        rc = req_load (r, DB_PROJECTS, q->project, "project", &pmo__project__descriptor, (void **) &p);
        if (rc)
            return rc;
        pmo_key_t k;
        tables_key_code (&k, q->project);
        rc = s_scan (r, DB_MILESTONES, k.buf, k.len, &pmo__milestone__descriptor, &v);
        l->milestones = (Pmo__Milestone **) v.items;
        l->n_milestones = v.n;
        break;
    }
    default:
        return req_fail (r, PMO_EINVAL, "kind", "list: unknown kind %d", (int) q->kind);
    }
    if (rc)
        return rc;
    r->reply->body_case = PMO__REPLY__BODY_LISTING;
    r->reply->listing = l;
    return PMO_OK;
}

/*  The next milestone: not reached, earliest forecast (or baseline) date. */
static Pmo__Milestone *
s_next_milestone (const vec_t *v)
{
    Pmo__Milestone *best = NULL;
    const char *best_date = NULL;
    for (size_t i = 0; i < v->n; i++) {
        Pmo__Milestone *m = v->items[i];
        if (m->actual)
            continue;
        const char *d = m->forecast ? m->forecast : m->due;
        if (d && (!best_date || strcmp (d, best_date) < 0)) {
            best = m;
            best_date = d;
        }
    }
    return best;
}

/*  The Health message for a computed colour (owned by r). */
static Pmo__Health *
s_health_msg (req_t *r, const char *code, const pmo_health_t *health)
{
    Pmo__Health *h = req_keep_mem (r, pmo_malloc (sizeof *h));
    pmo__health__init (h);
    h->project = (char *) code;
    h->rag = (char *) pmo_rag_name (health->rag);
    h->reason = req_keep_mem (r, pmo_strdup (health->reason));
    return h;
}

static Pmo__Event *
s_event (req_t *r, uint64_t seq)
{
    pmo_key_t k;
    tables_key_seq (&k, seq);
    void *ev = NULL;
    if (tables_get (r->txn, DB_EVENTS, &k, &pmo__event__descriptor, &ev) != PMO_OK)
        return NULL;
    return req_keep (r, ev);
}

typedef struct {
    req_t *r;
    vec_t *v;
    size_t limit, n;
    bool more;
} s_page_t;

static bool
s_page_add (void *arg, uint64_t seq)
{
    s_page_t *p = arg;
    if (p->n == p->limit) {
        p->more = true;
        return false;
    }
    p->n++;
    Pmo__Event *ev = s_event (p->r, seq);
    if (ev)
        s_push (p->r, p->v, ev);
    return true;
}

/*  Up to `limit` events of a project with seq > since, oldest first; or
 *  the newest `limit` when newest is true.  *more tells whether further
 *  events exist beyond the page. */
static int
s_project_events (req_t *r, const char *code, uint64_t since, size_t limit, bool newest, vec_t *v,
                  bool *more)
{
    size_t start = v->n;
    s_page_t page = {.r = r, .v = v, .limit = limit};
    int rc = project_index_walk (r->txn, code, since, newest, s_page_add, &page);
    if (rc)
        return req_fail (r, rc, "", "cannot read the project's events: %s", pmo_strerror (rc));
    *more = page.more;
    if (newest)  /* collected newest first: turn to chronological order */
        for (size_t i = start, j = v->n; i + 1 < j; i++, j--) {
            void *t = v->items[i];
            v->items[i] = v->items[j - 1];
            v->items[j - 1] = t;
        }
    return PMO_OK;
}

int
handle_project_show (req_t *r)
{
    const Pmo__ProjectQuery *q = r->req->project_show;
    Pmo__Project *p;
    int rc = req_load (r, DB_PROJECTS, q->code, "project", &pmo__project__descriptor, (void **) &p);
    if (rc)
        return rc;
    int32_t today = pmo_date_from_ms (r->now_ms);
    figures_t f;
    rc = analytics_project (r, p, today, &f);
    if (rc)
        return rc;
    Pmo__ProjectView *view = req_keep_mem (r, pmo_malloc (sizeof *view));
    pmo__project_view__init (view);
    view->project = p;
    view->totals = f.totals;
    view->milestones = f.milestones;
    view->n_milestones = f.n_milestones;
    view->evm = f.has_evm ? analytics_evm_msg (r, &f.evm, p->currency, today) : NULL;
    view->health = s_health_msg (r, p->code, &f.health);
    size_t n_recent = q->has_recent ? q->recent : 10;
    if (n_recent > PMO_RECENT_MAX)
        n_recent = PMO_RECENT_MAX;
    vec_t recent = {0};
    bool more;
    if (n_recent) {
        rc = s_project_events (r, p->code, 0, n_recent, true, &recent, &more);
        if (rc)
            return rc;
    }
    view->recent = (Pmo__Event **) recent.items;
    view->n_recent = recent.n;
    r->reply->body_case = PMO__REPLY__BODY_PROJECT;
    r->reply->project = view;
    return PMO_OK;
}

/*  One roll-up bucket: a level, a code and a currency. */
typedef struct {
    const char *level;
    const char *code;
    const char *currency;
    pmo_evm_sums_t sums;
    uint32_t projects;
} bucket_t;

static void
s_bucket_add (req_t *r, vec_t *buckets, const char *level, const char *code, const char *currency,
              const pmo_evm_t *e)
{
    bucket_t *b = NULL;
    for (size_t i = 0; i < buckets->n && !b; i++) {
        bucket_t *c = buckets->items[i];
        if (streq (c->level, level) && streq (c->code, code) && streq (c->currency, currency))
            b = c;
    }
    if (!b) {
        b = req_keep_mem (r, pmo_calloc (1, sizeof *b));
        b->level = level;
        b->code = code;
        b->currency = currency;
        s_push (r, buckets, b);
    }
    /*  Sums of money, never averages of ratios; an overflow leaves that
     *  bucket's sums where they were (10^15 minor units per budget make it
     *  practically unreachable). */
    if (pmo_evm_sums_add (&b->sums, e) == PMO_OK)
        b->projects++;
}

/*  The roll-up's Evm: sums, and the indices of the sums. */
static Pmo__Rollup *
s_rollup_msg (req_t *r, const bucket_t *b, int32_t as_of)
{
    pmo_evm_t e;
    memset (&e, 0, sizeof e);
    e.bac = b->sums.bac;
    e.pv = b->sums.pv;
    e.ev = b->sums.ev;
    e.ac = b->sums.ac;
    e.cv = e.ev - e.ac;
    e.sv = e.ev - e.pv;
    pmo_evm_sums_indices (&b->sums, &e.cpi, &e.spi);
    /*  Each project's AC + BAC fits, but a sum of them may not: then the
     *  roll-up has no atypical EAC rather than a wrapped one. */
    e.eac_atypical_defined = pmo_i64_add (e.ac, e.bac - e.ev, &e.eac_atypical) == PMO_OK;
    /*  EAC = BAC / CPI of the sums; undefined without cost or earned value. */
    if (e.ev > 0 && e.ac > 0 && pmo_i64_muldiv (e.bac, e.ac, e.ev, &e.eac) == PMO_OK) {
        e.eac_defined = true;
        e.etc = e.eac - e.ac;
        e.vac = e.bac - e.eac;
    }
    e.tcpi = pmo_ratio_make (e.bac - e.ev, e.bac - e.ac);
    Pmo__Rollup *m = req_keep_mem (r, pmo_malloc (sizeof *m));
    pmo__rollup__init (m);
    m->level = (char *) b->level;
    m->code = (char *) b->code;
    m->has_projects = true;
    m->projects = b->projects;
    m->evm = analytics_evm_msg (r, &e, b->currency, as_of);
    /*  Only sums and the indices of sums are meaningful for a roll-up. */
    m->evm->has_at_days = false;
    m->evm->method = NULL;
    return m;
}

/*  A project's programme's portfolio, "-" when there is none.  Remembered
 *  for the request in *memo: a portfolio has few programmes and many
 *  projects. */
typedef struct {
    const char *programme;
    const char *portfolio;
} portfolio_of_t;

static const char *
s_portfolio_of (req_t *r, const char *programme, vec_t *memo)
{
    if (!programme || !*programme)
        return "-";
    for (size_t i = 0; i < memo->n; i++) {
        const portfolio_of_t *m = memo->items[i];
        if (streq (m->programme, programme))
            return m->portfolio;
    }
    Pmo__Programme *p = NULL;
    pmo_key_t k;
    tables_key_code (&k, programme);
    const char *portfolio = "-";
    if (tables_get (r->txn, DB_PROGRAMMES, &k, &pmo__programme__descriptor, (void **) &p) == PMO_OK) {
        req_keep (r, p);
        portfolio = p->portfolio && *p->portfolio ? p->portfolio : "-";
    }
    portfolio_of_t *m = req_keep_mem (r, pmo_malloc (sizeof *m));
    m->programme = req_keep_mem (r, pmo_strdup (programme));
    m->portfolio = portfolio;
    s_push (r, memo, m);
    return portfolio;
}

/*  Computes project (packed in val) as of as_of into e: its row packed,
 *  with its length in front, as a pre-packed field carries it. */
static int
s_status_row (req_t *r, const pmo_val_t *val, int32_t as_of, int32_t today, status_entry_t *e)
{
    /*  A req of its own: this row's decoded records go as soon as it is
     *  packed, instead of 10,000 projects' worth at the end. */
    req_t sub = *r;
    sub.owned = NULL;
    sub.n_owned = sub.cap_owned = 0;
    Pmo__Project *p = req_keep (&sub, pmo_wire_unpack (&pmo__project__descriptor, val->data, val->len));
    int rc = p ? PMO_OK : req_fail (&sub, PMO_ECORRUPT, "", "a stored Project does not decode");
    figures_t f;
    if (!rc)
        rc = analytics_project (&sub, p, as_of, &f);
    if (!rc) {
        Pmo__StatusRow row = PMO__STATUS_ROW__INIT;
        row.project = p;
        row.totals = f.totals;
        vec_t ms = {(void **) f.milestones, f.n_milestones, f.n_milestones};
        row.next_milestone = s_next_milestone (&ms);
        row.evm = f.has_evm ? analytics_evm_msg (&sub, &f.evm, p->currency, as_of) : NULL;
        row.health = s_health_msg (&sub, p->code, &f.health);
        row.has_missed_milestones = true;
        row.missed_milestones = f.missed;
        size_t n = protobuf_c_message_get_packed_size (&row.base);
        pmo_buf_reserve (&e->row, n + 10);
        e->row.len = pmo_wire_put_varint (e->row.data, n);
        e->row.len += protobuf_c_message_pack (&row.base, e->row.data + e->row.len);
        status_entry_set (e, p->programme, p->team, p->currency);
        e->is_cancelled = p->status == PMO__PROJECT_STATUS__PROJECT_CANCELLED;
        e->has_evm = f.has_evm;
        e->evm = f.evm;
        status_cache_mark_fresh (r->broker->status_cache, e, as_of, today);
    }
    r->reason = sub.reason;
    req_release (&sub);
    return rc;
}

/*  A field of the view, pre-packed: data is what follows the tag (for a
 *  length-delimited field, its length and then its bytes). */
static void
s_raw_field (vec_t *fields, req_t *r, uint32_t id, ProtobufCWireType type, uint8_t *data, size_t len)
{
    ProtobufCMessageUnknownField *u = req_keep_mem (r, pmo_malloc (sizeof *u));
    u->tag = id;
    u->wire_type = type;
    u->data = data;
    u->len = len;
    s_push (r, fields, u);
}

/*  msg packed behind its length, owned by r. */
static uint8_t *
s_packed_len (req_t *r, const ProtobufCMessage *msg, size_t *len)
{
    size_t n = protobuf_c_message_get_packed_size (msg);
    uint8_t *buf = req_keep_mem (r, pmo_malloc (n + 10));
    *len = pmo_wire_put_varint (buf, n);
    *len += protobuf_c_message_pack (msg, buf + *len);
    return buf;
}

static uint32_t
s_field_id (const char *name)
{
    return protobuf_c_message_descriptor_get_field_by_name (&pmo__status_view__descriptor, name)->id;
}

int
handle_status (req_t *r)
{
    const Pmo__StatusQuery *q = r->req->status;
    int32_t as_of, today = pmo_date_from_ms (r->now_ms);
    int rc = req_date (r, "as_of", q->as_of, false, today, &as_of);
    void *filter;
    if (!rc && q->programme && *q->programme)
        rc = req_load (r, DB_PROGRAMMES, q->programme, "programme", &pmo__programme__descriptor, &filter);
    if (!rc && q->team && *q->team)
        rc = req_load (r, DB_TEAMS, q->team, "team", &pmo__team__descriptor, &filter);
    if (rc)
        return rc;
    status_cache_t *cache = r->broker->status_cache;
    status_cache_check_policy (cache, &r->broker->policy.rag);

    /*  The view goes out as pre-packed fields (protobuf-c writes a message's
     *  unknown fields verbatim): the rows are copied from the cache, and
     *  everything is in field order, rows first, which pmoctl streams to
     *  JSON without unpacking.  The cache's bytes stay put until this reply
     *  is packed: nothing else runs in between. */
    vec_t fields = {0}, buckets = {0}, portfolios = {0};
    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_PROJECTS, &cur);
    if (rc)
        return req_fail (r, rc, "", "cannot read: %s", pmo_strerror (rc));
    uint32_t rows_id = s_field_id ("rows");
    pmo_val_t k, val;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &val); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &val)) {
        status_entry_t *e = status_cache_get (cache, k.data, strnlen (k.data, k.len));
        if (!status_cache_is_fresh (cache, e, as_of, today) && (rc = s_status_row (r, &val, as_of, today, e)))
            break;
        if (q->programme && *q->programme && !(e->programme && streq (e->programme, q->programme)))
            continue;
        if (q->team && *q->team && !(e->team && streq (e->team, q->team)))
            continue;
        s_raw_field (&fields, r, rows_id, PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, e->row.data, e->row.len);
        /*  Cancelled projects stay listed but do not count in roll-ups, nor
         *  do projects whose figures overflow. */
        if (e->is_cancelled || !e->has_evm)
            continue;
        const char *programme = e->programme && *e->programme ? e->programme : "-";
        s_bucket_add (r, &buckets, "programme", programme, e->currency, &e->evm);
        s_bucket_add (r, &buckets, "portfolio", s_portfolio_of (r, e->programme, &portfolios), e->currency,
                      &e->evm);
        s_bucket_add (r, &buckets, "total", "", e->currency, &e->evm);
    }
    pmo_cursor_close (&cur);
    if (rc != PMO_OK && rc != PMO_ENOTFOUND)
        return r->reason.text[0] ? rc : req_fail (r, rc, "", "cannot read: %s", pmo_strerror (rc));

    uint8_t *now = req_keep_mem (r, pmo_malloc (10));
    s_raw_field (&fields, r, s_field_id ("now_ms"), PROTOBUF_C_WIRE_TYPE_VARINT, now,
                 pmo_wire_put_varint (now, (uint64_t) r->now_ms));
    for (size_t i = 0; i < buckets.n; i++) {
        size_t len;
        uint8_t *data = s_packed_len (r, &s_rollup_msg (r, buckets.items[i], as_of)->base, &len);
        s_raw_field (&fields, r, s_field_id ("rollups"), PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, data, len);
    }
    uint8_t *date = req_keep_mem (r, pmo_malloc (1 + 11));
    date[0] = 10;                                /* the length: YYYY-MM-DD */
    pmo_date_format (as_of, (char *) date + 1);  /* and a NUL after it, not sent */
    s_raw_field (&fields, r, s_field_id ("as_of"), PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, date, 11);

    Pmo__StatusView *view = req_keep_mem (r, pmo_malloc (sizeof *view));
    pmo__status_view__init (view);
    view->base.n_unknown_fields = fields.n;
    view->base.unknown_fields = req_keep_mem (r, pmo_calloc (fields.n, sizeof *view->base.unknown_fields));
    for (size_t i = 0; i < fields.n; i++)
        view->base.unknown_fields[i] = *(ProtobufCMessageUnknownField *) fields.items[i];
    r->reply->body_case = PMO__REPLY__BODY_STATUS_VIEW;
    r->reply->status_view = view;
    return PMO_OK;
}

int
handle_log (req_t *r)
{
    const Pmo__LogQuery *q = r->req->log;
    size_t limit = q->has_limit && q->limit ? q->limit : 100;
    if (limit > PMO_LOG_PAGE_MAX)
        limit = PMO_LOG_PAGE_MAX;
    uint64_t since = q->has_since ? q->since : 0;
    vec_t v = {0};
    bool more = false;
    if (q->project && *q->project) {
        int rc = pmo_check_code ("project", q->project, &r->reason);
        if (rc)
            return rc;
        /*  An empty page would read as "nothing happened" to a typo. */
        pmo_key_t pk;
        tables_key_code (&pk, q->project);
        if (!tables_has (r->txn, DB_PROJECTS, &pk))
            return req_fail (r, PMO_ENOTFOUND, "project", "project %s: not found", q->project);
        rc = s_project_events (r, q->project, since, limit, false, &v, &more);
        if (rc)
            return rc;
    } else if (since < UINT64_MAX) {  /* since + 1 would wrap to the start */
        pmo_cursor_t *cur;
        int rc = pmo_cursor_open (r->txn, DB_EVENTS, &cur);
        if (rc)
            return req_fail (r, rc, "", "cannot read the log: %s", pmo_strerror (rc));
        pmo_key_t probe;
        tables_key_seq (&probe, since + 1);
        pmo_val_t k = {probe.buf, probe.len}, val;
        rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &val);
        while (rc == PMO_OK) {
            if (v.n == limit) {
                more = true;
                break;
            }
            Pmo__Event *ev = pmo_wire_event_unpack (val.data, val.len);
            if (!ev) {
                pmo_cursor_close (&cur);
                return req_fail (r, PMO_ECORRUPT, "", "event %llu in the log does not decode",
                                 (unsigned long long) pmo_be64_get (k.data));
            }
            s_push (r, &v, req_keep (r, ev));
            rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &val);
        }
        pmo_cursor_close (&cur);
    }
    Pmo__EventPage *page = req_keep_mem (r, pmo_malloc (sizeof *page));
    pmo__event_page__init (page);
    page->events = (Pmo__Event **) v.items;
    page->n_events = v.n;
    page->has_last_seq = true;
    page->last_seq = r->broker->last_seq;
    page->has_more = true;
    page->more = more;
    r->reply->body_case = PMO__REPLY__BODY_EVENTS;
    r->reply->events = page;
    return PMO_OK;
}
