/*  pmo-agent: a team's agent.  Subcommands:
 *    time | cost | progress | milestone   one update, exit 0 once pmod acknowledged it
 *    status                               what the outbox holds, how each source
 *                                         did (works without pmod)
 *    run                                  the daemon: spool, sources, outbox, heartbeats
 *
 *  main owns the command line only: flags -> config -> record or loop ->
 *  exit code.  Exit codes: 0 done, 1 usage error / bad input / rejected by
 *  pmod / local failure, 2 pmod did not answer (the update stays queued).
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent.h"
#include "config.h"
#include "outbox.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_log.h"
#include "record.h"
#include "spool.h"

#define S_PROG "pmo-agent"

/*  The only global: set by SIGINT/SIGTERM, read by the loop. */
static volatile sig_atomic_t s_stop = 0;

enum {
    C_TIME = 1 << 0,
    C_COST = 1 << 1,
    C_PROGRESS = 1 << 2,
    C_MILESTONE = 1 << 3,
    C_STATUS = 1 << 4,
    C_RUN = 1 << 5,
    C_ONESHOT = C_TIME | C_COST | C_PROGRESS | C_MILESTONE,
    C_ALL = 0x3F
};

static const struct {
    const char *name;
    unsigned bit;
} s_commands[] = {
    {"time", C_TIME}, {"cost", C_COST},     {"progress", C_PROGRESS},
    {"milestone", C_MILESTONE}, {"status", C_STATUS}, {"run", C_RUN},
};

typedef enum {
    F_CONFIG,                 /* a config table option (config_set_flag) */
    F_RECORD,                 /* a field of the one-shot's record */
    F_CONFIG_FILE,
    F_LOG_LEVEL,
    F_JSON,
    F_ONCE,
    F_HELP
} s_flag_kind_t;

/*  Every flag, the commands that take it, and where its value goes. */
static const struct {
    const char *flag;
    bool has_arg;
    unsigned cmds;
    s_flag_kind_t kind;
} s_flags[] = {
    {"endpoint", true, C_ALL, F_CONFIG},
    {"events", true, C_ALL, F_CONFIG},
    {"timeout", true, C_ALL, F_CONFIG},
    {"agent", true, C_ALL, F_CONFIG},
    {"state", true, C_ALL, F_CONFIG},
    {"key", true, C_ALL, F_CONFIG},
    {"server-key", true, C_ALL, F_CONFIG},
    {"outbox-mb", true, C_ONESHOT | C_RUN, F_CONFIG},
    {"config", true, C_ALL, F_CONFIG_FILE},
    {"log-level", true, C_ALL, F_LOG_LEVEL},
    {"help", false, C_ALL, F_HELP},
    {"json", false, C_STATUS, F_JSON},
    {"once", false, C_RUN, F_ONCE},
    {"team", true, C_RUN, F_CONFIG},
    {"heartbeat", true, C_RUN, F_CONFIG},
    {"window", true, C_RUN, F_CONFIG},
    {"resend", true, C_RUN, F_CONFIG},
    {"spool", true, C_RUN, F_CONFIG},
    {"poll", true, C_RUN, F_CONFIG},
    {"person", true, C_TIME, F_RECORD},
    {"project", true, C_ONESHOT, F_RECORD},
    {"minutes", true, C_TIME, F_RECORD},
    {"hours", true, C_TIME, F_RECORD},
    {"activity", true, C_TIME, F_RECORD},
    {"amount", true, C_COST, F_RECORD},
    {"currency", true, C_COST, F_RECORD},
    {"category", true, C_COST, F_RECORD},
    {"percent", true, C_PROGRESS, F_RECORD},
    {"milestone", true, C_PROGRESS, F_RECORD},
    {"name", true, C_MILESTONE, F_RECORD},
    {"date", true, C_ONESHOT, F_RECORD},
    {"note", true, C_ONESHOT, F_RECORD},
};

#define S_N_FLAGS PMO_ARRAY_LEN (s_flags)

typedef struct {
    const char *command;
    unsigned cmd;
    const char *values[S_N_FLAGS];   /* NULL = not given; "" for a given switch */
} s_args_t;

static void PMO_PRINTF (1, 2)
s_fail (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, S_PROG ": ");
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
}

static void
s_usage (FILE *out)
{
    fprintf (out,
             "Usage: " S_PROG " [OPTIONS] COMMAND [COMMAND OPTIONS]\n"
             "\n"
             "Report a team's work to pmod.  Every update is written to the outbox (--state)\n"
             "before it is sent and stays there until pmod has answered it.\n"
             "\n"
             "Commands:\n"
             "  time --person P --project C (--minutes N | --hours H) [--activity A]\n"
             "       [--date D] [--note N]          book time (date defaults to today, in the\n"
             "                                      agent's time zone: TZ)\n"
             "  cost --project C --amount \"12.50 EUR\" [--currency EUR]\n"
             "       [--category labour|material|travel|contractor|other] [--date D] [--note N]\n"
             "                                      book a cost (no currency: the project's,\n"
             "                                      converted by pmod)\n"
             "  progress --project C --percent 42.5 [--milestone NAME] [--date D] [--note N]\n"
             "  milestone --project C --name NAME [--date D] [--note N]\n"
             "                                      report a milestone reached\n"
             "  status [--json]                     outbox depth, oldest update, spool files,\n"
             "                                      each source's last run, error, items sent\n"
             "  run --config FILE [--once]          the daemon: spool, sources ([source.NAME]),\n"
             "                                      outbox, heartbeats;\n"
             "                                      --once stops when all is sent\n"
             "\n"
             "Options:\n"
             "  --endpoint EP     pmod request endpoint ($PMO_ENDPOINT, else %s)\n"
             "  --events EP       pmod event endpoint ($PMO_EVENTS); accepted like every pmo\n"
             "                    program, not used: the agent does not subscribe\n"
             "  --timeout MS      how long to wait for pmod (5000)\n"
             "  --agent ID        agent id ($PMO_AGENT, else USER@HOSTNAME)\n"
             "  --state DIR       outbox directory ($PMO_AGENT_STATE, else\n"
             "                    ~/.local/state/pmo-agent)\n"
             "  --config FILE     INI file (keys below); flags override it\n"
             "  --log-level L     error, warn, info or debug ($PMO_LOG)\n"
             "  --json            JSON output (status)\n"
             "  --help            this text\n"
             "\n"
             "Config file keys, and the flags that override them:\n",
             PMO_DEFAULT_ENDPOINT);
    config_print_help (out);
    fprintf (out,
             "  [source.NAME]     type = taskwarrior|timewarrior|command, poll = MS, timeout = MS,\n"
             "                    the kind's keys and MAP.NAME = VALUE mappings\n"
             "                    (docs/agent-sources.md)\n"
             "\n"
             "Exit status: 0 done; 1 usage error, bad input or rejected by pmod;\n"
             "2 pmod did not answer (the update stays in the outbox and is resent by the\n"
             "next pmo-agent run or command).\n");
}

static int
s_flag_index (const char *name)
{
    for (size_t i = 0; i < S_N_FLAGS; i++)
        if (streq (s_flags[i].flag, name))
            return (int) i;
    return -1;
}

static const char *
s_value (const s_args_t *a, const char *name)
{
    int i = s_flag_index (name);
    return i >= 0 ? a->values[i] : NULL;
}

/*  Returns -1 to go on, else the exit code. */
static int
s_parse (int argc, char **argv, s_args_t *a)
{
    struct option opts[S_N_FLAGS + 1];
    for (size_t i = 0; i < S_N_FLAGS; i++)
        opts[i] = (struct option) {s_flags[i].flag, s_flags[i].has_arg ? required_argument
                                                                        : no_argument,
                                   NULL, 256 + (int) i};
    opts[S_N_FLAGS] = (struct option) {0};
    opterr = 0;
    int c;
    while ((c = getopt_long (argc, argv, ":", opts, NULL)) != -1) {
        if (c >= 256 && c < 256 + (int) S_N_FLAGS) {
            a->values[c - 256] = optarg ? optarg : "";
            continue;
        }
        const char *bad = argv[optind - 1];
        if (c == ':')
            s_fail ("%s: needs a value", bad);
        else
            s_fail ("%s: unknown option (see --help)", bad);
        return 1;
    }
    if (a->values[s_flag_index ("help")]) {
        s_usage (stdout);
        return 0;
    }
    if (optind >= argc) {
        s_fail ("missing command: time, cost, progress, milestone, status or run (see --help)");
        return 1;
    }
    a->command = argv[optind++];
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_commands); i++)
        if (streq (a->command, s_commands[i].name))
            a->cmd = s_commands[i].bit;
    if (!a->cmd) {
        s_fail ("%s: unknown command (see --help)", a->command);
        return 1;
    }
    if (optind < argc) {
        s_fail ("%s: unexpected argument \"%s\" (values go after their --option)", a->command,
                argv[optind]);
        return 1;
    }
    for (size_t i = 0; i < S_N_FLAGS; i++) {
        if (a->values[i] && !(s_flags[i].cmds & a->cmd)) {
            s_fail ("%s: --%s is not an option of this command", a->command, s_flags[i].flag);
            return 1;
        }
    }
    return -1;
}

//  --------------------------------------------------------------------------
//  Configuration

static char *
s_default_agent_id (void)
{
    const char *user = getenv ("USER");
    struct passwd *pw = (!user || !*user) ? getpwuid (getuid ()) : NULL;
    if (pw)
        user = pw->pw_name;
    char host[256] = "localhost";
    if (gethostname (host, sizeof host) != 0)
        pmo_strlcpy (host, "localhost", sizeof host);
    host[sizeof host - 1] = '\0';
    char id[600];
    snprintf (id, sizeof id, "%.255s@%s", user && *user ? user : "agent", host);
    id[PMO_MAX_AGENT_ID_LEN] = '\0';  /* pmod's bound; a long host name is cut */
    return pmo_strdup (id);
}

static char *
s_default_state (void)
{
    const char *home = getenv ("HOME");
    if (!home || !*home) {
        struct passwd *pw = getpwuid (getuid ());
        home = pw ? pw->pw_dir : "/tmp";
    }
    size_t n = strlen (home) + 64;
    char *dir = pmo_malloc (n);
    snprintf (dir, n, "%s/.local/state/pmo-agent", home);
    return dir;
}

/*  An agent id: 1..64 printable ASCII bytes, no blanks. */
static bool
s_agent_id_valid (const char *id)
{
    size_t n = strlen (id);
    if (n == 0 || n > PMO_MAX_AGENT_ID_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (id[i] <= ' ' || id[i] >= 0x7F)
            return false;
    return true;
}

/*  defaults < env < --config file < flags.  Returns -1 or an exit code. */
static int
s_configure (const s_args_t *a, agent_config_t *cfg)
{
    char why[512];
    const char *file = s_value (a, "config");
    if (file && config_load (cfg, file, why, sizeof why) != PMO_OK) {
        s_fail ("%s", why);
        return 1;
    }
    for (size_t i = 0; i < S_N_FLAGS; i++) {
        if (s_flags[i].kind != F_CONFIG || !a->values[i])
            continue;
        if (config_set_flag (cfg, s_flags[i].flag, a->values[i], why, sizeof why) != PMO_OK) {
            s_fail ("%s", why);
            return 1;
        }
    }
    config_apply_env (cfg);
    if (!cfg->id)
        cfg->id = s_default_agent_id ();
    if (!cfg->state)
        cfg->state = s_default_state ();
    if (!cfg->endpoint)
        cfg->endpoint = pmo_strdup (pmo_endpoint_requests (NULL));
    if (pmo_client_setup_keys (cfg->key, cfg->server_key, why, sizeof why) != PMO_OK) {
        s_fail ("%s", why);
        return 1;
    }
    if (!s_agent_id_valid (cfg->id)) {
        s_fail ("agent id \"%.80s\": must be 1 to %d printable characters without blanks", cfg->id,
                PMO_MAX_AGENT_ID_LEN);
        return 1;
    }
    return -1;
}

//  --------------------------------------------------------------------------
//  One-shot commands

/*  Today in the agent's time zone (TZ), not UTC's: east of UTC the team's
 *  day begins before UTC's, and its work of that day must be bookable. */
static int32_t
s_local_today (void)
{
    return source_local_day (pmo_clock_now_ms () / 1000);
}

static int
s_oneshot (const s_args_t *a, const agent_config_t *cfg)
{
    int exit_code = 1;
    record_t rec;
    record_init (&rec);
    outbox_t *outbox = NULL;
    agent_t *agent = NULL;
    pmo_reason_t why;
    pmo_reason_clear (&why);
    char text[512];

    record_set (&rec, "type", a->command, RECORD_TEXT, NULL);
    for (size_t i = 0; i < S_N_FLAGS; i++)
        if (s_flags[i].kind == F_RECORD && a->values[i])
            record_set (&rec, s_flags[i].flag, a->values[i], RECORD_TEXT, NULL);
    record_request_t rr;
    if (record_to_request (&rec, s_local_today (), &rr, &why) != PMO_OK) {
        /*  The record's field names are the flags' names. */
        s_fail ("%s", why.text);
        goto out;
    }
    int rc = outbox_open (cfg->state, cfg->id, (size_t) cfg->outbox_mb << 20, &outbox, text, sizeof text);
    if (rc) {
        s_fail ("%s", text);
        goto out;
    }
    /*  Leftovers from the daemon's spool may be answered here too. */
    outbox_set_reject_hook (outbox, spool_reject_hook, NULL);
    /*  Connect first: zmq connects and greets pmod in its own thread while
     *  the update is flushed to the outbox, and the update is still sent
     *  only once it is on disk. */
    agent_opts_t opts = {
        .endpoint = cfg->endpoint,
        .timeout_ms = cfg->timeout_ms,
        .window = cfg->window,
        .resend_ms = cfg->resend_ms,
    };
    rc = agent_new (&opts, outbox, NULL, &agent);
    if (rc) {
        s_fail ("endpoint %s: %s; update not recorded", cfg->endpoint, pmo_strerror (rc));
        goto out;
    }
    uint64_t seq = 0;
    rc = outbox_add (outbox, &rr.req, &seq);
    if (rc == PMO_EFULL) {
        s_fail ("outbox %s is full; update not recorded (pmo-agent status shows what waits)",
                cfg->state);
        goto out;
    }
    if (rc) {
        s_fail ("outbox %s: %s; update not recorded", cfg->state, pmo_strerror (rc));
        goto out;
    }
    rc = agent_run (agent, AGENT_WATCH, seq);
    switch (rc) {
    case PMO_OK:
        exit_code = 0;
        break;
    case PMO_EINVAL:
        s_fail ("%s", agent_reason (agent));
        break;
    case PMO_ETIMEOUT:
        s_fail ("no answer from pmod at %s within %d ms; update kept in outbox (agent %s seq %llu) "
                "and resent by the next pmo-agent run or command",
                cfg->endpoint, cfg->timeout_ms, cfg->id, (unsigned long long) seq);
        exit_code = 2;
        break;
    case PMO_EFULL:
        s_fail ("pmod at %s cannot store updates (%s); update kept in outbox (agent %s seq %llu) "
                "and resent by the next pmo-agent run or command",
                cfg->endpoint, agent_reason (agent), cfg->id, (unsigned long long) seq);
        exit_code = 2;
        break;
    default:
        s_fail ("%s; update kept in outbox (agent %s seq %llu)", pmo_strerror (rc), cfg->id,
                (unsigned long long) seq);
        break;
    }
out:
    agent_destroy (&agent);
    outbox_close (&outbox);
    record_clear (&rec);
    return exit_code;
}

//  --------------------------------------------------------------------------
//  status

typedef struct {
    json_object *arr;         /* --json */
    size_t n;
} s_status_files_t;

static bool
s_status_file (void *arg, const outbox_file_t *f)
{
    s_status_files_t *sf = arg;
    sf->n++;
    if (sf->arr) {
        json_object *o = json_object_new_object ();
        json_object_object_add (o, "name", json_object_new_string (f->name));
        json_object_object_add (o, "spool", json_object_new_string (f->dir));
        json_object_object_add (o, "total", json_object_new_int64 (f->total));
        json_object_object_add (o, "good", json_object_new_int64 (f->good));
        json_object_object_add (o, "pending", json_object_new_int64 (f->pending));
        json_object_object_add (o, "rejected", json_object_new_int64 (f->rejected));
        json_object_array_add (sf->arr, o);
    } else
        printf ("file        %s: %u records, %u queued, %u pending, %u rejected (%s)\n", f->name,
                f->total, f->good, f->pending, f->rejected, f->dir);
    return true;
}

/*  A source's status record (written by source.c) as one JSON object
 *  with its name. */
static json_object *
s_source_status (const char *name, const char *json)
{
    json_object *o = json_tokener_parse (json);
    if (!o || !json_object_is_type (o, json_type_object)) {
        json_object_put (o);
        o = json_object_new_object ();
    }
    json_object_object_add (o, "name", json_object_new_string (name));
    return o;
}

static bool
s_status_source_json (void *arg, const char *name, const char *json)
{
    json_object_array_add (arg, s_source_status (name, json));
    return true;
}

static const char *
s_jstr (json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex (o, key, &v) ? json_object_get_string (v) : "";
}

static int64_t
s_jint (json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex (o, key, &v) ? json_object_get_int64 (v) : 0;
}

/*  "source      apollo-time (timewarrior): last run 2026-11-22T12:00:00Z ok, 12 items sent" */
static bool
s_status_source_text (void *arg, const char *name, const char *json)
{
    PMO_UNUSED (arg);
    json_object *o = s_source_status (name, json);
    const char *last_run = s_jstr (o, "last_run"), *last_ok = s_jstr (o, "last_ok");
    const char *error = s_jstr (o, "last_error");
    bool is_ok = *last_ok && streq (last_run, last_ok);
    int64_t items = s_jint (o, "items");
    printf ("source      %s (%s): last run %s %s%s%s, %lld item%s sent in %lld run%s, %lld failed\n",
            name, s_jstr (o, "kind"), *last_run ? last_run : "never", is_ok ? "ok" : "FAILED",
            *error ? ": " : "", error, (long long) items, items == 1 ? "" : "s",
            (long long) s_jint (o, "runs"), s_jint (o, "runs") == 1 ? "" : "s",
            (long long) s_jint (o, "failures"));
    json_object_put (o);
    return true;
}

static void
s_age_text (int64_t ms, char *out, size_t n)
{
    int64_t s = ms / 1000;
    if (s < 120)
        snprintf (out, n, "%llds", (long long) s);
    else if (s < 7200)
        snprintf (out, n, "%lldm", (long long) (s / 60));
    else if (s < 172800)
        snprintf (out, n, "%lldh", (long long) (s / 3600));
    else
        snprintf (out, n, "%lldd", (long long) (s / 86400));
}

static int
s_status (const s_args_t *a, const agent_config_t *cfg)
{
    bool is_json = s_value (a, "json") != NULL;
    char why[512];
    outbox_t *outbox = NULL;
    int rc = outbox_open (cfg->state, NULL, 0, &outbox, why, sizeof why);
    if (rc && rc != PMO_ENOTFOUND) {
        s_fail ("%s", why);
        return 1;
    }
    const char *agent = outbox ? outbox_agent (outbox) : cfg->id;
    size_t depth = outbox ? outbox_depth (outbox) : 0;
    uint64_t next_seq = outbox ? outbox_next_seq (outbox) : 1;
    uint64_t oldest_seq = 0;
    int oldest_kind = 0;
    int64_t queued_ms = 0;
    bool has_oldest = outbox && outbox_oldest (outbox, &oldest_seq, &oldest_kind, &queued_ms) == PMO_OK;
    int64_t age_ms = has_oldest ? pmo_clock_now_ms () - queued_ms : 0;
    if (age_ms < 0)
        age_ms = 0;

    if (is_json) {
        json_object *o = json_object_new_object ();
        json_object_object_add (o, "agent", json_object_new_string (agent));
        json_object_object_add (o, "state", json_object_new_string (cfg->state));
        json_object_object_add (o, "exists", json_object_new_boolean (outbox != NULL));
        json_object_object_add (o, "pending", json_object_new_int64 ((int64_t) depth));
        json_object_object_add (o, "next_seq", json_object_new_int64 ((int64_t) next_seq));
        if (outbox)
            json_object_object_add (o, "map_used_pct",
                                    json_object_new_int64 (outbox_usage_pct (outbox)));
        if (has_oldest) {
            json_object *old = json_object_new_object ();
            char at[32];
            pmo_datetime_format (queued_ms, at);
            json_object_object_add (old, "seq", json_object_new_int64 ((int64_t) oldest_seq));
            json_object_object_add (old, "kind", json_object_new_string (record_kind_name (oldest_kind)));
            json_object_object_add (old, "queued", json_object_new_string (at));
            json_object_object_add (old, "age_ms", json_object_new_int64 (age_ms));
            json_object_object_add (o, "oldest", old);
        }
        s_status_files_t sf = {json_object_new_array (), 0};
        if (outbox)
            outbox_files (outbox, s_status_file, &sf);
        json_object_object_add (o, "files", sf.arr);
        json_object *srcs = json_object_new_array ();
        if (outbox)
            outbox_sources (outbox, s_status_source_json, srcs);
        json_object_object_add (o, "sources", srcs);
        printf ("%s\n", json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
        json_object_put (o);
    } else {
        printf ("agent       %s\n", agent);
        printf ("state       %s%s\n", cfg->state, outbox ? "" : " (no outbox yet)");
        printf ("pending     %zu update%s\n", depth, depth == 1 ? "" : "s");
        if (has_oldest) {
            char age[32], at[32];
            s_age_text (age_ms, age, sizeof age);
            pmo_datetime_format (queued_ms, at);
            printf ("oldest      seq %llu, %s, queued %s (%s ago)\n",
                    (unsigned long long) oldest_seq, record_kind_name (oldest_kind), at, age);
        }
        printf ("next seq    %llu\n", (unsigned long long) next_seq);
        if (outbox)
            printf ("map used    %u%%\n", outbox_usage_pct (outbox));
        s_status_files_t sf = {NULL, 0};
        if (outbox)
            outbox_files (outbox, s_status_file, &sf);
        if (!sf.n)
            printf ("files       none in progress\n");
        if (outbox)
            outbox_sources (outbox, s_status_source_text, NULL);
    }
    outbox_close (&outbox);
    return 0;
}

//  --------------------------------------------------------------------------
//  run

static void
s_on_signal (int sig)
{
    PMO_UNUSED (sig);
    s_stop = 1;
}

static int
s_run (const s_args_t *a, const agent_config_t *cfg)
{
    bool is_once = s_value (a, "once") != NULL;
    int exit_code = 1;
    char why[512];
    outbox_t *outbox = NULL;
    spool_t *spool = NULL;
    sources_t *sources = NULL;
    agent_t *agent = NULL;

    int rc = sources_load (s_value (a, "config"), &sources, why, sizeof why);
    if (rc) {
        s_fail ("%s", why);
        goto out;
    }
    rc = outbox_open (cfg->state, cfg->id, (size_t) cfg->outbox_mb << 20, &outbox, why, sizeof why);
    if (rc) {
        s_fail ("%s", why);
        goto out;
    }
    sources_attach (sources, outbox);
    outbox_set_reject_hook (outbox, spool_reject_hook, NULL);
    if (cfg->spool_dir) {
        rc = spool_open (cfg->spool_dir, outbox, &spool, why, sizeof why);
        if (rc) {
            s_fail ("%s", why);
            goto out;
        }
    }
    agent_opts_t opts = {
        .endpoint = cfg->endpoint,
        .team = cfg->team,
        .timeout_ms = cfg->timeout_ms,
        .heartbeat_s = cfg->heartbeat_s,
        .window = cfg->window,
        .resend_ms = cfg->resend_ms,
        .poll_ms = cfg->poll_ms,
        .stop = &s_stop,
    };
    rc = agent_new (&opts, outbox, spool, &agent);
    if (rc) {
        s_fail ("endpoint %s: %s", cfg->endpoint, pmo_strerror (rc));
        goto out;
    }
    agent_set_sources (agent, sources);
    pmo_on_stop_signals (s_on_signal);
    pmo_log_info ("started: agent=%s endpoint=%s state=%s spool=%s sources=%zu pending=%zu%s",
                  cfg->id, cfg->endpoint, cfg->state, spool ? spool_dir (spool) : "(none)",
                  sources_count (sources), outbox_depth (outbox), is_once ? " once" : "");
    rc = agent_run (agent, is_once ? AGENT_ONCE : AGENT_DAEMON, 0);
    if (rc == PMO_OK) {
        exit_code = 0;
        pmo_log_info ("stopped: %zu updates in the outbox", outbox_depth (outbox));
    } else if (rc == PMO_ETIMEOUT) {
        s_fail ("no answer from pmod at %s within %d ms; %zu updates kept in outbox (agent %s) "
                "and resent by the next pmo-agent run or command",
                cfg->endpoint, cfg->timeout_ms, outbox_depth (outbox), cfg->id);
        exit_code = 2;
    } else if (rc == PMO_EFULL)
        s_fail ("outbox %s: a spool file does not fit even in the empty outbox; it stays in %s",
                cfg->state, cfg->spool_dir);
    else
        s_fail ("%s; updates stay in the outbox %s", pmo_strerror (rc), cfg->state);
out:
    agent_destroy (&agent);
    spool_close (&spool);
    sources_destroy (&sources);
    outbox_close (&outbox);
    return exit_code;
}

int
main (int argc, char **argv)
{
    s_args_t args = {0};
    agent_config_t cfg;
    config_init (&cfg);
    int exit_code = s_parse (argc, argv, &args);
    if (exit_code >= 0)
        goto out;
    exit_code = 1;
    pmo_log_init (S_PROG, args.cmd == C_RUN ? PMO_LOG_INFO : PMO_LOG_WARN);
    const char *level = s_value (&args, "log-level");
    if (level) {
        int l = pmo_log_level_parse (level);
        if (l < 0) {
            s_fail ("--log-level: \"%s\" is not one of error, warn, info, debug", level);
            goto out;
        }
        pmo_log_set_level ((pmo_log_level_t) l);
    }
    if (pmo_clock_init_from_env () != PMO_OK) {
        s_fail ("PMO_NOW: \"%s\" is not an ISO 8601 date or time", getenv ("PMO_NOW"));
        goto out;
    }
    exit_code = s_configure (&args, &cfg);
    if (exit_code >= 0)
        goto out;
    if (args.cmd & C_ONESHOT)
        exit_code = s_oneshot (&args, &cfg);
    else if (args.cmd == C_STATUS)
        exit_code = s_status (&args, &cfg);
    else
        exit_code = s_run (&args, &cfg);
out:
    config_free (&cfg);
    pmo_zmq_term ();
    return exit_code;
}
