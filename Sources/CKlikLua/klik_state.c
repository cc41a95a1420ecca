// Lifecycle of one sandboxed Lua state: capped allocator, budget hook, and the single funnel
// (klik_run) through which Swift enters Lua: protected preparation, lua_resume, stack restored.
#include "klik_internal.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <stdio.h>

const char KLIK_KEY_ENV, KLIK_KEY_MODULE, KLIK_KEY_LOADED, KLIK_KEY_PROXIES, KLIK_KEY_KILL, KLIK_KEY_JSON_ARRAY;
/// A finished coroutine kept for the next call (creating a thread per call costs an allocation and GC work).
static const char KLIK_KEY_SPARE_THREAD;

uint64_t klik_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

klik_sandbox *klik_from(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (klik_sandbox *)ud;
}

/// Total and per-allocation caps. For ptr == NULL, osize is a type tag; shrinks never fail.
static void *klik_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    klik_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && (nsize > sb->alloc_cap || nsize - old > sb->cap - sb->used)) {
        sb->alloc_failed = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) {
        if (nsize <= old) return ptr;   // the old block is still good
        sb->alloc_failed = 1;
        return NULL;
    }
    sb->used = sb->used - old + nsize;
    return p;
}

int klik_raise_kill(lua_State *L) {
    lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_KILL);  // anchored: no allocation
    return lua_error(L);
}

void klik_check_deadline(lua_State *L) {
    klik_sandbox *sb = klik_from(L);
    if (sb->killed || klik_now_ns() >= sb->deadline) {
        sb->killed = 1;
        klik_raise_kill(L);
    }
}

static void klik_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    klik_check_deadline(L);
}

static int klik_panic(lua_State *L) {
    (void)L;
    abort();   // unreachable by design: every entry is protected
}

static int klik_setup(lua_State *L) {
    lua_pushliteral(L, KLIK_KILL_MESSAGE);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_KILL);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_LOADED);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_PROXIES);
    klik_json_array_setup(L);
    return klik_build_env(L);
}

klik_sandbox *klik_open(const klik_config *c) {
    klik_sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) return NULL;
    sb->cap = c->memory_cap; sb->alloc_cap = c->allocation_cap; sb->max_source = c->max_source;
    sb->ctx = c->ctx; sb->host = c->host; sb->log = c->log;
    sb->deadline = UINT64_MAX;
    if (c->module_root) {
        char *real = realpath(c->module_root, NULL);
        if (real) {
            size_t n = strlen(real);
            sb->module_root = malloc(n + 2);
            if (sb->module_root) { memcpy(sb->module_root, real, n); strcpy(sb->module_root + n, n && real[n-1] == '/' ? "" : "/"); }
            free(real);
        }
    }
    sb->L = lua_newstate(klik_alloc, sb);
    if (!sb->L) { free(sb->module_root); free(sb); return NULL; }
    lua_atpanic(sb->L, klik_panic);
    lua_pushcfunction(sb->L, klik_setup);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) { klik_close(sb); return NULL; }
    lua_sethook(sb->L, klik_hook, LUA_MASKCOUNT, 1000);   // new threads copy it (5.4)
    lua_gc(sb->L, LUA_GCCOLLECT);
    return sb;
}

void klik_close(klik_sandbox *sb) {
    if (!sb) return;
    if (sb->L) lua_close(sb->L);   // no plugin finalizers exist: __gc is refused
    free(sb->pending);
    free(sb->module_root);
    free(sb);
}

int klik_poisoned(const klik_sandbox *sb) { return sb->killed; }
size_t klik_memory_in_use(const klik_sandbox *sb) { return sb->used; }
long klik_live_objects(const klik_sandbox *sb) { return sb->live + (sb->pending ? 1 : 0); }

void klik_result_free(klik_result *r) {
    free(r->message); free(r->traceback); free(r->data);
    memset(r, 0, sizeof *r);
}

static char *dup_bytes(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (p) { memcpy(p, s, n); p[n] = 0; }
    return p;
}

static int fail(klik_result *out, int kind, const char *msg, size_t n) {
    out->kind = kind;
    out->message = dup_bytes(msg, n);
    out->message_len = out->message ? n : 0;
    return kind;
}
#define FAIL(out, kind, lit) fail(out, kind, lit, strlen(lit))

typedef struct prep { int mode; const char *name; const unsigned char *payload; size_t len; int nargs; int kind; } prep;

/// Protected: builds a fresh thread holding the function and its arguments.
static int klik_prepare(lua_State *L) {
    prep *a = lua_touserdata(L, 1);
    lua_State *co = NULL;
    if (a->mode == KLIK_RUN_CALL_MODULE || a->mode == KLIK_RUN_CALL_GLOBAL) {
        // Reuse the spare thread when it finished cleanly (status OK, empty stack).
        if (lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_SPARE_THREAD) == LUA_TTHREAD) {
            co = lua_tothread(L, -1);
            lua_pushnil(L);
            lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_SPARE_THREAD);
            if (lua_status(co) != LUA_OK || lua_gettop(co) != 0) { lua_pop(L, 1); co = NULL; }
        } else {
            lua_pop(L, 1);
        }
    }
    if (!co) co = lua_newthread(L);
    if (a->mode == KLIK_RUN_TRUSTED || a->mode == KLIK_RUN_LOAD_MODULE) {
        int st = luaL_loadbufferx(L, (const char *)a->payload, a->len, a->name, "t");
        if (st != LUA_OK) { a->kind = st == LUA_ERRMEM ? KLIK_EMEMORY : KLIK_ESYNTAX;   /* parser nesting: "C stack overflow" */ return lua_error(L); }
        lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_ENV);
        lua_setupvalue(L, -2, 1);
        a->nargs = 0;
    } else {
        if (a->mode == KLIK_RUN_CALL_MODULE) lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_MODULE);
        else lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_ENV);
        if (lua_type(L, -1) != LUA_TTABLE) { a->kind = KLIK_ENOTFOUND; return luaL_error(L, "no module is loaded"); }
        lua_getfield(L, -1, a->name);   // the tables have no metatables: a raw read
        if (lua_type(L, -1) != LUA_TFUNCTION) { a->kind = KLIK_ENOTFOUND; return luaL_error(L, "no function named '%s'", a->name); }
        lua_remove(L, -2);
        a->nargs = klik_decode_values(L, a->payload, a->len);
    }
    if (!lua_checkstack(co, a->nargs + 1)) { a->kind = KLIK_EMEMORY; return luaL_error(L, "not enough memory"); }
    lua_xmove(L, co, a->nargs + 1);
    return 1;
}

/// Protected: the traceback of a failed coroutine (argument 1) with message (argument 2).
static int klik_traceback(lua_State *L) {
    luaL_traceback(L, lua_tothread(L, 1), lua_tostring(L, 2), 0);
    return 1;
}

/// Protected: keeps the thread at index 1 as the spare for the next call.
static int klik_keep_thread(lua_State *L) {
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_SPARE_THREAD);
    return 0;
}

static int klik_store_module(lua_State *L) {
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_MODULE);
    return 0;
}

/// Fills `out` from a failed coroutine or main-thread error at the top of `from`.
static void klik_error_result(klik_sandbox *sb, lua_State *co, int status, int hint, klik_result *out) {
    lua_State *L = sb->L;
    if (sb->killed) { FAIL(out, KLIK_EBUDGET, KLIK_KILL_MESSAGE); return; }
    int t = lua_type(co, -1);
    if (t != LUA_TSTRING) {
        char m[96];
        snprintf(m, sizeof m, "error object is not a string (a %s value)", lua_typename(co, t));
        fail(out, KLIK_ENONSTRING, m, strlen(m));
        return;
    }
    size_t n; const char *s = lua_tolstring(co, -1, &n);
    int kind = hint ? hint : KLIK_ERUNTIME;
    if (status == LUA_ERRMEM || (sb->alloc_failed && strcmp(s, "not enough memory") == 0)) kind = KLIK_EMEMORY;
    fail(out, kind, s, n);
    if (co != L && kind == KLIK_ERUNTIME && lua_checkstack(L, 3)) {
        lua_pushcfunction(L, klik_traceback);
        lua_pushthread(co); lua_xmove(co, L, 1);
        lua_pushvalue(co, -1); lua_xmove(co, L, 1);
        if (lua_pcall(L, 2, 1, 0) == LUA_OK) {
            size_t tn; const char *ts = lua_tolstring(L, -1, &tn);
            out->traceback = dup_bytes(ts, tn);
            out->traceback_len = out->traceback ? tn : 0;
        }
        lua_pop(L, 1);
    }
}

static void klik_flush_log(klik_sandbox *sb) {
    if (sb->log_dropped > 0 && sb->log) {
        char m[64];
        int n = snprintf(m, sizeof m, "... %ld log lines dropped", sb->log_dropped);
        sb->log(sb->ctx, 2, m, (size_t)n);
    }
    sb->log_lines = 0; sb->log_dropped = 0;
}

int klik_run(klik_sandbox *sb, int mode, const char *name, const unsigned char *payload,
             size_t len, uint64_t budget_ns, klik_result *out) {
    memset(out, 0, sizeof *out);
    if (sb->killed) return FAIL(out, KLIK_EREFUSED, "the state is poisoned (budget exceeded earlier)");
    if (sb->busy) return FAIL(out, KLIK_EREFUSED, "re-entrant call into the sandbox");
    if (mode == KLIK_RUN_TRUSTED || mode == KLIK_RUN_LOAD_MODULE) {
        if (len > sb->max_source) return FAIL(out, KLIK_EREFUSED, "source is larger than the limit");
        if (len > 0 && payload[0] == 0x1b) return FAIL(out, KLIK_EREFUSED, "binary chunks are refused");
    }
    lua_State *L = sb->L;
    if (sb->need_gc) { lua_gc(L, LUA_GCCOLLECT); sb->need_gc = 0; }
    if (sb->pending) { free(sb->pending); sb->pending = NULL; }
    int top = lua_gettop(L);
    sb->busy = 1; sb->alloc_failed = 0; sb->close_depth = 0;
    uint64_t now = klik_now_ns();
    sb->deadline = budget_ns > UINT64_MAX - now ? UINT64_MAX : now + budget_ns;
    prep a = { mode, name, payload, len, 0, 0 };
    if (!lua_checkstack(L, 8)) { FAIL(out, KLIK_EMEMORY, "not enough memory"); goto done; }
    lua_pushcfunction(L, klik_prepare);
    lua_pushlightuserdata(L, &a);
    int st = lua_pcall(L, 1, 1, 0);
    if (st != LUA_OK) { klik_error_result(sb, L, st, a.kind, out); goto done; }
    lua_State *co = lua_tothread(L, -1);
    int nres = 0;
    st = lua_resume(co, L, a.nargs, &nres);
    if (sb->killed) { FAIL(out, KLIK_EBUDGET, KLIK_KILL_MESSAGE); goto done; }
    if (st == LUA_YIELD) { FAIL(out, KLIK_ERUNTIME, "attempt to yield from a sandbox entry point"); goto done; }
    if (st != LUA_OK) {
        klik_error_result(sb, co, st, 0, out);
        lua_resetthread(co);   // runs pending __close handlers, still under the budget
        if (sb->killed) { klik_result_free(out); FAIL(out, KLIK_EBUDGET, KLIK_KILL_MESSAGE); }
        goto done;
    }
    if (mode == KLIK_RUN_LOAD_MODULE) {
        if (nres < 1 || lua_type(co, -nres) != LUA_TTABLE) { FAIL(out, KLIK_ERUNTIME, "the module must return a table"); goto done; }
        lua_settop(co, lua_gettop(co) - nres + 1);
        lua_xmove(co, L, 1);
        lua_pushcfunction(L, klik_store_module);
        lua_insert(L, -2);
        if ((st = lua_pcall(L, 1, 0, 0)) != LUA_OK) klik_error_result(sb, L, st, 0, out);
        goto done;
    }
    if (mode == KLIK_RUN_TRUSTED) goto done;
    klik_buf b = {0};
    if (!klik_encode_values(co, lua_gettop(co) - nres + 1, nres, &b)) {
        fail(out, KLIK_EREFUSED, b.err, strlen(b.err));
        klik_buf_free(&b);
        goto done;
    }
    out->data = b.p; out->data_len = b.len;
    lua_settop(co, 0);
    if (lua_status(co) == LUA_OK && lua_checkstack(L, 2)) {   // keep the finished thread for the next call
        lua_pushcfunction(L, klik_keep_thread);
        lua_pushthread(co);
        lua_xmove(co, L, 1);
        lua_pcall(L, 1, 0, 0);   // storing may allocate: protected (on failure the thread is simply not kept)
    }
done:
    if (sb->pending) { free(sb->pending); sb->pending = NULL; }
    klik_flush_log(sb);
    if (sb->alloc_failed) sb->need_gc = 1;
    lua_settop(L, top);
    sb->deadline = UINT64_MAX;
    sb->busy = 0;
    return out->kind;
}

typedef struct install { const char *path; const unsigned char *fns, *vals; size_t fnslen, valslen; } install;

/// Protected: walks/creates read-only proxies along the dotted path and fills the last one.
static int klik_install_p(lua_State *L) {
    install *a = lua_touserdata(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_PROXIES);  // 2
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_ENV);      // 3: current real table
    const char *p = a->path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0) return luaL_error(L, "invalid path");
        lua_pushlstring(L, p, n);                           // 4 key
        lua_pushvalue(L, 4);
        lua_rawget(L, 3);                                   // 5 existing
        if (lua_isnil(L, 5)) {
            lua_pop(L, 1);
            lua_newtable(L);                                // 5 proxy
            lua_newtable(L);                                // 6 real
            lua_createtable(L, 0, 3);                       // 7 metatable
            lua_pushvalue(L, 6); lua_setfield(L, 7, "__index");
            lua_pushliteral(L, "read-only"); lua_setfield(L, 7, "__metatable");
            lua_pushcfunction(L, klik_readonly_newindex); lua_setfield(L, 7, "__newindex");
            lua_setmetatable(L, 5);
            lua_pushvalue(L, 5); lua_pushvalue(L, 6); lua_rawset(L, 2);
            lua_pushvalue(L, 4); lua_pushvalue(L, 5); lua_rawset(L, 3);
        } else {
            lua_pushvalue(L, 5);
            lua_rawget(L, 2);                               // 6 real
            if (!lua_istable(L, 6)) return luaL_error(L, "path '%s' conflicts with an existing value", a->path);
        }
        lua_replace(L, 3);
        lua_settop(L, 3);
        p += n + (dot ? 1 : 0);
        if (dot && !*p) return luaL_error(L, "invalid path");
    }
    klik_decode_one(L, a->fns, a->fnslen);                 // 4: name -> id
    lua_pushnil(L);
    while (lua_next(L, 4)) {
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        lua_pushfstring(L, "%s.%s", a->path, lua_tostring(L, -2));
        lua_pushcclosure(L, klik_host_trampoline, 2);
        lua_rawset(L, 3);
        lua_pop(L, 1);
    }
    klik_decode_one(L, a->vals, a->valslen);               // 5: values
    lua_pushnil(L);
    while (lua_next(L, 5)) {
        lua_pushvalue(L, -2); lua_insert(L, -2);
        lua_rawset(L, 3);
    }
    return 0;
}

int klik_install(klik_sandbox *sb, const char *path, const unsigned char *fns, size_t fnslen,
                 const unsigned char *vals, size_t valslen, klik_result *out) {
    memset(out, 0, sizeof *out);
    if (sb->busy) return FAIL(out, KLIK_EREFUSED, "re-entrant call into the sandbox");
    lua_State *L = sb->L;
    int top = lua_gettop(L);
    install a = { path, fns, vals, fnslen, valslen };
    if (!lua_checkstack(L, 4)) return FAIL(out, KLIK_EMEMORY, "not enough memory");
    lua_pushcfunction(L, klik_install_p);
    lua_pushlightuserdata(L, &a);
    int st = lua_pcall(L, 1, 0, 0);
    if (st != LUA_OK) klik_error_result(sb, L, st, 0, out);
    lua_settop(L, top);
    return out->kind;
}

int klik_module_names(klik_sandbox *sb, klik_result *out) {
    memset(out, 0, sizeof *out);
    lua_State *L = sb->L;
    int top = lua_gettop(L);
    if (!lua_checkstack(L, 4)) return FAIL(out, KLIK_EMEMORY, "not enough memory");
    klik_buf b = {0};
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_MODULE);
    int count = 0;
    if (lua_istable(L, top + 1)) {
        lua_pushnil(L);
        while (lua_next(L, top + 1)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_rawget(L, top + 1);
            int isfn = lua_type(L, -1) == LUA_TFUNCTION && lua_type(L, -2) == LUA_TSTRING;
            lua_pop(L, 1);
            if (isfn) {
                if (!lua_checkstack(L, 2)) { lua_pop(L, 1); break; }
                lua_pushvalue(L, -1);
                lua_insert(L, top + 2);   // collect names below the key
                count++;
            }
        }
    }
    lua_remove(L, top + 1);
    if (!klik_encode_values(L, top + 1, count, &b)) { fail(out, KLIK_EREFUSED, b.err, strlen(b.err)); klik_buf_free(&b); }
    else { out->data = b.p; out->data_len = b.len; }
    lua_settop(L, top);
    return out->kind;
}
