/*  pmo_evm: earned value for one project as of a date, and roll-ups.
 *
 *  Money is int64 minor units; every index is an exact rational num/den with
 *  a defined flag, because a zero denominator (no cost booked, nothing
 *  planned) means "undefined", never 0 or infinity.  Nothing here uses
 *  floating point.  Formulas are PMBOK's (see DOMAIN.md); earned schedule is
 *  Lipke's, with one day as the period.
 */
#ifndef PMO_EVM_H
#define PMO_EVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  value = num / den.  When defined, den > 0 and gcd (|num|, den) == 1
 *  (zero is 0/1).  When !defined, num and den are 0. */
typedef struct {
    int64_t num;
    int64_t den;
    bool defined;
} pmo_ratio_t;

/*  due: days since epoch (pmo_date). */
typedef struct {
    int32_t due;
    uint32_t weight;
} pmo_evm_milestone_t;

typedef enum { PMO_PV_LINEAR, PMO_PV_MILESTONES } pmo_pv_method_t;

/*  Borrowed view of one project's figures; milestones stays owned by the
 *  caller and is read only during the call. */
typedef struct {
    int32_t start, finish;      /* baseline, days since epoch, inclusive */
    int64_t bac_minor;
    int32_t percent_bp;         /* percent complete as of the date, 0..10000 */
    int64_t ac_minor;           /* actual cost as of the date */
    const pmo_evm_milestone_t *milestones;
    size_t n_milestones;
} pmo_evm_input_t;

typedef struct {
    pmo_pv_method_t method;
    int64_t bac, pv, ev, ac, cv, sv;    /* minor units */
    pmo_ratio_t cpi, spi, tcpi;         /* tcpi = (BAC-EV)/(BAC-AC) */
    /* eac: undefined when EV or AC is 0 (CPI 0 or undefined); combined:
       undefined when EV, AC or PV is 0; each of the three also when it
       does not fit int64. */
    bool eac_defined, eac_atypical_defined, eac_combined_defined;
    int64_t eac, eac_atypical, eac_combined;  /* BAC/CPI; AC+(BAC-EV); AC+(BAC-EV)/(CPI*SPI) */
    int64_t etc, vac;                   /* from eac (typical), valid when eac_defined */
    pmo_ratio_t tcpi_eac;               /* (BAC-EV)/(EAC-AC); undefined with EAC */
    pmo_ratio_t es_days;                /* earned schedule, days since start; undefined when BAC 0 */
    int32_t at_days;                    /* actual time: days elapsed since start */
    pmo_ratio_t sv_t_days;              /* ES - AT */
    pmo_ratio_t spi_t;                  /* ES / AT, undefined when AT == 0 */
} pmo_evm_t;

/*  Sums for a roll-up (programme, portfolio): indices come from the sums,
 *  never from an average of project indices. */
typedef struct {
    int64_t bac, pv, ev, ac;
} pmo_evm_sums_t;

/*  Returns the ratio num/den reduced by gcd with the sign moved to num, or
 *  an undefined ratio when den is 0 or when the normalised ratio does not fit
 *  int64 (only possible with an INT64_MIN operand, e.g. 1/INT64_MIN). */
pmo_ratio_t pmo_ratio_make (int64_t num, int64_t den);

/*  Writes r with exactly decimals (0..6) fraction digits, rounded half away
 *  from zero ("0.889", "-1.50", "2"), or "undefined" when !r.defined.  A value
 *  that rounds to zero prints without a sign.  Returns PMO_OK, PMO_EINVAL
 *  (buf NULL or decimals outside 0..6) or PMO_ETOOBIG (buf of size n too
 *  small; buf is then cleared when n > 0).  32 bytes always suffice. */
int pmo_ratio_format (pmo_ratio_t r, int decimals, char *buf, size_t n);

/*  Compares a with num/den exactly: returns < 0, 0 or > 0 as a is below,
 *  equal to or above it.  The caller must check a.defined first: an
 *  undefined a, or den == 0, returns 0.  den may be negative. */
int pmo_ratio_cmp (pmo_ratio_t a, int64_t num, int64_t den);

/*  Returns PMO_PV_MILESTONES when in has milestones whose weights sum to more
 *  than 0, else PMO_PV_LINEAR. */
pmo_pv_method_t pmo_evm_method (const pmo_evm_input_t *in);

/*  Returns the planned value at the end of day (days since epoch).
 *  Linear: 0 before start, BAC from finish on, else
 *  round (BAC * (day - start + 1) / (finish - start + 1)).  Milestones:
 *  round (BAC * weight due on or before day / total weight), whatever the
 *  baseline dates.  Never overflows for a valid input (the result lies
 *  between 0 and BAC); in must pass pmo_evm_compute's checks. */
int64_t pmo_evm_pv (const pmo_evm_input_t *in, int32_t day);

/*  Fills *out with every figure of in as of day as_of.  Returns PMO_OK,
 *  PMO_EINVAL (NULL argument, finish < start, BAC < 0, AC < 0, percent
 *  outside 0..10000, milestones NULL with n_milestones > 0, more than
 *  UINT32_MAX milestones) or PMO_EOVERFLOW (a figure other than an EAC does
 *  not fit int64; intermediate products are exact in 128 bits or more, so
 *  this means the result itself is too big).  An EAC that does not fit is
 *  left undefined instead.  *out is written only on PMO_OK. */
int pmo_evm_compute (const pmo_evm_input_t *in, int32_t as_of, pmo_evm_t *out);

/*  Adds e's BAC, PV, EV and AC to *s.  Returns PMO_OK, PMO_EINVAL (s or e
 *  NULL) or PMO_EOVERFLOW; *s is untouched on error. */
int pmo_evm_sums_add (pmo_evm_sums_t *s, const pmo_evm_t *e);

/*  Sets *cpi = EV/AC and *spi = EV/PV of the sums (undefined on a zero
 *  denominator).  Either output may be NULL. */
void pmo_evm_sums_indices (const pmo_evm_sums_t *s, pmo_ratio_t *cpi, pmo_ratio_t *spi);

#endif
