/*  cmd_template: pmoctl template add|list|show, project templates.
 *
 *  add reads a JSON file (docs/governance-plan.md shows the format) into a
 *  TemplateAdd request; it checks the file's shape (keys, types) and
 *  leaves the rules (codes, ranges, the life cycle's structure, the RAG
 *  keys) to pmod, whose reason is printed when it refuses.  Every add of a
 *  name stores its next version. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { ADD_FILE };

const pmoctl_opt_t cmd_template_add_opts[] = {
    [ADD_FILE] = {"file", "FILE", true, "the template as JSON (see docs/governance-plan.md)"},
    {NULL, NULL, false, NULL},
};

enum { SHOW_VERSION };

const pmoctl_opt_t cmd_template_show_opts[] = {
    [SHOW_VERSION] = {"version", "N", false, "a version (default: the newest)"},
    {NULL, NULL, false, NULL},
};

/*  Every block the request points at, freed together. */
typedef struct {
    void **blocks;
    size_t n, cap;
} s_pool_t;

static void *
s_alloc (s_pool_t *pool, size_t size)
{
    if (pool->n == pool->cap) {
        pool->cap = pool->cap ? pool->cap * 2 : 32;
        pool->blocks = pmo_realloc (pool->blocks, pool->cap * sizeof *pool->blocks);
    }
    return pool->blocks[pool->n++] = pmo_calloc (1, size ? size : 1);
}

static void
s_pool_free (s_pool_t *pool)
{
    for (size_t i = 0; i < pool->n; i++)
        free (pool->blocks[i]);
    free (pool->blocks);
}

/*  The keys obj may have; the first other one is an error. */
static int
s_keys (json_object *obj, const char *where, const char *const *allowed)
{
    json_object_object_foreach (obj, key, val) {
        (void) val;
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            ok = ok || streq (allowed[i], key);
        if (!ok)
            return pmoctl_fail ("template file: %s: unknown key \"%s\"", where, key);
    }
    return PMOCTL_EXIT_OK;
}

static int
s_string (json_object *obj, const char *key, const char *where, bool required, char **out)
{
    json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex (obj, key, &v) || json_object_is_type (v, json_type_null)) {
        if (required)
            return pmoctl_fail ("template file: %s.%s: missing", where, key);
        return PMOCTL_EXIT_OK;
    }
    if (!json_object_is_type (v, json_type_string))
        return pmoctl_fail ("template file: %s.%s: must be a string", where, key);
    *out = (char *) json_object_get_string (v);
    return PMOCTL_EXIT_OK;
}

static int
s_int (json_object *obj, const char *key, const char *where, bool *has, int64_t *out)
{
    json_object *v;
    *has = json_object_object_get_ex (obj, key, &v) && !json_object_is_type (v, json_type_null);
    if (!*has)
        return PMOCTL_EXIT_OK;
    if (!json_object_is_type (v, json_type_int))
        return pmoctl_fail ("template file: %s.%s: must be a whole number", where, key);
    *out = json_object_get_int64 (v);
    return PMOCTL_EXIT_OK;
}

/*  An array under key (absent: 0 items); *n its length. */
static int
s_array (json_object *obj, const char *key, const char *where, json_object **arr, size_t *n)
{
    *n = 0;
    if (!json_object_object_get_ex (obj, key, arr) || json_object_is_type (*arr, json_type_null))
        return PMOCTL_EXIT_OK;
    if (!json_object_is_type (*arr, json_type_array))
        return pmoctl_fail ("template file: %s.%s: must be an array", where, key);
    *n = json_object_array_length (*arr);
    return PMOCTL_EXIT_OK;
}

static int
s_milestones (json_object *root, s_pool_t *pool, Pmo__Template *t)
{
    static const char *const keys[] = {"name", "offset_days", "weight", NULL};
    json_object *arr;
    int rc = s_array (root, "milestones", "template", &arr, &t->n_milestones);
    if (rc || !t->n_milestones)
        return rc;
    t->milestones = s_alloc (pool, t->n_milestones * sizeof *t->milestones);
    for (size_t i = 0; i < t->n_milestones; i++) {
        json_object *m = json_object_array_get_idx (arr, i);
        char where[48];
        snprintf (where, sizeof where, "milestones[%zu]", i);
        if (!json_object_is_type (m, json_type_object))
            return pmoctl_fail ("template file: %s: must be an object", where);
        Pmo__TemplateMilestone *tm = t->milestones[i] = s_alloc (pool, sizeof *tm);
        pmo__template_milestone__init (tm);
        int64_t offset = 0, weight = 0;
        bool has_offset, has_weight;
        if ((rc = s_keys (m, where, keys)) || (rc = s_string (m, "name", where, true, &tm->name))
            || (rc = s_int (m, "offset_days", where, &has_offset, &offset))
            || (rc = s_int (m, "weight", where, &has_weight, &weight)))
            return rc;
        /*  Out-of-range values are pmod's to refuse; keep them recognisable. */
        tm->has_offset_days = has_offset;
        tm->offset_days = offset < INT32_MIN ? INT32_MIN : offset > INT32_MAX ? INT32_MAX : (int32_t) offset;
        tm->has_weight = has_weight;
        tm->weight = weight < 0 || weight > UINT32_MAX ? UINT32_MAX : (uint32_t) weight;
    }
    return PMOCTL_EXIT_OK;
}

static int
s_gate (json_object *g, const char *where, s_pool_t *pool, Pmo__Gate **out)
{
    static const char *const keys[] = {"name", "checklist", NULL};
    if (!json_object_is_type (g, json_type_object))
        return pmoctl_fail ("template file: %s: must be an object", where);
    Pmo__Gate *gate = *out = s_alloc (pool, sizeof *gate);
    pmo__gate__init (gate);
    json_object *arr;
    int rc;
    if ((rc = s_keys (g, where, keys)) || (rc = s_string (g, "name", where, true, &gate->name))
        || (rc = s_array (g, "checklist", where, &arr, &gate->n_checklist)))
        return rc;
    gate->checklist = s_alloc (pool, (gate->n_checklist + 1) * sizeof *gate->checklist);
    for (size_t c = 0; c < gate->n_checklist; c++) {
        json_object *item = json_object_array_get_idx (arr, c);
        if (!json_object_is_type (item, json_type_string))
            return pmoctl_fail ("template file: %s.checklist[%zu]: must be a string", where, c);
        Pmo__ChecklistItem *it = gate->checklist[c] = s_alloc (pool, sizeof *it);
        pmo__checklist_item__init (it);
        it->text = (char *) json_object_get_string (item);
    }
    return PMOCTL_EXIT_OK;
}

static int
s_phases (json_object *root, s_pool_t *pool, Pmo__Template *t)
{
    static const char *const keys[] = {"name", "gate", NULL};
    json_object *arr;
    int rc = s_array (root, "phases", "template", &arr, &t->n_phases);
    if (rc || !t->n_phases)
        return rc;
    t->phases = s_alloc (pool, t->n_phases * sizeof *t->phases);
    for (size_t i = 0; i < t->n_phases; i++) {
        json_object *ph = json_object_array_get_idx (arr, i), *g;
        char where[48];
        snprintf (where, sizeof where, "phases[%zu]", i);
        if (!json_object_is_type (ph, json_type_object))
            return pmoctl_fail ("template file: %s: must be an object", where);
        Pmo__Phase *phase = t->phases[i] = s_alloc (pool, sizeof *phase);
        pmo__phase__init (phase);
        if ((rc = s_keys (ph, where, keys)) || (rc = s_string (ph, "name", where, true, &phase->name)))
            return rc;
        if (json_object_object_get_ex (ph, "gate", &g) && !json_object_is_type (g, json_type_null)) {
            snprintf (where, sizeof where, "phases[%zu].gate", i);
            if ((rc = s_gate (g, where, pool, &phase->gate)))
                return rc;
        }
    }
    return PMOCTL_EXIT_OK;
}

/*  "rag": {"cpi_amber": "0.90", "missed_red": 2}: strings or whole numbers,
 *  never a JSON float (0.9 would not survive as the decimal written). */
static int
s_rag (json_object *root, s_pool_t *pool, Pmo__TemplateAdd *add)
{
    json_object *rag;
    if (!json_object_object_get_ex (root, "rag", &rag) || json_object_is_type (rag, json_type_null))
        return PMOCTL_EXIT_OK;
    if (!json_object_is_type (rag, json_type_object))
        return pmoctl_fail ("template file: template.rag: must be an object of policy keys");
    size_t n = (size_t) json_object_object_length (rag);
    add->rag = s_alloc (pool, (n + 1) * sizeof *add->rag);
    json_object_object_foreach (rag, key, val) {
        Pmo__PolicyEntry *e = add->rag[add->n_rag++] = s_alloc (pool, sizeof *e);
        pmo__policy_entry__init (e);
        e->key = key;
        if (json_object_is_type (val, json_type_string) || json_object_is_type (val, json_type_int))
            e->value = (char *) json_object_get_string (val);
        else
            return pmoctl_fail ("template file: rag.%s: write the value as a string, such as \"0.90\"", key);
    }
    return PMOCTL_EXIT_OK;
}

/*  "line 3, column 7" of offset at in text. */
static void
s_where (const char *text, size_t at, char *buf, size_t n)
{
    unsigned line = 1, column = 1;
    for (size_t i = 0; i < at; i++, column++)
        if (text[i] == '\n') {
            line++;
            column = 0;
        }
    snprintf (buf, n, "line %u, column %u", line, column);
}

/*  Past a JSON number at text[i] (json-c has read it already). */
static size_t
s_skip_number (const char *text, size_t i)
{
    while (text[i + 1] && strchr ("0123456789.eE+-", text[i + 1]))
        i++;
    return i;
}

/*  What strict json-c still lets through, in text it has parsed: \u0000,
 *  which it keeps in a value (that pmo's C strings would cut) and cuts a
 *  key at; single quotes; a raw control character in a string; NaN and
 *  Infinity.  Returns NULL, or why, with *at the offset. */
static const char *
s_not_strict (const char *text, size_t len, size_t *at)
{
    bool is_in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        *at = i;
        if (is_in_string) {
            if (c == '"')
                is_in_string = false;
            else if ((unsigned char) c < 0x20)
                return "a control character inside a string (write it as \\n, \\t or \\u00XX)";
            else if (c == '\\' && strncmp (text + i + 1, "u0000", 5) == 0)
                return "a string holds \\u0000 (NUL), which pmo cannot store";
            else if (c == '\\')
                i++;  /* the escaped character */
        } else if (c == '"')
            is_in_string = true;
        else if (c == '\'')
            return "a single-quoted string (JSON strings take double quotes)";
        else if (c == '-' || isdigit ((unsigned char) c))
            i = s_skip_number (text, i);
        else if (isalpha ((unsigned char) c)) {
            size_t n = 1;
            while (isalpha ((unsigned char) text[i + n]))
                n++;
            if (!(n == 4 && (strncmp (text + i, "true", 4) == 0 || strncmp (text + i, "null", 4) == 0))
                && !(n == 5 && strncmp (text + i, "false", 5) == 0))
                return "a bare word (JSON has true, false and null; text goes in double quotes)";
            i += n - 1;
        }
    }
    return NULL;
}

/*  Reads at most this much: a template is a few KB, and a request of more
 *  than PMO_MAX_REQUEST_BYTES would be refused anyway. */
#define TEMPLATE_FILE_MAX (1024 * 1024)

/*  The JSON in path, read strictly: one value and nothing after it but
 *  blanks, no comments, no trailing commas, no NUL.  NULL after one line
 *  on stderr. */
static json_object *
s_parse_file (const char *path)
{
    size_t len = 0;
    char *text = pmoctl_read_file ("--file", path, TEMPLATE_FILE_MAX, &len);
    if (!text)
        return NULL;
    char where[48];
    json_object *root = NULL;
    const char *nul = memchr (text, '\0', len);
    if (nul) {
        s_where (text, (size_t) (nul - text), where, sizeof where);
        pmoctl_fail ("--file: %s: not JSON text: a NUL byte at %s", path, where);
        goto out;
    }
    json_tokener *tok = json_tokener_new ();
    json_tokener_set_flags (tok, JSON_TOKENER_STRICT);
    /*  The terminating NUL too: it tells the tokener the text ends there. */
    root = json_tokener_parse_ex (tok, text, (int) len + 1);
    size_t end = json_tokener_get_parse_end (tok);
    enum json_tokener_error error = json_tokener_get_error (tok);
    json_tokener_free (tok);
    size_t at = end;
    const char *why = !root && error == json_tokener_success ? "null, not an object"
                      : !root ? json_tokener_error_desc (error)
                      : end < len ? "text after the JSON value"
                                  : s_not_strict (text, len, &at);
    if (why) {
        s_where (text, at, where, sizeof where);
        pmoctl_fail ("--file: %s: not valid JSON: %s at %s", path, why, where);
        json_object_put (root);
        root = NULL;
    }
out:
    free (text);
    return root;
}

int
cmd_template_add (pmoctl_t *ctl)
{
    static const char *const keys[] = {"name", "description", "milestones", "phases", "rag", NULL};
    const char *path = ctl->opt[ADD_FILE];
    json_object *root = s_parse_file (path);
    if (!root)
        return PMOCTL_EXIT_USAGE;
    s_pool_t pool = {0};
    Pmo__Template t = PMO__TEMPLATE__INIT;
    Pmo__TemplateAdd add = PMO__TEMPLATE_ADD__INIT;
    add.template_ = &t;
    t.name = ctl->args[0];
    char *file_name = NULL;
    int rc;
    if (!json_object_is_type (root, json_type_object))
        rc = pmoctl_fail ("template file: %s: must hold one JSON object", path);
    else if (!(rc = s_keys (root, "template", keys)) && !(rc = s_string (root, "name", "template", false, &file_name))
             && file_name && !streq (file_name, t.name))
        rc = pmoctl_fail ("template file: name \"%s\" differs from %s given on the command line", file_name, t.name);
    if (!rc)
        rc = s_string (root, "description", "template", false, &t.description);
    if (!rc)
        rc = s_milestones (root, &pool, &t);
    if (!rc)
        rc = s_phases (root, &pool, &t);
    if (!rc)
        rc = s_rag (root, &pool, &add);
    if (!rc) {
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_TEMPLATE_ADD;
        req.template_add = &add;
        Pmo__Reply *reply = NULL;
        rc = pmoctl_call (ctl, &req, &reply);
        if (!rc && ctl->format == OUT_JSON)
            out_json_write_ok (reply->seq, stdout);
        else if (!rc)
            printf ("template %s stored (seq %" PRIu64 ")\n", t.name, reply->seq);
        pmo_wire_free (reply);
    }
    s_pool_free (&pool);
    json_object_put (root);
    return rc;
}

int
cmd_template_list (pmoctl_t *ctl)
{
    Pmo__TemplateListQuery q = PMO__TEMPLATE_LIST_QUERY__INIT;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_TEMPLATE_LIST;
    req.template_list = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_TEMPLATES, &reply);
    if (rc)
        return rc;
    const Pmo__TemplateList *list = reply->templates;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (list, "templates");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "NAME", "name", OUT_LEFT);
        out_table_column (t, "VERSION", "version", OUT_RIGHT);
        out_table_column (t, "MILESTONES", "milestones", OUT_RIGHT);
        out_table_column (t, "PHASES", "phases", OUT_LEFT);
        out_table_column (t, "RAG", "rag", OUT_LEFT);
        out_table_column (t, "CREATED", "created", OUT_LEFT);
        out_table_column (t, "BY", "created_by", OUT_LEFT);
        for (size_t i = 0; i < list->n_templates; i++) {
            const Pmo__Template *tp = list->templates[i];
            char phases[512] = "", created[25];
            for (size_t p = 0; p < tp->n_phases; p++) {
                size_t len = strlen (phases);
                snprintf (phases + len, sizeof phases - len, "%s%s", p ? "," : "", tp->phases[p]->name);
            }
            pmoctl_fmt_time (tp->created_ms, created);
            out_table_row (t);
            out_table_cell (t, tp->name);
            out_table_cellf (t, "%u", (unsigned) tp->version);
            out_table_cellf (t, "%zu", tp->n_milestones);
            out_table_cell (t, phases);
            out_table_cell (t, tp->rag ? "own" : "global");
            out_table_cell (t, created);
            out_table_cell (t, pmoctl_str (tp->created_by));
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

/*  Basis points of an index as "0.95". */
static void
s_index (int32_t bp, char *buf, size_t n)
{
    if (pmo_decimal_format_trim (bp, 4, buf, n) != PMO_OK)
        snprintf (buf, n, "?");
}

static void
s_print_template (const Pmo__Template *tp)
{
    char created[25];
    pmoctl_fmt_time (tp->created_ms, created);
    printf ("template %s version %u, stored %s by %s\n", tp->name, (unsigned) tp->version, created,
            pmoctl_str (tp->created_by));
    if (tp->description)
        printf ("%s\n", tp->description);
    printf ("\nmilestones (due = project start + offset):\n");
    out_table_t *t = out_table_new ();
    out_table_column (t, "NAME", NULL, OUT_LEFT);
    out_table_column (t, "OFFSET DAYS", NULL, OUT_RIGHT);
    out_table_column (t, "WEIGHT", NULL, OUT_RIGHT);
    for (size_t i = 0; i < tp->n_milestones; i++) {
        out_table_row (t);
        out_table_cell (t, tp->milestones[i]->name);
        out_table_cellf (t, "%d", (int) tp->milestones[i]->offset_days);
        out_table_cellf (t, "%u", (unsigned) tp->milestones[i]->weight);
    }
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
    printf ("\nlife cycle%s:\n", tp->n_phases ? "" : ": none");
    for (size_t i = 0; i < tp->n_phases; i++) {
        const Pmo__Phase *ph = tp->phases[i];
        printf ("  %zu. %s\n", i + 1, ph->name);
        if (!ph->gate)
            continue;
        printf ("     gate %s to %s:\n", ph->gate->name, i + 1 < tp->n_phases ? tp->phases[i + 1]->name : "-");
        for (size_t c = 0; c < ph->gate->n_checklist; c++)
            printf ("       %zu) %s\n", c + 1, ph->gate->checklist[c]->text);
    }
    if (!tp->rag) {
        printf ("\nRAG policy: the global policy (pmoctl policy show)\n");
        return;
    }
    const Pmo__Policy *p = tp->rag;
    char ca[16], cr[16], sa[16], sr[16], oa[16], orr[16];
    s_index (p->cpi_amber_bp, ca, sizeof ca);
    s_index (p->cpi_red_bp, cr, sizeof cr);
    s_index (p->spi_amber_bp, sa, sizeof sa);
    s_index (p->spi_red_bp, sr, sizeof sr);
    if (pmo_decimal_format_trim (p->overspend_amber_bp, 2, oa, sizeof oa) != PMO_OK)
        snprintf (oa, sizeof oa, "?");
    if (pmo_decimal_format_trim (p->overspend_red_bp, 2, orr, sizeof orr) != PMO_OK)
        snprintf (orr, sizeof orr, "?");
    printf ("\nRAG policy of its projects:\n  cpi_amber %s  cpi_red %s  spi_amber %s  spi_red %s\n"
            "  overspend_amber %s  overspend_red %s  missed_amber %d  missed_red %d\n",
            ca, cr, sa, sr, oa, orr, (int) p->missed_amber, (int) p->missed_red);
}

int
cmd_template_show (pmoctl_t *ctl)
{
    Pmo__TemplateQuery q = PMO__TEMPLATE_QUERY__INIT;
    q.name = ctl->args[0];
    uint64_t version = 0;
    if (pmoctl_parse_u64 ("--version", ctl->opt[SHOW_VERSION], UINT32_MAX, &version) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    if (ctl->opt[SHOW_VERSION] && version == 0)
        return pmoctl_fail ("--version: versions start at 1");
    q.has_version = version > 0;
    q.version = (uint32_t) version;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_TEMPLATE_SHOW;
    req.template_show = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_TEMPLATE, &reply);
    if (rc)
        return rc;
    if (ctl->format == OUT_JSON)
        pmoctl_print_json (reply->template_, "milestones");
    else
        s_print_template (reply->template_);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
pmoctl_parse_template_ref (const char *s, char *name, size_t n, uint32_t *version)
{
    *version = 0;
    const char *at = strchr (s, '@');
    size_t len = at ? (size_t) (at - s) : strlen (s);
    if (len == 0 || len >= n) {
        pmoctl_fail ("--template: '%s' is not NAME or NAME@VERSION", s);
        return PMO_EINVAL;
    }
    memcpy (name, s, len);
    name[len] = '\0';
    if (!at)
        return PMO_OK;
    uint64_t v = 0;
    if (pmoctl_parse_u64 ("--template version", at + 1, UINT32_MAX, &v) != PMO_OK)
        return PMO_EINVAL;
    if (v == 0) {
        pmoctl_fail ("--template: versions start at 1 ('%s')", s);
        return PMO_EINVAL;
    }
    *version = (uint32_t) v;
    return PMO_OK;
}
