/*  test_agent_config: pmo-agent's option table: INI file, flags, env,
 *  and the file:line wording of every configuration error. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"
#include "pmo/pmo_prelude.h"

static char s_path[64];

/*  Writes text to the scratch file and loads it into a fresh config.
 *  Returns the rc; why holds the error with the path replaced by "F". */
static int
s_load (const char *text, agent_config_t *cfg, char *why, size_t n)
{
    FILE *f = fopen (s_path, "w");
    if (!f)
        return -1;
    fputs (text, f);
    fclose (f);
    config_free (cfg);
    config_init (cfg);
    char raw[512] = "";
    int rc = config_load (cfg, s_path, raw, sizeof raw);
    size_t plen = strlen (s_path);
    if (strncmp (raw, s_path, plen) == 0)
        snprintf (why, n, "F%s", raw + plen);
    else
        pmo_strlcpy (why, raw, n);
    return rc;
}

static void
s_test_defaults (void)
{
    agent_config_t cfg;
    config_init (&cfg);
    CHECK (cfg.id == NULL);
    CHECK (cfg.spool_dir == NULL);
    CHECK_EQ_I64 (cfg.timeout_ms, 5000);
    CHECK_EQ_I64 (cfg.heartbeat_s, 30);
    CHECK_EQ_I64 (cfg.window, 64);
    CHECK_EQ_I64 (cfg.resend_ms, 2000);
    CHECK_EQ_I64 (cfg.poll_ms, 1000);
    config_free (&cfg);
}

static void
s_test_file (void)
{
    agent_config_t cfg;
    config_init (&cfg);
    char why[512];
    CHECK_RC (s_load ("; Apollo's agent\n"
                      "[agent]\n"
                      "id = apollo-team-agent      ; agent id\n"
                      "team = APOLLO               ; team code\n"
                      "endpoint = tcp://127.0.0.1:7750\n"
                      "state = /var/lib/pmo-agent/apollo\n"
                      "heartbeat = 30\n"
                      "window = 8\n"
                      "resend = 2500\n"
                      "\n"
                      "[spool]\n"
                      "dir = /srv/spool\n"
                      "poll = 250\n",
                      &cfg, why, sizeof why),
              PMO_OK);
    CHECK_STR (cfg.id, "apollo-team-agent");
    CHECK_STR (cfg.team, "APOLLO");
    CHECK_STR (cfg.endpoint, "tcp://127.0.0.1:7750");
    CHECK_STR (cfg.state, "/var/lib/pmo-agent/apollo");
    CHECK_EQ_I64 (cfg.window, 8);
    CHECK_EQ_I64 (cfg.resend_ms, 2500);
    CHECK_STR (cfg.spool_dir, "/srv/spool");
    CHECK_EQ_I64 (cfg.poll_ms, 250);

    /*  Flags win over the file; env only fills what is unset. */
    CHECK_RC (config_set_flag (&cfg, "window", "16", why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (cfg.window, 16);
    CHECK_RC (config_set_flag (&cfg, "spool", "/tmp/s", why, sizeof why), PMO_OK);
    CHECK_STR (cfg.spool_dir, "/tmp/s");
    CHECK_RC (config_set_flag (&cfg, "window", "0", why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "--window: 0 is outside 1..4096");
    CHECK_RC (config_set_flag (&cfg, "poll", "soon", why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "--poll: \"soon\" is not a whole number");
    CHECK_RC (config_set_flag (&cfg, "nope", "1", why, sizeof why), PMO_ENOTFOUND);
    setenv ("PMO_AGENT", "from-env", 1);
    config_apply_env (&cfg);
    CHECK_STR (cfg.id, "apollo-team-agent");
    config_free (&cfg);
    config_init (&cfg);
    config_apply_env (&cfg);
    CHECK_STR (cfg.id, "from-env");
    unsetenv ("PMO_AGENT");
    config_free (&cfg);
}

static void
s_test_errors (void)
{
    agent_config_t cfg;
    config_init (&cfg);
    char why[512];
    CHECK_RC (s_load ("[agent]\nid = x\nhartbeat = 3\n", &cfg, why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "F:3: unknown key \"hartbeat\" in [agent]");
    CHECK_RC (s_load ("[agent]\nid = x\n[sources]\nfoo = 1\n", &cfg, why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "F:4: unknown section [sources]");
    CHECK_RC (s_load ("[agent]\nwindow = 0\n", &cfg, why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "F:2: window: 0 is outside 1..4096");
    CHECK_RC (s_load ("[spool]\npoll = fast\n", &cfg, why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "F:2: poll: \"fast\" is not a whole number");
    CHECK_RC (s_load ("id = 3\n", &cfg, why, sizeof why), PMO_EINVAL);
    CHECK_STR (why, "F:1: key \"id\" before any [section]");
    /*  The first error is the one reported, with its own line. */
    CHECK_RC (s_load ("[agent]\nnot a key line\nwindow = abc\n", &cfg, why, sizeof why),
              PMO_EINVAL);
    CHECK_STR (why, "F:2: not a [section] or key = value line");
    CHECK_RC (s_load ("[agent]\nwindow = abc\nnot a key line\n", &cfg, why, sizeof why),
              PMO_EINVAL);
    CHECK_STR (why, "F:2: window: \"abc\" is not a whole number");
    config_free (&cfg);
    CHECK (config_load (&cfg, "/nonexistent/pmo.conf", why, sizeof why) != PMO_OK);
    CHECK_STR (why, "/nonexistent/pmo.conf: No such file or directory");
    config_free (&cfg);
}

int
main (void)
{
    snprintf (s_path, sizeof s_path, "/tmp/pmo-test-agent-config-%d.conf", (int) getpid ());
    s_test_defaults ();
    s_test_file ();
    s_test_errors ();
    unlink (s_path);
    return harness_report ();
}
