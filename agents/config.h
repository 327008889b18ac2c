/*  config: pmo-agent's options as one table, read from an INI file
 *  (libinih) and overridden by command-line flags.
 *
 *  Each option is a row {section, key, flag, env, type, offset, default,
 *  min, max, help}; the INI reader, the flag parser and --help all work
 *  from that table, so adding an option is adding a row.  Precedence, low
 *  to high: the row's default, its environment variable, the config file,
 *  the flag.
 *
 *  Sections are a table too: a section names where its options are stored.
 *  Today [agent] and [spool] both fill agent_config_t; a later per-instance
 *  section such as [source.NAME] (type = taskwarrior|timewarrior|command,
 *  poll, mapping) adds a section row with is_prefix and a target function
 *  that finds or appends the NAME instance, plus its option rows, without
 *  touching the reader.
 */
#ifndef PMO_AGENT_CONFIG_H
#define PMO_AGENT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    /*  [agent] */
    char *id;                 /* agent id */
    char *team;               /* team code, for heartbeats */
    char *endpoint;           /* pmod request endpoint */
    char *events;             /* pmod event endpoint (not read by the agent yet) */
    char *state;              /* outbox directory */
    char *key;                /* secret key file (CURVE), or NULL */
    char *server_key;         /* pmod's public key file, or NULL */
    int timeout_ms;           /* how long to wait for pmod */
    int heartbeat_s;          /* heartbeat period, 0 = none */
    int window;               /* updates in flight */
    int resend_ms;            /* resend after this long without an ack */
    int outbox_mb;            /* outbox map size, MiB */
    /*  [spool] */
    char *spool_dir;
    int poll_ms;              /* spool scan period */
} agent_config_t;

typedef enum {
    CONFIG_STRING,
    CONFIG_INT
} config_type_t;

typedef struct {
    const char *section;      /* "agent", "spool" */
    const char *key;          /* INI key */
    const char *flag;         /* long option that overrides it, or NULL */
    const char *env;          /* environment variable below the file, or NULL */
    config_type_t type;
    size_t offset;            /* into the section's target struct */
    const char *dflt;         /* default as text; NULL = unset */
    long min, max;            /* CONFIG_INT bounds */
    const char *arg;          /* argument name for --help */
    const char *help;
} config_option_t;

/*  Sets every option to its table default.  Free with config_free. */
void config_init (agent_config_t *cfg);
/*  Frees the strings and zeroes cfg. */
void config_free (agent_config_t *cfg);

/*  Reads path into cfg.  Unknown sections and keys, bad numbers and
 *  out-of-range values are errors; why gets "path:line: what".  Returns
 *  PMO_OK, PMO_EINVAL, or an errno when the file cannot be read. */
int config_load (agent_config_t *cfg, const char *path, char *why, size_t why_len);

/*  A config file handed to libinih line by line (its ini_parse_stream's
 *  stream), counting lines so handlers know where they are.  inih reads
 *  into a buffer of num bytes (INI_MAX_LINE: 200 in Debian's build) and
 *  takes the rest of a longer line as a line of its own: a truncated
 *  value, then a comment or an error on the wrong line.  So a line longer
 *  than num less "\r\n\0" ends the parse, and the loader says so. */
typedef struct {
    FILE *file;
    int line;                 /* lines handed to inih so far */
    int long_line;            /* the first line longer than inih takes, or 0 */
    int line_max;             /* ... which is this many bytes */
} config_lines_t;

/*  inih's reader over a config_lines_t. */
char *config_lines_read (char *str, int num, void *stream);

/*  Sets the option whose flag is flag (without "--").  why gets
 *  "--flag: what".  Returns PMO_OK, PMO_ENOTFOUND (no such flag) or
 *  PMO_EINVAL. */
int config_set_flag (agent_config_t *cfg, const char *flag, const char *value, char *why,
                     size_t why_len);

/*  Fills string options still unset from their environment variables. */
void config_apply_env (agent_config_t *cfg);

/*  The option table (n rows). */
const config_option_t *config_options (size_t *n);

/*  Writes the config keys and their flags, as --help shows them. */
void config_print_help (FILE *out);

#endif
