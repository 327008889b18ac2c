/*  tables: the only place pmod turns records into LMDB values and back. */
#include "tables.h"

#include "dedup.h"
#include "project_index.h"

#include "pmo/pmo_error.h"

static const char *const s_names[DB_COUNT] = {
    [DB_PORTFOLIOS] = "portfolios", [DB_PROGRAMMES] = "programmes",
    [DB_TEAMS] = "teams",           [DB_PEOPLE] = "people",
    [DB_PROJECTS] = "projects",     [DB_MILESTONES] = "milestones",
    [DB_TOTALS] = "totals",         [DB_DAILY] = "daily",
    [DB_PERSON_DAY] = "person_day", [DB_TIME] = "time",
    [DB_COST] = "cost",             [DB_EVENTS] = "events",
    [DB_DEDUP_V4] = "dedup",
    [DB_TIME_AGG] = "time_agg",     [DB_ALERTS] = "alerts",
    [DB_HEALTH] = "health",         [DB_SETTINGS] = "settings",
    [DB_TEMPLATES] = "templates",   [DB_LIFE_CYCLES] = "life_cycles",
    [DB_ALLOCATIONS] = "allocations", [DB_CRITERIA] = "criteria",
    [DB_SCORES] = "scores",
    [DB_RISKS] = "risks",           [DB_ISSUES] = "issues",
    [DB_CHANGES] = "changes",       [DB_BASELINES] = "baselines",
    [DB_CLOSURES] = "closures",
    [DB_REFS] = "refs",
    [DB_PRINCIPALS] = "principals", [DB_PRINCIPAL_KEYS] = "principal_keys",
    [DB_JOURNAL] = "journal",
    [DB_PROJECT_LOG_V5] = "project_log", [DB_PROJECT_EVENTS_V3] = "project_events",
    [DB_PROJECT_RECENT] = "project_recent", [DB_DEDUP_BLOCKS] = "dedup_blocks",
    [DB_PROJECT_BLOCKS] = "project_blocks",
};

void
tables_store_opts (pmo_store_opts_t *opts)
{
    memset (opts, 0, sizeof *opts);
    opts->kind = PMOD_SCHEMA_KIND;
    opts->version = PMOD_SCHEMA_VERSION;
    opts->oldest_version = PMOD_SCHEMA_OLDEST;
    opts->oldest_why = "from before person-day minutes were kept by month";
    opts->dbs = s_names;
    opts->n_dbs = DB_COUNT;
    opts->deferred_dbs = 1ull << DB_TOTALS | 1ull << DB_DAILY | 1ull << DB_TIME_AGG | 1ull << DB_PERSON_DAY
                         | 1ull << DB_PROJECT_RECENT | 1ull << DB_DEDUP_BLOCKS | 1ull << DB_PROJECT_BLOCKS;
    opts->journal_db = DB_JOURNAL;
    opts->upgrade = tables_upgrade;
}

int
tables_migrate (pmo_txn_t *txn, unsigned old_db, size_t skip,
                int (*fn) (pmo_txn_t *txn, const char *text, uint64_t n, const pmo_val_t *value))
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (txn, old_db, &cur);
    if (rc)
        return rc;
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        const char *p = (const char *) k.data + skip;
        size_t text_len = k.len > skip ? strnlen (p, k.len - skip) : 0;
        char text[512];
        if (k.len != skip + text_len + 1 + 8 || text_len >= sizeof text) {
            rc = PMO_ECORRUPT;
            break;
        }
        memcpy (text, p, text_len + 1);
        rc = fn (txn, text, pmo_be64_get ((const uint8_t *) p + text_len + 1), &v);
        if (rc)
            break;
    }
    pmo_cursor_close (&cur);
    if (rc == PMO_ENOTFOUND)
        rc = pmo_db_clear (txn, old_db);
    return rc;
}

/*  The old index, one key per event (schema 3: "project \0 seq", 4 and 5:
 *  "bucket(u32) project \0 seq"), read in key order: each project's seqs
 *  ascending, as project_index_add wants them. */
static int
s_index_old (pmo_txn_t *txn, const char *project, uint64_t seq, const pmo_val_t *value)
{
    (void) value;
    return project_index_add (txn, project, seq);
}

/*  3 to 7 -> 8, in the open's txn: from 3, 4 or 5 the project index into
 *  blocks, then (from 3 and 4) the applied agent updates into blocks
 *  (dedup.h); from 6 and 7 nothing (tables.h). */
int
tables_upgrade (pmo_txn_t *txn, unsigned from_version, void *arg)
{
    (void) arg;
    if (from_version < 3 || from_version > 7)
        return PMO_ESCHEMA;
    if (from_version >= 6)
        return PMO_OK;  /* 6 -> 8 changes what the journal may hold, not a table */
    int rc = project_index_clear_tails (txn);
    if (!rc)
        rc = from_version == 3 ? tables_migrate (txn, DB_PROJECT_EVENTS_V3, 0, s_index_old)
                               : tables_migrate (txn, DB_PROJECT_LOG_V5, 4, s_index_old);
    if (!rc && from_version < 5)
        rc = dedup_upgrade (txn, DB_DEDUP_V4);
    return rc;
}

int
tables_get (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, const ProtobufCMessageDescriptor *d,
            void **msg_p)
{
    *msg_p = NULL;
    if (key->overflow)
        return PMO_ETOOBIG;
    pmo_val_t v;
    int rc = pmo_get (txn, db, key->buf, key->len, &v);
    if (rc)
        return rc;
    *msg_p = pmo_wire_unpack (d, v.data, v.len);
    return *msg_p ? PMO_OK : PMO_ECORRUPT;
}

int
tables_put (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, const void *msg, pmo_buf_t *scratch,
            unsigned flags)
{
    if (key->overflow)
        return PMO_ETOOBIG;
    pmo_wire_pack (msg, scratch);
    return pmo_put (txn, db, key->buf, key->len, scratch->data, scratch->len, flags);
}

bool
tables_has (pmo_txn_t *txn, unsigned db, const pmo_key_t *key)
{
    pmo_val_t v;
    return !key->overflow && pmo_get (txn, db, key->buf, key->len, &v) == PMO_OK;
}

void
tables_key_code (pmo_key_t *k, const char *code)
{
    pmo_key_init (k);
    pmo_key_str (k, code);
}

void
tables_key_milestone (pmo_key_t *k, const char *project, const char *name)
{
    pmo_key_init (k);
    pmo_key_str (k, project);
    pmo_key_str (k, name);
}

void
tables_key_day (pmo_key_t *k, const char *code, int32_t day)
{
    pmo_key_init (k);
    pmo_key_str (k, code);
    pmo_key_i32 (k, day);
}

void
tables_key_seq (pmo_key_t *k, uint64_t seq)
{
    pmo_key_init (k);
    pmo_key_u64 (k, seq);
}

int
tables_add_u64 (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, int64_t delta, int64_t *total_out)
{
    if (key->overflow)
        return PMO_ETOOBIG;
    pmo_val_t v;
    int64_t total = 0;
    if (pmo_get (txn, db, key->buf, key->len, &v) == PMO_OK && v.len == 8)
        total = (int64_t) pmo_be64_get (v.data);
    total += delta;
    uint8_t b[8];
    pmo_be64_put (b, (uint64_t) total);
    if (total_out)
        *total_out = total;
    return pmo_put (txn, db, key->buf, key->len, b, 8, 0);
}

uint64_t
tables_last_u64 (pmo_txn_t *txn, unsigned db)
{
    pmo_cursor_t *cur;
    uint64_t last = 0;
    if (pmo_cursor_open (txn, db, &cur))
        return 0;
    pmo_val_t k, v;
    if (pmo_cursor_get (cur, PMO_CURSOR_LAST, &k, &v) == PMO_OK && k.len == 8)
        last = pmo_be64_get (k.data);
    pmo_cursor_close (&cur);
    return last;
}
