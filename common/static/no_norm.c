/*  no_norm: the NORM calls of a statically linked libzmq, answered "no
 *  such transport", so that pmo's programs do not link libnorm and
 *  libprotokit.
 *
 *  Why: Debian's libzmq.a is built with the norm:// transport, and its
 *  objects refer to these symbols.  Resolving them from libnorm.a and
 *  libprotokit.a (C++) brings 276 KB of their code and libstdc++'s
 *  iostreams and locales: 0.4 MB of text, 0.7 MB of bss, 0.8 MB of an idle
 *  pmo-agent's RSS (target: 4 MB) and ~0.7 ms of every process start.
 *
 *  Safe because pmo uses tcp://, ipc:// and inproc:// only, and every
 *  program checks an endpoint with pmo_endpoint_supported before a bind or
 *  connect: zmq asserts when a NORM socket fails to set up, so a norm://
 *  endpoint must never reach it.  Should a call run anyway, it fails.
 *
 *  normApi.h is C++ (references, default arguments), so the types are
 *  declared here, as the header defines them for Unix: handles are
 *  pointers, ids fixed-width integers, enumerations int, and the functions
 *  and constants have C linkage.
 *
 *  Linked only with the static archives (cmake/PmoStaticLibs.cmake), in
 *  place of libnorm.a and libprotokit.a; shared builds use libzmq.so and
 *  the real library. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

typedef const void *NormInstanceHandle;
typedef const void *NormSessionHandle;
typedef const void *NormNodeHandle;
typedef const void *NormObjectHandle;
typedef uint16_t NormSessionId;
typedef uint32_t NormNodeId;
typedef int NormDescriptor;
typedef int NormObjectType;      /* enum: 0 is NORM_OBJECT_NONE */
typedef int NormSyncPolicy;      /* enum */
typedef int NormFlushMode;       /* enum */
typedef struct NormEvent NormEvent;

const NormInstanceHandle NORM_INSTANCE_INVALID = 0;
const NormSessionHandle NORM_SESSION_INVALID = 0;
const NormObjectHandle NORM_OBJECT_INVALID = 0;
const NormNodeId NORM_NODE_ANY = 0xffffffff;

/*  The two calls that create anything: every other call needs what they
 *  return, so it is never reached. */
NormInstanceHandle
NormCreateInstance (bool priority_boost)
{
    (void) priority_boost;
    errno = EPROTONOSUPPORT;
    return NORM_INSTANCE_INVALID;
}

NormSessionHandle
NormCreateSession (NormInstanceHandle instance, const char *address, uint16_t port, NormNodeId node)
{
    (void) instance;
    (void) address;
    (void) port;
    (void) node;
    errno = EPROTONOSUPPORT;
    return NORM_SESSION_INVALID;
}

void
NormDestroyInstance (NormInstanceHandle instance)
{
    (void) instance;
}

void
NormStopInstance (NormInstanceHandle instance)
{
    (void) instance;
}

void
NormDestroySession (NormSessionHandle session)
{
    (void) session;
}

NormDescriptor
NormGetDescriptor (NormInstanceHandle instance)
{
    (void) instance;
    return -1;
}

NormSessionId
NormGetRandomSessionId (void)
{
    return 0;
}

bool
NormIsUnicastAddress (const char *address)
{
    (void) address;
    return false;
}

void
NormNodeDelete (NormNodeHandle node)
{
    (void) node;
}

NormObjectType
NormObjectGetType (NormObjectHandle object)
{
    (void) object;
    return 0;
}

const void *
NormObjectGetUserData (NormObjectHandle object)
{
    (void) object;
    return 0;
}

void
NormStopReceiver (NormSessionHandle session)
{
    (void) session;
}

void
NormStopSender (NormSessionHandle session)
{
    (void) session;
}

bool
NormStreamSeekMsgStart (NormObjectHandle stream)
{
    (void) stream;
    return false;
}

bool
NormGetNextEvent (NormInstanceHandle instance, NormEvent *event, bool wait)
{
    (void) instance;
    (void) event;
    (void) wait;
    return false;
}

void
NormObjectSetUserData (NormObjectHandle object, const void *data)
{
    (void) object;
    (void) data;
}

void
NormSetCongestionControl (NormSessionHandle session, bool enable, bool adjust_rate)
{
    (void) session;
    (void) enable;
    (void) adjust_rate;
}

void
NormSetDefaultSyncPolicy (NormSessionHandle session, NormSyncPolicy policy)
{
    (void) session;
    (void) policy;
}

void
NormSetDefaultUnicastNack (NormSessionHandle session, bool unicast)
{
    (void) session;
    (void) unicast;
}

bool
NormSetLoopback (NormSessionHandle session, bool loopback)
{
    (void) session;
    (void) loopback;
    return false;
}

bool
NormSetMulticastInterface (NormSessionHandle session, const char *interface)
{
    (void) session;
    (void) interface;
    return false;
}

void
NormSetRxPortReuse (NormSessionHandle session, bool enable, const char *rx_address, const char *sender_address,
                    uint16_t sender_port)
{
    (void) session;
    (void) enable;
    (void) rx_address;
    (void) sender_address;
    (void) sender_port;
}

bool
NormSetTTL (NormSessionHandle session, unsigned char ttl)
{
    (void) session;
    (void) ttl;
    return false;
}

bool
NormStartReceiver (NormSessionHandle session, uint32_t buffer_space)
{
    (void) session;
    (void) buffer_space;
    return false;
}

bool
NormStartSender (NormSessionHandle session, NormSessionId id, uint32_t buffer_space, uint16_t segment_size,
                 uint16_t num_data, uint16_t num_parity, uint8_t fec_id)
{
    (void) session;
    (void) id;
    (void) buffer_space;
    (void) segment_size;
    (void) num_data;
    (void) num_parity;
    (void) fec_id;
    return false;
}

NormObjectHandle
NormStreamOpen (NormSessionHandle session, uint32_t buffer_size, const char *info, unsigned int info_len)
{
    (void) session;
    (void) buffer_size;
    (void) info;
    (void) info_len;
    return NORM_OBJECT_INVALID;
}

void
NormStreamFlush (NormObjectHandle stream, bool eom, NormFlushMode mode)
{
    (void) stream;
    (void) eom;
    (void) mode;
}

bool
NormStreamRead (NormObjectHandle stream, char *buffer, unsigned int *num_bytes)
{
    (void) stream;
    (void) buffer;
    if (num_bytes)
        *num_bytes = 0;
    return false;
}

unsigned int
NormStreamWrite (NormObjectHandle stream, const char *buffer, unsigned int num_bytes)
{
    (void) stream;
    (void) buffer;
    (void) num_bytes;
    return 0;
}
