/*  pmo_health: a project's red/amber/green colour from a PMO policy, with
 *  the reason in words.
 *
 *  Thresholds are policy, set by the PMO; the code only compares exactly.
 *  Every rule that fires contributes, the worst colour wins, and the reason
 *  names every fired rule, so a report can say why a project is red.
 */
#ifndef PMO_HEALTH_H
#define PMO_HEALTH_H

#include <stdint.h>

#include "pmo/pmo_evm.h"

typedef enum { PMO_RAG_GREEN = 0, PMO_RAG_AMBER = 1, PMO_RAG_RED = 2 } pmo_rag_t;

/*  Index thresholds are basis points of the index (9500 = 0.95) and fire
 *  when the index is strictly below them.  Overspend thresholds are basis
 *  points of budget (1000 = 10 percentage points) and fire when spent share
 *  minus percent complete is strictly above them.  Milestone thresholds fire
 *  when the count of missed milestones reaches them.  Red is never looser
 *  than amber: red index <= amber index, red overspend >= amber overspend,
 *  missed_red >= missed_amber.  When red equals amber, the rule is red-only. */
typedef struct {
    int32_t cpi_amber_bp, cpi_red_bp;             /* default 9500, 8500 */
    int32_t spi_amber_bp, spi_red_bp;             /* default 9500, 8500; SPI(t) when defined, else SPI */
    int32_t overspend_amber_bp, overspend_red_bp; /* default 1000, 2500 */
    int32_t missed_amber, missed_red;             /* default 1, 1: one missed milestone is red */
} pmo_health_policy_t;

/*  reason: "<colour>: <rule>; <rule>..." or "green: on track". */
typedef struct {
    pmo_rag_t rag;
    char reason[240];
} pmo_health_t;

/*  Fills *p with the defaults above. */
void pmo_health_policy_default (pmo_health_policy_t *p);

/*  Evaluates e against p and writes the colour and reason into *out.  Rules,
 *  in the order the reason lists them:
 *      "CPI 0.812 below 0.85"                       (CPI under a threshold)
 *      "SPI(t) 0.800 below 0.95" or "SPI 0.800 ..."  (SPI(t) when defined, else SPI)
 *      "spent 62% of budget at 40% complete"        (AC/BAC - EV/BAC over a threshold)
 *      "1 milestone missed" / "2 milestones missed"
 *  Each index rule quotes the threshold it crossed (red's when it is red).
 *  Undefined indices, and the overspend rule when BAC is 0, never fire and
 *  are not mentioned.  Percent complete is EV/BAC.  e may be NULL (only the
 *  milestone rule applies); p and out must not be NULL. */
void pmo_health_eval (const pmo_health_policy_t *p, const pmo_evm_t *e, int32_t missed_milestones,
                      pmo_health_t *out);

/*  Returns "green", "amber" or "red" (static), or "unknown" for any other
 *  value. */
const char *pmo_rag_name (pmo_rag_t rag);

/*  Returns the pmo_rag_t for "green", "amber" or "red" (ASCII case
 *  ignored), or -1 when name is NULL or unknown. */
int pmo_rag_parse (const char *name);

/*  Sets one policy key from text, for the operator's `policy set KEY VALUE`:
 *  "cpi_amber", "cpi_red", "spi_amber", "spi_red" take an index 0..10 with
 *  at most 4 decimals ("0.95"); "overspend_amber", "overspend_red" take
 *  percentage points 0..1000 with at most 2 decimals ("10", "12.5");
 *  "missed_amber", "missed_red" take a whole count >= 1.  Returns PMO_OK,
 *  PMO_ENOTFOUND (unknown key), or PMO_EINVAL (NULL argument, bad value, or
 *  a red threshold looser than its amber one); *p is untouched on error.
 *  To tighten both thresholds of a rule, set them in the order that keeps
 *  red no looser than amber at each step. */
int pmo_health_policy_set (pmo_health_policy_t *p, const char *key, const char *value);

#endif
