// Klik's own Lua 5.4 pattern matcher with a step budget (private to CKlikLua).
#ifndef KLIK_MATCH_H
#define KLIK_MATCH_H
#include "klik_internal.h"

#define KLIK_MAXCAPTURES 32
#define KLIK_MATCH_STEPS 20000000L
#define KLIK_MATCH_DEPTH 200

typedef struct kmatch {
    lua_State *L;
    const char *src, *src_end, *pat_end;
    int level, depth;
    long steps;
    struct { const char *init; ptrdiff_t len; } capture[KLIK_MAXCAPTURES];
} kmatch;

void kmatch_init(kmatch *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp);
/// Matches pattern `p` at `s`; returns the end of the match or NULL. Raises on malformed
/// patterns and "pattern too complex" when the step budget or nesting limit is exhausted.
const char *kmatch_at(kmatch *ms, const char *s, const char *p);
/// Pushes capture `i` (or the whole match [s, e) when there are no captures and i == 0).
void kmatch_push_one(kmatch *ms, int i, const char *s, const char *e);
/// Pushes all captures (the whole match if none and `whole` is set); returns how many.
int kmatch_push_captures(kmatch *ms, const char *s, const char *e, int whole);
#endif
