// CKlikLua: the C side of Klik's Lua sandbox. Swift sees only this header: an opaque sandbox,
// status codes and malloc'd result buffers. No function here ever raises a Lua error.
#ifndef KLIK_LUA_H
#define KLIK_LUA_H
#include <stddef.h>
#include <stdint.h>

typedef struct klik_sandbox klik_sandbox;

/// Host function callback: `args` is an encoded array; on return `*out` is a malloc'd buffer
/// (encoded array of results when 0 is returned, an error message when 1 is returned).
typedef int (*klik_host_fn)(void *ctx, int id, const unsigned char *args, size_t argslen,
                            unsigned char **out, size_t *outlen);
/// Log callback for print (level 1) and warn (level 2).
typedef void (*klik_log_fn)(void *ctx, int level, const char *msg, size_t len);

typedef struct klik_config {
    size_t memory_cap;        // total bytes for the state
    size_t allocation_cap;    // bytes per allocation
    size_t max_source;        // largest chunk accepted by load/require/loadModule
    const char *module_root;  // folder for require, or NULL
    void *ctx;                // passed to the callbacks
    klik_host_fn host;
    klik_log_fn log;
} klik_config;

enum {
    KLIK_OK = 0, KLIK_ESYNTAX, KLIK_ERUNTIME, KLIK_EBUDGET, KLIK_EMEMORY,
    KLIK_ENONSTRING, KLIK_EREFUSED, KLIK_ENOTFOUND
};

enum {
    KLIK_RUN_TRUSTED = 0,   // payload: source; runs with the plugin env
    KLIK_RUN_LOAD_MODULE,   // payload: source; its returned table becomes the module
    KLIK_RUN_CALL_MODULE,   // payload: encoded argument array; calls module[name]
    KLIK_RUN_CALL_GLOBAL    // payload: encoded argument array; calls env[name]
};

/// Outcome of a run; all pointers are malloc'd (or NULL) and released by klik_result_free.
typedef struct klik_result {
    int kind;
    char *message; size_t message_len;
    char *traceback; size_t traceback_len;
    unsigned char *data; size_t data_len;   // encoded array of results
} klik_result;

klik_sandbox *klik_open(const klik_config *config);
void klik_close(klik_sandbox *sb);
int klik_run(klik_sandbox *sb, int mode, const char *name, const unsigned char *payload,
             size_t payload_len, uint64_t budget_ns, klik_result *out);
/// Installs functions (encoded table name -> integer id) and values (encoded table) at a dotted path.
int klik_install(klik_sandbox *sb, const char *path, const unsigned char *functions, size_t functions_len,
                 const unsigned char *values, size_t values_len, klik_result *out);
/// Encoded array of the names of the functions in the module table.
int klik_module_names(klik_sandbox *sb, klik_result *out);
void klik_result_free(klik_result *r);
int klik_poisoned(const klik_sandbox *sb);
size_t klik_memory_in_use(const klik_sandbox *sb);
long klik_live_objects(const klik_sandbox *sb);

#endif
