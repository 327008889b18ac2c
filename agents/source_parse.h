/*  source_parse: the pure parts of the Taskwarrior and Timewarrior sources
 *  (JSON export -> items, intervals split at local midnight, progress in
 *  basis points), apart from any store or process so tests/agent can check
 *  them on fixed inputs.
 */
#ifndef PMO_AGENT_SOURCE_PARSE_H
#define PMO_AGENT_SOURCE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  --------------------------------------------------------------------------
//  Timewarrior

typedef struct {
    int64_t start;            /* seconds since the epoch */
    int64_t end;              /* -1 while the interval is open */
    char start_text[17];      /* as exported: 20261120T090000Z */
    char **tags;
    size_t n_tags;
} timew_interval_t;

/*  Parses `timew export` (a JSON array of intervals).  On PMO_OK *items_p
 *  holds *n_p intervals (free with timew_intervals_free).  Returns
 *  PMO_EINVAL with why ("interval 3: end: \"x\" is not ...") otherwise. */
int timew_parse (const char *json, size_t len, timew_interval_t **items_p, size_t *n_p, char *why,
                 size_t why_len);
void timew_intervals_free (timew_interval_t *items, size_t n);

/*  One local day's share of an interval. */
typedef struct {
    int32_t day;              /* local calendar day, days since the epoch */
    int32_t minutes;          /* seconds on that day / 60, rounded half up */
} timew_part_t;

/*  Splits [start, end) at each local midnight (TZ).  Writes at most max
 *  parts and returns how many there are (may exceed max: the caller then
 *  refuses the interval). */
size_t timew_split (int64_t start, int64_t end, timew_part_t *parts, size_t max);

//  --------------------------------------------------------------------------
//  Taskwarrior

typedef struct {
    char *status;             /* pending, completed, deleted, waiting, recurring */
    char *project;            /* NULL when none */
    char *uuid;
    int64_t end;              /* -1 when absent */
    int64_t weight;           /* the weight attribute x 10^4; -1 when absent */
    char **tags;
    size_t n_tags;
} task_item_t;

/*  Parses `task export` (a JSON array of tasks).  weight_attr (may be NULL)
 *  names the numeric attribute read into weight (a JSON number or numeric
 *  text; anything else is an error).  Returns PMO_OK or PMO_EINVAL with
 *  why. */
int task_parse (const char *json, size_t len, const char *weight_attr, task_item_t **items_p,
                size_t *n_p, char *why, size_t why_len);
void task_items_free (task_item_t *items, size_t n);

/*  Percent complete in basis points, rounded down (100 % only when all is done): done / total, both
 *  x 10^4 weights.  -1 when total is 0 (nothing to measure). */
int32_t task_progress_bp (int64_t done, int64_t total);

#endif
