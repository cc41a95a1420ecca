// Bridges from plugin code to the host: host-function trampoline (Swift runs between two
// C frames and never sees a Lua error), rate-limited print/warn, and require for own modules.
#include "klik_internal.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

int klik_host_trampoline(lua_State *L) {
    klik_sandbox *sb = klik_from(L);
    if (sb->pending) { free(sb->pending); sb->pending = NULL; }
    int id = (int)lua_tointeger(L, lua_upvalueindex(1));
    klik_buf args = {0};
    if (!klik_encode_values(L, 1, lua_gettop(L), &args)) {
        const char *why = args.err;    // static text
        klik_buf_free(&args);
        return luaL_error(L, "%s: %s", lua_tostring(L, lua_upvalueindex(2)), why);
    }
    unsigned char *out = NULL;
    size_t outlen = 0;
    int rc = sb->host ? sb->host(sb->ctx, id, args.p, args.len, &out, &outlen) : 1;
    klik_buf_free(&args);
    sb->pending = out;                 // released below, or by the next entry if a push raises
    if (rc != 0) {
        if (out) lua_pushlstring(L, (const char *)out, outlen);
        else lua_pushliteral(L, "host function failed");
        free(sb->pending); sb->pending = NULL;
        return lua_error(L);
    }
    int n = out ? klik_decode_values(L, out, outlen) : 0;
    free(sb->pending); sb->pending = NULL;
    return n;
}

/// Joins the arguments with tabs (as print does) and hands the line to the log, rate-limited.
static int emit(lua_State *L, int level, int strings_only) {
    klik_sandbox *sb = klik_from(L);
    int n = lua_gettop(L);
    if (strings_only) for (int i = 1; i <= n; i++) luaL_checkstring(L, i);
    if (strings_only && n == 1 && lua_tostring(L, 1)[0] == '@') return 0;   // warn control message
    if (sb->log_lines >= KLIK_LOG_LINES) { sb->log_dropped++; return 0; }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        size_t len;
        if (i > 1) luaL_addchar(&b, '\t');
        const char *s = klik_tostring(L, i, &len);   // pushed above the buffer's own slot
        if (len > KLIK_LOG_LINE_BYTES) {
            lua_pushlstring(L, s, KLIK_LOG_LINE_BYTES);
            lua_remove(L, -2);
        }
        luaL_addvalue(&b);
        if (luaL_bufflen(&b) > KLIK_LOG_LINE_BYTES) break;
    }
    luaL_pushresult(&b);
    size_t len;
    const char *line = lua_tolstring(L, -1, &len);
    if (len > KLIK_LOG_LINE_BYTES) len = KLIK_LOG_LINE_BYTES;
    sb->log_lines++;
    if (sb->log) sb->log(sb->ctx, level, line, len);
    return 0;
}

int klik_print(lua_State *L) { return emit(L, 1, 0); }
int klik_warn(lua_State *L) { return emit(L, 2, 1); }

static int valid_module_name(const char *s, size_t n) {
    if (n == 0 || n > 200 || s[0] == '.' || s[n - 1] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' && s[i + 1] == '.') return 0;
        if (!(c == '.' || c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
    }
    return 1;
}

/// require(name): only <module_root>/<name with dots as slashes>.lua, as text, cached per state.
int klik_require(lua_State *L) {
    klik_sandbox *sb = klik_from(L);
    size_t n;
    const char *name = luaL_checklstring(L, 1, &n);
    lua_settop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_LOADED);   // 2
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) != LUA_TNIL) {
        if (lua_type(L, -1) == LUA_TLIGHTUSERDATA) return luaL_error(L, "require: loop while loading '%s'", name);
        return 1;
    }
    lua_pop(L, 1);
    if (!valid_module_name(name, n) || !sb->module_root) return luaL_error(L, "module '%s' not found", name);
    char path[4096];
    int plen = snprintf(path, sizeof path, "%s%s.lua", sb->module_root, name);
    if (plen < 0 || (size_t)plen >= sizeof path) return luaL_error(L, "module '%s' not found", name);
    for (char *p = path + strlen(sb->module_root); *p; p++) if (*p == '.' && strcmp(p, ".lua") != 0) *p = '/';
    char *real = realpath(path, NULL);
    int inside = real && strncmp(real, sb->module_root, strlen(sb->module_root)) == 0;
    struct stat st;
    int ok = inside && stat(real, &st) == 0 && S_ISREG(st.st_mode);
    if (!ok) { free(real); return luaL_error(L, "module '%s' not found", name); }
    if ((size_t)st.st_size > sb->max_source) { free(real); return luaL_error(L, "module '%s' is larger than the limit", name); }
    size_t size = (size_t)st.st_size;
    char *text = lua_newuserdatauv(L, size ? size : 1, 0);   // 3: may raise, so before fopen
    FILE *f = fopen(real, "rb");
    free(real);
    size_t got = f ? fread(text, 1, size, f) : 0;
    if (f) fclose(f);
    if (got != size) return luaL_error(L, "module '%s' could not be read", name);
    if (size > 0 && text[0] == 0x1b) return luaL_error(L, "module '%s': binary chunks are refused", name);
    lua_pushfstring(L, "@%s.lua", name);
    if (luaL_loadbufferx(L, text, size, lua_tostring(L, -1), "t") != LUA_OK) return lua_error(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KLIK_KEY_ENV);
    lua_setupvalue(L, -2, 1);
    lua_pushvalue(L, 1);
    lua_pushlightuserdata(L, (void *)&KLIK_KEY_LOADED);    // "loading" marker
    lua_rawset(L, 2);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {   // forget the marker, then rethrow
        lua_pushvalue(L, 1); lua_pushnil(L); lua_rawset(L, 2);
        if (sb->killed) return klik_raise_kill(L);
        return lua_error(L);
    }
    if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, 2);
    return 1;
}
