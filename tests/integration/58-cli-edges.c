/*  58-cli-edges: the edges of pmoctl's and pmo-notify's command lines.
 *  --key none turns CURVE off even with PMO_KEY and PMO_SERVER_KEY set;
 *  an unknown option is named as typed, a negative number gets a hint to
 *  use --; an amount whose currency differs from --currency is refused;
 *  template files are read as strict JSON (no trailing text, comments,
 *  trailing commas, single quotes or \u0000) with one-line errors; log
 *  --project of an unknown project says so; long multi-byte summaries are
 *  cut on a character boundary with "…" (pmoctl log, pmo-notify); and
 *  pmo-notify with a key pmod refuses says so once and exits 1, at once. */
#include <stdio.h>
#include <stdlib.h>

#include "auth_util.h"
#include "cli.h"
#include "harness.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_validate.h"

#define CTL PMOCTL_BIN
#define NOTIFY PMO_NOTIFY_BIN
#define ELLIPSIS "\xe2\x80\xa6"

/*  Expects exit status and exactly one line on stderr equal to want. */
static void
s_refused (run_t r, int status, const char *want)
{
    CHECK_EQ_I64 (r.status, status);
    CHECK_STR (r.err, want);
    run_free (&r);
}

/*  Well-formed UTF-8, by libpmo's own check. */
static bool
s_valid_utf8 (const char *s)
{
    return s && pmo_utf8_valid (s, strlen (s));
}

/*  The line of text that holds needle (malloc'd), or NULL. */
static char *
s_line_with (const char *text, const char *needle)
{
    const char *at = text ? strstr (text, needle) : NULL;
    if (!at)
        return NULL;
    const char *start = at;
    while (start > text && start[-1] != '\n')
        start--;
    size_t len = strcspn (start, "\n");
    return strndup (start, len);
}

static void
s_key_none (void)
{
    /*  Keys that do not exist: read as files, they fail. */
    setenv ("PMO_KEY", "/nonexistent/pmo.key", 1);
    setenv ("PMO_SERVER_KEY", "/nonexistent/server.key.pub", 1);
    run_t r = RUN (CTL, "ping");
    CHECK_EQ_I64 (r.status, 1);
    run_free (&r);
    run_ok (RUN (CTL, "--key", "none", "ping"));
    r = RUN (NOTIFY, "--key", "none", "--since", "0", "--all", "--count", "1", "--timeout", "5000");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, "policy") != NULL);
    run_free (&r);
    setenv ("PMO_KEY", "none", 1);  /* the environment may say it too */
    run_ok (RUN (CTL, "ping"));
    unsetenv ("PMO_KEY");
    unsetenv ("PMO_SERVER_KEY");
}

static void
s_options (void)
{
    s_refused (RUN (CTL, "policy", "set", "cpi_amber", "-0.5"), 1,
               "pmoctl: policy set: '-0.5' reads as an option; for a negative number put -- before the "
               "arguments (pmoctl policy set -- ...)\n");
    /*  With --, the value reaches the command (and pmod judges it). */
    run_t r = RUN (CTL, "policy", "set", "--", "cpi_amber", "-0.5");
    CHECK_EQ_I64 (r.status, 1);
    CHECK (r.err && strstr (r.err, "cpi_amber") && !strstr (r.err, "option"));
    run_free (&r);
    run_ok (RUN (CTL, "policy", "set", "cpi_amber", "--", "0.95"));
    s_refused (RUN (CTL, "project", "list", "-hx"), 1,
               "pmoctl: project list: unknown option '-x' (see pmoctl project list --help)\n");
    s_refused (RUN (CTL, "project", "list", "--bogus=3"), 1,
               "pmoctl: project list: unknown option '--bogus' (see pmoctl project list --help)\n");
    s_refused (RUN (CTL, "project", "list", "--json=yes"), 1,
               "pmoctl: project list: --json takes no value (see pmoctl project list --help)\n");
    s_refused (RUN (NOTIFY, "-qz"), 1, "pmo-notify: -q: unknown option (see --help)\n");
}

static void
s_currency (void)
{
    s_refused (RUN (CTL, "project", "add", "X", "--name", "x", "--start", "2026-01-01", "--finish", "2026-12-31",
                    "--budget", "5 EUR", "--currency", "USD"),
               1, "pmoctl: --budget: '5 EUR' is in EUR, but --currency says USD: give the currency once\n");
    s_refused (RUN (CTL, "person", "add", "bob", "--name", "Bob", "--team", "T1", "--rate", "10.00 EUR", "--currency",
                    "GBP"),
               1, "pmoctl: --rate: '10.00 EUR' is in EUR, but --currency says GBP: give the currency once\n");
    s_refused (RUN (CTL, "priorities", "--budget", "750 USD", "--currency", "EUR"), 1,
               "pmoctl: --budget: '750 USD' is in USD, but --currency says EUR: give the currency once\n");
    /*  The same code twice, or a bare number, is fine. */
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start", "2026-01-01",
                 "--finish", "2026-12-31", "--budget", "1000.00 EUR", "--currency", "EUR"));
    json_object *j = RUN_JSON (CTL, "project", "show", "APOLLO", "--json");
    CHECK_EQ_I64 (json_int (j, "project.bac_minor"), 100000);
    CHECK_STR (json_str (j, "project.currency"), "EUR");
    json_object_put (j);
    s_refused (RUN (CTL, "change", "submit", "APOLLO", "--description", "more", "--cost", "5 EUR", "--currency",
                    "USD"),
               1, "pmoctl: --cost: '5 EUR' is in EUR, but --currency says USD: give the currency once\n");
}

/*  Writes text (len bytes: it may hold a NUL) to DIR/name; path out. */
static void
s_file (tenv_t *e, const char *name, const char *text, size_t len, char *path, size_t n)
{
    snprintf (path, n, "%s/%s", e->dir, name);
    FILE *f = fopen (path, "wb");
    if (f) {
        fwrite (text, 1, len, f);
        fclose (f);
    }
}

static void
s_template_file (tenv_t *e, const char *name, const char *text, const char *want_after_path)
{
    char path[400], want[1000];
    s_file (e, name, text, strlen (text), path, sizeof path);
    snprintf (want, sizeof want, "pmoctl: --file: %s: %s\n", path, want_after_path);
    s_refused (RUN (CTL, "template", "add", "T", "--file", path), 1, want);
}

static void
s_templates (tenv_t *e)
{
    s_template_file (e, "trailing.json", "{\"name\": \"T\"} x",
                     "not valid JSON: unexpected character at line 1, column 15");
    s_template_file (e, "two.json", "{\"name\": \"T\"}\n{}", "not valid JSON: unexpected character at line 2, column 1");
    s_template_file (e, "comment.json", "{\"name\": \"T\" /* why */}",
                     "not valid JSON: object value separator ',' expected at line 1, column 14");
    s_template_file (e, "comma.json", "{\"name\": \"T\", \"milestones\": [],}",
                     "not valid JSON: unexpected character at line 1, column 32");
    s_template_file (e, "nul.json", "{\"name\": \"T\",\n \"description\": \"a\\u0000b\"}",
                     "not valid JSON: a string holds \\u0000 (NUL), which pmo cannot store at line 2, column 19");
    s_template_file (e, "nulkey.json", "{\"name\\u0000x\": \"T\"}",
                     "not valid JSON: a string holds \\u0000 (NUL), which pmo cannot store at line 1, column 7");
    s_template_file (e, "quote.json", "{'name': \"T\"}",
                     "not valid JSON: a single-quoted string (JSON strings take double quotes) at line 1, column 2");
    s_template_file (e, "short.json", "{\"name\": \"T\"", "not valid JSON: unexpected end of data at line 1, column 13");
    char path[400], want[1000];
    s_file (e, "rawnul.json", "{\"name\": \"T\"}\0", 15, path, sizeof path);
    snprintf (want, sizeof want, "pmoctl: --file: %s: not JSON text: a NUL byte at line 1, column 14\n", path);
    s_refused (RUN (CTL, "template", "add", "T", "--file", path), 1, want);
    snprintf (path, sizeof path, "%s/missing.json", e->dir);
    snprintf (want, sizeof want, "pmoctl: --file: %s: No such file or directory\n", path);
    s_refused (RUN (CTL, "template", "add", "T", "--file", path), 1, want);
    /*  Strict is not fussy: blanks and newlines around the object are fine. */
    const char *ok = "\n  {\"name\": \"T\", \"description\": \"caf\\u00e9\"}\n\n";
    s_file (e, "ok.json", ok, strlen (ok), path, sizeof path);
    run_ok (RUN (CTL, "template", "add", "T", "--file", path));
    json_object *j = RUN_JSON (CTL, "template", "show", "T", "--json");
    CHECK_STR (json_str (j, "description"), "caf\xc3\xa9");
    json_object_put (j);
}

static void
s_log_project (void)
{
    s_refused (RUN (CTL, "log", "--project", "NOPE"), 1, "pmoctl: project NOPE: not found\n");
    s_refused (RUN (CTL, "log", "--project", "NOPE", "--json"), 1, "pmoctl: project NOPE: not found\n");
    /*  A project that exists and has nothing after --since: an empty list. */
    json_object *j = RUN_JSON (CTL, "log", "--project", "APOLLO", "--since", "100000", "--json");
    CHECK (j && json_object_array_length (json_get (j, "events")) == 0);
    json_object_put (j);
}

/*  A change whose description is 1,000 bytes of two- and three-byte
 *  characters: pmoctl log's summary (510 bytes) and pmo-notify's schema
 *  text (1,024 bytes) both cut it. */
static void
s_long_text (void)
{
    char text[1001] = "";
    while (strlen (text) + 6 <= 1000)
        strcat (text, "\xc3\xa9\xe2\x82\xac ");  /* "é€ " */
    while (strlen (text) < 1000)
        strcat (text, "x");
    long long since = tlast_seq ();
    run_ok (RUN (CTL, "change", "submit", "APOLLO", "--description", text, "--days", "1"));

    run_t r = RUN (CTL, "log", "--project", "APOLLO");
    CHECK_EQ_I64 (r.status, 0);
    char *line = s_line_with (r.out, "change.submitted");
    CHECK (line && s_valid_utf8 (line));
    CHECK (line && strlen (line) >= 3 && strcmp (line + strlen (line) - 3, ELLIPSIS) == 0);
    free (line);
    run_free (&r);

    char from[24];
    snprintf (from, sizeof from, "%lld", since);
    r = RUN (NOTIFY, "--since", from, "--topic", "change.", "--count", "1", "--timeout", "5000");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && s_valid_utf8 (r.out));
    /*  The quoted description is closed, then the cut is marked. */
    CHECK (r.out && strstr (r.out, "description=\"\xc3\xa9\xe2\x82\xac ") != NULL);
    CHECK (r.out && strstr (r.out, "\"" ELLIPSIS) != NULL);
    if (!r.out || !strstr (r.out, "\"" ELLIPSIS))
        fprintf (stderr, "notify: %s\n", r.out ? r.out : "");
    run_free (&r);
}

/*  pmod refuses a key nobody enrolled: pmo-notify says so in one line and
 *  exits 1 at once, with or without --timeout (it used to retry for ever,
 *  or exit 2 "no answer"). */
static void
s_refused_key (void)
{
    tenv_t e;
    REQUIRE_VOID (tenv_init (&e, "cli-edges-keys") == 0);
    REQUIRE_VOID (tenv_secure (&e) == 0);
    REQUIRE_VOID (tenv_pmod_start (&e, NULL) == 0);
    tkey_t stranger;
    REQUIRE_VOID (tkey_make (&e, "stranger", &stranger) == 0);
    char want[800];
    snprintf (want, sizeof want,
              "pmo-notify: pmod at %s refused this key (not enrolled, or revoked): ask an admin to run pmoctl key "
              "enrol\n",
              e.endpoint);
    int64_t t0 = pmo_clock_mono_ms ();
    s_refused (RUN (NOTIFY, "--key", stranger.path, "--since", "0"), 1, want);
    s_refused (RUN (NOTIFY, "--key", stranger.path, "--timeout", "20000"), 1, want);
    CHECK (pmo_clock_mono_ms () - t0 < 15000);
    tenv_finish (&e, harness_failures == 0);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "cli-edges") == 0);
    const char *now[] = {"--now", "2026-07-02T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "policy", "set", "cpi_amber", "0.9"));
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "T"));

    s_key_none ();
    s_options ();
    s_currency ();
    s_templates (&e);
    s_log_project ();
    s_long_text ();
    tenv_finish (&e, harness_failures == 0);

    s_refused_key ();
    pmo_zmq_term ();
    return harness_report ();
}
