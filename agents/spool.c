/*  spool: file lifecycle of the spool directory (see spool.h for the
 *  states) and the format-neutral record reader.
 *
 *  Owns every rename in the spool and every line of rejected/NAME.errors.
 *  Invariants: a file is claimed (renamed to .inflight/.NAME) before it is
 *  read, so what is read is exactly what left the spool: writers replace
 *  NAME by rename at any time, and a replacement stays in the spool for a
 *  later scan.  A claim is ingested in one outbox transaction, and only
 *  when the outbox has no record of that name; it becomes .inflight/NAME
 *  after that commit; its record is dropped only after it reached done/.
 *  A claim with no record was never committed and is read again.  So a
 *  crash at any point either repeats a rename or a read, never a send.
 *  Must never: delete a team's file, move a file to done/ that was not
 *  read, or drop a bad record without a line in the .errors file and a
 *  warning in the log.
 */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"
#include "source.h"

#define S_INFLIGHT ".inflight"
#define S_DONE "done"
#define S_REJECTED "rejected"
/*  name.1.jsonl .. name.999.jsonl when the plain name is taken. */
#define S_MAX_SUFFIX 999

struct spool {
    char *dir;                /* absolute */
    outbox_t *outbox;         /* borrowed */
};

//  --------------------------------------------------------------------------
//  Reader

spool_reader_t *
spool_reader_new (FILE *f, spool_format_t format)
{
    spool_reader_t *self = pmo_calloc (1, sizeof *self);
    self->file = f;
    self->format = format;
    /*  Skip a UTF-8 byte-order mark, which some editors write. */
    long pos = ftell (f);
    unsigned char bom[3];
    size_t n = fread (bom, 1, 3, f);
    if (!(n == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF))
        fseek (f, pos < 0 ? 0 : pos, SEEK_SET);
    return self;
}

void
spool_reader_destroy (spool_reader_t **self_p)
{
    spool_reader_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    spool_csv_free (self);
    free (self->text);
    free (self->line);
    free (self);
    *self_p = NULL;
}

int
spool_reader_next (spool_reader_t *self, record_t *rec, pmo_reason_t *why)
{
    pmo_reason_clear (why);
    if (self->format == SPOOL_CSV)
        return spool_csv_next (self, rec, why);
    return spool_jsonl_next (self, rec, why);
}

uint32_t
spool_reader_line (const spool_reader_t *self)
{
    return self->record_line;
}

const char *
spool_reader_text (const spool_reader_t *self, size_t *len)
{
    *len = self->text_len;
    return self->text ? self->text : "";
}

//  --------------------------------------------------------------------------
//  Paths and moves

static int
s_path (char *out, size_t n, const char *dir, const char *sub, const char *name)
{
    int len = sub ? snprintf (out, n, "%s/%s/%s", dir, sub, name)
                  : snprintf (out, n, "%s/%s", dir, name);
    return len < 0 || (size_t) len >= n ? ENAMETOOLONG : PMO_OK;
}

/*  .inflight/.NAME: a file taken out of the spool, maybe not yet queued. */
static int
s_claim_path (char *out, size_t n, const char *dir, const char *name)
{
    int len = snprintf (out, n, "%s/%s/.%s", dir, S_INFLIGHT, name);
    return len < 0 || (size_t) len >= n ? ENAMETOOLONG : PMO_OK;
}

/*  True when path is the file (dev, ino). */
static bool
s_is_same_file (const char *path, uint64_t dev, uint64_t ino)
{
    struct stat st;
    return lstat (path, &st) == 0 && (uint64_t) st.st_dev == dev && (uint64_t) st.st_ino == ino;
}

/*  rename that never replaces: EEXIST when to exists. */
static int
s_rename_new (const char *from, const char *to)
{
    if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return PMO_OK;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    /*  File system without RENAME_NOREPLACE: check, then rename. */
    struct stat st;
    if (lstat (to, &st) == 0)
        return EEXIST;
    return rename (from, to) == 0 ? PMO_OK : errno;
}

/*  Moves from into dir/sub/name, or name.N.ext when that is taken.  Writes
 *  the name used into used (size n). */
static int
s_move_unique (const char *from, const char *dir, const char *sub, const char *name, char *used,
               size_t n)
{
    char path[PATH_MAX];
    int rc = s_path (path, sizeof path, dir, sub, name);
    if (!rc)
        rc = s_rename_new (from, path);
    if (rc != EEXIST) {
        pmo_strlcpy (used, name, n);
        return rc;
    }
    const char *dot = strrchr (name, '.');
    int stem = dot && dot != name ? (int) (dot - name) : (int) strlen (name);
    const char *ext = dot && dot != name ? dot : "";
    for (int i = 1; i <= S_MAX_SUFFIX; i++) {
        char alt[NAME_MAX + 1];
        int len = snprintf (alt, sizeof alt, "%.*s.%d%s", stem, name, i, ext);
        if (len < 0 || (size_t) len >= sizeof alt)
            return ENAMETOOLONG;
        rc = s_path (path, sizeof path, dir, sub, alt);
        if (!rc)
            rc = s_rename_new (from, path);
        if (rc != EEXIST) {
            pmo_strlcpy (used, alt, n);
            return rc;
        }
    }
    return EEXIST;
}

static int
s_mkdir (const char *dir, const char *sub)
{
    char path[PATH_MAX];
    int rc = s_path (path, sizeof path, dir, NULL, sub);
    if (rc)
        return rc;
    if (mkdir (path, 0755) != 0 && errno != EEXIST)
        return errno;
    return PMO_OK;
}

//  --------------------------------------------------------------------------
//  The .errors file

/*  Writes one "line N: reason: text" line to fd in one write. */
static int
s_errors_write (int fd, uint32_t line, const char *reason, const char *text, size_t text_len)
{
    pmo_buf_t buf = {0};
    char head[320];
    int n = snprintf (head, sizeof head, "line %u: %s: ", line, reason);
    if (n < 0)
        return EINVAL;
    size_t head_len = (size_t) n < sizeof head ? (size_t) n : sizeof head - 1;
    pmo_buf_reserve (&buf, head_len + text_len * 2 + 2);
    memcpy (buf.data, head, head_len);
    size_t o = head_len;
    for (size_t i = 0; i < text_len; i++) {
        if (text[i] == '\n') {
            buf.data[o++] = '\\';
            buf.data[o++] = 'n';
        } else if (text[i] != '\r')
            buf.data[o++] = (uint8_t) text[i];
    }
    buf.data[o++] = '\n';
    int rc = PMO_OK;
    size_t done = 0;
    while (done < o) {
        ssize_t w = write (fd, buf.data + done, o - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = errno;
            break;
        }
        done += (size_t) w;
    }
    pmo_buf_free (&buf);
    return rc;
}

static int
s_errors_open (const char *dir, const char *name)
{
    char path[PATH_MAX];
    int len = snprintf (path, sizeof path, "%s/%s/%s.errors", dir, S_REJECTED, name);
    if (len < 0 || (size_t) len >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

int
spool_reject_append (const char *dir, const char *name, uint32_t line, const char *reason,
                     const char *text, size_t text_len)
{
    int fd = s_errors_open (dir, name);
    if (fd < 0)
        return errno;
    int rc = s_errors_write (fd, line, reason, text, text_len);
    if (close (fd) != 0 && !rc)
        rc = errno;
    return rc;
}

void
spool_reject_hook (void *arg, const outbox_file_t *file, uint32_t line, const char *reason,
                   const char *text, size_t text_len)
{
    PMO_UNUSED (arg);
    pmo_log_warn ("spool: %s:%u: pmod: %s", file->name, line, reason);
    int rc = spool_reject_append (file->dir, file->name, line, reason, text, text_len);
    if (rc)
        pmo_log_error ("spool: cannot write %s/%s/%s.errors: %s (line %u: %s)", file->dir,
                       S_REJECTED, file->name, pmo_strerror (rc), line, reason);
}

//  --------------------------------------------------------------------------
//  Open

/*  Warns about files in .inflight that the outbox does not know: left
 *  alone, since sending them again could book them twice. */
static void
s_check_orphans (spool_t *self)
{
    char path[PATH_MAX];
    if (s_path (path, sizeof path, self->dir, NULL, S_INFLIGHT))
        return;
    DIR *d = opendir (path);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir (d))) {
        if (de->d_name[0] == '.')
            continue;
        outbox_file_t f;
        if (outbox_file_find (self->outbox, self->dir, de->d_name, &f) == PMO_ENOTFOUND)
            pmo_log_warn ("spool: %s/%s/%s is not in the outbox of %s; left alone (move it back "
                          "into the spool to send it again)",
                          self->dir, S_INFLIGHT, de->d_name, outbox_dir (self->outbox));
    }
    closedir (d);
}

int
spool_open (const char *dir, outbox_t *outbox, spool_t **self_p, char *why, size_t why_len)
{
    *self_p = NULL;
    if (mkdir (dir, 0755) != 0 && errno != EEXIST) {
        int rc = errno;
        snprintf (why, why_len, "cannot create spool %s: %s", dir, strerror (rc));
        return rc;
    }
    char *abs = realpath (dir, NULL);
    if (!abs) {
        int rc = errno;
        snprintf (why, why_len, "spool %s: %s", dir, strerror (rc));
        return rc;
    }
    spool_t *self = pmo_calloc (1, sizeof *self);
    self->dir = abs;
    self->outbox = outbox;
    static const char *const subs[] = {S_INFLIGHT, S_DONE, S_REJECTED};
    for (size_t i = 0; i < PMO_ARRAY_LEN (subs); i++) {
        int rc = s_mkdir (self->dir, subs[i]);
        if (rc) {
            snprintf (why, why_len, "cannot create %s/%s: %s", self->dir, subs[i],
                      pmo_strerror (rc));
            spool_close (&self);
            return rc;
        }
    }
    outbox_set_reject_hook (outbox, spool_reject_hook, NULL);
    spool_complete (self, NULL);
    s_check_orphans (self);
    *self_p = self;
    return PMO_OK;
}

void
spool_close (spool_t **self_p)
{
    spool_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    free (self->dir);
    free (self);
    *self_p = NULL;
}

const char *
spool_dir (const spool_t *self)
{
    return self->dir;
}

//  --------------------------------------------------------------------------
//  Scan and ingest

static bool
s_ends_with (const char *s, const char *suffix)
{
    size_t n = strlen (s), k = strlen (suffix);
    return n > k && memcmp (s + n - k, suffix, k) == 0;
}

static int
s_cmp_names (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static spool_format_t
s_format (const char *name)
{
    return s_ends_with (name, ".csv") ? SPOOL_CSV : SPOOL_JSONL;
}

/*  Moves a claimed file whose header cannot be read to rejected/, with its
 *  reason. */
static void
s_reject_file (spool_t *self, const char *name, const char *claim, uint32_t line,
               const pmo_reason_t *why, const char *text, size_t text_len)
{
    char reason[sizeof why->text + 64];
    snprintf (reason, sizeof reason, "%s; no record of this file was sent", why->text);
    int rc = spool_reject_append (self->dir, name, line, reason, text, text_len);
    char used[NAME_MAX + 1] = "";
    if (!rc)
        rc = s_move_unique (claim, self->dir, S_REJECTED, name, used, sizeof used);
    if (rc)
        pmo_log_error ("spool: %s:%u: %s; and it cannot be moved to %s/: %s", name, line,
                       why->text, S_REJECTED, pmo_strerror (rc));
    else
        pmo_log_warn ("spool: %s:%u: %s; file moved to %s/%s", name, line, why->text, S_REJECTED,
                      used);
}

/*  Puts a claim back into the spool, under a numbered name when a newer
 *  file took its name meanwhile. */
static void
s_unclaim (spool_t *self, const char *name, const char *claim)
{
    char used[NAME_MAX + 1] = "";
    int rc = s_move_unique (claim, self->dir, NULL, name, used, sizeof used);
    if (rc)
        pmo_log_error ("spool: %s/.%s cannot be moved back into the spool: %s", S_INFLIGHT, name,
                       pmo_strerror (rc));
}

/*  Gives a queued claim its in-flight name; a failure is retried by the
 *  next scan, since the outbox knows the claim. */
static void
s_finish_claim (spool_t *self, const char *name, const char *claim)
{
    char to[PATH_MAX];
    int rc = s_path (to, sizeof to, self->dir, S_INFLIGHT, name);
    if (!rc)
        rc = s_rename_new (claim, to);
    if (rc)
        pmo_log_error ("spool: %s: queued, but cannot be moved to %s/: %s (will retry)", name,
                       S_INFLIGHT, pmo_strerror (rc));
}

/*  Reads every record of the claim of name into the outbox in one
 *  transaction, then gives the claim its in-flight name.  On an error the
 *  claim stays for the next scan.  The .errors lines written for this
 *  file are undone when the transaction is not committed, so a retry does
 *  not repeat them. */
static int
s_ingest (spool_t *self, const char *name, spool_format_t format)
{
    int rc;
    FILE *f = NULL;
    spool_reader_t *reader = NULL;
    outbox_ingest_t *in = NULL;
    record_t rec;
    record_init (&rec);
    int err_fd = -1;
    off_t err_start = 0;
    bool is_file_rejected = false;
    uint32_t file_id = 0, pending = 0;

    char claim[PATH_MAX];
    rc = s_claim_path (claim, sizeof claim, self->dir, name);
    if (rc)
        goto out;
    struct stat st;
    if (lstat (claim, &st) == 0 && !S_ISREG (st.st_mode)) {
        s_unclaim (self, name, claim);  /* swapped in just before the claim: not ours */
        goto out;
    }
    int fd = open (claim, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat (fd, &st) != 0) {
        rc = errno;
        if (fd >= 0)
            close (fd);
        goto out;
    }
    f = fdopen (fd, "r");
    if (!f) {
        rc = errno;
        close (fd);
        goto out;
    }
    reader = spool_reader_new (f, format);
    rc = outbox_ingest_begin (self->outbox, self->dir, name, (uint64_t) st.st_dev,
                              (uint64_t) st.st_ino, &in);
    if (rc)
        goto out;
    int32_t today = source_local_day (pmo_clock_now_ms () / 1000);  /* the team's calendar */
    for (;;) {
        pmo_reason_t why;
        pmo_reason_clear (&why);
        rc = spool_reader_next (reader, &rec, &why);
        if (rc == PMO_ENOTFOUND) {
            rc = PMO_OK;
            break;
        }
        uint32_t line = spool_reader_line (reader);
        size_t text_len;
        const char *text = spool_reader_text (reader, &text_len);
        if (rc == PMO_EPROTO) {
            outbox_ingest_abort (&in);
            s_reject_file (self, name, claim, line, &why, text, text_len);
            is_file_rejected = true;
            err_start = -1;
            rc = PMO_OK;
            break;
        }
        if (rc > 0)
            goto out;  /* read error: the claim stays for a later scan */
        record_request_t rr;
        if (rc == PMO_OK)
            rc = record_to_request (&rec, today, &rr, &why);
        if (rc == PMO_OK) {
            rc = outbox_ingest_add (in, &rr.req, line, text, text_len);
            if (rc)
                goto out;
            continue;
        }
        /*  A bad record: report it and go on with the rest. */
        pmo_log_warn ("spool: %s:%u: %s", name, line, why.text);
        if (err_fd < 0) {
            err_fd = s_errors_open (self->dir, name);
            if (err_fd < 0) {
                rc = errno;
                pmo_log_error ("spool: cannot open %s/%s/%s.errors: %s", self->dir, S_REJECTED,
                               name, pmo_strerror (rc));
                goto out;
            }
            err_start = lseek (err_fd, 0, SEEK_END);
        }
        rc = s_errors_write (err_fd, line, why.text, text, text_len);
        if (rc)
            goto out;
        outbox_ingest_reject (in);
    }
    if (is_file_rejected)
        goto out;
    rc = outbox_ingest_commit (&in, &file_id, &pending);
    if (rc)
        goto out;
    err_start = -1;  /* committed: the .errors lines stand */
    s_finish_claim (self, name, claim);
    pmo_log_info ("spool: %s: %u records queued (file %u)", name, pending, file_id);

out:
    if (err_fd >= 0) {
        if (err_start >= 0 && ftruncate (err_fd, err_start) != 0)
            pmo_log_error ("spool: cannot undo lines in %s.errors: %s", name, strerror (errno));
        close (err_fd);
    }
    outbox_ingest_abort (&in);
    record_clear (&rec);
    spool_reader_destroy (&reader);
    if (f)
        fclose (f);
    return rc;
}

/*  Handles one candidate file in the spool directory: claims it (a rename,
 *  so a file replaced meanwhile is simply the next one), then reads it. */
static int
s_take (spool_t *self, int dir_fd, const char *name, size_t *n_files)
{
    struct stat st;
    if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
        return PMO_OK;
    outbox_file_t known;
    int rc = outbox_file_find (self->outbox, self->dir, name, &known);
    if (rc == PMO_OK) {
        if (known.dev != (uint64_t) st.st_dev || known.ino != (uint64_t) st.st_ino) {
            pmo_log_debug ("spool: %s waits: a file of that name is still in progress", name);
            return PMO_OK;
        }
        /*  Ingested by a version that read before it moved, and a crash
         *  came before the rename: finish the rename. */
        char from[PATH_MAX], to[PATH_MAX];
        rc = s_path (from, sizeof from, self->dir, NULL, name);
        if (!rc)
            rc = s_path (to, sizeof to, self->dir, S_INFLIGHT, name);
        if (!rc)
            rc = s_rename_new (from, to);
        if (rc)
            pmo_log_error ("spool: %s: cannot be moved to %s/: %s", name, S_INFLIGHT,
                           pmo_strerror (rc));
        return PMO_OK;
    }
    if (rc != PMO_ENOTFOUND)
        return rc;
    char path[PATH_MAX], claim[PATH_MAX];
    struct stat ist;
    if (s_path (path, sizeof path, self->dir, S_INFLIGHT, name) == PMO_OK
        && lstat (path, &ist) == 0) {
        pmo_log_debug ("spool: %s waits: %s/%s exists", name, S_INFLIGHT, name);
        return PMO_OK;
    }
    rc = s_path (path, sizeof path, self->dir, NULL, name);
    if (!rc)
        rc = s_claim_path (claim, sizeof claim, self->dir, name);
    if (!rc)
        rc = s_rename_new (path, claim);
    if (rc == ENOENT && fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return PMO_OK;  /* gone meanwhile */
    if (rc == EEXIST) {
        pmo_log_debug ("spool: %s waits: %s/.%s exists", name, S_INFLIGHT, name);
        return PMO_OK;
    }
    if (rc)
        return rc;
    rc = s_ingest (self, name, s_format (name));
    if (rc == PMO_OK)
        (*n_files)++;
    return rc;
}

/*  Handles a claim that an earlier scan could not finish (a full outbox, a
 *  read error) or that a crash interrupted: queued already, it only needs
 *  its in-flight name; else it is read. */
static int
s_resume_claim (spool_t *self, const char *name, size_t *n_files)
{
    char claim[PATH_MAX];
    int rc = s_claim_path (claim, sizeof claim, self->dir, name);
    if (rc)
        return rc;
    outbox_file_t known;
    rc = outbox_file_find (self->outbox, self->dir, name, &known);
    if (rc == PMO_OK) {
        if (s_is_same_file (claim, known.dev, known.ino))
            s_finish_claim (self, name, claim);
        else
            pmo_log_debug ("spool: %s/.%s waits: a file of that name is still in progress",
                           S_INFLIGHT, name);
        return PMO_OK;
    }
    if (rc != PMO_ENOTFOUND)
        return rc;
    rc = s_ingest (self, name, s_format (name));
    if (rc == PMO_OK)
        (*n_files)++;
    return rc;
}

static bool
s_is_spool_name (const char *name)
{
    return name[0] != '.' && (s_ends_with (name, ".jsonl") || s_ends_with (name, ".csv"));
}

/*  The spool names in d, sorted; with are_claims, those of the claims
 *  (".NAME") without their dot. */
static char **
s_list (DIR *d, bool are_claims, size_t *n_p)
{
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir (d))) {
        const char *name = are_claims ? de->d_name + 1 : de->d_name;
        if ((are_claims && de->d_name[0] != '.') || !s_is_spool_name (name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = pmo_realloc (names, cap * sizeof *names);
        }
        names[n++] = pmo_strdup (name);
    }
    if (n)
        qsort (names, n, sizeof *names, s_cmp_names);
    *n_p = n;
    return names;
}

/*  Takes every spool file (or claim) in path, in name order, until the
 *  outbox is full.  Returns the first error. */
static int
s_take_dir (spool_t *self, const char *path, bool are_claims, size_t *n_files)
{
    DIR *d = opendir (path);
    if (!d)
        return errno;
    size_t n;
    char **names = s_list (d, are_claims, &n);
    int rc = PMO_OK;
    for (size_t i = 0; i < n && rc != PMO_EFULL; i++) {
        int one = are_claims ? s_resume_claim (self, names[i], n_files)
                             : s_take (self, dirfd (d), names[i], n_files);
        if (one == PMO_EFULL)
            pmo_log_error ("spool: %s waits: the outbox in %s is full", names[i],
                           outbox_dir (self->outbox));
        else if (one)
            pmo_log_error ("spool: %s: %s (will retry)", names[i], pmo_strerror (one));
        if (one && !rc)
            rc = one;
    }
    for (size_t i = 0; i < n; i++)
        free (names[i]);
    free (names);
    closedir (d);
    return rc;
}

int
spool_scan (spool_t *self, size_t *n_files)
{
    *n_files = 0;
    /*  Claims first: a spool file of the same name waits for them. */
    char inflight[PATH_MAX];
    int rc = s_path (inflight, sizeof inflight, self->dir, NULL, S_INFLIGHT);
    if (!rc)
        rc = s_take_dir (self, inflight, true, n_files);
    if (rc == PMO_EFULL)
        return rc;
    int more = s_take_dir (self, self->dir, false, n_files);
    return rc ? rc : more;
}

//  --------------------------------------------------------------------------
//  Completion

typedef struct {
    const char *dir;
    uint32_t *ids;
    char **names;
    uint64_t *devs, *inos;
    uint32_t *total, *rejected;
    size_t n, cap;
    size_t n_pending;
} s_done_list_t;

static bool
s_collect_done (void *arg, const outbox_file_t *f)
{
    s_done_list_t *l = arg;
    if (!streq (f->dir, l->dir))
        return true;
    if (f->pending) {
        l->n_pending++;
        return true;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->ids = pmo_realloc (l->ids, l->cap * sizeof *l->ids);
        l->names = pmo_realloc (l->names, l->cap * sizeof *l->names);
        l->devs = pmo_realloc (l->devs, l->cap * sizeof *l->devs);
        l->inos = pmo_realloc (l->inos, l->cap * sizeof *l->inos);
        l->total = pmo_realloc (l->total, l->cap * sizeof *l->total);
        l->rejected = pmo_realloc (l->rejected, l->cap * sizeof *l->rejected);
    }
    l->ids[l->n] = f->id;
    l->names[l->n] = pmo_strdup (f->name);
    l->devs[l->n] = f->dev;
    l->inos[l->n] = f->ino;
    l->total[l->n] = f->total;
    l->rejected[l->n] = f->rejected;
    l->n++;
    return true;
}

/*  Finds the file a finished record was read from: .inflight/NAME; its
 *  claim (a crash before the in-flight rename); NAME in the spool (a crash
 *  before the rename, in versions that read before they moved); or nowhere
 *  (moved to done/ before a crash).  Only the inode that was read counts:
 *  another file under those names was never read and must not reach done/.
 *  Sets path to "" when there is none. */
static int
s_find_read_file (spool_t *self, const char *name, uint64_t dev, uint64_t ino, char *path,
                  size_t n)
{
    int rc = s_path (path, n, self->dir, S_INFLIGHT, name);
    if (rc || s_is_same_file (path, dev, ino))
        return rc;
    struct stat st;
    if (lstat (path, &st) == 0)
        pmo_log_warn ("spool: %s is not the file that was read for %s; left alone (move it "
                      "back into the spool to send it)",
                      path, name);
    rc = s_claim_path (path, n, self->dir, name);
    if (rc || s_is_same_file (path, dev, ino))
        return rc;
    rc = s_path (path, n, self->dir, NULL, name);
    if (rc || s_is_same_file (path, dev, ino))
        return rc;
    path[0] = '\0';
    return PMO_OK;
}

int
spool_complete (spool_t *self, size_t *n_pending)
{
    s_done_list_t l = {.dir = self->dir};
    int rc = outbox_files (self->outbox, s_collect_done, &l);
    for (size_t i = 0; !rc && i < l.n; i++) {
        const char *name = l.names[i];
        char from[PATH_MAX], used[NAME_MAX + 1] = "";
        int mv = s_find_read_file (self, name, l.devs[i], l.inos[i], from, sizeof from);
        if (!mv && from[0])
            mv = s_move_unique (from, self->dir, S_DONE, name, used, sizeof used);
        if (mv) {
            pmo_log_error ("spool: %s: cannot be moved to %s/: %s (will retry)", name, S_DONE,
                           pmo_strerror (mv));
            l.n_pending++;
            continue;
        }
        rc = outbox_file_drop (self->outbox, l.ids[i]);
        if (rc == PMO_ENOTFOUND)
            rc = PMO_OK;
        if (l.rejected[i])
            pmo_log_warn ("spool: %s done: %u records accepted, %u rejected (see %s/%s.errors)",
                          name, l.total[i] - l.rejected[i], l.rejected[i],
                          S_REJECTED, name);
        else
            pmo_log_info ("spool: %s done: %u records accepted", name, l.total[i]);
    }
    for (size_t i = 0; i < l.n; i++)
        free (l.names[i]);
    free (l.names);
    free (l.ids);
    free (l.devs);
    free (l.inos);
    free (l.total);
    free (l.rejected);
    if (n_pending)
        *n_pending = l.n_pending;
    return rc;
}
