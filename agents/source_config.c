/*  source_config: the [source.NAME] sections of pmo-agent's config file.
 *
 *  config.c reads the file's other sections and leaves these alone; this
 *  reads the same file a second time (libinih) for them only.  Every
 *  source takes type (first), poll and timeout; the rest are the kind's
 *  own keys and MAP.NAME = VALUE mappings, checked against the kind's
 *  lists so a typo is an error, never a silently ignored line.  Also owns
 *  the list of sources and when each is due.
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "source.h"

#define S_PREFIX "source."
#define S_POLL_DEFAULT_MS 60000
#define S_TIMEOUT_DEFAULT_MS 30000

struct sources {
    source_t **items;
    size_t n;
    outbox_t *outbox;         /* borrowed, set by sources_attach */
};

static const source_kind_t *const s_kinds[] = {
    &source_taskwarrior,
    &source_timewarrior,
    &source_command,
};

const source_kind_t *
source_kind_find (const char *name)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_kinds); i++)
        if (streq (s_kinds[i]->name, name))
            return s_kinds[i];
    return NULL;
}

const char *
source_opt (const source_t *src, const char *key)
{
    /*  The last one wins, as for config.c's keys. */
    for (size_t i = src->n_keys; i-- > 0;)
        if (streq (src->keys[i], key))
            return src->values[i];
    return NULL;
}

const char *
source_map (const source_t *src, const char *map, const char *name)
{
    size_t n = strlen (map);
    for (size_t i = src->n_keys; i-- > 0;) {
        const char *k = src->keys[i];
        if (strncmp (k, map, n) == 0 && k[n] == '.' && streq (k + n + 1, name))
            return src->values[i];
    }
    return NULL;
}

static void
s_source_free (source_t *src)
{
    if (!src)
        return;
    for (size_t i = 0; i < src->n_keys; i++) {
        free (src->keys[i]);
        free (src->values[i]);
    }
    free (src->keys);
    free (src->values);
    free (src->last_logged);
    free (src->name);
    free (src);
}

void
sources_destroy (sources_t **self_p)
{
    sources_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    for (size_t i = 0; i < self->n; i++)
        s_source_free (self->items[i]);
    free (self->items);
    free (self);
    *self_p = NULL;
}

size_t
sources_count (const sources_t *self)
{
    return self ? self->n : 0;
}

source_t *
sources_at (sources_t *self, size_t i)
{
    return i < self->n ? self->items[i] : NULL;
}

void
sources_attach (sources_t *self, outbox_t *outbox)
{
    self->outbox = outbox;
}

void
sources_poll (sources_t *self, bool is_all, volatile sig_atomic_t *stop, size_t *n_queued)
{
    size_t total = 0;
    /*  A stop ends the round: the next tool would otherwise run to its end
     *  or its timeout while the agent is asked to exit. */
    for (size_t i = 0; self && i < self->n && !(stop && *stop); i++) {
        source_t *src = self->items[i];
        int64_t now = pmo_clock_mono_ms ();
        if (!is_all && now < src->next_due)
            continue;
        size_t n = 0;
        source_poll (src, self->outbox, &n);
        total += n;
        /*  From the end of the poll: a slow tool never runs back to back. */
        src->next_due = pmo_clock_mono_ms () + src->poll_ms;
    }
    if (n_queued)
        *n_queued = total;
}

int64_t
sources_next_due (const sources_t *self)
{
    int64_t next = INT64_MAX;
    for (size_t i = 0; self && i < self->n; i++)
        if (self->items[i]->next_due < next)
            next = self->items[i]->next_due;
    return next;
}

//  --------------------------------------------------------------------------
//  Reading

typedef struct {
    sources_t *sources;
    config_lines_t in;        /* counted, long lines refused (config.h) */
    int what_line;
    char what[256];
} s_load_t;

static int PMO_PRINTF (2, 3)
s_error (s_load_t *ld, const char *fmt, ...)
{
    if (ld->what[0])
        return 0;
    ld->what_line = ld->in.line;
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (ld->what, sizeof ld->what, fmt, ap);
    va_end (ap);
    return 0;
}

static source_t *
s_find (sources_t *self, const char *name)
{
    for (size_t i = 0; i < self->n; i++)
        if (streq (self->items[i]->name, name))
            return self->items[i];
    return NULL;
}

/*  A source name: [A-Za-z0-9_-], 1..64 (it names state keys and logs). */
static bool
s_name_valid (const char *name)
{
    size_t n = strlen (name);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool
s_in_list (const char *const *list, const char *key, size_t len)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strlen (list[i]) == len && strncmp (list[i], key, len) == 0)
            return true;
    return false;
}

/*  A whole number of milliseconds in [min, max]. */
static int
s_ms (s_load_t *ld, const char *key, const char *value, long min, long max, int *out)
{
    int64_t v;
    if (pmo_decimal_parse (value, 0, &v) != PMO_OK)
        return s_error (ld, "%s: \"%s\" is not a whole number", key, value);
    if (v < min || v > max)
        return s_error (ld, "%s: %s is outside %ld..%ld", key, value, min, max);
    *out = (int) v;
    return 1;
}

static int
s_handler (void *user, const char *section, const char *key, const char *value)
{
    s_load_t *ld = user;
    if (strncmp (section, S_PREFIX, strlen (S_PREFIX)) != 0)
        return 1;  /* config.c's */
    const char *name = section + strlen (S_PREFIX);
    if (!s_name_valid (name))
        return s_error (ld, "[%s]: a source name is 1 to 64 letters, digits, '-' or '_'",
                        section);
    source_t *src = s_find (ld->sources, name);
    if (!src) {
        if (!streq (key, "type"))
            return s_error (ld, "[%s]: type = taskwarrior|timewarrior|command must come first",
                            section);
        const source_kind_t *kind = source_kind_find (value);
        if (!kind)
            return s_error (ld, "type: \"%s\" is not one of taskwarrior, timewarrior, command",
                            value);
        src = pmo_calloc (1, sizeof *src);
        src->name = pmo_strdup (name);
        src->kind = kind;
        src->poll_ms = S_POLL_DEFAULT_MS;
        src->timeout_ms = S_TIMEOUT_DEFAULT_MS;
        sources_t *s = ld->sources;
        s->items = pmo_realloc (s->items, (s->n + 1) * sizeof *s->items);
        s->items[s->n++] = src;
        return 1;
    }
    if (streq (key, "type"))
        return s_error (ld, "[%s]: type given twice", section);
    if (streq (key, "poll"))
        return s_ms (ld, key, value, 1000, 86400000, &src->poll_ms);
    if (streq (key, "timeout"))
        return s_ms (ld, key, value, 100, 3600000, &src->timeout_ms);
    const char *dot = strchr (key, '.');
    bool is_known = dot ? s_in_list (src->kind->maps, key, (size_t) (dot - key)) && dot[1]
                        : s_in_list (src->kind->keys, key, strlen (key));
    if (!is_known)
        return s_error (ld, "unknown key \"%s\" in [%s] (type %s)", key, section,
                        src->kind->name);
    src->keys = pmo_realloc (src->keys, (src->n_keys + 1) * sizeof *src->keys);
    src->values = pmo_realloc (src->values, (src->n_keys + 1) * sizeof *src->values);
    src->keys[src->n_keys] = pmo_strdup (key);
    src->values[src->n_keys] = pmo_strdup (value);
    src->n_keys++;
    return 1;
}

int
sources_load (const char *path, sources_t **self_p, char *why, size_t why_len)
{
    *self_p = NULL;
    sources_t *self = pmo_calloc (1, sizeof *self);
    if (!path) {
        *self_p = self;
        return PMO_OK;
    }
    FILE *f = fopen (path, "r");
    if (!f) {
        int rc = errno;
        snprintf (why, why_len, "%s: %s", path, strerror (rc));
        sources_destroy (&self);
        return rc;
    }
    s_load_t ld = {.sources = self, .in = {.file = f}};
    int line = ini_parse_stream (config_lines_read, &ld.in, s_handler, &ld);
    fclose (f);
    int rc = PMO_OK;
    if (line == 0 && ld.in.long_line) {  /* an error before it comes first */
        snprintf (why, why_len, "%s:%d: line longer than %d bytes", path, ld.in.long_line,
                  ld.in.line_max);
        rc = PMO_EINVAL;
    } else if (line < 0) {
        snprintf (why, why_len, "%s: cannot be read", path);
        rc = line == -2 ? ENOMEM : EIO;
    } else if (line > 0) {
        /*  config.c has reported syntax errors already; ours have a what. */
        snprintf (why, why_len, "%s:%d: %s", path, line,
                  ld.what[0] ? ld.what : "not a [section] or key = value line");
        rc = PMO_EINVAL;
    }
    for (size_t i = 0; !rc && i < self->n; i++) {
        char what[256] = "";
        source_t *src = self->items[i];
        if (src->kind->check (src, what, sizeof what) != PMO_OK) {
            snprintf (why, why_len, "%s: [source.%s] %s", path, src->name, what);
            rc = PMO_EINVAL;
        }
    }
    if (rc) {
        sources_destroy (&self);
        return rc;
    }
    *self_p = self;
    return PMO_OK;
}
