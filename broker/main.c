/*  pmod: the central PMO service.  Parses flags, opens the broker, runs it,
 *  and turns the outcome into an exit code.  Nothing else. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker.h"
#ifdef PMO_JEMALLOC_LINKED
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

static volatile int s_stop = 0;

/*  Per-principal rate limit defaults: far above what an agent sends at full
 *  speed (about 3,000 updates/s with its window of 64), so only a runaway
 *  or hostile client ever hears "slow down". */
#define S_RATE 10000
#define S_BURST 20000

static void
s_on_signal (int sig)
{
    (void) sig;
    s_stop = 1;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
             "Usage: pmod [OPTIONS]\n"
             "The central PMO service: keeps the portfolio in LMDB, answers requests on a\n"
             "ZeroMQ ROUTER socket and publishes every change on a PUB socket.\n\n"
             "  --data DIR        data directory (default $PMO_DATA, else %s)\n"
             "  --endpoint EP     request endpoint (default $PMO_ENDPOINT, else %s)\n"
             "  --events EP       event endpoint (default $PMO_EVENTS, else %s)\n"
             "  --map-size MB     LMDB map size in MiB (default 1024); raise it when the store is full\n"
             "  --now TIME        fix the clock (ISO 8601), for tests; also $PMO_NOW\n"
             "  --scan-interval S seconds between deadline and silence scans (default 60)\n"
             "  --log-level L     error, warn, info (default) or debug; also $PMO_LOG\n"
             "  --admin-key FILE  enrol the public key in FILE as principal \"admin\" (admin)\n"
             "                    when no admin is enrolled yet (first start)\n"
             "  --rate-limit N    requests per second per principal (default %d; 0: none)\n"
             "  --burst N         requests a principal may send at once (default %d)\n"
             "  --insecure        no authentication: every peer is an admin named by its\n"
             "                    Request.actor.  For local demos only; logs a warning\n"
             "  --version         print the version and exit\n"
             "  --help            this text\n",
             "$HOME/.local/share/pmo", PMO_DEFAULT_ENDPOINT, PMO_DEFAULT_EVENTS, S_RATE, S_BURST);
}

/*  --data, else $PMO_DATA, else the compiled-in default, else
 *  $HOME/.local/share/pmo.  Returns a malloc'd path. */
static char *
s_default_data_dir (void)
{
    const char *env = getenv ("PMO_DATA");
    if (env && *env)
        return pmo_strdup (env);
#ifdef PMO_DEFAULT_DATA_DIR
    return pmo_strdup (PMO_DEFAULT_DATA_DIR);
#else
    const char *home = getenv ("HOME");
    char path[4096];
    snprintf (path, sizeof path, "%s/.local/share/pmo", home && *home ? home : ".");
    return pmo_strdup (path);
#endif
}

/*  Gives the allocator's freed pages back to the system (after a schema
 *  upgrade's buffers were freed: broker_new).  jemalloc would otherwise
 *  return them only as later allocations go on, glibc not at all. */
static void
s_release_freed_memory (void)
{
#ifdef PMO_JEMALLOC_LINKED
    char purge[64];
    snprintf (purge, sizeof purge, "arena.%u.purge", (unsigned) MALLCTL_ARENAS_ALL);
    mallctl (purge, NULL, NULL, NULL, 0);
#else
    malloc_trim (0);
#endif
}

int
main (int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"data", required_argument, 0, 'd'},     {"endpoint", required_argument, 0, 'e'},
        {"events", required_argument, 0, 'E'},   {"map-size", required_argument, 0, 'm'},
        {"now", required_argument, 0, 'n'},      {"log-level", required_argument, 0, 'l'},
        {"scan-interval", required_argument, 0, 's'},
        {"insecure", no_argument, 0, 'I'},       {"admin-key", required_argument, 0, 'A'},
        {"rate-limit", required_argument, 0, 'R'}, {"burst", required_argument, 0, 'B'},
        {"version", no_argument, 0, 'V'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    pmo_log_init ("pmod", PMO_LOG_INFO);
    broker_opts_t opts = {.rate_per_s = S_RATE, .burst = S_BURST};
    char *data_dir = NULL;
    const char *endpoint = NULL, *events = NULL;
    unsigned long map_mb = 1024;
    if (pmo_clock_init_from_env () != PMO_OK) {
        fprintf (stderr, "pmod: PMO_NOW: \"%s\" is not an ISO 8601 time\n", getenv ("PMO_NOW"));
        return 1;
    }
    int c;
    while ((c = getopt_long (argc, argv, "", long_opts, NULL)) != -1) {
        switch (c) {
        case 'd': free (data_dir); data_dir = pmo_strdup (optarg); break;
        case 'e': endpoint = optarg; break;
        case 'E': events = optarg; break;
        case 'm': {
            char *end;
            map_mb = strtoul (optarg, &end, 10);
            if (*end || map_mb == 0 || map_mb > (1UL << 24)) {
                fprintf (stderr, "pmod: --map-size: \"%s\" is not a size in MiB\n", optarg);
                free (data_dir);
                return 1;
            }
            break;
        }
        case 's': {
            char *end;
            long sec = strtol (optarg, &end, 10);
            if (*end || sec < 1 || sec > 86400) {
                fprintf (stderr, "pmod: --scan-interval: \"%s\" is not 1..86400 seconds\n", optarg);
                free (data_dir);
                return 1;
            }
            opts.scan_ms = (int) sec * 1000;
            break;
        }
        case 'I': opts.insecure = true; break;
        case 'A': opts.admin_key = optarg; break;
        case 'R':
        case 'B': {
            char *end;
            long v = strtol (optarg, &end, 10);
            if (*end || v < 0 || v > 100000000 || (c == 'B' && v < 1)) {
                fprintf (stderr, "pmod: --%s: \"%s\" is not a count of requests\n",
                         c == 'R' ? "rate-limit" : "burst", optarg);
                free (data_dir);
                return 1;
            }
            *(c == 'R' ? &opts.rate_per_s : &opts.burst) = (int) v;
            break;
        }
        case 'n': {
            int64_t ms;
            if (pmo_datetime_parse (optarg, &ms) != PMO_OK) {
                fprintf (stderr, "pmod: --now: \"%s\" is not an ISO 8601 time\n", optarg);
                free (data_dir);
                return 1;
            }
            pmo_clock_set_ms (ms);
            break;
        }
        case 'l': {
            int level = pmo_log_level_parse (optarg);
            if (level < 0) {
                fprintf (stderr, "pmod: --log-level: \"%s\" is not error, warn, info or debug\n", optarg);
                free (data_dir);
                return 1;
            }
            pmo_log_set_level ((pmo_log_level_t) level);
            break;
        }
        case 'V': printf ("pmod %s\n", PMO_VERSION); free (data_dir); return 0;
        case 'h': s_usage (stdout); free (data_dir); return 0;
        default: s_usage (stderr); free (data_dir); return 1;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "pmod: unexpected argument \"%s\" (see pmod --help)\n", argv[optind]);
        free (data_dir);
        return 1;
    }
    if (opts.insecure && opts.admin_key) {
        fprintf (stderr, "pmod: --admin-key and --insecure exclude each other (no keys are checked)\n");
        free (data_dir);
        return 1;
    }
    if (!data_dir)
        data_dir = s_default_data_dir ();
    opts.data_dir = data_dir;
    opts.endpoint = pmo_endpoint_requests (endpoint);
    opts.events = pmo_endpoint_events (events);
    opts.map_size = (size_t) map_mb << 20;

    pmo_on_stop_signals (s_on_signal);
    signal (SIGPIPE, SIG_IGN);

    char why[512] = "";
    broker_t *broker = NULL;
    int rc = broker_new (&opts, &broker, why, sizeof why);
    if (rc) {
        fprintf (stderr, "pmod: %s\n", why[0] ? why : pmo_strerror (rc));
        free (data_dir);
        pmo_zmq_term ();
        return rc == PMO_ELOCKED || rc == PMO_ESCHEMA || rc == PMO_ECORRUPT ? 3 : 1;
    }
    broker->stop_flag = &s_stop;
    if (broker->upgraded_from)
        s_release_freed_memory ();
    broker->clock_settable = pmo_clock_is_fixed ();
    if (pmo_clock_is_fixed ()) {
        char now[25];
        pmo_datetime_format (pmo_clock_now_ms (), now);
        pmo_log_warn ("clock fixed at %s (test mode)", now);
    }
    pmo_log_info ("ready: data=%s requests=%s events=%s last_seq=%llu auth=%s", data_dir, opts.endpoint,
                  opts.events, (unsigned long long) broker->last_seq,
                  opts.insecure ? "none (--insecure)" : "curve (clients need DATA/server.key.pub)");
    rc = broker_run (broker);
    broker_destroy (&broker);
    pmo_zmq_term ();
    free (data_dir);
    return rc ? 1 : 0;
}
