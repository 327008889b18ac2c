/*  pmo-bench: figures for pmod on this machine.  Internal interfaces,
 *  grouped by module (one module per file):
 *
 *    main.c    flags, failures and progress, the JSON document, exit code
 *    ingest.c  mode ingest: pmod against the raw limit, totals and log checks
 *    latency.c mode latency: fixed offered loads, pmo-agent one-shots
 *    query.c   mode query: status/show/start-up times as entries grow
 *    env.c     temp dir, a real pmod (spawn, ready, stop), child timing, /proc
 *    world.c   the synthetic portfolio and the update mix (what is sent)
 *    load.c    agent threads (pipelined DEALERs) and subscriber threads
 *    raw.c     the raw limit: a bare ROUTER + LMDB loop, no application logic
 *    check.c   pipelined setup requests, totals and event-log checks
 *    stats.c   samples and percentiles
 *    report.c  the plain table and the --json document
 *
 *  Money is integer minor units everywhere; doubles are used only for
 *  timing statistics (rates, latencies) in the output.
 */
#ifndef PMO_BENCH_H
#define PMO_BENCH_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "pmo/pmo_client.h"
#include "pmo/pmo_prelude.h"

#define BENCH_MAX_LIST 16          /* --rates / --entries values              */
#define BENCH_PEOPLE 50
#define BENCH_TEAMS 5
#define BENCH_PROGRAMMES 10
#define BENCH_MIN_DAYS 300         /* entry dates spread over at least this   */
#define BENCH_ENTRIES_PER_CELL 24  /* x 60 min max = 1440: one person-day     */
#define BENCH_CURRENCY "EUR"
#define BENCH_NOW "2026-06-30T12:00:00Z"
#define BENCH_PROBE "pmo-bench-probe"  /* raw: a readiness message, not counted */

/* ---- stats.c: latency samples ------------------------------------------- */

typedef struct {
    int64_t *v;                    /* nanoseconds                             */
    size_t n, cap;
} samples_t;

void samples_add (samples_t *s, int64_t ns);
/*  Appends every sample of src to dst. */
void samples_merge (samples_t *dst, const samples_t *src);
void samples_free (samples_t *s);

typedef struct {
    size_t n;
    double p50_ms, p99_ms, p999_ms, max_ms, mean_ms;
} pct_t;

/*  Sorts s in place and fills the percentiles (all 0 when s is empty). */
void samples_percentiles (samples_t *s, pct_t *out);

/* ---- world.c: the portfolio and the updates ----------------------------- */

typedef enum { UPD_TIME, UPD_COST, UPD_PROGRESS } upd_kind_t;

/*  One update, enough to build (and rebuild, on resend) its request. */
typedef struct {
    upd_kind_t kind;
    uint32_t project;
    uint32_t person;
    uint32_t day;                  /* index into world.dates                 */
    int32_t minutes;
    int32_t percent_bp;
    int64_t amount_minor;
    int category;
    uint8_t activity;
} upd_t;

/*  What was acknowledged, per project, to compare with pmod's totals. */
typedef struct {
    int64_t minutes;
    int64_t labour_minor;
    int64_t cost_minor;
    uint64_t time_entries;
    uint64_t cost_entries;
    uint64_t progress_updates;
} sums_t;

typedef struct {
    int n_projects;
    int n_days;
    int pct_time, pct_cost;        /* the rest are progress updates          */
    char (*projects)[16];          /* codes P00001...                        */
    char (*dates)[11];             /* dates[d] = today - 1 - d               */
    char people[BENCH_PEOPLE][8];
    int64_t rate_minor[BENCH_PEOPLE]; /* hourly, a multiple of 60           */
} world_t;

/*  Sizes the world: days enough for max_time_entries in total spread over
 *  n_agents (never more than 24 h per person-day).  Free with world_free. */
void world_init (world_t *w, int n_projects, int pct_time, int pct_cost, uint64_t max_time_entries,
                 int n_agents);
void world_free (world_t *w);

/*  Per-agent generator state: an agent owns the person-day cells
 *  agent, agent + n_agents, ... and fills them round robin. */
typedef struct {
    uint64_t rng;
    uint64_t time_k;               /* time entries generated so far          */
    uint64_t cells;                /* cells this agent owns                  */
    int agent, n_agents;
} gen_t;

void gen_init (gen_t *g, const world_t *w, int agent, int n_agents);
/*  The next update of this agent. */
void gen_next (gen_t *g, const world_t *w, upd_t *u);
/*  Adds an acknowledged update to per-project sums. */
void sums_add (sums_t *s, const world_t *w, const upd_t *u);

/*  Builds the request for u on the stack objects in *rb (note carries
 *  "t=<mono ns>"); the request points into rb. */
typedef struct {
    Pmo__Request req;
    Pmo__UpdateId id;
    Pmo__TimeEntry time;
    Pmo__CostEntry cost;
    Pmo__Progress progress;
    char agent[32];
    char note[40];
} reqbuf_t;

void world_request (const world_t *w, const upd_t *u, const char *agent, uint64_t seq, int64_t t_ns,
                    reqbuf_t *rb);

/* ---- env.c: processes, files, /proc -------------------------------------- */

typedef struct {
    char dir[256];                 /* this pmod's directory (data, sockets)  */
    char data[300];
    char endpoint[300];
    char events[300];
    char log[300];
    const char *bin;
    unsigned map_mb;
    pid_t pid;
} pmod_t;

/*  Creates $TMPDIR/pmo-bench-XXXXXX into root.  Returns PMO_OK or errno. */
int env_tempdir (char *root, size_t len);
/*  Removes a directory tree. */
void env_rmtree (const char *path);
/*  Creates root/name and fills p's paths. */
int env_pmod_init (pmod_t *p, const char *root, const char *name, const char *bin, unsigned map_mb);
/*  Starts pmod and waits (up to timeout_ms) for its first pong.  Sets
 *  *startup_ns (spawn to pong) when not NULL.  Returns PMO_OK,
 *  PMO_ETIMEOUT or an errno; on failure pmod is not running. */
int env_pmod_start (pmod_t *p, int timeout_ms, int64_t *startup_ns);
/*  SIGTERM and wait.  Returns its exit status (or -1). */
int env_pmod_stop (pmod_t *p);
/*  False once the pmod last started has exited (it is reaped then);
 *  env_pmod_exit_status tells how.  Safe from any thread. */
bool env_pmod_alive (void);
int env_pmod_exit_status (void);
/*  Evicts the data files from the page cache (pmod must be stopped). */
void env_drop_cache (const pmod_t *p);
/*  Prints the last lines of pmod's log to stderr. */
void env_pmod_log_tail (const pmod_t *p);
/*  "stopping: N requests in M commits" from pmod's log, when found. */
bool env_pmod_commits (const pmod_t *p, uint64_t *requests, uint64_t *commits, double *commit_s);
/*  Bytes allocated to a file (st_blocks x 512), 0 when absent. */
uint64_t env_file_bytes (const char *path);
/*  CPU seconds (user + system) of a process, from /proc/PID/stat. */
double env_cpu_seconds (pid_t pid);
/*  Bytes a process (0 = self) passed to write calls so far (wchar in
 *  /proc/PID/io): for pmod, what LMDB wrote, plus a few bytes of eventfd
 *  signalling. */
uint64_t env_write_calls_bytes (pid_t pid);
/*  Bytes written to the block device that holds path so far (from
 *  /sys/dev/block/M:m/stat; every writer on that device counts). */
uint64_t env_device_written (const char *path);
/*  VmHWM of a process in kB (0 = self). */
long env_peak_rss_kb (pid_t pid);
/*  RssAnon of a process in kB (0 = self): its own memory, without the
 *  mapped files (for pmod: without the LMDB map). */
long env_rss_anon_kb (pid_t pid);
/*  SIGINT and SIGTERM stop the watched pmod before the bench exits. */
void env_stop_pmod_on_signals (void);
/*  Runs argv with stdout and stderr to out_path (NULL: /dev/null), waits up
 *  to timeout_ms; returns its exit status (-1 on timeout or spawn failure)
 *  and the wall time, spawn to reap, in *wall_ns. */
int env_run_timed (const char *const *argv, const char *out_path, int timeout_ms, int64_t *wall_ns);
/*  Runs argv as env_run_timed does, untimed, and returns the child's
 *  peak RSS (ru_maxrss, kB) in *peak_rss_kb. */
int env_run_peak_rss (const char *const *argv, const char *out_path, int timeout_ms, long *peak_rss_kb);
/*  Starts argv (a daemon), lets it idle idle_ms, reads its VmRSS and
 *  RssAnon (kB), then stops it (SIGTERM).  Returns 0 when measured. */
int env_idle_rss (const char *const *argv, const char *out_path, int idle_ms, long *rss_kb, long *anon_kb);

typedef struct {
    char cpu[128];
    long cores;
    long mem_mb;
    char date[32];
    char kernel[160];
} machine_t;

void env_machine (machine_t *m);

/* ---- load.c: agents and subscribers -------------------------------------- */

typedef enum { TARGET_PMOD, TARGET_RAW } target_t;

/*  One agent thread's state; persistent across load steps (its seq and
 *  person-day cells continue). */
typedef struct {
    /* in */
    const world_t *world;
    const char *endpoint;
    target_t target;
    int index;
    char id[32];
    int window;
    uint64_t count;                /* updates to send this run               */
    int64_t interval_ns;           /* paced: one update every interval (0: as fast as acks allow) */
    int64_t start_ns;              /* paced: schedule origin                  */
    bool record;                   /* keep ack latencies                      */
    int resend_ms;
    /* state */
    gen_t gen;
    uint64_t next_seq;             /* last seq used                           */
    uint64_t seq_lo;               /* first seq of the current run            */
    sums_t *sums;                  /* per project, acknowledged               */
    /* out, per run */
    samples_t ack;
    uint64_t acked, rejected, resent, duplicates;
    int64_t first_send_ns, last_ack_ns;
    int64_t max_lag_ns;            /* paced: worst send behind schedule       */
    int failed;                    /* rc when the thread gave up              */
    char why[256];
    pthread_t thread;
} agent_t;

void agent_init (agent_t *a, const world_t *w, int index, const char *id_prefix);
void agent_free (agent_t *a);
/*  Starts the thread (the in fields set); agent_join waits. */
int agent_start (agent_t *a);
void agent_join (agent_t *a);

/*  One load run of n agents (their in fields set), summed up. */
typedef struct {
    uint64_t acked, rejected, resent, duplicates;
    int64_t first_ns, last_ns;     /* first send, last ack (any agent)      */
    double wall_s, rate;           /* first send to last ack; acked / wall  */
    int64_t max_lag_ns;
    samples_t ack;                 /* every agent's ack latencies           */
    int failed;
    char why[300];                 /* the first agent failure               */
} run_t;

/*  Runs the agents to the end and fills out (free out->ack after). */
void load_run (agent_t *agents, int n, run_t *out);

typedef struct {
    const char *endpoint;
    bool decode;                   /* pmod events (decode, latency) or raw
                                      messages (counted, probes excepted)    */
    _Atomic uint64_t base_seq;     /* count events with seq > base_seq       */
    _Atomic uint64_t received;     /* every message                          */
    _Atomic uint64_t counted;      /* seq > base_seq (all when !decode)      */
    _Atomic int stop;
    samples_t lat;                 /* delivery latency (send ts to receipt)  */
    bool record;
    pthread_t thread;
    int failed;
} sub_t;

int sub_start (sub_t *s, const char *endpoint, bool decode);
void sub_stop (sub_t *s);

/* ---- raw.c: the raw limit ----------------------------------------------- */

typedef struct raw raw_t;

/*  Opens a store in dir and binds a ROUTER and a PUB; the loop runs in a
 *  thread until raw_stop. */
int raw_start (const char *dir, const char *endpoint, const char *events, size_t map_size, raw_t **raw_p,
               char *why, size_t why_len);
/*  Stops the loop, closes everything; reports messages, commits and the
 *  data file's size.  Returns PMO_OK or the store error that stopped it. */
int raw_stop (raw_t **raw_p, uint64_t *messages, uint64_t *commits, double *commit_s, uint64_t *data_bytes);

/* ---- check.c: setup, totals, log ----------------------------------------- */

/*  pmo_client_call in slices, giving up early (ECHILD) when pmod has
 *  exited.  Returns PMO_OK, PMO_ETIMEOUT, ECHILD or a client rc. */
int check_call (pmo_client_t *c, Pmo__Request *req, int timeout_ms, Pmo__Reply **reply_p);
/*  "no answer from pmod at EP within N ms" or "pmod exited (status N)". */
void check_why (int rc, const char *endpoint, int timeout_ms, char *why, size_t why_len);

/*  Sends every request in reqs (pipelined, window w) and waits for each
 *  reply.  Returns PMO_OK when all are STATUS_OK; else the first failure
 *  in why. */
int check_pipeline (const char *endpoint, Pmo__Request **reqs, size_t n, int w, int timeout_ms, char *why,
                    size_t why_len);
/*  Creates the portfolio, programmes, teams, people and projects. */
int check_setup (const char *endpoint, const world_t *w, char *why, size_t why_len);
/*  pmod's last_seq (ping). */
int check_last_seq (const char *endpoint, uint64_t *last_seq);

typedef struct {
    bool exact;
    bool checked;                  /* false: pmod could not be asked (why in
                                      problem): neither exact nor LOST     */
    uint64_t updates;
    int64_t minutes, money_minor;
    char problem[512];             /* first mismatch, when !exact           */
} totals_t;

/*  Compares pmod's per-project totals (project_show) with expect. */
int check_totals (const char *endpoint, const world_t *w, const sums_t *expect, totals_t *out);

typedef struct {
    bool exact;
    bool checked;                  /* as in totals_t                         */
    uint64_t events;               /* events with seq > base                 */
    uint64_t update_events;        /* events caused by our updates           */
    uint64_t other_events;         /* pmod's own (alerts, health)            */
    uint64_t missing, duplicated;
    char problem[256];
} logcheck_t;

/*  Pages the event log after base_seq and checks that every (agent, seq)
 *  of agents[] appears exactly once. */
int check_log (const char *endpoint, uint64_t base_seq, agent_t *agents, int n_agents, logcheck_t *out);

/* ---- main.c and the modes (ingest.c, latency.c, query.c) ----------------- */

typedef struct {
    const char *mode;
    int agents, updates, window, subscribers;
    int projects;                  /* 0: the mode's default                  */
    int64_t rates[BENCH_MAX_LIST];
    size_t n_rates;
    int64_t entries[BENCH_MAX_LIST];
    size_t n_entries;
    int duration_s;                /* latency: seconds per rate              */
    int oneshots;                  /* latency: pmo-agent runs                */
    int runs;                      /* query: warm runs of each pmoctl command */
    const char *pmod, *pmoctl, *agent;
    bool keep, json;
} opts_t;

typedef struct {
    opts_t o;
    char root[256];                /* the temp dir                          */
    json_object *doc;              /* --json: everything measured           */
    bool lost;                     /* LOST/DUPLICATED: exit 1               */
    bool failed;                   /* a component failed: exit 1            */
    char problem[600];             /* the first of those, for the last line */
} bench_t;

/*  Records a failure (the first one is kept for the summary line) and
 *  prints it on stderr as "pmo-bench: what". */
void bench_fail (bench_t *b, bool lost, const char *fmt, ...) PMO_PRINTF (3, 4);
/*  Progress on stderr (suppressed by PMO_LOG=warn). */
void bench_note (const char *fmt, ...) PMO_PRINTF (1, 2);
/*  Starts pmod, reporting a failure (with its log) on b. */
int bench_pmod_start (bench_t *b, pmod_t *p, int64_t *startup_ns);
/*  Starts a pmod for mode in its own directory and creates the world's
 *  portfolio.  Returns PMO_OK, or a failure already reported on b (pmod is
 *  then stopped). */
int bench_portfolio_up (bench_t *b, const char *mode, const world_t *w, unsigned map_mb, pmod_t *p);
/*  LMDB map size for about n updates, in MiB. */
unsigned bench_map_mb (uint64_t n);

int mode_ingest (bench_t *b);
int mode_latency (bench_t *b);
int mode_query (bench_t *b);

/* ---- report.c ------------------------------------------------------------ */

/*  {"n", "p50", "p99", "p99_9", "max", "mean"} in milliseconds. */
json_object *report_pct (const pct_t *p);
/*  A number with a fixed number of decimals in the JSON text. */
json_object *report_num (double v, int decimals);
/*  "12.3 k", "1.23 M": a count for the table. */
const char *report_count (double v, char *buf, size_t len);
/*  "123 MB": bytes for the table. */
const char *report_bytes (uint64_t v, char *buf, size_t len);
/*  Prints a table row: a label padded to width, then the text. */
void report_row (const char *label, const char *fmt, ...) PMO_PRINTF (2, 3);

#endif
