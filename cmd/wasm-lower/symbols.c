/*
 * One symbol name per defined function, unique in the module.  Inside
 * one LLVM module a repeated name would be renamed by LLVM, but the
 * partitions of --split are separate modules that name each other's
 * functions, so every name is fixed up front: the function's own
 * (func_symbol), or, when an earlier function has it already,
 * wasm_func_N (with .K appended should even that be taken).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lower.h"

struct set {
	const char **slot;
	size_t cap, n;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* Is s in the set?  Else add it (s must outlive the set). */
static int
set_has_else_add(struct set *S, const char *s)
{
	size_t i, k;

	if (2 * (S->n + 1) > S->cap) {
		struct set T = {xcalloc(S->cap ? 2 * S->cap : 64, sizeof *T.slot), S->cap ? 2 * S->cap : 64, 0};
		for (k = 0; k < S->cap; k++)
			if (S->slot[k])
				set_has_else_add(&T, S->slot[k]);
		free(S->slot);
		*S = T;
	}
	for (i = hash(s) & (S->cap - 1); S->slot[i]; i = (i + 1) & (S->cap - 1))
		if (!strcmp(S->slot[i], s))
			return 1;
	S->slot[i] = s;
	S->n++;
	return 0;
}

static const char *
copy(struct arena *A, const char *s)
{
	return strcpy(arena_alloc(A, strlen(s) + 1), s);
}

void
name_functions(struct lower *L)
{
	const struct module *m = L->m;
	struct set S = {0};
	char buf[64];
	const char *s;
	uint32_t i, k, f;

	L->names = arena_array(m->arena, m->nfuncs + 1, sizeof *L->names);
	for (i = 0; i < m->nfuncs; i++) {
		f = m->nfuncs_imported + i;
		s = copy(m->arena, func_symbol(m, f, buf, sizeof buf));
		for (k = 0; set_has_else_add(&S, s); k++) {
			if (k)
				snprintf(buf, sizeof buf, "wasm_func_%u.%u", f, k);
			else
				snprintf(buf, sizeof buf, "wasm_func_%u", f);
			s = copy(m->arena, buf);
		}
		L->names[i] = s;
	}
	free(S.slot);
}
