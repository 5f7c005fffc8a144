/*
 * Instances: instantiation into a region slot, reset, destruction.
 * Everything an instance owns lives in its slot's context area (bump
 * allocated, zeroed on the way out), except table element arrays,
 * which can grow and so come from malloc.  Imports are bound by link.c
 * first; then the defined memory, functions, globals and tables, the
 * segments in order, the start function (WebAssembly 2.0's order).
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define PAGE (64u << 10)

static void *
bump(struct wa_instance *I, size_t n)
{
	uint8_t *p = (uint8_t *)(((uintptr_t)I->bump + 15) & ~(uintptr_t)15);

	if (p > I->bump_hi || n > (size_t)(I->bump_hi - p))
		return NULL;
	I->bump = p + n;
	return p;
}

void *
inst_alloc(struct wa_instance *I, size_t n)
{
	return bump(I, n);
}

static wa_val
eval(struct wa_instance *I, const struct wa_c_const *k)
{
	wa_val v;

	memset(&v, 0, sizeof v);
	switch (k->op) {
	case 0xd0: v.ref = NULL; break;
	case 0xd2: v.ref = I->ctx.funcs[k->index]; break;
	case 0x23: v = I->ctx.globals[k->index]->v; break;
	default: v = k->value; break;
	}
	return v;
}

void *
inst_elem_item(struct wa_instance *I, const struct wa_c_const *k)
{
	return eval(I, k).ref;
}

/*
 * The arrays an instance keeps in its context area.  Their layout is a
 * property of the module, computed once at load (inst_ctx_layout):
 * offsets from the 16-byte aligned end of struct wa_instance, and what
 * it all needs, CTX_SLACK included (wa_instantiate compares that with
 * the region's area).
 * Instantiation then only adds the offsets to the slot's address.
 */
enum { CA_FUNCS, CA_FUNCRECS, CA_TABLES, CA_TABRECS, CA_GLOBALS, CA_CELLS, CA_BINDINGS, CA_DATA, CA_ELEM, NARRAYS };
_Static_assert(NARRAYS == CTX_NARRAYS, "rt.h");

#define ALIGN16(n) (((n) + 15) & ~(uint64_t)15)

/* The counts are the module's validated ones, below 2^32: no product or
 * sum here can overflow. */
void
inst_ctx_layout(struct wa_module *m)
{
	const struct wa_contract *c = m->c;
	const uint64_t size[NARRAYS] = {
		[CA_FUNCS] = (uint64_t)m->nfuncs * sizeof(struct wa_func *),
		[CA_FUNCRECS] = (uint64_t)m->nfuncs * sizeof(struct wa_func),
		[CA_TABLES] = (uint64_t)m->ntables * sizeof(struct wa_table *),
		[CA_TABRECS] = (uint64_t)c->ntables * sizeof(struct rt_table),
		[CA_GLOBALS] = (uint64_t)m->nglobals * sizeof(struct wa_global *),
		[CA_CELLS] = (uint64_t)c->nglobals * sizeof(struct wa_global),
		[CA_BINDINGS] = (uint64_t)c->nfuncs_imported * sizeof(struct binding),
		[CA_DATA] = c->ndata,
		[CA_ELEM] = c->nelem,
	};
	uint64_t off = 0;
	int i;

	for (i = 0; i < NARRAYS; i++) {
		m->ctx_off[i] = off;
		off = ALIGN16(off + size[i]);
	}
	m->ctx_end = off;
	m->ctx_need = ALIGN16(sizeof(struct wa_instance)) + off + CTX_SLACK;
}

static int
alloc_all(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_module *m = I->mod;
	uint8_t *base = (uint8_t *)ALIGN16((uintptr_t)I->bump_lo);
	const uint64_t *off = m->ctx_off;
	struct slotmem *sm = &I->region->mem[I->slot];

	/* wa_instantiate compared ctx_need with the area; once more here,
	 * where it matters: nothing may be written past the area */
	if (base > I->bump_hi || m->ctx_end > (uint64_t)(I->bump_hi - base)) {
		rt_err(err, errlen, "module too large for the region's context area");
		return -1;
	}
	/* another module's function records (teardown kept them): the
	 * area must be all zero, as for a fresh slot */
	if (sm->recs_mod != m->id && sm->recs_end) {
		memset(base, 0, (size_t)sm->recs_end);
		sm->recs_mod = 0;
		sm->recs_end = 0;
	}
	I->ctx.funcs = (struct wa_func **)(base + off[CA_FUNCS]);
	I->funcrecs = (struct wa_func *)(base + off[CA_FUNCRECS]);
	I->ctx.tables = (struct wa_table **)(base + off[CA_TABLES]);
	I->tabrecs = (struct rt_table *)(base + off[CA_TABRECS]);
	I->ctx.globals = (struct wa_global **)(base + off[CA_GLOBALS]);
	I->cells = (struct wa_global *)(base + off[CA_CELLS]);
	I->bindings = (struct binding *)(base + off[CA_BINDINGS]);
	I->data_dropped = base + off[CA_DATA];
	I->elem_dropped = base + off[CA_ELEM];
	I->bump = base + m->ctx_end;
	return 0;
}

/* The defined memory, if any (an imported one is bound by link.c). */
/*
 * Make the initial memory [0, size) of the slot's heap read-write and
 * as the module starts it, everything past it inaccessible.  What the
 * slot holds from its last instance (struct slotmem) decides how: the
 * same image, or zeros of the same size, need no system call at all.
 */
static int
map_heap(struct wa_instance *I, char *err, size_t errlen)
{
	struct slotmem *sm = &I->region->mem[I->slot];
	const struct heapimg *img;
	uint64_t size = I->mem.m.size;

	img = module_heap_image(I->mod);
	if (img && img->fd < 0) {
		I->img = img;            /* runs to copy (init_segments) */
		img = NULL;
	}
	if (I->region->cfg.bounds_checked) {
		/* read-write throughout, zero past what the last instance
		 * used (zero.c): nothing to map; the segments are copied */
		if (size != sm->rw)
			wt_forget(sm, I->heap);
		sm->rw = size;
		return 0;
	}
	if (img) {
		if (sm->img != img->id) {
			wt_forget(sm, I->heap);
			sm->full = 0;
			if (os_map_file(I->heap, size, img->fd))
				goto fail;
			if (sm->rw > size && os_map_none(I->heap + size, sm->rw - size))
				goto fail;
			sm->img = img->id;
			sm->rw = size;
		}
		I->img = img;
		return 0;
	}
	if (sm->img) {
		/* another module's image: back to a bare reservation */
		wt_forget(sm, I->heap);
		sm->full = 0;
		if (os_map_none(I->heap, sm->rw))
			goto fail;
		sm->img = 0;
		sm->rw = 0;
	}
	if (size != sm->rw)
		wt_forget(sm, I->heap);
	if (size > sm->rw && os_protect_rw(I->heap + sm->rw, size - sm->rw))
		goto fail;
	if (size < sm->rw && os_protect_none(I->heap + size, sm->rw - size))
		goto fail;
	sm->rw = size;
	return 0;
fail:
	wt_forget(sm, I->heap);
	/* the slot's state is unknown now: make it a bare reservation */
	os_map_none(I->heap, sm->rw > size ? sm->rw : size);
	sm->full = 0;
	sm->img = 0;
	sm->rw = 0;
	rt_err(err, errlen, "cannot map %llu bytes of memory", (unsigned long long)size);
	I->mem.m.size = 0;
	return -1;
}

static int
init_memory(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_contract *c = I->mod->c;
	const struct wa_region *r = I->region;
	struct rt_memory *M = &I->mem;
	uint64_t cap = r->cfg.heap_max / PAGE;

	if (!c->nmems)
		return 0;
	M->m.base = I->heap;
	M->m.reserved = I->heap_reserve;
	M->guard = I->heap_guard;
	M->always_rw = r->cfg.bounds_checked;
	M->sm = &r->mem[I->slot];
	M->has_max = (int)c->mems[0].has_max;
	M->decl_max = c->mems[0].max;
	if (cap > WA_MEM_MAX_PAGES)
		cap = WA_MEM_MAX_PAGES;
	M->m.max_pages = M->has_max && M->decl_max < cap ? M->decl_max : cap;
	if (c->mems[0].min > M->m.max_pages) {
		rt_err(err, errlen, "memory of %llu pages exceeds the runtime's limit of %llu",
		       (unsigned long long)c->mems[0].min, (unsigned long long)M->m.max_pages);
		return -1;
	}
	M->m.size = c->mems[0].min * PAGE;
	if (map_heap(I, err, errlen))
		return -1;
	I->heap_init = M->m.size;
	I->ctx.mem0 = &M->m;
	I->ctx.mem0_base = I->heap;
	return 0;
}

static void
define_funcs_globals(struct wa_instance *I)
{
	const struct wa_module *m = I->mod;
	const struct wa_contract *c = m->c;
	struct slotmem *sm = &I->region->mem[I->slot];
	uint32_t i;

	/* the slot's last instance was of this module: its records of the
	 * defined functions are there still (teardown) */
	for (i = 0; sm->recs_mod != m->id && i < c->nfuncs; i++) {
		const struct wa_c_func *f = &c->funcs[i];
		struct wa_func *r = &I->funcrecs[c->nfuncs_imported + i];
		*r = (struct wa_func){f->code, m->typeids[f->type], 0, &I->ctx, c->types[f->type].tramp};
		I->ctx.funcs[c->nfuncs_imported + i] = r;
	}
	sm->recs_mod = m->id;
	for (i = 0; i < c->nglobals; i++) {
		I->cells[i].v = eval(I, &c->globals[i].init);
		I->ctx.globals[c->nglobals_imported + i] = &I->cells[i];
	}
}

/*
 * The elements of a small first table (most modules have one table, the
 * one of their indirect calls) outlive the instance in its slot, zeroed
 * before the next uses them: a calloc and a free less per instance
 * (about 40 ns of hello's life cycle).  Entries past the size in use
 * are never read: table.grow fills what it adds.
 */
#define TAB_SPARE_MAX 8192   /* elements: 64 KiB */

static void **
take_spare(struct wa_instance *I, uint64_t n)
{
	struct slotmem *sm = &I->region->mem[I->slot];
	void **v = sm->tab_spare;

	if (!v || sm->tab_spare_n < n)
		return NULL;
	sm->tab_spare = NULL;
	memset(v, 0, n * sizeof *v);
	return v;
}

static void
free_tables(struct wa_instance *I)
{
	struct slotmem *sm = &I->region->mem[I->slot];
	uint32_t i;

	for (i = 0; I->tabrecs && i < I->mod->c->ntables; i++) {
		struct wa_table *t = &I->tabrecs[i].t;
		if (!i && t->elems && !sm->tab_spare && t->size < TAB_SPARE_MAX) {
			sm->tab_spare = t->elems;
			sm->tab_spare_n = (uint64_t)t->size + 1;
		} else {
			free(t->elems);
		}
		t->elems = NULL;
	}
}

static int
init_tables(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_contract *c = I->mod->c;
	uint64_t max = I->region->cfg.table_max;
	uint32_t i;

	for (i = 0; i < c->ntables; i++)
		I->table_elems += c->tables[i].limits.min;
	if (I->table_elems > max) {
		rt_err(err, errlen, "tables of %llu elements exceed the region's limit of %llu",
		       (unsigned long long)I->table_elems, (unsigned long long)max);
		return -1;
	}
	for (i = 0; i < c->ntables; i++) {
		const struct wa_c_table *t = &c->tables[i];
		struct rt_table *r = &I->tabrecs[i];
		r->has_max = (int)t->limits.has_max;
		r->decl_max = t->limits.max;
		r->t.size = (uint32_t)t->limits.min;
		r->t.max = r->has_max ? (uint32_t)t->limits.max : UINT32_MAX;
		r->t.max = r->t.max < TABLE_CAP ? r->t.max : TABLE_CAP;
		r->t.elemtype = (uint8_t)t->elemtype;
		if (!(r->t.elems = i ? NULL : take_spare(I, (uint64_t)r->t.size + 1)) &&
		    !(r->t.elems = calloc(r->t.size + 1, sizeof *r->t.elems))) {
			rt_err(err, errlen, "out of memory for table %u", i);
			return -1;
		}
		I->ctx.tables[c->ntables_imported + i] = &r->t;
	}
	return 0;
}

/*
 * Active segments, in order, as table.init and memory.init followed by
 * a drop; declarative ones are dropped at once.  An out-of-bounds
 * segment traps before writing anything; those before it stay written.
 */
static int
init_segments(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_contract *c = I->mod->c;
	struct wa_memory *mem = I->ctx.mem0;
	uint32_t i, k;

	for (i = 0; i < c->nelem; i++) {
		const struct wa_c_elem *e = &c->elems[i];
		struct wa_table *t;
		uint32_t off;
		if (e->mode == 1)
			continue;
		I->elem_dropped[i] = 1;
		if (e->mode == 2)
			continue;
		t = I->ctx.tables[e->table];
		off = (uint32_t)eval(I, &e->offset).i32;
		if ((uint64_t)off + e->n > t->size)
			return rt_err(err, errlen, "uninstantiable: trap: %s", wa_trap_name(WA_TRAP_TABLE_ACCESS_OOB)), -1;
		for (k = 0; k < e->n; k++)
			t->elems[off + k] = eval(I, &e->items[k]).ref;
	}
	for (i = 0; i < c->ndata; i++) {
		const struct wa_c_data *d = &c->data[i];
		uint32_t off;
		if (d->mode == 1)
			continue;
		I->data_dropped[i] = 1;
		/* an image holds the segments already, and has them only if
		 * every offset is a constant in bounds (heapimg.c, build) */
		if (I->img)
			continue;
		off = (uint32_t)eval(I, &d->offset).i32;
		if ((uint64_t)off + d->len > mem->size)
			return rt_err(err, errlen, "uninstantiable: trap: %s", wa_trap_name(WA_TRAP_MEM_OOB)), -1;
		/* an empty segment's bytes may be NULL */
		if (d->len)
			memcpy(I->ctx.mem0_base + off, d->bytes, d->len);
	}
	for (i = 0; I->img && i < I->img->nruns; i++)
		memcpy(I->ctx.mem0_base + I->img->runs[i].off, I->img->runs[i].bytes, I->img->runs[i].len);
	return 0;
}

static int
run_start(struct wa_instance *I, char *err, size_t errlen)
{
	int32_t s = I->mod->c->start;
	int code;

	if (s < 0)
		return 0;
	I->in_start = 1;
	code = wa_call(I, (uint32_t)s, NULL);
	I->in_start = 0;
	if (!code)
		return 0;
	if (code == WA_TRAP_EXIT && I->trap.exit_code == 0)
		return 0;
	rt_err(err, errlen, "uninstantiable: trap: %s", wa_trap_name((uint32_t)code));
	return -1;
}

/*
 * memset(I, 0, sizeof *I), through a pointer the compiler cannot see
 * through: with the size known it inlines `rep stosq`, whose start-up
 * cost (about 15 ns here, a fifth of the reset of an instance that
 * dirtied a page) is most of zeroing 456 bytes; libc's memset stores
 * them with a few vector stores.
 */
static void *(*volatile zero_fn)(void *, int, size_t) = memset;

static void
zero_instance(struct wa_instance *I)
{
	zero_fn(I, 0, sizeof *I);
}

/* What a request can change, as the module starts it: the globals,
 * tables, segments, and what the start function does. */
static int
init_state(struct wa_instance *I, char *err, size_t errlen)
{
	define_funcs_globals(I);
	if (init_tables(I, err, errlen) || init_segments(I, err, errlen) || run_start(I, err, errlen))
		return -1;
	I->renewable = 1;
	return 0;
}

/* What the host's imports resolve to changes with this (link.c). */
static uint64_t
host_gen(const struct wa_host *h)
{
	return h ? h->gen : 0;
}

/* Fill a taken slot: everything but the region bookkeeping. */
static int
setup(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_region *r = I->region;
	uint8_t *slot = region_slot(r, I->slot);

	I->bump = I->bump_lo = (uint8_t *)(I + 1);
	I->bump_hi = slot + r->ctx_off + r->cfg.ctx_size;
	I->heap = slot + r->heap_off;
	I->heap_reserve = r->cfg.heap_reserve;
	I->heap_guard = r->cfg.heap_guard;
	I->sguard_lo = slot + r->sguard_off;
	I->stack_lo = slot + r->stack_off;
	I->stack_hi = slot + r->stack_top;
	I->nfuncs = I->mod->nfuncs;
	I->ctx.typeids = I->mod->typeids;
	I->ctx.rt = &rt_fns;
	I->ctx.stack_limit = I->own_limit = (uintptr_t)I->stack_lo + r->stack_margin;
	I->ctx.instance = I;
	I->trap.func = -1;
	if (alloc_all(I, err, errlen) || link_imports(I, err, errlen) || init_memory(I, err, errlen))
		return -1;
	I->host_gen = host_gen(I->host);
	return init_state(I, err, errlen);
}

/*
 * Bring the heap back to what the slot's next instance of this module
 * starts from: the image, or zeros, in [0, initial size), and nothing
 * accessible after it.  Only what the guest touched costs anything;
 * what it dirtied stays resident, cleared, up to the region's
 * keep_resident bound (zero.c), memory it grew into included: the next
 * request that grows as far takes no page faults.
 */
static void
clean_heap(struct wa_instance *I)
{
	struct slotmem *sm = &I->region->mem[I->slot];
	uint64_t init = I->heap_init, size = I->mem.m.size;

	if (I->img && I->img->fd >= 0) {
		/* the private copies go, the image shows */
		os_drop(I->heap, size);
	} else {
		zero_heap(I->heap, size, I->region->keep, sm);
	}
	/* memory an earlier instance grew into and this one did not: the
	 * pages kept for it go, as those of a resident run the guest did
	 * not touch (zero.c) */
	if (sm->hi > size)
		os_drop(I->heap + size, sm->hi - size);
	sm->full = sm->full < size ? sm->full : size;
	sm->hi = size;
	if (size > init && !I->region->cfg.bounds_checked)
		os_protect_none(I->heap + init, size - init);
	sm->rw = init;
	/* a slot reused: from now on what is written is tracked (wtrack.c) */
	if (!(I->img && I->img->fd >= 0) && init <= I->region->keep)
		wt_reset(I->region, sm, I->heap, init);
}

/*
 * Zero the context area the instance used, but for the records of the
 * module's defined functions (and the pointers to them), if setup made
 * them: they depend on the module and the slot alone, so the slot's
 * next instance of the module need not make them again (for a module
 * of 2,000 functions, most of what instantiation cost).  A slot that
 * then takes another module's instance zeroes them first (alloc_all).
 */
static void
clear_ctx(struct wa_instance *I)
{
	const struct wa_module *m = I->mod;
	struct slotmem *sm = &I->region->mem[I->slot];
	uint8_t *base = (uint8_t *)ALIGN16((uintptr_t)I->bump_lo);
	uint8_t *f0, *f1, *r0, *r1;
	uint32_t nimp = m->c->nfuncs_imported;

	if (sm->recs_mod != m->id) {
		/* none kept, or another module's that setup did not get to */
		uint8_t *end = I->bump > base + sm->recs_end ? I->bump : base + sm->recs_end;
		memset(I->bump_lo, 0, (size_t)(end - I->bump_lo));
		sm->recs_mod = 0;
		sm->recs_end = 0;
		return;
	}
	if (I->bump < base + m->ctx_end) {
		/* setup failed before it laid the area out: the records are
		 * as the last instance left them */
		memset(I->bump_lo, 0, (size_t)(I->bump - I->bump_lo));
		return;
	}
	f0 = base + m->ctx_off[CA_FUNCS] + (size_t)nimp * sizeof(struct wa_func *);
	f1 = base + m->ctx_off[CA_FUNCS] + (size_t)m->nfuncs * sizeof(struct wa_func *);
	r0 = base + m->ctx_off[CA_FUNCRECS] + (size_t)nimp * sizeof(struct wa_func);
	r1 = base + m->ctx_off[CA_FUNCRECS] + (size_t)m->nfuncs * sizeof(struct wa_func);
	memset(I->bump_lo, 0, (size_t)(f0 - I->bump_lo));
	memset(f1, 0, (size_t)(r0 - f1));
	memset(r1, 0, (size_t)(I->bump - r1));
	sm->recs_end = (uint64_t)(r1 - base);
}

/* Undo setup: zero what the guest and we dirtied, keep the slot. */
static void
teardown(struct wa_instance *I)
{
	deadline_cancel(I);
	wasi_inst_teardown(I);
	free_tables(I);
	if (I->mem.m.size || I->heap_init)
		clean_heap(I);
	clear_ctx(I);
}

static int
compatible(const struct wa_region *r, const struct wa_module *m, char *err, size_t errlen)
{
	const struct wa_contract *c = m->c;

	if (c->bounds == WA_BOUNDS_GUARD && r->cfg.bounds_checked) {
		rt_err(err, errlen, "module is compiled for guard pages; the region's slots are for modules "
		                    "compiled with --bounds-checks");
		return 0;
	}
	if (c->bounds == WA_BOUNDS_GUARD && (r->cfg.heap_reserve < c->heap_reserve || r->cfg.heap_guard < c->heap_guard)) {
		rt_err(err, errlen, "module needs heap reservation %llu + guard %llu; the region has %llu + %llu",
		       (unsigned long long)c->heap_reserve, (unsigned long long)c->heap_guard,
		       (unsigned long long)r->cfg.heap_reserve, (unsigned long long)r->cfg.heap_guard);
		return 0;
	}
	if (m->ctx_need > r->cfg.ctx_size) {
		rt_err(err, errlen, "module too large for the region's context area: it needs %llu bytes, "
		       "the region has %llu", (unsigned long long)m->ctx_need, (unsigned long long)r->cfg.ctx_size);
		return 0;
	}
	return 1;
}

struct wa_instance *
wa_instantiate(struct wa_region *r, struct wa_module *m, struct wa_host *h, void *userdata, char *err,
               size_t errlen)
{
	struct wa_instance *I;
	int slot;

	if (!compatible(r, m, err, errlen))
		return NULL;
	if ((slot = region_take(r)) < 0) {
		if (slot == -2)
			rt_err(err, errlen, "cannot set up the guard pages of a slot");
		else
			rt_err(err, errlen, "region full (%u slots)", r->cfg.slots);
		return NULL;
	}
	I = (struct wa_instance *)(region_slot(r, (uint32_t)slot) + r->ctx_off);
	zero_instance(I);
	I->region = r, I->slot = (uint32_t)slot, I->mod = m, I->host = h, I->userdata = userdata;
	if (setup(I, err, errlen)) {
		/* others may hold its functions: keep it till the host goes */
		if (I->linked)
			I->zombie = 1;
		else
			wa_instance_free(I);
		return NULL;
	}
	return I;
}

/* WASMRT_RENEW=0: every reset the whole way (the tests take both). */
static int
renew_enabled(void)
{
	static int off = -1;

	return !rt_env_zero("WASMRT_RENEW", &off);
}

/*
 * A reset that keeps what setup made from the module, the slot and the
 * host alone (the layout of the context area, the function records,
 * the imports bound) and does again what a request can change: the
 * heap, memory record, globals, tables, dropped segments, WASI state,
 * deadline, interrupt word, trap record, the start function.  For an
 * instance that dirtied a page, about 20 ns of the 80 a whole teardown
 * and setup cost.  Only for an instance set up whole, alone (not
 * linked: others hold its objects), idle, whose host has not changed
 * what its imports resolve to since (host->gen); else the whole way.
 * Every field of struct wa_instance that a request or the embedder can
 * change must be set here as setup sets it (test/lifecycle/fresh.c
 * compares an instance after every kind of change and a reset with a
 * fresh one).
 */
static int
renew(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_contract *c = I->mod->c;
	uint8_t *end = (uint8_t *)ALIGN16((uintptr_t)I->bump_lo) + I->mod->ctx_end;

	I->renewable = 0;
	deadline_cancel(I);
	wasi_inst_teardown(I);
	free_tables(I);
	if (I->mem.m.size || I->heap_init)
		clean_heap(I);
	/* what was allocated after setup (the WASI state); the tests of
	 * the sizes save a call each where there is nothing */
	if (I->bump > end)
		memset(end, 0, (size_t)(I->bump - end));
	I->bump = end;
	if (c->ntables)
		memset(I->tabrecs, 0, c->ntables * sizeof *I->tabrecs);
	if (c->ndata)
		memset(I->data_dropped, 0, c->ndata);
	if (c->nelem)
		memset(I->elem_dropped, 0, c->nelem);
	memset(&I->mem, 0, sizeof I->mem);
	memset(&I->trap, 0, sizeof I->trap);
	I->trap.func = -1;
	I->ctx.interrupt = 0;
	I->ctx.stack_limit = I->own_limit;
	I->host_sp = I->guest_sp = NULL;
	I->resumed = I->in_start = 0;
	I->yield_value = I->resume_value = 0;
	I->table_elems = 0;
	I->wasi = NULL;
	I->img = NULL;
	I->heap_init = 0;
	if (init_memory(I, err, errlen))
		return -1;
	return init_state(I, err, errlen);
}

int
wa_instance_reset(struct wa_instance *I, char *err, size_t errlen)
{
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	void *userdata;
	uint32_t slot;
	int linked;

	if (I->renewable && !I->linked && !I->zombie && !I->depth && !I->yielded &&
	    host_gen(I->host) == I->host_gen && renew_enabled())
		return renew(I, err, errlen);
	/* what survives a reset the whole way (not a copy of all of *I:
	 * that and the memset were a fifth of the reset of an instance
	 * that dirtied a page) */
	r = I->region, m = I->mod, h = I->host, userdata = I->userdata;
	slot = I->slot, linked = I->linked;
	teardown(I);
	zero_instance(I);
	I->region = r, I->slot = slot, I->mod = m, I->host = h;
	I->userdata = userdata, I->linked = linked;
	return setup(I, err, errlen);
}

void
wa_instance_free(struct wa_instance *I)
{
	struct wa_region *r;
	uint32_t slot;

	if (!I)
		return;
	r = I->region, slot = I->slot;
	link_leave(I);
	teardown(I);
	/* the stack is left as it is: guest code addresses only its heap,
	 * so the next instance cannot read what this one left there */
	zero_instance(I);
	region_give(r, slot);
}

void *
wa_instance_data(const struct wa_instance *I)
{
	return I->userdata;
}

void
wa_instance_set_data(struct wa_instance *I, void *p)
{
	I->userdata = p;
}

struct wa_module *
wa_instance_module(const struct wa_instance *I)
{
	return I->mod;
}

uint8_t *
wa_instance_memory(const struct wa_instance *I, uint64_t *size)
{
	if (size)
		*size = wa_memory_size(I);
	if (!I->ctx.mem0)
		return NULL;
	/* the caller may hand any of it to the kernel to write (wtrack.c) */
	wt_prepare(I->ctx.mem0, 0, I->ctx.mem0->size);
	return I->ctx.mem0_base;
}

void
wa_instance_interrupt(struct wa_instance *I)
{
	__atomic_fetch_or(&I->ctx.interrupt, INTR_STOP, __ATOMIC_RELAXED);
}

const struct wa_trap_info *
wa_trap_info(const struct wa_instance *I)
{
	return &I->trap;
}
