// The plugin environment: an allowlist of the base, table, string, math, utf8 and coroutine
// libraries, with wrappers for everything that could escape, hang, or leak addresses.
#include "klik_internal.h"
#include <string.h>
#ifdef __linux__
#include <sys/random.h>
#else
#include <stdlib.h>
#endif

#define KLIK_MOVE_MAX ((lua_Unsigned)1 << 20)
#define KLIK_CLOSE_DEPTH 8
#define KLIK_SORT_MAX ((lua_Integer)1 << 18)   // C sort never sees the hook: ~0.1-0.2 s at most

static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
    if (klik_from(L)->killed) return klik_raise_kill(L);   // the kill cannot be swallowed
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int k_pcall(lua_State *L) {
    luaL_checkany(L, 1);
    int n = lua_gettop(L);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return finish_pcall(L, lua_pcallk(L, n - 1, LUA_MULTRET, 0, 0, finish_pcall), 0);
}

/// Message handler around the plugin's: never runs the plugin's handler for the kill error.
static int xpcall_handler(lua_State *L) {
    if (klik_from(L)->killed) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int k_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2);          // f, handler, args...
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);        // f, handler, true, f, args...
    return finish_pcall(L, lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall), 2);
}

const char *klik_tostring(lua_State *L, int idx, size_t *len) {
    idx = lua_absindex(L, idx);
    if (luaL_callmeta(L, idx, "__tostring")) {
        if (!lua_isstring(L, -1)) luaL_error(L, "'__tostring' must return a string");
    } else {
        switch (lua_type(L, idx)) {
        case LUA_TNUMBER: case LUA_TSTRING: lua_pushvalue(L, idx); break;
        case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false"); break;
        default: lua_pushstring(L, luaL_typename(L, idx)); break;   // never an address
        }
    }
    return lua_tolstring(L, -1, len);
}

static int k_tostring(lua_State *L) {
    luaL_checkany(L, 1);
    klik_tostring(L, 1, NULL);
    return 1;
}

/// setmetatable refusing any metatable that has a __gc field (finalizers run with hooks off).
/// What holds: Lua 5.4 marks an object for finalization only if __gc is present when the
/// metatable is set, so adding __gc later (mt.__gc = f, or rawset) is never honoured; and the
/// plugin cannot create userdata. Protected metatables (__metatable set) cannot be replaced.
static int k_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "setmetatable: metatables with __gc are refused");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

static int k_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "rawset: the table is protected");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

int klik_readonly_newindex(lua_State *L) {
    return luaL_error(L, "kernel tables are read-only");
}

static int k_collectgarbage(lua_State *L) {
    const char *opt = luaL_optstring(L, 1, "count");
    if (strcmp(opt, "count") != 0) return luaL_error(L, "collectgarbage: only \"count\" is available");
    lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) + (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
    return 1;
}

static int k_load(lua_State *L) {
    klik_sandbox *sb = klik_from(L);
    if (lua_type(L, 1) != LUA_TSTRING) return luaL_error(L, "load: only source strings are accepted");
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *refusal = n > sb->max_source ? "load: chunk is larger than the limit"
                        : (n > 0 && s[0] == 0x1b) ? "load: binary chunks are refused" : NULL;
    if (refusal) { lua_pushnil(L); lua_pushstring(L, refusal); return 2; }
    if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) { lua_pushnil(L); lua_insert(L, -2); return 2; }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_ENV);   // env forced, whatever was asked
    lua_setupvalue(L, -2, 1);
    return 1;
}

static int k_resume(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    if (klik_from(L)->killed) return klik_raise_kill(L);
    return lua_gettop(L);
}

/// coroutine.close with bounded nesting (5.4.4 can overflow the C stack through __close chains).
static int k_close(lua_State *L) {
    klik_sandbox *sb = klik_from(L);
    if (sb->close_depth >= KLIK_CLOSE_DEPTH) return luaL_error(L, "coroutine.close nested too deeply");
    sb->close_depth++;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    sb->close_depth--;
    if (sb->killed) return klik_raise_kill(L);
    if (st != LUA_OK) return lua_error(L);
    return lua_gettop(L);
}

static int k_tmove(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3), t = luaL_checkinteger(L, 4);
    int tt = lua_isnoneornil(L, 5) ? 1 : 5;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, tt, LUA_TTABLE);
    if (e >= f) {
        lua_Unsigned span = (lua_Unsigned)e - (lua_Unsigned)f;
        if (span >= KLIK_MOVE_MAX) return luaL_error(L, "table.move: range is too large");
        luaL_argcheck(L, t <= LUA_MAXINTEGER - (lua_Integer)span, 4, "destination wrap around");
        int forward = t > e || t <= f || (tt != 1 && !lua_rawequal(L, 1, tt));
        for (lua_Unsigned i = 0; i <= span; i++) {
            lua_Integer k = forward ? (lua_Integer)i : (lua_Integer)(span - i);
            lua_geti(L, 1, f + k);
            lua_seti(L, tt, t + k);
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

/// table.sort refuses arrays too large to sort within a budget (the C sort never sees the hook).
static int k_sort(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (luaL_len(L, 1) > KLIK_SORT_MAX) return luaL_error(L, "table.sort: too many elements");
    klik_check_deadline(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

/// Seeds the generator from the OS, never from time or addresses; returns nothing (5.4.4's
/// math.randomseed() returns its seed, which includes the address of the lua_State).
static void push_os_seed(lua_State *L) {
    lua_Integer seed[2] = { 0, 0 };
#ifdef __linux__
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) seed[0] = (lua_Integer)klik_now_ns();
#else
    arc4random_buf(seed, sizeof seed);
#endif
    lua_pushinteger(L, seed[0]);
    lua_pushinteger(L, seed[1]);
}

static int k_randomseed(lua_State *L) {
    if (lua_isnone(L, 1)) push_os_seed(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

int klik_print(lua_State *L);
int klik_warn(lua_State *L);
int klik_require(lua_State *L);

/// Copies the named fields of the table at `src` into the table at the top.
static void copy_fields(lua_State *L, int src, const char *const *names) {
    for (; *names; names++) {
        lua_getfield(L, src, *names);
        lua_setfield(L, -2, *names);
    }
}

/// Opens a library without publishing it anywhere the plugin can reach; leaves it on the stack.
static int open_lib(lua_State *L, const char *name, lua_CFunction f) {
    luaL_requiref(L, name, f, 0);
    return lua_gettop(L);
}

int klik_build_env(lua_State *L) {
    static const char *const base[] = { "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget",
        "rawlen", "select", "tonumber", "type", "getmetatable", "_VERSION", NULL };
    static const char *const strs[] = { "byte", "char", "len", "lower", "upper", "reverse", "sub",
        "pack", "packsize", "unpack", NULL };
    static const char *const tabs[] = { "concat", "insert", "pack", "remove", "unpack", NULL };
    static const char *const maths[] = { "abs", "ceil", "floor", "fmod", "modf", "huge", "pi", "maxinteger",
        "mininteger", "sqrt", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "tointeger",
        "type", "ult", "max", "min", "random", NULL };
    static const char *const utfs[] = { "char", "charpattern", "codepoint", "codes", "len", "offset", NULL };
    static const char *const coros[] = { "create", "isyieldable", "running", "status", "wrap", "yield", NULL };
    static const luaL_Reg wrapped[] = { { "pcall", k_pcall }, { "xpcall", k_xpcall }, { "tostring", k_tostring },
        { "setmetatable", k_setmetatable }, { "rawset", k_rawset }, { "collectgarbage", k_collectgarbage },
        { "load", k_load }, { "print", klik_print }, { "warn", klik_warn }, { "require", klik_require },
        { "__klik_json_array", klik_json_array },   // captured and hidden by the kernel prelude
        { NULL, NULL } };

    int g = open_lib(L, "_G", luaopen_base);
    int s = open_lib(L, "string", luaopen_string);
    int t = open_lib(L, "table", luaopen_table);
    int m = open_lib(L, "math", luaopen_math);   // math.random keeps its state per lua_State
    int u = open_lib(L, "utf8", luaopen_utf8);
    int c = open_lib(L, "coroutine", luaopen_coroutine);

    lua_newtable(L);                              // env
    int env = lua_gettop(L);
    copy_fields(L, g, base);
    luaL_setfuncs(L, wrapped, 0);
    lua_pushvalue(L, env); lua_setfield(L, env, "_G");

    lua_newtable(L); copy_fields(L, s, strs);
    lua_getfield(L, s, "format");
    klik_open_strings(L);                          // consumes the original format
    lua_pushvalue(L, -1); lua_setfield(L, env, "string");
    lua_pushliteral(L, "");                        // all strings share this metatable
    lua_getmetatable(L, -1);
    lua_pushvalue(L, -3); lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0); lua_setfield(L, -2, "__metatable");
    lua_pop(L, 3);

    lua_newtable(L); copy_fields(L, t, tabs);
    lua_pushcfunction(L, k_tmove); lua_setfield(L, -2, "move");
    lua_getfield(L, t, "sort"); lua_pushcclosure(L, k_sort, 1); lua_setfield(L, -2, "sort");
    lua_setfield(L, env, "table");
    lua_newtable(L); copy_fields(L, m, maths);
    lua_getfield(L, m, "randomseed");
    lua_pushvalue(L, -1); push_os_seed(L); lua_call(L, 2, 0);   // replace the address-based seed
    lua_pushcclosure(L, k_randomseed, 1); lua_setfield(L, -2, "randomseed");
    lua_setfield(L, env, "math");
    lua_newtable(L); copy_fields(L, u, utfs); lua_setfield(L, env, "utf8");
    lua_newtable(L); copy_fields(L, c, coros);
    lua_getfield(L, c, "resume"); lua_pushcclosure(L, k_resume, 1); lua_setfield(L, -2, "resume");
    lua_getfield(L, c, "close"); lua_pushcclosure(L, k_close, 1); lua_setfield(L, -2, "close");
    lua_setfield(L, env, "coroutine");

    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_ENV);
    lua_settop(L, 0);
    return 0;
}
