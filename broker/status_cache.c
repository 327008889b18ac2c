/*  status_cache: packed status rows per project (see the header for when an
 *  entry answers).  An open-addressing table keyed by project code; it holds
 *  one entry per project ever shown (~1 KB with its row), which is live
 *  state, and nothing per update. */
#include "status_cache.h"

#include <stdlib.h>

#include "tables.h"

struct status_cache {
    status_entry_t **slots;      /* entries apart: a slot costs 8 bytes    */
    size_t cap;                  /* a power of two                         */
    size_t n;
    uint64_t gen;                /* entries of an older generation are stale */
    pmo_health_policy_t rag;     /* the policy the entries were computed with */
    bool has_rag;
};

static uint64_t
s_hash (const char *s, size_t len)
{
    return pmo_fnv1a64 (PMO_FNV1A64_INIT, s, len);
}

status_cache_t *
status_cache_new (void)
{
    status_cache_t *self = pmo_calloc (1, sizeof *self);
    self->cap = 1024;
    self->slots = pmo_calloc (self->cap, sizeof *self->slots);
    return self;
}

static void
s_entry_free (status_entry_t *e)
{
    free (e->code);
    free (e->programme);
    free (e->team);
    free (e->currency);
    pmo_buf_free (&e->row);
}

void
status_cache_destroy (status_cache_t **self_p)
{
    status_cache_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    for (size_t i = 0; i < self->cap; i++)
        if (self->slots[i]) {
            s_entry_free (self->slots[i]);
            free (self->slots[i]);
        }
    free (self->slots);
    free (self);
    *self_p = NULL;
}

/*  The slot of code: its entry, or the empty slot where it would go. */
static status_entry_t **
s_slot (status_entry_t **slots, size_t cap, const char *code, size_t len)
{
    size_t i = (size_t) s_hash (code, len) & (cap - 1);
    while (slots[i] && !(strlen (slots[i]->code) == len && memcmp (slots[i]->code, code, len) == 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void
s_grow (status_cache_t *self)
{
    size_t cap = self->cap * 2;
    status_entry_t **slots = pmo_calloc (cap, sizeof *slots);
    for (size_t i = 0; i < self->cap; i++)
        if (self->slots[i])
            *s_slot (slots, cap, self->slots[i]->code, strlen (self->slots[i]->code)) = self->slots[i];
    free (self->slots);
    self->slots = slots;
    self->cap = cap;
}

status_entry_t *
status_cache_get (status_cache_t *self, const char *code, size_t len)
{
    status_entry_t **slot = s_slot (self->slots, self->cap, code, len);
    if (*slot)
        return *slot;
    if (2 * (self->n + 1) > self->cap) {  /* at most half full */
        s_grow (self);
        slot = s_slot (self->slots, self->cap, code, len);
    }
    status_entry_t *e = pmo_calloc (1, sizeof *e);
    e->code = pmo_malloc (len + 1);
    memcpy (e->code, code, len);
    e->code[len] = '\0';
    *slot = e;
    self->n++;
    return e;
}

static char *
s_dup (const char *s)
{
    return s ? pmo_strdup (s) : NULL;
}

void
status_entry_set (status_entry_t *e, const char *programme, const char *team, const char *currency)
{
    free (e->programme);
    free (e->team);
    free (e->currency);
    e->programme = s_dup (programme);
    e->team = s_dup (team);
    e->currency = s_dup (currency);
}

/*  O(1), so that a write path that touches a table nobody classified
 *  costs ingest nothing more than the cache's hit rate. */
static void
s_drop_all (status_cache_t *self)
{
    self->gen++;
}

bool
status_cache_is_fresh (const status_cache_t *self, const status_entry_t *e, int32_t as_of, int32_t today)
{
    return e->is_fresh && e->gen == self->gen && e->as_of == as_of && e->today == today;
}

void
status_cache_mark_fresh (const status_cache_t *self, status_entry_t *e, int32_t as_of, int32_t today)
{
    e->is_fresh = true;
    e->gen = self->gen;
    e->as_of = as_of;
    e->today = today;
}

void
status_cache_check_policy (status_cache_t *self, const pmo_health_policy_t *rag)
{
    if (self->has_rag && memcmp (&self->rag, rag, sizeof *rag) == 0)
        return;
    s_drop_all (self);
    self->rag = *rag;
    self->has_rag = true;
}

void
status_cache_on_write (void *arg, unsigned db, const void *key, size_t key_len)
{
    status_cache_t *self = arg;
    switch (db) {
    case DB_PORTFOLIOS:
    case DB_PROGRAMMES:
    case DB_TEAMS:
    case DB_PEOPLE:
    case DB_PERSON_DAY:
    case DB_TIME:
    case DB_COST:
    case DB_EVENTS:
    case DB_DEDUP_V4:
    case DB_DEDUP_BLOCKS:
    case DB_TIME_AGG:
    case DB_ALERTS:
    case DB_TEMPLATES:
    case DB_ALLOCATIONS:
    case DB_CRITERIA:
    case DB_REFS:
    case DB_PRINCIPALS:
    case DB_PRINCIPAL_KEYS:
    case DB_PROJECT_LOG_V5:
    case DB_PROJECT_BLOCKS:
    case DB_PROJECT_EVENTS_V3:
    case DB_PROJECT_RECENT:
    case DB_JOURNAL:
        return;  /* not read into a row */
    case DB_RISKS:
    case DB_ISSUES:
    case DB_CHANGES:
    case DB_BASELINES:
    case DB_CLOSURES:
        /*  Keyed by project but not part of a status row; what a change
         *  request or a closure changes in the row (budget, dates, status)
         *  is written to projects and milestones, which drop it. */
        return;
    case DB_PROJECTS:
    case DB_MILESTONES:
    case DB_TOTALS:
    case DB_DAILY:
    case DB_HEALTH:
    case DB_LIFE_CYCLES:
    case DB_SCORES: {
        /*  Keyed "project \0 ...": that project's row is stale. */
        size_t len = strnlen (key, key_len);
        status_entry_t *e = *s_slot (self->slots, self->cap, key, len);
        if (e)
            e->is_fresh = false;
        return;
    }
    default:
        /*  Settings, and any table added later: nobody has said which
         *  rows it feeds, so none is trusted. */
        s_drop_all (self);
        return;
    }
}
