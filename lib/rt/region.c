/*
 * Regions: instance slots reserved once.  Two layouts.
 *
 * Guard-page slots (the default), for modules that rely on the heap's
 * reservation and guard to catch out-of-bounds accesses:
 *
 *	| context area | heap reservation | heap guard | stack guard | stack |
 *	  RW             RW up to size, then PROT_NONE ...              RW
 *
 * so that, slot after slot, the stack of one slot and the context area
 * of the next (both read-write) merge into one kernel mapping with the
 * accessible start of that slot's heap, and the heap's inaccessible
 * rest, its guard and the stack guard merge into another: about two
 * mappings per instance, which is what bounds instances per process
 * (vm.max_map_count, 65530 by default), with the 6 GiB of address
 * space each reserves (about 21,000 in 128 TiB).
 *
 * Bounds-checked slots (cfg.bounds_checked), for modules compiled with
 * --bounds-checks, whose code checks every access against the memory's
 * size: the heap reserves only the memory's maximum and a small guard,
 * and is read-write throughout (its protection never changes: growing
 * is a store of the new size):
 *
 *	| stack guard | stack | context area | heap reservation | heap guard |
 *	  guard         RW      RW             RW                 guard
 *
 * The whole region is one read-write mapping, and the guards are guard
 * markers in the page tables (MADV_GUARD_INSTALL, Linux 6.13), which
 * split nothing: one kernel mapping per region, whatever its number of
 * slots.  Where the kernel has no guard markers, the guards are
 * PROT_NONE, the heap guard of one slot merging with the stack guard of
 * the next: two mappings per slot.  The parts a live instance touches
 * (the stack's top, the context, the heap's start) are neighbours, so
 * that they share page-table pages.  Guards are set up when a slot is
 * first taken, so that an unused slot costs no page table.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Defaults of struct wa_region_config (wasmrt.h). */
#define DEF_HEAP_RESERVE (4ull << 30)  /* every i32 address: guard mode's need */
#define DEF_HEAP_GUARD (2ull << 30)    /* static offsets up to 2 GiB go unchecked */
#define DEF_CHECKED_GUARD (64u << 10)  /* bounds-checked heaps: defence in depth */
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

/* A region's reservation: the user address space is 128 TiB. */
#define MAX_REGION (100ull << 40)
#define MAX_SLOTS (1u << 22)

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
	uint64_t def_guard;

	memset(c, 0, sizeof *c);
	if (in)
		*c = *in;
	c->slots = c->slots ? c->slots : 1;
	c->heap_reserve = os_round_page(c->heap_reserve ? c->heap_reserve : DEF_HEAP_RESERVE);
	if (c->bounds_checked)
		def_guard = DEF_CHECKED_GUARD;
	else
		def_guard = c->heap_reserve == DEF_HEAP_RESERVE ? DEF_HEAP_GUARD : 0;
	c->heap_guard = os_round_page(c->heap_guard ? c->heap_guard : def_guard);
	c->heap_max = c->heap_max ? c->heap_max : c->heap_reserve;
	c->heap_max = c->heap_max < c->heap_reserve ? c->heap_max : c->heap_reserve;
	c->stack_size = os_round_page(c->stack_size ? c->stack_size : DEF_STACK);
	c->ctx_size = os_round_page(c->ctx_size ? c->ctx_size : DEF_CTX);
	c->table_max = c->table_max ? c->table_max : DEF_TABLE_MAX;
}

/* Offsets within a slot, for either layout. */
static void
layout(struct wa_region *r)
{
	const struct wa_region_config *c = &r->cfg;
	size_t stack = c->stack_size + r->stack_margin, heap = c->heap_reserve + c->heap_guard;

	if (c->bounds_checked) {
		r->sguard_off = 0;
		r->stack_off = r->sguard_size;
		r->ctx_off = r->stack_off + stack;
		r->heap_off = r->ctx_off + c->ctx_size;
		r->slot_size = r->heap_off + heap;
	} else {
		r->ctx_off = 0;
		r->heap_off = c->ctx_size;
		r->sguard_off = r->heap_off + heap;
		r->stack_off = r->sguard_off + r->sguard_size;
		r->slot_size = r->stack_off + stack;
	}
	r->stack_top = r->stack_off + stack;
}

/* Guard-page slots: the context area and the stack read-write, the
 * rest as reserved (PROT_NONE). */
static int
map_guard_slots(struct wa_region *r)
{
	uint32_t i;

	if (!(r->base = os_reserve(r->size)))
		return -1;
	for (i = 0; i < r->cfg.slots; i++) {
		uint8_t *s = r->base + (size_t)i * r->slot_size;
		if (os_protect_rw(s + r->ctx_off, r->cfg.ctx_size) ||
		    os_protect_rw(s + r->stack_off, r->stack_top - r->stack_off))
			return -1;
	}
	return 0;
}

struct wa_region *
wa_region_new(const struct wa_region_config *cfg, char *err, size_t errlen)
{
	struct wa_region *r = calloc(1, sizeof *r);

	if (!r)
		return rt_err(err, errlen, "out of memory"), NULL;
	if (!config_ok(cfg, err, errlen))
		goto fail;
	defaults(&r->cfg, cfg);
	r->keep = r->cfg.keep_resident ? r->cfg.keep_resident : UINT64_MAX;
	r->sguard_size = STACK_GUARD;
	r->stack_margin = STACK_MARGIN;
	/* each part is below 2^42 (config_ok), so their sum cannot overflow */
	if (r->cfg.heap_reserve + r->cfg.heap_guard > MAX_AREA) {
		rt_err(err, errlen, "region too large for the address space");
		goto fail;
	}
	layout(r);
	if (r->slot_size > MAX_REGION / r->cfg.slots) {
		rt_err(err, errlen, "region too large: %u slots of %llu bytes", r->cfg.slots,
		       (unsigned long long)r->slot_size);
		goto fail;
	}
	r->size = r->slot_size * r->cfg.slots;
	r->busy = calloc(r->cfg.slots, 1);
	r->mem = calloc(r->cfg.slots, sizeof *r->mem);
	if (!r->busy || !r->mem ||
	    (r->cfg.bounds_checked ? !(r->base = os_reserve_rw(r->size)) : map_guard_slots(r) != 0)) {
		rt_err(err, errlen, "cannot reserve %llu bytes of address space for %u slots",
		       (unsigned long long)r->size, r->cfg.slots);
		goto fail;
	}
	trap_init();
	wt_region_add(r);
	return r;
fail:
	wa_region_free(r);
	return NULL;
}

void
wa_region_free(struct wa_region *r)
{
	uint32_t i;

	if (!r)
		return;
	wt_region_remove(r);
	for (i = 0; r->mem && i < r->cfg.slots; i++)
		free(r->mem[i].tab_spare);
	os_release(r->base, r->size);
	free(r->busy);
	free(r->mem);
	free(r);
}

void
wa_region_fit(struct wa_region_config *cfg, const struct wa_module *m)
{
	const struct wa_contract *c = m->c;
	uint64_t cap = cfg->heap_max ? cfg->heap_max : DEF_HEAP_RESERVE, pages;

	cfg->ctx_size = os_round_page(m->ctx_need);  /* inst_ctx_layout */
	if (c->bounds != WA_BOUNDS_CHECK) {
		cfg->bounds_checked = 0;
		cfg->heap_reserve = cfg->heap_guard = 0;
		return;
	}
	/* an imported memory lives elsewhere: one page, never used */
	pages = !c->nmems ? 0 : c->mems[0].has_max ? c->mems[0].max : 65536;
	cfg->bounds_checked = 1;
	cfg->heap_reserve = pages * (64u << 10) < cap ? pages * (64u << 10) : cap;
	cfg->heap_reserve = cfg->heap_reserve ? os_round_page(cfg->heap_reserve) : os_pagesize();
	cfg->heap_guard = 0;
}

uint8_t *
region_slot(const struct wa_region *r, uint32_t slot)
{
	return r->base + (size_t)slot * r->slot_size;
}

/*
 * A bounds-checked slot's guards, when it is first taken: guard markers
 * if the kernel has them (checked once per process), else PROT_NONE.
 */
static int
guard_slot(struct wa_region *r, uint32_t slot)
{
	uint8_t *s = region_slot(r, slot);
	uint8_t *hguard = s + r->heap_off + r->cfg.heap_reserve;

	if (__atomic_load_n(&r->mem[slot].guarded, __ATOMIC_ACQUIRE))
		return 0;
	if (os_guard(s + r->sguard_off, r->sguard_size) || os_guard(hguard, r->cfg.heap_guard))
		return -1;
	__atomic_store_n(&r->mem[slot].guarded, 1, __ATOMIC_RELEASE);
	return 0;
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
			if (r->cfg.bounds_checked && guard_slot(r, i)) {
				region_give(r, i);
				return -2;
			}
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
