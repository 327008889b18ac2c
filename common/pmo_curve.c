/*  pmo_curve: key files and CURVE client sockets (see pmo_curve.h).
 *
 *  Must never: load a secret key from a file others may read (a key that
 *  leaked is no longer a credential), or overwrite an existing key file.
 */
#include "pmo/pmo_curve.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "pmo/pmo_error.h"

bool
pmo_key_z85_valid (const char *s)
{
    uint8_t raw[32];
    return s && strlen (s) == PMO_KEY_Z85_LEN && zmq_z85_decode (raw, s) != NULL;
}

int
pmo_key_decode (const char *z85, uint8_t raw[32])
{
    if (!pmo_key_z85_valid (z85))
        return PMO_EINVAL;
    zmq_z85_decode (raw, z85);
    return PMO_OK;
}

void
pmo_key_encode (const uint8_t raw[32], char out[PMO_KEY_Z85_LEN + 1])
{
    zmq_z85_encode (out, raw, 32);
}

void
pmo_key_fingerprint (const uint8_t raw[32], char out[PMO_KEY_FP_LEN + 1])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (h, raw, 32);
    for (int i = 0; i < PMO_KEY_FP_LEN / 2; i++)
        snprintf (out + 2 * i, 3, "%02x", h[i]);
}

/*  Writes text to a new file with mode, synced, that appears whole: it is
 *  written under a temporary name and linked into place (link refuses an
 *  existing path), so a reader never sees half a key. */
static int
s_write_new (const char *path, const char *text, mode_t mode)
{
    char tmp[4300];
    snprintf (tmp, sizeof tmp, "%s.tmp.%ld", path, (long) getpid ());
    int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return errno;
    size_t len = strlen (text);
    int rc = write (fd, text, len) == (ssize_t) len ? PMO_OK : (errno ? errno : EIO);
    if (!rc && fsync (fd) != 0)
        rc = errno;
    if (close (fd) != 0 && !rc)
        rc = errno;
    if (!rc && link (tmp, path) != 0)
        rc = errno;
    unlink (tmp);
    return rc;
}

int
pmo_key_generate (const char *path, pmo_keypair_t *out, char *why, size_t why_len)
{
    pmo_keypair_t kp;
    char pub_path[4200];
    if (snprintf (pub_path, sizeof pub_path, "%s.pub", path) >= (int) sizeof pub_path) {
        pmo_why (why, why_len, "%s: path too long", path);
        return PMO_EINVAL;
    }
    if (access (path, F_OK) == 0 || access (pub_path, F_OK) == 0) {
        pmo_why (why, why_len, "%s: a key file exists already; remove %s and %s first to replace the key",
               path, path, pub_path);
        return PMO_EEXIST;
    }
    if (zmq_curve_keypair (kp.public_z85, kp.secret_z85) != 0) {
        pmo_why (why, why_len, "cannot make a CURVE keypair: %s (is libzmq built with CURVE?)",
               zmq_strerror (errno));
        return PMO_EINTERNAL;
    }
    char line[PMO_KEY_Z85_LEN + 2];
    snprintf (line, sizeof line, "%s\n", kp.secret_z85);
    int rc = s_write_new (path, line, 0600);
    if (rc) {
        pmo_why (why, why_len, "%s: %s", path, pmo_strerror (rc));
        return rc;
    }
    snprintf (line, sizeof line, "%s\n", kp.public_z85);
    rc = s_write_new (pub_path, line, 0644);
    if (rc) {
        pmo_why (why, why_len, "%s: %s", pub_path, pmo_strerror (rc));
        unlink (path);  /* half a keypair is no use to anyone */
        return rc;
    }
    if (out)
        *out = kp;
    sodium_memzero (&kp, sizeof kp);
    return PMO_OK;
}

/*  Reads the one Z85 key in path: the first line that is not blank or a
 *  '#' comment, with surrounding blanks removed. */
static int
s_read_key (const char *path, char z85[PMO_KEY_Z85_LEN + 1], const char *what, bool must_be_private, char *why,
            size_t why_len)
{
    FILE *f = fopen (path, "re");
    if (!f) {
        int rc = errno;
        pmo_why (why, why_len, "%s key file %s: %s", what, path, strerror (rc));
        return rc;
    }
    /*  The mode of the file opened, not of whatever the path names later. */
    struct stat st;
    if (must_be_private && fstat (fileno (f), &st) != 0) {
        int rc = errno;
        pmo_why (why, why_len, "%s key file %s: %s", what, path, strerror (rc));
        fclose (f);
        return rc;
    }
    if (must_be_private && (st.st_mode & 077)) {
        pmo_why (why, why_len, "%s key file %s is accessible by group or others (mode %04o); run: chmod 600 %s", what,
                 path, (unsigned) (st.st_mode & 07777), path);
        fclose (f);
        return PMO_EDENIED;
    }
    char line[256];
    int rc = PMO_EINVAL;
    while (fgets (line, sizeof line, f)) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strlen (p);
        while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
            p[--n] = '\0';
        if (n == 0 || p[0] == '#')
            continue;
        if (pmo_key_z85_valid (p)) {
            memcpy (z85, p, PMO_KEY_Z85_LEN + 1);
            rc = PMO_OK;
        }
        break;
    }
    fclose (f);
    sodium_memzero (line, sizeof line);
    if (rc)
        pmo_why (why, why_len, "%s key file %s: no key (want one line of 40 Z85 characters, as pmoctl keygen writes)",
               what, path);
    return rc;
}

int
pmo_key_load_secret (const char *path, pmo_keypair_t *out, char *why, size_t why_len)
{
    int rc = s_read_key (path, out->secret_z85, "secret", true, why, why_len);
    if (rc)
        return rc;
    if (zmq_curve_public (out->public_z85, out->secret_z85) != 0) {
        pmo_why (why, why_len, "secret key file %s: cannot derive its public key: %s", path,
               zmq_strerror (errno));
        return PMO_EINVAL;
    }
    return PMO_OK;
}

int
pmo_key_load_public (const char *path, char z85[PMO_KEY_Z85_LEN + 1], char *why, size_t why_len)
{
    int rc = s_read_key (path, z85, "public", false, why, why_len);
    if (rc)
        return rc;
    /*  The secret half of a keypair given by mistake (FILE for FILE.pub):
     *  it would be sent, stored and published as a "public" key.  It is one
     *  when FILE.pub holds the public key derived from it. */
    char pub_path[4200], pub[PMO_KEY_Z85_LEN + 1], derived[PMO_KEY_Z85_LEN + 1], ignored[8];
    if (snprintf (pub_path, sizeof pub_path, "%s.pub", path) < (int) sizeof pub_path
        && s_read_key (pub_path, pub, "public", false, ignored, sizeof ignored) == PMO_OK
        && zmq_curve_public (derived, z85) == 0 && streq (derived, pub)) {
        sodium_memzero (z85, PMO_KEY_Z85_LEN + 1);
        pmo_why (why, why_len, "public key file %s holds a secret key (its public key is %s): give %s", path,
                 pub_path, pub_path);
        return PMO_EINVAL;
    }
    return PMO_OK;
}

int
pmo_curve_creds_load (const char *key_file, const char *server_file, pmo_curve_creds_t *out,
                      char *why, size_t why_len)
{
    memset (out, 0, sizeof *out);
    int rc = pmo_key_load_secret (key_file, &out->own, why, why_len);
    if (!rc)
        rc = pmo_key_load_public (server_file, out->server_z85, why, why_len);
    return rc;
}

int
pmo_curve_client_apply (void *sock, const pmo_curve_creds_t *creds)
{
    if (zmq_setsockopt (sock, ZMQ_CURVE_SERVERKEY, creds->server_z85, PMO_KEY_Z85_LEN + 1) != 0
        || zmq_setsockopt (sock, ZMQ_CURVE_PUBLICKEY, creds->own.public_z85, PMO_KEY_Z85_LEN + 1) != 0
        || zmq_setsockopt (sock, ZMQ_CURVE_SECRETKEY, creds->own.secret_z85, PMO_KEY_Z85_LEN + 1) != 0)
        return errno;
    return PMO_OK;
}
