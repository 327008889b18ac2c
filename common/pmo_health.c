/*  pmo_health: RAG colour and worded reason from a policy of thresholds.
 *
 *  Owns the health rules, their wording and the policy keys an operator can
 *  set.  Must never use floating-point types: a threshold is compared exactly
 *  against the rational index, so a CPI of 0.9499999 is below 0.95 and one
 *  of exactly 0.95 is not.  The reason's numbers are printed with enough
 *  decimals that they visibly cross the threshold they are said to cross.
 */
#include "pmo/pmo_health.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_prelude.h"

/*  __extension__ keeps -std=c11 -Wpedantic quiet about the GCC/Clang type. */
__extension__ typedef __int128 s_i128_t;

#define S_BP 10000  /* basis points in one whole (index 1.0, or 100%) */

void
pmo_health_policy_default (pmo_health_policy_t *p)
{
    if (!p)
        return;
    p->cpi_amber_bp = 9500;
    p->cpi_red_bp = 8500;
    p->spi_amber_bp = 9500;
    p->spi_red_bp = 8500;
    p->overspend_amber_bp = 1000;
    p->overspend_red_bp = 2500;
    p->missed_amber = 1;
    p->missed_red = 1;
}

const char *
pmo_rag_name (pmo_rag_t rag)
{
    switch (rag) {
    case PMO_RAG_GREEN:
        return "green";
    case PMO_RAG_AMBER:
        return "amber";
    case PMO_RAG_RED:
        return "red";
    }
    return "unknown";
}

/*  ASCII-only case-insensitive equality: locale must not change a keyword. */
static bool
s_ieq (const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char) (*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char) (*b - 'A' + 'a') : *b;
        if (ca != cb)
            return false;
    }
    return *a == *b;
}

int
pmo_rag_parse (const char *name)
{
    if (!name)
        return -1;
    for (int rag = PMO_RAG_GREEN; rag <= PMO_RAG_RED; rag++)
        if (s_ieq (name, pmo_rag_name ((pmo_rag_t) rag)))
            return rag;
    return -1;
}

/*  The reason being built: fired rules joined by "; ", and the worst colour. */
typedef struct {
    pmo_rag_t rag;
    char rules[220];
    size_t used;
} s_verdict_t;

static void
s_fire (s_verdict_t *v, pmo_rag_t rag, const char *fmt, ...) PMO_PRINTF (3, 4);

static void
s_fire (s_verdict_t *v, pmo_rag_t rag, const char *fmt, ...)
{
    if (rag > v->rag)
        v->rag = rag;
    if (v->used + 1 >= sizeof v->rules)
        return;                 /* full: keep the colour, drop the words */
    if (v->used > 0) {
        int n = snprintf (v->rules + v->used, sizeof v->rules - v->used, "; ");
        v->used += n > 0 ? (size_t) n : 0;
        if (v->used >= sizeof v->rules) {
            v->used = sizeof v->rules - 1;
            return;
        }
    }
    va_list ap;
    va_start (ap, fmt);
    int n = vsnprintf (v->rules + v->used, sizeof v->rules - v->used, fmt, ap);
    va_end (ap);
    v->used += n > 0 ? (size_t) n : 0;
    if (v->used >= sizeof v->rules)
        v->used = sizeof v->rules - 1;
}

/*  Writes index r (below threshold_bp) with 3 decimals, or more (up to 6)
 *  when 3 would round it up to threshold_bp and print "0.950 below 0.95".
 *  Less than 0.0000005 below, 6 rounded decimals still reach it: then the
 *  6 decimals are truncated instead (floor (r * 10^6) < threshold * 100
 *  whenever r < threshold). */
static void
s_format_index (pmo_ratio_t r, int32_t threshold_bp, char *buf, size_t n)
{
    for (int decimals = 3; decimals <= 6; decimals++) {
        pmo_ratio_format (r, decimals, buf, n);
        int64_t shown;
        if (pmo_decimal_parse (buf, 6, &shown) == PMO_OK && shown < (int64_t) threshold_bp * 100)
            return;
    }
    if (!r.defined || r.den <= 0)
        return;
    s_i128_t scaled = (s_i128_t) r.num * 1000000;
    s_i128_t floor6 = scaled / r.den;
    if (scaled % r.den != 0 && scaled < 0)
        floor6--;               /* C truncates towards zero */
    /* Only reached within 0.0000005 of a threshold of at most 10. */
    if (floor6 >= INT64_MIN && floor6 <= INT64_MAX)
        pmo_decimal_format ((int64_t) floor6, 6, buf, n);
}

/*  Applies one index rule: below red -> red, else below amber -> amber. */
static void
s_index_rule (s_verdict_t *v, const char *label, pmo_ratio_t idx, int32_t amber_bp, int32_t red_bp)
{
    if (!idx.defined)
        return;
    pmo_rag_t rag;
    int32_t crossed;
    if (pmo_ratio_cmp (idx, red_bp, S_BP) < 0) {
        rag = PMO_RAG_RED;
        crossed = red_bp;
    } else if (pmo_ratio_cmp (idx, amber_bp, S_BP) < 0) {
        rag = PMO_RAG_AMBER;
        crossed = amber_bp;
    } else
        return;
    char shown[32], limit[32];
    s_format_index (idx, crossed, shown, sizeof shown);
    pmo_decimal_format_trim (crossed, 4, limit, sizeof limit);
    s_fire (v, rag, "%s %s below %s", label, shown, limit);
}

/*  Writes v / 10^decimals as a trimmed decimal ("62.5").  A value beyond
 *  int64 (AC vastly over a tiny BAC) prints as a whole number in two halves
 *  rather than wrapping. */
static void
s_format_share (s_i128_t v, int decimals, char *buf, size_t n)
{
    if (v <= INT64_MAX) {
        pmo_decimal_format_trim ((int64_t) v, decimals, buf, n);
        return;
    }
    s_i128_t pow = 1;
    for (int i = 0; i < decimals; i++)
        pow *= 10;
    s_i128_t whole = (v + pow / 2) / pow;
    const int64_t e18 = 1000000000000000000LL;
    if (whole < e18)
        snprintf (buf, n, "%" PRId64, (int64_t) whole);
    else
        snprintf (buf, n, "%" PRId64 "%018" PRId64, (int64_t) (whole / e18),
                  (int64_t) (whole % e18));
}

/*  Returns num * 10^scale / den rounded half up; num >= 0, den > 0. */
static s_i128_t
s_scaled_share (int64_t num, int64_t den, int scale)
{
    s_i128_t pow = 1;
    for (int i = 0; i < scale; i++)
        pow *= 10;
    return ((s_i128_t) num * pow * 2 + den) / ((s_i128_t) den * 2);
}

/*  Overspend = AC/BAC - EV/BAC = (AC - EV)/BAC, compared with a threshold
 *  in basis points by cross-multiplying, exactly. */
static void
s_overspend_rule (s_verdict_t *v, const pmo_health_policy_t *p, const pmo_evm_t *e)
{
    if (e->bac <= 0)
        return;
    s_i128_t excess = ((s_i128_t) e->ac - e->ev) * S_BP;
    pmo_rag_t rag;
    int32_t crossed;
    if (excess > (s_i128_t) p->overspend_red_bp * e->bac) {
        rag = PMO_RAG_RED;
        crossed = p->overspend_red_bp;
    } else if (excess > (s_i128_t) p->overspend_amber_bp * e->bac) {
        rag = PMO_RAG_AMBER;
        crossed = p->overspend_amber_bp;
    } else
        return;
    /* Percent with 2 decimals, or up to 6 when rounding would hide that
       the two shown shares really are more than the threshold apart.
       AC * 10^8 < 2^90: exact in 128 bits. */
    s_i128_t spent = 0, done = 0;
    int decimals;
    for (decimals = 2; decimals <= 6; decimals++) {
        spent = s_scaled_share (e->ac, e->bac, decimals + 2);
        done = s_scaled_share (e->ev, e->bac, decimals + 2);
        s_i128_t limit = crossed;
        for (int i = 2; i < decimals; i++)
            limit *= 10;
        if (spent - done > limit || decimals == 6)
            break;
    }
    char spent_text[48], done_text[48];
    s_format_share (spent, decimals, spent_text, sizeof spent_text);
    s_format_share (done, decimals, done_text, sizeof done_text);
    s_fire (v, rag, "spent %s%% of budget at %s%% complete", spent_text, done_text);
}

void
pmo_health_eval (const pmo_health_policy_t *p, const pmo_evm_t *e, int32_t missed_milestones,
                 pmo_health_t *out)
{
    if (!p || !out)
        return;
    s_verdict_t v = {.rag = PMO_RAG_GREEN, .rules = "", .used = 0};

    if (e) {
        s_index_rule (&v, "CPI", e->cpi, p->cpi_amber_bp, p->cpi_red_bp);
        /* SPI drifts back to 1.0 as EV nears BAC, late or not; SPI(t) does not. */
        if (e->spi_t.defined)
            s_index_rule (&v, "SPI(t)", e->spi_t, p->spi_amber_bp, p->spi_red_bp);
        else
            s_index_rule (&v, "SPI", e->spi, p->spi_amber_bp, p->spi_red_bp);
        s_overspend_rule (&v, p, e);
    }

    /* missed > 0 guards a hand-made policy with a threshold of 0. */
    if (missed_milestones > 0) {
        pmo_rag_t rag = PMO_RAG_GREEN;
        if (missed_milestones >= p->missed_red)
            rag = PMO_RAG_RED;
        else if (missed_milestones >= p->missed_amber)
            rag = PMO_RAG_AMBER;
        if (rag != PMO_RAG_GREEN)
            s_fire (&v, rag, "%" PRId32 " milestone%s missed", missed_milestones,
                    missed_milestones == 1 ? "" : "s");
    }

    out->rag = v.rag;
    if (v.rag == PMO_RAG_GREEN)
        snprintf (out->reason, sizeof out->reason, "green: on track");
    else
        snprintf (out->reason, sizeof out->reason, "%s: %s", pmo_rag_name (v.rag), v.rules);
}

/*  How a policy key's text is read, and which way is "looser". */
typedef enum {
    S_KIND_INDEX,   /* "0.95" -> 9500 bp; red looser when red > amber */
    S_KIND_POINTS,  /* "10" percentage points -> 1000 bp; red looser when red < amber */
    S_KIND_COUNT    /* "2" -> 2; red looser when red < amber */
} s_kind_t;

static const struct {
    const char *key;
    s_kind_t kind;
    size_t field;               /* offsetof the field the key sets */
    size_t amber, red;          /* offsetof the pair it must stay consistent with */
} s_keys[] = {
#define S_KEY(name, kind, field, pair) \
    {name, kind, offsetof (pmo_health_policy_t, field), \
     offsetof (pmo_health_policy_t, pair##_amber_bp), offsetof (pmo_health_policy_t, pair##_red_bp)}
    S_KEY ("cpi_amber", S_KIND_INDEX, cpi_amber_bp, cpi),
    S_KEY ("cpi_red", S_KIND_INDEX, cpi_red_bp, cpi),
    S_KEY ("spi_amber", S_KIND_INDEX, spi_amber_bp, spi),
    S_KEY ("spi_red", S_KIND_INDEX, spi_red_bp, spi),
    S_KEY ("overspend_amber", S_KIND_POINTS, overspend_amber_bp, overspend),
    S_KEY ("overspend_red", S_KIND_POINTS, overspend_red_bp, overspend),
#undef S_KEY
    {"missed_amber", S_KIND_COUNT, offsetof (pmo_health_policy_t, missed_amber),
     offsetof (pmo_health_policy_t, missed_amber), offsetof (pmo_health_policy_t, missed_red)},
    {"missed_red", S_KIND_COUNT, offsetof (pmo_health_policy_t, missed_red),
     offsetof (pmo_health_policy_t, missed_amber), offsetof (pmo_health_policy_t, missed_red)},
};

static int32_t *
s_field (pmo_health_policy_t *p, size_t offset)
{
    return (int32_t *) (void *) ((char *) p + offset);
}

int
pmo_health_policy_set (pmo_health_policy_t *p, const char *key, const char *value)
{
    if (!p || !key || !value)
        return PMO_EINVAL;
    size_t i = 0;
    while (i < PMO_ARRAY_LEN (s_keys) && !streq (key, s_keys[i].key))
        i++;
    if (i == PMO_ARRAY_LEN (s_keys))
        return PMO_ENOTFOUND;

    int64_t v;
    switch (s_keys[i].kind) {
    case S_KIND_INDEX:
        /* Indices above 10 mean nothing for CPI/SPI; bound them. */
        if (pmo_decimal_parse (value, 4, &v) != PMO_OK || v < 0 || v > 10 * S_BP)
            return PMO_EINVAL;
        break;
    case S_KIND_POINTS:
        if (pmo_decimal_parse (value, 2, &v) != PMO_OK || v < 0 || v > 1000 * 100)
            return PMO_EINVAL;
        break;
    case S_KIND_COUNT:
    default:
        if (pmo_decimal_parse (value, 0, &v) != PMO_OK || v < 1 || v > INT32_MAX)
            return PMO_EINVAL;
        break;
    }

    pmo_health_policy_t t = *p;
    *s_field (&t, s_keys[i].field) = (int32_t) v;
    int32_t amber = *s_field (&t, s_keys[i].amber);
    int32_t red = *s_field (&t, s_keys[i].red);
    bool is_looser = s_keys[i].kind == S_KIND_INDEX ? red > amber : red < amber;
    if (is_looser)
        return PMO_EINVAL;
    *p = t;
    return PMO_OK;
}
