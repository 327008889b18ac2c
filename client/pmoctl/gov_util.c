/*  gov_util: what pmoctl's governance commands share: the register query,
 *  parsing item numbers, levels and status names, a write that reports the
 *  id pmod gave the new item, and the log summaries of governance events. */
#include <inttypes.h>
#include <stdlib.h>

#include "cmd_governance.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_money.h"

int
pmoctl_registers (pmoctl_t *ctl, Pmo__RegisterKind kind, const char *project, uint32_t id, const char *status,
                  Pmo__Reply **reply_p)
{
    Pmo__RegisterQuery q = PMO__REGISTER_QUERY__INIT;
    q.has_kind = true;
    q.kind = kind;
    q.project = (char *) project;
    q.has_id = id > 0;
    q.id = id;
    q.status = (char *) status;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_REGISTER_QUERY;
    req.register_query = &q;
    return pmoctl_query (ctl, &req, PMO__REPLY__BODY_REGISTERS, reply_p);
}

int
pmoctl_parse_id (const char *what, const char *s, uint32_t *id)
{
    uint64_t v = 0;
    if (pmoctl_parse_u64 (what, s, UINT32_MAX, &v))
        return PMO_EINVAL;
    if (v == 0) {
        pmoctl_fail ("%s: items are numbered from 1", what);
        return PMO_EINVAL;
    }
    *id = (uint32_t) v;
    return PMO_OK;
}

int
pmoctl_parse_level (const char *flag, const char *s, int32_t *out)
{
    if (!s)
        return PMO_OK;
    if (s[0] < '1' || s[0] > '5' || s[1]) {
        pmoctl_fail ("%s: '%s' is not 1, 2, 3, 4 or 5", flag, s);
        return PMO_EINVAL;
    }
    *out = s[0] - '0';
    return PMO_OK;
}

const char *
pmoctl_enum_name (const ProtobufCEnumDescriptor *d, int v)
{
    /*  One buffer per call site would do; a small ring serves a row. */
    static char ring[8][32];
    static unsigned next;
    char *buf = ring[next++ % 8];
    if (v == 0)
        return "";
    return pmo_wire_enum_name (d, v, buf, sizeof ring[0]);
}

int
pmoctl_parse_enum (const char *flag, const char *s, const ProtobufCEnumDescriptor *d, int *out)
{
    if (!s)
        return PMO_OK;
    int v = pmo_wire_enum_parse (d, s);
    if (v > 0) {
        *out = v;
        return PMO_OK;
    }
    char choices[256] = "";
    for (unsigned i = 0; i < d->n_values; i++) {
        if (d->values[i].value == 0)
            continue;
        size_t len = strlen (choices);
        snprintf (choices + len, sizeof choices - len, "%s%s", len ? ", " : "",
                  pmoctl_enum_name (d, d->values[i].value));
    }
    pmoctl_fail ("%s: '%s' is not one of %s", flag, s, choices);
    return PMO_EINVAL;
}

static uint32_t
s_event_id (const Pmo__Event *ev)
{
    switch (ev->body_case) {
    case PMO__EVENT__BODY_RISK: return ev->risk->id;
    case PMO__EVENT__BODY_ISSUE: return ev->issue->id;
    case PMO__EVENT__BODY_CHANGE: return ev->change->id;
    default: return 0;
    }
}

/*  The id in the first event of body_case at or after seq. */
static int
s_id_at (pmoctl_t *ctl, uint64_t seq, Pmo__Event__BodyCase body_case, uint32_t *id)
{
    Pmo__LogQuery q = PMO__LOG_QUERY__INIT;
    q.has_since = true;
    q.since = seq - 1;
    q.has_limit = true;
    q.limit = 8;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_LOG;
    req.log = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_EVENTS, &reply);
    if (rc)
        return rc;
    *id = 0;
    for (size_t i = 0; i < reply->events->n_events && !*id; i++)
        if (reply->events->events[i]->body_case == body_case)
            *id = s_event_id (reply->events->events[i]);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
pmoctl_write_item (pmoctl_t *ctl, Pmo__Request *req, Pmo__Event__BodyCase body_case, const char *what)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_call (ctl, req, &reply);
    if (rc)
        return rc;
    uint64_t seq = reply->seq;
    pmo_wire_free (reply);
    uint32_t id = 0;
    /*  The write is committed: a failed look-up only loses the id's echo. */
    if (s_id_at (ctl, seq, body_case, &id) != PMOCTL_EXIT_OK)
        id = 0;
    if (ctl->format == OUT_JSON) {
        json_object *obj = json_object_new_object ();
        json_object_object_add (obj, "ok", json_object_new_boolean (1));
        json_object_object_add (obj, "seq", json_object_new_uint64 (seq));
        if (id)
            json_object_object_add (obj, "id", json_object_new_uint64 (id));
        out_json_print (obj, stdout);
        json_object_put (obj);
    } else {
        char text[512], num[16];
        snprintf (num, sizeof num, "%u", (unsigned) id);
        const char *at = strstr (what, "%u");
        if (at)
            snprintf (text, sizeof text, "%.*s%s%s", (int) (at - what), what, id ? num : "?", at + 2);
        else
            snprintf (text, sizeof text, "%s", what);
        printf ("%s (seq %" PRIu64 ")\n", text, seq);
    }
    return PMOCTL_EXIT_OK;
}

void
pmoctl_print_registers_json (const Pmo__Registers *view, const char *const *arrays)
{
    json_object *obj = pmo_json_from_msg (view);
    for (size_t i = 0; arrays && arrays[i]; i++)
        out_json_ensure_array (obj, arrays[i]);
    out_json_print (obj, stdout);
    json_object_put (obj);
}

bool
pmoctl_governance_summary (const Pmo__Event *ev, char *buf, size_t n)
{
    char a[PMO_MONEY_FMT_MAX];
    switch (ev->body_case) {
    case PMO__EVENT__BODY_RISK: {
        const Pmo__Risk *x = ev->risk;
        char issue[32] = "";
        if (x->has_issue)
            snprintf (issue, sizeof issue, ", issue %u", (unsigned) x->issue);
        snprintf (buf, n, "risk %u %s, score %d (P%d x I%d)%s: %s", (unsigned) x->id,
                  pmoctl_enum_name (&pmo__risk_status__descriptor, x->status), (int) x->score,
                  (int) x->probability, (int) x->impact, issue, pmoctl_str (x->title));
        return true;
    }
    case PMO__EVENT__BODY_ISSUE: {
        const Pmo__Issue *x = ev->issue;
        snprintf (buf, n, "issue %u %s, %s: %s", (unsigned) x->id,
                  pmoctl_enum_name (&pmo__issue_status__descriptor, x->status),
                  pmoctl_enum_name (&pmo__severity__descriptor, x->severity), pmoctl_str (x->title));
        return true;
    }
    case PMO__EVENT__BODY_CHANGE: {
        const Pmo__ChangeRequest *x = ev->change;
        pmoctl_fmt_money (x->cost_impact_minor, x->currency, a, sizeof a);
        snprintf (buf, n, "change %u %s, cost %s: %s%s%s", (unsigned) x->id,
                  pmoctl_enum_name (&pmo__change_status__descriptor, x->status), a,
                  pmoctl_str (x->description), x->decision_reason ? "; why: " : "",
                  pmoctl_str (x->decision_reason));
        return true;
    }
    case PMO__EVENT__BODY_BASELINE: {
        const Pmo__Baseline *x = ev->baseline;
        pmoctl_fmt_money (x->bac_minor, x->currency, a, sizeof a);
        snprintf (buf, n, "baseline %u: %s..%s, %s", (unsigned) x->version, pmoctl_str (x->start),
                  pmoctl_str (x->finish), a);
        return true;
    }
    case PMO__EVENT__BODY_CLOSURE: {
        const Pmo__ClosureRecord *x = ev->closure;
        pmoctl_fmt_money (x->actual_cost_minor, x->currency, a, sizeof a);
        snprintf (buf, n, "closed %s: actual cost %s, finish %s (slip %+d days), %zu lesson(s)",
                  pmoctl_str (x->closed_on), a, pmoctl_str (x->actual_finish), (int) x->slip_days,
                  x->n_lessons);
        return true;
    }
    default: return false;
    }
}
