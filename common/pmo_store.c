/*  pmo_store: LMDB behind a small API.  The only includer of lmdb.h.
 *
 *  It owns: the environment, the named database handles, the schema line in
 *  "meta", and an advisory flock on DIR/LOCK.  LMDB itself lets many
 *  processes open one environment; a second pmod must refuse, so exclusive
 *  opens hold the lock for the life of the store.
 *
 *  Translation at this boundary: MDB_NOTFOUND -> PMO_ENOTFOUND,
 *  MDB_MAP_FULL/MDB_TXN_FULL -> PMO_EFULL, MDB_KEYEXIST -> PMO_EEXIST,
 *  MDB_INVALID/CORRUPTED/VERSION_MISMATCH/PAGE_NOTFOUND -> PMO_ECORRUPT.
 */
#include "pmo_store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmo/pmo_error.h"

#define S_META_SCHEMA "schema"

struct pmo_cursor {
    MDB_cursor *cur;
    pmo_txn_t *txn;
};

int
pmo_store_rc (int mrc)
{
    switch (mrc) {
    case MDB_SUCCESS: return PMO_OK;
    case MDB_NOTFOUND: return PMO_ENOTFOUND;
    case MDB_KEYEXIST: return PMO_EEXIST;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL: return PMO_EFULL;
    case MDB_BAD_VALSIZE: return PMO_ETOOBIG;
    case MDB_INVALID:
    case MDB_CORRUPTED:
    case MDB_VERSION_MISMATCH:
    case MDB_PAGE_NOTFOUND: return PMO_ECORRUPT;
    default: return mrc > 0 ? mrc : PMO_EINTERNAL;
    }
}

/*  mkdir -p with 0700 for what we create. */
static int
s_mkdirs (const char *dir)
{
    char path[4096];
    if (!pmo_strlcpy (path, dir, sizeof path))
        return ENAMETOOLONG;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir (path, 0700) != 0 && errno != EEXIST)
            return errno;
        *p = '/';
    }
    if (mkdir (path, 0700) != 0 && errno != EEXIST)
        return errno;
    return PMO_OK;
}

/*  Reads "kind version" from meta.  Returns PMO_ENOTFOUND for a new store. */
static int
s_read_schema (pmo_store_t *self, const pmo_store_opts_t *opts, char *why, size_t why_len)
{
    MDB_txn *txn;
    int mrc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &txn);
    if (mrc)
        return pmo_store_rc (mrc);
    MDB_dbi meta;
    mrc = mdb_dbi_open (txn, "meta", 0, &meta);
    if (mrc == MDB_NOTFOUND) {
        /*  No meta: a new environment, unless the main db holds anything. */
        MDB_dbi main_dbi;
        MDB_stat st = {0};
        if (mdb_dbi_open (txn, NULL, 0, &main_dbi) == 0)
            mdb_stat (txn, main_dbi, &st);
        mdb_txn_abort (txn);
        if (st.ms_entries) {
            pmo_why (why, why_len, "not a %s data directory (no schema record)", opts->kind);
            return PMO_ESCHEMA;
        }
        return PMO_ENOTFOUND;
    }
    if (mrc) {
        mdb_txn_abort (txn);
        return pmo_store_rc (mrc);
    }
    MDB_val k = {strlen (S_META_SCHEMA), (void *) S_META_SCHEMA}, v;
    mrc = mdb_get (txn, meta, &k, &v);
    char line[64] = "";
    if (mrc == 0 && v.mv_size < sizeof line)
        memcpy (line, v.mv_data, v.mv_size);
    mdb_txn_abort (txn);
    if (mrc) {
        pmo_why (why, why_len, "not a %s data directory (no schema record)", opts->kind);
        return PMO_ESCHEMA;
    }
    char kind[32];
    unsigned version;
    if (sscanf (line, "%31s %u", kind, &version) != 2) {
        pmo_why (why, why_len, "schema record \"%s\" is damaged", line);
        return PMO_ECORRUPT;
    }
    if (!streq (kind, opts->kind)) {
        pmo_why (why, why_len, "this is a %s data directory, not %s", kind, opts->kind);
        return PMO_ESCHEMA;
    }
    if (opts->oldest_version && version < opts->oldest_version) {
        pmo_why (why, why_len, "data directory has schema version %u, %s; this %s reads versions %u to %u: "
               "start it on a new data directory",
               version, opts->oldest_why ? opts->oldest_why : "too old", opts->kind, opts->oldest_version,
               opts->version);
        return PMO_ESCHEMA;
    }
    if (version > opts->version) {
        pmo_why (why, why_len,
               "data directory has schema version %u, newer than this %s (version %u); "
               "use a newer build",
               version, opts->kind, opts->version);
        return PMO_ESCHEMA;
    }
    self->found_version = version;
    return PMO_OK;
}

static int
s_open_dbs (pmo_store_t *self, const pmo_store_opts_t *opts, bool is_new, char *why, size_t why_len)
{
    MDB_txn *txn;
    unsigned flags = opts->read_only ? MDB_RDONLY : 0;
    int mrc = mdb_txn_begin (self->env, NULL, flags, &txn);
    if (mrc)
        return pmo_store_rc (mrc);
    unsigned create = opts->read_only ? 0 : MDB_CREATE;
    mrc = mdb_dbi_open (txn, "meta", create, &self->meta);
    for (unsigned i = 0; mrc == 0 && i < opts->n_dbs; i++)
        mrc = mdb_dbi_open (txn, opts->dbs[i], create, &self->dbi[i]);
    self->n_dbs = opts->n_dbs;
    int rc = pmo_store_rc (mrc);
    if (!rc && self->deferred && !opts->read_only)
        rc = wb_replay (self, txn, why, why_len);
    bool is_old = !is_new && self->found_version < opts->version;
    if (!rc && is_old && opts->upgrade && !opts->read_only) {
        pmo_txn_t t = {.txn = txn, .store = self, .write = true};
        rc = opts->upgrade (&t, self->found_version, opts->upgrade_arg);
        if (!rc)
            rc = wb_write_staged (&t);
        wb_txn_free (&t);
        if (rc)
            pmo_why (why, why_len, "cannot bring the data directory from schema version %u to %u: %s",
                     self->found_version, opts->version, pmo_strerror (rc));
    }
    if (rc) {
        mdb_txn_abort (txn);
        return rc;
    }
    if ((is_new || is_old) && !opts->read_only) {
        char line[64];
        snprintf (line, sizeof line, "%s %u", opts->kind, opts->version);
        MDB_val k = {strlen (S_META_SCHEMA), (void *) S_META_SCHEMA};
        MDB_val v = {strlen (line), line};
        mrc = mdb_put (txn, self->meta, &k, &v, 0);
    }
    if (mrc) {
        mdb_txn_abort (txn);
        return pmo_store_rc (mrc);
    }
    return pmo_store_rc (mdb_txn_commit (txn));
}

int
pmo_store_open (const char *dir, const pmo_store_opts_t *opts, pmo_store_t **store_p,
                char *why, size_t why_len)
{
    *store_p = NULL;
    if (opts->n_dbs > S_MAX_DBS
        || (opts->deferred_dbs
            && (opts->journal_db >= opts->n_dbs || (opts->deferred_dbs >> opts->journal_db & 1))))
        return PMO_EINVAL;
    int rc = opts->read_only ? PMO_OK : s_mkdirs (dir);
    if (rc) {
        pmo_why (why, why_len, "cannot create %s: %s", dir, strerror (rc));
        return rc;
    }
    pmo_store_t *self = pmo_calloc (1, sizeof *self);
    self->lock_fd = -1;
    self->deferred = opts->n_dbs < 64 ? opts->deferred_dbs & ((1ull << opts->n_dbs) - 1) : opts->deferred_dbs;
    self->journal_db = opts->journal_db;
    self->journal_next = 1;

    if (opts->exclusive) {
        char lock_path[4200];
        snprintf (lock_path, sizeof lock_path, "%s/LOCK", dir);
        self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (self->lock_fd < 0) {
            rc = errno;
            pmo_why (why, why_len, "cannot open %s: %s", lock_path, strerror (rc));
            goto fail;
        }
        if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            rc = errno == EWOULDBLOCK ? PMO_ELOCKED : errno;
            pmo_why (why, why_len, "%s is in use by another %s (lock %s is held)", dir, opts->kind,
                   lock_path);
            goto fail;
        }
    }

    int mrc = mdb_env_create (&self->env);
    if (!mrc)
        mrc = mdb_env_set_maxdbs (self->env, S_MAX_DBS + 1);
    if (!mrc)
        mrc = mdb_env_set_mapsize (self->env, opts->map_size ? opts->map_size : (size_t) 1 << 30);
    if (!mrc)
        mrc = mdb_env_set_maxreaders (self->env, 126);
    if (!mrc) {
        /*  MDB_NOTLS: read txns are not tied to threads (bench, notify).  No
         *  MDB_WRITEMAP: nested txns need it off, and it keeps a stray
         *  pointer from scribbling on the map. */
        unsigned flags = MDB_NOTLS | (opts->read_only ? MDB_RDONLY : 0);
        mrc = mdb_env_open (self->env, dir, flags, 0600);
    }
    if (mrc) {
        rc = pmo_store_rc (mrc);
        pmo_why (why, why_len, "cannot open the store in %s: %s", dir, mdb_strerror (mrc));
        goto fail;
    }
    rc = s_read_schema (self, opts, why, why_len);
    bool is_new = rc == PMO_ENOTFOUND;
    if (rc && !is_new)
        goto fail;
    if (is_new && opts->read_only) {
        rc = PMO_ENOTFOUND;
        pmo_why (why, why_len, "%s holds no %s data", dir, opts->kind);
        goto fail;
    }
    if (why && why_len)
        why[0] = '\0';
    rc = s_open_dbs (self, opts, is_new, why, why_len);
    if (rc) {
        if (why && why_len && !why[0])
            pmo_why (why, why_len, "cannot open databases in %s: %s", dir, pmo_strerror (rc));
        goto fail;
    }
    *store_p = self;
    return PMO_OK;

fail:
    pmo_store_close (&self);
    return rc;
}

void
pmo_store_close (pmo_store_t **store_p)
{
    pmo_store_t *self = store_p ? *store_p : NULL;
    if (!self)
        return;
    if (self->env)
        mdb_env_close (self->env);
    if (self->lock_fd >= 0)
        close (self->lock_fd);  /* releases the flock */
    wb_store_free (self);
    free (self);
    *store_p = NULL;
}

unsigned
pmo_store_found_version (const pmo_store_t *store)
{
    return store->found_version;
}

int
pmo_store_backup (pmo_store_t *store, const char *path)
{
    int rc = s_mkdirs (path);
    if (rc)
        return rc;
    return pmo_store_rc (mdb_env_copy2 (store->env, path, MDB_CP_COMPACT));
}

int
pmo_store_backup_file (pmo_store_t *store, const char *path)
{
    if (access (path, F_OK) == 0)
        return PMO_EEXIST;
    char tmp[4200];
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    int rc = pmo_store_rc (mdb_env_copyfd2 (store->env, fd, MDB_CP_COMPACT));
    if (!rc && fsync (fd) != 0)
        rc = errno;
    if (close (fd) != 0 && !rc)
        rc = errno;
    /*  Rename only a complete copy: a crash leaves path.tmp, never a torn
     *  file under the name the operator asked for. */
    if (!rc && rename (tmp, path) != 0)
        rc = errno;
    if (rc)
        unlink (tmp);
    return rc;
}

void
pmo_store_usage (pmo_store_t *store, size_t *map_size, size_t *used)
{
    MDB_envinfo info;
    MDB_stat st;
    mdb_env_info (store->env, &info);
    mdb_env_stat (store->env, &st);
    if (map_size)
        *map_size = info.me_mapsize;
    if (used)
        *used = (info.me_last_pgno + 1) * (size_t) st.ms_psize;
}

int
pmo_txn_begin (pmo_store_t *store, pmo_txn_t *parent, bool write, pmo_txn_t **txn_p)
{
    *txn_p = NULL;
    if (parent && store->deferred)
        return PMO_EINVAL;  /* a child's staged writes would need merging: not needed */
    MDB_txn *t;
    int mrc = mdb_txn_begin (store->env, parent ? parent->txn : NULL, write ? 0 : MDB_RDONLY, &t);
    if (mrc)
        return pmo_store_rc (mrc);
    pmo_txn_t *self = pmo_calloc (1, sizeof *self);
    self->txn = t;
    self->store = store;
    self->write = write;
    *txn_p = self;
    return PMO_OK;
}

int
pmo_txn_commit (pmo_txn_t **txn_p)
{
    pmo_txn_t *self = *txn_p;
    int rc = self->write ? wb_before_commit (self) : PMO_OK;
    if (rc)
        mdb_txn_abort (self->txn);
    else
        rc = pmo_store_rc (mdb_txn_commit (self->txn));
    if (!rc && self->write)
        wb_committed (self);
    wb_txn_free (self);
    free (self);
    *txn_p = NULL;
    return rc;
}

int
pmo_txn_commit_lazy (pmo_txn_t **txn_p)
{
    MDB_env *env = (*txn_p)->store->env;
    int mrc = mdb_env_set_flags (env, MDB_NOMETASYNC, 1);
    int rc = pmo_txn_commit (txn_p);
    if (mrc == 0)
        mdb_env_set_flags (env, MDB_NOMETASYNC, 0);
    return rc;
}

void
pmo_txn_abort (pmo_txn_t **txn_p)
{
    pmo_txn_t *self = txn_p ? *txn_p : NULL;
    if (!self)
        return;
    mdb_txn_abort (self->txn);
    wb_txn_free (self);
    free (self);
    *txn_p = NULL;
}

static MDB_dbi
s_dbi (pmo_txn_t *txn, unsigned db)
{
    return db < txn->store->n_dbs ? txn->store->dbi[db] : txn->store->meta;
}

int
pmo_get (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, pmo_val_t *val)
{
    if (pmo_store_is_deferred (txn->store, db))
        return wb_get (txn, db, key, key_len, val);
    MDB_val k = {key_len, (void *) key}, v;
    int mrc = mdb_get (txn->txn, s_dbi (txn, db), &k, &v);
    if (mrc == 0) {
        val->data = v.mv_data;
        val->len = v.mv_size;
    }
    return pmo_store_rc (mrc);
}

int
pmo_put (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, const void *data,
         size_t data_len, unsigned flags)
{
    if (key_len == 0 || key_len > 511)
        return PMO_ETOOBIG;
    if (txn->store->on_write)
        txn->store->on_write (txn->store->on_write_arg, db, key, key_len);
    if (pmo_store_is_deferred (txn->store, db)) {
        int rc = wb_put (txn, db, key, key_len, data, data_len, flags);
        txn->n_writes += rc == PMO_OK;
        return rc;
    }
    MDB_val k = {key_len, (void *) key}, v = {data_len, (void *) data};
    unsigned mflags = 0;
    if (flags & PMO_PUT_NOOVERWRITE)
        mflags |= MDB_NOOVERWRITE;
    if (flags & PMO_PUT_APPEND)
        mflags |= MDB_APPEND;
    int rc = pmo_store_rc (mdb_put (txn->txn, s_dbi (txn, db), &k, &v, mflags));
    txn->n_writes += rc == PMO_OK;
    return rc;
}

int
pmo_del (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len)
{
    if (txn->store->on_write)
        txn->store->on_write (txn->store->on_write_arg, db, key, key_len);
    if (pmo_store_is_deferred (txn->store, db)) {
        int rc = wb_del (txn, db, key, key_len);
        txn->n_writes += rc == PMO_OK;
        return rc;
    }
    MDB_val k = {key_len, (void *) key};
    int rc = pmo_store_rc (mdb_del (txn->txn, s_dbi (txn, db), &k, NULL));
    txn->n_writes += rc == PMO_OK;
    return rc;
}

void
pmo_store_on_write (pmo_store_t *store, pmo_store_write_fn *fn, void *arg)
{
    store->on_write = fn;
    store->on_write_arg = arg;
}

size_t
pmo_txn_writes (const pmo_txn_t *txn)
{
    return txn->n_writes;
}

size_t
pmo_db_count (pmo_txn_t *txn, unsigned db)
{
    MDB_stat st;
    if (wb_before_cursor (txn, db) != PMO_OK || mdb_stat (txn->txn, s_dbi (txn, db), &st) != 0)
        return 0;
    return st.ms_entries;
}

int
pmo_cursor_open (pmo_txn_t *txn, unsigned db, pmo_cursor_t **cursor_p)
{
    *cursor_p = NULL;
    int rc = wb_before_cursor (txn, db);
    return rc ? rc : pmo_cursor_open_stored (txn, db, cursor_p);
}

int
pmo_cursor_open_stored (pmo_txn_t *txn, unsigned db, pmo_cursor_t **cursor_p)
{
    *cursor_p = NULL;
    MDB_cursor *c;
    int mrc = mdb_cursor_open (txn->txn, s_dbi (txn, db), &c);
    if (mrc)
        return pmo_store_rc (mrc);
    pmo_cursor_t *self = pmo_malloc (sizeof *self);
    self->cur = c;
    self->txn = txn;
    *cursor_p = self;
    return PMO_OK;
}

void
pmo_cursor_close (pmo_cursor_t **cursor_p)
{
    pmo_cursor_t *self = cursor_p ? *cursor_p : NULL;
    if (!self)
        return;
    mdb_cursor_close (self->cur);
    free (self);
    *cursor_p = NULL;
}

int
pmo_cursor_get (pmo_cursor_t *cursor, pmo_cursor_op_t op, pmo_val_t *key, pmo_val_t *val)
{
    static const MDB_cursor_op ops[] = {
        [PMO_CURSOR_FIRST] = MDB_FIRST, [PMO_CURSOR_LAST] = MDB_LAST,
        [PMO_CURSOR_NEXT] = MDB_NEXT,   [PMO_CURSOR_PREV] = MDB_PREV,
        [PMO_CURSOR_SEEK] = MDB_SET_RANGE,
    };
    MDB_val k = {0, NULL}, v = {0, NULL};
    if (op == PMO_CURSOR_SEEK) {
        k.mv_size = key->len;
        k.mv_data = (void *) key->data;
    }
    int mrc = mdb_cursor_get (cursor->cur, &k, &v, ops[op]);
    if (mrc == 0) {
        if (key) {
            key->data = k.mv_data;
            key->len = k.mv_size;
        }
        if (val) {
            val->data = v.mv_data;
            val->len = v.mv_size;
        }
    }
    return pmo_store_rc (mrc);
}

int
pmo_cursor_del (pmo_cursor_t *cursor)
{
    pmo_store_t *store = cursor->txn->store;
    MDB_val k, v;
    if (store->on_write && mdb_cursor_get (cursor->cur, &k, &v, MDB_GET_CURRENT) == 0) {
        MDB_dbi dbi = mdb_cursor_dbi (cursor->cur);
        for (unsigned db = 0; db < store->n_dbs; db++)
            if (store->dbi[db] == dbi)
                store->on_write (store->on_write_arg, db, k.mv_data, k.mv_size);
    }
    int rc = pmo_store_rc (mdb_cursor_del (cursor->cur, 0));
    cursor->txn->n_writes += rc == PMO_OK;
    return rc;
}

void
pmo_key_init (pmo_key_t *k)
{
    k->len = 0;
    k->overflow = false;
}

static void
s_key_add (pmo_key_t *k, const void *p, size_t n)
{
    if (k->len + n > sizeof k->buf) {
        k->overflow = true;
        return;
    }
    memcpy (k->buf + k->len, p, n);
    k->len += n;
}

void
pmo_key_str (pmo_key_t *k, const char *s)
{
    s_key_add (k, s ? s : "", strlen (s ? s : "") + 1);
}

void
pmo_key_u64 (pmo_key_t *k, uint64_t v)
{
    uint8_t b[8];
    pmo_be64_put (b, v);
    s_key_add (k, b, 8);
}

void
pmo_key_u32 (pmo_key_t *k, uint32_t v)
{
    uint8_t b[4] = {(uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v};
    s_key_add (k, b, 4);
}

void
pmo_key_i32 (pmo_key_t *k, int32_t v)
{
    uint32_t u = (uint32_t) v ^ 0x80000000u;
    uint8_t b[4] = {(uint8_t) (u >> 24), (uint8_t) (u >> 16), (uint8_t) (u >> 8), (uint8_t) u};
    s_key_add (k, b, 4);
}

int32_t
pmo_bei32_get (const void *p)
{
    const uint8_t *b = p;
    uint32_t u = ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3];
    return (int32_t) (u ^ 0x80000000u);
}

int
pmo_db_clear (pmo_txn_t *txn, unsigned db)
{
    if (pmo_store_is_deferred (txn->store, db))
        return PMO_EINVAL;
    return pmo_store_rc (mdb_drop (txn->txn, s_dbi (txn, db), 0));
}
