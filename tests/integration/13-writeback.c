/*  13-writeback: pmod's write-back tables (totals, daily, time_agg,
 *  person_day: pmo_store.h) through a real pmod.
 *
 *  - kill -9 while acknowledged updates are only in the journal: after the
 *    restart every total, every per-day figure (status --as-of), the time
 *    report by person and the 24-hour check per person-day are exact, and
 *    the journal was replayed and emptied;
 *  - a read right after a burst sees every acknowledged update (the fold
 *    before reads);
 *  - pmod folds when idle, and at SIGTERM;
 *  - `project show` lists the project's newest events (from its recent
 *    record, or for more than it keeps from the index);
 *  - `log --project --since` pages start inside and at the edges of the
 *    index's blocks (broker/project_index.h) and in its tail;
 *  - after the kill -9, every update of the killed burst is answered
 *    "duplicate" (which updates were applied is journalled too);
 *  - version-7 and 6 directories (the same tables), a version-5 one (the
 *    project index a key per event, bucketed) and a version-3 one (that
 *    index keyed by project first, a dedup record per update) are upgraded
 *    on start: `log --project` and `project show` list the same events,
 *    every resend is still answered "duplicate" with its first seq,
 *    nothing is counted twice, schema 8;
 *  - updates applied out of order (an older block of an agent's seqs than
 *    its current one) are recognised too. */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "client_util.h"
#include "fault_util.h"
#include "harness.h"
#include "pmo/pmo_store.h"
#include "tables.h"  /* pmod's schema version */

#define CTL PMOCTL_BIN
#define N_DAYS 30

static tenv_t e;

typedef struct {
    expect_t x;
    long long person_day[N_PEOPLE][N_DAYS + 1];  /* minutes, day 1..30 of 2026-10 */
    long long person[N_PEOPLE];
    long long money_to_15th;                      /* labour + costs dated <= 10-15 */
    uint64_t seq;                                 /* last update seq of agent "wb" */
} sent_t;

static sent_t s;

/*  The event seq each of agent "wb"'s updates got, read from the store by
 *  s_downgrade (3) (index: update seq). */
#define MAX_UPDATES 4096
static uint64_t s_first_seq[MAX_UPDATES];
static int s_n_first;

/*  Sends req as agent "wb"'s next update.  Returns the reply's status. */
static int
s_update (pmo_client_t *c, Pmo__Request *req, char *reason)
{
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "wb";
    id.has_seq = true;
    id.seq = ++s.seq;
    req->update = &id;
    return call_status (c, req, reason, reason ? 200 : 0);
}

/*  A time entry of person p<person> on 2026-10-<day>, in who and date. */
static Pmo__TimeEntry
s_time_entry (int person, int day, int minutes, char who[16], char date[16])
{
    snprintf (who, 16, "p%d", person);
    snprintf (date, 16, "2026-10-%02d", day);
    Pmo__TimeEntry te = PMO__TIME_ENTRY__INIT;
    te.project = (char *) "WB";
    te.person = who;
    te.date = date;
    te.has_minutes = true;
    te.minutes = minutes;
    return te;
}

/*  A one-minute time entry (p0, 2026-10-01) as agent "wb"'s update useq;
 *  its reply's seq in *seq, and whether it was a duplicate.  Returns the
 *  reply's status. */
static int
s_time_as (pmo_client_t *c, uint64_t useq, uint64_t *seq, bool *duplicate)
{
    char who[16], date[16];
    Pmo__TimeEntry te = s_time_entry (0, 1, 1, who, date);
    REQ (req, TIME, time, &te);
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "wb";
    id.has_seq = true;
    id.seq = useq;
    req.update = &id;
    Pmo__Reply *r = call (c, &req);
    int st = r ? (int) r->status : -1;
    *seq = r ? r->seq : 0;
    *duplicate = r && r->duplicate;
    pmo_wire_free (r);
    return st;
}

static int
s_time (pmo_client_t *c, int person, int day, int minutes, char *reason)
{
    char who[16], date[16];
    Pmo__TimeEntry te = s_time_entry (person, day, minutes, who, date);
    REQ (req, TIME, time, &te);
    return s_update (c, &req, reason);
}

static int
s_cost (pmo_client_t *c, int day, int cents)
{
    char date[16];
    snprintf (date, sizeof date, "2026-10-%02d", day);
    Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
    ce.project = (char *) "WB";
    ce.date = date;
    ce.has_amount_minor = true;
    ce.amount_minor = cents;
    REQ (req, COST, cost, &ce);
    return s_update (c, &req, NULL);
}

/*  n updates back to back (no read in between), each acknowledged. */
static void
s_burst (int n)
{
    pmo_client_t *c = NULL;
    REQUIRE_VOID (pmo_client_open (e.endpoint, &c) == 0);
    for (int i = 0; i < n; i++) {
        int k = (int) s.x.records;
        int day = 1 + k % N_DAYS;
        if (k % 5 == 4) {
            int cents = 1 + k % 97;
            CHECK_EQ_I64 (s_cost (c, day, cents), PMO__STATUS__STATUS_OK);
            s.x.cost_minor += cents;
            s.money_to_15th += day <= 15 ? cents : 0;
        } else {
            int person = (k / 3) % N_PEOPLE, minutes = 5 + k % 21;
            CHECK_EQ_I64 (s_time (c, person, day, minutes, NULL), PMO__STATUS__STATUS_OK);
            s.x.minutes += minutes;
            s.x.cost_minor += minutes * 100;
            s.money_to_15th += day <= 15 ? minutes * 100 : 0;
            s.person_day[person][day] += minutes;
            s.person[person] += minutes;
        }
        s.x.records++;
    }
    pmo_client_close (&c);
}

/*  Records in the journal of the data directory, read beside pmod (LMDB
 *  allows a reader in another process); -1 when it cannot be opened. */
static long long
s_journal (void)
{
    static const char *const dbs[] = {"journal"};
    pmo_store_opts_t o = {.kind = "pmod", .version = PMOD_SCHEMA_VERSION, .dbs = dbs, .n_dbs = 1, .read_only = true};
    pmo_store_t *st = NULL;
    if (pmo_store_open (e.data, &o, &st, NULL, 0) != PMO_OK)
        return -1;
    pmo_txn_t *t = NULL;
    long long n = -1;
    if (pmo_txn_begin (st, NULL, false, &t) == PMO_OK)
        n = (long long) pmo_db_count (t, 0);
    pmo_txn_abort (&t);
    pmo_store_close (&st);
    return n;
}

static void
s_check_all (const char *when)
{
    fprintf (stderr, "checking the figures %s\n", when);
    long long minutes = 0, money = 0, entries = 0;
    REQUIRE_VOID (fault_totals ("WB", &minutes, &money, &entries) == 0);
    CHECK_EQ_I64 (minutes, s.x.minutes);
    CHECK_EQ_I64 (money, s.x.cost_minor);
    CHECK_EQ_I64 (entries, s.x.records);
    /*  Per day (daily): actual cost as of the 15th. */
    json_object *j = RUN_JSON (CTL, "status", "--json", "--as-of", "2026-10-15");
    CHECK_EQ_I64 (json_int (j, "rows.0.evm.ac_minor"), s.money_to_15th);
    json_object_put (j);
    /*  Per person (time_agg). */
    j = RUN_JSON (CTL, "report", "time", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "person", "--json");
    for (int p = 0; p < N_PEOPLE; p++) {
        char path[64];
        snprintf (path, sizeof path, "rows.%d.keys.0", p);
        char want[8];
        snprintf (want, sizeof want, "p%d", p);
        CHECK_STR (json_str (j, path), want);
        snprintf (path, sizeof path, "rows.%d.values.0", p);
        CHECK_EQ_I64 (json_int (j, path), s.person[p]);
    }
    json_object_put (j);
    /*  Per person-day (person_day): the 24-hour check counts exactly what
     *  was booked. */
    pmo_client_t *c = NULL;
    REQUIRE_VOID (pmo_client_open (e.endpoint, &c) == 0);
    char reason[200] = "", want[200];
    for (int p = 0; p < N_PEOPLE; p += 3) {
        int d = 1;
        while (d < N_DAYS && s.person_day[p][d] == 0)
            d++;
        CHECK (s.person_day[p][d] > 0);
        CHECK_EQ_I64 (s_time (c, p, d, 1440, reason), PMO__STATUS__STATUS_INVALID);
        snprintf (want, sizeof want, "minutes: p%d would have %lld minutes on 2026-10-%02d, more than 24 h (%lld already booked)",
                  p, 1440 + s.person_day[p][d], d, s.person_day[p][d]);
        CHECK_STR (reason, want);
    }
    pmo_client_close (&c);
}

static void
s_wait_ms (int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

/*  dedup_blocks (broker/dedup.h) as schema 3 and 4 had it, "dedup": one
 *  record "agent \0 useq(u64) -> seq(u64)" per applied update.  Notes
 *  agent "wb"'s seqs in s_first_seq.  Returns the records written. */
static int
s_dedup_to_records (pmo_txn_t *t, unsigned blocks_db, unsigned records_db)
{
    pmo_cursor_t *cur = NULL;
    CHECK_RC (pmo_cursor_open (t, blocks_db, &cur), PMO_OK);
    pmo_val_t k, v;
    int n = 0;
    for (int rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        /*  "c" \0 agent \0  or  "h" \0 agent \0 block(8); value: block(8)
         *  applied(4, BE) then 32 seqs (8 each). */
        const char *agent = (const char *) k.data + 2;
        const uint8_t *p = v.data;
        CHECK_EQ_I64 (v.len, 8 + 4 + 8 * 32);
        if (v.len != 8 + 4 + 8 * 32)
            continue;
        uint64_t block = pmo_be64_get (p);
        uint32_t applied = (uint32_t) p[8] << 24 | (uint32_t) p[9] << 16 | (uint32_t) p[10] << 8 | p[11];
        for (unsigned i = 0; i < 32; i++) {
            if (!(applied >> i & 1))
                continue;
            uint64_t useq = block * 32 + i, seq = pmo_be64_get (p + 12 + 8 * i);
            pmo_key_t rk;
            pmo_key_init (&rk);
            pmo_key_str (&rk, agent);
            pmo_key_u64 (&rk, useq);
            uint8_t sv[8];
            pmo_be64_put (sv, seq);
            CHECK_RC (pmo_put (t, records_db, rk.buf, rk.len, sv, 8, 0), PMO_OK);
            if (streq (agent, "wb") && useq < MAX_UPDATES) {
                s_first_seq[useq] = seq;
                s_n_first++;
            }
            n++;
        }
    }
    pmo_cursor_close (&cur);
    CHECK_RC (pmo_db_clear (t, blocks_db), PMO_OK);
    return n;
}

/*  The project index (broker/project_index.h: blocks of 32 seqs after a
 *  tail) as the older schemas had it: a key per event in out_db, "bucket(u32,
 *  seq >> 10) project \0 seq" (schemas 4 and 5, whose tail held the 16
 *  newest seqs) or "project \0 seq" (schema 3, no tail).  Returns the keys
 *  written. */
static int
s_index_to_keys (pmo_txn_t *t, unsigned blocks_db, unsigned recent_db, unsigned out_db, bool bucketed)
{
    char codes[64][64];
    int n_codes = 0, n = 0;
    pmo_cursor_t *cur = NULL;
    pmo_val_t k, v;
    CHECK_RC (pmo_cursor_open (t, recent_db, &cur), PMO_OK);
    for (int rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK && n_codes < 64;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v))
        snprintf (codes[n_codes++], sizeof codes[0], "%s", (const char *) k.data);
    pmo_cursor_close (&cur);
    CHECK (n_codes > 0 && n_codes < 64);
    for (int c = 0; c < n_codes; c++) {
        static uint64_t seqs[1 << 16];
        size_t n_seqs = 0, code_len = strlen (codes[c]) + 1;
        CHECK_RC (pmo_cursor_open (t, blocks_db, &cur), PMO_OK);
        k = (pmo_val_t) {codes[c], code_len};
        for (int rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v);
             rc == PMO_OK && k.len == code_len + 8 && memcmp (k.data, codes[c], code_len) == 0;
             rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
            CHECK_EQ_I64 (v.len, 8 * 32);
            for (size_t i = 0; i < v.len / 8 && n_seqs < 1 << 16; i++)
                seqs[n_seqs++] = pmo_be64_get ((const uint8_t *) v.data + 8 * i);
        }
        pmo_cursor_close (&cur);
        CHECK_RC (pmo_get (t, recent_db, codes[c], code_len, &v), PMO_OK);
        for (size_t i = 0; i < v.len / 8 && n_seqs < 1 << 16; i++)
            seqs[n_seqs++] = pmo_be64_get ((const uint8_t *) v.data + 8 * i);
        for (size_t i = 0; i < n_seqs; i++) {
            CHECK (i == 0 || seqs[i] > seqs[i - 1]);
            pmo_key_t ik;
            pmo_key_init (&ik);
            if (bucketed)
                pmo_key_u32 (&ik, (uint32_t) (seqs[i] >> 10));
            pmo_key_str (&ik, codes[c]);
            pmo_key_u64 (&ik, seqs[i]);
            CHECK_RC (pmo_put (t, out_db, ik.buf, ik.len, "", 0, 0), PMO_OK);
            n++;
        }
        if (bucketed) {
            size_t from = n_seqs > 16 ? n_seqs - 16 : 0;
            uint8_t tail[8 * 16];
            for (size_t i = from; i < n_seqs; i++)
                pmo_be64_put (tail + 8 * (i - from), seqs[i]);
            CHECK_RC (pmo_put (t, recent_db, codes[c], code_len, tail, 8 * (n_seqs - from), 0), PMO_OK);
        }
    }
    CHECK_RC (pmo_db_clear (t, blocks_db), PMO_OK);
    if (!bucketed)
        CHECK_RC (pmo_db_clear (t, recent_db), PMO_OK);
    return n;
}

/*  Rewrites the stopped data directory as schema 7 or 6 had it (the same
 *  tables: only the schema line), schema 5 (the project index a key per
 *  event, bucketed) or schema 3 (that index keyed by project first, no
 *  recent seqs, a dedup record per update), with its schema line.  Index n_dbs of a store is its meta database (pmo_store.c's
 *  s_dbi). */
static void
s_downgrade (int version)
{
    static const char *const dbs[] = {"project_blocks", "project_recent", "project_log", "project_events",
                                      "dedup_blocks", "dedup"};
    pmo_store_opts_t o = {.kind = "pmod", .version = PMOD_SCHEMA_VERSION, .dbs = dbs, .n_dbs = 6};
    pmo_store_t *st = NULL;
    char why[256] = "";
    CHECK_RC (pmo_store_open (e.data, &o, &st, why, sizeof why), PMO_OK);
    REQUIRE_VOID (st != NULL);
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (st, NULL, true, &t), PMO_OK);
    if (version <= 5)
        CHECK (s_index_to_keys (t, 0, 1, version == 5 ? 2 : 3, version == 5) > 40);
    if (version == 3)
        CHECK (s_dedup_to_records (t, 4, 5) > 0);
    char line[8];
    snprintf (line, sizeof line, "pmod %d", version);
    CHECK_RC (pmo_put (t, 6, "schema", 6, line, 6, 0), PMO_OK);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    pmo_store_close (&st);
}

/*  The project's whole log, and its show with the recent events (from
 *  project_recent) and with more than that keeps (the index walk). */
static char *
s_project_log (void)
{
    run_t r = RUN (CTL, "log", "--project", "WB", "--limit", "100000", "--csv");
    CHECK_EQ_I64 (r.status, 0);
    size_t len = r.out ? strlen (r.out) : 0;
    run_t s10 = RUN (CTL, "project", "show", "WB", "--json");
    run_t s40 = RUN (CTL, "project", "show", "WB", "--recent", "40", "--json");
    CHECK (s10.status == 0 && s40.status == 0);
    char *all = pmo_malloc (len + (s10.out ? strlen (s10.out) : 0) + (s40.out ? strlen (s40.out) : 0) + 1);
    snprintf (all, len + 1, "%s", r.out ? r.out : "");
    strcat (all, s10.out ? s10.out : "");
    strcat (all, s40.out ? s40.out : "");
    run_free (&s10);
    run_free (&s40);
    run_free (&r);
    return all;
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "writeback") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (fault_setup ("WB") == 0);

    /*  A read right after a burst sees all of it.  The project's log, read
     *  now, when its newest blocks usually still wait for a fold
     *  (project_blocks is write-back; test_project_index covers that case
     *  for certain), must begin the same as once everything is folded. */
    s_burst (400 / LOAD_SCALE);
    run_t early = RUN (CTL, "log", "--project", "WB", "--limit", "100000", "--csv");
    CHECK_EQ_I64 (early.status, 0);
    s_check_all ("right after a burst");

    /*  kill -9 with the burst's aggregates only in the journal.  pmod folds
     *  after 50 ms without requests; should it have done so before the
     *  kill (a slow machine), the burst is repeated. */
    long long journal = 0;
    uint64_t killed_from = 0;
    for (int attempt = 0; attempt < 5 && journal <= 0; attempt++) {
        killed_from = s.seq + 1;
        s_burst (300 / LOAD_SCALE);
        CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGKILL), 128 + SIGKILL);
        journal = s_journal ();
        fprintf (stderr, "killed with %lld journal record(s)\n", journal);
        REQUIRE (tenv_pmod_start (&e, now) == 0);
    }
    uint64_t killed_to = s.seq;
    CHECK (journal > 0);
    CHECK_EQ_I64 (s_journal (), 0);  /* replayed on open */
    s_check_all ("after kill -9 and restart");
    /*  Which updates were applied is journalled too (dedup_blocks is
     *  write-back): every update of the killed burst is a duplicate. */
    {
        pmo_client_t *c = NULL;
        REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
        int dups = 0, sent = 0;
        for (uint64_t useq = killed_from; useq <= killed_to; useq++, sent++) {
            uint64_t seq = 0;
            bool dup = false;
            CHECK_EQ_I64 (s_time_as (c, useq, &seq, &dup), PMO__STATUS__STATUS_OK);
            dups += dup && seq > 0;
        }
        CHECK (sent >= 300 / LOAD_SCALE);
        CHECK_EQ_I64 (dups, sent);
        pmo_client_close (&c);
    }
    s_check_all ("after the killed burst was sent again");

    /*  Idle: folded without a read. */
    s_burst (100 / LOAD_SCALE);
    long long idle = -1;
    for (int i = 0; i < 100 && idle != 0; i++) {
        s_wait_ms (50);
        idle = s_journal ();
    }
    CHECK_EQ_I64 (idle, 0);

    /*  SIGTERM: folded on the way out. */
    s_burst (100 / LOAD_SCALE);
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    CHECK_EQ_I64 (s_journal (), 0);

    /*  Version-5 and version-3 directories are upgraded in place. */
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    char *before = s_project_log ();
    CHECK (strlen (before) > 1000);
    CHECK (early.out && strlen (early.out) > 1000 && strncmp (before, early.out, strlen (early.out)) == 0);
    run_free (&early);
    /*  The recent events show lists are the newest of the project's log,
     *  whichever way pmod found them. */
    json_object *log = RUN_JSON (CTL, "log", "--project", "WB", "--limit", "100000", "--json");
    json_object *show = RUN_JSON (CTL, "project", "show", "WB", "--json");
    json_object *show40 = RUN_JSON (CTL, "project", "show", "WB", "--recent", "40", "--json");
    size_t n_log = json_object_array_length (json_get (log, "events"));
    fprintf (stderr, "project WB has %zu events in its log\n", n_log);
    CHECK (n_log > 40);
    CHECK_EQ_I64 (json_object_array_length (json_get (show, "recent")), 10);
    CHECK_EQ_I64 (json_object_array_length (json_get (show40, "recent")), 40);
    for (size_t i = 0; n_log > 40 && i < 40; i++) {
        char lp[64], sp[64];
        snprintf (lp, sizeof lp, "events.%zu.seq", n_log - 40 + i);
        snprintf (sp, sizeof sp, "recent.%zu.seq", i);
        CHECK_EQ_I64 (json_int (show40, sp), json_int (log, lp));
        if (i >= 30) {
            snprintf (sp, sizeof sp, "recent.%zu.seq", i - 30);
            CHECK_EQ_I64 (json_int (show, sp), json_int (log, lp));
        }
    }
    /*  Pages after a seq: from the start, inside a block of 32, at its
     *  edges, in the tail. */
    const size_t from[] = {0, 5, 30, 31, 32, 33, 63, 64, n_log - 9, n_log - 2};
    for (size_t f = 0; n_log > 70 && f < sizeof from / sizeof *from; f++) {
        char since[32], lp[64], pp[64];
        snprintf (lp, sizeof lp, "events.%zu.seq", from[f]);
        snprintf (since, sizeof since, "%lld", json_int (log, lp));
        json_object *page = RUN_JSON (CTL, "log", "--project", "WB", "--since", since, "--limit", "7", "--json");
        size_t want = n_log - from[f] - 1 < 7 ? n_log - from[f] - 1 : 7;
        CHECK_EQ_I64 (json_object_array_length (json_get (page, "events")), want);
        for (size_t i = 0; i < want; i++) {
            snprintf (lp, sizeof lp, "events.%zu.seq", from[f] + 1 + i);
            snprintf (pp, sizeof pp, "events.%zu.seq", i);
            CHECK_EQ_I64 (json_int (page, pp), json_int (log, lp));
        }
        CHECK_EQ_I64 (json_int (page, "more"), from[f] + 1 + 7 < n_log);
        json_object_put (page);
    }
    CHECK (n_log > 70);
    json_object_put (log);
    json_object_put (show);
    json_object_put (show40);
    static const int versions[] = {7, 6, 5, 3};
    for (size_t vi = 0; vi < sizeof versions / sizeof *versions; vi++) {
        int version = versions[vi];
        CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
        s_downgrade (version);
        REQUIRE (tenv_pmod_start (&e, now) == 0);
        /*  Said in pmod's log (which then opened the store again). */
        char path[400], line[64];
        snprintf (path, sizeof path, "%s/pmod.log", e.dir);
        snprintf (line, sizeof line, "upgraded from schema version %d to %d", version, PMOD_SCHEMA_VERSION);
        char *log_text = read_file (path);
        CHECK (log_text && strstr (log_text, line));
        free (log_text);
        char *after = s_project_log ();
        CHECK (streq (before, after));
        free (after);
        char what[64];
        snprintf (what, sizeof what, "after the upgrade from schema %d", version);
        s_check_all (what);
    }
    free (before);

    /*  Every update applied before the upgrade (not the refused ones of
     *  s_check_all) is a duplicate after it, answered with its first seq;
     *  totals stay exact (s_check_all). */
    {
        pmo_client_t *c = NULL;
        REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
        int checked = 0;
        for (uint64_t useq = 1; useq <= s.seq && useq < MAX_UPDATES; useq++) {
            if (!s_first_seq[useq])
                continue;
            uint64_t seq = 0;
            bool dup = false;
            CHECK_EQ_I64 (s_time_as (c, useq, &seq, &dup), PMO__STATUS__STATUS_OK);
            CHECK (dup);
            CHECK_EQ_I64 ((long long) seq, (long long) s_first_seq[useq]);
            checked += dup && seq == s_first_seq[useq];
        }
        CHECK (s_n_first >= (int) s.x.records);
        CHECK_EQ_I64 (checked, s_n_first);
        /*  Out of order: a later block first, then an earlier one than the
         *  agent's current record, then both again. */
        uint64_t far = (s.seq / 32 + 3) * 32 + 5, near = s.seq + 1, far_seq = 0, near_seq = 0, seq = 0;
        bool dup = true;
        CHECK_EQ_I64 (s_time_as (c, far, &far_seq, &dup), PMO__STATUS__STATUS_OK);
        CHECK (!dup);
        CHECK_EQ_I64 (s_time_as (c, near, &near_seq, &dup), PMO__STATUS__STATUS_OK);
        CHECK (!dup);
        CHECK_EQ_I64 (s_time_as (c, far, &seq, &dup), PMO__STATUS__STATUS_OK);
        CHECK (dup && seq == far_seq);
        CHECK_EQ_I64 (s_time_as (c, near, &seq, &dup), PMO__STATUS__STATUS_OK);
        CHECK (dup && seq == near_seq);
        pmo_client_close (&c);
        /*  The two new one-minute entries, for s_check_all's figures. */
        s.seq = far;
        s.x.minutes += 2;
        s.x.cost_minor += 2 * 100;
        s.money_to_15th += 2 * 100;
        s.x.records += 2;
        s.person_day[0][1] += 2;
        s.person[0] += 2;
    }
    s_check_all ("after updates out of order");
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    {
        static const char *const dbs[] = {"project_events", "project_log"};
        pmo_store_opts_t o = {.kind = "pmod", .version = PMOD_SCHEMA_VERSION, .dbs = dbs, .n_dbs = 2, .read_only = true};
        pmo_store_t *st = NULL;
        CHECK_RC (pmo_store_open (e.data, &o, &st, NULL, 0), PMO_OK);
        CHECK_EQ_I64 (st ? pmo_store_found_version (st) : 0, PMOD_SCHEMA_VERSION);
        pmo_txn_t *t = NULL;
        CHECK_RC (st ? pmo_txn_begin (st, NULL, false, &t) : -1, PMO_OK);
        CHECK_EQ_I64 (t ? pmo_db_count (t, 0) : 99, 0);  /* the old indexes are emptied */
        CHECK_EQ_I64 (t ? pmo_db_count (t, 1) : 99, 0);
        pmo_txn_abort (&t);
        pmo_store_close (&st);
    }

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
