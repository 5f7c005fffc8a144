/*
 * Host functions and globals registered by module and field name, and
 * the generic call path: an import bound to a callback is reached
 * through the module's import adapter, which spills the arguments to
 * wa_val slots and calls ctx->rt->host_call.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

struct wa_host *
wa_host_new(void)
{
	struct wa_host *h = calloc(1, sizeof(struct wa_host));

	if (h)
		pthread_mutex_init(&h->cache_lock, NULL);
	return h;
}

void
wa_host_free(struct wa_host *h)
{
	uint32_t i;

	if (!h)
		return;
	/* the kept failed instances; others should be gone already */
	for (i = h->ngroup; i-- > 0;)
		if (i < h->ngroup && h->group[i]->zombie)
			wa_instance_free(h->group[i]);
	for (i = 0; i < h->ngroup; i++)
		h->group[i]->linked = 0;
	free(h->group);
	for (i = 0; i < h->nregs; i++)
		free(h->regs[i].name);
	free(h->regs);
	for (i = 0; i < h->n; i++) {
		free(h->v[i].module);
		free(h->v[i].field);
		free(h->v[i].cell);
		host_free_table(h->v[i].table);
		host_free_memory(h->v[i].mem);
	}
	for (i = 0; i < h->ndefaults; i++)
		free(h->defaults[i].module);
	free(h->defaults);
	free(h->v);
	wasi_host_free(h->wasi);
	link_cache_free(h);
	pthread_mutex_destroy(&h->cache_lock);
	free(h);
}

static struct hostent *
add(struct wa_host *h, const char *module, const char *field)
{
	struct hostent *e;

	if (h->n == h->cap) {
		uint32_t cap = h->cap ? 2 * h->cap : 32;
		struct hostent *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return NULL;
		h->v = v, h->cap = cap;
	}
	e = &h->v[h->n];
	memset(e, 0, sizeof *e);
	h->gen++;             /* h->v may have moved; resolutions may change */
	if (!(e->module = strdup(module)) || !(e->field = strdup(field))) {
		free(e->module);
		return NULL;
	}
	h->n++;
	return e;
}

int
wa_host_func(struct wa_host *h, const char *module, const char *field, const char *sig, void *native,
             wa_host_fn fn, void *data)
{
	uint8_t p[64], r[64];
	uint32_t np, nr, id;
	struct hostent *e;

	if ((!native && !fn) || sig_parse(sig, p, &np, r, &nr, 64))
		return -1;
	if ((id = typeid_intern(np, p, nr, r)) == UINT32_MAX || !(e = add(h, module, field)))
		return -1;
	e->kind = HOST_FUNC;
	e->typeid = id;
	e->native = native;
	e->fn = fn;
	e->data = data;
	return 0;
}

void
wa_host_default(struct wa_host *h, const char *module, wa_host_fn fn, void *data)
{
	struct hostdefault *v = realloc(h->defaults, (h->ndefaults + 1) * sizeof *v);

	if (!v)
		return;
	h->defaults = v;
	h->gen++;
	v[h->ndefaults] = (struct hostdefault){strdup(module), fn, data};
	if (v[h->ndefaults].module)
		h->ndefaults++;
}

int
wa_host_global(struct wa_host *h, const char *module, const char *field, uint8_t valtype, int mut, wa_val init)
{
	struct hostent *e;
	struct wa_global *cell;

	if (!valtype_ok(valtype) || !(cell = aligned_alloc(16, sizeof *cell)))
		return -1;
	if (!(e = add(h, module, field))) {
		free(cell);
		return -1;
	}
	cell->v = init;
	e->kind = HOST_GLOBAL;
	e->valtype = valtype;
	e->mut = !!mut;
	e->cell = cell;
	return 0;
}

void
host_free_table(struct rt_table *t)
{
	if (t)
		free(t->t.elems);
	free(t);
}

void
host_free_memory(struct rt_memory *m)
{
	if (m)
		os_release(m->m.base, m->m.reserved + m->guard);
	free(m);
}

int
wa_host_table(struct wa_host *h, const char *module, const char *field, uint8_t elemtype, uint32_t min,
              uint32_t max)
{
	struct rt_table *t;
	struct hostent *e;

	if ((elemtype != 0x70 && elemtype != 0x6f) || max < min || min > TABLE_CAP || !(t = calloc(1, sizeof *t)))
		return -1;
	t->has_max = max != WA_NO_MAX;
	t->decl_max = max;
	t->t.size = min;
	t->t.max = max < TABLE_CAP ? max : TABLE_CAP;
	t->t.elemtype = elemtype;
	if (!(t->t.elems = calloc((size_t)min + 1, sizeof *t->t.elems)) || !(e = add(h, module, field))) {
		host_free_table(t);
		return -1;
	}
	e->kind = HOST_TABLE;
	e->table = t;
	return 0;
}

/* A host memory has the default region's layout: what guard-mode code
 * compiled with the defaults needs. */
#define HOST_HEAP_RESERVE (4ull << 30)
#define HOST_HEAP_GUARD (2ull << 30)

int
wa_host_memory(struct wa_host *h, const char *module, const char *field, uint32_t min, uint32_t max)
{
	struct rt_memory *m;
	struct hostent *e;

	if (max < min || min > WA_MEM_MAX_PAGES || !(m = calloc(1, sizeof *m)))
		return -1;
	m->has_max = max != WA_NO_MAX;
	m->decl_max = max;
	m->guard = HOST_HEAP_GUARD;
	m->m.reserved = HOST_HEAP_RESERVE;
	m->m.max_pages = max < WA_MEM_MAX_PAGES ? max : WA_MEM_MAX_PAGES;
	m->m.size = (uint64_t)min << 16;
	if (!(m->m.base = os_reserve(HOST_HEAP_RESERVE + HOST_HEAP_GUARD))) {
		free(m);
		return -1;
	}
	if (os_protect_rw(m->m.base, m->m.size) || !(e = add(h, module, field))) {
		host_free_memory(m);
		return -1;
	}
	e->kind = HOST_MEMORY;
	e->mem = m;
	return 0;
}

static int
eq(const char *s, const char *p, uint32_t len)
{
	/* p may be NULL for an empty name */
	return strlen(s) == len && (!len || !memcmp(s, p, len));
}

const struct hostent *
host_lookup(const struct wa_host *h, const char *module, uint32_t modlen, const char *field, uint32_t fieldlen,
            uint32_t kind)
{
	uint32_t i;

	for (i = 0; h && i < h->n; i++)
		if ((kind == HOST_ANY || h->v[i].kind == kind) && eq(h->v[i].module, module, modlen) && eq(h->v[i].field, field, fieldlen))
			return &h->v[i];
	return NULL;
}

const struct hostdefault *
host_default(const struct wa_host *h, const char *module, uint32_t modlen)
{
	uint32_t i;

	for (i = 0; h && i < h->ndefaults; i++)
		if (eq(h->defaults[i].module, module, modlen))
			return &h->defaults[i];
	return NULL;
}

/* rt->host_call: from an import adapter, on the guest stack. */
void
host_call(struct wa_vmctx *ctx, uint32_t func, wa_val *args)
{
	struct wa_instance *I = inst_of(ctx);
	struct binding *b;

	if (func >= I->mod->c->nfuncs_imported || !(b = &I->bindings[func])->fn)
		rt_trap_at(I, WA_TRAP_HOST, (uintptr_t)__builtin_return_address(0) - 1);
	b->fn(I, b->data, args);
}
