/*  test_outbox: pmo-agent's durable outbox on a mkdtemp store (order, acks,
 *  seqs never reused, a new outbox's seqs above an earlier one's of the
 *  same agent id while an old outbox keeps its counter, the agent id guard,
 *  a full map) and the spool file lifecycle on top of it (ingest,
 *  .inflight, done, rejected). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "outbox.h"
#include "pmo/pmo_log.h"
#include "spool.h"

/*  2020-01-01 in microseconds: a clock-made first seq is above it. */
#define S_2020_US 1577836800000000ULL

//  --------------------------------------------------------------------------
//  Helpers

/*  Queues a progress update of bp basis points with an optional note. */
static int
s_add_progress (outbox_t *ob, int32_t bp, const char *note, uint64_t *seq)
{
    Pmo__Progress p = PMO__PROGRESS__INIT;
    p.project = "APOLLO";
    p.has_percent_bp = true;
    p.percent_bp = bp;
    p.note = (char *) note;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROGRESS;
    req.progress = &p;
    int rc = outbox_add (ob, &req, seq);
    CHECK (req.update == NULL);  /* restored */
    return rc;
}

typedef struct {
    uint64_t seqs[64];
    int32_t bps[64];
    char agents[64][32];
    uint64_t update_seqs[64];
    size_t n;
    size_t stop_after;  /* 0 = all */
} s_seen_t;

static bool
s_collect (void *arg, const outbox_entry_t *e)
{
    s_seen_t *seen = arg;
    if (seen->n < 64) {
        Pmo__Request *req = pmo_wire_request_unpack (e->req, e->req_len);
        CHECK (req != NULL);
        if (req) {
            CHECK_EQ_I64 (req->body_case, e->kind);
            seen->seqs[seen->n] = e->seq;
            seen->bps[seen->n] = req->progress ? req->progress->percent_bp : -1;
            pmo_strlcpy (seen->agents[seen->n], req->update ? req->update->agent : "",
                         sizeof seen->agents[0]);
            seen->update_seqs[seen->n] = req->update ? req->update->seq : 0;
            pmo_wire_free (req);
        }
        seen->n++;
    }
    return !(seen->stop_after && seen->n >= seen->stop_after);
}

static size_t
s_count_dir (const char *path)
{
    DIR *d = opendir (path);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir (d)))
        if (de->d_name[0] != '.')
            n++;
    closedir (d);
    return n;
}

static bool
s_exists (const char *dir, const char *name)
{
    char path[600];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return lstat (path, &st) == 0;
}

static void
s_write (const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen (path, "w");
    CHECK (f != NULL);
    if (f) {
        fputs (text, f);
        fclose (f);
    }
}

static void
s_read (const char *dir, const char *name, char *buf, size_t n)
{
    char path[600];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    buf[0] = '\0';
    FILE *f = fopen (path, "r");
    if (!f)
        return;
    size_t got = fread (buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose (f);
}

//  --------------------------------------------------------------------------
//  Outbox

static void
s_test_order_and_acks (const char *dir)
{
    char why[256] = "";
    outbox_t *ob = NULL;
    CHECK_RC (outbox_open (dir, "apollo-agent", 0, &ob, why, sizeof why), PMO_OK);
    if (!ob) {
        fprintf (stderr, "%s\n", why);
        return;
    }
    CHECK_STR (outbox_agent (ob), "apollo-agent");
    CHECK_EQ_I64 (outbox_depth (ob), 0);
    /*  A new outbox starts at the wall clock in microseconds. */
    uint64_t s0 = outbox_next_seq (ob);
    CHECK (s0 > S_2020_US);
    uint64_t seq = 0;
    for (int i = 1; i <= 5; i++) {
        CHECK_RC (s_add_progress (ob, i * 100, NULL, &seq), PMO_OK);
        CHECK_EQ_I64 (seq, s0 + (uint64_t) i - 1);
    }
    CHECK_EQ_I64 (outbox_depth (ob), 5);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + 5);

    s_seen_t seen = {0};
    CHECK_RC (outbox_iterate (ob, 0, s_collect, &seen), PMO_OK);
    CHECK_EQ_I64 (seen.n, 5);
    for (size_t i = 0; i < seen.n; i++) {
        CHECK_EQ_I64 (seen.seqs[i], s0 + i);
        CHECK_EQ_I64 (seen.bps[i], (int64_t) (i + 1) * 100);
        CHECK_STR (seen.agents[i], "apollo-agent");
        CHECK_EQ_I64 (seen.update_seqs[i], s0 + i);
    }
    /*  From a seq, and stopping early. */
    s_seen_t after = {.stop_after = 2};
    CHECK_RC (outbox_iterate (ob, s0 + 1, s_collect, &after), PMO_OK);
    CHECK_EQ_I64 (after.n, 2);
    CHECK_EQ_I64 (after.seqs[0], s0 + 2);
    CHECK_EQ_I64 (after.seqs[1], s0 + 3);

    uint64_t oseq = 0;
    int kind = 0;
    int64_t queued = 0;
    CHECK_RC (outbox_oldest (ob, &oseq, &kind, &queued), PMO_OK);
    CHECK_EQ_I64 (oseq, s0);
    CHECK_EQ_I64 (kind, PMO__REQUEST__BODY_PROGRESS);
    CHECK (queued > 0);

    /*  Acks in any order, a batch in one call, unknown seqs ignored. */
    outbox_ack_t acks[] = {{s0 + 1, NULL}, {s0 + 3, "project: not found"}, {s0 + 98, NULL}};
    size_t removed = 0;
    bool file_done = true;
    CHECK_RC (outbox_ack (ob, acks, 3, &removed, &file_done), PMO_OK);
    CHECK_EQ_I64 (removed, 2);
    CHECK (!file_done);
    CHECK (outbox_has (ob, s0));
    CHECK (!outbox_has (ob, s0 + 1));
    seen = (s_seen_t) {0};
    outbox_iterate (ob, 0, s_collect, &seen);
    CHECK_EQ_I64 (seen.n, 3);
    CHECK_EQ_I64 (seen.seqs[0], s0);
    CHECK_EQ_I64 (seen.seqs[1], s0 + 2);
    CHECK_EQ_I64 (seen.seqs[2], s0 + 4);

    outbox_ack_t rest[] = {{s0, NULL}, {s0 + 2, NULL}, {s0 + 4, NULL}};
    CHECK_RC (outbox_ack (ob, rest, 3, &removed, NULL), PMO_OK);
    CHECK_EQ_I64 (removed, 3);
    CHECK_EQ_I64 (outbox_depth (ob), 0);
    CHECK_RC (outbox_oldest (ob, &oseq, &kind, &queued), PMO_ENOTFOUND);

    /*  Drained: the next seq still moves on. */
    CHECK_RC (s_add_progress (ob, 600, NULL, &seq), PMO_OK);
    CHECK_EQ_I64 (seq, s0 + 5);
    outbox_close (&ob);
    CHECK (ob == NULL);
    outbox_close (&ob);  /* NULL is fine */
}

static void
s_test_reopen (const char *dir)
{
    char why[256] = "";
    outbox_t *ob = NULL;
    /*  Still there after a reopen; seqs are never reused, even after the
     *  outbox drains completely. */
    CHECK_RC (outbox_open (dir, "apollo-agent", 0, &ob, why, sizeof why), PMO_OK);
    if (!ob)
        return;
    CHECK_EQ_I64 (outbox_depth (ob), 1);
    uint64_t last = 0;
    int kind = 0;
    int64_t queued = 0;
    CHECK_RC (outbox_oldest (ob, &last, &kind, &queued), PMO_OK);
    outbox_ack_t a = {last, NULL};
    CHECK_RC (outbox_ack (ob, &a, 1, NULL, NULL), PMO_OK);
    CHECK_EQ_I64 (outbox_depth (ob), 0);
    outbox_close (&ob);
    CHECK_RC (outbox_open (dir, "apollo-agent", 0, &ob, why, sizeof why), PMO_OK);
    uint64_t seq = 0;
    CHECK_RC (s_add_progress (ob, 700, NULL, &seq), PMO_OK);
    CHECK_EQ_I64 (seq, last + 1);
    outbox_close (&ob);

    /*  Another agent id is refused, and nothing changes. */
    CHECK_RC (outbox_open (dir, "hermes-agent", 0, &ob, why, sizeof why), PMO_ESTATE);
    CHECK (ob == NULL);
    char want[512];
    snprintf (want, sizeof want,
              "state directory %s belongs to agent \"apollo-agent\", not \"hermes-agent\" "
              "(give --agent apollo-agent, or another --state)",
              dir);
    CHECK_STR (why, want);

    /*  Read-only (status): whoever owns it. */
    CHECK_RC (outbox_open (dir, NULL, 0, &ob, why, sizeof why), PMO_OK);
    if (ob) {
        CHECK_STR (outbox_agent (ob), "apollo-agent");
        CHECK_EQ_I64 (outbox_depth (ob), 1);
        CHECK_EQ_I64 (outbox_next_seq (ob), last + 2);
        outbox_close (&ob);
    }
    char missing[400];
    snprintf (missing, sizeof missing, "%s/none", dir);
    CHECK_RC (outbox_open (missing, NULL, 0, &ob, why, sizeof why), PMO_ENOTFOUND);
}

static bool
s_collect_own (void *arg, const outbox_entry_t *e)
{
    size_t *n_own = arg;
    *n_own += e->is_own;
    return true;
}

/*  Sets an outbox's stored next seq, as an outbox made before seqs began at
 *  the clock has it (such a one began at 1). */
static void
s_set_next_seq (const char *dir, uint64_t next)
{
    static const char *const dbs[] = {"outbox", "agent", "files", "sources", "source_state"};
    pmo_store_opts_t opts = {.kind = OUTBOX_KIND, .version = OUTBOX_VERSION, .dbs = dbs,
                             .n_dbs = PMO_ARRAY_LEN (dbs)};
    pmo_store_t *store = NULL;
    pmo_txn_t *txn = NULL;
    char why[256] = "";
    uint8_t v[8];
    pmo_be64_put (v, next);
    CHECK_RC (pmo_store_open (dir, &opts, &store, why, sizeof why), PMO_OK);
    CHECK_RC (pmo_txn_begin (store, NULL, true, &txn), PMO_OK);
    CHECK_RC (pmo_put (txn, 1, "next_seq", 8, v, sizeof v, 0), PMO_OK);
    CHECK_RC (pmo_txn_commit (&txn), PMO_OK);
    pmo_store_close (&store);
}

static void
s_test_seq_origin (const char *base)
{
    char first[300], second[300], old[300], why[256] = "";
    snprintf (first, sizeof first, "%s/origin-1", base);
    snprintf (second, sizeof second, "%s/origin-2", base);
    snprintf (old, sizeof old, "%s/origin-old", base);
    outbox_t *ob = NULL;
    uint64_t seq = 0, last = 0;

    /*  Two state directories of one agent id, the second made after the
     *  first sent a burst: its seqs start above every one the first used. */
    REQUIRE_VOID (outbox_open (first, "twin", 0, &ob, why, sizeof why) == PMO_OK);
    for (int i = 0; i < 50; i++)
        CHECK_RC (s_add_progress (ob, i, NULL, &last), PMO_OK);
    size_t n_own = 0;
    CHECK_RC (outbox_iterate (ob, 0, s_collect_own, &n_own), PMO_OK);
    CHECK_EQ_I64 (n_own, 50);  /* queued through this open */
    outbox_close (&ob);
    REQUIRE_VOID (outbox_open (second, "twin", 0, &ob, why, sizeof why) == PMO_OK);
    CHECK_RC (s_add_progress (ob, 1, NULL, &seq), PMO_OK);
    CHECK (seq > last);
    outbox_close (&ob);

    /*  Reopened (another process, in effect): none of its entries is its own. */
    REQUIRE_VOID (outbox_open (first, "twin", 0, &ob, why, sizeof why) == PMO_OK);
    n_own = 0;
    CHECK_RC (outbox_iterate (ob, 0, s_collect_own, &n_own), PMO_OK);
    CHECK_EQ_I64 (n_own, 0);
    outbox_close (&ob);

    /*  An outbox from before keeps its counter: its seqs go on from 4. */
    REQUIRE_VOID (outbox_open (old, "veteran", 0, &ob, why, sizeof why) == PMO_OK);
    outbox_close (&ob);
    s_set_next_seq (old, 4);
    REQUIRE_VOID (outbox_open (old, "veteran", 0, &ob, why, sizeof why) == PMO_OK);
    CHECK_EQ_I64 (outbox_next_seq (ob), 4);
    CHECK_RC (s_add_progress (ob, 1, NULL, &seq), PMO_OK);
    CHECK_EQ_I64 (seq, 4);
    outbox_close (&ob);
}

static void
s_test_full (const char *dir)
{
    char why[256] = "";
    outbox_t *ob = NULL;
    /*  A tiny map: fill it on purpose. */
    CHECK_RC (outbox_open (dir, "full-agent", 256 * 1024, &ob, why, sizeof why), PMO_OK);
    if (!ob)
        return;
    uint64_t s0 = outbox_next_seq (ob);
    char note[1001];
    memset (note, 'n', 1000);
    note[1000] = '\0';
    uint64_t seq = 0, last = 0;
    int rc = PMO_OK;
    size_t added = 0;
    while (added < 10000 && (rc = s_add_progress (ob, 1, note, &seq)) == PMO_OK) {
        last = seq;
        added++;
    }
    CHECK_RC (rc, PMO_EFULL);
    CHECK (added > 10);
    CHECK_EQ_I64 (last, s0 + added - 1);
    /*  What was accepted is all there and readable. */
    CHECK_EQ_I64 (outbox_depth (ob), added);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + added);
    CHECK (outbox_usage_pct (ob) >= 80);
    CHECK_RC (s_add_progress (ob, 1, note, &seq), PMO_EFULL);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + added);
    /*  Answers free room; the next update gets the next seq. */
    outbox_ack_t *acks = calloc (added, sizeof *acks);
    for (size_t i = 0; i < added; i++)
        acks[i].seq = s0 + i;
    CHECK_RC (outbox_ack (ob, acks, added, NULL, NULL), PMO_OK);
    free (acks);
    CHECK_RC (s_add_progress (ob, 1, note, &seq), PMO_OK);
    CHECK_EQ_I64 (seq, s0 + added);
    outbox_close (&ob);
}

typedef struct {
    int calls;
    char name[64];
    char dir[256];
    unsigned line;
    char reason[128];
    char text[128];
} s_hook_t;

static void
s_hook (void *arg, const outbox_file_t *file, uint32_t line, const char *reason, const char *text,
        size_t text_len)
{
    s_hook_t *h = arg;
    h->calls++;
    pmo_strlcpy (h->name, file->name, sizeof h->name);
    pmo_strlcpy (h->dir, file->dir, sizeof h->dir);
    h->line = line;
    pmo_strlcpy (h->reason, reason, sizeof h->reason);
    snprintf (h->text, sizeof h->text, "%.*s", (int) text_len, text);
}

static bool
s_first_file (void *arg, const outbox_file_t *f)
{
    outbox_file_t *out = arg;
    *out = *f;
    out->name = out->dir = NULL;
    return false;
}

static void
s_test_ingest (const char *dir)
{
    char why[256] = "";
    outbox_t *ob = NULL;
    CHECK_RC (outbox_open (dir, "ingest-agent", 0, &ob, why, sizeof why), PMO_OK);
    if (!ob)
        return;
    s_hook_t hook = {0};
    outbox_set_reject_hook (ob, s_hook, &hook);
    uint64_t s0;
    CHECK_RC (s_add_progress (ob, 1, NULL, &s0), PMO_OK);  /* the first seq, not from a file */

    /*  An aborted ingest leaves nothing behind. */
    outbox_ingest_t *in = NULL;
    CHECK_RC (outbox_ingest_begin (ob, "/spool", "a.jsonl", 1, 2, &in), PMO_OK);
    Pmo__Progress p = PMO__PROGRESS__INIT;
    p.project = "APOLLO";
    p.has_percent_bp = true;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROGRESS;
    req.progress = &p;
    CHECK_RC (outbox_ingest_add (in, &req, 1, "{one}", 5), PMO_OK);
    outbox_ingest_abort (&in);
    CHECK (in == NULL);
    CHECK_EQ_I64 (outbox_depth (ob), 1);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + 1);
    outbox_file_t f;
    CHECK_RC (outbox_file_find (ob, "/spool", "a.jsonl", &f), PMO_ENOTFOUND);

    /*  Two good records, one bad, one transaction. */
    CHECK_RC (outbox_ingest_begin (ob, "/spool", "a.jsonl", 1, 2, &in), PMO_OK);
    p.percent_bp = 100;
    CHECK_RC (outbox_ingest_add (in, &req, 1, "{one}", 5), PMO_OK);
    outbox_ingest_reject (in);
    p.percent_bp = 300;
    CHECK_RC (outbox_ingest_add (in, &req, 3, "{three}", 7), PMO_OK);
    uint32_t file_id = 0, pending = 0;
    CHECK_RC (outbox_ingest_commit (&in, &file_id, &pending), PMO_OK);
    CHECK (in == NULL);
    CHECK_EQ_I64 (file_id, 1);
    CHECK_EQ_I64 (pending, 2);
    CHECK_EQ_I64 (outbox_depth (ob), 3);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + 3);

    CHECK_RC (outbox_file_find (ob, "/spool", "a.jsonl", &f), PMO_OK);
    CHECK_EQ_I64 (f.id, 1);
    CHECK_EQ_I64 (f.total, 3);
    CHECK_EQ_I64 (f.good, 2);
    CHECK_EQ_I64 (f.pending, 2);
    CHECK_EQ_I64 (f.rejected, 1);
    CHECK_EQ_I64 (f.dev, 1);
    CHECK_EQ_I64 (f.ino, 2);
    CHECK_RC (outbox_file_find (ob, "/other", "a.jsonl", &f), PMO_ENOTFOUND);

    /*  pmod rejects line 3: the hook gets the record's own text. */
    outbox_ack_t a1 = {s0 + 2, "project: not found"};
    bool file_done = true;
    CHECK_RC (outbox_ack (ob, &a1, 1, NULL, &file_done), PMO_OK);
    CHECK (!file_done);
    CHECK_EQ_I64 (hook.calls, 1);
    CHECK_STR (hook.name, "a.jsonl");
    CHECK_STR (hook.dir, "/spool");
    CHECK_EQ_I64 (hook.line, 3);
    CHECK_STR (hook.reason, "project: not found");
    CHECK_STR (hook.text, "{three}");
    outbox_files (ob, s_first_file, &f);
    CHECK_EQ_I64 (f.pending, 1);
    CHECK_EQ_I64 (f.rejected, 2);

    outbox_ack_t a2[] = {{s0 + 1, NULL}, {s0, NULL}};
    CHECK_RC (outbox_ack (ob, a2, 2, NULL, &file_done), PMO_OK);
    CHECK (file_done);
    CHECK_EQ_I64 (hook.calls, 1);
    outbox_files (ob, s_first_file, &f);
    CHECK_EQ_I64 (f.pending, 0);
    CHECK_RC (outbox_file_drop (ob, 1), PMO_OK);
    CHECK_RC (outbox_file_drop (ob, 1), PMO_ENOTFOUND);
    CHECK_EQ_I64 (outbox_depth (ob), 0);
    outbox_close (&ob);
}

//  --------------------------------------------------------------------------
//  Spool lifecycle over the outbox

static void
s_test_spool (const char *base)
{
    char state[300], sdir[300], inflight[320], done[320], rejected[320];
    snprintf (state, sizeof state, "%s/state", base);
    snprintf (sdir, sizeof sdir, "%s/spool", base);
    snprintf (inflight, sizeof inflight, "%s/.inflight", sdir);
    snprintf (done, sizeof done, "%s/done", sdir);
    snprintf (rejected, sizeof rejected, "%s/rejected", sdir);
    char why[256] = "";
    outbox_t *ob = NULL;
    spool_t *spool = NULL;
    CHECK_RC (outbox_open (state, "spool-agent", 0, &ob, why, sizeof why), PMO_OK);
    if (!ob)
        return;
    uint64_t s0 = outbox_next_seq (ob);
    CHECK_RC (spool_open (sdir, ob, &spool, why, sizeof why), PMO_OK);
    if (!spool) {
        outbox_close (&ob);
        return;
    }
    CHECK (s_exists (sdir, ".inflight") && s_exists (sdir, "done") && s_exists (sdir, "rejected"));

    s_write (sdir, "apollo-0001.jsonl",
             "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"date\":\"2020-01-02\","
             "\"minutes\":90}\n"
             "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"minutes\":\"abc\"}\n"
             "\n"
             "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":42.5}\n");
    s_write (sdir, "apollo-0002.csv",
             "type,project,name,date\nmilestone,APOLLO,Design approved,2020-01-03\n");
    s_write (sdir, "bad-header.csv", "type,project,nmae\nmilestone,APOLLO,x\n");
    s_write (sdir, ".hidden.jsonl", "{}\n");
    s_write (sdir, "writing.jsonl.tmp", "{}\n");
    s_write (sdir, "notes.txt", "x\n");

    size_t n_files = 0;
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 3);  /* bad-header.csv too: taken, to rejected/ */
    CHECK_EQ_I64 (outbox_depth (ob), 3);
    CHECK (s_exists (inflight, "apollo-0001.jsonl"));
    CHECK (s_exists (inflight, "apollo-0002.csv"));
    CHECK (!s_exists (sdir, "apollo-0001.jsonl"));
    CHECK (s_exists (sdir, ".hidden.jsonl"));
    CHECK (s_exists (sdir, "writing.jsonl.tmp"));
    CHECK (s_exists (sdir, "notes.txt"));
    /*  The unreadable file went to rejected/ with its reason. */
    CHECK (!s_exists (sdir, "bad-header.csv"));
    CHECK (s_exists (rejected, "bad-header.csv"));
    char buf[1024];
    s_read (rejected, "bad-header.csv.errors", buf, sizeof buf);
    CHECK_STR (buf, "line 1: header: unknown column \"nmae\"; no record of this file was sent: "
                    "type,project,nmae\n");
    s_read (rejected, "apollo-0001.jsonl.errors", buf, sizeof buf);
    CHECK_STR (buf, "line 2: minutes: \"abc\" is not a whole number: {\"type\":\"time\",\"person\":"
                    "\"ana\",\"project\":\"APOLLO\",\"minutes\":\"abc\"}\n");

    /*  A rescan takes nothing twice. */
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 0);
    CHECK_EQ_I64 (outbox_depth (ob), 3);

    /*  A crash between the commit and the rename: the file is back in the
     *  spool, the outbox knows it, so it is only moved again. */
    char from[400], to[400];
    snprintf (from, sizeof from, "%s/apollo-0002.csv", inflight);
    snprintf (to, sizeof to, "%s/apollo-0002.csv", sdir);
    CHECK (rename (from, to) == 0);
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 0);
    CHECK_EQ_I64 (outbox_depth (ob), 3);
    CHECK (s_exists (inflight, "apollo-0002.csv"));

    /*  A new file with the name of one in progress waits. */
    s_write (sdir, "apollo-0002.csv", "type,project,name\nmilestone,APOLLO,Again\n");
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 0);
    CHECK (s_exists (sdir, "apollo-0002.csv"));

    /*  pmod answers: the first ok, the second (line 4) rejected, the third (the csv) ok. */
    outbox_ack_t acks[] = {{s0, NULL}, {s0 + 1, "project: APOLLO is closed"}, {s0 + 2, NULL}};
    bool file_done = false;
    CHECK_RC (outbox_ack (ob, acks, 3, NULL, &file_done), PMO_OK);
    CHECK (file_done);
    size_t n_pending = 9;
    CHECK_RC (spool_complete (spool, &n_pending), PMO_OK);
    CHECK_EQ_I64 (n_pending, 0);
    CHECK (s_exists (done, "apollo-0001.jsonl"));
    CHECK (s_exists (done, "apollo-0002.csv"));
    CHECK_EQ_I64 (s_count_dir (inflight), 0);
    s_read (rejected, "apollo-0001.jsonl.errors", buf, sizeof buf);
    CHECK_STR (buf, "line 2: minutes: \"abc\" is not a whole number: {\"type\":\"time\",\"person\":"
                    "\"ana\",\"project\":\"APOLLO\",\"minutes\":\"abc\"}\n"
                    "line 4: project: APOLLO is closed: {\"type\":\"progress\",\"project\":"
                    "\"APOLLO\",\"percent\":42.5}\n");
    outbox_file_t f;
    CHECK_RC (outbox_file_find (ob, spool_dir (spool), "apollo-0001.jsonl", &f), PMO_ENOTFOUND);

    /*  Now the waiting file goes in, and finishes under a numbered name. */
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 1);
    CHECK_EQ_I64 (outbox_depth (ob), 1);
    outbox_ack_t a4 = {s0 + 3, NULL};
    CHECK_RC (outbox_ack (ob, &a4, 1, NULL, NULL), PMO_OK);
    CHECK_RC (spool_complete (spool, NULL), PMO_OK);
    CHECK (s_exists (done, "apollo-0002.1.csv"));

    /*  A file with no good record at all finishes at once. */
    s_write (sdir, "empty.jsonl", "\n{\"type\":\"nap\"}\n");
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_RC (spool_complete (spool, &n_pending), PMO_OK);
    CHECK_EQ_I64 (n_pending, 0);
    CHECK (s_exists (done, "empty.jsonl"));
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + 4);

    spool_close (&spool);
    outbox_close (&ob);
}

int
main (void)
{
    pmo_log_init ("test_outbox", PMO_LOG_ERROR);
    char base[] = "/tmp/pmo-test-outbox-XXXXXX";
    REQUIRE (mkdtemp (base) != NULL);
    char dir[300];
    snprintf (dir, sizeof dir, "%s/a", base);
    s_test_order_and_acks (dir);
    s_test_reopen (dir);
    s_test_seq_origin (base);
    snprintf (dir, sizeof dir, "%s/full", base);
    s_test_full (dir);
    snprintf (dir, sizeof dir, "%s/ingest", base);
    s_test_ingest (dir);
    s_test_spool (base);
    harness_rm_rf (base);
    return harness_report ();
}
