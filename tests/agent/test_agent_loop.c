/*  test_agent_loop: the agent's sending loop against a fake pmod (a ROUTER
 *  in a thread of the test that answers as told).
 *    - A window answered "busy" update by update holds the sends for the
 *      resend wait and doubles it once per such burst, not once per answer
 *      (which took it to 30 s at the first burst).
 *    - "duplicate" for an update on its first send, queued by this process
 *      and carrying no ref, is logged as a warning naming the reused id;
 *      not for an update under a ref (pmod dedups those by content), nor
 *      for one another process queued (it may have sent it). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zmq.h>

#include "agent.h"
#include "harness.h"
#include "outbox.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_log.h"

#define S_MAX_REQUESTS 256

typedef struct {
    char endpoint[320];
    int n_busy;                       /* answer the first n_busy "busy" */
    bool is_duplicate;                /* then answer OK with duplicate = true */
    volatile int is_ready, is_done;
    int n_requests;
    int64_t at_ms[S_MAX_REQUESTS];    /* monotonic arrival of each request */
} s_fake_t;

static void
s_fake_answer (s_fake_t *fake, void *sock, zmq_msg_t *id, const Pmo__Request *req)
{
    Pmo__Reply reply = PMO__REPLY__INIT;
    reply.has_corr = true;
    reply.corr = req->corr;
    reply.has_status = true;
    if (fake->n_requests <= fake->n_busy) {
        reply.status = PMO__STATUS__STATUS_BUSY;
        reply.reason = "slow down";
    } else {
        reply.status = PMO__STATUS__STATUS_OK;
        reply.has_seq = true;
        reply.seq = (uint64_t) fake->n_requests;
        reply.has_duplicate = fake->is_duplicate;
        reply.duplicate = fake->is_duplicate;
    }
    pmo_buf_t buf = {0};
    pmo_wire_pack (&reply, &buf);
    zmq_msg_send (id, sock, ZMQ_SNDMORE);
    zmq_send (sock, "", 0, ZMQ_SNDMORE);
    zmq_send (sock, buf.data, buf.len, 0);
    pmo_buf_free (&buf);
}

/*  Takes [id][empty][Request] and answers it, until told to end. */
static void *
s_fake_pmod (void *arg)
{
    s_fake_t *fake = arg;
    void *ctx = zmq_ctx_new ();
    void *sock = zmq_socket (ctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt (sock, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind (sock, fake->endpoint) != 0)
        fprintf (stderr, "fake pmod: cannot bind %s\n", fake->endpoint);
    fake->is_ready = 1;
    while (!fake->is_done) {
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll (&item, 1, 50) <= 0)
            continue;
        zmq_msg_t id, empty, body;
        zmq_msg_init (&id);
        zmq_msg_init (&empty);
        zmq_msg_init (&body);
        if (zmq_msg_recv (&id, sock, 0) >= 0 && zmq_msg_recv (&empty, sock, 0) >= 0
            && zmq_msg_recv (&body, sock, 0) >= 0) {
            Pmo__Request *req = pmo_wire_request_unpack (zmq_msg_data (&body), zmq_msg_size (&body));
            if (req && req->body_case != PMO__REQUEST__BODY_HEARTBEAT) {
                if (fake->n_requests < S_MAX_REQUESTS)
                    fake->at_ms[fake->n_requests] = pmo_clock_mono_ms ();
                fake->n_requests++;
                s_fake_answer (fake, sock, &id, req);
            }
            pmo_wire_free (req);
        }
        zmq_msg_close (&id);
        zmq_msg_close (&empty);
        zmq_msg_close (&body);
    }
    zmq_close (sock);
    zmq_ctx_term (ctx);
    return NULL;
}

static void
s_fake_start (s_fake_t *fake, pthread_t *thread)
{
    pthread_create (thread, NULL, s_fake_pmod, fake);
    while (!fake->is_ready)
        usleep (1000);
}

static void
s_fake_stop (s_fake_t *fake, pthread_t thread)
{
    fake->is_done = 1;
    pthread_join (thread, NULL);
}

static void
s_add_progress (outbox_t *ob, int32_t bp)
{
    Pmo__Progress p = PMO__PROGRESS__INIT;
    p.project = "APOLLO";
    p.has_percent_bp = true;
    p.percent_bp = bp;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROGRESS;
    req.progress = &p;
    uint64_t seq;
    CHECK_RC (outbox_add (ob, &req, &seq), PMO_OK);
}

static void
s_add_time_ref (outbox_t *ob, const char *ref)
{
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.person = "ana";
    t.project = "APOLLO";
    t.date = "2026-11-20";
    t.has_minutes = true;
    t.minutes = 30;
    t.ref = (char *) ref;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_TIME;
    req.time = &t;
    uint64_t seq;
    CHECK_RC (outbox_add (ob, &req, &seq), PMO_OK);
}

static int
s_run_once (const char *endpoint, outbox_t *ob, int window, int resend_ms, int timeout_ms)
{
    agent_opts_t opts = {.endpoint = endpoint, .timeout_ms = timeout_ms, .window = window,
                         .resend_ms = resend_ms, .poll_ms = 1000};
    agent_t *agent = NULL;
    int rc = agent_new (&opts, ob, NULL, &agent);
    if (rc)
        return rc;
    rc = agent_run (agent, AGENT_ONCE, 0);
    agent_destroy (&agent);
    return rc;
}

/*  16 updates, all answered busy twice, then accepted: the sends wait
 *  150 ms after the first burst, 300 ms after the second. */
static void
s_test_busy_backoff (const char *base)
{
    char state[300], why[256] = "";
    snprintf (state, sizeof state, "%s/busy", base);
    outbox_t *ob = NULL;
    REQUIRE_VOID (outbox_open (state, "busy-agent", 0, &ob, why, sizeof why) == PMO_OK);
    for (int i = 0; i < 16; i++)
        s_add_progress (ob, i);
    s_fake_t *fake = calloc (1, sizeof *fake);
    snprintf (fake->endpoint, sizeof fake->endpoint, "ipc://%s/busy.sock", base);
    fake->n_busy = 32;
    pthread_t thread;
    s_fake_start (fake, &thread);

    int64_t start = pmo_clock_mono_ms ();
    CHECK_RC (s_run_once (fake->endpoint, ob, 16, 150, 3000), PMO_OK);
    int64_t took = pmo_clock_mono_ms () - start;
    s_fake_stop (fake, thread);

    CHECK_EQ_I64 (outbox_depth (ob), 0);
    CHECK_EQ_I64 (fake->n_requests, 48);
    CHECK (took < 2500);
    if (fake->n_requests >= 48) {
        int64_t first_hold = fake->at_ms[16] - fake->at_ms[0];
        int64_t second_hold = fake->at_ms[32] - fake->at_ms[16];
        CHECK (first_hold >= 140 && first_hold < 1500);
        CHECK (second_hold >= 290 && second_hold < 1500);
        if (first_hold < 140 || first_hold >= 1500 || second_hold < 290 || second_hold >= 1500)
            fprintf (stderr, "holds: %lld ms, %lld ms\n", (long long) first_hold,
                     (long long) second_hold);
    }
    free (fake);
    outbox_close (&ob);
}

/*  Runs the agent with stderr in a file; returns what it logged. */
static char *
s_run_logged (const char *endpoint, outbox_t *ob, const char *log_path)
{
    fflush (stderr);
    int saved = dup (2);
    FILE *f = fopen (log_path, "w+");
    if (!f)
        return NULL;
    dup2 (fileno (f), 2);
    CHECK_RC (s_run_once (endpoint, ob, 8, 2000, 3000), PMO_OK);
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    fseek (f, 0, SEEK_END);
    long len = ftell (f);
    char *text = calloc (1, (size_t) (len > 0 ? len : 0) + 1);
    fseek (f, 0, SEEK_SET);
    if (len > 0 && fread (text, 1, (size_t) len, f) != (size_t) len)
        text[0] = '\0';
    fclose (f);
    return text;
}

static size_t
s_count (const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; p && (p = strstr (p, what)); p += strlen (what))
        n++;
    return n;
}

static void
s_test_duplicate_warning (const char *base)
{
    char state[300], log_path[300], why[256] = "";
    snprintf (state, sizeof state, "%s/dup", base);
    snprintf (log_path, sizeof log_path, "%s/dup.log", base);
    s_fake_t *fake = calloc (1, sizeof *fake);
    snprintf (fake->endpoint, sizeof fake->endpoint, "ipc://%s/dup.sock", base);
    fake->is_duplicate = true;
    pthread_t thread;
    s_fake_start (fake, &thread);

    /*  Queued here: two plain updates warn, the one under a ref does not. */
    outbox_t *ob = NULL;
    REQUIRE_VOID (outbox_open (state, "dup-agent", 0, &ob, why, sizeof why) == PMO_OK);
    s_add_progress (ob, 100);
    s_add_time_ref (ob, "timew:2026-11-20T07:00:00Z/2026-11-20");
    s_add_progress (ob, 200);
    char *log = s_run_logged (fake->endpoint, ob, log_path);
    CHECK_EQ_I64 (s_count (log, "already used this seq"), 2);
    CHECK (log && strstr (log, "agent id dup-agent already used this seq (another state directory "
                                "for the same agent id?)") != NULL);
    if (s_count (log, "already used this seq") != 2)
        fprintf (stderr, "logged: %s\n", log ? log : "(nothing)");
    free (log);
    CHECK_EQ_I64 (outbox_depth (ob), 0);

    /*  Queued by another process (here: an earlier open): it may have sent
     *  them itself, so "duplicate" is no news. */
    s_add_progress (ob, 300);
    outbox_close (&ob);
    REQUIRE_VOID (outbox_open (state, "dup-agent", 0, &ob, why, sizeof why) == PMO_OK);
    log = s_run_logged (fake->endpoint, ob, log_path);
    CHECK_EQ_I64 (s_count (log, "already used this seq"), 0);
    free (log);
    CHECK_EQ_I64 (outbox_depth (ob), 0);
    outbox_close (&ob);
    s_fake_stop (fake, thread);
    CHECK_EQ_I64 (fake->n_requests, 4);
    free (fake);
}

int
main (void)
{
    pmo_log_init ("test_agent_loop", PMO_LOG_WARN);
    char base[] = "/tmp/pmo-test-agent-loop-XXXXXX";
    REQUIRE (mkdtemp (base) != NULL);
    s_test_busy_backoff (base);
    s_test_duplicate_warning (base);
    harness_rm_rf (base);
    pmo_zmq_term ();
    return harness_report ();
}
