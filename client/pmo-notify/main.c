/*  pmo-notify: prints (or runs a command for) pmod's events as they happen,
 *  and the ones it missed while it was not running.
 *
 *  main owns the flags, the signal flag and the exit code; the engine is in
 *  notify.c.  Exit codes: 0 done (signal, --count reached), 1 usage or a
 *  rejected request or an unwritable state file/stdout, 2 pmod unreachable
 *  within --timeout. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "notify.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

#define NOTIFY_PROGRAM "pmo-notify"
/*  A hook that sends a mail or opens a ticket takes seconds; one that has
 *  run a minute is taken as hung, since every later event waits for it. */
#define NOTIFY_EXEC_TIMEOUT_MS 60000

/*  The only global: set by SIGINT/SIGTERM, read by the loop. */
static volatile sig_atomic_t s_stop = 0;

static const char *s_default_topics[] = {"milestone.reached", "milestone.at_risk",
                                         "milestone.missed"};

static void
s_on_signal (int sig)
{
    PMO_UNUSED (sig);
    s_stop = 1;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: pmo-notify [options]\n"
        "\n"
        "Prints pmod's events as they happen, one line each, and the ones missed\n"
        "while pmo-notify was not running (with --state or --since).\n"
        "\n"
        "  --events EP      pmod's event endpoint ($PMO_EVENTS, default %s)\n"
        "  --endpoint EP    pmod's request endpoint ($PMO_ENDPOINT, default %s)\n"
        "  --topic PREFIX   handle events whose topic starts with PREFIX; repeatable;\n"
        "                   '' means every event (default: milestone.reached,\n"
        "                   milestone.at_risk, milestone.missed)\n"
        "  --all            every event (same as --topic '')\n"
        "  --json           one JSON object per line instead of text\n"
        "  --exec CMD       run /bin/sh -c CMD per event instead of printing: the event\n"
        "                   as one JSON line on stdin, PMO_TOPIC, PMO_SEQ and\n"
        "                   PMO_PROJECT (when the event has one) in the environment;\n"
        "                   events wait for the command, one at a time; a command\n"
        "                   that fails is logged, not retried\n"
        "  --exec-timeout MS stop a command still running after MS (default %d):\n"
        "                   SIGTERM to its process group, SIGKILL 1 s later; logged,\n"
        "                   and the event counts as handled; a stop signal is passed\n"
        "                   on to it at once\n"
        "  --state FILE     remember the last event handled in FILE and resume after\n"
        "                   it on start: nothing missed, nothing handled twice\n"
        "  --since SEQ      start after event SEQ when there is no state file yet\n"
        "                   (default: from now on)\n"
        "  --count N        exit after handling N events\n"
        "  --timeout MS     exit with status 2 when pmod does not answer the start-up\n"
        "                   requests (ping, log replay) or the fetch of missed events\n"
        "                   within MS (default: keep retrying, with warnings); while\n"
        "                   live, a silent pmod is logged and pmo-notify keeps listening\n"
        "  --key FILE       this subscriber's secret key ($PMO_KEY); none: no CURVE\n"
        "  --server-key FILE pmod's public key, DATA/server.key.pub ($PMO_SERVER_KEY)\n"
        "  --log-level L    error, warn, info or debug ($PMO_LOG, default warn)\n"
        "  --help           this text\n"
        "\n"
        "Text line: <time> #<seq> <topic> <project|-> <summary> [by <actor>]\n"
        "Exit status: 0 done, 1 usage, a rejected request or a refused key, 2 pmod\n"
        "unreachable within --timeout.\n",
        PMO_DEFAULT_EVENTS, PMO_DEFAULT_ENDPOINT, NOTIFY_EXEC_TIMEOUT_MS);
}

//  "pmo-notify: FLAG [VALUE]: why (see --help)"; returns exit code 1.
static int
s_usage_error (const char *flag, const char *value, const char *why)
{
    fprintf (stderr, "%s: %s%s%s: %s (see --help)\n", NOTIFY_PROGRAM, flag, value ? " " : "",
             value ? value : "", why);
    return 1;
}

//  Parses a whole decimal number in 0..max.  Returns true on success.
static bool
s_parse_u64 (const char *s, uint64_t max, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull (s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return false;
    *out = (uint64_t) v;
    return true;
}

int
main (int argc, char **argv)
{
    enum { OPT_EVENTS = 256, OPT_ENDPOINT, OPT_TOPIC, OPT_ALL, OPT_JSON, OPT_EXEC, OPT_STATE,
           OPT_SINCE, OPT_COUNT, OPT_TIMEOUT, OPT_LOG_LEVEL, OPT_HELP, OPT_KEY, OPT_SERVER_KEY,
           OPT_EXEC_TIMEOUT };
    static const struct option options[] = {
        {"events", required_argument, NULL, OPT_EVENTS},
        {"endpoint", required_argument, NULL, OPT_ENDPOINT},
        {"topic", required_argument, NULL, OPT_TOPIC},
        {"all", no_argument, NULL, OPT_ALL},
        {"json", no_argument, NULL, OPT_JSON},
        {"exec", required_argument, NULL, OPT_EXEC},
        {"exec-timeout", required_argument, NULL, OPT_EXEC_TIMEOUT},
        {"state", required_argument, NULL, OPT_STATE},
        {"since", required_argument, NULL, OPT_SINCE},
        {"count", required_argument, NULL, OPT_COUNT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"help", no_argument, NULL, OPT_HELP},
        {"key", required_argument, NULL, OPT_KEY},
        {"server-key", required_argument, NULL, OPT_SERVER_KEY},
        {NULL, 0, NULL, 0}};

    pmo_log_init (NOTIFY_PROGRAM, PMO_LOG_WARN);
    notify_opts_t opts = {0};
    opts.timeout_ms = -1;
    opts.exec_timeout_ms = NOTIFY_EXEC_TIMEOUT_MS;
    const char *events_flag = NULL;
    const char *endpoint_flag = NULL;
    const char *key_flag = NULL, *server_key_flag = NULL;
    /*  Topic prefixes point into argv; at most one per argument. */
    const char **topics = pmo_calloc ((size_t) argc + 1, sizeof *topics);
    size_t n_topics = 0;
    bool is_all = false;
    int code = 0;
    uint64_t v = 0;

    opterr = 0;
    int c;
    while ((c = getopt_long (argc, argv, ":", options, NULL)) != -1) {
        switch (c) {
        case OPT_EVENTS: events_flag = optarg; break;
        case OPT_ENDPOINT: endpoint_flag = optarg; break;
        case OPT_KEY: key_flag = optarg; break;
        case OPT_SERVER_KEY: server_key_flag = optarg; break;
        case OPT_TOPIC:
            if (*optarg)
                topics[n_topics++] = optarg;
            else
                is_all = true;
            break;
        case OPT_ALL: is_all = true; break;
        case OPT_JSON: opts.is_json = true; break;
        case OPT_EXEC:
            if (!*optarg) {
                code = s_usage_error ("--exec", NULL, "empty command");
                goto out;
            }
            opts.exec_cmd = optarg;
            break;
        case OPT_EXEC_TIMEOUT:
            if (!s_parse_u64 (optarg, INT32_MAX, &v) || v == 0) {
                code = s_usage_error ("--exec-timeout", optarg, "not a positive number of milliseconds");
                goto out;
            }
            opts.exec_timeout_ms = (int) v;
            break;
        case OPT_STATE:
            if (!*optarg) {
                code = s_usage_error ("--state", NULL, "empty file name");
                goto out;
            }
            opts.state_path = optarg;
            break;
        case OPT_SINCE:
            if (!s_parse_u64 (optarg, UINT64_MAX, &opts.since)) {
                code = s_usage_error ("--since", optarg, "not an event seq");
                goto out;
            }
            opts.has_since = true;
            break;
        case OPT_COUNT:
            if (!s_parse_u64 (optarg, UINT64_MAX, &opts.count) || opts.count == 0) {
                code = s_usage_error ("--count", optarg, "not a positive number");
                goto out;
            }
            break;
        case OPT_TIMEOUT:
            if (!s_parse_u64 (optarg, INT32_MAX, &v)) {
                code = s_usage_error ("--timeout", optarg, "not a number of milliseconds");
                goto out;
            }
            opts.timeout_ms = (int) v;
            break;
        case OPT_LOG_LEVEL: {
            int level = pmo_log_level_parse (optarg);
            if (level < 0) {
                code = s_usage_error ("--log-level", optarg, "not error, warn, info or debug");
                goto out;
            }
            pmo_log_set_level ((pmo_log_level_t) level);
            break;
        }
        case OPT_HELP: s_usage (stdout); goto out;
        case ':':
            code = s_usage_error (argv[optind - 1] ? argv[optind - 1] : "?", NULL,
                                  "missing value");
            goto out;
        default: {
            /*  Inside a cluster ("-xy") optind has not moved on: name the
             *  letter, not the argument before it. */
            char letter[3] = {'-', (char) optopt, '\0'};
            bool is_short = optopt > 0 && optopt < 128 && isprint (optopt);
            code = s_usage_error (is_short ? letter : argv[optind - 1], NULL, "unknown option");
            goto out;
        }
        }
    }
    if (optind < argc) {
        code = s_usage_error (argv[optind], NULL, "unexpected argument");
        goto out;
    }
    if (!is_all && n_topics == 0) {
        for (size_t i = 0; i < PMO_ARRAY_LEN (s_default_topics); i++)
            topics[n_topics++] = s_default_topics[i];
    }
    opts.topics = topics;
    opts.n_topics = is_all ? 0 : n_topics;
    opts.events = pmo_endpoint_events (events_flag);
    opts.endpoint = pmo_endpoint_requests (endpoint_flag);
    char why[600];
    if (pmo_client_setup_keys (key_flag, server_key_flag, why, sizeof why) != PMO_OK) {
        fprintf (stderr, "%s: %s\n", NOTIFY_PROGRAM, why);
        code = 1;
        goto out;
    }

    pmo_on_stop_signals (s_on_signal);
    /*  A closed stdout or a hook that does not read its stdin is an EPIPE
     *  error to report, not a silent death. */
    signal (SIGPIPE, SIG_IGN);

    code = notify_run (&opts, &s_stop);
    pmo_zmq_term ();
out:
    free (topics);
    return code;
}
