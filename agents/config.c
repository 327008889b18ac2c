/*  config: table-driven options for pmo-agent (INI via libinih, flags).
 *
 *  Owns the option table and the wording of configuration errors
 *  ("team.conf:7: unknown key \"hartbeat\" in [agent]").  There is no
 *  per-option code: parsing, range checks and --help read the rows.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_prelude.h"

#define S_OFF(field) offsetof (agent_config_t, field)

static const config_option_t s_options[] = {
    {"agent", "id", "agent", "PMO_AGENT", CONFIG_STRING, S_OFF (id), NULL, 0, 0, "ID",
     "agent id"},
    {"agent", "team", "team", NULL, CONFIG_STRING, S_OFF (team), NULL, 0, 0, "CODE",
     "team code sent in heartbeats (none: no heartbeats)"},
    {"agent", "endpoint", "endpoint", NULL, CONFIG_STRING, S_OFF (endpoint), NULL, 0, 0, "EP",
     "pmod request endpoint"},
    {"agent", "events", "events", "PMO_EVENTS", CONFIG_STRING, S_OFF (events), NULL, 0, 0, "EP",
     "pmod event endpoint (accepted like every pmo program; the agent does not subscribe)"},
    {"agent", "key", "key", "PMO_KEY", CONFIG_STRING, S_OFF (key), NULL, 0, 0, "FILE",
     "the agent's secret key file (pmoctl keygen); none: no CURVE (pmod --insecure)"},
    {"agent", "server_key", "server-key", "PMO_SERVER_KEY", CONFIG_STRING, S_OFF (server_key), NULL, 0,
     0, "FILE", "pmod's public key file (DATA/server.key.pub)"},
    {"agent", "state", "state", "PMO_AGENT_STATE", CONFIG_STRING, S_OFF (state), NULL, 0, 0,
     "DIR", "outbox directory"},
    {"agent", "timeout", "timeout", NULL, CONFIG_INT, S_OFF (timeout_ms), "5000", 1, 3600000,
     "MS", "how long to wait for pmod"},
    {"agent", "heartbeat", "heartbeat", NULL, CONFIG_INT, S_OFF (heartbeat_s), "30", 0, 86400,
     "S", "seconds between heartbeats (0: none)"},
    {"agent", "window", "window", NULL, CONFIG_INT, S_OFF (window), "64", 1, 4096, "N",
     "updates sent and not yet acknowledged"},
    {"agent", "resend", "resend", NULL, CONFIG_INT, S_OFF (resend_ms), "2000", 10, 30000, "MS",
     "resend after this long without an ack (doubling, to 30000)"},
    {"agent", "outbox_mb", "outbox-mb", NULL, CONFIG_INT, S_OFF (outbox_mb), "1024", 1, 1048576,
     "MIB", "outbox map size; a full outbox refuses new updates"},
    {"spool", "dir", "spool", NULL, CONFIG_STRING, S_OFF (spool_dir), NULL, 0, 0, "DIR",
     "spool directory to read update files from"},
    {"spool", "poll", "poll", NULL, CONFIG_INT, S_OFF (poll_ms), "1000", 10, 3600000, "MS",
     "milliseconds between spool scans"},
};

/*  Where a section's values live.  A per-instance section ([source.NAME])
 *  would set is_prefix and return the instance for name. */
typedef struct {
    const char *name;
    bool is_prefix;
    void *(*target) (agent_config_t *cfg, const char *section);
} s_section_t;

static void *
s_target_self (agent_config_t *cfg, const char *section)
{
    PMO_UNUSED (section);
    return cfg;
}

static const s_section_t s_sections[] = {
    {"agent", false, s_target_self},
    {"spool", false, s_target_self},
    {"source.", true, NULL},  /* read by source_config.c */
};

const config_option_t *
config_options (size_t *n)
{
    *n = PMO_ARRAY_LEN (s_options);
    return s_options;
}

/*  Stores value into the row's field of base.  On error writes "what" (no
 *  location) into why. */
static int
s_set (void *base, const config_option_t *o, const char *value, char *why, size_t why_len)
{
    char *field = (char *) base + o->offset;
    if (o->type == CONFIG_STRING) {
        char **sp = (char **) field;
        free (*sp);
        *sp = pmo_strdup (value);
        return PMO_OK;
    }
    int64_t v;
    if (pmo_decimal_parse (value, 0, &v) != PMO_OK) {
        pmo_why (why, why_len, "%s: \"%s\" is not a whole number", o->key, value);
        return PMO_EINVAL;
    }
    if (v < o->min || v > o->max) {
        pmo_why (why, why_len, "%s: %s is outside %ld..%ld", o->key, value, o->min, o->max);
        return PMO_EINVAL;
    }
    *(int *) field = (int) v;
    return PMO_OK;
}

void
config_init (agent_config_t *cfg)
{
    memset (cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_options); i++)
        if (s_options[i].dflt)
            s_set (cfg, &s_options[i], s_options[i].dflt, NULL, 0);
}

void
config_free (agent_config_t *cfg)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_options); i++) {
        if (s_options[i].type == CONFIG_STRING) {
            char **sp = (char **) ((char *) cfg + s_options[i].offset);
            pmo_freen (*sp);
        }
    }
    memset (cfg, 0, sizeof *cfg);
}

void
config_apply_env (agent_config_t *cfg)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_options); i++) {
        const config_option_t *o = &s_options[i];
        if (o->type != CONFIG_STRING || !o->env)
            continue;
        char **sp = (char **) ((char *) cfg + o->offset);
        const char *env = getenv (o->env);
        if (!*sp && env && *env)
            *sp = pmo_strdup (env);
    }
}

typedef struct {
    agent_config_t *cfg;
    config_lines_t in;
    int what_line;            /* line of what */
    char what[256];           /* the first error, without its location */
} s_load_t;

char *
config_lines_read (char *str, int num, void *stream)
{
    config_lines_t *in = stream;
    char *got = fgets (str, num, in->file);
    if (!got)
        return NULL;
    in->line++;
    size_t len = strlen (str);
    if (len && str[len - 1] == '\n')
        len--;
    if (len && str[len - 1] == '\r')
        len--;
    if (num > 3 && len > (size_t) num - 3) {
        in->long_line = in->line;
        in->line_max = num - 3;
        return NULL;
    }
    return got;
}

static int
s_ini_handler (void *user, const char *section, const char *key, const char *value)
{
    s_load_t *ld = user;
    bool is_first = ld->what[0] == '\0';
    if (is_first)
        ld->what_line = ld->in.line;
    const s_section_t *sec = NULL;
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_sections); i++) {
        const s_section_t *s = &s_sections[i];
        if (s->is_prefix ? strncmp (section, s->name, strlen (s->name)) == 0
                         : streq (section, s->name))
            sec = s;
    }
    if (!sec) {
        if (is_first && !*section)
            snprintf (ld->what, sizeof ld->what, "key \"%s\" before any [section]", key);
        else if (is_first)
            snprintf (ld->what, sizeof ld->what, "unknown section [%s]", section);
        return 0;
    }
    if (!sec->target)
        return 1;  /* another reader's section */
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_options); i++) {
        const config_option_t *o = &s_options[i];
        if (!streq (o->section, sec->name) || !streq (o->key, key))
            continue;
        char what[256];
        if (s_set (sec->target (ld->cfg, section), o, value, what, sizeof what) != PMO_OK) {
            if (is_first)
                pmo_strlcpy (ld->what, what, sizeof ld->what);
            return 0;
        }
        return 1;
    }
    if (is_first)
        snprintf (ld->what, sizeof ld->what, "unknown key \"%s\" in [%s]", key, section);
    return 0;
}

int
config_load (agent_config_t *cfg, const char *path, char *why, size_t why_len)
{
    FILE *f = fopen (path, "r");
    if (!f) {
        int rc = errno;
        pmo_why (why, why_len, "%s: %s", path, strerror (rc));
        return rc;
    }
    s_load_t ld = {.cfg = cfg, .in = {.file = f}};
    int line = ini_parse_stream (config_lines_read, &ld.in, s_ini_handler, &ld);
    fclose (f);
    if (line == 0 && ld.in.long_line) {  /* an error before it comes first */
        pmo_why (why, why_len, "%s:%d: line longer than %d bytes", path, ld.in.long_line,
                 ld.in.line_max);
        return PMO_EINVAL;
    }
    if (line == 0)
        return PMO_OK;
    if (line < 0) {
        pmo_why (why, why_len, "%s: cannot be read", path);
        return line == -2 ? ENOMEM : EIO;
    }
    pmo_why (why, why_len, "%s:%d: %s", path, line,
           ld.what[0] && ld.what_line == line ? ld.what : "not a [section] or key = value line");
    return PMO_EINVAL;
}

int
config_set_flag (agent_config_t *cfg, const char *flag, const char *value, char *why,
                 size_t why_len)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_options); i++) {
        const config_option_t *o = &s_options[i];
        if (!o->flag || !streq (o->flag, flag))
            continue;
        char what[256];
        if (s_set (cfg, o, value, what, sizeof what) != PMO_OK) {
            /*  what starts with the key; say the flag instead. */
            const char *rest = strchr (what, ':');
            pmo_why (why, why_len, "--%s%s", flag, rest ? rest : what);
            return PMO_EINVAL;
        }
        return PMO_OK;
    }
    pmo_why (why, why_len, "--%s: unknown option", flag);
    return PMO_ENOTFOUND;
}

void
config_print_help (FILE *out)
{
    const char *section = "";
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_options); i++) {
        const config_option_t *o = &s_options[i];
        if (!streq (section, o->section)) {
            fprintf (out, "  [%s]\n", o->section);
            section = o->section;
        }
        char left[64];
        snprintf (left, sizeof left, "%s = %s", o->key, o->arg);
        char flag[48] = "";
        if (o->flag)
            snprintf (flag, sizeof flag, "--%s", o->flag);
        fprintf (out, "    %-20s %-14s %s", left, flag, o->help);
        if (o->dflt)
            fprintf (out, " [%s]", o->dflt);
        fputc ('\n', out);
    }
}
