/*
 * Runtime entry points for tables (ctx->rt): table.init/copy/grow/fill
 * and elem.drop, with the spec's bounds checks (trap before any write).
 * Like the memory operations (memory.c), they work in chunks of CHUNK
 * elements and read the interrupt word between chunks: a table can
 * hold 10,000,000 elements.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* 512 KiB of pointers: about the time of memory.c's chunk */
#define CHUNK (64u << 10)

static struct wa_table *
table(struct wa_vmctx *ctx, uint32_t t)
{
	return t < inst_of(ctx)->mod->ntables ? ctx->tables[t] : NULL;
}

/* v[0..n) = val, polling between chunks */
static void
fill(struct wa_vmctx *ctx, void **v, void *val, uint64_t n, uintptr_t pc)
{
	uint64_t k = 0, end;

	for (;;) {
		for (end = n - k > CHUNK ? k + CHUNK : n; k < end; k++)
			v[k] = val;
		if (k == n)
			return;
		rt_poll(ctx, pc);
	}
}

void
rt_table_init(struct wa_vmctx *ctx, uint32_t t, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n)
{
	struct wa_instance *I = inst_of(ctx);
	const struct wa_contract *c = I->mod->c;
	struct wa_table *tab = table(ctx, t);
	uint64_t len, k = 0, end;

	if (!tab || seg >= c->nelem)
		RT_TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	len = I->elem_dropped[seg] ? 0 : c->elems[seg].n;
	if ((uint64_t)src + n > len || (uint64_t)dst + n > tab->size)
		RT_TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	for (;;) {
		for (end = n - k > CHUNK ? k + CHUNK : n; k < end; k++)
			tab->elems[dst + k] = inst_elem_item(I, &c->elems[seg].items[src + k]);
		if (k == n)
			return;
		rt_poll(ctx, RT_CALLER);
	}
}

void
rt_elem_drop(struct wa_vmctx *ctx, uint32_t seg)
{
	struct wa_instance *I = inst_of(ctx);

	if (seg < I->mod->c->nelem)
		I->elem_dropped[seg] = 1;
}

void
rt_table_copy(struct wa_vmctx *ctx, uint32_t dt, uint32_t st, uint32_t dst, uint32_t src, uint32_t n)
{
	struct wa_table *d = table(ctx, dt), *s = table(ctx, st);
	void **to, **from;

	if (!d || !s || (uint64_t)src + n > s->size || (uint64_t)dst + n > d->size)
		RT_TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	to = d->elems + dst, from = s->elems + src;
	/* in chunks, in the direction that keeps an overlap right */
	if (to <= from) {
		for (; n > CHUNK; to += CHUNK, from += CHUNK, n -= CHUNK) {
			memmove(to, from, CHUNK * sizeof *to);
			rt_poll(ctx, RT_CALLER);
		}
	} else {
		for (; n > CHUNK; n -= CHUNK) {
			memmove(to + n - CHUNK, from + n - CHUNK, CHUNK * sizeof *to);
			rt_poll(ctx, RT_CALLER);
		}
	}
	memmove(to, from, (size_t)n * sizeof *to);
}

int32_t
rt_table_grow(struct wa_vmctx *ctx, uint32_t t, void *init, uint32_t delta)
{
	struct wa_instance *I = inst_of(ctx);
	struct wa_table *tab = table(ctx, t);
	uint64_t old, new;
	void **v;

	rt_poll(ctx, RT_CALLER);
	if (!tab)
		return -1;
	old = tab->size;
	new = old + delta;
	/* the growing instance's budget, whoever owns the table */
	if (new > tab->max || delta > I->region->cfg.table_max - I->table_elems)
		return -1;
	if (!delta)
		return (int32_t)old;
	if (!(v = realloc(tab->elems, (size_t)(new + 1) * sizeof *v)))
		return -1;
	/* kept at once: an interrupt in fill leaves the table as it was,
	 * larger underneath */
	tab->elems = v;
	fill(ctx, v + old, init, new - old, RT_CALLER);
	tab->size = (uint32_t)new;
	I->table_elems += delta;
	return (int32_t)old;
}

void
rt_table_fill(struct wa_vmctx *ctx, uint32_t t, uint32_t dst, void *val, uint32_t n)
{
	struct wa_table *tab = table(ctx, t);

	if (!tab || (uint64_t)dst + n > tab->size)
		RT_TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	fill(ctx, tab->elems + dst, val, n, RT_CALLER);
}
