/*  registers: what the register handlers share: keys and ids of items
 *  within a project, loading and storing them with reasons that name
 *  "risk APOLLO/3", the checks every register applies (live project,
 *  existing person, bounded text, dates), status names, reading baselines,
 *  and the two hooks through which plain project and milestone updates
 *  respect closure and change control. */
#include <stdio.h>

#include "registers.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

void
gov_key (pmo_key_t *k, const char *project, uint64_t id)
{
    pmo_key_init (k);
    pmo_key_str (k, project);
    pmo_key_u64 (k, id);
}

/*  The key of the last item of project in db, or 0 (none). */
static uint64_t
s_last_id (pmo_txn_t *txn, unsigned db, const char *project)
{
    pmo_cursor_t *cur;
    if (pmo_cursor_open (txn, db, &cur))
        return 0;
    pmo_key_t prefix, probe;
    tables_key_code (&prefix, project);
    gov_key (&probe, project, UINT64_MAX);
    pmo_val_t k = {probe.buf, probe.len}, v;
    int rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v);
    rc = rc == PMO_OK ? pmo_cursor_get (cur, PMO_CURSOR_PREV, &k, &v)
                      : pmo_cursor_get (cur, PMO_CURSOR_LAST, &k, &v);
    uint64_t last = 0;
    if (rc == PMO_OK && k.len == prefix.len + 8 && memcmp (k.data, prefix.buf, prefix.len) == 0)
        last = pmo_be64_get ((const uint8_t *) k.data + prefix.len);
    pmo_cursor_close (&cur);
    return last;
}

uint32_t
gov_next_id (pmo_txn_t *txn, unsigned db, const char *project)
{
    return (uint32_t) s_last_id (txn, db, project) + 1;
}

int
gov_load (req_t *r, unsigned db, const char *what, const char *project, uint32_t id,
          const ProtobufCMessageDescriptor *d, void **msg_p)
{
    *msg_p = NULL;
    if (id == 0)
        return req_fail (r, PMO_EINVAL, "id", "id: missing (the %s's number within project %s)", what,
                         project);
    pmo_key_t k;
    gov_key (&k, project, id);
    int rc = tables_get (r->txn, db, &k, d, msg_p);
    if (rc == PMO_ENOTFOUND)
        return req_fail (r, rc, "id", "%s %s/%u: not found", what, project, (unsigned) id);
    if (rc)
        return req_fail (r, rc, "id", "%s %s/%u: %s", what, project, (unsigned) id, pmo_strerror (rc));
    req_keep (r, *msg_p);
    return PMO_OK;
}

int
gov_put (req_t *r, unsigned db, const char *project, uint32_t id, const void *msg)
{
    pmo_key_t k;
    gov_key (&k, project, id);
    int rc = tables_put (r->txn, db, &k, msg, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store %s/%u: %s", project, (unsigned) id, pmo_strerror (rc));
    return PMO_OK;
}

int
gov_project (req_t *r, const char *code, Pmo__Project **p_out)
{
    int rc = pmo_check_code ("project", code, &r->reason);
    if (rc)
        return rc;
    return req_load (r, DB_PROJECTS, code, "project", &pmo__project__descriptor, (void **) p_out);
}

bool
gov_project_is_over (const Pmo__Project *p)
{
    return p->status == PMO__PROJECT_STATUS__PROJECT_CLOSED
           || p->status == PMO__PROJECT_STATUS__PROJECT_CANCELLED;
}

int
gov_live_project (req_t *r, const char *code, const char *what, Pmo__Project **p_out)
{
    int rc = gov_project (r, code, p_out);
    if (rc)
        return rc;
    if (gov_project_is_over (*p_out))
        return req_fail (r, PMO_ESTATE, "project", "project %s is %s: it takes no new %s", code,
                         pmo_wire_status_name ((*p_out)->status), what);
    return PMO_OK;
}

int
gov_text (req_t *r, const char *field, const char *s, size_t max, bool required)
{
    int rc = pmo_check_text (field, s, max, required, &r->reason);
    if (rc == PMO_ETOOBIG) {
        /*  An oversized field is invalid input like any other: the reason
         *  names the field and its limit. */
        rc = PMO_EINVAL;
        r->reason.rc = rc;
    }
    return rc;
}

int
gov_date (req_t *r, const char *field, const char *s)
{
    int32_t day;
    return req_date (r, field, s, false, 0, &day);
}

int
gov_person (req_t *r, const char *field, const char *id, bool required)
{
    if (!id || !*id) {
        if (required)
            return req_fail (r, PMO_EINVAL, field, "%s: missing (a person id)", field);
        return PMO_OK;
    }
    int rc = pmo_check_code (field, id, &r->reason);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_code (&k, id);
    if (!tables_has (r->txn, DB_PEOPLE, &k))
        return req_fail (r, PMO_ENOTFOUND, field, "%s: person %s: not found", field, id);
    return PMO_OK;
}

/*  Enum value names without their prefix, lower case, built once. */
#define S_ENUM_NAME(fn, desc, T, count)                                      \
    const char *fn (T v)                                                     \
    {                                                                        \
        static char names[count][24];                                        \
        static bool ready = false;                                           \
        if (!ready) {                                                        \
            for (int i = 0; i < (count); i++)                                \
                pmo_wire_enum_name (&desc, i, names[i], sizeof names[i]);    \
            ready = true;                                                    \
        }                                                                    \
        return (int) v > 0 && (int) v < (count) ? names[v] : "unknown";     \
    }

S_ENUM_NAME (gov_risk_status_name, pmo__risk_status__descriptor, Pmo__RiskStatus, 6)
S_ENUM_NAME (gov_issue_status_name, pmo__issue_status__descriptor, Pmo__IssueStatus, 5)
S_ENUM_NAME (gov_change_status_name, pmo__change_status__descriptor, Pmo__ChangeStatus, 5)
S_ENUM_NAME (gov_severity_name, pmo__severity__descriptor, Pmo__Severity, 5)

/*  ---- baselines -------------------------------------------------------------- */

static int
s_baseline_at (req_t *r, const char *project, bool newest, Pmo__Baseline **b_out)
{
    *b_out = NULL;
    uint64_t version = newest ? s_last_id (r->txn, DB_BASELINES, project) : 1;
    if (version == 0)
        return PMO_OK;
    pmo_key_t k;
    gov_key (&k, project, version);
    int rc = tables_get (r->txn, DB_BASELINES, &k, &pmo__baseline__descriptor, (void **) b_out);
    if (rc == PMO_ENOTFOUND)
        return PMO_OK;
    if (rc)
        return req_fail (r, rc, "", "baseline %llu of %s: %s", (unsigned long long) version, project,
                         pmo_strerror (rc));
    req_keep (r, *b_out);
    return PMO_OK;
}

int
gov_baseline_latest (req_t *r, const char *project, Pmo__Baseline **b_out)
{
    return s_baseline_at (r, project, true, b_out);
}

int
gov_baseline_first (req_t *r, const char *project, Pmo__Baseline **b_out)
{
    return s_baseline_at (r, project, false, b_out);
}

int
gov_baseline_from_project (req_t *r, const Pmo__Project *p, uint32_t version, Pmo__Baseline **b_out)
{
    Pmo__Baseline *b = req_keep_mem (r, pmo_malloc (sizeof *b));
    pmo__baseline__init (b);
    b->project = p->code;
    b->has_version = true;
    b->version = version;
    b->start = p->start;
    b->finish = p->finish;
    b->has_bac_minor = true;
    b->bac_minor = p->bac_minor;
    b->currency = p->currency;

    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_MILESTONES, &cur);
    if (rc)
        return req_fail (r, rc, "", "milestones of %s: %s", p->code, pmo_strerror (rc));
    pmo_key_t prefix;
    tables_key_code (&prefix, p->code);
    pmo_val_t k = {prefix.buf, prefix.len}, v;
    size_t cap = 0;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len < prefix.len || memcmp (k.data, prefix.buf, prefix.len) != 0)
            break;
        Pmo__Milestone *m = pmo_wire_unpack (&pmo__milestone__descriptor, v.data, v.len);
        if (!m) {
            pmo_cursor_close (&cur);
            return req_fail (r, PMO_ECORRUPT, "", "a milestone of %s does not decode", p->code);
        }
        req_keep (r, m);
        if (b->n_milestones == cap) {
            Pmo__MilestoneDue **old = b->milestones;
            cap = cap ? cap * 2 : 8;
            b->milestones = req_keep_mem (r, pmo_malloc (cap * sizeof *b->milestones));
            if (old)
                memcpy (b->milestones, old, b->n_milestones * sizeof *old);
        }
        Pmo__MilestoneDue *d = req_keep_mem (r, pmo_malloc (sizeof *d));
        pmo__milestone_due__init (d);
        d->name = m->name;
        d->due = m->due;
        b->milestones[b->n_milestones++] = d;
    }
    pmo_cursor_close (&cur);
    *b_out = b;
    return PMO_OK;
}

/*  ---- hooks ---------------------------------------------------------------- */

static bool
s_differs (const char *a, const char *b)
{
    return !streq (a ? a : "", b ? b : "");
}

int
governance_check_project_update (req_t *r, const Pmo__Project *old, const Pmo__Project *p)
{
    if (p->status == PMO__PROJECT_STATUS__PROJECT_CLOSED && old->status != PMO__PROJECT_STATUS__PROJECT_CLOSED)
        return req_fail (r, PMO_ESTATE, "status",
                         "status: project %s closes only with pmoctl project close, which records "
                         "the outcome against the baseline and the lessons learned",
                         old->code);
    const char *field = s_differs (old->start, p->start)         ? "start"
                        : s_differs (old->finish, p->finish)     ? "finish"
                        : old->bac_minor != p->bac_minor         ? "budget"
                        : s_differs (old->currency, p->currency) ? "currency"
                                                                 : NULL;
    if (!field)
        return PMO_OK;
    Pmo__Baseline *b;
    int rc = gov_baseline_latest (r, old->code, &b);
    if (rc || !b)
        return rc;
    return req_fail (r, PMO_ESTATE, field,
                     "%s: project %s is under change control (baseline %u): submit a change "
                     "request (pmoctl change submit)",
                     field, old->code, (unsigned) b->version);
}

int
governance_check_milestone_update (req_t *r, const Pmo__Milestone *old, const Pmo__Milestone *m)
{
    if (!s_differs (old->due, m->due))
        return PMO_OK;
    Pmo__Baseline *b;
    int rc = gov_baseline_latest (r, old->project, &b);
    if (rc || !b)
        return rc;
    return req_fail (r, PMO_ESTATE, "due",
                     "due: project %s is under change control (baseline %u): due dates change "
                     "through a change request (pmoctl change submit)",
                     old->project, (unsigned) b->version);
}
