/*  test_sources: the pure parts of pmo-agent's sources on fixed inputs:
 *  timew and task exports parsed, intervals split at local midnight (a
 *  fixed UTC+2 zone and a zone with a DST change), progress in basis
 *  points, the [source.NAME] config sections and their errors, the void
 *  record and the ref field, and the outbox transaction that holds a
 *  poll's updates and the source's state together. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "outbox.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_log.h"
#include "source.h"
#include "source_parse.h"
#include "spool.h"

static int32_t
s_day (const char *iso)
{
    int32_t d = 0;
    pmo_date_parse (iso, &d);
    return d;
}

static int64_t
s_utc (const char *s)
{
    int64_t t = -1;
    source_utc_parse (s, &t);
    return t;
}

static void
s_test_utc (void)
{
    CHECK_EQ_I64 (s_utc ("19700101T000000Z"), 0);
    CHECK_EQ_I64 (s_utc ("20261120T090000Z"), 1795165200);
    int64_t t;
    CHECK_RC (source_utc_parse ("20261120T090000", &t), PMO_EINVAL);
    CHECK_RC (source_utc_parse ("2026-11-20T09:00:00Z", &t), PMO_EINVAL);
    CHECK_RC (source_utc_parse ("20261320T090000Z", &t), PMO_EINVAL);
    CHECK_RC (source_utc_parse ("20261120T250000Z", &t), PMO_EINVAL);
    CHECK_RC (source_utc_parse (NULL, &t), PMO_EINVAL);
}

static void
s_test_timew_parse (void)
{
    const char *json =
        "[\n"
        "{\"id\":3,\"start\":\"20261120T070000Z\",\"end\":\"20261120T083000Z\",\"tags\":[\"apollo\",\"design\"]},\n"
        "{\"id\":2,\"start\":\"20261120T210000Z\",\"end\":\"20261120T231500Z\"},\n"
        "{\"id\":1,\"start\":\"20261121T060000Z\",\"tags\":[\"apollo\"],\"annotation\":\"open\"}\n"
        "]\n";
    timew_interval_t *items = NULL;
    size_t n = 0;
    char why[256] = "";
    CHECK_RC (timew_parse (json, strlen (json), &items, &n, why, sizeof why), PMO_OK);
    REQUIRE_VOID (n == 3);
    CHECK_EQ_I64 (items[0].start, s_utc ("20261120T070000Z"));
    CHECK_EQ_I64 (items[0].end, s_utc ("20261120T083000Z"));
    CHECK_STR (items[0].start_text, "20261120T070000Z");
    CHECK_EQ_I64 (items[0].n_tags, 2);
    CHECK_STR (items[0].tags[1], "design");
    CHECK_EQ_I64 (items[1].n_tags, 0);
    CHECK_EQ_I64 (items[2].end, -1);
    timew_intervals_free (items, n);

    const char *empty = "[\n]\n";
    CHECK_RC (timew_parse (empty, strlen (empty), &items, &n, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (n, 0);
    timew_intervals_free (items, n);

    const struct {
        const char *json;
        const char *why;
    } bad[] = {
        {"{\"id\":1}", "timew export: not a JSON array (other JSON)"},
        {"[{\"id\":1,", "timew export: not a JSON array (continue)"},
        {"[{\"id\":1,\"start\":\"yesterday\"}]",
         "timew export: interval 1: start \"yesterday\" is not like 20261120T090000Z"},
        {"[{\"start\":\"20261120T070000Z\",\"end\":\"20261120T060000Z\"}]",
         "timew export: interval 1: end \"20261120T060000Z\" is not an instant after its start"},
        {"[3]", "timew export: interval 1 is not an object"},
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        why[0] = '\0';
        CHECK_RC (timew_parse (bad[i].json, strlen (bad[i].json), &items, &n, why, sizeof why),
                  PMO_EINVAL);
        CHECK_STR (why, bad[i].why);
        CHECK (items == NULL);
    }
}

static void
s_test_split (void)
{
    timew_part_t parts[8];
    /*  UTC+2: 23:00 -> 01:15 local is 21:00Z -> 23:15Z, one UTC day, two
     *  local days. */
    setenv ("TZ", "XXT-2", 1);
    tzset ();
    size_t n = timew_split (s_utc ("20261120T210000Z"), s_utc ("20261120T231500Z"), parts, 8);
    CHECK_EQ_I64 (n, 2);
    CHECK_EQ_I64 (parts[0].day, s_day ("2026-11-20"));
    CHECK_EQ_I64 (parts[0].minutes, 60);
    CHECK_EQ_I64 (parts[1].day, s_day ("2026-11-21"));
    CHECK_EQ_I64 (parts[1].minutes, 75);
    /*  Inside one day; seconds rounded half up (89 s -> 1, 29 s -> 0). */
    n = timew_split (s_utc ("20261120T070000Z"), s_utc ("20261120T083000Z"), parts, 8);
    CHECK_EQ_I64 (n, 1);
    CHECK_EQ_I64 (parts[0].minutes, 90);
    n = timew_split (s_utc ("20261120T070000Z"), s_utc ("20261120T070129Z"), parts, 8);
    CHECK_EQ_I64 (parts[0].minutes, 1);
    n = timew_split (s_utc ("20261120T070000Z"), s_utc ("20261120T070029Z"), parts, 8);
    CHECK_EQ_I64 (parts[0].minutes, 0);
    n = timew_split (s_utc ("20261120T070000Z"), s_utc ("20261120T070000Z"), parts, 8);
    CHECK_EQ_I64 (n, 0);
    /*  Ending exactly at local midnight: one part. */
    n = timew_split (s_utc ("20261120T210000Z"), s_utc ("20261120T220000Z"), parts, 8);
    CHECK_EQ_I64 (n, 1);
    CHECK_EQ_I64 (parts[0].minutes, 60);
    /*  Three local days; more parts than room: the count says so. */
    n = timew_split (s_utc ("20261119T210000Z"), s_utc ("20261121T230000Z"), parts, 2);
    CHECK_EQ_I64 (n, 4);
    CHECK_EQ_I64 (parts[0].day, s_day ("2026-11-19"));
    CHECK_EQ_I64 (parts[0].minutes, 60);
    CHECK_EQ_I64 (parts[1].minutes, 1440);
    /*  Central Europe on the night clocks go forward (2026-03-29 has 23
     *  hours): 22:00 on the 28th to 01:00 on the 30th, local. */
    setenv ("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset ();
    n = timew_split (s_utc ("20260328T210000Z"), s_utc ("20260329T230000Z"), parts, 8);
    CHECK_EQ_I64 (n, 3);
    CHECK_EQ_I64 (parts[0].day, s_day ("2026-03-28"));
    CHECK_EQ_I64 (parts[0].minutes, 120);
    CHECK_EQ_I64 (parts[1].day, s_day ("2026-03-29"));
    CHECK_EQ_I64 (parts[1].minutes, 1380);
    CHECK_EQ_I64 (parts[2].day, s_day ("2026-03-30"));
    CHECK_EQ_I64 (parts[2].minutes, 60);
    setenv ("TZ", "XXT-2", 1);
    tzset ();
}

static void
s_test_task_parse (void)
{
    const char *json =
        "[\n"
        "{\"id\":1,\"description\":\"a\",\"estimate\":3,\"project\":\"Apollo.ui\",\"status\":\"pending\","
        "\"uuid\":\"u1\",\"tags\":[\"design\"]},\n"
        "{\"id\":0,\"end\":\"20261120T230000Z\",\"estimate\":2.5,\"project\":\"Apollo\",\"status\":\"completed\",\"uuid\":\"u2\"},\n"
        "{\"id\":0,\"estimate\":\"1.25\",\"status\":\"deleted\",\"uuid\":\"u3\"},\n"
        "{\"id\":2,\"status\":\"waiting\",\"uuid\":\"u4\"}\n"
        "]";
    task_item_t *items = NULL;
    size_t n = 0;
    char why[256] = "";
    CHECK_RC (task_parse (json, strlen (json), "estimate", &items, &n, why, sizeof why), PMO_OK);
    REQUIRE_VOID (n == 4);
    CHECK_STR (items[0].project, "Apollo.ui");
    CHECK_STR (items[0].status, "pending");
    CHECK_EQ_I64 (items[0].weight, 30000);
    CHECK_EQ_I64 (items[0].end, -1);
    CHECK_STR (items[0].tags[0], "design");
    CHECK_EQ_I64 (items[1].weight, 25000);
    CHECK_EQ_I64 (items[1].end, s_utc ("20261120T230000Z"));
    CHECK_EQ_I64 (items[2].weight, 12500);
    CHECK (items[2].project == NULL);
    CHECK_EQ_I64 (items[3].weight, -1);
    task_items_free (items, n);
    /*  Without a weight attribute, none is read. */
    CHECK_RC (task_parse (json, strlen (json), NULL, &items, &n, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (items[0].weight, -1);
    task_items_free (items, n);

    const struct {
        const char *json;
        const char *why;
    } bad[] = {
        {"[{\"status\":\"pending\",\"uuid\":\"u1\",\"estimate\":\"big\"}]",
         "task export: task u1: estimate \"big\" is not a number of 0 or more with at most 4 decimals"},
        {"[{\"status\":\"pending\",\"uuid\":\"u1\",\"estimate\":-1}]",
         "task export: task u1: estimate \"-1\" is not a number of 0 or more with at most 4 decimals"},
        {"[{\"uuid\":\"u1\"}]", "task export: task 1 has no status"},
        {"[{\"status\":\"completed\",\"uuid\":\"u9\",\"end\":\"soon\"}]",
         "task export: task u9: end \"soon\" is not like 20261120T090000Z"},
        {"{\"id\":1,\"status\":\"pending\"}", "task export: not a JSON array (other JSON)"},
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        why[0] = '\0';
        CHECK_RC (task_parse (bad[i].json, strlen (bad[i].json), "estimate", &items, &n, why,
                              sizeof why),
                  PMO_EINVAL);
        CHECK_STR (why, bad[i].why);
    }

    CHECK_EQ_I64 (task_progress_bp (30000, 100000), 3000);
    CHECK_EQ_I64 (task_progress_bp (2, 3), 6666);
    CHECK_EQ_I64 (task_progress_bp (19999, 20000), 9999);  /* 100 % only when done */
    CHECK_EQ_I64 (task_progress_bp (5, 5), 10000);
    CHECK_EQ_I64 (task_progress_bp (0, 7), 0);
    CHECK_EQ_I64 (task_progress_bp (0, 0), -1);
}

/*  Loads text as a config file; returns the rc and why. */
static int
s_load (const char *dir, const char *text, sources_t **s, char *why, size_t n)
{
    char path[300];
    snprintf (path, sizeof path, "%s/team.conf", dir);
    FILE *f = fopen (path, "w");
    fputs (text, f);
    fclose (f);
    why[0] = '\0';
    return sources_load (path, s, why, n);
}

static void
s_test_config (const char *dir)
{
    sources_t *s = NULL;
    char why[512];
    CHECK_RC (s_load (dir,
                      "[agent]\nid = a1\n"
                      "[source.ana-time]\ntype = timewarrior\nperson = ana\npoll = 2000\n"
                      "project.apollo = APOLLO\nproject.client work = ZEUS\nactivity.design = design\n"
                      "[spool]\ndir = /tmp/x\n"
                      "[source.tasks]\ntype = taskwarrior\ndata = /srv/task\nweight = estimate\n"
                      "project.Apollo = APOLLO\nmilestone.design = Design approved\ntimeout = 5000\n"
                      "[source.ci]\ntype = command\ncommand = ./export.sh --since yesterday\n",
                      &s, why, sizeof why),
              PMO_OK);
    CHECK_STR (why, "");
    REQUIRE_VOID (sources_count (s) == 3);
    source_t *t = sources_at (s, 0);
    CHECK_STR (t->name, "ana-time");
    CHECK_STR (t->kind->name, "timewarrior");
    CHECK_EQ_I64 (t->poll_ms, 2000);
    CHECK_EQ_I64 (t->timeout_ms, 30000);
    CHECK_STR (source_opt (t, "person"), "ana");
    CHECK_STR (source_map (t, "project", "apollo"), "APOLLO");
    CHECK_STR (source_map (t, "project", "client work"), "ZEUS");
    CHECK_STR (source_map (t, "activity", "design"), "design");
    CHECK (source_map (t, "project", "design") == NULL);
    t = sources_at (s, 1);
    CHECK_EQ_I64 (t->poll_ms, 60000);
    CHECK_EQ_I64 (t->timeout_ms, 5000);
    CHECK_STR (source_map (t, "milestone", "design"), "Design approved");
    CHECK_STR (source_opt (sources_at (s, 2), "command"), "./export.sh --since yesterday");
    sources_destroy (&s);
    CHECK (s == NULL);

    char path[300];
    snprintf (path, sizeof path, "%s/team.conf", dir);
    const struct {
        const char *text;
        const char *why;          /* after "PATH" */
    } bad[] = {
        {"[source.x]\ntype = jira\n", ":2: type: \"jira\" is not one of taskwarrior, timewarrior, command"},
        {"[source.x]\nperson = ana\n", ":2: [source.x]: type = taskwarrior|timewarrior|command must come first"},
        {"[source.x]\ntype = timewarrior\nperson = ana\nprojet.apollo = APOLLO\n",
         ":4: unknown key \"projet.apollo\" in [source.x] (type timewarrior)"},
        {"[source.x]\ntype = timewarrior\nperson = ana\nweight = estimate\n",
         ":4: unknown key \"weight\" in [source.x] (type timewarrior)"},
        {"[source.x]\ntype = timewarrior\npoll = 10\n", ":3: poll: 10 is outside 1000..86400000"},
        {"[source.x]\ntype = timewarrior\npoll = soon\n", ":3: poll: \"soon\" is not a whole number"},
        {"[source.x]\ntype = timewarrior\ntype = command\n", ":3: [source.x]: type given twice"},
        {"[source.a b]\ntype = command\n", ":2: [source.a b]: a source name is 1 to 64 letters, digits, '-' or '_'"},
        {"[source.x]\ntype = timewarrior\nproject.apollo = APOLLO\n",
         ": [source.x] person: missing (the person whose time this database holds)"},
        {"[source.x]\ntype = taskwarrior\nproject.Apollo = APOLLO\n",
         ": [source.x] data: missing (the Taskwarrior data directory, TASKDATA)"},
        {"[source.x]\ntype = taskwarrior\ndata = /srv/task\n",
         ": [source.x] no project.NAME = CODE mapping: nothing to report"},
        {"[source.x]\ntype = command\n",
         ": [source.x] command: missing (a shell command printing JSON lines)"},
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        char want[600];
        snprintf (want, sizeof want, "%s%s", path, bad[i].why);
        CHECK_RC (s_load (dir, bad[i].text, &s, why, sizeof why), PMO_EINVAL);
        CHECK_STR (why, want);
        CHECK (s == NULL);
    }
    /*  No config file: no sources. */
    CHECK_RC (sources_load (NULL, &s, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (sources_count (s), 0);
    sources_destroy (&s);
}

static void
s_test_records (void)
{
    record_t rec;
    record_init (&rec);
    pmo_reason_t why;
    pmo_reason_clear (&why);
    record_request_t rr;
    const char *v = "{\"type\":\"void\",\"ref\":\"timew:x\"}";
    CHECK_RC (spool_jsonl_parse (v, strlen (v), &rec, &why), PMO_OK);
    CHECK_RC (record_to_request (&rec, s_day ("2026-11-22"), &rr, &why), PMO_OK);
    CHECK_EQ_I64 (rr.req.body_case, PMO__REQUEST__BODY_VOID_ENTRY);
    CHECK_STR (rr.req.void_entry->ref, "timew:x");
    CHECK_STR (record_kind_name (rr.req.body_case), "void");
    v = "{\"type\":\"void\"}";
    CHECK_RC (spool_jsonl_parse (v, strlen (v), &rec, &why), PMO_OK);
    CHECK_RC (record_to_request (&rec, s_day ("2026-11-22"), &rr, &why), PMO_EINVAL);
    CHECK_STR (why.text, "ref: missing");
    v = "{\"type\":\"void\",\"ref\":\"r\",\"minutes\":5}";
    CHECK_RC (spool_jsonl_parse (v, strlen (v), &rec, &why), PMO_OK);
    CHECK_RC (record_to_request (&rec, s_day ("2026-11-22"), &rr, &why), PMO_EINVAL);
    CHECK_STR (why.text, "minutes: not a field of a void record");
    v = "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"minutes\":5,\"ref\":\"ci:1\"}";
    CHECK_RC (spool_jsonl_parse (v, strlen (v), &rec, &why), PMO_OK);
    CHECK_RC (record_to_request (&rec, s_day ("2026-11-22"), &rr, &why), PMO_OK);
    CHECK_STR (rr.req.time->ref, "ci:1");
    v = "{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount\":\"1.00\",\"ref\":\"c:1\"}";
    CHECK_RC (spool_jsonl_parse (v, strlen (v), &rec, &why), PMO_OK);
    CHECK_RC (record_to_request (&rec, s_day ("2026-11-22"), &rr, &why), PMO_OK);
    CHECK_STR (rr.req.cost->ref, "c:1");
    v = "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":5,\"ref\":\"p\"}";
    CHECK_RC (spool_jsonl_parse (v, strlen (v), &rec, &why), PMO_OK);
    CHECK_RC (record_to_request (&rec, s_day ("2026-11-22"), &rr, &why), PMO_EINVAL);
    CHECK_STR (why.text, "ref: not a field of a progress record");
    record_clear (&rec);
}

typedef struct {
    char keys[8][32];
    size_t n;
} s_keys_t;

static bool
s_collect_key (void *arg, const void *key, size_t key_len, const pmo_val_t *val)
{
    s_keys_t *k = arg;
    if (k->n < 8)
        snprintf (k->keys[k->n++], 32, "%.*s=%.*s", (int) key_len, (const char *) key,
                  (int) val->len, (const char *) val->data);
    return true;
}

static void
s_test_outbox_txn (const char *dir)
{
    char path[300], why[256];
    snprintf (path, sizeof path, "%s/state", dir);
    outbox_t *ob = NULL;
    REQUIRE_VOID (outbox_open (path, "a1", 0, &ob, why, sizeof why) == PMO_OK);
    uint64_t s0 = outbox_next_seq (ob);
    Pmo__Progress p = PMO__PROGRESS__INIT;
    p.project = "APOLLO";
    p.has_percent_bp = true;
    p.percent_bp = 1200;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROGRESS;
    req.progress = &p;

    /*  Aborted: neither the update nor the state is there. */
    outbox_txn_t *t = NULL;
    CHECK_RC (outbox_txn_begin (ob, &t), PMO_OK);
    CHECK_RC (outbox_txn_add (t, &req, "x", 1), PMO_OK);
    CHECK_RC (outbox_txn_state_put (t, "src", "p:APOLLO", 8, "12.00", 5), PMO_OK);
    outbox_txn_abort (&t);
    CHECK (t == NULL);
    CHECK_EQ_I64 (outbox_depth (ob), 0);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0);

    /*  Committed: both, with the next seq. */
    CHECK_RC (outbox_txn_begin (ob, &t), PMO_OK);
    CHECK_RC (outbox_txn_add (t, &req, "x", 1), PMO_OK);
    CHECK_RC (outbox_txn_add (t, &req, "y", 1), PMO_OK);
    CHECK_EQ_I64 (outbox_txn_added (t), 2);
    CHECK_RC (outbox_txn_state_put (t, "src", "p:APOLLO", 8, "12.00", 5), PMO_OK);
    CHECK_RC (outbox_txn_state_put (t, "src", "m:X", 3, "2026-11-20", 10), PMO_OK);
    CHECK_RC (outbox_txn_state_put (t, "src2", "p:APOLLO", 8, "99.00", 5), PMO_OK);
    CHECK_RC (outbox_txn_status_put (t, "src", "{\"runs\":1}"), PMO_OK);
    CHECK_RC (outbox_txn_commit (&t), PMO_OK);
    CHECK (t == NULL);
    CHECK_EQ_I64 (outbox_depth (ob), 2);
    CHECK_EQ_I64 (outbox_next_seq (ob), s0 + 2);

    CHECK_RC (outbox_txn_begin (ob, &t), PMO_OK);
    pmo_val_t v;
    CHECK_RC (outbox_txn_state_get (t, "src", "p:APOLLO", 8, &v), PMO_OK);
    CHECK (v.len == 5 && memcmp (v.data, "12.00", 5) == 0);
    CHECK_RC (outbox_txn_state_get (t, "src", "p:ZEUS", 6, &v), PMO_ENOTFOUND);
    s_keys_t keys = {0};
    CHECK_RC (outbox_txn_state_each (t, "src", s_collect_key, &keys), PMO_OK);
    CHECK_EQ_I64 (keys.n, 2);
    CHECK_STR (keys.keys[0], "m:X=2026-11-20");
    CHECK_STR (keys.keys[1], "p:APOLLO=12.00");
    CHECK_RC (outbox_txn_state_del (t, "src", "m:X", 3), PMO_OK);
    CHECK_RC (outbox_txn_state_del (t, "src", "m:X", 3), PMO_ENOTFOUND);
    CHECK_RC (outbox_txn_commit (&t), PMO_OK);
    outbox_close (&ob);

    /*  status reads it back read-only. */
    REQUIRE_VOID (outbox_open (path, NULL, 0, &ob, why, sizeof why) == PMO_OK);
    CHECK_EQ_I64 (outbox_depth (ob), 2);
    outbox_close (&ob);
}

int
main (void)
{
    pmo_log_init ("test_sources", PMO_LOG_ERROR);
    char dir[] = "/tmp/pmo-test-sources-XXXXXX";
    if (!mkdtemp (dir))
        return 1;
    s_test_utc ();
    s_test_timew_parse ();
    s_test_split ();
    s_test_task_parse ();
    s_test_config (dir);
    s_test_records ();
    s_test_outbox_txn (dir);
    int rc = harness_report ();
    harness_rm_rf (dir);
    return rc;
}
