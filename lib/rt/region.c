/*
 * Regions: instance slots reserved once.  A slot is laid out as
 *
 *	| context area | heap reservation | heap guard | stack guard | stack |
 *	  RW             RW up to size, then PROT_NONE ...              RW
 *
 * so that, slot after slot, the stack of one slot and the context area
 * of the next (both read-write) merge into one kernel mapping with the
 * accessible start of that slot's heap, and the heap's inaccessible
 * rest, its guard and the stack guard merge into another: about two
 * mappings per instance, which is what bounds instances per process
 * (vm.max_map_count, 65530 by default).
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Defaults of struct wa_region_config (wasmrt.h). */
#define DEF_HEAP_RESERVE (4ull << 30)  /* every i32 address: guard mode's need */
#define DEF_HEAP_GUARD (2ull << 30)    /* static offsets up to 2 GiB go unchecked */
#define DEF_STACK (1ull << 20)         /* 1 MiB usable, as a native thread's 8 MiB is for C */
#define DEF_CTX CTX_NEED_MAX           /* vmctx, function records, globals: backed lazily */
/* Table elements per instance: a table may have 10,000,000 and a module
 * 100,000 tables, so without a budget one guest could make the host
 * allocate 8 TB; this is 512 MiB of references, as heap_max bounds
 * the memory. */
#define DEF_TABLE_MAX (1ull << 26)

/*
 * Stack guard: inaccessible bytes below the stack.  Generated code
 * probes large frames page by page, so one page would do for it; 64 KiB
 * also catches host code (no probes) that overflows the margin.
 */
#define STACK_GUARD (64u << 10)

/*
 * Stack margin: ctx->stack_limit is this far above the stack bottom, so
 * that when a guest function's prologue check passes there is still
 * room for host functions it calls (WASI, runtime helpers, printf) and
 * for the signal handler's frame should it run on this stack.
 */
#define STACK_MARGIN (64u << 10)

/* Slots a region may have: 6 GiB each, 128 TiB of user address space. */
#define MAX_SLOTS 16384

/*
 * The sizes an embedder may ask for, checked before any is rounded or
 * added: each below 2^42 (4 TiB), the slot count below MAX_SLOTS, and
 * the whole region inside 2^47 bytes of address space, so that no sum
 * or product below can overflow.
 */
#define MAX_AREA (1ull << 42)

static int
config_ok(const struct wa_region_config *c, char *err, size_t errlen)
{
	if (!c)
		return 1;
	if (c->slots > MAX_SLOTS) {
		rt_err(err, errlen, "region too large: %u slots, at most %u", c->slots, MAX_SLOTS);
		return 0;
	}
	if (c->heap_reserve > MAX_AREA || c->heap_guard > MAX_AREA || c->stack_size > MAX_AREA ||
	    c->ctx_size > MAX_AREA) {
		rt_err(err, errlen, "region too large: a heap, guard, stack or context area over %llu bytes",
		       (unsigned long long)MAX_AREA);
		return 0;
	}
	return 1;
}

static void
defaults(struct wa_region_config *c, const struct wa_region_config *in)
{
	memset(c, 0, sizeof *c);
	if (in)
		*c = *in;
	c->slots = c->slots ? c->slots : 1;
	c->heap_reserve = os_round_page(c->heap_reserve ? c->heap_reserve : DEF_HEAP_RESERVE);
	c->heap_guard = os_round_page(c->heap_reserve == DEF_HEAP_RESERVE && !c->heap_guard ? DEF_HEAP_GUARD
	                                                                                   : c->heap_guard);
	c->heap_max = c->heap_max ? c->heap_max : c->heap_reserve;
	c->heap_max = c->heap_max < c->heap_reserve ? c->heap_max : c->heap_reserve;
	c->stack_size = os_round_page(c->stack_size ? c->stack_size : DEF_STACK);
	c->ctx_size = os_round_page(c->ctx_size ? c->ctx_size : DEF_CTX);
	c->table_max = c->table_max ? c->table_max : DEF_TABLE_MAX;
}

struct wa_region *
wa_region_new(const struct wa_region_config *cfg, char *err, size_t errlen)
{
	struct wa_region *r = calloc(1, sizeof *r);
	uint32_t i;

	if (!r)
		return rt_err(err, errlen, "out of memory"), NULL;
	if (!config_ok(cfg, err, errlen))
		goto fail;
	defaults(&r->cfg, cfg);
	/* each part is below 2^42, MAX_SLOTS is 2^14: no overflow */
	if (r->cfg.heap_reserve + r->cfg.heap_guard > MAX_AREA ||
	    (r->cfg.ctx_size + r->cfg.heap_reserve + r->cfg.heap_guard + r->cfg.stack_size + STACK_GUARD +
	     STACK_MARGIN) * r->cfg.slots > (1ull << 47)) {
		rt_err(err, errlen, "region too large for the address space");
		goto fail;
	}
	r->sguard_size = STACK_GUARD;
	r->stack_margin = STACK_MARGIN;
	r->heap_off = r->cfg.ctx_size;
	r->sguard_off = r->heap_off + r->cfg.heap_reserve + r->cfg.heap_guard;
	r->stack_off = r->sguard_off + r->sguard_size;
	r->slot_size = r->stack_off + r->cfg.stack_size + r->stack_margin;
	r->size = r->slot_size * r->cfg.slots;
	r->busy = calloc(r->cfg.slots, 1);
	r->mem = calloc(r->cfg.slots, sizeof *r->mem);
	if (!r->busy || !r->mem || !(r->base = os_reserve(r->size))) {
		rt_err(err, errlen, "cannot reserve %llu bytes of address space", (unsigned long long)r->size);
		goto fail;
	}
	for (i = 0; i < r->cfg.slots; i++) {
		uint8_t *s = region_slot(r, i);
		if (os_protect_rw(s, r->cfg.ctx_size) || os_protect_rw(s + r->stack_off, r->slot_size - r->stack_off)) {
			rt_err(err, errlen, "cannot map instance slots");
			goto fail;
		}
	}
	trap_init();
	return r;
fail:
	wa_region_free(r);
	return NULL;
}

void
wa_region_free(struct wa_region *r)
{
	if (!r)
		return;
	os_release(r->base, r->size);
	free(r->busy);
	free(r->mem);
	free(r);
}

uint8_t *
region_slot(const struct wa_region *r, uint32_t slot)
{
	return r->base + (size_t)slot * r->slot_size;
}

/*
 * Slots are taken and given back without a lock: a compare-and-swap on
 * the slot's busy byte, the search starting where the last one ended,
 * so that threads instantiating at once do not wait for each other.
 */
int
region_take(struct wa_region *r)
{
	uint32_t n = r->cfg.slots, start = __atomic_load_n(&r->hint, __ATOMIC_RELAXED) % n, k;

	for (k = 0; k < n; k++) {
		uint32_t i = start + k < n ? start + k : start + k - n;
		uint8_t free_ = 0;
		if (!__atomic_load_n(&r->busy[i], __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&r->busy[i], &free_, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			__atomic_store_n(&r->hint, i + 1, __ATOMIC_RELAXED);
			return (int)i;
		}
	}
	return -1;
}

/* The slot given back is the first one looked at next: a server that
 * takes and gives one slot per request keeps reusing a few warm slots
 * (their stack and heap pages still mapped and cached, their heap's
 * protection already right) instead of walking the whole region. */
void
region_give(struct wa_region *r, uint32_t slot)
{
	__atomic_store_n(&r->busy[slot], 0, __ATOMIC_RELEASE);
	__atomic_store_n(&r->hint, slot, __ATOMIC_RELAXED);
}

uint32_t
wa_region_free_slots(struct wa_region *r)
{
	uint32_t i, n = 0;

	for (i = 0; i < r->cfg.slots; i++)
		n += !__atomic_load_n(&r->busy[i], __ATOMIC_RELAXED);
	return n;
}
