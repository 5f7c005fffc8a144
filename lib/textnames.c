/*
 * $id tables for the text reader.  The canonical text refers by index
 * only, so this matters for hand-written modules and wabt's wasm2wat
 * output, which names functions and globals and refers to them before
 * their definitions: the first unknown name triggers one prescan of
 * the module's fields (names_prescan), never more.
 */
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "textlex.h"

static uint32_t
hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Cleared once per function (locals, labels): the cost stays in
 * proportion to what was added, not to the largest table ever built. */
void
names_clear(struct names *ns)
{
	if (ns->n == 0)
		return;
	if (ns->nslots > 64 && ns->nslots / 4 > ns->n) {
		ns->slots = NULL; /* left in the arena */
		ns->nslots = 0;
	} else if (ns->slots) {
		memset(ns->slots, 0, ns->nslots * sizeof *ns->slots);
	}
	ns->n = 0;
}

static void
rehash(struct names *ns)
{
	uint32_t i, h, mask;

	ns->nslots = ns->nslots ? 2 * ns->nslots : 64;
	ns->slots = arena_array(ns->a, ns->nslots, sizeof *ns->slots);
	mask = ns->nslots - 1;
	for (i = 0; i < ns->n; i++) {
		for (h = hash(ns->v[i].name, ns->v[i].len) & mask; ns->slots[h]; h = (h + 1) & mask)
			;
		ns->slots[h] = i + 1;
	}
}

/* The slot holding id, or the empty slot where it would go. */
static uint32_t
slot(const struct names *ns, const char *s, size_t len)
{
	uint32_t mask = ns->nslots - 1, h;

	for (h = hash(s, len) & mask; ns->slots[h]; h = (h + 1) & mask) {
		const struct name *x = &ns->v[ns->slots[h] - 1];
		if (x->len == len && !memcmp(x->name, s, len))
			break;
	}
	return h;
}

int64_t
names_find(const struct names *ns, const char *id, size_t len)
{
	uint32_t h;

	if (!ns->nslots || len < 1)
		return -1;
	h = slot(ns, id + 1, len - 1);
	return ns->slots[h] ? (int64_t)ns->v[ns->slots[h] - 1].index : -1;
}

int
names_add(struct names *ns, const char *id, size_t len, uint32_t index)
{
	uint32_t h;

	if (len < 1 || len - 1 > UINT32_MAX)
		return 0;
	if (2 * (ns->n + 1) > ns->nslots)
		rehash(ns);
	h = slot(ns, id + 1, len - 1);
	if (ns->slots[h])
		return ns->v[ns->slots[h] - 1].index == index;
	if (ns->n == ns->cap) {
		if (ns->cap >= UINT32_MAX / 2)
			fatal("more than %u $ids", ns->cap);
		ns->v = arena_grow(ns->a, ns->v, ns->n, ns->cap ? 2 * (size_t)ns->cap : 64, sizeof *ns->v);
		ns->cap = ns->cap ? 2 * ns->cap : 64;
	}
	ns->v[ns->n].index = index;
	ns->v[ns->n].name = (char *)id + 1;
	ns->v[ns->n].len = (uint32_t)(len - 1);
	ns->slots[h] = ++ns->n;
	return 1;
}

int64_t
names_set(struct names *ns, const char *id, size_t len, uint32_t index)
{
	int64_t old = names_find(ns, id, len);
	uint32_t h;

	if (old < 0) {
		names_add(ns, id, len, index);
		return -1;
	}
	h = slot(ns, id + 1, len - 1);
	ns->v[ns->slots[h] - 1].index = index;
	return old;
}

static int
word(const struct token *t, const char *w)
{
	size_t n = strlen(w);

	return t->kind == T_ATOM && t->len == n && !memcmp(t->s, w, n);
}

/* The index space a field keyword opens, or -1. */
static int
space(const struct token *t)
{
	static const char *const kw[NNS] = {"func", "table", "memory", "global", "type", "elem", "data"};
	int k;

	for (k = 0; k < NNS; k++)
		if (word(t, kw[k]))
			return k;
	return -1;
}

/* Gives the id that may follow a definition keyword the next index. */
static void
define(struct names ns[NNS], struct lexer *lx, int k, uint32_t count[NNS])
{
	struct token t = lex_peek(lx);

	if (t.kind == T_ATOM && t.s[0] == '$')
		names_add(&ns[k], t.s, t.len, count[k]);
	count[k]++;
}

void
names_prescan(struct names ns[NNS], struct lexer *lx)
{
	uint32_t depth = 0, count[NNS] = {0};
	struct token t;
	int k, field = -1;

	for (k = 0; k < NNS; k++)
		names_clear(&ns[k]);
	while ((t = lex_next(lx)).kind != T_EOF) {
		if (t.kind == T_RP && depth > 0)
			depth--;
		if (t.kind != T_LP)
			continue;
		depth++;
		if (depth == 3) {
			/* (table .. (elem ..)) and (memory (data ..)) define a segment */
			t = lex_next(lx);
			if (field == NS_TABLE && word(&t, "elem"))
				count[NS_ELEM]++;
			else if (field == NS_MEM && word(&t, "data"))
				count[NS_DATA]++;
			if (t.kind == T_LP)
				depth++;
			else if (t.kind == T_RP)
				depth--;
			continue;
		}
		if (depth != 2)
			continue;
		t = lex_next(lx);
		field = space(&t);
		if (word(&t, "import")) {
			/* (import "m" "f" (KIND $id ...)) */
			if (lex_next(lx).kind != T_STRING || lex_next(lx).kind != T_STRING ||
			    lex_next(lx).kind != T_LP)
				continue;
			depth++;
			t = lex_next(lx);
			if ((k = space(&t)) >= 0 && k <= NS_GLOBAL)
				define(ns, lx, k, count);
		} else if (field >= 0) {
			define(ns, lx, field, count);
		}
	}
}
