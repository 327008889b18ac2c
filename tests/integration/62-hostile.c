/*  62-hostile: hostile input against a secure pmod on TCP.  Malformed
 *  frames, garbage, a truncated request, a request over the size limit, a
 *  100 MB message, an over-long string, invalid UTF-8, deep nesting and a
 *  field repeated thousands of times each get a clear answer (or, for the
 *  100 MB message, a cut connection), pmod stays up, and the state and the
 *  log are unchanged (status snapshot and last seq before = after).  The
 *  client library refuses to send an oversized request.  A captured CURVE
 *  byte stream replayed on a new connection is refused and changes
 *  nothing; raw garbage on the TCP port too.  With a rate limit, a burst
 *  past it hears "slow down" (STATUS_BUSY). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN

/*  A free TCP port on the loopback (bound, read, released). */
static int
s_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (bind (fd, (struct sockaddr *) &a, sizeof a) == 0 && getsockname (fd, (struct sockaddr *) &a, &len) == 0)
        port = ntohs (a.sin_port);
    close (fd);
    return port;
}

static int
s_tcp_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    if (connect (fd, (struct sockaddr *) &a, sizeof a) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

/*  Sends frames on a raw DEALER (CURVE as the admin) and returns the
 *  reply, or NULL when none came within 5 s. */
static Pmo__Reply *
s_raw (void *sock, const void *const *frames, const size_t *lens, int n)
{
    for (int i = 0; i < n; i++)
        zmq_send (sock, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0);
    zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll (&it, 1, 5000) <= 0)
        return NULL;
    Pmo__Reply *reply = NULL;
    int more = 1;
    while (more) {
        zmq_msg_t f;
        zmq_msg_init (&f);
        zmq_msg_recv (&f, sock, 0);
        more = zmq_msg_more (&f);
        if (!more)
            reply = pmo_wire_reply_unpack (zmq_msg_data (&f), zmq_msg_size (&f));
        zmq_msg_close (&f);
    }
    return reply;
}

/*  [empty][body] and the reply's status and reason. */
static int
s_body (void *sock, const void *body, size_t len, char *reason, size_t n)
{
    const void *frames[] = {"", body};
    size_t lens[] = {0, len};
    Pmo__Reply *r = s_raw (sock, frames, lens, 2);
    if (!r)
        return -1;
    int st = (int) r->status;
    snprintf (reason, n, "%s", r->reason ? r->reason : "");
    pmo_wire_free (r);
    return st;
}

/*  Protobuf wire bytes, by hand: a varint, a tag, a length-delimited field. */
static size_t
s_varint (uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t) (v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t) v;
    return n;
}

/*  Status rows and pmod's last seq: what hostile input must not change. */
static char *
s_snapshot (uint64_t *last_seq)
{
    json_object *j = RUN_JSON (CTL, "status", "--json");
    json_object *p = RUN_JSON (CTL, "ping", "--json");
    char *s = NULL;
    if (j && p) {
        s = strdup (json_object_to_json_string_ext (json_get (j, "rows"), JSON_C_TO_STRING_PLAIN));
        *last_seq = (uint64_t) json_int (p, "last_seq");
    }
    json_object_put (j);
    json_object_put (p);
    return s;
}

/*  Relays one TCP connection from a client to pmod, writing what the
 *  client sent to path.  Runs in a child process; never touches zmq. */
static void
s_relay (int listen_fd, int pmod_port, const char *path)
{
    int a = accept (listen_fd, NULL, NULL);
    int b = s_tcp_connect (pmod_port);
    FILE *rec = fopen (path, "wb");
    if (a < 0 || b < 0 || !rec)
        _exit (1);
    struct pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buf[65536];
    for (;;) {
        if (poll (fds, 2, 10000) <= 0)
            break;
        if (fds[0].revents) {
            ssize_t n = read (a, buf, sizeof buf);
            if (n <= 0)
                break;
            fwrite (buf, 1, (size_t) n, rec);
            if (write (b, buf, (size_t) n) != n)
                break;
        }
        if (fds[1].revents) {
            ssize_t n = read (b, buf, sizeof buf);
            if (n <= 0 || write (a, buf, (size_t) n) != n)
                break;
        }
    }
    fclose (rec);
    _exit (0);
}

/*  Writes data to pmod's port on a fresh connection and reads until pmod
 *  closes it (or 3 s pass).  Returns the bytes read (pmod's close may
 *  reset the connection and lose them). */
static size_t
s_replay (int port, const void *data, size_t len)
{
    int fd = s_tcp_connect (port);
    if (fd < 0)
        return 0;
    size_t got = 0;
    if (write (fd, data, len) == (ssize_t) len) {
        struct pollfd p = {fd, POLLIN, 0};
        char buf[4096];
        ssize_t n;
        while (poll (&p, 1, 3000) > 0 && (n = read (fd, buf, sizeof buf)) > 0)
            got += (size_t) n;
    }
    close (fd);
    return got;
}

static int
s_team_add (pmo_client_t *c, const char *code, const char *name, char *reason, size_t n)
{
    Pmo__Team t = PMO__TEAM__INIT;
    t.code = (char *) code;
    t.name = (char *) name;
    REQ (req, TEAM_ADD, team_add, &t);
    return call_status (c, &req, reason, n);
}

int
main (void)
{
    signal (SIGPIPE, SIG_IGN);
    tenv_t e;
    REQUIRE (tenv_init (&e, "hostile") == 0);
    int port = s_free_port ();
    REQUIRE (port > 0);
    snprintf (e.endpoint, sizeof e.endpoint, "tcp://127.0.0.1:%d", port);
    setenv ("PMO_ENDPOINT", e.endpoint, 1);
    REQUIRE (tenv_secure (&e) == 0);
    REQUIRE (tenv_pmod_start (&e, NULL) == 0);
    char reason[300];

    run_t r = RUN (CTL, "team", "add", "T1", "--name", "Team one");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    uint64_t seq0 = 0, seq1 = 0;
    char *before = s_snapshot (&seq0);
    REQUIRE (before != NULL);

    pmo_curve_creds_t admin;
    REQUIRE (tenv_admin_creds (&e, &admin) == 0);
    void *sock = zmq_socket (pmo_zmq_ctx (), ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt (sock, ZMQ_LINGER, &linger, sizeof linger);
    pmo_curve_client_apply (sock, &admin);
    REQUIRE (zmq_connect (sock, e.endpoint) == 0);

    /*  Frames of the wrong shape. */
    {
        const void *f1[] = {""};
        size_t l1[] = {0};
        Pmo__Reply *rp = s_raw (sock, f1, l1, 1);
        REQUIRE (rp != NULL);
        CHECK_EQ_I64 (rp->status, PMO__STATUS__STATUS_PROTOCOL);
        CHECK_STR (rp->reason, "malformed message: expected frames [empty][Request], got 1 frame(s)");
        pmo_wire_free (rp);
        const void *f3[] = {"x", "y", "z"};
        size_t l3[] = {1, 1, 1};
        rp = s_raw (sock, f3, l3, 3);
        REQUIRE (rp != NULL);
        CHECK_EQ_I64 (rp->status, PMO__STATUS__STATUS_PROTOCOL);
        CHECK_STR (rp->reason, "malformed message: expected frames [empty][Request], got 3 frame(s)");
        pmo_wire_free (rp);
    }
    /*  Garbage, and a real request cut short. */
    CHECK_EQ_I64 (s_body (sock, "\xff\xff\xff\xff\x0f", 5, reason, sizeof reason), PMO__STATUS__STATUS_PROTOCOL);
    CHECK_STR (reason, "malformed request: 5 bytes that do not decode as pmo.Request");
    {
        Pmo__Team t = PMO__TEAM__INIT;
        t.code = (char *) "T2";
        t.name = (char *) "A team whose request is cut short";
        REQ (req, TEAM_ADD, team_add, &t);
        pmo_buf_t buf = {0};
        size_t len = pmo_wire_pack (&req, &buf);
        CHECK_EQ_I64 (s_body (sock, buf.data, len - 5, reason, sizeof reason), PMO__STATUS__STATUS_PROTOCOL);
        char want[100];
        snprintf (want, sizeof want, "malformed request: %zu bytes that do not decode as pmo.Request", len - 5);
        CHECK_STR (reason, want);
        pmo_buf_free (&buf);
    }
    /*  Over the application's limit (256 KiB), under the transport's. */
    {
        size_t len = 300000;
        char *big = calloc (1, len);
        CHECK_EQ_I64 (s_body (sock, big, len, reason, sizeof reason), PMO__STATUS__STATUS_TOO_BIG);
        CHECK_STR (reason, "request of 300000 bytes is over the limit of 262144 bytes");
        free (big);
    }
    /*  A string over the generic bound; invalid UTF-8. */
    {
        char *name = malloc (5001);
        memset (name, 'n', 5000);
        name[5000] = '\0';
        pmo_client_t *c = NULL;
        REQUIRE (pmo_client_open_creds (e.endpoint, &admin, &c) == 0);
        CHECK_EQ_I64 (s_team_add (c, "T3", name, reason, sizeof reason), PMO__STATUS__STATUS_TOO_BIG);
        CHECK_STR (reason, "team_add.name: 5000 bytes, more than 4096");
        CHECK_EQ_I64 (s_team_add (c, "T3", "caf\xc3", reason, sizeof reason), PMO__STATUS__STATUS_INVALID);
        CHECK_STR (reason, "team_add.name: not valid UTF-8");
        /*  The client library does not even send an oversized request. */
        char *huge = malloc (300001);
        memset (huge, 'h', 300000);
        huge[300000] = '\0';
        Pmo__Team t = PMO__TEAM__INIT;
        t.code = (char *) "T4";
        t.name = huge;
        REQ (req, TEAM_ADD, team_add, &t);
        Pmo__Reply *rp = NULL;
        CHECK_RC (pmo_client_call (c, &req, 5000, &rp), PMO_ETOOBIG);
        free (huge);
        free (name);
        pmo_client_close (&c);
    }
    /*  A field repeated 20,000 times; nesting 5,000 deep. */
    {
        uint8_t *b = malloc (200000);
        size_t n = 0;
        n += s_varint (b + n, (10 << 3) | 2);  /* ping {} */
        n += s_varint (b + n, 0);
        for (int i = 0; i < 20000; i++) {
            n += s_varint (b + n, (99 << 3) | 0);  /* unknown field 99, varint */
            n += s_varint (b + n, 1);
        }
        CHECK_EQ_I64 (s_body (sock, b, n, reason, sizeof reason), PMO__STATUS__STATUS_TOO_BIG);
        CHECK_STR (reason, "request: 20000 unknown fields, more than 64");
        /*  Length-delimited field 11 (portfolio_add) holding field 11 holding
         *  ... 5,000 deep, built from the inside out. */
        uint8_t *d = malloc (200000), *tmp = malloc (200000);
        size_t dn = 0;
        for (int i = 0; i < 5000; i++) {
            size_t tn = s_varint (tmp, (11 << 3) | 2);
            tn += s_varint (tmp + tn, dn);
            memcpy (tmp + tn, d, dn);
            dn += tn;
            memcpy (d, tmp, dn);
        }
        int st = s_body (sock, d, dn, reason, sizeof reason);
        CHECK (st == PMO__STATUS__STATUS_PROTOCOL || st == PMO__STATUS__STATUS_INVALID
               || st == PMO__STATUS__STATUS_TOO_BIG);
        CHECK (reason[0] != '\0');
        free (tmp);
        free (d);
        free (b);
    }
    /*  100 MB: cut off by the transport (the connection drops, no reply);
     *  the service stays up. */
    {
        size_t len = 100u << 20;
        char *huge = calloc (1, len);
        REQUIRE (huge != NULL);
        CHECK_EQ_I64 (s_body (sock, huge, len, reason, sizeof reason), -1);
        free (huge);
    }
    zmq_close (sock);
    pmo_client_t *c = NULL;
    REQUIRE (pmo_client_open_creds (e.endpoint, &admin, &c) == 0);
    CHECK_EQ_I64 (tping (c, 5000, NULL, 0), PMO__STATUS__STATUS_OK);
    pmo_client_close (&c);

    char *after = s_snapshot (&seq1);
    REQUIRE (after != NULL);
    CHECK_STR (after, before);
    CHECK_EQ_I64 (seq1, seq0);
    free (after);

    /*  Replay: relay one real session to pmod, recording what the client
     *  sent; then send the same bytes on a new connection. */
    char rec_path[400];
    snprintf (rec_path, sizeof rec_path, "%s/captured.bin", e.dir);
    int lfd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t llen = sizeof la;
    REQUIRE (bind (lfd, (struct sockaddr *) &la, sizeof la) == 0 && listen (lfd, 1) == 0);
    REQUIRE (getsockname (lfd, (struct sockaddr *) &la, &llen) == 0);
    pid_t relay = fork ();
    if (relay == 0)
        s_relay (lfd, port, rec_path);
    close (lfd);
    char relay_ep[64];
    snprintf (relay_ep, sizeof relay_ep, "tcp://127.0.0.1:%d", ntohs (la.sin_port));
    REQUIRE (pmo_client_open_creds (relay_ep, &admin, &c) == 0);
    /*  A change that would show again if replayed: each policy_set is an
     *  event, even with the same value. */
    Pmo__PolicySet ps = PMO__POLICY_SET__INIT;
    ps.key = (char *) "at_risk_days";
    ps.value = (char *) "10";
    REQ (psq, POLICY_SET, policy_set, &ps);
    CHECK_EQ_I64 (call_status (c, &psq, NULL, 0), PMO__STATUS__STATUS_OK);
    pmo_client_close (&c);
    CHECK_EQ_I64 (proc_wait (relay, 15000), 0);
    free (before);
    before = s_snapshot (&seq0);
    char *captured = read_file (rec_path);
    struct stat st;
    REQUIRE (captured != NULL && stat (rec_path, &st) == 0 && st.st_size > 64);
    /*  CurveZMQ: the replayed INITIATE carries a cookie sealed with the
     *  old connection's cookie key, which pmod no longer has: the session
     *  is never set up, so the recorded MESSAGE never reaches a handler. */
    s_replay (port, captured, (size_t) st.st_size);
    free (captured);
    /*  Raw garbage on the port. */
    char junk[65536];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char) (i * 131 + 7);
    s_replay (port, junk, sizeof junk);
    after = s_snapshot (&seq1);
    REQUIRE (after != NULL);
    CHECK_STR (after, before);
    CHECK_EQ_I64 (seq1, seq0);
    CHECK_EQ_I64 (tlog_count ("policy.changed"), 1);
    free (before);
    free (after);

    /*  Rate limit: 1 request/s, bursts of 3.  Ten pipelined pings: three
     *  pass (a fourth if a second has gone by), the rest hear "slow down". */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    const char *limited[] = {"--rate-limit", "1", "--burst", "3", NULL};
    REQUIRE (tenv_pmod_start (&e, limited) == 0);  /* its ready-ping took one token */
    REQUIRE (pmo_client_open_creds (e.endpoint, &admin, &c) == 0);
    for (int i = 0; i < 10; i++) {
        Pmo__Ping ping = PMO__PING__INIT;
        REQ (req, PING, ping, &ping);
        CHECK_RC (pmo_client_send (c, &req), PMO_OK);
    }
    int n_ok = 0, n_busy = 0;
    for (int i = 0; i < 10; i++) {
        Pmo__Reply *rp = NULL;
        if (pmo_client_recv (c, 5000, &rp) != PMO_OK)
            break;
        if (rp->status == PMO__STATUS__STATUS_OK)
            n_ok++;
        if (rp->status == PMO__STATUS__STATUS_BUSY) {
            n_busy++;
            CHECK_STR (rp->reason, "slow down: principal admin is over its rate limit of 1 requests/s (burst 3); "
                                   "resend later");
        }
        pmo_wire_free (rp);
    }
    CHECK (n_ok >= 2 && n_ok <= 4);
    CHECK_EQ_I64 (n_ok + n_busy, 10);
    /*  Bytes that do not decode cost a token too (decoding is what a flood
     *  would buy): with the bucket spent, five of them hear "slow down",
     *  not "malformed" (one may find a token refilled meanwhile). */
    int n_junk_busy = 0;
    for (int i = 0; i < 5; i++) {
        char why[300];
        int status = s_body (pmo_client_socket (c), "\xff\xff\xff\xff", 4, why, sizeof why);
        n_junk_busy += status == PMO__STATUS__STATUS_BUSY && strstr (why, "slow down") == why;
    }
    CHECK (n_junk_busy >= 4);
    /*  A throttled request's reply echoes its corr, though it was never
     *  decoded: a client that matches replies by corr (pmoctl, pmo-agent)
     *  hears "slow down" at once instead of waiting out its timeout. */
    int n_call_busy = 0;
    for (int i = 0; i < 3; i++) {
        Pmo__Ping ping = PMO__PING__INIT;
        REQ (req, PING, ping, &ping);
        Pmo__Reply *rp = NULL;
        int rc = pmo_client_call (c, &req, 3000, &rp);
        n_call_busy += rc == PMO_EBUSY || (rc == PMO_OK && rp && rp->status == PMO__STATUS__STATUS_BUSY);
        if (rc != PMO_OK && rc != PMO_EBUSY)
            fprintf (stderr, "throttled call %d: %s\n", i, pmo_strerror (rc));
        pmo_wire_free (rp);
    }
    CHECK (n_call_busy >= 2);  /* one may find a token refilled */
    pmo_client_close (&c);

    int ok = harness_failures == 0;
    tenv_finish (&e, ok);
    pmo_zmq_term ();
    return harness_report ();
}
