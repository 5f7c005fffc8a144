/*
 * Runtime entry points for linear memory (ctx->rt): memory.grow and
 * the bulk operations, with the spec's bounds checks.  Each checks
 * everything before writing anything, as 2.0 requires.
 *
 * The bulk operations honour the interrupt word as generated code does
 * at loop headers: they work in chunks of CHUNK bytes and read
 * ctx->interrupt between chunks, so that a deadline cuts short a 4 GiB
 * memory.fill (14 s of page faults) within a chunk's time.  An
 * operation of one chunk or less reads nothing more than before.
 */
#include <string.h>

#include "rt.h"

#define PAGE (64u << 10)

/* About 0.1 ms of memset on fresh pages (faults included), 30 us on
 * pages already there: the latency of an interrupt inside a helper. */
#define CHUNK (1u << 20)

/* memmove in chunks, in the direction that keeps an overlap right. */
static void
move(struct wa_vmctx *ctx, uint8_t *d, const uint8_t *s, uint64_t n, uintptr_t pc)
{
	if (n <= CHUNK) {
		if (n)        /* s may be NULL then (an empty segment) */
			memmove(d, s, n);
		return;
	}
	if (d <= s) {
		for (; n > CHUNK; d += CHUNK, s += CHUNK, n -= CHUNK) {
			memmove(d, s, CHUNK);
			rt_poll(ctx, pc);
		}
		memmove(d, s, n);
	} else {
		for (; n > CHUNK; n -= CHUNK) {
			memmove(d + n - CHUNK, s + n - CHUNK, CHUNK);
			rt_poll(ctx, pc);
		}
		memmove(d, s, n);
	}
}

int32_t
rt_memory_grow(struct wa_vmctx *ctx, uint32_t mem, uint32_t delta)
{
	struct wa_memory *m = ctx->mem0;
	uint64_t old, new;

	rt_poll(ctx, RT_CALLER);
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
		RT_TRAP(ctx, WA_TRAP_MEM_OOB);
	len = I->data_dropped[seg] ? 0 : c->data[seg].len;
	if ((uint64_t)src + n > len || (uint64_t)dst + n > ctx->mem0->size)
		RT_TRAP(ctx, WA_TRAP_MEM_OOB);
	/* a segment never overlaps memory: move's forward copy is memcpy */
	move(ctx, ctx->mem0_base + dst, c->data[seg].bytes + src, n, RT_CALLER);
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
		RT_TRAP(ctx, WA_TRAP_MEM_OOB);
	move(ctx, ctx->mem0_base + dst, ctx->mem0_base + src, n, RT_CALLER);
}

void
rt_memory_fill(struct wa_vmctx *ctx, uint32_t dst, uint32_t val, uint32_t n)
{
	uint64_t size = ctx->mem0 ? ctx->mem0->size : 0;
	uint8_t *p;

	if ((uint64_t)dst + n > size)
		RT_TRAP(ctx, WA_TRAP_MEM_OOB);
	for (p = ctx->mem0_base + dst; n > CHUNK; p += CHUNK, n -= CHUNK) {
		memset(p, (int)(uint8_t)val, CHUNK);
		rt_poll(ctx, RT_CALLER);
	}
	rt_fill(p, (int)(uint8_t)val, n);
}
