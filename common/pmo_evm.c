/*  pmo_evm: earned value, earned schedule and exact indices.
 *
 *  Owns the EVM formulas and the rational type every report prints indices
 *  from.  Must never use floating-point types: an SPI of 0.95 that is really
 *  0.9499999 flips a project's colour.  Money stays in int64 minor units;
 *  every product of two amounts is taken in 128 bits and the one product of
 *  three (EAC combined) in 192, so PMO_EOVERFLOW means the result itself does
 *  not fit, never that an intermediate step did.  Rounding is half away from
 *  zero, as in pmo_i64_muldiv.  Ratios are always kept reduced with den > 0,
 *  so two equal values compare equal field by field.
 */
#include "pmo/pmo_evm.h"

#include <inttypes.h>
#include <stdio.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_prelude.h"

/*  __extension__ keeps -std=c11 -Wpedantic quiet about the GCC/Clang types. */
__extension__ typedef __int128 s_i128_t;
__extension__ typedef unsigned __int128 s_u128_t;

#define S_I64_MAX ((s_i128_t) INT64_MAX)
#define S_I64_MIN ((s_i128_t) INT64_MIN)

static pmo_ratio_t
s_undefined (void)
{
    pmo_ratio_t r = {0, 0, false};
    return r;
}

static s_u128_t
s_u128_abs (s_i128_t v)
{
    /* Every caller's v lies well inside +-2^126, so -v cannot overflow. */
    return v < 0 ? (s_u128_t) (-v) : (s_u128_t) v;
}

/*  Binary GCD: shifts and subtractions, no division. */
static uint64_t
s_u64_gcd (uint64_t a, uint64_t b)
{
    if (a == 0 || b == 0)
        return a | b;
    int shift = __builtin_ctzll (a | b);
    a >>= __builtin_ctzll (a);
    do {
        b >>= __builtin_ctzll (b);
        if (a > b) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        b -= a;
    } while (b);
    return a << shift;
}

/*  Why the 64-bit paths below: pmod computes earned value for every project
 *  each batch touches, and 128-bit division (a libgcc call) made that 3 %
 *  of its CPU at full ingest.  Amounts and day counts nearly always fit in
 *  64 bits; the results are the same either way. */
static s_u128_t
s_u128_gcd (s_u128_t a, s_u128_t b)
{
    while (b) {
        if ((a >> 64) == 0 && (b >> 64) == 0)
            return s_u64_gcd ((uint64_t) a, (uint64_t) b);
        s_u128_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/*  Returns num / den rounded half away from zero; den > 0. */
static s_i128_t
s_round_div (s_i128_t num, s_i128_t den)
{
    if (num >= 0 && num <= S_I64_MAX && den <= S_I64_MAX) {
        uint64_t n = (uint64_t) num, d = (uint64_t) den, q = n / d, r = n % d;
        return (s_i128_t) q + (r >= d - r);  /* 2r >= d, without overflow */
    }
    s_i128_t q = num / den;     /* truncates towards zero */
    s_i128_t r = num % den;
    s_u128_t abs_r = s_u128_abs (r);
    if (2 * abs_r >= (s_u128_t) den)
        q += num < 0 ? -1 : 1;
    return q;
}

/*  Sets *out to num/den normalised.  A zero den gives an undefined ratio and
 *  PMO_OK (undefined is a value, not an error); a normalised ratio outside
 *  int64 gives PMO_EOVERFLOW.  |num| and |den| must be below 2^127. */
static int
s_ratio_from_i128 (s_i128_t num, s_i128_t den, pmo_ratio_t *out)
{
    if (den == 0) {
        *out = s_undefined ();
        return PMO_OK;
    }
    if (den < 0) {
        num = -num;
        den = -den;
    }
    if (num > -S_I64_MAX && num <= S_I64_MAX && den <= S_I64_MAX) {
        uint64_t g = s_u64_gcd ((uint64_t) s_u128_abs (num), (uint64_t) den);
        int64_t n = (int64_t) num, d = (int64_t) den;
        *out = (pmo_ratio_t) {n / (int64_t) g, d / (int64_t) g, true};
        return PMO_OK;
    }
    s_u128_t g = s_u128_gcd (s_u128_abs (num), (s_u128_t) den);
    num /= (s_i128_t) g;        /* g >= 1 because den != 0 */
    den /= (s_i128_t) g;
    if (num < S_I64_MIN || num > S_I64_MAX || den > S_I64_MAX)
        return PMO_EOVERFLOW;
    out->num = (int64_t) num;
    out->den = (int64_t) den;
    out->defined = true;
    return PMO_OK;
}

pmo_ratio_t
pmo_ratio_make (int64_t num, int64_t den)
{
    pmo_ratio_t r;
    if (s_ratio_from_i128 (num, den, &r) != PMO_OK)
        return s_undefined ();
    return r;
}

int
pmo_ratio_cmp (pmo_ratio_t a, int64_t num, int64_t den)
{
    if (!a.defined || a.den <= 0 || den == 0)
        return 0;
    /* Cross-multiply: each product is below 2^126 in magnitude. */
    s_i128_t lhs = (s_i128_t) a.num * den;
    s_i128_t rhs = (s_i128_t) num * a.den;
    int c = (lhs > rhs) - (lhs < rhs);
    return den < 0 ? -c : c;    /* multiplying by a negative den flipped it */
}

int
pmo_ratio_format (pmo_ratio_t r, int decimals, char *buf, size_t n)
{
    if (!buf)
        return PMO_EINVAL;
    if (n > 0)
        buf[0] = '\0';
    if (decimals < 0 || decimals > 6)
        return PMO_EINVAL;

    char tmp[48];
    if (!r.defined || r.den <= 0)
        snprintf (tmp, sizeof tmp, "undefined");
    else {
        uint64_t pow = 1;
        for (int i = 0; i < decimals; i++)
            pow *= 10;
        /* |num| * 10^6 < 2^84: exact in 128 bits. */
        s_u128_t mag = s_u128_abs (r.num);
        s_u128_t den = (s_u128_t) r.den;
        s_u128_t scaled = mag * pow / den;
        if (2 * (mag * pow % den) >= den)
            scaled++;
        /* "-0.000" would claim a sign the printed digits cannot show. */
        bool is_neg = r.num < 0 && scaled != 0;
        uint64_t int_part = (uint64_t) (scaled / pow);  /* <= |num| + 1 <= 2^63 */
        uint64_t frac = (uint64_t) (scaled % pow);
        if (decimals == 0)
            snprintf (tmp, sizeof tmp, "%s%" PRIu64, is_neg ? "-" : "", int_part);
        else
            snprintf (tmp, sizeof tmp, "%s%" PRIu64 ".%0*" PRIu64, is_neg ? "-" : "", int_part,
                      decimals, frac);
    }
    if (!pmo_strlcpy (buf, tmp, n)) {
        if (n > 0)
            buf[0] = '\0';
        return PMO_ETOOBIG;
    }
    return PMO_OK;
}

/*  Sum of all milestone weights.  With at most UINT32_MAX milestones of at
 *  most UINT32_MAX each the sum stays below 2^64. */
static uint64_t
s_total_weight (const pmo_evm_input_t *in)
{
    uint64_t total = 0;
    if (!in->milestones)
        return 0;
    for (size_t i = 0; i < in->n_milestones; i++)
        total += in->milestones[i].weight;
    return total;
}

pmo_pv_method_t
pmo_evm_method (const pmo_evm_input_t *in)
{
    if (in && in->n_milestones > 0 && s_total_weight (in) > 0)
        return PMO_PV_MILESTONES;
    return PMO_PV_LINEAR;
}

int64_t
pmo_evm_pv (const pmo_evm_input_t *in, int32_t day)
{
    if (!in)
        return 0;
    uint64_t total = s_total_weight (in);
    if (in->n_milestones > 0 && total > 0) {
        uint64_t reached = 0;
        for (size_t i = 0; i < in->n_milestones; i++)
            if (in->milestones[i].due <= day)
                reached += in->milestones[i].weight;
        /* |BAC| * reached < 2^63 * 2^64 = 2^127: fits; result within BAC. */
        return (int64_t) s_round_div ((s_i128_t) in->bac_minor * reached, (s_i128_t) total);
    }
    if (day < in->start)
        return 0;
    if (day >= in->finish)
        return in->bac_minor;
    int64_t duration = (int64_t) in->finish - in->start + 1;
    int64_t elapsed = (int64_t) day - in->start + 1;
    return (int64_t) s_round_div ((s_i128_t) in->bac_minor * elapsed, duration);
}

/*  Sets *out = round (x * c / d) for x < 2^127, d in 1..2^127, all
 *  non-negative, with the product held exactly in 192 bits.  Returns PMO_OK,
 *  or PMO_EOVERFLOW when the quotient exceeds INT64_MAX.  EAC combined needs
 *  (BAC-EV) * AC * PV: three amounts, which 128 bits cannot hold. */
static int
s_muldiv192 (s_u128_t x, uint64_t c, s_u128_t d, int64_t *out)
{
    s_u128_t p0 = (s_u128_t) (uint64_t) x * c;
    s_u128_t p1 = (s_u128_t) (uint64_t) (x >> 64) * c;
    s_u128_t mid = (p0 >> 64) + (uint64_t) p1;
    uint64_t limb[3] = {(uint64_t) p0, (uint64_t) mid, (uint64_t) ((p1 >> 64) + (mid >> 64))};
    if (limb[2] == 0 && (limb[1] >> 63) == 0) {
        /*  The product fits in 127 bits: one 128-bit division. */
        s_u128_t p = ((s_u128_t) limb[1] << 64) | limb[0], q = p / d, rem = p % d;
        if (rem >= d - rem)
            q++;
        if (q > (s_u128_t) INT64_MAX)
            return PMO_EOVERFLOW;
        *out = (int64_t) q;
        return PMO_OK;
    }

    /* Schoolbook binary long division; rem < d <= 2^127, so rem << 1 fits. */
    s_u128_t rem = 0, q = 0;
    for (int bit = 191; bit >= 0; bit--) {
        rem = (rem << 1) | ((limb[bit / 64] >> (bit % 64)) & 1);
        q <<= 1;
        if (rem >= d) {
            rem -= d;
            q |= 1;
        }
        /* q only grows from here, so once too big it stays too big. */
        if (q > (s_u128_t) INT64_MAX)
            return PMO_EOVERFLOW;
    }
    if (2 * rem >= d)
        q++;
    if (q > (s_u128_t) INT64_MAX)
        return PMO_EOVERFLOW;
    *out = (int64_t) q;
    return PMO_OK;
}

/*  PV(k) of earned schedule: PV at the end of the k-th day of the baseline,
 *  with PV(0) = 0 by definition (even when a milestone falls before start). */
static int64_t
s_pv_k (const pmo_evm_input_t *in, int64_t k)
{
    if (k == 0)
        return 0;
    return pmo_evm_pv (in, (int32_t) (in->start + k - 1));
}

/*  One end of the time at which PV reaches ev, in days of the baseline:
 *  with C the largest k in 0..duration with PV(k) < ev (or <= ev when
 *  at_most), C + (ev - PV(C)) / (PV(C+1) - PV(C)), or duration when PV
 *  never passes ev.  With ev <= 0 and !at_most: 0. */
static int
s_es_bound (const pmo_evm_input_t *in, int64_t ev, int64_t duration, bool at_most, pmo_ratio_t *out)
{
    if (ev <= 0 && !at_most)
        return s_ratio_from_i128 (0, 1, out);
    /*  Invariant: PV(lo) below (or at most) ev; hi = duration + 1 or
     *  PV(hi) at or above (above) ev.  PV(0) = 0 <= ev here. */
    int64_t lo = 0, hi = duration + 1;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        int64_t pv = s_pv_k (in, mid);
        if (pv < ev || (at_most && pv == ev))
            lo = mid;
        else
            hi = mid;
    }
    if (lo == duration)  /* PV never passes ev within the baseline */
        return s_ratio_from_i128 (duration, 1, out);
    /* PV(C+1) > PV(C) on both bounds' side of ev, so step > 0. */
    int64_t pv_c = s_pv_k (in, lo);
    int64_t step = s_pv_k (in, lo + 1) - pv_c;
    return s_ratio_from_i128 ((s_i128_t) lo * step + (ev - pv_c), step, out);
}

/*  Fills es_days, at_days, sv_t_days and spi_t of e. */
static int
s_earned_schedule (const pmo_evm_input_t *in, int32_t as_of, pmo_evm_t *e)
{
    int64_t at = (int64_t) as_of - in->start + 1;
    if (at < 0)
        at = 0;
    if (at > INT32_MAX)
        return PMO_EOVERFLOW;
    e->at_days = (int32_t) at;

    /* With nothing to earn every day satisfies PV(k) <= EV and ES would say
       "finished" from day one: schedule in time has no meaning there. */
    if (in->bac_minor == 0) {
        e->es_days = e->sv_t_days = e->spi_t = s_undefined ();
        return PMO_OK;
    }

    /* ES is the time at which the EV achieved was planned to be earned.
       Lipke's formula: with C the largest k in 0..duration with PV(C) <=
       EV (PV is non-decreasing in k), ES = C + (EV - PV(C)) / (PV(C+1) -
       PV(C)).  Where PV is flat at EV (milestone steps) every day of the
       flat stretch qualifies, from the earliest (C taken with PV(C) < EV)
       to the latest (with <=): then ES is AT clamped into that stretch.
       A project exactly on plan between two milestones is on schedule
       (ES = AT), one with nothing earned before its first milestone too,
       and one past the stretch is late by the days since it ended. */
    int64_t duration = (int64_t) in->finish - in->start + 1;
    pmo_ratio_t earliest, latest;
    int rc = s_es_bound (in, e->ev, duration, false, &earliest);
    if (!rc)
        rc = s_es_bound (in, e->ev, duration, true, &latest);
    if (rc)
        return rc;
    if ((s_i128_t) at * earliest.den <= (s_i128_t) earliest.num)
        e->es_days = earliest;
    else if ((s_i128_t) at * latest.den >= (s_i128_t) latest.num)
        e->es_days = latest;
    else
        rc = s_ratio_from_i128 (at, 1, &e->es_days);
    if (rc)
        return rc;

    pmo_ratio_t es = e->es_days;
    rc = s_ratio_from_i128 ((s_i128_t) es.num - (s_i128_t) at * es.den, es.den, &e->sv_t_days);
    if (rc)
        return rc;
    if (at == 0)
        e->spi_t = s_undefined ();
    else
        rc = s_ratio_from_i128 (es.num, (s_i128_t) es.den * at, &e->spi_t);
    return rc;
}

int
pmo_evm_compute (const pmo_evm_input_t *in, int32_t as_of, pmo_evm_t *out)
{
    if (!in || !out)
        return PMO_EINVAL;
    if (in->finish < in->start || in->bac_minor < 0 || in->ac_minor < 0 || in->percent_bp < 0
        || in->percent_bp > 10000 || (in->n_milestones > 0 && !in->milestones)
        || (uint64_t) in->n_milestones > UINT32_MAX)
        return PMO_EINVAL;

    pmo_evm_t e;
    memset (&e, 0, sizeof e);
    e.method = pmo_evm_method (in);
    e.bac = in->bac_minor;
    e.ac = in->ac_minor;
    e.pv = pmo_evm_pv (in, as_of);
    e.ev = (int64_t) s_round_div ((s_i128_t) e.bac * in->percent_bp, 10000);

    /* BAC, PV, EV and AC all lie in 0..INT64_MAX, so these differences fit. */
    e.cv = e.ev - e.ac;
    e.sv = e.ev - e.pv;
    e.cpi = pmo_ratio_make (e.ev, e.ac);
    e.spi = pmo_ratio_make (e.ev, e.pv);
    e.tcpi = pmo_ratio_make (e.bac - e.ev, e.bac - e.ac);

    int rc;
    if (e.ev > 0 && e.ac > 0) {
        /* BAC / CPI = BAC * AC / EV: one rounding instead of two.  With no
           cost booked CPI is undefined, and an EAC of 0 would be a lie. */
        e.eac_defined = pmo_i64_muldiv (e.bac, e.ac, e.ev, &e.eac) == PMO_OK;
    }
    /* An EAC past int64 (a tiny EV against a huge AC) is left undefined:
       CPI and the other figures still say how the project stands. */
    if (e.eac_defined) {
        e.etc = e.eac - e.ac;
        e.vac = e.bac - e.eac;
        e.tcpi_eac = pmo_ratio_make (e.bac - e.ev, e.etc);
    } else
        e.tcpi_eac = s_undefined ();

    e.eac_atypical_defined = pmo_i64_add (e.ac, e.bac - e.ev, &e.eac_atypical) == PMO_OK;

    if (e.ev > 0 && e.ac > 0 && e.pv > 0) {
        /* (BAC-EV) / (CPI*SPI) = (BAC-EV) * AC * PV / EV^2. */
        int64_t rest;
        rc = s_muldiv192 ((s_u128_t) (e.bac - e.ev) * (uint64_t) e.ac, (uint64_t) e.pv,
                          (s_u128_t) e.ev * (uint64_t) e.ev, &rest);
        if (rc == PMO_OK)
            rc = pmo_i64_add (e.ac, rest, &e.eac_combined);
        e.eac_combined_defined = rc == PMO_OK;
    }

    rc = s_earned_schedule (in, as_of, &e);
    if (rc)
        return rc;
    *out = e;
    return PMO_OK;
}

int
pmo_evm_sums_add (pmo_evm_sums_t *s, const pmo_evm_t *e)
{
    if (!s || !e)
        return PMO_EINVAL;
    pmo_evm_sums_t t;
    if (pmo_i64_add (s->bac, e->bac, &t.bac) || pmo_i64_add (s->pv, e->pv, &t.pv)
        || pmo_i64_add (s->ev, e->ev, &t.ev) || pmo_i64_add (s->ac, e->ac, &t.ac))
        return PMO_EOVERFLOW;
    *s = t;
    return PMO_OK;
}

void
pmo_evm_sums_indices (const pmo_evm_sums_t *s, pmo_ratio_t *cpi, pmo_ratio_t *spi)
{
    if (cpi)
        *cpi = s ? pmo_ratio_make (s->ev, s->ac) : s_undefined ();
    if (spi)
        *spi = s ? pmo_ratio_make (s->ev, s->pv) : s_undefined ();
}
