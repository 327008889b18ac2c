/*  pmo_curve: CurveZMQ key files and the client side of CURVE.
 *
 *  A keypair lives in two text files: FILE holds the secret key and FILE.pub
 *  the public key, each one Z85 line of 40 characters.  FILE is created
 *  0600, and every program refuses to load a secret key file that its group
 *  or others may read or write, with one line naming the file and the chmod
 *  to run.  Public key files may be world-readable.
 */
#ifndef PMO_CURVE_H
#define PMO_CURVE_H

#include "pmo/pmo_prelude.h"

#define PMO_KEY_Z85_LEN 40           /* a 32-byte key in Z85              */
#define PMO_KEY_FP_LEN 16            /* hex digits of a key fingerprint   */

typedef struct {
    char public_z85[PMO_KEY_Z85_LEN + 1];
    char secret_z85[PMO_KEY_Z85_LEN + 1];
} pmo_keypair_t;

/*  What a client needs to talk CURVE to pmod: its own keypair and pmod's
 *  public key. */
typedef struct {
    pmo_keypair_t own;
    char server_z85[PMO_KEY_Z85_LEN + 1];
} pmo_curve_creds_t;

/*  Generates a keypair and writes path (secret, 0600) and path.pub
 *  (public, 0644).  Refuses (PMO_EEXIST) when either file exists.  out may
 *  be NULL.  Returns PMO_OK or an rc with one sentence in why. */
int pmo_key_generate (const char *path, pmo_keypair_t *out, char *why, size_t why_len);

/*  Loads a secret key file (and derives its public key).  PMO_EDENIED when
 *  the file is readable or writable by group or others (why says which
 *  chmod to run); PMO_EINVAL when it holds no Z85 key; an errno when it
 *  cannot be read. */
int pmo_key_load_secret (const char *path, pmo_keypair_t *out, char *why, size_t why_len);

/*  Loads a public key file.  PMO_EINVAL when it holds no Z85 key, or when
 *  it is the secret half of a keypair (path.pub holds the public key
 *  derived from it): a secret key must never be sent or published. */
int pmo_key_load_public (const char *path, char z85[PMO_KEY_Z85_LEN + 1], char *why, size_t why_len);

/*  True when s is exactly a 40-character Z85 key that decodes. */
bool pmo_key_z85_valid (const char *s);
/*  Decodes a Z85 key into 32 bytes.  Returns PMO_OK or PMO_EINVAL. */
int pmo_key_decode (const char *z85, uint8_t raw[32]);
/*  Encodes 32 bytes as Z85 (out: 41 bytes). */
void pmo_key_encode (const uint8_t raw[32], char out[PMO_KEY_Z85_LEN + 1]);
/*  The first 16 hex digits of SHA-256 over the raw key: short enough for a
 *  log line, long enough to tell keys apart. */
void pmo_key_fingerprint (const uint8_t raw[32], char out[PMO_KEY_FP_LEN + 1]);

/*  Loads a client's credentials: key_file (secret) and server_file (pmod's
 *  public key).  Returns PMO_OK or an rc with one sentence in why. */
int pmo_curve_creds_load (const char *key_file, const char *server_file, pmo_curve_creds_t *out,
                          char *why, size_t why_len);

/*  Makes sock a CURVE client with creds (before it connects).  Returns
 *  PMO_OK or an errno. */
int pmo_curve_client_apply (void *sock, const pmo_curve_creds_t *creds);

#endif
