/*
 * Partitions of a module for parallel code generation (wasm-lower
 * --split): each partition is an LLVM module that wasm-codegen
 * optimises and compiles on its own, and wasm-link joins the objects.
 *
 * The number of partitions depends on the module alone (never on how
 * many run at once), so the .so does not depend on -j.  A partition
 * holds about PART_SIZE instructions; partition 0 also holds the
 * contract, trampolines and adapters.  LLVM inlines only within a
 * partition, so functions are first grouped along their calls: each
 * call to a function small enough to be inlined, most frequent first,
 * joins caller and callee while the group stays under half a partition.
 * The groups are then dealt out, largest first, to the partition with
 * the fewest instructions so far.  Functions with loop nests too deep
 * to optimise (loops_too_deep, lower-loop.c) go to a last partition of
 * their own, which wasm-codegen compiles with LLVM's fast instruction
 * selection and register allocation, keeping compile time linear.
 * Everything is ordered by counts and indices only: the same module
 * always gives the same partitions.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lower.h"

#define PART_SIZE 6000   /* instructions per partition, about 12 KB of code */
#define MAX_PARTS 64
#define INLINE_SIZE 200  /* callees this small are worth keeping with callers */

struct edge {
	uint32_t caller, callee, count;
};

static uint32_t
find(uint32_t *up, uint32_t x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

static int
by_weight(const void *pa, const void *pb)
{
	const struct edge *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->caller != b->caller)
		return a->caller < b->caller ? -1 : 1;
	return a->callee < b->callee ? -1 : a->callee > b->callee;
}

/* Direct calls between defined functions worth inlining, counted per
 * caller and callee.  at[c] is where callee c's edge of the current
 * caller is, plus one, if it is at or after `start`. */
static struct edge *
call_edges(const struct module *m, const uint64_t *size, const uint8_t *deep, size_t *nedges)
{
	struct edge *e = NULL;
	size_t n = 0, cap = 0, k, start, *at = xcalloc(m->nfuncs + 1, sizeof *at);
	uint32_t i, c;

	for (i = 0; i < m->nfuncs; i++) {
		start = n;
		for (k = 0; k < m->funcs[i].ncode; k++) {
			const struct instr *in = &m->funcs[i].code[k];
			if (in->op != OP_CALL || in->idx < m->nfuncs_imported)
				continue;
			c = in->idx - m->nfuncs_imported;
			if (c >= m->nfuncs || c == i || size[c] > INLINE_SIZE || deep[i] || deep[c])
				continue;
			if (at[c] > start) {
				e[at[c] - 1].count++;
				continue;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				e = xrealloc(e, cap * sizeof *e);
			}
			e[n++] = (struct edge){i, c, 1};
			at[c] = n;
		}
	}
	free(at);
	*nedges = n;
	return e;
}

struct group {
	uint64_t size;
	uint32_t first;  /* smallest function index, for a stable order */
	uint32_t root;
};

static int
by_size(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Fills L->part (per defined function) and L->nparts. */
void
partition(struct lower *L)
{
	const struct module *m = L->m;
	uint64_t *size = xcalloc(m->nfuncs + 1, sizeof *size), total = 0, cap, *load, np;
	uint32_t *up = xcalloc(m->nfuncs + 1, sizeof *up), *gpart, i, p, ng = 0, ndeep = 0;
	uint8_t *deep = xcalloc(m->nfuncs + 1, 1);
	struct group *g;
	struct edge *e;
	size_t ne, k;

	for (i = 0; i < m->nfuncs; i++) {
		size[i] = m->funcs[i].ncode + 8; /* prologue, checks */
		up[i] = i;
		if ((deep[i] = loops_too_deep(&m->funcs[i])))
			ndeep++;
		else
			total += size[i];
	}
	/* rounded up: a module of one to two partitions' worth (hello with
	 * its printf is 11,600 instructions) is compiled on two cores
	 * (hello: 0.9-1.2 s -> 0.64-0.8 s at -O2 here) */
	np = (total + PART_SIZE - 1) / PART_SIZE;
	L->nparts = np < 1 ? 1 : np > MAX_PARTS ? MAX_PARTS : (uint32_t)np;
	L->part = xcalloc(m->nfuncs + 1, sizeof *L->part);
	cap = total / L->nparts / 2;
	e = call_edges(m, size, deep, &ne);
	qsort(e, ne, sizeof *e, by_weight);
	for (k = 0; k < ne; k++) {
		uint32_t a = find(up, e[k].caller), b = find(up, e[k].callee);
		if (a == b || size[a] + size[b] > cap)
			continue;
		if (b < a) {
			uint32_t t = a;
			a = b, b = t;
		}
		up[b] = a;
		size[a] += size[b];
	}
	/* groups: roots, with their total size */
	g = xcalloc(m->nfuncs + 1, sizeof *g);
	gpart = xcalloc(m->nfuncs + 1, sizeof *gpart);
	for (i = 0; i < m->nfuncs; i++)
		if (!deep[i] && find(up, i) == i)
			g[ng++] = (struct group){size[i], i, i};
	qsort(g, ng, sizeof *g, by_size);
	load = xcalloc(L->nparts, sizeof *load);
	for (k = 0; k < ng; k++) {
		uint32_t best = 0;
		for (p = 1; p < L->nparts; p++)
			if (load[p] < load[best])
				best = p;
		load[best] += g[k].size;
		gpart[g[k].root] = best;
	}
	for (i = 0; i < m->nfuncs; i++)
		L->part[i] = deep[i] ? L->nparts : gpart[find(up, i)];
	if (ndeep)
		L->nparts++;
	free(size), free(up), free(g), free(gpart), free(load), free(e), free(deep);
}
