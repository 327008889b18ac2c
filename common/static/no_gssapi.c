/*  no_gssapi: the GSSAPI calls of a statically linked libzmq, answered
 *  "not available", so that pmo's programs need not load the Kerberos
 *  libraries (libgssapi_krb5 and the six behind it).
 *
 *  Why: Debian's libzmq.a is built with the GSSAPI mechanism, so its
 *  objects refer to these symbols, and resolving them from the shared
 *  libraries costs a process ~2 ms to start and ~0.6 MB resident: a fifth
 *  of a one-shot `pmo-agent time` and of an idle agent's memory.
 *
 *  Safe because pmo never enables GSSAPI: zmq uses a mechanism only when
 *  the socket is configured for it (ZMQ_GSSAPI_SERVER / _PRINCIPAL), and
 *  a peer offering another mechanism than ours is refused in the greeting,
 *  before any of these could run.  Should one run anyway, it fails.
 *
 *  Linked only with the static archives (cmake/PmoStaticLibs.cmake),
 *  after libzmq.a; shared builds use libzmq.so and the real library. */
#include <gssapi/gssapi.h>

gss_OID GSS_C_NT_USER_NAME = GSS_C_NO_OID;
gss_OID GSS_C_NT_HOSTBASED_SERVICE = GSS_C_NO_OID;

static OM_uint32
s_unavailable (OM_uint32 *minor)
{
    if (minor)
        *minor = 0;
    return GSS_S_UNAVAILABLE;
}

static OM_uint32
s_nothing (OM_uint32 *minor)
{
    if (minor)
        *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 KRB5_CALLCONV
gss_acquire_cred (OM_uint32 *minor, gss_name_t name, OM_uint32 time_req, gss_OID_set mechs,
                  gss_cred_usage_t usage, gss_cred_id_t *cred, gss_OID_set *actual, OM_uint32 *time_rec)
{
    (void) name, (void) time_req, (void) mechs, (void) usage, (void) actual, (void) time_rec;
    if (cred)
        *cred = GSS_C_NO_CREDENTIAL;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_init_sec_context (OM_uint32 *minor, gss_cred_id_t cred, gss_ctx_id_t *ctx, gss_name_t target, gss_OID mech,
                      OM_uint32 flags, OM_uint32 time_req, gss_channel_bindings_t bindings, gss_buffer_t in,
                      gss_OID *actual, gss_buffer_t out, OM_uint32 *ret_flags, OM_uint32 *time_rec)
{
    (void) cred, (void) ctx, (void) target, (void) mech, (void) flags, (void) time_req, (void) bindings;
    (void) in, (void) actual, (void) out, (void) ret_flags, (void) time_rec;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_accept_sec_context (OM_uint32 *minor, gss_ctx_id_t *ctx, gss_cred_id_t cred, gss_buffer_t in,
                        gss_channel_bindings_t bindings, gss_name_t *src, gss_OID *mech, gss_buffer_t out,
                        OM_uint32 *ret_flags, OM_uint32 *time_rec, gss_cred_id_t *delegated)
{
    (void) ctx, (void) cred, (void) in, (void) bindings, (void) src, (void) mech, (void) out;
    (void) ret_flags, (void) time_rec, (void) delegated;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_delete_sec_context (OM_uint32 *minor, gss_ctx_id_t *ctx, gss_buffer_t out)
{
    (void) ctx, (void) out;
    return s_nothing (minor);
}

OM_uint32 KRB5_CALLCONV
gss_wrap (OM_uint32 *minor, gss_ctx_id_t ctx, int conf_req, gss_qop_t qop, gss_buffer_t in, int *conf,
          gss_buffer_t out)
{
    (void) ctx, (void) conf_req, (void) qop, (void) in, (void) conf, (void) out;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_unwrap (OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t in, gss_buffer_t out, int *conf, gss_qop_t *qop)
{
    (void) ctx, (void) in, (void) out, (void) conf, (void) qop;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_display_name (OM_uint32 *minor, gss_name_t name, gss_buffer_t out, gss_OID *type)
{
    (void) name, (void) out, (void) type;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_import_name (OM_uint32 *minor, gss_buffer_t in, gss_OID type, gss_name_t *name)
{
    (void) in, (void) type, (void) name;
    return s_unavailable (minor);
}

OM_uint32 KRB5_CALLCONV
gss_release_name (OM_uint32 *minor, gss_name_t *name)
{
    (void) name;
    return s_nothing (minor);
}

OM_uint32 KRB5_CALLCONV
gss_release_buffer (OM_uint32 *minor, gss_buffer_t buf)
{
    (void) buf;
    return s_nothing (minor);
}

OM_uint32 KRB5_CALLCONV
gss_release_cred (OM_uint32 *minor, gss_cred_id_t *cred)
{
    (void) cred;
    return s_nothing (minor);
}
