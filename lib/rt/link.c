/*
 * Linking: imports resolved against the exports of registered
 * instances and against the host's functions, globals, tables and
 * memories, with the import matching rules of WebAssembly 2.0 (type
 * equality for functions and globals, limits subtyping for tables and
 * memories, measured against their current size).
 *
 * Everything generated code reaches through the context is a pointer
 * (function records, table, memory and global objects), so an import
 * is that pointer copied from the exporter: the two instances then
 * share one object.  A linked function is called straight on the
 * caller's stack with its own instance's context, so the instances
 * that share objects through a host form its link group, whose stack
 * limits follow the stack in use (link_set_stack_limit, from wa_call)
 * and whose code and heaps the fault handler recognises.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define PAGE (64u << 10)

/* What an import resolves to. */
struct target {
	uint32_t kind;
	struct wa_instance *from;    /* the exporting instance, or NULL */
	const struct hostent *h;     /* or a host entry */
	const struct hostdefault *d; /* or a host module's default function */
	struct wa_func *func;
	struct rt_table *table;
	struct rt_memory *mem;
	struct wa_global *global;
	uint8_t valtype, mut;
};

static const struct hostreg *
reg_find(const struct wa_host *h, const char *name, size_t len)
{
	uint32_t i;

	for (i = h ? h->nregs : 0; i-- > 0;)
		if (h->regs[i].len == len && (!len || !memcmp(h->regs[i].name, name, len)))
			return &h->regs[i];
	return NULL;
}

static int
from_instance(struct wa_instance *X, const struct wa_c_import *im, struct target *t)
{
	uint32_t kind, idx;

	if (module_export(X->mod, im->field, im->fieldlen, &kind, &idx))
		return -1;
	t->kind = kind;
	t->from = X;
	switch (kind) {
	case WA_EXTERN_FUNC: t->func = X->ctx.funcs[idx]; break;
	case WA_EXTERN_TABLE: t->table = (struct rt_table *)X->ctx.tables[idx]; break;
	case WA_EXTERN_MEMORY: t->mem = (struct rt_memory *)X->ctx.mem0; break;
	default: t->global = X->ctx.globals[idx]; module_global_type(X->mod, idx, &t->valtype, &t->mut); break;
	}
	return 0;
}

/* -1 if nothing has the import's name. */
static int
find(const struct wa_instance *I, const struct wa_c_import *im, struct target *t)
{
	const struct wa_host *h = I->host;
	const struct hostreg *r = reg_find(h, im->module, im->modlen);
	const struct hostent *e;

	memset(t, 0, sizeof *t);
	if (r)
		return from_instance(r->inst, im, t);
	if (!(e = host_lookup(h, im->module, im->modlen, im->field, im->fieldlen, im->kind)))
		e = host_lookup(h, im->module, im->modlen, im->field, im->fieldlen, HOST_ANY);
	if (e) {
		t->kind = e->kind;
		t->h = e;
		t->table = e->table;
		t->mem = e->mem;
		t->global = e->cell;
		t->valtype = e->valtype;
		t->mut = e->mut;
		return 0;
	}
	if (im->kind == WA_EXTERN_FUNC && (t->d = host_default(h, im->module, im->modlen))) {
		t->kind = WA_EXTERN_FUNC;
		return 0;
	}
	return -1;
}

/* Limits subtyping: the current size against the import's minimum. */
static int
limits_match(uint64_t cur, int has_max, uint64_t max, const struct wa_c_limits *l)
{
	return cur >= l->min && (!l->has_max || (has_max && max <= l->max));
}

static int
matches(const struct wa_instance *I, const struct wa_c_import *im, const struct target *t)
{
	const struct wa_contract *c = I->mod->c;
	const struct rt_memory *m = t->mem;

	if (t->kind != im->kind)
		return 0;
	switch (im->kind) {
	case WA_EXTERN_FUNC:
		if (t->d)
			return 1;
		return (t->func ? t->func->typeid : t->h->typeid) == I->mod->typeids[im->type];
	case WA_EXTERN_TABLE:
		return t->table->t.elemtype == im->type &&
		       limits_match(t->table->t.size, t->table->has_max, t->table->decl_max, &im->limits);
	case WA_EXTERN_MEMORY:
		/* guard-mode code needs the reservation it was compiled for */
		if (c->bounds == WA_BOUNDS_GUARD && (m->m.reserved < c->heap_reserve || m->guard < c->heap_guard))
			return 0;
		return limits_match(m->m.size / PAGE, m->has_max, m->decl_max, &im->limits);
	default:
		return t->valtype == im->type && t->mut == im->mut;
	}
}

static void
bind_func(struct wa_instance *I, uint32_t f, const struct wa_c_import *im, const struct target *t)
{
	const struct wa_module *m = I->mod;
	struct wa_func *r = &I->funcrecs[f];

	if (t->func) {
		I->ctx.funcs[f] = t->func;
		return;
	}
	*r = (struct wa_func){im->adapter, m->typeids[im->type], 0, &I->ctx, m->c->types[im->type].tramp};
	if (t->h && t->h->native)
		r->code = t->h->native;
	else if (t->h)
		I->bindings[f] = (struct binding){t->h->fn, t->h->data};
	else
		I->bindings[f] = (struct binding){t->d->fn, t->d->data};
	I->ctx.funcs[f] = r;
}

static void
bind(struct wa_instance *I, const struct wa_c_import *im, const struct target *t, uint32_t n[4])
{
	switch (im->kind) {
	case WA_EXTERN_FUNC: bind_func(I, n[0], im, t); break;
	case WA_EXTERN_TABLE: I->ctx.tables[n[1]] = &t->table->t; break;
	case WA_EXTERN_MEMORY:
		I->ctx.mem0 = &t->mem->m;
		I->ctx.mem0_base = t->mem->m.base;
		break;
	default: I->ctx.globals[n[3]] = t->global; break;
	}
	n[im->kind]++;
}

/*
 * What a module's imports resolve to against a host, kept in the host
 * so that the next instance of the module binds them without a lookup
 * by name (most of what instantiation cost): only when every import is
 * a host function, a host default or an unshared host global, which
 * depend on nothing but the host's entries, and those change the
 * host's gen.  Entries are added at the head under the host's lock and
 * read without it (published with a release store, never changed, freed
 * with the host); a module's id is never reused.
 */
struct linkcache {
	struct linkcache *next;
	uint64_t module, gen;
	struct target t[];           /* per import */
};

static const struct linkcache *
cache_find(struct wa_host *h, const struct wa_module *m)
{
	const struct linkcache *e;
	uint64_t gen = h ? h->gen : 0;

	for (e = h ? __atomic_load_n(&h->cache, __ATOMIC_ACQUIRE) : NULL; e; e = e->next)
		if (e->module == m->id && e->gen == gen)
			return e;
	return NULL;
}

static void
cache_add(struct wa_host *h, const struct wa_module *m, const struct target *t)
{
	uint32_t n = m->c->nimports;
	struct linkcache *e;

	if (!h || !(e = malloc(sizeof *e + n * sizeof *t)))
		return;                  /* resolved again next time */
	e->module = m->id, e->gen = h->gen;
	memcpy(e->t, t, n * sizeof *t);
	pthread_mutex_lock(&h->cache_lock);
	e->next = h->cache;
	__atomic_store_n(&h->cache, e, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&h->cache_lock);
}

void
link_cache_free(struct wa_host *h)
{
	struct linkcache *e, *next;

	for (e = h->cache; e; e = next) {
		next = e->next;
		free(e);
	}
	h->cache = NULL;
}

/* Does a target depend on nothing but the host's entries? */
static int
cacheable(const struct target *t)
{
	return !t->from && !t->table && !t->mem && !(t->global && (t->valtype == 0x70 || t->valtype == 0x6f));
}

/* Resolve every import into t[]; *shares: some target shares objects
 * with other instances. */
static int
resolve(struct wa_instance *I, struct target *t, int *shares, char *err, size_t errlen)
{
	const struct wa_contract *c = I->mod->c;
	uint32_t i;

	for (i = 0; i < c->nimports; i++) {
		const struct wa_c_import *im = &c->imports[i];
		if (find(I, im, &t[i])) {
			rt_err(err, errlen, "unlinkable: unknown import %.*s.%.*s", (int)im->modlen, im->module,
			       (int)im->fieldlen, im->field);
			return -1;
		}
		if (!matches(I, im, &t[i])) {
			rt_err(err, errlen, "unlinkable: incompatible import type for %.*s.%.*s", (int)im->modlen,
			       im->module, (int)im->fieldlen, im->field);
			return -1;
		}
		*shares |= !cacheable(&t[i]);
	}
	return 0;
}

/* Resolve and bind every import; the instance joins the host's link
 * group if it shares objects with others. */
int
link_imports(struct wa_instance *I, char *err, size_t errlen)
{
	const struct wa_contract *c = I->mod->c;
	const struct linkcache *e = cache_find(I->host, I->mod);
	uint32_t i, n[4] = {0, 0, 0, 0};
	struct target buf[16], *t = buf;
	int shares = 0, ret = -1;

	if (e) {
		for (i = 0; i < c->nimports; i++)
			bind(I, &c->imports[i], &e->t[i], n);
		return 0;
	}
	if (c->nimports > sizeof buf / sizeof *buf && !(t = malloc(c->nimports * sizeof *t))) {
		rt_err(err, errlen, "out of memory");
		return -1;
	}
	if (resolve(I, t, &shares, err, errlen))
		goto out;
	for (i = 0; i < c->nimports; i++)
		bind(I, &c->imports[i], &t[i], n);
	if (!shares && c->nimports)
		cache_add(I->host, I->mod, t);
	if (shares && link_join(I)) {
		rt_err(err, errlen, "out of memory");
		goto out;
	}
	ret = 0;
out:
	if (t != buf)
		free(t);
	return ret;
}

int
link_join(struct wa_instance *I)
{
	struct wa_host *h = I->host;

	if (I->linked)
		return 0;
	if (h->ngroup == h->groupcap) {
		uint32_t cap = h->groupcap ? 2 * h->groupcap : 16;
		struct wa_instance **v = realloc(h->group, cap * sizeof *v);
		if (!v)
			return -1;
		h->group = v, h->groupcap = cap;
	}
	h->group[h->ngroup++] = I;
	I->linked = 1;
	/* joining while the group runs: the stack in use is the limit */
	if (rt_stack_owner() && rt_stack_owner()->linked && rt_stack_owner()->host == h)
		I->ctx.stack_limit = rt_stack_owner()->own_limit;
	return 0;
}

/* Out of the group and of the registrations. */
void
link_leave(struct wa_instance *I)
{
	struct wa_host *h = I->host;
	uint32_t i, k;

	if (!I->linked || !h)
		return;
	for (i = k = 0; i < h->ngroup; i++)
		if (h->group[i] != I)
			h->group[k++] = h->group[i];
	h->ngroup = k;
	for (i = k = 0; i < h->nregs; i++) {
		if (h->regs[i].inst == I)
			free(h->regs[i].name);
		else
			h->regs[k++] = h->regs[i];
	}
	if (h->nregs != k)
		h->gen++;
	h->nregs = k;
	I->linked = 0;
}

void
link_set_stack_limit(struct wa_instance *I, uintptr_t limit)
{
	struct wa_host *h = I->host;
	uint32_t i;

	for (i = 0; i < h->ngroup; i++)
		h->group[i]->ctx.stack_limit = limit;
}

struct wa_instance *
link_code_owner(struct wa_instance *I, uintptr_t pc)
{
	uint32_t i;

	if (module_pc_in_code(I->mod, pc))
		return I;
	for (i = 0; I->linked && i < I->host->ngroup; i++)
		if (module_pc_in_code(I->host->group[i]->mod, pc))
			return I->host->group[i];
	return NULL;
}

static int
heap_has(const struct wa_instance *X, uintptr_t a)
{
	const struct rt_memory *m = (const struct rt_memory *)X->ctx.mem0;

	return m && a >= (uintptr_t)m->m.base && a - (uintptr_t)m->m.base < m->m.reserved + m->guard;
}

int
link_in_heap(struct wa_instance *I, uintptr_t a)
{
	uint32_t i;

	if (heap_has(I, a))
		return 1;
	for (i = 0; I->linked && i < I->host->ngroup; i++)
		if (heap_has(I->host->group[i], a))
			return 1;
	return 0;
}

int
wa_host_register(struct wa_host *h, const char *name, size_t len, struct wa_instance *I)
{
	struct hostreg *v;
	char *s;

	/* longer than any import's module name could be: refused, and
	 * len + 1 below cannot wrap */
	if (len > MAX_NAME || I->host != h || I->zombie || link_join(I))
		return -1;
	if (!(s = malloc(len + 1)))
		return -1;
	if (!(v = realloc(h->regs, (h->nregs + 1) * sizeof *v))) {
		free(s);
		return -1;
	}
	if (len)
		memcpy(s, name, len);
	s[len] = 0;
	h->regs = v;
	v[h->nregs++] = (struct hostreg){s, len, I};
	h->gen++;             /* the name hides host entries from now on */
	return 0;
}

int
wa_instance_export(const struct wa_instance *I, const char *name, size_t len, uint32_t *kind, uint32_t *index)
{
	return module_export(I->mod, name, len, kind, index);
}

int
wa_instance_global(const struct wa_instance *I, uint32_t g, wa_val *v, uint8_t *valtype)
{
	uint8_t mut;

	if (g >= I->mod->nglobals)
		return -1;
	module_global_type(I->mod, g, valtype, &mut);
	*v = I->ctx.globals[g]->v;
	return 0;
}
