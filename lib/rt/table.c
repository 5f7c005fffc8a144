/*
 * Runtime entry points for tables (ctx->rt): table.init/copy/grow/fill
 * and elem.drop, with the spec's bounds checks (trap before any write).
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define TRAP(ctx, code) rt_trap_at(inst_of(ctx), (code), (uintptr_t)__builtin_return_address(0) - 1)

static struct wa_table *
table(struct wa_vmctx *ctx, uint32_t t)
{
	return t < inst_of(ctx)->mod->ntables ? ctx->tables[t] : NULL;
}

void
rt_table_init(struct wa_vmctx *ctx, uint32_t t, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n)
{
	struct wa_instance *I = inst_of(ctx);
	const struct wa_contract *c = I->mod->c;
	struct wa_table *tab = table(ctx, t);
	uint64_t len;
	uint32_t k;

	if (!tab || seg >= c->nelem)
		TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	len = I->elem_dropped[seg] ? 0 : c->elems[seg].n;
	if ((uint64_t)src + n > len || (uint64_t)dst + n > tab->size)
		TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	for (k = 0; k < n; k++)
		tab->elems[dst + k] = inst_elem_item(I, &c->elems[seg].items[src + k]);
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

	if (!d || !s || (uint64_t)src + n > s->size || (uint64_t)dst + n > d->size)
		TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	memmove(d->elems + dst, s->elems + src, (size_t)n * sizeof *d->elems);
}

int32_t
rt_table_grow(struct wa_vmctx *ctx, uint32_t t, void *init, uint32_t delta)
{
	struct wa_table *tab = table(ctx, t);
	uint64_t old, new, k;
	void **v;

	if (!tab)
		return -1;
	old = tab->size;
	new = old + delta;
	if (new > tab->max)
		return -1;
	if (!delta)
		return (int32_t)old;
	if (!(v = realloc(tab->elems, (size_t)(new + 1) * sizeof *v)))
		return -1;
	for (k = old; k < new; k++)
		v[k] = init;
	tab->elems = v;
	tab->size = (uint32_t)new;
	return (int32_t)old;
}

void
rt_table_fill(struct wa_vmctx *ctx, uint32_t t, uint32_t dst, void *val, uint32_t n)
{
	struct wa_table *tab = table(ctx, t);
	uint32_t k;

	if (!tab || (uint64_t)dst + n > tab->size)
		TRAP(ctx, WA_TRAP_TABLE_ACCESS_OOB);
	for (k = 0; k < n; k++)
		tab->elems[dst + k] = val;
}
