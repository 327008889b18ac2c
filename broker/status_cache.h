/*  status_cache: each project's status row as last computed, packed, so a
 *  status of 10,000 projects copies bytes instead of reading, decoding,
 *  computing and re-encoding every project each time.
 *
 *  An entry answers only for the (as_of, today) it was computed for, and
 *  only until the data behind it changes: the store's write hook drops a
 *  project's entry on any write to a table keyed by that project (the
 *  project, its milestones, totals, daily totals, events index, ...), so a
 *  new write path cannot forget to; a change of the RAG policy drops all.
 *  Everything is dropped before the write is made, so a read (always after
 *  the commit, in pmod's one thread) never sees a row older than the data.
 */
#ifndef BROKER_STATUS_CACHE_H
#define BROKER_STATUS_CACHE_H

#include "pmo/pmo_evm.h"
#include "pmo/pmo_health.h"
#include "pmo/pmo_wire.h"

typedef struct status_cache status_cache_t;

/*  One project's row and what the roll-ups and filters need of it.
 *  Strings are owned by the entry (NULL when the project has none). */
typedef struct {
    char *code;
    bool is_fresh;
    uint64_t gen;                /* the cache's generation when computed   */
    int32_t as_of;               /* the figures' date                      */
    int32_t today;               /* pmod's date when they were computed    */
    pmo_buf_t row;               /* varint length + packed StatusRow       */
    char *programme;
    char *team;
    char *currency;
    bool is_cancelled;
    bool has_evm;
    pmo_evm_t evm;
} status_entry_t;

status_cache_t *status_cache_new (void);
void status_cache_destroy (status_cache_t **self_p);

/*  The entry of project code (len bytes), created empty (not fresh) when
 *  new.  Entries live as long as the cache. */
status_entry_t *status_cache_get (status_cache_t *self, const char *code, size_t len);

/*  True when e holds the row for (as_of, today) and nothing behind it has
 *  changed since. */
bool status_cache_is_fresh (const status_cache_t *self, const status_entry_t *e, int32_t as_of, int32_t today);
/*  Marks e as computed now for (as_of, today). */
void status_cache_mark_fresh (const status_cache_t *self, status_entry_t *e, int32_t as_of, int32_t today);

/*  Sets an entry's strings (copied). */
void status_entry_set (status_entry_t *e, const char *programme, const char *team, const char *currency);

/*  Drops every entry when the RAG policy differs from the one the entries
 *  were computed with. */
void status_cache_check_policy (status_cache_t *self, const pmo_health_policy_t *rag);

/*  A pmo_store write hook (arg: the cache). */
void status_cache_on_write (void *arg, unsigned db, const void *key, size_t key_len);

#endif
