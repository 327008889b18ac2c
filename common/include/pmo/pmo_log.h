/*  pmo_log: leveled logging to stderr, one line per fact.
 *  The macros test the level before formatting, so a filtered-out debug line
 *  costs a compare. */
#ifndef PMO_LOG_H
#define PMO_LOG_H

#include "pmo/pmo_prelude.h"

typedef enum {
    PMO_LOG_ERROR = 0,
    PMO_LOG_WARN = 1,
    PMO_LOG_INFO = 2,
    PMO_LOG_DEBUG = 3
} pmo_log_level_t;

/*  Sets the program name shown on each line and the level.  The level comes
 *  from PMO_LOG when set and valid, else `level`. */
void pmo_log_init (const char *ident, pmo_log_level_t level);
/*  Returns the level named by s ("error", "warn", "info", "debug") or -1. */
int pmo_log_level_parse (const char *s);
void pmo_log_set_level (pmo_log_level_t level);
bool pmo_log_enabled (pmo_log_level_t level);
void pmo_log_write (pmo_log_level_t level, const char *fmt, ...) PMO_PRINTF (2, 3);

#define pmo_log_error(...) do { if (pmo_log_enabled (PMO_LOG_ERROR)) pmo_log_write (PMO_LOG_ERROR, __VA_ARGS__); } while (0)
#define pmo_log_warn(...)  do { if (pmo_log_enabled (PMO_LOG_WARN))  pmo_log_write (PMO_LOG_WARN, __VA_ARGS__); } while (0)
#define pmo_log_info(...)  do { if (pmo_log_enabled (PMO_LOG_INFO))  pmo_log_write (PMO_LOG_INFO, __VA_ARGS__); } while (0)
#define pmo_log_debug(...) do { if (pmo_log_enabled (PMO_LOG_DEBUG)) pmo_log_write (PMO_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
