/*  handle_refs: time and cost entries booked under an agent's ref, their
 *  corrections and voids.
 *
 *  A ref is the agent's stable name for an entry ("timew:2026-11-20T09:00:00Z"),
 *  scoped by the agent id of the update (two agents may use the same ref).
 *  The refs database maps agent \0 ref \0 to the entry in effect (EntryRef).
 *  For an entry carrying a ref:
 *    - nothing booked under it (or only a voided entry): booked as usual
 *      (time.<CODE>), and the ref remembered;
 *    - the same content as the booked entry: a duplicate (no event), so a
 *      resend under a new update id (an agent that lost its state) is never
 *      booked twice;
 *    - other content: the booked entry is taken out of every aggregate, the
 *      new one booked, both in this txn (time.corrected.<CODE>, body: before
 *      and after).  The replaced entry stays in its table, marked
 *      replaced_by, so entry ids are never reused.
 *  VoidEntry takes the entry out of the aggregates and marks it voided_ms
 *  (time.voided.<CODE>).  Everything is validated before the first write.
 */
#include <stdio.h>

#include "broker.h"
#include "entries.h"
#include "project_index.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

enum { S_KIND_TIME = 1, S_KIND_COST = 2 };

/*  The refs key of ref for the request's agent (the dedup step has already
 *  checked the update id). */
static int
s_ref_key (req_t *r, const char *ref, pmo_key_t *k)
{
    int rc = pmo_check_text ("ref", ref, PMO_MAX_NAME_BYTES, true, &r->reason);
    if (rc)
        return rc;
    pmo_key_init (k);
    pmo_key_str (k, r->req->update->agent);
    pmo_key_str (k, ref);
    return PMO_OK;
}

/*  Loads the ref's record; *ref_p is NULL when the agent never used it. */
static int
s_ref_load (req_t *r, const pmo_key_t *k, Pmo__EntryRef **ref_p)
{
    int rc = tables_get (r->txn, DB_REFS, k, &pmo__entry_ref__descriptor, (void **) ref_p);
    if (rc == PMO_ENOTFOUND) {
        *ref_p = NULL;
        return PMO_OK;
    }
    if (rc)
        return req_fail (r, rc, "ref", "ref record: %s", pmo_strerror (rc));
    req_keep (r, *ref_p);
    return PMO_OK;
}

/*  Remembers which entry the ref books now and the event that did it. */
static int
s_ref_store (req_t *r, const pmo_key_t *k, uint32_t kind, uint64_t entry_id, bool is_voided)
{
    Pmo__EntryRef ref = PMO__ENTRY_REF__INIT;
    ref.has_kind = ref.has_entry_id = ref.has_seq = ref.has_voided = true;
    ref.kind = kind;
    ref.entry_id = entry_id;
    ref.seq = r->broker->next_seq - 1;  /* the event just emitted */
    ref.voided = is_voided;
    int rc = tables_put (r->txn, DB_REFS, k, &ref, &r->broker->scratch, 0);
    return rc ? req_fail (r, rc, "", "ref record: %s", pmo_strerror (rc)) : PMO_OK;
}

static bool
s_is_live (const Pmo__EntryRef *ref)
{
    return ref && !(ref->has_voided && ref->voided);
}

/*  The entry a live ref points at; a missing one is a damaged store. */
static int
s_entry_load (req_t *r, unsigned db, uint64_t id, const ProtobufCMessageDescriptor *d, void **msg_p)
{
    pmo_key_t k;
    tables_key_seq (&k, id);
    int rc = tables_get (r->txn, db, &k, d, msg_p);
    if (rc == PMO_ENOTFOUND)
        rc = PMO_ECORRUPT;
    if (rc)
        return req_fail (r, rc, "ref", "entry %llu of the ref: %s", (unsigned long long) id,
                         pmo_strerror (rc));
    req_keep (r, *msg_p);
    return PMO_OK;
}

/*  Rewrites a stored entry (marked replaced or voided) at its id. */
static int
s_entry_put (req_t *r, unsigned db, uint64_t id, const void *msg)
{
    pmo_key_t k;
    tables_key_seq (&k, id);
    int rc = tables_put (r->txn, db, &k, msg, &r->broker->scratch, 0);
    return rc ? req_fail (r, rc, "", "entry %llu: %s", (unsigned long long) id, pmo_strerror (rc))
              : PMO_OK;
}

static bool
s_same (const char *a, const char *b)
{
    return streq (a ? a : "", b ? b : "");
}

/*  An entry that moved to another project changed that project too: the
 *  event is listed in its log and its alerts are evaluated. */
static int
s_also_project (req_t *r, const char *before, const char *after)
{
    if (s_same (before, after))
        return PMO_OK;
    int rc = project_index_add (r->txn, before, r->broker->next_seq - 1);
    if (rc)
        return req_fail (r, rc, "", "event index: %s", pmo_strerror (rc));
    batch_touch (r->broker->batch, before);
    return PMO_OK;
}

static int
s_not_found (req_t *r, const char *ref)
{
    return req_fail (r, PMO_ENOTFOUND, "ref", "ref \"%.80s\": nothing booked under it by agent %s",
                     ref, r->req->update->agent);
}

static int
s_wrong_kind (req_t *r, const char *ref, const char *booked, const char *sent)
{
    return req_fail (r, PMO_EINVAL, "ref", "ref \"%.80s\" is booked as a %s entry, not %s", ref,
                     booked, sent);
}

//  --------------------------------------------------------------------------
//  Time

static bool
s_time_same (const Pmo__TimeEntry *a, const Pmo__TimeEntry *b)
{
    return s_same (a->person, b->person) && s_same (a->project, b->project)
           && s_same (a->date, b->date) && a->minutes == b->minutes
           && s_same (a->activity, b->activity) && s_same (a->note, b->note);
}

int
refs_handle_time (req_t *r)
{
    const Pmo__TimeEntry *in = r->req->time;
    pmo_key_t k;
    Pmo__EntryRef *ref = NULL;
    Pmo__TimeEntry *old = NULL;
    int rc = s_ref_key (r, in->ref, &k);
    if (!rc)
        rc = s_ref_load (r, &k, &ref);
    if (!rc && s_is_live (ref) && ref->kind != S_KIND_TIME)
        rc = s_wrong_kind (r, in->ref, "cost", "time");
    if (!rc && s_is_live (ref))
        rc = s_entry_load (r, DB_TIME, ref->entry_id, &pmo__time_entry__descriptor, (void **) &old);
    entry_booking_t b;
    if (!rc)
        rc = entries_time_check (r, in, old, &b);
    if (rc)
        return rc;
    if (!old) {
        rc = entries_time_book (r, &b);
        if (!rc)
            rc = entries_emit (r, "time", b.time.project, PMO__EVENT__BODY_TIME, &b.time);
        return rc ? rc : s_ref_store (r, &k, S_KIND_TIME, b.time.id, false);
    }
    if (s_time_same (old, &b.time)) {
        r->duplicate = true;
        r->seq = ref->seq;
        return PMO_OK;
    }
    rc = entries_open_project (r, old->project);
    if (!rc)
        rc = entries_time_unbook (r, old);
    if (!rc)
        rc = entries_time_book (r, &b);
    Pmo__TimeEntry before = *old;
    before.has_replaced_by = true;
    before.replaced_by = b.time.id;
    if (!rc)
        rc = s_entry_put (r, DB_TIME, before.id, &before);
    Pmo__TimeCorrection c = PMO__TIME_CORRECTION__INIT;
    c.before = &before;
    c.after = &b.time;
    if (!rc)
        rc = entries_emit (r, "time.corrected", b.time.project, PMO__EVENT__BODY_TIME_CORRECTED, &c);
    if (!rc)
        rc = s_also_project (r, before.project, b.time.project);
    return rc ? rc : s_ref_store (r, &k, S_KIND_TIME, b.time.id, false);
}

//  --------------------------------------------------------------------------
//  Cost

static bool
s_cost_same (const Pmo__CostEntry *a, const Pmo__CostEntry *b)
{
    return s_same (a->project, b->project) && s_same (a->date, b->date)
           && a->amount_minor == b->amount_minor && a->category == b->category
           && s_same (a->note, b->note);
}

int
refs_handle_cost (req_t *r)
{
    const Pmo__CostEntry *in = r->req->cost;
    pmo_key_t k;
    Pmo__EntryRef *ref = NULL;
    Pmo__CostEntry *old = NULL;
    int rc = s_ref_key (r, in->ref, &k);
    if (!rc)
        rc = s_ref_load (r, &k, &ref);
    if (!rc && s_is_live (ref) && ref->kind != S_KIND_COST)
        rc = s_wrong_kind (r, in->ref, "time", "cost");
    if (!rc && s_is_live (ref))
        rc = s_entry_load (r, DB_COST, ref->entry_id, &pmo__cost_entry__descriptor, (void **) &old);
    entry_booking_t b;
    if (!rc)
        rc = entries_cost_check (r, in, &b);
    if (rc)
        return rc;
    if (!old) {
        rc = entries_cost_book (r, &b);
        if (!rc)
            rc = entries_emit (r, "cost", b.cost.project, PMO__EVENT__BODY_COST, &b.cost);
        return rc ? rc : s_ref_store (r, &k, S_KIND_COST, b.cost.id, false);
    }
    if (s_cost_same (old, &b.cost)) {
        r->duplicate = true;
        r->seq = ref->seq;
        return PMO_OK;
    }
    rc = entries_open_project (r, old->project);
    if (!rc)
        rc = entries_cost_unbook (r, old);
    if (!rc)
        rc = entries_cost_book (r, &b);
    Pmo__CostEntry before = *old;
    before.has_replaced_by = true;
    before.replaced_by = b.cost.id;
    if (!rc)
        rc = s_entry_put (r, DB_COST, before.id, &before);
    Pmo__CostCorrection c = PMO__COST_CORRECTION__INIT;
    c.before = &before;
    c.after = &b.cost;
    if (!rc)
        rc = entries_emit (r, "cost.corrected", b.cost.project, PMO__EVENT__BODY_COST_CORRECTED, &c);
    if (!rc)
        rc = s_also_project (r, before.project, b.cost.project);
    return rc ? rc : s_ref_store (r, &k, S_KIND_COST, b.cost.id, false);
}

//  --------------------------------------------------------------------------
//  Void

int
handle_void_entry (req_t *r)
{
    const Pmo__VoidEntry *v = r->req->void_entry;
    pmo_key_t k;
    Pmo__EntryRef *ref = NULL;
    int rc = s_ref_key (r, v->ref, &k);
    if (!rc)
        rc = s_ref_load (r, &k, &ref);
    if (rc)
        return rc;
    if (!ref)
        return s_not_found (r, v->ref);
    if (!s_is_live (ref)) {
        /*  Voided already: a resend under a new update id changes nothing. */
        r->duplicate = true;
        r->seq = ref->seq;
        return PMO_OK;
    }
    if (ref->kind == S_KIND_TIME) {
        Pmo__TimeEntry *old;
        rc = s_entry_load (r, DB_TIME, ref->entry_id, &pmo__time_entry__descriptor, (void **) &old);
        if (!rc)
            rc = entries_open_project (r, old->project);
        if (!rc)
            rc = entries_time_unbook (r, old);
        Pmo__TimeEntry gone = rc ? (Pmo__TimeEntry) PMO__TIME_ENTRY__INIT : *old;
        gone.has_voided_ms = true;
        gone.voided_ms = r->now_ms;
        if (!rc)
            rc = s_entry_put (r, DB_TIME, gone.id, &gone);
        if (!rc)
            rc = entries_emit (r, "time.voided", gone.project, PMO__EVENT__BODY_TIME_VOIDED, &gone);
    } else if (ref->kind == S_KIND_COST) {
        Pmo__CostEntry *old;
        rc = s_entry_load (r, DB_COST, ref->entry_id, &pmo__cost_entry__descriptor, (void **) &old);
        if (!rc)
            rc = entries_open_project (r, old->project);
        if (!rc)
            rc = entries_cost_unbook (r, old);
        Pmo__CostEntry gone = rc ? (Pmo__CostEntry) PMO__COST_ENTRY__INIT : *old;
        gone.has_voided_ms = true;
        gone.voided_ms = r->now_ms;
        if (!rc)
            rc = s_entry_put (r, DB_COST, gone.id, &gone);
        if (!rc)
            rc = entries_emit (r, "cost.voided", gone.project, PMO__EVENT__BODY_COST_VOIDED, &gone);
    } else
        rc = req_fail (r, PMO_ECORRUPT, "ref", "ref record of kind %u is damaged", ref->kind);
    return rc ? rc : s_ref_store (r, &k, ref->kind, ref->entry_id, true);
}
