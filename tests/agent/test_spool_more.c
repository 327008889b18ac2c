/*  test_spool_more: the spool against writers that replace files by rename
 *  while the agent reads them, the crash states of a claimed file, and the
 *  config readers' refusal of lines longer than libinih takes.
 *
 *  Linked with -Wl,--wrap=outbox_ingest_commit (tests/agent/CMakeLists.txt)
 *  so a test can act right after spool.c's outbox commit, before the file
 *  is renamed: the window a periodic export falls into. */
#include <dirent.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"
#include "outbox.h"
#include "pmo/pmo_log.h"
#include "source.h"
#include "spool.h"

//  --------------------------------------------------------------------------
//  The hook between commit and rename

int __real_outbox_ingest_commit (outbox_ingest_t **ingest_p, uint32_t *file_id,
                                 uint32_t *pending);
int __wrap_outbox_ingest_commit (outbox_ingest_t **ingest_p, uint32_t *file_id,
                                 uint32_t *pending);

/*  Runs once after the next commit, then disarms. */
static void (*s_after_commit) (void);

int
__wrap_outbox_ingest_commit (outbox_ingest_t **ingest_p, uint32_t *file_id, uint32_t *pending)
{
    int rc = __real_outbox_ingest_commit (ingest_p, file_id, pending);
    void (*hook) (void) = s_after_commit;
    s_after_commit = NULL;
    if (hook)
        hook ();
    return rc;
}

//  --------------------------------------------------------------------------
//  Helpers

static char s_base[64];
static char s_spool[128], s_inflight[160], s_done[160];

/*  Writes dir/name the way writers are told to: a dotfile renamed into
 *  place (replacing what was there). */
static void
s_put (const char *dir, const char *name, const char *text)
{
    char tmp[600], path[600];
    snprintf (tmp, sizeof tmp, "%s/.tmp-%s", dir, name);
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen (tmp, "w");
    REQUIRE_VOID (f != NULL);
    fputs (text, f);
    fclose (f);
    CHECK (rename (tmp, path) == 0);
}

/*  The content of dir/name, or "(absent)". */
static const char *
s_cat (const char *dir, const char *name)
{
    static char buf[4096];
    char path[600];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen (path, "r");
    if (!f)
        return "(absent)";
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose (f);
    return buf;
}

static void
s_ack (outbox_t *ob, uint64_t seq)
{
    outbox_ack_t a = {seq, NULL};
    CHECK_RC (outbox_ack (ob, &a, 1, NULL, NULL), PMO_OK);
}

#define S_A "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":10}\n"
#define S_B "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":20}\n" \
            "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":30}\n"

static void
s_replace_export (void)
{
    s_put (s_spool, "export.jsonl", S_B);
}

//  --------------------------------------------------------------------------
//  A file replaced while it is read

static void
s_test_replaced_while_read (outbox_t *ob, spool_t *spool)
{
    uint64_t seq = outbox_next_seq (ob);
    size_t n_files = 0;
    s_put (s_spool, "export.jsonl", S_A);
    s_after_commit = s_replace_export;
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK (s_after_commit == NULL);  /* the hook ran */
    CHECK_EQ_I64 (n_files, 1);
    CHECK_EQ_I64 (outbox_depth (ob), 1);
    /*  What was read is in flight; the replacement waits in the spool. */
    CHECK_STR (s_cat (s_inflight, "export.jsonl"), S_A);
    CHECK_STR (s_cat (s_spool, "export.jsonl"), S_B);

    /*  It waits while its name is in progress ... */
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 0);
    s_ack (ob, seq);
    CHECK_RC (spool_complete (spool, NULL), PMO_OK);
    CHECK_STR (s_cat (s_done, "export.jsonl"), S_A);

    /*  ... and is read after it, never lost. */
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 1);
    CHECK_EQ_I64 (outbox_depth (ob), 2);
    CHECK_EQ_I64 (outbox_next_seq (ob), seq + 3);
    s_ack (ob, seq + 1);
    s_ack (ob, seq + 2);
    CHECK_RC (spool_complete (spool, NULL), PMO_OK);
    CHECK_STR (s_cat (s_done, "export.1.jsonl"), S_B);
    CHECK_STR (s_cat (s_spool, "export.jsonl"), "(absent)");
    CHECK_EQ_I64 (outbox_depth (ob), 0);
}

//  --------------------------------------------------------------------------
//  Crash states

/*  A claim that was never committed (a crash while reading, or a full
 *  outbox) is read at the next scan. */
static void
s_test_claim_not_queued (outbox_t *ob, spool_t *spool)
{
    uint64_t seq = outbox_next_seq (ob);
    size_t n_files = 0;
    s_put (s_inflight, ".late.jsonl", S_A);
    s_put (s_spool, "late.jsonl", S_B);  /* a newer one waits for it */
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 1);
    CHECK_EQ_I64 (outbox_depth (ob), 1);
    CHECK_STR (s_cat (s_inflight, "late.jsonl"), S_A);
    CHECK_STR (s_cat (s_inflight, ".late.jsonl"), "(absent)");
    CHECK_STR (s_cat (s_spool, "late.jsonl"), S_B);
    s_ack (ob, seq);
    CHECK_RC (spool_complete (spool, NULL), PMO_OK);
    CHECK_STR (s_cat (s_done, "late.jsonl"), S_A);
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 1);
    s_ack (ob, seq + 1);
    s_ack (ob, seq + 2);
    CHECK_RC (spool_complete (spool, NULL), PMO_OK);
    CHECK_STR (s_cat (s_done, "late.1.jsonl"), S_B);
}

/*  A claim committed just before a crash is only renamed, or moved to
 *  done/ when it was answered meanwhile: never read twice. */
static void
s_test_claim_queued (outbox_t *ob, spool_t **spool_p)
{
    uint64_t seq = outbox_next_seq (ob);
    size_t n_files = 0;
    char from[600], to[600];
    snprintf (from, sizeof from, "%s/q.jsonl", s_inflight);
    snprintf (to, sizeof to, "%s/.q.jsonl", s_inflight);

    s_put (s_spool, "q.jsonl", S_A);
    CHECK_RC (spool_scan (*spool_p, &n_files), PMO_OK);
    CHECK (rename (from, to) == 0);  /* as if killed before the last rename */
    CHECK_RC (spool_scan (*spool_p, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 0);
    CHECK_EQ_I64 (outbox_next_seq (ob), seq + 1);
    CHECK_STR (s_cat (s_inflight, "q.jsonl"), S_A);

    /*  Answered, then a restart: spool_open completes it from the claim. */
    CHECK (rename (from, to) == 0);
    s_ack (ob, seq);
    spool_close (spool_p);
    char why[256] = "";
    CHECK_RC (spool_open (s_spool, ob, spool_p, why, sizeof why), PMO_OK);
    REQUIRE_VOID (*spool_p != NULL);
    CHECK_STR (s_cat (s_done, "q.jsonl"), S_A);
    CHECK_STR (s_cat (s_inflight, ".q.jsonl"), "(absent)");
    CHECK_RC (spool_scan (*spool_p, &n_files), PMO_OK);
    CHECK_EQ_I64 (n_files, 0);
    CHECK_EQ_I64 (outbox_next_seq (ob), seq + 1);
}

/*  A file in .inflight that is not the one read for its record (left by a
 *  version that moved a replacement by name) never reaches done/. */
static void
s_test_inflight_not_read (outbox_t *ob, spool_t *spool)
{
    uint64_t seq = outbox_next_seq (ob);
    size_t n_files = 0;
    s_put (s_spool, "r.jsonl", S_A);
    CHECK_RC (spool_scan (spool, &n_files), PMO_OK);
    s_put (s_inflight, "r.jsonl", S_B);
    s_ack (ob, seq);
    CHECK_RC (spool_complete (spool, NULL), PMO_OK);
    CHECK_STR (s_cat (s_done, "r.jsonl"), "(absent)");
    CHECK_STR (s_cat (s_inflight, "r.jsonl"), S_B);
    outbox_file_t f;
    CHECK_RC (outbox_file_find (ob, spool_dir (spool), "r.jsonl", &f), PMO_ENOTFOUND);
}

static void
s_test_spool (void)
{
    char state[128], why[256] = "";
    snprintf (state, sizeof state, "%s/state", s_base);
    snprintf (s_spool, sizeof s_spool, "%s/spool", s_base);
    snprintf (s_inflight, sizeof s_inflight, "%s/.inflight", s_spool);
    snprintf (s_done, sizeof s_done, "%s/done", s_spool);
    outbox_t *ob = NULL;
    spool_t *spool = NULL;
    CHECK_RC (outbox_open (state, "races-agent", 0, &ob, why, sizeof why), PMO_OK);
    REQUIRE_VOID (ob != NULL);
    CHECK_RC (spool_open (s_spool, ob, &spool, why, sizeof why), PMO_OK);
    if (spool) {
        s_test_replaced_while_read (ob, spool);
        s_test_claim_not_queued (ob, spool);
        s_test_claim_queued (ob, &spool);
    }
    if (spool)
        s_test_inflight_not_read (ob, spool);
    spool_close (&spool);
    outbox_close (&ob);
}

//  --------------------------------------------------------------------------
//  Config lines longer than libinih takes

/*  libinih reads into INI_MAX_LINE bytes: the line, "\r\n" and a NUL. */
#define S_LINE_MAX (INI_MAX_LINE - 3)

/*  Writes a config file whose line 3 is "KEY = " padded to len bytes. */
static void
s_write_conf (const char *path, const char *head, const char *key, int len, const char *tail)
{
    FILE *f = fopen (path, "w");
    REQUIRE_VOID (f != NULL);
    fprintf (f, "%s%s = ", head, key);
    for (int i = (int) strlen (key) + 3; i < len; i++)
        fputc ('x', f);
    fprintf (f, "\n%s", tail);
    fclose (f);
}

static void
s_test_config_long_lines (void)
{
    char path[128], want[256], why[256];
    snprintf (path, sizeof path, "%s/team.conf", s_base);
    agent_config_t cfg;

    /*  The longest line inih takes is read whole ... */
    s_write_conf (path, "[agent]\nid = a1\n", "key", S_LINE_MAX, "[spool]\npoll = 50\n");
    config_init (&cfg);
    CHECK_RC (config_load (&cfg, path, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (cfg.key ? strlen (cfg.key) : 0, S_LINE_MAX - 6);
    CHECK_EQ_I64 (cfg.poll_ms, 50);
    config_free (&cfg);

    /*  ... one byte more is refused with its line, not split. */
    s_write_conf (path, "[agent]\nid = a1\n", "key", S_LINE_MAX + 1, "[spool]\npoll = 50\n");
    config_init (&cfg);
    CHECK_RC (config_load (&cfg, path, why, sizeof why), PMO_EINVAL);
    snprintf (want, sizeof want, "%s:3: line longer than %d bytes", path, S_LINE_MAX);
    CHECK_STR (why, want);
    config_free (&cfg);

    /*  300 bytes, the size that used to become a value and a comment. */
    s_write_conf (path, "[agent]\nid = a1\n", "state", 300, "");
    config_init (&cfg);
    CHECK_RC (config_load (&cfg, path, why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, want);
    config_free (&cfg);

    /*  An error on an earlier line is still the one reported. */
    s_write_conf (path, "[agent]\nhartbeat = 3\n", "key", 300, "");
    config_init (&cfg);
    CHECK_RC (config_load (&cfg, path, why, sizeof why), PMO_EINVAL);
    snprintf (want, sizeof want, "%s:2: unknown key \"hartbeat\" in [agent]", path);
    CHECK_STR (why, want);
    config_free (&cfg);

    /*  The sources' reader of the same file. */
    sources_t *sources = NULL;
    s_write_conf (path, "[source.ci]\ntype = command\n", "command", S_LINE_MAX,
                  "poll = 2000\n");
    CHECK_RC (sources_load (path, &sources, why, sizeof why), PMO_OK);
    sources_destroy (&sources);
    s_write_conf (path, "[source.ci]\ntype = command\n", "command", 300, "poll = 2000\n");
    CHECK_RC (sources_load (path, &sources, why, sizeof why), PMO_EINVAL);
    CHECK (sources == NULL);
    snprintf (want, sizeof want, "%s:3: line longer than %d bytes", path, S_LINE_MAX);
    CHECK_STR (why, want);
    unlink (path);
}

int
main (void)
{
    pmo_log_init ("test_spool_more", PMO_LOG_ERROR);
    snprintf (s_base, sizeof s_base, "/tmp/pmo-test-spool-more-XXXXXX");
    REQUIRE (mkdtemp (s_base) != NULL);
    s_test_spool ();
    s_test_config_long_lines ();
    harness_rm_rf (s_base);
    return harness_report ();
}
