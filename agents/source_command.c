/*  source_command: any tool that prints JSON lines (a CI pipeline, a cost
 *  export) feeds the agent through a command run every poll.
 *
 *  `/bin/sh -c COMMAND` runs with stdin from /dev/null; each line of its
 *  stdout is a record in the spool's JSON-lines format (type time, cost,
 *  progress, milestone, or void).  A bad line is logged with its number,
 *  counted in the status and skipped; the good ones go on.  A command that
 *  exits non-zero sends nothing of that run (its output may be partial).
 *
 *  An item with a "ref" is remembered (state "r:" + ref -> the packed
 *  request): the same item printed again is not sent again, a changed one
 *  is sent (pmod corrects the entry booked under the ref), and
 *  {"type":"void","ref":...} removes it.  Items without a ref are sent
 *  every time they are printed: such a command prints each item once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"
#include "source.h"
#include "spool.h"

static const char *const s_keys[] = {"command", NULL};
static const char *const s_maps[] = {NULL};

static int
s_check (const source_t *src, char *why, size_t why_len)
{
    const char *cmd = source_opt (src, "command");
    if (!cmd || !*cmd) {
        snprintf (why, why_len, "command: missing (a shell command printing JSON lines)");
        return PMO_EINVAL;
    }
    return PMO_OK;
}

static int
s_fetch (const source_t *src, source_output_t *out, char *why, size_t why_len)
{
    const char *argv[] = {"/bin/sh", "-c", source_opt (src, "command"), NULL};
    char tmp[512];
    int rc = source_exec (argv, NULL, src->timeout_ms, out, tmp, sizeof tmp);
    /*  Name the command, not /bin/sh. */
    if (rc) {
        const char *rest = strncmp (tmp, "/bin/sh", 7) == 0 ? tmp + 7 : tmp;
        snprintf (why, why_len, "command%s", rest);
    }
    return rc;
}

/*  One line: parsed, then sent unless its ref says it was sent as it is. */
static int
s_line (source_run_t *run, const char *text, size_t len, unsigned line_no)
{
    record_t rec;
    record_init (&rec);
    pmo_reason_t why;
    pmo_reason_clear (&why);
    char what[32];
    snprintf (what, sizeof what, "line %u", line_no);
    int rc = spool_jsonl_parse (text, len, &rec, &why);
    if (rc == PMO_ENOTFOUND)
        return PMO_OK;  /* blank */
    if (rc) {
        char q[64];
        source_run_warn (run, "line %u: %s: %s; skipped", line_no, why.text,
                         record_quote (text, len, q, sizeof q));
        return PMO_OK;
    }
    const char *ref = record_get (&rec, "ref", NULL);
    const char *type = record_get (&rec, "type", NULL);
    char key[300];
    int key_len = ref && *ref ? snprintf (key, sizeof key, "r:%s", ref) : 0;
    if (key_len >= (int) sizeof key)
        key_len = 0;  /* too long to remember; pmod refuses such a ref anyway */
    const pmo_buf_t *packed = NULL;
    if (key_len && !(type && streq (type, "void"))) {
        pmo_val_t sent;
        if (source_pack (run, &rec, &packed, &why) == PMO_OK
            && source_state_get (run, key, (size_t) key_len, &sent) == PMO_OK
            && sent.len == packed->len && memcmp (sent.data, packed->data, sent.len) == 0) {
            record_clear (&rec);
            return PMO_OK;
        }
    }
    packed = NULL;
    rc = source_emit (run, &rec, what, &packed);
    if (!rc && key_len && packed) {
        if (type && streq (type, "void"))
            rc = source_state_del (run, key, (size_t) key_len);
        else
            rc = source_state_put (run, key, (size_t) key_len, packed->data, packed->len);
    }
    record_clear (&rec);
    return rc;
}

static int
s_apply (const source_t *src, source_run_t *run, const char *data, size_t len)
{
    PMO_UNUSED (src);
    unsigned line_no = 0;
    size_t at = 0;
    int rc = PMO_OK;
    while (at < len && !rc) {
        const char *nl = memchr (data + at, '\n', len - at);
        size_t end = nl ? (size_t) (nl - data) : len;
        size_t n = end - at;
        if (n && data[at + n - 1] == '\r')
            n--;
        line_no++;
        rc = s_line (run, data + at, n, line_no);
        at = end + 1;
    }
    return rc;
}

const source_kind_t source_command = {
    .name = "command",
    .keys = s_keys,
    .maps = s_maps,
    .check = s_check,
    .fetch = s_fetch,
    .apply = s_apply,
};
