/*  fuzz_request: libFuzzer over pmod's request path.  Each input is one
 *  packed Request, handled as if it had arrived alone: decoded, bounded,
 *  admitted, applied in a write txn and committed on a scratch store (a
 *  broker on a temp data directory, without sockets), and answered; the
 *  answer must decode.  The store starts from the setup requests of
 *  requests.c and is rebuilt every S_REBUILD inputs so it stays small.
 *  pmod runs insecure here (every input is an admin's): the fuzzer reaches
 *  every handler; authorisation has its own tests (61-authz). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "broker.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_log.h"
#include "requests.h"

#define S_REBUILD 20000

static broker_t *s_broker;
static char s_dir[256];
static volatile int s_stop;
static unsigned long s_runs;
static pmo_buf_t s_reply;

static int
s_rm (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st; (void) flag; (void) ftw;
    return remove (path);
}

static void
s_open (void)
{
    const char *tmp = getenv ("TMPDIR");
    snprintf (s_dir, sizeof s_dir, "%s/pmo-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp (s_dir))
        abort ();
    broker_opts_t opts = {.data_dir = s_dir, .map_size = (size_t) 256 << 20, .insecure = true};
    char why[512];
    if (broker_new (&opts, &s_broker, why, sizeof why) != 0) {
        fprintf (stderr, "fuzz_request: %s\n", why);
        abort ();
    }
    s_broker->stop_flag = &s_stop;
    pmo_buf_t buf = {0};
    for (size_t i = 0; i < fuzz_setup_count (); i++) {
        fuzz_request_pack (i, &buf);
        batch_handle_bytes (s_broker, buf.data, buf.len, &s_reply);
    }
    pmo_buf_free (&buf);
}

static void
s_close (void)
{
    broker_destroy (&s_broker);
    nftw (s_dir, s_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void
s_at_exit (void)
{
    s_close ();
    pmo_buf_free (&s_reply);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    pmo_log_init ("fuzz_request", PMO_LOG_ERROR);
    int64_t now;
    if (pmo_datetime_parse (FUZZ_NOW, &now) != 0)
        abort ();
    pmo_clock_set_ms (now);
    s_open ();
    atexit (s_at_exit);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (++s_runs % S_REBUILD == 0) {
        s_close ();
        s_open ();
    }
    batch_handle_bytes (s_broker, data, size, &s_reply);
    /*  Whatever came in, what goes out is a well-formed Reply. */
    Pmo__Reply *reply = pmo_wire_reply_unpack (s_reply.data, s_reply.len);
    if (!reply || !reply->has_status)
        abort ();
    pmo_wire_free (reply);
    return 0;
}
