// GNU libmicrohttpd for Swift: the C header plus prefixed wrappers for its variadic functions.
#ifndef KLIK_CMICROHTTPD_SHIM_H
#define KLIK_CMICROHTTPD_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Everything Klik sets when it starts a daemon (MHD_start_daemon is variadic and does not import).
struct kmhd_config {
    unsigned int flags;
    int listen_fd;                 /* a socket Klik bound and listens on */
    unsigned int thread_pool_size;
    unsigned int connection_limit;
    unsigned int per_ip_connection_limit;
    unsigned int connection_timeout_seconds;
    size_t connection_memory_limit; /* bounds request line + headers per connection */
    size_t thread_stack_size;
    unsigned int listen_backlog;
    MHD_RequestCompletedCallback completed;
    void *completed_cls;
};

static inline struct MHD_Daemon *kmhd_start(const struct kmhd_config *c, MHD_AccessHandlerCallback handler, void *cls) {
    struct MHD_OptionItem ops[] = {
        { MHD_OPTION_LISTEN_SOCKET, c->listen_fd, NULL },
        { MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)c->thread_pool_size, NULL },
        { MHD_OPTION_CONNECTION_LIMIT, (intptr_t)c->connection_limit, NULL },
        { MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)c->per_ip_connection_limit, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)c->connection_timeout_seconds, NULL },
        { MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)c->connection_memory_limit, NULL },
        { MHD_OPTION_THREAD_STACK_SIZE, (intptr_t)c->thread_stack_size, NULL },
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)c->completed, c->completed_cls },
        { MHD_OPTION_END, 0, NULL },
    };
    return MHD_start_daemon(c->flags, 0, NULL, NULL, handler, cls, MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

/// The client's socket address, or NULL.
static inline const struct sockaddr *kmhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

static inline enum MHD_Result kmhd_yes(void) { return MHD_YES; }
static inline enum MHD_Result kmhd_no(void) { return MHD_NO; }
#endif
