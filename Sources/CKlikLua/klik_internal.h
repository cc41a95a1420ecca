// Private declarations shared by the C files of the sandbox.
#ifndef KLIK_INTERNAL_H
#define KLIK_INTERNAL_H
#include "klik_lua.h"
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

#define KLIK_KILL_MESSAGE "klik: time budget exceeded"
#define KLIK_MAX_DEPTH 64
#define KLIK_LOG_LINES 100
#define KLIK_LOG_LINE_BYTES 4096

struct klik_sandbox {
    lua_State *L;
    size_t used, cap, alloc_cap, max_source;
    char *module_root;            // realpath with trailing '/', or NULL
    void *ctx;
    klik_host_fn host;
    klik_log_fn log;
    uint64_t deadline;            // monotonic ns
    int killed;                   // budget tripped: poisoned for good
    int alloc_failed;             // an allocation was refused during this run
    int need_gc;                  // full collection due before the next run
    int busy;
    int close_depth;              // nesting of coroutine.close
    int log_lines; long log_dropped;
    unsigned char *pending; // host result buffer not yet released
    long live;                    // malloc'd bridge buffers not yet released
};

/// Registry keys (addresses are unique).
extern const char KLIK_KEY_ENV, KLIK_KEY_MODULE, KLIK_KEY_LOADED, KLIK_KEY_PROXIES, KLIK_KEY_KILL;
/// The shared metatable marking a table as a JSON array: an empty marked table crosses the
/// bridge as an empty array, not as an empty object. Plain table, no __gc, __metatable = false.
extern const char KLIK_KEY_JSON_ARRAY;

klik_sandbox *klik_from(lua_State *L);
uint64_t klik_now_ns(void);
/// Raises the kill error (the state is already marked killed).
int klik_raise_kill(lua_State *L);
/// Checks the deadline from C loops; raises the kill error when it has passed.
void klik_check_deadline(lua_State *L);

/// Growable malloc'd buffer; the encoder never raises a Lua error.
typedef struct klik_buf { unsigned char *p; size_t len, cap; const char *err; long nodes; } klik_buf;
void klik_buf_free(klik_buf *b);
/// Encodes stack values [first, first+n) as an array. Returns 0 and sets b->err on refusal.
int klik_encode_values(lua_State *L, int first, int n, klik_buf *b);
/// Pushes the values of an encoded array; returns how many. Raises on malformed input / memory.
int klik_decode_values(lua_State *L, const unsigned char *p, size_t len);
/// Pushes one encoded value (must be the whole buffer). Raises on malformed input / memory.
void klik_decode_one(lua_State *L, const unsigned char *p, size_t len);
/// Creates the JSON-array marker metatable in the registry (state setup).
void klik_json_array_setup(lua_State *L);
/// `__klik_json_array(t)`: marks `t` as a JSON array and returns it; the prelude exposes it as
/// `klik.json.array`. Refuses a table that has another metatable.
int klik_json_array(lua_State *L);

/// Builds the plugin env (allowlisted globals and wrappers) and leaves it in the registry.
int klik_build_env(lua_State *L);
/// Fills `lib` (at the top of the stack) with the bounded string functions.
void klik_open_strings(lua_State *L);
/// The bounded pattern functions.
int klik_str_find(lua_State *L);
int klik_str_match(lua_State *L);
int klik_str_gmatch(lua_State *L);
int klik_str_gsub(lua_State *L);
/// Safe tostring: never shows addresses. Pushes the result.
const char *klik_tostring(lua_State *L, int idx, size_t *len);
int klik_host_trampoline(lua_State *L);
/// __newindex of kernel proxies: always refuses.
int klik_readonly_newindex(lua_State *L);

#endif
