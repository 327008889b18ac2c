/*  pmo-bench: what pmod does on this machine, measured against a real pmod
 *  in a temp directory.  Prints a plain table per mode, or one JSON
 *  document with --json.  A timing never fails the run; the exit code is 1
 *  only when an update is LOST or DUPLICATED, or a component fails (pmod
 *  does not start, refuses an update, a program exits non-zero).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "bench.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

#ifndef PMOD_BIN
#define PMOD_BIN "pmod"
#endif
#ifndef PMOCTL_BIN
#define PMOCTL_BIN "pmoctl"
#endif
#ifndef PMO_AGENT_BIN
#define PMO_AGENT_BIN "pmo-agent"
#endif

static void
s_usage (FILE *out)
{
    fprintf (out,
             "Usage: pmo-bench [OPTIONS]\n"
             "Measures a real pmod on this machine: durable ingest rate against a raw\n"
             "ROUTER+LMDB limit, latency at a fixed load, and query times as the store grows.\n"
             "Checks that nothing sent is lost or counted twice (exit 1 if so).\n\n"
             "  --mode M          ingest (default), latency, query or all\n"
             "  --agents N        agent threads, each its own DEALER and agent id (8)\n"
             "  --updates M       updates per agent in ingest (25000)\n"
             "  --window W        unacknowledged updates per agent (64)\n"
             "  --subscribers K   event subscriber threads (1)\n"
             "  --rates R,...     latency: offered loads in updates/s, up to 1000000 (1000,10000)\n"
             "  --duration S      latency: seconds per rate (3)\n"
             "  --oneshots N      latency: pmo-agent one-shot runs to time (50)\n"
             "  --projects P      projects (100 for ingest and latency, 10000 for query)\n"
             "  --entries E,...   query: entry counts to load and query at (1000000,10000000)\n"
             "  --runs N          query: warm runs of each pmoctl command (5)\n"
             "  --pmod PATH       pmod to run (default %s)\n"
             "  --pmoctl PATH     pmoctl to time (default %s)\n"
             "  --pmo-agent PATH  pmo-agent to time (default %s)\n"
             "  --keep            keep the temp directory\n"
             "  --json            print one JSON document instead of tables\n"
             "  --help            this text\n\n"
             "Progress goes to stderr (PMO_LOG=warn silences it).  Exit status: 0 all\n"
             "exact; 1 usage error, LOST/DUPLICATED updates or a component failure.\n",
             PMOD_BIN, PMOCTL_BIN, PMO_AGENT_BIN);
}

void
bench_fail (bench_t *b, bool lost, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    fprintf (stderr, "pmo-bench: %s\n", text);
    if (!b->problem[0])
        pmo_strlcpy (b->problem, text, sizeof b->problem);
    if (lost)
        b->lost = true;
    else
        b->failed = true;
}

void
bench_note (const char *fmt, ...)
{
    if (!pmo_log_enabled (PMO_LOG_INFO))
        return;
    char text[600];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    fprintf (stderr, "pmo-bench: %s\n", text);
}

int
bench_pmod_start (bench_t *b, pmod_t *p, int64_t *startup_ns)
{
    int rc = env_pmod_start (p, 120000, startup_ns);
    if (rc == ECHILD)  /* its log's tail is printed already, by env_pmod_stop */
        bench_fail (b, false, "pmod %s exited at start-up (status %d; see %s)", p->bin, env_pmod_exit_status (),
                    p->log);
    else if (rc) {
        env_pmod_log_tail (p);
        if (rc == PMO_ETIMEOUT)
            bench_fail (b, false, "pmod %s: did not answer a ping within 120000 ms", p->bin);
        else
            bench_fail (b, false, "pmod %s: cannot start: %s", p->bin, pmo_strerror (rc));
    }
    return rc;
}

int
bench_portfolio_up (bench_t *b, const char *mode, const world_t *w, unsigned map_mb, pmod_t *p)
{
    int rc = env_pmod_init (p, b->root, mode, b->o.pmod, map_mb);
    if (rc) {
        bench_fail (b, false, "%s/%s: %s", b->root, mode, strerror (rc));
        return rc;
    }
    if ((rc = bench_pmod_start (b, p, NULL)) != 0)
        return rc;
    bench_note ("%s: portfolio of %d projects", mode, w->n_projects);
    char why[300] = "";
    rc = check_setup (p->endpoint, w, why, sizeof why);
    if (rc) {
        bench_fail (b, false, "%s set-up: %s", mode, why);
        env_pmod_stop (p);
    }
    return rc;
}

unsigned
bench_map_mb (uint64_t n)
{
    /*  About 1.5 KB per update on disk (measured), with room to spare; the
     *  map is sparse, so a large one costs nothing. */
    uint64_t mb = (n * 4096) / (1 << 20) + 1024;
    return mb > (1u << 20) ? 1u << 20 : (unsigned) mb;
}

/*  "1000,10000" or "1e6,1e7" into out: whole numbers in 1..max; false on
 *  a bad list. */
static bool
s_parse_list (const char *text, double max, int64_t *out, size_t *n)
{
    *n = 0;
    char buf[256];
    if (!pmo_strlcpy (buf, text, sizeof buf))
        return false;
    char *save = NULL;
    for (char *tok = strtok_r (buf, ",", &save); tok; tok = strtok_r (NULL, ",", &save)) {
        char *end;
        double v = strtod (tok, &end);
        /*  Written so that NaN fails too. */
        if (end == tok || *end || !(v >= 1 && v <= max) || (double) (int64_t) v != v || *n == BENCH_MAX_LIST)
            return false;
        out[(*n)++] = (int64_t) v;
    }
    return *n > 0;
}

static bool
s_parse_int (const char *text, int min, int max, int *out)
{
    char *end;
    long v = strtol (text, &end, 10);
    if (end == text || *end || v < min || v > max)
        return false;
    *out = (int) v;
    return true;
}

static int
s_cmp_i64 (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static void
s_machine (bench_t *b)
{
    machine_t m;
    env_machine (&m);
    if (b->o.json) {
        json_object *o = json_object_new_object ();
        json_object_object_add (o, "cpu", json_object_new_string (m.cpu));
        json_object_object_add (o, "cores", json_object_new_int64 (m.cores));
        json_object_object_add (o, "memory_mb", json_object_new_int64 (m.mem_mb));
        json_object_object_add (o, "kernel", json_object_new_string (m.kernel));
        json_object_object_add (o, "date", json_object_new_string (m.date));
        json_object_object_add (o, "tmpdir", json_object_new_string (b->root));
        json_object_object_add (b->doc, "machine", o);
        return;
    }
    printf ("pmo-bench %s  %s\n", PMO_VERSION, m.date);
    printf ("machine: %s, %ld cores, %.1f GiB, %s\n", m.cpu, m.cores, (double) m.mem_mb / 1024.0, m.kernel);
    printf ("temp dir: %s\n", b->root);
    fflush (stdout);
}

int
main (int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"mode", required_argument, 0, 'm'},        {"agents", required_argument, 0, 'a'},
        {"updates", required_argument, 0, 'u'},     {"window", required_argument, 0, 'w'},
        {"subscribers", required_argument, 0, 's'}, {"rates", required_argument, 0, 'r'},
        {"duration", required_argument, 0, 'D'},    {"oneshots", required_argument, 0, 'O'},
        {"projects", required_argument, 0, 'p'},    {"entries", required_argument, 0, 'e'},
        {"runs", required_argument, 0, 'R'},        {"pmod", required_argument, 0, 'P'},
        {"pmoctl", required_argument, 0, 'C'},      {"pmo-agent", required_argument, 0, 'A'},
        {"keep", no_argument, 0, 'k'},              {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0},
    };
    pmo_log_init ("pmo-bench", PMO_LOG_INFO);
    env_stop_pmod_on_signals ();
    bench_t b;
    memset (&b, 0, sizeof b);
    opts_t *o = &b.o;
    *o = (opts_t) {
        .mode = "ingest", .agents = 8, .updates = 25000, .window = 64, .subscribers = 1,
        .rates = {1000, 10000}, .n_rates = 2, .entries = {1000000, 10000000}, .n_entries = 2,
        .duration_s = 3, .oneshots = 50, .runs = 5, .pmod = PMOD_BIN, .pmoctl = PMOCTL_BIN,
        .agent = PMO_AGENT_BIN,
    };
    int c;
    const char *bad = NULL;
    char bad_opt[300];
    opterr = 0;  /* one line of ours, not getopt's and the whole usage */
    while ((c = getopt_long (argc, argv, ":", long_opts, NULL)) != -1 && !bad) {
        switch (c) {
        case 'm':
            o->mode = optarg;
            if (!streq (optarg, "ingest") && !streq (optarg, "latency") && !streq (optarg, "query")
                && !streq (optarg, "all"))
                bad = "--mode: want ingest, latency, query or all";
            break;
        case 'a': if (!s_parse_int (optarg, 1, 256, &o->agents)) bad = "--agents: want 1..256"; break;
        case 'u': if (!s_parse_int (optarg, 1, 100000000, &o->updates)) bad = "--updates: want 1..100000000"; break;
        case 'w': if (!s_parse_int (optarg, 1, 4096, &o->window)) bad = "--window: want 1..4096"; break;
        case 's': if (!s_parse_int (optarg, 0, 64, &o->subscribers)) bad = "--subscribers: want 0..64"; break;
        case 'D': if (!s_parse_int (optarg, 1, 600, &o->duration_s)) bad = "--duration: want 1..600 seconds"; break;
        case 'O': if (!s_parse_int (optarg, 0, 10000, &o->oneshots)) bad = "--oneshots: want 0..10000"; break;
        case 'p': if (!s_parse_int (optarg, 1, 1000000, &o->projects)) bad = "--projects: want 1..1000000"; break;
        case 'R': if (!s_parse_int (optarg, 1, 1000, &o->runs)) bad = "--runs: want 1..1000"; break;
        case 'r': if (!s_parse_list (optarg, 1e6, o->rates, &o->n_rates)) bad = "--rates: want whole numbers 1..1000000, like 1000,10000"; break;
        case 'e': if (!s_parse_list (optarg, 1e10, o->entries, &o->n_entries)) bad = "--entries: want whole numbers 1..1e10, like 100000,1000000"; break;
        case 'P': o->pmod = optarg; break;
        case 'C': o->pmoctl = optarg; break;
        case 'A': o->agent = optarg; break;
        case 'k': o->keep = true; break;
        case 'j': o->json = true; break;
        case 'h': s_usage (stdout); return 0;
        case ':':
            snprintf (bad_opt, sizeof bad_opt, "%s: missing value (see pmo-bench --help)", argv[optind - 1]);
            bad = bad_opt;
            break;
        default:
            /*  argv[optind - 1]: the long option; a short one may sit
             *  inside a cluster, so it is named by optopt. */
            if (strncmp (argv[optind - 1], "--", 2) == 0)
                snprintf (bad_opt, sizeof bad_opt, "%s: unknown option, or a value where none is taken "
                          "(see pmo-bench --help)", argv[optind - 1]);
            else
                snprintf (bad_opt, sizeof bad_opt, "-%c: unknown option (see pmo-bench --help)", optopt);
            bad = bad_opt;
            break;
        }
    }
    if (!bad && optind < argc)
        bad = "unexpected argument (see pmo-bench --help)";
    if (bad) {
        fprintf (stderr, "pmo-bench: %s\n", bad);
        return 1;
    }
    qsort (o->entries, o->n_entries, sizeof o->entries[0], s_cmp_i64);
    const char *bins[] = {o->pmod, o->pmoctl, o->agent};
    for (size_t i = 0; i < PMO_ARRAY_LEN (bins); i++) {
        struct stat st;
        if (stat (bins[i], &st) != 0 || !(st.st_mode & S_IXUSR)) {
            fprintf (stderr, "pmo-bench: %s: not an executable (see --pmod, --pmoctl, --pmo-agent)\n", bins[i]);
            return 1;
        }
    }
    signal (SIGPIPE, SIG_IGN);
    int rc = env_tempdir (b.root, sizeof b.root);
    if (rc) {
        fprintf (stderr, "pmo-bench: cannot create a temp directory: %s\n", strerror (rc));
        return 1;
    }
    pmo_zmq_ctx ();  /* created before any thread */
    if (o->json)
        b.doc = json_object_new_object ();
    s_machine (&b);

    bool all = streq (o->mode, "all");
    if (all || streq (o->mode, "ingest"))
        mode_ingest (&b);
    if (all || streq (o->mode, "latency"))
        mode_latency (&b);
    if (all || streq (o->mode, "query"))
        mode_query (&b);

    const char *result = b.lost ? "LOST/DUPLICATED" : b.failed ? "FAILED" : "ok";
    if (o->json) {
        json_object_object_add (b.doc, "result", json_object_new_string (result));
        if (b.problem[0])
            json_object_object_add (b.doc, "problem", json_object_new_string (b.problem));
        printf ("%s\n", json_object_to_json_string_ext (b.doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put (b.doc);
    } else {
        printf ("\nresult: %s%s%s\n", result, b.problem[0] ? ": " : "", b.problem);
    }
    if (o->keep || b.lost || b.failed)
        fprintf (stderr, "pmo-bench: temp directory kept: %s\n", b.root);
    else
        env_rmtree (b.root);
    pmo_zmq_term ();
    return b.lost || b.failed ? 1 : 0;
}
