// Binary value codec between Lua and Swift. Tags: 0 nil, 1 false, 2 true, 3 int64 (LE),
// 4 double (LE bits), 5 string (u32 length + bytes), 6 array (u32 n + values),
// 7 table (u32 n + key/value pairs; keys are strings or integers).
// An empty Lua table is a table (7) unless it carries the JSON-array marker metatable; an empty
// array (6 with 0 elements) decodes to a table carrying that marker, so `[]` round-trips.
// The encoder only reads (it never raises); the decoder pushes and may raise.
#include "klik_internal.h"
#include <stdlib.h>
#include <string.h>

#define KLIK_MAX_NODES 4000000L
#define KLIK_MAX_OUTPUT ((size_t)64 << 20)   /* shared subtables can multiply the size */

void klik_buf_free(klik_buf *b) { free(b->p); b->p = NULL; b->len = b->cap = 0; }

void klik_json_array_setup(lua_State *L) {
    lua_createtable(L, 0, 1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");   // getmetatable answers false; setmetatable refuses
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_JSON_ARRAY);
}

/// True when the table at idx carries the JSON-array marker. Never raises (no allocation).
static int is_marked_array(lua_State *L, int idx) {
    if (!lua_getmetatable(L, idx)) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_JSON_ARRAY);
    int marked = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return marked;
}

int klik_json_array(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lua_getmetatable(L, 1)) {
        lua_pop(L, 1);
        if (is_marked_array(L, 1)) return 1;   // already an array: nothing to change
        return luaL_error(L, "klik.json.array: the table already has a metatable");
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_JSON_ARRAY);
    lua_setmetatable(L, 1);
    return 1;
}

static int put(klik_buf *b, const void *src, size_t n) {
    if (b->len + n > KLIK_MAX_OUTPUT) { b->err = "value is too large to pass to the host"; return 0; }
    if (b->len + n > b->cap) {
        size_t c = b->cap ? b->cap * 2 : 256;
        while (c < b->len + n) c *= 2;
        unsigned char *p = realloc(b->p, c);
        if (!p) { b->err = "out of host memory while converting a value"; return 0; }
        b->p = p; b->cap = c;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
    return 1;
}
static int put_u8(klik_buf *b, unsigned v) { unsigned char c = (unsigned char)v; return put(b, &c, 1); }
static int put_u32(klik_buf *b, size_t v) {
    unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
    return put(b, c, 4);
}
static int put_u64(klik_buf *b, uint64_t v) {
    unsigned char c[8];
    for (int i = 0; i < 8; i++) c[i] = (unsigned char)(v >> (8 * i));
    return put(b, c, 8);
}

static int encode(lua_State *L, int idx, klik_buf *b, int depth, const void **path);

static int encode_table(lua_State *L, int idx, klik_buf *b, int depth, const void **path) {
    const void *me = lua_topointer(L, idx);
    for (int i = 0; i < depth; i++)
        if (path[i] == me) { b->err = "cannot convert a table that contains itself (cycle)"; return 0; }
    if (depth >= KLIK_MAX_DEPTH) { b->err = "table nesting is deeper than 64"; return 0; }
    if (!lua_checkstack(L, 4)) { b->err = "out of stack while converting a value"; return 0; }
    path[depth] = me;
    lua_Unsigned n = lua_rawlen(L, idx), count = 0;
    int is_array = n >= 1;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        count++;
        int kt = lua_type(L, -2);
        if (kt == LUA_TNUMBER && lua_isinteger(L, -2)) {
            lua_Integer k = lua_tointeger(L, -2);
            if (k < 1 || (lua_Unsigned)k > n) is_array = 0;
        } else if (kt == LUA_TSTRING) {
            is_array = 0;
        } else {
            lua_pop(L, 2);
            b->err = "cannot convert a table key that is not a string or an integer";
            return 0;
        }
        lua_pop(L, 1);
    }
    if (count > UINT32_MAX) { b->err = "table is too large"; return 0; }
    if (count == 0 && is_marked_array(L, idx)) return put_u8(b, 6) && put_u32(b, 0);
    if (is_array && count == n) {
        if (!put_u8(b, 6) || !put_u32(b, (size_t)n)) return 0;
        for (lua_Unsigned i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i);
            int ok = encode(L, lua_gettop(L), b, depth + 1, path);
            lua_pop(L, 1);
            if (!ok) return 0;
        }
        return 1;
    }
    if (!put_u8(b, 7) || !put_u32(b, (size_t)count)) return 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int top = lua_gettop(L);
        if (!encode(L, top - 1, b, depth + 1, path) || !encode(L, top, b, depth + 1, path)) { lua_pop(L, 2); return 0; }
        lua_pop(L, 1);
    }
    return 1;
}

static int encode(lua_State *L, int idx, klik_buf *b, int depth, const void **path) {
    if (++b->nodes > KLIK_MAX_NODES) { b->err = "value has too many elements to pass to the host"; return 0; }
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return put_u8(b, 0);
    case LUA_TBOOLEAN: return put_u8(b, lua_toboolean(L, idx) ? 2 : 1);
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return put_u8(b, 3) && put_u64(b, (uint64_t)lua_tointeger(L, idx));
        else {
            double d = lua_tonumber(L, idx); uint64_t u; memcpy(&u, &d, 8);
            return put_u8(b, 4) && put_u64(b, u);
        }
    case LUA_TSTRING: {
        size_t n; const char *s = lua_tolstring(L, idx, &n);
        if (n > UINT32_MAX) { b->err = "string is too large"; return 0; }
        return put_u8(b, 5) && put_u32(b, n) && put(b, s, n);
    }
    case LUA_TTABLE: return encode_table(L, idx, b, depth, path);
    case LUA_TFUNCTION: b->err = "cannot convert a function value"; return 0;
    case LUA_TTHREAD: b->err = "cannot convert a thread (coroutine) value"; return 0;
    default: b->err = "cannot convert a userdata value"; return 0;
    }
}

int klik_encode_values(lua_State *L, int first, int n, klik_buf *b) {
    const void *path[KLIK_MAX_DEPTH + 1];
    b->err = NULL; b->nodes = 0;
    if (!put_u8(b, 6) || !put_u32(b, (size_t)n)) return 0;
    for (int i = 0; i < n; i++)
        if (!encode(L, first + i, b, 0, path)) return 0;
    return 1;
}

typedef struct reader { const unsigned char *p, *end; } reader;

static void need(lua_State *L, reader *r, size_t n) {
    if ((size_t)(r->end - r->p) < n) luaL_error(L, "malformed value buffer");
}
static uint32_t get_u32(lua_State *L, reader *r) {
    need(L, r, 4);
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}
static uint64_t get_u64(lua_State *L, reader *r) {
    need(L, r, 8);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)r->p[i] << (8 * i);
    r->p += 8;
    return v;
}

static void decode(lua_State *L, reader *r, int depth) {
    if (depth > KLIK_MAX_DEPTH + 1) luaL_error(L, "value nesting is too deep");
    luaL_checkstack(L, 4, "value nesting");
    need(L, r, 1);
    unsigned tag = *r->p++;
    switch (tag) {
    case 0: lua_pushnil(L); break;
    case 1: lua_pushboolean(L, 0); break;
    case 2: lua_pushboolean(L, 1); break;
    case 3: lua_pushinteger(L, (lua_Integer)get_u64(L, r)); break;
    case 4: { uint64_t u = get_u64(L, r); double d; memcpy(&d, &u, 8); lua_pushnumber(L, d); break; }
    case 5: { uint32_t n = get_u32(L, r); need(L, r, n); lua_pushlstring(L, (const char *)r->p, n); r->p += n; break; }
    case 6: {
        uint32_t n = get_u32(L, r);
        lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
        if (n == 0) {
            lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_JSON_ARRAY);
            lua_setmetatable(L, -2);
        }
        for (uint32_t i = 1; i <= n; i++) { decode(L, r, depth + 1); lua_rawseti(L, -2, i); }
        break;
    }
    case 7: {
        uint32_t n = get_u32(L, r);
        lua_createtable(L, 0, (int)(n < 1024 ? n : 1024));
        for (uint32_t i = 0; i < n; i++) {
            decode(L, r, depth + 1);
            if (lua_isnil(L, -1)) luaL_error(L, "malformed value buffer (nil key)");
            decode(L, r, depth + 1);
            lua_rawset(L, -3);
        }
        break;
    }
    default: luaL_error(L, "malformed value buffer (tag %d)", (int)tag);
    }
}

int klik_decode_values(lua_State *L, const unsigned char *p, size_t len) {
    reader r = { p, p + len };
    need(L, &r, 1);
    if (*r.p++ != 6) luaL_error(L, "malformed value buffer (not an array)");
    uint32_t n = get_u32(L, &r);
    if (n > 10000) luaL_error(L, "too many values");
    luaL_checkstack(L, (int)n + 4, "too many values");
    for (uint32_t i = 0; i < n; i++) decode(L, &r, 0);
    return (int)n;
}

void klik_decode_one(lua_State *L, const unsigned char *p, size_t len) {
    reader r = { p, p + len };
    decode(L, &r, 0);
}
