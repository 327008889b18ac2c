/*  state: pmo-notify's state file, the seq of the last event handled.
 *
 *  Format (text, one "key=value" per line, '#' starts a comment line):
 *      # pmo-notify state: events up to this seq are handled
 *      last_seq=123
 *  Unknown keys are ignored when reading (and dropped on the next write).
 *
 *  Every save replaces the file atomically: write FILE.tmp, fsync it, rename
 *  it over FILE, fsync the directory.  After a crash the file holds either
 *  the old or the new seq, never a torn one. */
#ifndef PMO_NOTIFY_STATE_H
#define PMO_NOTIFY_STATE_H

#include "pmo/pmo_prelude.h"

typedef struct state state_t;

/*  Opens the state file at path and reads it.  A missing file is not an
 *  error: *has_seq_p is false then.  Otherwise *has_seq_p is true and
 *  *last_seq_p is the saved seq.  Returns PMO_OK, PMO_ECORRUPT (the file
 *  exists but is not a state file; *why_p says what is wrong, static text)
 *  or an errno (the file or its directory cannot be opened).  On PMO_OK the
 *  caller owns *state_p (free with state_close); on failure it is NULL. */
int state_open (const char *path, state_t **state_p, bool *has_seq_p, uint64_t *last_seq_p,
                const char **why_p);

/*  Replaces the file with last_seq, atomically and durably (see above).
 *  Returns PMO_OK or an errno; *step_p names the step that failed
 *  ("write", "fsync", "rename"...). */
int state_save (state_t *self, uint64_t last_seq, const char **step_p);

/*  The path given to state_open; borrowed, valid until state_close. */
const char *state_path (const state_t *self);

/*  Closes the directory handle and frees self.  Accepts NULL; clears *self_p. */
void state_close (state_t **self_p);

#endif
