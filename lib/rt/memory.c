/*
 * Runtime entry points for linear memory (ctx->rt): memory.grow and
 * the bulk operations, with the spec's bounds checks.  Each checks
 * everything before writing anything, as 2.0 requires.
 */
#include <string.h>

#include "rt.h"

#define PAGE (64u << 10)

/* The caller's (generated code's) address names the trapping function. */
#define TRAP(ctx, code) rt_trap_at(inst_of(ctx), (code), (uintptr_t)__builtin_return_address(0) - 1)

int32_t
rt_memory_grow(struct wa_vmctx *ctx, uint32_t mem, uint32_t delta)
{
	struct wa_memory *m = ctx->mem0;
	uint64_t old, new;

	if (mem != 0 || !m)
		return -1;
	old = m->size / PAGE;
	new = old + delta;
	if (new > m->max_pages || new * PAGE > m->reserved)
		return -1;
	if (!((struct rt_memory *)m)->always_rw && os_protect_rw(m->base + m->size, new * PAGE - m->size))
		return -1;
	m->size = new * PAGE;
	return (int32_t)old;
}

void
rt_memory_init(struct wa_vmctx *ctx, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n)
{
	struct wa_instance *I = inst_of(ctx);
	const struct wa_contract *c = I->mod->c;
	uint64_t len;

	if (seg >= c->ndata || !ctx->mem0)
		TRAP(ctx, WA_TRAP_MEM_OOB);
	len = I->data_dropped[seg] ? 0 : c->data[seg].len;
	if ((uint64_t)src + n > len || (uint64_t)dst + n > ctx->mem0->size)
		TRAP(ctx, WA_TRAP_MEM_OOB);
	if (n)
		memcpy(ctx->mem0_base + dst, c->data[seg].bytes + src, n);
}

void
rt_data_drop(struct wa_vmctx *ctx, uint32_t seg)
{
	struct wa_instance *I = inst_of(ctx);

	if (seg < I->mod->c->ndata)
		I->data_dropped[seg] = 1;
}

void
rt_memory_copy(struct wa_vmctx *ctx, uint32_t dst, uint32_t src, uint32_t n)
{
	uint64_t size = ctx->mem0 ? ctx->mem0->size : 0;

	if ((uint64_t)src + n > size || (uint64_t)dst + n > size)
		TRAP(ctx, WA_TRAP_MEM_OOB);
	memmove(ctx->mem0_base + dst, ctx->mem0_base + src, n);
}

void
rt_memory_fill(struct wa_vmctx *ctx, uint32_t dst, uint32_t val, uint32_t n)
{
	uint64_t size = ctx->mem0 ? ctx->mem0->size : 0;

	if ((uint64_t)dst + n > size)
		TRAP(ctx, WA_TRAP_MEM_OOB);
	memset(ctx->mem0_base + dst, (int)(uint8_t)val, n);
}
