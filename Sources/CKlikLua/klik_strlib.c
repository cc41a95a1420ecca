// Bounded string functions: find/match/gmatch/gsub on Klik's matcher, string.rep capped by
// result size, string.format without %p or addresses. No string.dump.
#define _GNU_SOURCE
#include "klik_match.h"
#include <string.h>

static size_t start_index(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++)
        if (strchr("^$*+?.([%-", p[i]) && p[i] != '\0') return 1;
    return 0;
}

static int find_aux(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls);
    if (init > ls + 1) { lua_pushnil(L); return 1; }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *hit = lp == 0 ? s + init - 1 : memmem(s + init - 1, ls - init + 1, p, lp);
        if (!hit) { lua_pushnil(L); return 1; }
        lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
        lua_pushinteger(L, (lua_Integer)(hit - s + lp));
        return 2;
    }
    int anchor = lp > 0 && *p == '^';
    if (anchor) { p++; lp--; }
    kmatch ms;
    kmatch_init(&ms, L, s, ls, p, lp);
    const char *at = s + init - 1;
    for (;;) {
        const char *e = kmatch_at(&ms, at, p);
        if (e) {
            if (!find) return kmatch_push_captures(&ms, at, e, 1);
            lua_pushinteger(L, (lua_Integer)(at - s) + 1);
            lua_pushinteger(L, (lua_Integer)(e - s));
            return kmatch_push_captures(&ms, NULL, NULL, 0) + 2;
        }
        if (anchor || at >= ms.src_end) break;
        at++;
    }
    lua_pushnil(L);
    return 1;
}

int klik_str_find(lua_State *L) { return find_aux(L, 1); }
int klik_str_match(lua_State *L) { return find_aux(L, 0); }

/// gmatch iterator; upvalues: subject, pattern, next position, end of the last match (-1: none).
static int gmatch_step(lua_State *L) {
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer last = lua_tointeger(L, lua_upvalueindex(4));
    kmatch ms;
    kmatch_init(&ms, L, s, ls, p, lp);
    for (const char *at = s + pos; at <= ms.src_end; at++) {
        const char *e = kmatch_at(&ms, at, p);
        if (e && e - s != last) {
            lua_pushinteger(L, (lua_Integer)(e - s));
            lua_pushvalue(L, -1);
            lua_replace(L, lua_upvalueindex(3));
            lua_replace(L, lua_upvalueindex(4));
            return kmatch_push_captures(&ms, at, e, 1);
        }
    }
    lua_pushinteger(L, (lua_Integer)ls + 1);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
}

int klik_str_gmatch(lua_State *L) {
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls);
    lua_settop(L, 2);
    lua_pushinteger(L, init > ls + 1 ? (lua_Integer)ls + 1 : (lua_Integer)init - 1);
    lua_pushinteger(L, -1);
    lua_pushcclosure(L, gmatch_step, 4);
    return 1;
}

static void add_replacement(kmatch *ms, luaL_Buffer *b, const char *s, const char *e, int tr) {
    lua_State *L = ms->L;
    if (tr == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = kmatch_push_captures(ms, s, e, 1);
        lua_call(L, n, 1);
    } else if (tr == LUA_TTABLE) {
        kmatch_push_one(ms, 0, s, e);
        lua_gettable(L, 3);
    } else {
        size_t lr;
        const char *r = lua_tolstring(L, 3, &lr);
        for (size_t i = 0; i < lr; i++) {
            if (r[i] != '%') { luaL_addchar(b, r[i]); continue; }
            if (++i >= lr) luaL_error(L, "invalid use of '%%' in replacement string");
            if (r[i] == '%') luaL_addchar(b, '%');
            else if (r[i] == '0') luaL_addlstring(b, s, (size_t)(e - s));
            else if (r[i] >= '1' && r[i] <= '9') {
                kmatch_push_one(ms, r[i] - '1', s, e);
                luaL_tolstring(L, -1, NULL);   // a string or a position (integer)
                lua_remove(L, -2);
                luaL_addvalue(b);
            } else luaL_error(L, "invalid use of '%%' in replacement string");
        }
        return;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

int klik_str_gsub(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int tr = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    int anchor = lp > 0 && *p == '^';
    if (anchor) { p++; lp--; }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    kmatch ms;
    kmatch_init(&ms, L, s, ls, p, lp);
    const char *at = s, *last = NULL;
    lua_Integer n = 0;
    while (n < max) {
        const char *e = kmatch_at(&ms, at, p);
        if (e && e != last) {
            n++;
            add_replacement(&ms, &b, at, e, tr);
            at = last = e;
        } else if (at < ms.src_end) {
            luaL_addchar(&b, *at++);
        } else break;
        if (anchor) break;
    }
    luaL_addlstring(&b, at, (size_t)(ms.src_end - at));
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    return 2;
}

static int k_rep(lua_State *L) {
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || (l == 0 && lsep == 0)) { lua_pushliteral(L, ""); return 1; }
    size_t limit = klik_from(L)->alloc_cap, unit = l + lsep;
    if ((lua_Unsigned)(n - 1) > limit / unit) return luaL_error(L, "string.rep: result is too large");
    size_t total = l * (size_t)n + lsep * (size_t)(n - 1);
    if (total > limit) return luaL_error(L, "string.rep: result is too large");
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, total);
    for (lua_Integer i = 0; i < n; i++) {
        memcpy(out, s, l); out += l;
        if (i + 1 < n) { memcpy(out, sep, lsep); out += lsep; }
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

/// string.format: refuses %p; %s of a non-string goes through the safe tostring.
static int k_format(lua_State *L) {
    size_t lf;
    const char *f = luaL_checklstring(L, 1, &lf);
    int top = lua_gettop(L), arg = 1;
    for (size_t i = 0; i < lf; i++) {
        if (f[i] != '%') continue;
        if (++i >= lf || f[i] == '%') continue;
        arg++;
        while (i < lf && f[i] != '\0' && strchr("-+ #0123456789.", f[i])) i++;
        if (i >= lf) break;
        if (f[i] == 'p') return luaL_error(L, "string.format: '%%p' is not available");
        if (f[i] == 's' && arg <= top) {
            int t = lua_type(L, arg);
            if (t != LUA_TSTRING && t != LUA_TNUMBER) { klik_tostring(L, arg, NULL); lua_replace(L, arg); }
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, 1);
    return 1;
}

void klik_open_strings(lua_State *L) {
    lua_pushcclosure(L, k_format, 1);     // consumes the original format
    lua_setfield(L, -2, "format");
    static const luaL_Reg fns[] = { { "find", klik_str_find }, { "match", klik_str_match },
        { "gmatch", klik_str_gmatch }, { "gsub", klik_str_gsub }, { "rep", k_rep }, { NULL, NULL } };
    luaL_setfuncs(L, fns, 0);
}
