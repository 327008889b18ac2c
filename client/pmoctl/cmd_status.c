/*  cmd_status: pmoctl status, one line per project, then the health reason
 *  of every project that is not green and the roll-ups.
 *
 *  The figures are pmod's, as of --as-of (default today): BAC and AC, the
 *  indices (exact ratios, three decimals, "-" when undefined) and EAC =
 *  BAC / CPI.  --rag filters and --sort orders here, on the client; sorting
 *  by an index compares the ratios exactly, never through floating point.
 *  The view request and the roll-up ordering are shared with dashboard. */
#include <stdlib.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_health.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_wire_scan.h"
#include "pmoctl.h"

enum { S_PROGRAMME, S_TEAM, S_RAG, S_AS_OF, S_SORT };

const pmoctl_opt_t cmd_status_opts[] = {
    [S_PROGRAMME] = {"programme", "P", false, "only the projects of programme P"},
    [S_TEAM] = {"team", "T", false, "only the projects of team T"},
    [S_RAG] = {"rag", "COLOURS", false, "only projects of these colours: green, amber, red, "
                                        "or a list like amber,red"},
    [S_AS_OF] = {"as-of", "D", false, "figures as of date D (default today)"},
    [S_SORT] = {"sort", "KEY", false, "code (default), rag (red first), cpi, spi (lowest "
                                      "first), eac (highest first), next (next milestone date)"},
    {NULL, NULL, false, NULL},
};

/*  ---- shared with dashboard ----------------------------------------------- */

int
pmoctl_status_fetch (pmoctl_t *ctl, const char *programme, const char *team, const char *as_of,
                     Pmo__Reply **reply_p)
{
    *reply_p = NULL;
    if (pmoctl_check_date ("--as-of", as_of))
        return PMOCTL_EXIT_USAGE;
    Pmo__StatusQuery q = PMO__STATUS_QUERY__INIT;
    q.programme = (char *) programme;
    q.team = (char *) team;
    q.as_of = (char *) as_of;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_STATUS;
    req.status = &q;
    return pmoctl_query (ctl, &req, PMO__REPLY__BODY_STATUS_VIEW, reply_p);
}

static int
s_level_rank (const char *level)
{
    static const char *const order[] = {"programme", "portfolio", "total"};
    for (size_t i = 0; level && i < PMO_ARRAY_LEN (order); i++)
        if (streq (level, order[i]))
            return (int) i;
    return (int) PMO_ARRAY_LEN (order);
}

static int
s_rollup_cmp (const void *a, const void *b)
{
    const Pmo__Rollup *x = *(const Pmo__Rollup *const *) a;
    const Pmo__Rollup *y = *(const Pmo__Rollup *const *) b;
    int c = s_level_rank (x->level) - s_level_rank (y->level);
    if (!c)
        c = strcmp (pmoctl_str (x->level), pmoctl_str (y->level));
    if (!c)
        c = strcmp (pmoctl_str (x->code), pmoctl_str (y->code));
    if (!c)
        c = strcmp (x->evm ? pmoctl_str (x->evm->currency) : "",
                    y->evm ? pmoctl_str (y->evm->currency) : "");
    return c;
}

const Pmo__Rollup **
pmoctl_rollups_sorted (const Pmo__StatusView *view, size_t *n)
{
    const Pmo__Rollup **out = pmo_calloc (view->n_rollups ? view->n_rollups : 1, sizeof *out);
    for (size_t i = 0; i < view->n_rollups; i++)
        out[i] = view->rollups[i];
    qsort (out, view->n_rollups, sizeof *out, s_rollup_cmp);
    *n = view->n_rollups;
    return out;
}

const char *
pmoctl_rollup_code (const Pmo__Rollup *r)
{
    const char *code = pmoctl_str (r->code);
    bool is_group = r->level && (streq (r->level, "programme") || streq (r->level, "portfolio"));
    return is_group && (streq (code, "-") || !*code) ? "(none)" : code;
}

void
pmoctl_print_status_json (const Pmo__StatusView *view, Pmo__StatusRow **rows, size_t n_rows)
{
    Pmo__StatusView copy = *view;  /* shallow: borrows everything from view */
    copy.rows = rows;
    copy.n_rows = n_rows;
    static const char *const keys[] = {"rows", "rollups", NULL};
    pmo_json_write (stdout, &copy, keys);  /* streamed: megabytes for big portfolios */
    fputc ('\n', stdout);
}

/*  True when every row of the packed view has a project and the codes are
 *  strictly increasing: the order --sort code gives (pmod sends rows in
 *  key order, so this is the usual case and nothing needs unpacking). */
static bool
s_rows_in_code_order (const uint8_t *view, size_t len)
{
    uint32_t rows_id = protobuf_c_message_descriptor_get_field_by_name (&pmo__status_view__descriptor, "rows")->id;
    uint32_t project_id =
        protobuf_c_message_descriptor_get_field_by_name (&pmo__status_row__descriptor, "project")->id;
    uint32_t code_id = protobuf_c_message_descriptor_get_field_by_name (&pmo__project__descriptor, "code")->id;
    const uint8_t *p = view, *end = view + len;
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    pmo_wire_field_t f;
    while (p < end) {
        if (!pmo_wire_next_field (&p, end, &f))
            return false;
        if (f.id != rows_id)
            continue;
        const uint8_t *project, *code;
        size_t project_len, code_len;
        if (f.wire_type != PMO_WIRE_LEN || !pmo_wire_find_len (f.data, f.len, project_id, &project, &project_len)
            || !pmo_wire_find_len (project, project_len, code_id, &code, &code_len))
            return false;
        code_len = strnlen ((const char *) code, code_len);  /* as the C string reads */
        if (prev) {
            int c = memcmp (prev, code, prev_len < code_len ? prev_len : code_len);
            if (c > 0 || (c == 0 && prev_len >= code_len))
                return false;
        }
        prev = code;
        prev_len = code_len;
    }
    return true;
}

/*  ---- filtering and sorting ------------------------------------------------- */

/*  Parses "red" or "amber,red" into a bit set of pmo_rag_t.  Returns PMO_OK
 *  or PMO_EINVAL (line printed). */
static int
s_parse_rags (const char *s, unsigned *mask)
{
    *mask = 0;
    char buf[64];
    if (!pmo_strlcpy (buf, s, sizeof buf)) {
        pmoctl_fail ("--rag: '%s' is not green, amber, red or a list of them", s);
        return PMO_EINVAL;
    }
    char *save = NULL;
    for (char *word = strtok_r (buf, ",", &save); word; word = strtok_r (NULL, ",", &save)) {
        int rag = pmo_rag_parse (word);
        if (rag < 0) {
            pmoctl_fail ("--rag: '%s' is not green, amber or red", word);
            return PMO_EINVAL;
        }
        *mask |= 1u << rag;
    }
    if (!*mask) {
        pmoctl_fail ("--rag: give green, amber, red or a list like amber,red");
        return PMO_EINVAL;
    }
    return PMO_OK;
}

/*  The row's colour as pmo_rag_t, -1 when pmod sent none. */
static int
s_rag_of (const Pmo__StatusRow *row)
{
    return row->health ? pmo_rag_parse (row->health->rag) : -1;
}

typedef enum { SORT_CODE, SORT_RAG, SORT_CPI, SORT_SPI, SORT_EAC, SORT_NEXT } s_sort_t;

static const char *const s_sort_names[] = {
    [SORT_CODE] = "code", [SORT_RAG] = "rag", [SORT_CPI] = "cpi",
    [SORT_SPI] = "spi",   [SORT_EAC] = "eac", [SORT_NEXT] = "next",
};

static const char *
s_code_of (const Pmo__StatusRow *row)
{
    return row->project ? pmoctl_str (row->project->code) : "";
}

/*  The date the next milestone is expected: forecast, else baseline; NULL
 *  when there is none. */
static const char *
s_next_date (const Pmo__StatusRow *row)
{
    const Pmo__Milestone *m = row->next_milestone;
    if (!m)
        return NULL;
    if (m->forecast && *m->forecast)
        return m->forecast;
    return m->due && *m->due ? m->due : NULL;
}

/*  -1, 0, 1 for "a sorts first", "tie", "b sorts first", with missing
 *  values last whatever the direction. */
static int
s_missing_last (bool has_a, bool has_b)
{
    return (int) !has_a - (int) !has_b;
}

/*  qsort has no context argument in C11: the key is set before each sort. */
static s_sort_t s_sort_key;

static int
s_row_cmp (const void *pa, const void *pb)
{
    const Pmo__StatusRow *a = *(const Pmo__StatusRow *const *) pa;
    const Pmo__StatusRow *b = *(const Pmo__StatusRow *const *) pb;
    int c = 0;
    switch (s_sort_key) {
    case SORT_CODE: break;
    case SORT_RAG: c = s_rag_of (b) - s_rag_of (a); break;  /* red (2) first, unknown (-1) last */
    case SORT_CPI:
        c = pmoctl_ratio_cmp (a->evm ? a->evm->cpi : NULL, b->evm ? b->evm->cpi : NULL);
        break;
    case SORT_SPI:
        c = pmoctl_ratio_cmp (a->evm ? a->evm->spi : NULL, b->evm ? b->evm->spi : NULL);
        break;
    case SORT_EAC: {
        bool has_a = a->evm && a->evm->has_eac_minor, has_b = b->evm && b->evm->has_eac_minor;
        c = s_missing_last (has_a, has_b);
        if (!c && has_a)
            c = (a->evm->eac_minor < b->evm->eac_minor) - (a->evm->eac_minor > b->evm->eac_minor);
        break;
    }
    case SORT_NEXT: {
        const char *da = s_next_date (a), *db = s_next_date (b);
        c = s_missing_last (da != NULL, db != NULL);
        if (!c && da)
            c = strcmp (da, db);  /* ISO dates sort as text */
        break;
    }
    }
    return c ? c : strcmp (s_code_of (a), s_code_of (b));
}

/*  ---- the table -------------------------------------------------------------- */

/*  "Design approved 2026-12-01", or with a forecast that differs from the
 *  baseline "Design approved 2026-12-10 (due 2026-12-01)". */
static void
s_fmt_next (const Pmo__Milestone *m, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!m || !m->name)
        return;
    const char *due = pmoctl_str (m->due);
    if (m->forecast && *m->forecast && !streq (m->forecast, due))
        snprintf (buf, n, "%s %s (due %s)", m->name, m->forecast, *due ? due : "-");
    else
        snprintf (buf, n, "%s %s", m->name, *due ? due : "-");
}

/*  Percent complete: the project's current figure, or EV / BAC when the
 *  view is as of another date (pmod's EV is BAC x percent as of that date). */
static void
s_fmt_complete (const Pmo__StatusRow *row, bool is_as_of, char *buf, size_t n)
{
    const Pmo__Project *p = row->project;
    const Pmo__Evm *e = row->evm;
    int64_t bp = p->percent_bp;
    if (is_as_of && e && e->bac_minor > 0) {
        if (pmo_i64_muldiv (e->ev_minor, 10000, e->bac_minor, &bp) != PMO_OK) {
            buf[0] = '\0';
            return;
        }
    }
    pmoctl_fmt_percent (bp, buf, n);
}

static void
s_columns (out_table_t *t)
{
    out_table_column (t, "CODE", "code", OUT_LEFT);
    out_table_column (t, "STATUS", "status", OUT_LEFT);
    out_table_column (t, "RAG", "rag", OUT_LEFT);
    out_table_column (t, "% COMPLETE", "percent_complete", OUT_RIGHT);
    out_table_column (t, "BUDGET (BAC)", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
    out_table_column (t, "ACTUAL (AC)", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
    out_table_column (t, NULL, "bac", OUT_CSV_ONLY);
    out_table_column (t, NULL, "ac", OUT_CSV_ONLY);
    out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
    out_table_column (t, NULL, "pv", OUT_CSV_ONLY);
    out_table_column (t, NULL, "ev", OUT_CSV_ONLY);
    out_table_column (t, "CPI", "cpi", OUT_RIGHT);
    out_table_column (t, "SPI", "spi", OUT_RIGHT);
    out_table_column (t, "SPI(t)", "spi_t", OUT_RIGHT);
    out_table_column (t, "EAC", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
    out_table_column (t, NULL, "eac", OUT_CSV_ONLY);
    out_table_column (t, "NEXT MILESTONE", NULL, OUT_LEFT | OUT_TEXT_ONLY);
    out_table_column (t, NULL, "next_milestone", OUT_CSV_ONLY);
    out_table_column (t, NULL, "next_date", OUT_CSV_ONLY);
}

static void
s_row (out_table_t *t, const Pmo__StatusRow *row, bool is_as_of)
{
    const Pmo__Project *p = row->project;
    const Pmo__Evm *e = row->evm;
    Pmo__Evm none = PMO__EVM__INIT;
    if (!e)
        e = &none;
    /*  Without pmod's figures, the baseline budget and the running totals. */
    bool has_evm = row->evm != NULL;
    const char *cur = has_evm && e->currency ? e->currency : p->currency;
    int64_t bac = has_evm ? e->bac_minor : p->bac_minor;
    int64_t ac = has_evm ? e->ac_minor : pmoctl_actual_minor (row->totals);
    char pct[32], bac_t[PMO_MONEY_FMT_MAX], ac_t[PMO_MONEY_FMT_MAX], eac_t[PMO_MONEY_FMT_MAX];
    char bac_p[PMO_MONEY_FMT_MAX], ac_p[PMO_MONEY_FMT_MAX], eac_p[PMO_MONEY_FMT_MAX];
    char pv_p[PMO_MONEY_FMT_MAX], ev_p[PMO_MONEY_FMT_MAX];
    char cpi[32], spi[32], spi_t[32], nxt[512];
    s_fmt_complete (row, is_as_of, pct, sizeof pct);
    pmoctl_fmt_money (bac, cur, bac_t, sizeof bac_t);
    pmoctl_fmt_money (ac, cur, ac_t, sizeof ac_t);
    pmoctl_fmt_money_plain (bac, cur, bac_p, sizeof bac_p);
    pmoctl_fmt_money_plain (ac, cur, ac_p, sizeof ac_p);
    pmoctl_fmt_amount (e->has_pv_minor, e->pv_minor, cur, true, pv_p, sizeof pv_p);
    pmoctl_fmt_amount (e->has_ev_minor, e->ev_minor, cur, true, ev_p, sizeof ev_p);
    pmoctl_fmt_amount (e->has_eac_minor, e->eac_minor, cur, false, eac_t, sizeof eac_t);
    pmoctl_fmt_amount (e->has_eac_minor, e->eac_minor, cur, true, eac_p, sizeof eac_p);
    pmoctl_fmt_ratio (e->cpi, 3, cpi, sizeof cpi);
    pmoctl_fmt_ratio (e->spi, 3, spi, sizeof spi);
    pmoctl_fmt_ratio (e->spi_t, 3, spi_t, sizeof spi_t);
    s_fmt_next (row->next_milestone, nxt, sizeof nxt);

    out_table_row (t);
    out_table_cell (t, p->code);
    out_table_cell (t, pmo_wire_status_name (p->status));
    out_table_cell (t, row->health ? row->health->rag : NULL);
    out_table_cell (t, pct);
    out_table_cell (t, bac_t);
    out_table_cell (t, ac_t);
    out_table_cell (t, bac_p);
    out_table_cell (t, ac_p);
    out_table_cell (t, cur);
    out_table_cell (t, pv_p);
    out_table_cell (t, ev_p);
    out_table_cell (t, cpi);
    out_table_cell (t, spi);
    out_table_cell (t, spi_t);
    out_table_cell (t, eac_t);
    out_table_cell (t, eac_p);
    out_table_cell (t, nxt);
    out_table_cell (t, row->next_milestone ? row->next_milestone->name : NULL);
    out_table_cell (t, s_next_date (row));
}

/*  "APOLLO red: CPI 0.812 below 0.85; 1 milestone missed", one line per
 *  project that is not green, in table order. */
static void
s_print_reasons (Pmo__StatusRow **rows, size_t n)
{
    bool is_first = true;
    for (size_t i = 0; i < n; i++) {
        const Pmo__Health *h = rows[i]->health;
        if (!h || !h->rag || streq (h->rag, "green"))
            continue;
        if (is_first)
            printf ("\nhealth:\n");
        is_first = false;
        printf ("  %s %s: %s\n", s_code_of (rows[i]), h->rag, pmoctl_health_reason (h));
    }
}

static void
s_print_rollups (const Pmo__StatusView *view, bool is_rag_filtered)
{
    size_t n = 0;
    const Pmo__Rollup **rollups = pmoctl_rollups_sorted (view, &n);
    if (n == 0)
        goto out;
    printf ("\nroll-ups as of %s (sums per currency; cancelled projects excluded%s):\n",
            view->as_of ? view->as_of : "today", is_rag_filtered ? "; --rag not applied" : "");
    out_table_t *t = out_table_new ();
    out_table_column (t, "LEVEL", NULL, OUT_LEFT);
    out_table_column (t, "CODE", NULL, OUT_LEFT);
    out_table_column (t, "CUR", NULL, OUT_LEFT);
    out_table_column (t, "PROJECTS", NULL, OUT_RIGHT);
    out_table_column (t, "BAC", NULL, OUT_RIGHT);
    out_table_column (t, "PV", NULL, OUT_RIGHT);
    out_table_column (t, "EV", NULL, OUT_RIGHT);
    out_table_column (t, "AC", NULL, OUT_RIGHT);
    out_table_column (t, "CPI", NULL, OUT_RIGHT);
    out_table_column (t, "SPI", NULL, OUT_RIGHT);
    for (size_t i = 0; i < n; i++) {
        const Pmo__Rollup *r = rollups[i];
        Pmo__Evm none = PMO__EVM__INIT;
        const Pmo__Evm *e = r->evm ? r->evm : &none;
        const char *cur = e->currency;
        char bac[PMO_MONEY_FMT_MAX], pv[PMO_MONEY_FMT_MAX], ev[PMO_MONEY_FMT_MAX];
        char ac[PMO_MONEY_FMT_MAX], cpi[32], spi[32];
        pmoctl_fmt_amount (e->has_bac_minor, e->bac_minor, cur, true, bac, sizeof bac);
        pmoctl_fmt_amount (e->has_pv_minor, e->pv_minor, cur, true, pv, sizeof pv);
        pmoctl_fmt_amount (e->has_ev_minor, e->ev_minor, cur, true, ev, sizeof ev);
        pmoctl_fmt_amount (e->has_ac_minor, e->ac_minor, cur, true, ac, sizeof ac);
        pmoctl_fmt_ratio (e->cpi, 3, cpi, sizeof cpi);
        pmoctl_fmt_ratio (e->spi, 3, spi, sizeof spi);
        out_table_row (t);
        out_table_cell (t, r->level);
        out_table_cell (t, pmoctl_rollup_code (r));
        out_table_cell (t, cur);
        out_table_cellf (t, "%u", (unsigned) r->projects);
        out_table_cell (t, bac);
        out_table_cell (t, pv);
        out_table_cell (t, ev);
        out_table_cell (t, ac);
        out_table_cell (t, cpi);
        out_table_cell (t, spi);
    }
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
out:
    free (rollups);
}

int
cmd_status (pmoctl_t *ctl)
{
    unsigned rag_mask = 0;
    if (ctl->opt[S_RAG] && s_parse_rags (ctl->opt[S_RAG], &rag_mask) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    s_sort_t sort = SORT_CODE;
    if (ctl->opt[S_SORT]) {
        size_t i = 0;
        while (i < PMO_ARRAY_LEN (s_sort_names) && !streq (s_sort_names[i], ctl->opt[S_SORT]))
            i++;
        if (i == PMO_ARRAY_LEN (s_sort_names))
            return pmoctl_fail ("--sort: '%s' is not code, rag, cpi, spi, eac or next",
                                ctl->opt[S_SORT]);
        sort = (s_sort_t) i;
    }
    if (pmoctl_check_date ("--as-of", ctl->opt[S_AS_OF]))
        return PMOCTL_EXIT_USAGE;
    Pmo__StatusQuery q = PMO__STATUS_QUERY__INIT;
    q.programme = (char *) ctl->opt[S_PROGRAMME];
    q.team = (char *) ctl->opt[S_TEAM];
    q.as_of = (char *) ctl->opt[S_AS_OF];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_STATUS;
    req.status = &q;
    pmoctl_packed_t packed;
    int rc = pmoctl_query_packed (ctl, &req, PMO__REPLY__BODY_STATUS_VIEW, &packed);
    if (rc) {
        pmoctl_packed_free (&packed);
        return rc;
    }
    /*  The usual --json: the reply's bytes straight to JSON, in pmod's
     *  order, which is code order (checked). */
    static const char *const json_keys[] = {"rows", "rollups", NULL};
    if (ctl->format == OUT_JSON && !rag_mask && sort == SORT_CODE && s_rows_in_code_order (packed.body, packed.len)
        && (pmo_json_write_packed (stdout, &pmo__status_view__descriptor, packed.body, packed.len, json_keys) == 0
            || ferror (stdout))) {
        fputc ('\n', stdout);
        pmoctl_packed_free (&packed);
        return PMOCTL_EXIT_OK;
    }
    Pmo__StatusView *view = pmo_wire_unpack (&pmo__status_view__descriptor, packed.body, packed.len);
    pmoctl_packed_free (&packed);
    if (!view) {
        fprintf (stderr, "pmoctl: pmod at %s: the status reply does not decode\n", ctl->endpoint);
        return PMOCTL_EXIT_UNREACHABLE;
    }

    /*  The rows to show: borrowed from the reply, filtered, then sorted. */
    Pmo__StatusRow **rows = pmo_calloc (view->n_rows ? view->n_rows : 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < view->n_rows; i++) {
        Pmo__StatusRow *row = view->rows[i];
        if (!row->project)
            continue;
        int rag = s_rag_of (row);
        if (rag_mask && (rag < 0 || !(rag_mask & (1u << rag))))
            continue;
        rows[n++] = row;
    }
    s_sort_key = sort;
    qsort (rows, n, sizeof *rows, s_row_cmp);

    if (ctl->format == OUT_JSON) {
        pmoctl_print_status_json (view, rows, n);
    } else {
        out_table_t *t = out_table_new ();
        s_columns (t);
        for (size_t i = 0; i < n; i++)
            s_row (t, rows[i], ctl->opt[S_AS_OF] != NULL);
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
        if (ctl->format == OUT_TEXT) {
            s_print_reasons (rows, n);
            s_print_rollups (view, rag_mask != 0);
        }
    }
    free (rows);
    pmo_wire_free (view);
    return PMOCTL_EXIT_OK;
}
