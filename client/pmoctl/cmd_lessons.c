/*  cmd_lessons: pmoctl project close (the closure record with lessons
 *  learned), project closure (show it) and lessons (search the lessons of
 *  every closed project by category and words).
 *
 *  close takes one lesson from flags (--category, --went-well,
 *  --went-badly, --recommendation) and/or more from --lessons FILE: a JSON
 *  array of objects, or one object per line, with those keys spelled
 *  category, went_well, went_badly, recommendation.  pmod checks them and
 *  computes the outcome; pmoctl only carries them. */
#include <stdlib.h>

#include "cmd_governance.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_money.h"

enum { X_CATEGORY, X_WENT_WELL, X_WENT_BADLY, X_RECOMMENDATION, X_LESSONS, X_SUMMARY };

const pmoctl_opt_t cmd_project_close_opts[] = {
    [X_CATEGORY] = {"category", "C", false, "the lesson's category, a word (planning, supplier, ...)"},
    [X_WENT_WELL] = {"went-well", "T", false, "what went well"},
    [X_WENT_BADLY] = {"went-badly", "T", false, "what did not go well"},
    [X_RECOMMENDATION] = {"recommendation", "T", false, "what to do next time"},
    [X_LESSONS] = {"lessons", "FILE", false, "more lessons: a JSON array, or one JSON object per line"},
    [X_SUMMARY] = {"summary", "T", false, "a closing summary"},
    {NULL, NULL, false, NULL},
};

enum { S_CATEGORY, S_TEXT };

const pmoctl_opt_t cmd_lessons_opts[] = {
    [S_CATEGORY] = {"category", "C", false, "only this category (any case)"},
    [S_TEXT] = {"text", "WORDS", false, "only lessons holding every word (any case)"},
    {NULL, NULL, false, NULL},
};

/*  Lessons read from a file, as strings owned by the json objects. */
typedef struct {
    json_object **objs;          /* parsed documents, put at the end */
    size_t n_objs;
    Pmo__Lesson *lessons;
    size_t n, cap;
} s_lessons_t;

static const char *
s_field (json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex (o, key, &v) && json_object_is_type (v, json_type_string)
               ? json_object_get_string (v)
               : NULL;
}

static int
s_add_lesson (s_lessons_t *ls, json_object *o, const char *path, size_t n)
{
    if (!json_object_is_type (o, json_type_object))
        return pmoctl_fail ("%s: lesson %zu is not a JSON object", path, n);
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 8;
        ls->lessons = pmo_realloc (ls->lessons, ls->cap * sizeof *ls->lessons);
    }
    Pmo__Lesson *l = &ls->lessons[ls->n++];
    pmo__lesson__init (l);
    l->category = (char *) s_field (o, "category");
    l->went_well = (char *) s_field (o, "went_well");
    l->went_badly = (char *) s_field (o, "went_badly");
    l->recommendation = (char *) s_field (o, "recommendation");
    return PMOCTL_EXIT_OK;
}

static void
s_keep_obj (s_lessons_t *ls, json_object *o)
{
    ls->objs = pmo_realloc (ls->objs, (ls->n_objs + 1) * sizeof *ls->objs);
    ls->objs[ls->n_objs++] = o;
}

static int
s_read_lessons (const char *path, s_lessons_t *ls)
{
    size_t len;
    char *text = pmoctl_read_file ("--lessons", path, 4u << 20, &len);
    if (!text)
        return PMOCTL_EXIT_USAGE;
    int rc = PMOCTL_EXIT_OK;
    json_object *doc = json_tokener_parse (text);
    if (doc && json_object_is_type (doc, json_type_array)) {
        s_keep_obj (ls, doc);
        for (size_t i = 0; !rc && i < json_object_array_length (doc); i++)
            rc = s_add_lesson (ls, json_object_array_get_idx (doc, i), path, i + 1);
    } else {
        json_object_put (doc);
        size_t line = 0;
        for (char *p = text, *next; !rc && p && *p; p = next) {
            next = strchr (p, '\n');
            if (next)
                *next++ = '\0';
            line++;
            if (strspn (p, " \t\r") == strlen (p))
                continue;
            json_object *o = json_tokener_parse (p);
            if (!o) {
                rc = pmoctl_fail ("--lessons: %s line %zu is not a JSON object", path, line);
                break;
            }
            s_keep_obj (ls, o);
            rc = s_add_lesson (ls, o, path, line);
        }
    }
    free (text);
    return rc;
}

/*  "12000.00 EUR" */
static void
s_money (const Pmo__ClosureRecord *c, int64_t minor, char *buf, size_t n)
{
    pmoctl_fmt_money (minor, c->currency, buf, n);
}

static void
s_print_closure (const Pmo__ClosureRecord *c)
{
    char ac[PMO_MONEY_FMT_MAX], bac[PMO_MONEY_FMT_MAX], cv[PMO_MONEY_FMT_MAX], obac[PMO_MONEY_FMT_MAX],
        ocv[PMO_MONEY_FMT_MAX], pct[32];
    s_money (c, c->actual_cost_minor, ac, sizeof ac);
    s_money (c, c->bac_minor, bac, sizeof bac);
    s_money (c, c->cost_variance_minor, cv, sizeof cv);
    s_money (c, c->original_bac_minor, obac, sizeof obac);
    s_money (c, c->original_cost_variance_minor, ocv, sizeof ocv);
    pmoctl_fmt_percent (c->percent_bp, pct, sizeof pct);
    out_table_t *t = out_table_new ();
    out_table_hide_header (t);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    out_table_column (t, NULL, NULL, OUT_LEFT);
#define S_KV(k, ...) do { out_table_row (t); out_table_cell (t, (k)); out_table_cellf (t, __VA_ARGS__); } while (0)
    S_KV ("project", "%s", pmoctl_str (c->project));
    S_KV ("closed", "%s by %s", pmoctl_str (c->closed_on), pmoctl_str (c->closed_by));
    S_KV ("baseline", "version %u (version 1 is the original plan)", (unsigned) c->baseline_version);
    S_KV ("actual cost", "%s", ac);
    S_KV ("vs current", "BAC %s, variance %s", bac, cv);
    S_KV ("vs original", "BAC %s, variance %s", obac, ocv);
    S_KV ("actual finish", "%s", pmoctl_str (c->actual_finish));
    S_KV ("vs current", "finish %s, slip %+d days", pmoctl_str (c->baseline_finish), (int) c->slip_days);
    S_KV ("vs original", "finish %s, slip %+d days", pmoctl_str (c->original_finish), (int) c->original_slip_days);
    S_KV ("complete", "%s %%", pct);
    if (c->summary)
        S_KV ("summary", "%s", c->summary);
#undef S_KV
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
    printf ("\nlessons learned:\n");
    t = out_table_new ();
    out_table_column (t, "#", NULL, OUT_RIGHT);
    out_table_column (t, "CATEGORY", NULL, OUT_LEFT);
    out_table_column (t, "WENT WELL", NULL, OUT_LEFT);
    out_table_column (t, "WENT BADLY", NULL, OUT_LEFT);
    out_table_column (t, "RECOMMENDATION", NULL, OUT_LEFT);
    for (size_t i = 0; i < c->n_lessons; i++) {
        const Pmo__Lesson *l = c->lessons[i];
        out_table_row (t);
        out_table_cellf (t, "%u", (unsigned) l->number);
        out_table_cell (t, l->category);
        out_table_cell (t, l->went_well);
        out_table_cell (t, l->went_badly);
        out_table_cell (t, l->recommendation);
    }
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
}

int
cmd_project_close (pmoctl_t *ctl)
{
    Pmo__ProjectClose q = PMO__PROJECT_CLOSE__INIT;
    q.code = ctl->args[0];
    q.summary = (char *) ctl->opt[X_SUMMARY];
    s_lessons_t ls = {0};
    int rc = PMOCTL_EXIT_OK;
    if (ctl->opt[X_CATEGORY] || ctl->opt[X_WENT_WELL] || ctl->opt[X_WENT_BADLY] || ctl->opt[X_RECOMMENDATION]) {
        ls.cap = 8;
        ls.lessons = pmo_calloc (ls.cap, sizeof *ls.lessons);
        Pmo__Lesson *l = &ls.lessons[ls.n++];
        pmo__lesson__init (l);
        l->category = (char *) ctl->opt[X_CATEGORY];
        l->went_well = (char *) ctl->opt[X_WENT_WELL];
        l->went_badly = (char *) ctl->opt[X_WENT_BADLY];
        l->recommendation = (char *) ctl->opt[X_RECOMMENDATION];
    }
    if (ctl->opt[X_LESSONS])
        rc = s_read_lessons (ctl->opt[X_LESSONS], &ls);
    Pmo__Lesson **ptrs = pmo_calloc (ls.n ? ls.n : 1, sizeof *ptrs);
    for (size_t i = 0; i < ls.n; i++)
        ptrs[i] = &ls.lessons[i];
    Pmo__Reply *reply = NULL;
    if (!rc) {
        /*  Without lessons the request still goes: pmod says why it refuses. */
        q.lessons = ptrs;
        q.n_lessons = ls.n;
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_PROJECT_CLOSE;
        req.project_close = &q;
        rc = pmoctl_call (ctl, &req, &reply);
    }
    if (!rc) {
        uint64_t seq = reply->seq;
        pmo_wire_free (reply);
        reply = NULL;
        if (ctl->format == OUT_JSON) {
            out_json_write_ok (seq, stdout);
        } else {
            printf ("project %s closed (seq %llu)\n\n", q.code, (unsigned long long) seq);
            if (pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_CLOSURE, q.code, 0, NULL, &reply) == 0
                && reply->registers->closure)
                s_print_closure (reply->registers->closure);
            pmo_wire_free (reply);
        }
    }
    free (ptrs);
    free (ls.lessons);
    for (size_t i = 0; i < ls.n_objs; i++)
        json_object_put (ls.objs[i]);
    free (ls.objs);
    return rc;
}

int
cmd_project_closure (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_CLOSURE, ctl->args[0], 0, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__ClosureRecord *c = reply->registers->closure;
    if (!c) {
        rc = pmoctl_fail ("project %s: pmod sent no closure record", ctl->args[0]);
    } else if (ctl->format == OUT_JSON) {
        json_object *obj = pmo_json_from_msg (c);
        out_json_ensure_array (obj, "lessons");
        out_json_print (obj, stdout);
        json_object_put (obj);
    } else {
        s_print_closure (c);
    }
    pmo_wire_free (reply);
    return rc;
}

int
cmd_lessons (pmoctl_t *ctl)
{
    Pmo__RegisterQuery q = PMO__REGISTER_QUERY__INIT;
    q.has_kind = true;
    q.kind = PMO__REGISTER_KIND__REGISTER_LESSONS;
    q.category = (char *) ctl->opt[S_CATEGORY];
    q.text = (char *) ctl->opt[S_TEXT];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_REGISTER_QUERY;
    req.register_query = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_REGISTERS, &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_registers_json (v, (const char *const[]) {"lessons", NULL});
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "PROJECT", "project", OUT_LEFT);
        out_table_column (t, "#", "number", OUT_RIGHT);
        out_table_column (t, "CLOSED", "closed_on", OUT_LEFT);
        out_table_column (t, "CATEGORY", "category", OUT_LEFT);
        out_table_column (t, "WENT WELL", "went_well", OUT_LEFT);
        out_table_column (t, "WENT BADLY", "went_badly", OUT_LEFT);
        out_table_column (t, "RECOMMENDATION", "recommendation", OUT_LEFT);
        for (size_t i = 0; i < v->n_lessons; i++) {
            const Pmo__Lesson *l = v->lessons[i];
            out_table_row (t);
            out_table_cell (t, l->project);
            out_table_cellf (t, "%u", (unsigned) l->number);
            out_table_cell (t, l->closed_on);
            out_table_cell (t, l->category);
            out_table_cell (t, l->went_well);
            out_table_cell (t, l->went_badly);
            out_table_cell (t, l->recommendation);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
