/*  no_pgm: the OpenPGM calls of a statically linked libzmq, answered
 *  "no such transport", so that pmo's programs do not link libpgm.
 *
 *  Why: Debian's libzmq.a is built with the pgm:// and epgm:// transports,
 *  and zmq_ctx_new calls pgm_init, which looks up the "pgm" protocol
 *  through NSS (nsswitch.conf, a search for libnss_db in some thirty
 *  directories, /etc/protocols) and sets up PGM's timers: ~0.9 ms of every
 *  process start on a 2-core VM, a tenth of a one-shot `pmo-agent time`
 *  (target: 10 ms end to end).
 *
 *  Safe because pmo uses tcp://, ipc:// and inproc:// only.  Should a user
 *  give pmod a pgm:// or epgm:// endpoint, the address lookup below fails
 *  the way zmq treats a bad interface: the bind fails with EINVAL and pmod
 *  says so, rather than asserting.
 *
 *  Linked only with the static archives (cmake/PmoStaticLibs.cmake), in
 *  place of libpgm.a; shared builds use libzmq.so and the real library. */
#include <pgm/pgm.h>

/*  One error for every refusal: zmq frees it with pgm_error_free, which
 *  here frees nothing. */
static pgm_error_t s_no_pgm = {PGM_ERROR_DOMAIN_IF, PGM_ERROR_NODEV, (char *) "PGM is not built into pmo"};

static bool
s_refuse (pgm_error_t **error)
{
    if (error)
        *error = &s_no_pgm;
    return false;
}

bool
pgm_init (pgm_error_t **error)
{
    (void) error;
    return true;
}

bool
pgm_shutdown (void)
{
    return true;
}

void
pgm_error_free (pgm_error_t *error)
{
    (void) error;
}

void
pgm_free (void *mem)
{
    (void) mem;
}

bool
pgm_getaddrinfo (const char *restrict network, const struct pgm_addrinfo_t *const restrict hints,
                 struct pgm_addrinfo_t **restrict res, pgm_error_t **restrict error)
{
    (void) network;
    (void) hints;
    *res = NULL;
    return s_refuse (error);
}

void
pgm_freeaddrinfo (struct pgm_addrinfo_t *res)
{
    (void) res;
}

bool
pgm_socket (pgm_sock_t **restrict sock, const sa_family_t family, const int type, const int protocol,
            pgm_error_t **restrict error)
{
    (void) family;
    (void) type;
    (void) protocol;
    *sock = NULL;
    return s_refuse (error);
}

/*  Below: never reached without a socket from pgm_socket. */
bool
pgm_bind3 (pgm_sock_t *restrict sock, const struct pgm_sockaddr_t *const restrict addr, const socklen_t addr_len,
           const struct pgm_interface_req_t *const send_req, const socklen_t send_req_len,
           const struct pgm_interface_req_t *const recv_req, const socklen_t recv_req_len,
           pgm_error_t **restrict error)
{
    (void) sock;
    (void) addr;
    (void) addr_len;
    (void) send_req;
    (void) send_req_len;
    (void) recv_req;
    (void) recv_req_len;
    return s_refuse (error);
}

bool
pgm_connect (pgm_sock_t *restrict sock, pgm_error_t **restrict error)
{
    (void) sock;
    return s_refuse (error);
}

bool
pgm_close (pgm_sock_t *sock, bool flush)
{
    (void) sock;
    (void) flush;
    return true;
}

bool
pgm_setsockopt (pgm_sock_t *const restrict sock, const int level, const int optname,
                const void *restrict optval, const socklen_t optlen)
{
    (void) sock;
    (void) level;
    (void) optname;
    (void) optval;
    (void) optlen;
    return false;
}

bool
pgm_getsockopt (pgm_sock_t *const restrict sock, const int level, const int optname, void *restrict optval,
                socklen_t *restrict optlen)
{
    (void) sock;
    (void) level;
    (void) optname;
    (void) optval;
    (void) optlen;
    return false;
}

bool
pgm_gsi_create_from_data (pgm_gsi_t *restrict gsi, const uint8_t *restrict data, const size_t length)
{
    (void) gsi;
    (void) data;
    (void) length;
    return false;
}

int
pgm_send (pgm_sock_t *const restrict sock, const void *restrict buf, const size_t len, size_t *restrict written)
{
    (void) sock;
    (void) buf;
    (void) len;
    if (written)
        *written = 0;
    return PGM_IO_STATUS_ERROR;
}

int
pgm_recvmsgv (pgm_sock_t *const restrict sock, struct pgm_msgv_t *const restrict msgv, const size_t count,
              const int flags, size_t *restrict read, pgm_error_t **restrict error)
{
    (void) sock;
    (void) msgv;
    (void) count;
    (void) flags;
    if (read)
        *read = 0;
    s_refuse (error);
    return PGM_IO_STATUS_ERROR;
}
