/*  outbox: write-before-send queue of agent updates, on pmo_store.
 *
 *  Owns the three databases described in outbox.h and the rule that makes
 *  agent seqs safe to dedup on: a seq is allocated in the same transaction
 *  that stores its entry, increases strictly and is never handed out twice,
 *  even after the outbox drains or the process restarts ("next_seq" is
 *  stored, not derived from the last key).  A new outbox starts at the wall
 *  clock in microseconds, so it cannot reuse the seqs of an earlier outbox
 *  of the same agent id (a lost state directory, a one-shot without
 *  --state beside the daemon): pmod would take them for resends.
 *
 *  Must never: include lmdb.h, keep a value past its transaction, or send
 *  anything (the agent does that after the commit returns).
 */
#include "outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_log.h"
#include "pmo/pmo_store.h"

enum { S_DB_OUTBOX = 0, S_DB_AGENT, S_DB_FILES, S_DB_SOURCES, S_DB_SOURCE_STATE };

static const char *const s_dbs[] = {"outbox", "agent", "files", "sources", "source_state"};
/*  Databases an outbox made before the sources existed has: a read-only
 *  open (status) cannot create the others. */
#define S_N_DBS_V1 3

#define S_KEY_AGENT_ID "agent_id"
#define S_KEY_NEXT_SEQ "next_seq"
#define S_KEY_NEXT_FILE "next_file"

#define S_ENTRY_FORMAT 1
#define S_ENTRY_HEADER 24
#define S_FILE_FORMAT 1
#define S_FILE_HEADER 44

/*  Warn when the map passes this share, again only after it fell below
 *  S_USAGE_CLEAR. */
#define S_USAGE_WARN 80
#define S_USAGE_CLEAR 70

struct outbox {
    pmo_store_t *store;
    char *dir;
    char *agent_id;
    pmo_buf_t pack;           /* packed request, reused */
    pmo_buf_t val;            /* assembled value, reused */
    bool is_usage_warned;
    outbox_reject_fn *reject_fn;
    void *reject_arg;
    bool has_sources;         /* the source databases exist (read-only opens) */
    uint16_t writer;          /* stamped on the entries this open queues */
};

struct outbox_ingest {
    outbox_t *outbox;
    pmo_txn_t *txn;
    uint32_t file_id;
    uint64_t next_seq;
    uint32_t total, good, rejected;
    char *dir;
    char *name;
    uint64_t dev, ino;
};

//  --------------------------------------------------------------------------
//  Byte helpers

static void
s_put32 (uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static uint32_t
s_get32 (const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

static int
s_get_u64 (pmo_txn_t *txn, const char *key, uint64_t dflt, uint64_t *out)
{
    pmo_val_t v;
    int rc = pmo_get (txn, S_DB_AGENT, key, strlen (key), &v);
    if (rc == PMO_ENOTFOUND) {
        *out = dflt;
        return PMO_OK;
    }
    if (rc)
        return rc;
    if (v.len != 8)
        return PMO_ECORRUPT;
    *out = pmo_be64_get (v.data);
    return PMO_OK;
}

static int
s_put_u64 (pmo_txn_t *txn, const char *key, uint64_t value)
{
    uint8_t b[8];
    pmo_be64_put (b, value);
    return pmo_put (txn, S_DB_AGENT, key, strlen (key), b, sizeof b, 0);
}

/*  Decodes an outbox value.  A damaged one comes back with kind 0 and no
 *  request, so the sender can drop it with a reason instead of looping. */
static void
s_entry_decode (const outbox_t *self, uint64_t seq, const pmo_val_t *v, outbox_entry_t *e)
{
    memset (e, 0, sizeof *e);
    e->seq = seq;
    const uint8_t *p = v->data;
    if (v->len < S_ENTRY_HEADER || p[0] != S_ENTRY_FORMAT)
        return;
    uint32_t text_len = s_get32 (p + 20);
    if (text_len > v->len - S_ENTRY_HEADER)
        return;
    e->kind = p[1];
    e->is_own = (uint16_t) (p[2] << 8 | p[3]) == self->writer;
    e->file_id = s_get32 (p + 4);
    e->line = s_get32 (p + 8);
    e->queued_ms = (int64_t) pmo_be64_get (p + 12);
    e->text = (const char *) p + S_ENTRY_HEADER;
    e->text_len = text_len;
    e->req = p + S_ENTRY_HEADER + text_len;
    e->req_len = v->len - S_ENTRY_HEADER - text_len;
}

/*  Packs req (with update = {agent, seq}) behind an entry header into
 *  self->val. */
static void
s_entry_encode (outbox_t *self, Pmo__Request *req, uint64_t seq, uint32_t file_id, uint32_t line,
                const char *text, size_t text_len)
{
    Pmo__UpdateId uid = PMO__UPDATE_ID__INIT;
    Pmo__UpdateId *saved = req->update;
    char *saved_actor = req->actor;
    uid.agent = self->agent_id;
    uid.has_seq = true;
    uid.seq = seq;
    req->update = &uid;
    if (!req->actor)
        req->actor = self->agent_id;  /* the audit trail names the agent */
    pmo_wire_pack (req, &self->pack);
    req->update = saved;
    req->actor = saved_actor;

    size_t len = S_ENTRY_HEADER + text_len + self->pack.len;
    pmo_buf_reserve (&self->val, len);
    uint8_t *p = self->val.data;
    memset (p, 0, S_ENTRY_HEADER);
    p[0] = S_ENTRY_FORMAT;
    p[1] = (uint8_t) req->body_case;
    p[2] = (uint8_t) (self->writer >> 8);
    p[3] = (uint8_t) self->writer;
    s_put32 (p + 4, file_id);
    s_put32 (p + 8, line);
    pmo_be64_put (p + 12, (uint64_t) pmo_clock_now_ms ());
    s_put32 (p + 20, (uint32_t) text_len);
    if (text_len)
        memcpy (p + S_ENTRY_HEADER, text, text_len);
    memcpy (p + S_ENTRY_HEADER + text_len, self->pack.data, self->pack.len);
    self->val.len = len;
}

static bool
s_file_decode (uint32_t id, const pmo_val_t *v, outbox_file_t *f)
{
    memset (f, 0, sizeof *f);
    const uint8_t *p = v->data;
    if (v->len < S_FILE_HEADER + 4 || p[0] != S_FILE_FORMAT)
        return false;
    f->id = id;
    f->total = s_get32 (p + 4);
    f->good = s_get32 (p + 8);
    f->pending = s_get32 (p + 12);
    f->rejected = s_get32 (p + 16);
    f->dev = pmo_be64_get (p + 20);
    f->ino = pmo_be64_get (p + 28);
    f->ingested_ms = (int64_t) pmo_be64_get (p + 36);
    size_t off = S_FILE_HEADER;
    size_t name_len = ((size_t) p[off] << 8) | p[off + 1];
    off += 2;
    /*  Strings are stored with their NUL so they can be lent out as is. */
    if (name_len == 0 || off + name_len + 2 > v->len || p[off + name_len - 1] != '\0')
        return false;
    f->name = (const char *) p + off;
    off += name_len;
    size_t dir_len = ((size_t) p[off] << 8) | p[off + 1];
    off += 2;
    if (dir_len == 0 || off + dir_len != v->len || p[off + dir_len - 1] != '\0')
        return false;
    f->dir = (const char *) p + off;
    return true;
}

static void
s_file_encode (pmo_buf_t *buf, const outbox_file_t *f)
{
    size_t name_len = strlen (f->name) + 1, dir_len = strlen (f->dir) + 1;
    size_t len = S_FILE_HEADER + 2 + name_len + 2 + dir_len;
    pmo_buf_reserve (buf, len);
    uint8_t *p = buf->data;
    memset (p, 0, S_FILE_HEADER);
    p[0] = S_FILE_FORMAT;
    s_put32 (p + 4, f->total);
    s_put32 (p + 8, f->good);
    s_put32 (p + 12, f->pending);
    s_put32 (p + 16, f->rejected);
    pmo_be64_put (p + 20, f->dev);
    pmo_be64_put (p + 28, f->ino);
    pmo_be64_put (p + 36, (uint64_t) f->ingested_ms);
    size_t off = S_FILE_HEADER;
    p[off++] = (uint8_t) (name_len >> 8);
    p[off++] = (uint8_t) name_len;
    memcpy (p + off, f->name, name_len);
    off += name_len;
    p[off++] = (uint8_t) (dir_len >> 8);
    p[off++] = (uint8_t) dir_len;
    memcpy (p + off, f->dir, dir_len);
    buf->len = len;
}

/*  A full disk is a full outbox to the caller: nothing new was stored. */
static int
s_full (int rc)
{
    return rc == ENOSPC || rc == EDQUOT ? PMO_EFULL : rc;
}

static void
s_check_usage (outbox_t *self)
{
    unsigned pct = outbox_usage_pct (self);
    if (pct >= S_USAGE_WARN && !self->is_usage_warned) {
        size_t map = 0;
        pmo_store_usage (self->store, &map, NULL);
        pmo_log_warn ("outbox: %u%% of the %zu MiB map in %s is used; updates wait for pmod",
                      pct, map >> 20, self->dir);
        self->is_usage_warned = true;
    } else if (pct < S_USAGE_CLEAR)
        self->is_usage_warned = false;
}

//  --------------------------------------------------------------------------
//  Open and close

/*  The first seq of a new outbox: the wall clock in microseconds.  An
 *  outbox's seq grows by one per update, far slower than the clock, so a
 *  later outbox of the same agent id starts above every seq an earlier one
 *  used.  The real clock, not pmo_clock: a test clock is fixed, and two
 *  outboxes made under it would start alike. */
static uint64_t
s_seq_origin (void)
{
    struct timespec ts;
    if (clock_gettime (CLOCK_REALTIME, &ts) != 0 || ts.tv_sec <= 0)
        return 1;
    return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/*  A token for this open, never 0 (what entries queued before writers were
 *  stamped carry): tells the sender which entries no other process can
 *  have sent already. */
static uint16_t
s_writer_token (void)
{
    uint16_t token = (uint16_t) ((uint64_t) getpid () ^ ((uint64_t) pmo_clock_mono_ns () >> 10));
    return token ? token : 1;
}

/*  Claims the directory for agent_id, or refuses when it is another's. */
static int
s_claim (outbox_t *self, const char *agent_id, char *why, size_t why_len)
{
    pmo_txn_t *txn = NULL;
    int rc = pmo_txn_begin (self->store, NULL, true, &txn);
    if (rc)
        goto out;
    pmo_val_t v;
    rc = pmo_get (txn, S_DB_AGENT, S_KEY_AGENT_ID, strlen (S_KEY_AGENT_ID), &v);
    if (rc == PMO_ENOTFOUND) {
        rc = pmo_put (txn, S_DB_AGENT, S_KEY_AGENT_ID, strlen (S_KEY_AGENT_ID), agent_id,
                      strlen (agent_id), 0);
        if (!rc)
            rc = s_put_u64 (txn, S_KEY_NEXT_SEQ, s_seq_origin ());
        if (!rc)
            rc = pmo_txn_commit (&txn);
        goto out;
    }
    if (rc)
        goto out;
    if (v.len != strlen (agent_id) || memcmp (v.data, agent_id, v.len) != 0) {
        snprintf (why, why_len,
                  "state directory %s belongs to agent \"%.*s\", not \"%s\" "
                  "(give --agent %.*s, or another --state)",
                  self->dir, (int) (v.len > 64 ? 64 : v.len), (const char *) v.data, agent_id,
                  (int) (v.len > 64 ? 64 : v.len), (const char *) v.data);
        rc = PMO_ESTATE;
    }
out:
    pmo_txn_abort (&txn);
    if (rc && rc != PMO_ESTATE && why && why_len)
        snprintf (why, why_len, "cannot use the outbox in %s: %s", self->dir, pmo_strerror (rc));
    return rc;
}

/*  Reads the stored agent id (read-only opens). */
static int
s_read_agent (outbox_t *self)
{
    pmo_txn_t *txn = NULL;
    int rc = pmo_txn_begin (self->store, NULL, false, &txn);
    if (rc)
        return rc;
    pmo_val_t v;
    rc = pmo_get (txn, S_DB_AGENT, S_KEY_AGENT_ID, strlen (S_KEY_AGENT_ID), &v);
    if (!rc) {
        self->agent_id = pmo_malloc (v.len + 1);
        memcpy (self->agent_id, v.data, v.len);
        self->agent_id[v.len] = '\0';
    }
    pmo_txn_abort (&txn);
    return rc;
}

int
outbox_open (const char *dir, const char *agent_id, size_t map_size, outbox_t **self_p,
             char *why, size_t why_len)
{
    *self_p = NULL;
    if (!agent_id) {
        struct stat st;
        if (stat (dir, &st) != 0) {
            snprintf (why, why_len, "no outbox in %s", dir);
            return PMO_ENOTFOUND;
        }
    }
    pmo_store_opts_t opts = {
        .kind = OUTBOX_KIND,
        .version = OUTBOX_VERSION,
        .dbs = s_dbs,
        .n_dbs = PMO_ARRAY_LEN (s_dbs),
        .map_size = map_size,
        .read_only = agent_id == NULL,
        .exclusive = false,  /* a one-shot and the daemon share it */
    };
    outbox_t *self = pmo_calloc (1, sizeof *self);
    self->dir = pmo_strdup (dir);
    self->has_sources = true;
    self->writer = s_writer_token ();
    int rc = pmo_store_open (dir, &opts, &self->store, why, why_len);
    if (rc == PMO_ENOTFOUND && opts.read_only) {
        opts.n_dbs = S_N_DBS_V1;
        self->has_sources = false;
        rc = pmo_store_open (dir, &opts, &self->store, why, why_len);
    }
    if (rc)
        goto fail;
    if (agent_id) {
        rc = s_claim (self, agent_id, why, why_len);
        if (rc)
            goto fail;
        self->agent_id = pmo_strdup (agent_id);
    } else {
        rc = s_read_agent (self);
        if (rc) {
            snprintf (why, why_len, "%s holds no outbox yet", dir);
            goto fail;
        }
    }
    *self_p = self;
    return PMO_OK;
fail:
    outbox_close (&self);
    return rc;
}

void
outbox_close (outbox_t **self_p)
{
    outbox_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    pmo_store_close (&self->store);
    pmo_buf_free (&self->pack);
    pmo_buf_free (&self->val);
    free (self->agent_id);
    free (self->dir);
    free (self);
    *self_p = NULL;
}

const char *
outbox_agent (const outbox_t *self)
{
    return self->agent_id;
}

const char *
outbox_dir (const outbox_t *self)
{
    return self->dir;
}

void
outbox_set_reject_hook (outbox_t *self, outbox_reject_fn *fn, void *arg)
{
    self->reject_fn = fn;
    self->reject_arg = arg;
}

//  --------------------------------------------------------------------------
//  Adding

int
outbox_add (outbox_t *self, Pmo__Request *req, uint64_t *seq_out)
{
    pmo_txn_t *txn = NULL;
    uint64_t seq = 0;
    int rc = pmo_txn_begin (self->store, NULL, true, &txn);
    if (!rc)
        rc = s_get_u64 (txn, S_KEY_NEXT_SEQ, 1, &seq);
    if (!rc) {
        uint8_t key[8];
        pmo_be64_put (key, seq);
        s_entry_encode (self, req, seq, 0, 0, NULL, 0);
        rc = pmo_put (txn, S_DB_OUTBOX, key, sizeof key, self->val.data, self->val.len,
                      PMO_PUT_APPEND);
    }
    if (!rc)
        rc = s_put_u64 (txn, S_KEY_NEXT_SEQ, seq + 1);
    if (!rc)
        rc = pmo_txn_commit (&txn);
    pmo_txn_abort (&txn);
    rc = s_full (rc);
    if (rc == PMO_EEXIST)
        rc = PMO_ECORRUPT;  /* next_seq behind a stored key: never reuse */
    if (!rc) {
        *seq_out = seq;
        s_check_usage (self);
    }
    return rc;
}

int
outbox_ingest_begin (outbox_t *self, const char *dir, const char *name, uint64_t dev,
                     uint64_t ino, outbox_ingest_t **ingest_p)
{
    *ingest_p = NULL;
    outbox_ingest_t *in = pmo_calloc (1, sizeof *in);
    in->outbox = self;
    in->dir = pmo_strdup (dir);
    in->name = pmo_strdup (name);
    in->dev = dev;
    in->ino = ino;
    uint64_t next_file = 0;
    int rc = pmo_txn_begin (self->store, NULL, true, &in->txn);
    if (!rc)
        rc = s_get_u64 (in->txn, S_KEY_NEXT_SEQ, 1, &in->next_seq);
    if (!rc)
        rc = s_get_u64 (in->txn, S_KEY_NEXT_FILE, 1, &next_file);
    if (!rc && next_file > UINT32_MAX)
        rc = PMO_EOVERFLOW;
    if (rc) {
        outbox_ingest_abort (&in);
        return rc;
    }
    in->file_id = (uint32_t) next_file;
    *ingest_p = in;
    return PMO_OK;
}

int
outbox_ingest_add (outbox_ingest_t *in, Pmo__Request *req, uint32_t line, const char *text,
                   size_t text_len)
{
    uint8_t key[8];
    pmo_be64_put (key, in->next_seq);
    s_entry_encode (in->outbox, req, in->next_seq, in->file_id, line, text, text_len);
    int rc = pmo_put (in->txn, S_DB_OUTBOX, key, sizeof key, in->outbox->val.data,
                      in->outbox->val.len, PMO_PUT_APPEND);
    if (rc == PMO_EEXIST)
        rc = PMO_ECORRUPT;
    if (rc)
        return s_full (rc);
    in->next_seq++;
    in->total++;
    in->good++;
    return PMO_OK;
}

void
outbox_ingest_reject (outbox_ingest_t *in)
{
    in->total++;
    in->rejected++;
}

int
outbox_ingest_commit (outbox_ingest_t **ingest_p, uint32_t *file_id, uint32_t *pending)
{
    outbox_ingest_t *in = *ingest_p;
    outbox_t *self = in->outbox;
    outbox_file_t f = {
        .id = in->file_id,
        .name = in->name,
        .dir = in->dir,
        .total = in->total,
        .good = in->good,
        .pending = in->good,
        .rejected = in->rejected,
        .dev = in->dev,
        .ino = in->ino,
        .ingested_ms = pmo_clock_now_ms (),
    };
    uint8_t key[4];
    s_put32 (key, in->file_id);
    s_file_encode (&self->val, &f);
    int rc = pmo_put (in->txn, S_DB_FILES, key, sizeof key, self->val.data, self->val.len, 0);
    if (!rc)
        rc = s_put_u64 (in->txn, S_KEY_NEXT_SEQ, in->next_seq);
    if (!rc)
        rc = s_put_u64 (in->txn, S_KEY_NEXT_FILE, (uint64_t) in->file_id + 1);
    if (!rc)
        rc = pmo_txn_commit (&in->txn);
    rc = s_full (rc);
    if (!rc) {
        *file_id = in->file_id;
        *pending = in->good;
        s_check_usage (self);
    }
    outbox_ingest_abort (ingest_p);
    return rc;
}

void
outbox_ingest_abort (outbox_ingest_t **ingest_p)
{
    outbox_ingest_t *in = ingest_p ? *ingest_p : NULL;
    if (!in)
        return;
    pmo_txn_abort (&in->txn);
    free (in->dir);
    free (in->name);
    free (in);
    *ingest_p = NULL;
}

//  --------------------------------------------------------------------------
//  Reading

int
outbox_iterate (outbox_t *self, uint64_t after, bool (*fn) (void *arg, const outbox_entry_t *e),
                void *arg)
{
    if (after == UINT64_MAX)
        return PMO_OK;
    pmo_txn_t *txn = NULL;
    pmo_cursor_t *cur = NULL;
    int rc = pmo_txn_begin (self->store, NULL, false, &txn);
    if (!rc)
        rc = pmo_cursor_open (txn, S_DB_OUTBOX, &cur);
    if (rc)
        goto out;
    uint8_t probe[8];
    pmo_be64_put (probe, after + 1);
    pmo_val_t k = {probe, sizeof probe}, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len != 8)
            continue;
        outbox_entry_t e;
        s_entry_decode (self, pmo_be64_get (k.data), &v, &e);
        if (!fn (arg, &e))
            break;
    }
    if (rc == PMO_ENOTFOUND)
        rc = PMO_OK;
out:
    pmo_cursor_close (&cur);
    pmo_txn_abort (&txn);
    return rc;
}

bool
outbox_has (outbox_t *self, uint64_t seq)
{
    pmo_txn_t *txn = NULL;
    if (pmo_txn_begin (self->store, NULL, false, &txn))
        return false;
    uint8_t key[8];
    pmo_be64_put (key, seq);
    pmo_val_t v;
    bool found = pmo_get (txn, S_DB_OUTBOX, key, sizeof key, &v) == PMO_OK;
    pmo_txn_abort (&txn);
    return found;
}

size_t
outbox_depth (outbox_t *self)
{
    pmo_txn_t *txn = NULL;
    if (pmo_txn_begin (self->store, NULL, false, &txn))
        return 0;
    size_t n = pmo_db_count (txn, S_DB_OUTBOX);
    pmo_txn_abort (&txn);
    return n;
}

int
outbox_oldest (outbox_t *self, uint64_t *seq, int *kind, int64_t *queued_ms)
{
    pmo_txn_t *txn = NULL;
    pmo_cursor_t *cur = NULL;
    int rc = pmo_txn_begin (self->store, NULL, false, &txn);
    if (!rc)
        rc = pmo_cursor_open (txn, S_DB_OUTBOX, &cur);
    pmo_val_t k, v;
    if (!rc)
        rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v);
    if (!rc && k.len != 8)
        rc = PMO_ECORRUPT;
    if (!rc) {
        outbox_entry_t e;
        s_entry_decode (self, pmo_be64_get (k.data), &v, &e);
        *seq = e.seq;
        *kind = e.kind;
        *queued_ms = e.queued_ms;
    }
    pmo_cursor_close (&cur);
    pmo_txn_abort (&txn);
    return rc;
}

uint64_t
outbox_next_seq (outbox_t *self)
{
    pmo_txn_t *txn = NULL;
    uint64_t seq = 1;
    if (pmo_txn_begin (self->store, NULL, false, &txn) == PMO_OK)
        s_get_u64 (txn, S_KEY_NEXT_SEQ, 1, &seq);
    pmo_txn_abort (&txn);
    return seq;
}

unsigned
outbox_usage_pct (outbox_t *self)
{
    size_t map = 0, used = 0;
    pmo_store_usage (self->store, &map, &used);
    return map ? (unsigned) (used / (map / 100 ? map / 100 : 1)) : 0;
}

//  --------------------------------------------------------------------------
//  Acks and files

/*  Counts one answered record against its file.  The file record is
 *  rewritten in the same txn as the entry's delete. */
static int
s_file_answered (outbox_t *self, pmo_txn_t *txn, const outbox_entry_t *e, const char *reason,
                 bool *file_done)
{
    uint8_t key[4];
    s_put32 (key, e->file_id);
    pmo_val_t v;
    int rc = pmo_get (txn, S_DB_FILES, key, sizeof key, &v);
    if (rc == PMO_ENOTFOUND)
        return PMO_OK;  /* file already finished by hand: nothing to count */
    if (rc)
        return rc;
    outbox_file_t f;
    if (!s_file_decode (e->file_id, &v, &f))
        return PMO_ECORRUPT;
    if (reason && self->reject_fn)
        self->reject_fn (self->reject_arg, &f, e->line, reason, e->text, e->text_len);
    if (f.pending)
        f.pending--;
    if (reason)
        f.rejected++;
    if (f.pending == 0 && file_done)
        *file_done = true;
    /*  f borrows from v: encode into a buffer before the put. */
    pmo_buf_t buf = {0};
    s_file_encode (&buf, &f);
    rc = pmo_put (txn, S_DB_FILES, key, sizeof key, buf.data, buf.len, 0);
    pmo_buf_free (&buf);
    return rc;
}

int
outbox_ack (outbox_t *self, const outbox_ack_t *acks, size_t n, size_t *n_removed,
            bool *file_done)
{
    size_t removed = 0;
    bool any_file = false;
    if (file_done)
        *file_done = false;
    pmo_txn_t *txn = NULL;
    int rc = pmo_txn_begin (self->store, NULL, true, &txn);
    for (size_t i = 0; !rc && i < n; i++) {
        uint8_t key[8];
        pmo_be64_put (key, acks[i].seq);
        pmo_val_t v;
        rc = pmo_get (txn, S_DB_OUTBOX, key, sizeof key, &v);
        if (rc == PMO_ENOTFOUND) {
            rc = PMO_OK;  /* another process (one-shot or daemon) got there first */
            continue;
        }
        if (rc)
            break;
        outbox_entry_t e;
        s_entry_decode (self, acks[i].seq, &v, &e);
        any_file |= e.file_id != 0;
        if (e.file_id)
            rc = s_file_answered (self, txn, &e, acks[i].reason, file_done);
        if (!rc)
            rc = pmo_del (txn, S_DB_OUTBOX, key, sizeof key);
        if (!rc)
            removed++;
    }
    /*  Deleting what pmod acknowledged may be lost in a crash: the update
     *  is then resent and pmod answers "duplicate".  So one flush is
     *  spared, unless a spool file's progress (which decides when the file
     *  is done and removed) is in the txn. */
    if (!rc)
        rc = any_file ? pmo_txn_commit (&txn) : pmo_txn_commit_lazy (&txn);
    pmo_txn_abort (&txn);
    if (n_removed)
        *n_removed = rc ? 0 : removed;
    return rc;
}

int
outbox_files (outbox_t *self, bool (*fn) (void *arg, const outbox_file_t *f), void *arg)
{
    pmo_txn_t *txn = NULL;
    pmo_cursor_t *cur = NULL;
    int rc = pmo_txn_begin (self->store, NULL, false, &txn);
    if (!rc)
        rc = pmo_cursor_open (txn, S_DB_FILES, &cur);
    if (rc)
        goto out;
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        outbox_file_t f;
        if (k.len != 4 || !s_file_decode (s_get32 (k.data), &v, &f)) {
            pmo_log_error ("outbox: a file record in %s is damaged; skipped", self->dir);
            continue;
        }
        if (!fn (arg, &f))
            break;
    }
    if (rc == PMO_ENOTFOUND)
        rc = PMO_OK;
out:
    pmo_cursor_close (&cur);
    pmo_txn_abort (&txn);
    return rc;
}

typedef struct {
    const char *dir;
    const char *name;
    outbox_file_t *out;
    bool found;
} s_find_t;

static bool
s_find_fn (void *arg, const outbox_file_t *f)
{
    s_find_t *find = arg;
    if (!streq (f->name, find->name) || !streq (f->dir, find->dir))
        return true;
    *find->out = *f;
    find->out->name = NULL;
    find->out->dir = NULL;
    find->found = true;
    return false;
}

int
outbox_file_find (outbox_t *self, const char *dir, const char *name, outbox_file_t *out)
{
    s_find_t find = {dir, name, out, false};
    int rc = outbox_files (self, s_find_fn, &find);
    if (rc)
        return rc;
    return find.found ? PMO_OK : PMO_ENOTFOUND;
}

int
outbox_file_drop (outbox_t *self, uint32_t id)
{
    pmo_txn_t *txn = NULL;
    uint8_t key[4];
    s_put32 (key, id);
    int rc = pmo_txn_begin (self->store, NULL, true, &txn);
    if (!rc)
        rc = pmo_del (txn, S_DB_FILES, key, sizeof key);
    if (!rc)
        rc = pmo_txn_commit (&txn);
    pmo_txn_abort (&txn);
    return rc;
}

//  --------------------------------------------------------------------------
//  Source polls: updates and the source's memory in one transaction

struct outbox_txn {
    outbox_t *outbox;
    pmo_txn_t *txn;
    uint64_t next_seq;
    size_t n_added;
    pmo_key_t key;            /* last state key built */
};

int
outbox_txn_begin (outbox_t *self, outbox_txn_t **txn_p)
{
    *txn_p = NULL;
    outbox_txn_t *t = pmo_calloc (1, sizeof *t);
    t->outbox = self;
    int rc = pmo_txn_begin (self->store, NULL, true, &t->txn);
    if (!rc)
        rc = s_get_u64 (t->txn, S_KEY_NEXT_SEQ, 1, &t->next_seq);
    if (rc) {
        outbox_txn_abort (&t);
        return rc;
    }
    *txn_p = t;
    return PMO_OK;
}

int
outbox_txn_add (outbox_txn_t *t, Pmo__Request *req, const char *text, size_t text_len)
{
    uint8_t key[8];
    pmo_be64_put (key, t->next_seq);
    s_entry_encode (t->outbox, req, t->next_seq, 0, 0, text, text_len);
    int rc = pmo_put (t->txn, S_DB_OUTBOX, key, sizeof key, t->outbox->val.data,
                      t->outbox->val.len, PMO_PUT_APPEND);
    if (rc == PMO_EEXIST)
        rc = PMO_ECORRUPT;
    if (rc)
        return s_full (rc);
    t->next_seq++;
    t->n_added++;
    return PMO_OK;
}

size_t
outbox_txn_added (const outbox_txn_t *t)
{
    return t->n_added;
}

/*  source \0 key (key may hold any bytes). */
static int
s_state_key (outbox_txn_t *t, const char *source, const void *key, size_t key_len)
{
    pmo_key_init (&t->key);
    pmo_key_str (&t->key, source);
    if (t->key.len + key_len > sizeof t->key.buf)
        return PMO_ETOOBIG;
    memcpy (t->key.buf + t->key.len, key, key_len);
    t->key.len += key_len;
    return PMO_OK;
}

int
outbox_txn_state_get (outbox_txn_t *t, const char *source, const void *key, size_t key_len,
                      pmo_val_t *val)
{
    int rc = s_state_key (t, source, key, key_len);
    return rc ? rc : pmo_get (t->txn, S_DB_SOURCE_STATE, t->key.buf, t->key.len, val);
}

int
outbox_txn_state_put (outbox_txn_t *t, const char *source, const void *key, size_t key_len,
                      const void *data, size_t len)
{
    int rc = s_state_key (t, source, key, key_len);
    return rc ? rc : s_full (pmo_put (t->txn, S_DB_SOURCE_STATE, t->key.buf, t->key.len, data, len, 0));
}

int
outbox_txn_state_del (outbox_txn_t *t, const char *source, const void *key, size_t key_len)
{
    int rc = s_state_key (t, source, key, key_len);
    return rc ? rc : pmo_del (t->txn, S_DB_SOURCE_STATE, t->key.buf, t->key.len);
}

int
outbox_txn_state_each (outbox_txn_t *t, const char *source,
                       bool (*fn) (void *arg, const void *key, size_t key_len, const pmo_val_t *val),
                       void *arg)
{
    pmo_key_t prefix;
    pmo_key_init (&prefix);
    pmo_key_str (&prefix, source);
    pmo_cursor_t *cur = NULL;
    int rc = pmo_cursor_open (t->txn, S_DB_SOURCE_STATE, &cur);
    if (rc)
        return rc;
    pmo_val_t k = {prefix.buf, prefix.len}, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len < prefix.len || memcmp (k.data, prefix.buf, prefix.len) != 0)
            break;
        if (!fn (arg, (const uint8_t *) k.data + prefix.len, k.len - prefix.len, &v))
            break;
    }
    pmo_cursor_close (&cur);
    return rc == PMO_ENOTFOUND ? PMO_OK : rc;
}

int
outbox_txn_status_put (outbox_txn_t *t, const char *source, const char *json)
{
    return s_full (pmo_put (t->txn, S_DB_SOURCES, source, strlen (source), json, strlen (json), 0));
}

int
outbox_txn_status_get (outbox_txn_t *t, const char *source, pmo_val_t *val)
{
    return pmo_get (t->txn, S_DB_SOURCES, source, strlen (source), val);
}

int
outbox_txn_commit (outbox_txn_t **txn_p)
{
    outbox_txn_t *t = *txn_p;
    int rc = s_put_u64 (t->txn, S_KEY_NEXT_SEQ, t->next_seq);
    if (!rc)
        rc = pmo_txn_commit (&t->txn);
    rc = s_full (rc);
    if (!rc)
        s_check_usage (t->outbox);
    outbox_txn_abort (txn_p);
    return rc;
}

void
outbox_txn_abort (outbox_txn_t **txn_p)
{
    outbox_txn_t *t = txn_p ? *txn_p : NULL;
    if (!t)
        return;
    pmo_txn_abort (&t->txn);
    free (t);
    *txn_p = NULL;
}

int
outbox_sources (outbox_t *self, bool (*fn) (void *arg, const char *name, const char *json), void *arg)
{
    if (!self->has_sources)
        return PMO_OK;
    pmo_txn_t *txn = NULL;
    pmo_cursor_t *cur = NULL;
    int rc = pmo_txn_begin (self->store, NULL, false, &txn);
    if (!rc)
        rc = pmo_cursor_open (txn, S_DB_SOURCES, &cur);
    pmo_val_t k, v;
    for (rc = rc ? rc : pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        char *name = pmo_malloc (k.len + 1), *json = pmo_malloc (v.len + 1);
        memcpy (name, k.data, k.len);
        name[k.len] = '\0';
        memcpy (json, v.data, v.len);
        json[v.len] = '\0';
        bool go_on = fn (arg, name, json);
        free (name);
        free (json);
        if (!go_on)
            break;
    }
    pmo_cursor_close (&cur);
    pmo_txn_abort (&txn);
    return rc == PMO_ENOTFOUND ? PMO_OK : rc;
}
