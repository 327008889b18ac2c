/*  state: the state file of pmo-notify (format and durability rules in
 *  state.h).  It owns the file and a handle on its directory, kept open so
 *  that each save costs no extra open() for the directory fsync.
 *
 *  The seq saved means: every matching event with seq <= last_seq has been
 *  handed on (notify.c saves just before handing an event on; notify.h says
 *  what that guarantees). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pmo/pmo_error.h"

struct state {
    char *path;     //  the state file
    char *tmp_path; //  path + ".tmp", written then renamed over path
    int dir_fd;     //  the directory holding both, fsynced after rename
};

//  --------------------------------------------------------------------------
//  Parses the text of a state file.  Returns PMO_OK with *has_seq_p set when
//  a last_seq line is present, or PMO_ECORRUPT with *why_p.

static int
s_parse (char *text, bool *has_seq_p, uint64_t *last_seq_p, const char **why_p)
{
    bool has_seq = false;
    uint64_t last = 0;
    char *save = NULL;
    for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        size_t len = strlen (line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *eq = strchr (line, '=');
        if (!eq) {
            *why_p = "a line is not key=value";
            return PMO_ECORRUPT;
        }
        *eq = '\0';
        const char *value = eq + 1;
        if (!streq (line, "last_seq"))
            continue;
        if (*value < '0' || *value > '9') {
            *why_p = "last_seq is not a number";
            return PMO_ECORRUPT;
        }
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull (value, &end, 10);
        if (errno || *end != '\0') {
            *why_p = "last_seq is not a number";
            return PMO_ECORRUPT;
        }
        last = (uint64_t) v;
        has_seq = true;
    }
    if (!has_seq) {
        *why_p = "no last_seq line";
        return PMO_ECORRUPT;
    }
    *has_seq_p = true;
    *last_seq_p = last;
    return PMO_OK;
}

//  --------------------------------------------------------------------------
//  Reads the whole file (a state file is a few bytes; anything over 4 KiB is
//  not one).  Returns PMO_OK, ENOENT, PMO_ECORRUPT or an errno.

static int
s_read (const char *path, bool *has_seq_p, uint64_t *last_seq_p, const char **why_p)
{
    char text[4097];
    size_t len = 0;
    int rc = PMO_OK;
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    for (;;) {
        ssize_t n = read (fd, text + len, sizeof text - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = errno;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t) n;
        if (len == sizeof text - 1) {
            *why_p = "too large for a state file";
            rc = PMO_ECORRUPT;
            goto out;
        }
    }
    text[len] = '\0';
    if (memchr (text, '\0', len)) {
        *why_p = "binary content";
        rc = PMO_ECORRUPT;
        goto out;
    }
    rc = s_parse (text, has_seq_p, last_seq_p, why_p);
out:
    close (fd);
    return rc;
}

int
state_open (const char *path, state_t **state_p, bool *has_seq_p, uint64_t *last_seq_p,
            const char **why_p)
{
    *state_p = NULL;
    *has_seq_p = false;
    *why_p = "";
    state_t *self = pmo_calloc (1, sizeof *self);
    self->dir_fd = -1;
    self->path = pmo_strdup (path);
    size_t n = strlen (path) + 5;
    self->tmp_path = pmo_malloc (n);
    snprintf (self->tmp_path, n, "%s.tmp", path);

    char *copy = pmo_strdup (path);
    self->dir_fd = open (dirname (copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = self->dir_fd < 0 ? errno : PMO_OK;
    free (copy);
    if (rc)
        goto out;

    rc = s_read (path, has_seq_p, last_seq_p, why_p);
    if (rc == ENOENT)
        rc = PMO_OK;  /* first run: no file yet */
out:
    if (rc)
        state_close (&self);
    *state_p = self;
    return rc;
}

static int
s_write_all (int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write (fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        data += n;
        len -= (size_t) n;
    }
    return PMO_OK;
}

int
state_save (state_t *self, uint64_t last_seq, const char **step_p)
{
    char text[96];
    int len = snprintf (text, sizeof text,
                        "# pmo-notify state: events up to this seq are handled\nlast_seq=%llu\n",
                        (unsigned long long) last_seq);
    int rc = PMO_OK;
    *step_p = "open";
    int fd = open (self->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    *step_p = "write";
    rc = s_write_all (fd, text, (size_t) len);
    if (rc)
        goto out;
    /*  fsync before rename: otherwise a power cut can leave the renamed file
     *  empty (the rename reached the disk, the data did not). */
    *step_p = "fsync";
    if (fsync (fd) != 0) {
        rc = errno;
        goto out;
    }
out:
    if (close (fd) != 0 && rc == PMO_OK) {
        *step_p = "close";
        rc = errno;
    }
    if (rc) {
        unlink (self->tmp_path);
        return rc;
    }
    *step_p = "rename";
    if (rename (self->tmp_path, self->path) != 0) {
        rc = errno;
        unlink (self->tmp_path);
        return rc;
    }
    /*  The rename itself is durable only once the directory is synced. */
    *step_p = "fsync directory";
    if (fsync (self->dir_fd) != 0)
        return errno;
    return PMO_OK;
}

const char *
state_path (const state_t *self)
{
    return self->path;
}

void
state_close (state_t **self_p)
{
    state_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    if (self->dir_fd >= 0)
        close (self->dir_fd);
    free (self->path);
    free (self->tmp_path);
    free (self);
    *self_p = NULL;
}
