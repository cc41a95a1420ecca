// Backtracking matcher for Lua 5.4 patterns, written for Klik. Every step counts against a
// budget, and the deadline is checked periodically, so no pattern can run away.
#include "klik_match.h"
#include <ctype.h>
#include <string.h>

#define CAP_OPEN (-1)
#define CAP_POS (-2)

static void tick(kmatch *ms) {
    if (--ms->steps <= 0) luaL_error(ms->L, "pattern too complex (step budget exhausted)");
    if ((ms->steps & 0xFFFF) == 0) klik_check_deadline(ms->L);
}

void kmatch_init(kmatch *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    ms->L = L; ms->src = s; ms->src_end = s + ls; ms->pat_end = p + lp;
    ms->level = 0; ms->depth = 0; ms->steps = KLIK_MATCH_STEPS;
}

/// End of the single pattern item (char, %x, [set] or .) that starts at p.
static const char *item_end(kmatch *ms, const char *p) {
    const char *end = ms->pat_end;
    char c = *p++;
    if (c == '%') {
        if (p >= end) luaL_error(ms->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c != '[') return p;
    if (p < end && *p == '^') p++;
    for (int first = 1;; first = 0) {
        if (p >= end) luaL_error(ms->L, "malformed pattern (missing ']')");
        if (*p == ']' && !first) return p + 1;
        if (*p == '%' && ++p >= end) luaL_error(ms->L, "malformed pattern (missing ']')");
        p++;
    }
}

static int class_match(int c, int cl) {
    int r;
    switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = c == 0; break;   /* deprecated in 5.4, still accepted */
    default: return cl == c;
    }
    r = r != 0;
    return isupper(cl) ? !r : r;
}

/// p points at '[', close at the matching ']'.
static int set_match(int c, const char *p, const char *close) {
    int negate = 0;
    p++;
    if (*p == '^') { negate = 1; p++; }
    while (p < close) {
        if (*p == '%' && p + 1 < close) {
            if (class_match(c, (unsigned char)p[1])) return !negate;
            p += 2;
        } else if (p + 2 < close && p[1] == '-') {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return !negate;
            p += 3;
        } else {
            if ((unsigned char)*p == c) return !negate;
            p++;
        }
    }
    return negate;
}

static int single(kmatch *ms, const char *s, const char *p, const char *ep) {
    if (s >= ms->src_end) return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case '%': return class_match(c, (unsigned char)p[1]);
    case '[': return set_match(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

static const char *do_match(kmatch *ms, const char *s, const char *p);

static const char *expand_max(kmatch *ms, const char *s, const char *p, const char *ep) {
    ptrdiff_t i = 0;
    while (single(ms, s + i, p, ep)) { i++; tick(ms); }
    for (; i >= 0; i--) {
        const char *r = do_match(ms, s + i, ep + 1);
        if (r) return r;
    }
    return NULL;
}

static const char *expand_min(kmatch *ms, const char *s, const char *p, const char *ep) {
    for (;;) {
        const char *r = do_match(ms, s, ep + 1);
        if (r) return r;
        if (!single(ms, s, p, ep)) return NULL;
        s++;
    }
}

static const char *open_capture(kmatch *ms, const char *s, const char *p, ptrdiff_t what) {
    if (ms->level >= KLIK_MAXCAPTURES) luaL_error(ms->L, "too many captures");
    ms->capture[ms->level].init = s;
    ms->capture[ms->level].len = what;
    ms->level++;
    const char *r = do_match(ms, s, p);
    if (!r) ms->level--;
    return r;
}

static const char *close_capture(kmatch *ms, const char *s, const char *p) {
    int l = ms->level - 1;
    while (l >= 0 && ms->capture[l].len != CAP_OPEN) l--;
    if (l < 0) luaL_error(ms->L, "invalid pattern capture");
    ms->capture[l].len = s - ms->capture[l].init;
    const char *r = do_match(ms, s, p);
    if (!r) ms->capture[l].len = CAP_OPEN;
    return r;
}

static const char *match_balance(kmatch *ms, const char *s, const char *p) {
    if (p + 1 >= ms->pat_end) luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= ms->src_end || *s != *p) return NULL;
    char open = p[0], close = p[1];
    int depth = 1;
    while (++s < ms->src_end) {
        tick(ms);
        if (*s == close) { if (--depth == 0) return s + 1; }
        else if (*s == open) depth++;
    }
    return NULL;
}

static const char *match_backref(kmatch *ms, const char *s, int digit) {
    int l = digit - '1';
    if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_OPEN)
        luaL_error(ms->L, "invalid capture index %%%d", l + 1);
    ptrdiff_t len = ms->capture[l].len;
    if (len < 0) return NULL;
    if (ms->src_end - s >= len && memcmp(ms->capture[l].init, s, (size_t)len) == 0) return s + len;
    return NULL;
}

static const char *do_match(kmatch *ms, const char *s, const char *p) {
    if (++ms->depth > KLIK_MATCH_DEPTH) luaL_error(ms->L, "pattern too complex (nesting)");
    const char *end = ms->pat_end;
    while (s != NULL && p < end) {
        tick(ms);
        if (*p == '(') {
            s = (p + 1 < end && p[1] == ')') ? open_capture(ms, s, p + 2, CAP_POS) : open_capture(ms, s, p + 1, CAP_OPEN);
            break;
        }
        if (*p == ')') { s = close_capture(ms, s, p + 1); break; }
        if (*p == '$' && p + 1 == end) { if (s != ms->src_end) s = NULL; break; }
        if (*p == '%' && p + 1 < end) {
            char k = p[1];
            if (k == 'b') { s = match_balance(ms, s, p + 2); p += 4; continue; }
            if (k == 'f') {
                p += 2;
                if (p >= end || *p != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
                const char *ep = item_end(ms, p);
                int prev = s == ms->src ? 0 : (unsigned char)s[-1];
                int cur = s < ms->src_end ? (unsigned char)*s : 0;
                if (set_match(prev, p, ep - 1) || !set_match(cur, p, ep - 1)) s = NULL;
                p = ep;
                continue;
            }
            if (isdigit((unsigned char)k)) { s = match_backref(ms, s, k); p += 2; continue; }
        }
        const char *ep = item_end(ms, p);
        char q = ep < end ? *ep : 0;
        if (!single(ms, s, p, ep)) {
            if (q == '*' || q == '?' || q == '-') { p = ep + 1; continue; }
            s = NULL;
            break;
        }
        if (q == '?') {
            const char *r = do_match(ms, s + 1, ep + 1);
            if (r) { s = r; break; }
            p = ep + 1;
        } else if (q == '+') { s = expand_max(ms, s + 1, p, ep); break; }
        else if (q == '*') { s = expand_max(ms, s, p, ep); break; }
        else if (q == '-') { s = expand_min(ms, s, p, ep); break; }
        else { s++; p = ep; }
    }
    ms->depth--;
    return s;
}

const char *kmatch_at(kmatch *ms, const char *s, const char *p) {
    ms->level = 0;
    ms->depth = 0;
    return do_match(ms, s, p);
}

void kmatch_push_one(kmatch *ms, int i, const char *s, const char *e) {
    if (i >= ms->level) {
        if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(ms->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t l = ms->capture[i].len;
    if (l == CAP_OPEN) luaL_error(ms->L, "unfinished capture");
    if (l == CAP_POS) lua_pushinteger(ms->L, (lua_Integer)(ms->capture[i].init - ms->src) + 1);
    else lua_pushlstring(ms->L, ms->capture[i].init, (size_t)l);
}

int kmatch_push_captures(kmatch *ms, const char *s, const char *e, int whole) {
    int n = (ms->level == 0 && whole) ? 1 : ms->level;
    luaL_checkstack(ms->L, n, "too many captures");
    for (int i = 0; i < n; i++) kmatch_push_one(ms, i, s, e);
    return n;
}
