// Lua 5.4 for Swift: the C headers plus prefixed inline wrappers for the function-like
// macros that do not import (lua_pop, lua_pcall, lua_tostring, ...).
#ifndef KLIK_CLUA_SHIM_H
#define KLIK_CLUA_SHIM_H
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

static inline void klua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void klua_newtable(lua_State *L) { lua_newtable(L); }
static inline int klua_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
static inline const char *klua_tolstring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
static inline int klua_isnil(lua_State *L, int idx) { return lua_isnil(L, idx); }
static inline int klua_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline int klua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int klua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline lua_Integer klua_tointeger(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
static inline lua_Number klua_tonumber(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }
static inline void klua_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline void klua_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void klua_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void klua_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int klua_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
static inline void *klua_getextraspace(lua_State *L) { return lua_getextraspace(L); }
static inline int klua_yield(lua_State *L, int n) { return lua_yield(L, n); }
#endif
