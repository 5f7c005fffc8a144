/*
 * Loading a compiled module: dlopen the .so, find its one contract
 * symbol and validate every field before anything else reads it.  The
 * .so is native code and so is trusted not to be malicious (its
 * constructors run at dlopen); validation catches a damaged, truncated,
 * foreign or mismatched file with a clear message instead of a crash.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

#define MAX_SEGS 32

struct v {
	struct wa_module *m;
	const struct wa_contract *c;
	struct seg seg[MAX_SEGS];
	int nseg;
	char *err;
	size_t errlen;
};

#define FAIL(V, ...) (rt_err((V)->err, (V)->errlen, __VA_ARGS__), -1)

struct phdr_arg {
	struct v *V;
	uintptr_t base;
	const char *name;
};

static int
phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct phdr_arg *a = arg;
	struct v *V = a->V;
	int i;

	if (info->dlpi_addr != a->base || strcmp(info->dlpi_name, a->name))
		return 0;
	for (i = 0; i < info->dlpi_phnum && V->nseg < MAX_SEGS; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_R))
			continue;
		V->seg[V->nseg].lo = info->dlpi_addr + ph->p_vaddr;
		V->seg[V->nseg].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		V->seg[V->nseg].x = !!(ph->p_flags & PF_X);
		V->nseg++;
	}
	return 1;
}

/* The loaded object's PT_LOAD ranges: where contract pointers may point. */
static int
find_segments(struct v *V)
{
	struct link_map *lm;
	struct phdr_arg a = {V, 0, NULL};

	if (dlinfo(V->m->dl, RTLD_DI_LINKMAP, &lm) != 0)
		return FAIL(V, "cannot find the loaded object: %s", dlerror());
	a.base = lm->l_addr;
	a.name = lm->l_name;
	dl_iterate_phdr(phdr_cb, &a);
	if (!V->nseg)
		return FAIL(V, "cannot find the loaded object's segments");
	return 0;
}

/* [p, p+size) lies inside one segment (executable if x). */
static int
inside(struct v *V, const void *p, uint64_t size, int x)
{
	uintptr_t a = (uintptr_t)p;
	int i;

	for (i = 0; i < V->nseg; i++)
		if (a >= V->seg[i].lo && a < V->seg[i].hi && size <= V->seg[i].hi - a && (!x || V->seg[i].x))
			return 1;
	return 0;
}

/* An array of n elements: NULL allowed only when empty; aligned as
 * its type needs (an unaligned one is damage, and reading through it
 * undefined behaviour). */
static int
array_ok(struct v *V, const void *p, uint64_t n, size_t elsize, size_t align, const char *what)
{
	if (!n)
		return 0;
	if (!p || !inside(V, p, n * elsize, 0))
		return FAIL(V, "contract: %s array (%llu entries) lies outside the module", what,
		            (unsigned long long)n);
	if ((uintptr_t)p % align)
		return FAIL(V, "contract: %s array is misaligned", what);
	return 0;
}

#define ARRAY_OK(V, p, n, what) array_ok(V, p, n, sizeof *(p), __alignof__(*(p)), what)

static int
code_ok(struct v *V, const void *p, const char *what, uint32_t i)
{
	if (!p || !inside(V, p, 1, 1))
		return FAIL(V, "contract: %s %u: code pointer outside the module's code", what, i);
	return 0;
}

static int
name_ok(struct v *V, const char *s, uint32_t len, const char *what, uint32_t i)
{
	if (len > MAX_NAME)
		return FAIL(V, "contract: %s %u: name of %u bytes exceeds the limit of %u", what, i, len,
		            (unsigned)MAX_NAME);
	if (len && (!s || !inside(V, s, len, 0)))
		return FAIL(V, "contract: %s %u: name lies outside the module", what, i);
	return 0;
}

/* A NUL-terminated string inside the object, at most max bytes. */
static int
cstr_ok(struct v *V, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++) {
		if (!inside(V, s + i, 1, 0))
			return 0;
		if (!s[i])
			return 1;
	}
	return 0;
}

static int
limits_ok(struct v *V, const struct wa_c_limits *l, uint64_t cap, const char *what, uint32_t i)
{
	if (l->has_max > 1 || l->min > cap || (l->has_max && (l->max > cap || l->max < l->min)))
		return FAIL(V, "contract: %s %u: bad limits", what, i);
	return 0;
}

static int
types_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint32_t i, k;

	if (c->ntypes > MAX_TYPES || ARRAY_OK(V, c->types, c->ntypes, "types"))
		return c->ntypes > MAX_TYPES ? FAIL(V, "contract: %u types, more than the limit of %u", c->ntypes,
		                                    (unsigned)MAX_TYPES) : -1;
	if (!(V->m->typeids = calloc(c->ntypes + 1, sizeof *V->m->typeids)))
		return FAIL(V, "out of memory");
	for (i = 0; i < c->ntypes; i++) {
		const struct wa_c_functype *t = &c->types[i];
		if (t->nparams > MAX_PARAMS || t->nresults > MAX_PARAMS ||
		    ARRAY_OK(V, t->params, t->nparams, "params") || ARRAY_OK(V, t->results, t->nresults, "results"))
			return FAIL(V, "contract: type %u: bad parameter or result list", i);
		for (k = 0; k < t->nparams + t->nresults; k++) {
			uint8_t b = k < t->nparams ? t->params[k] : t->results[k - t->nparams];
			if (!valtype_ok(b))
				return FAIL(V, "contract: type %u: bad value type 0x%02x", i, b);
		}
		if (code_ok(V, (void *)t->tramp, "trampoline of type", i))
			return -1;
		V->m->typeids[i] = typeid_intern(t->nparams, t->params, t->nresults, t->results);
		if (V->m->typeids[i] == UINT32_MAX)
			return FAIL(V, "out of memory");
	}
	return 0;
}

static int
import_ok(struct v *V, const struct wa_c_import *im, uint32_t i, uint32_t n[4])
{
	if (name_ok(V, im->module, im->modlen, "import", i) || name_ok(V, im->field, im->fieldlen, "import", i))
		return -1;
	switch (im->kind) {
	case 0:
		if (im->type >= V->c->ntypes)
			return FAIL(V, "contract: import %u: type %u out of range", i, im->type);
		if (code_ok(V, im->adapter, "import adapter", i))
			return -1;
		V->m->import_of_func[n[0]] = i;
		break;
	case 1:
		if ((im->type != 0x70 && im->type != 0x6f) || limits_ok(V, &im->limits, UINT32_MAX, "import", i))
			return FAIL(V, "contract: import %u: bad table type", i);
		V->m->import_of_table[n[1]] = i;
		break;
	case 2:
		if (limits_ok(V, &im->limits, MAX_PAGES, "import", i))
			return -1;
		break;
	case 3:
		if (!valtype_ok(im->type) || im->mut > 1)
			return FAIL(V, "contract: import %u: bad global type", i);
		V->m->import_of_global[n[3]] = i;
		break;
	default:
		return FAIL(V, "contract: import %u: bad kind %u", i, im->kind);
	}
	n[im->kind]++;
	return 0;
}

static int
imports_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	struct wa_module *m = V->m;
	uint32_t i, n[4] = {0, 0, 0, 0};

	if (c->nimports > MAX_IMPORTS)
		return FAIL(V, "contract: %u imports, more than the limit of %u", c->nimports, (unsigned)MAX_IMPORTS);
	if (ARRAY_OK(V, c->imports, c->nimports, "imports"))
		return -1;
	if (c->nfuncs_imported > c->nimports || c->nglobals_imported > c->nimports ||
	    c->ntables_imported > c->nimports)
		return FAIL(V, "contract: imported counts exceed the imports");
	m->import_of_func = calloc(c->nfuncs_imported + 1, sizeof *m->import_of_func);
	m->import_of_table = calloc(c->ntables_imported + 1, sizeof *m->import_of_table);
	m->import_of_global = calloc(c->nglobals_imported + 1, sizeof *m->import_of_global);
	if (!m->import_of_func || !m->import_of_table || !m->import_of_global)
		return FAIL(V, "out of memory");
	for (i = 0; i < c->nimports; i++) {
		uint32_t k = c->imports[i].kind;
		uint32_t lim = k == 0 ? c->nfuncs_imported : k == 1 ? c->ntables_imported
		             : k == 2 ? c->nmems_imported : c->nglobals_imported;
		if (k < 4 && n[k] >= lim)
			return FAIL(V, "contract: import %u: more imports of kind %u than counted", i, k);
		if (import_ok(V, &c->imports[i], i, n))
			return -1;
	}
	if (n[0] != c->nfuncs_imported || n[1] != c->ntables_imported || n[2] != c->nmems_imported ||
	    n[3] != c->nglobals_imported)
		return FAIL(V, "contract: imported counts do not match the imports");
	return 0;
}

static int
cmpcode(const void *a, const void *b)
{
	const struct codeent *x = a, *y = b;

	return x->code < y->code ? -1 : x->code > y->code;
}

static int
funcs_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	struct wa_module *m = V->m;
	uint32_t i;

	if (c->nfuncs > MAX_FUNCS)
		return FAIL(V, "contract: %u functions, more than the limit of %u", c->nfuncs, (unsigned)MAX_FUNCS);
	if (ARRAY_OK(V, c->funcs, c->nfuncs, "functions"))
		return -1;
	if (!(m->bycode = calloc(c->nfuncs + 1, sizeof *m->bycode)))
		return FAIL(V, "out of memory");
	for (i = 0; i < c->nfuncs; i++) {
		const struct wa_c_func *f = &c->funcs[i];
		if (f->type >= c->ntypes)
			return FAIL(V, "contract: function %u: type %u out of range", i, f->type);
		if (code_ok(V, f->code, "function", i) || (f->name && name_ok(V, f->name, f->namelen, "function", i)))
			return -1;
		m->bycode[i] = (struct codeent){(uintptr_t)f->code, c->nfuncs_imported + i};
	}
	m->nbycode = c->nfuncs;
	qsort(m->bycode, m->nbycode, sizeof *m->bycode, cmpcode);
	m->nfuncs = c->nfuncs_imported + c->nfuncs;
	return 0;
}

static int
tables_mems_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint32_t i;

	if ((uint64_t)c->ntables + c->ntables_imported > MAX_TABLES)
		return FAIL(V, "contract: %llu tables, more than the limit of %u",
		            (unsigned long long)c->ntables + c->ntables_imported, (unsigned)MAX_TABLES);
	if (ARRAY_OK(V, c->tables, c->ntables, "tables"))
		return -1;
	for (i = 0; i < c->ntables; i++) {
		if (c->tables[i].elemtype != 0x70 && c->tables[i].elemtype != 0x6f)
			return FAIL(V, "contract: table %u: bad element type", i);
		if (limits_ok(V, &c->tables[i].limits, UINT32_MAX, "table", i))
			return -1;
		if (c->tables[i].limits.min > MAX_TABLE_SIZE)
			return FAIL(V, "contract: table %u: %llu elements", i, (unsigned long long)c->tables[i].limits.min);
	}
	if ((uint64_t)c->nmems + c->nmems_imported > 1)
		return FAIL(V, "contract: %u memories (at most one)", c->nmems + c->nmems_imported);
	if (ARRAY_OK(V, c->mems, c->nmems, "memories"))
		return -1;
	for (i = 0; i < c->nmems; i++)
		if (limits_ok(V, &c->mems[i], MAX_PAGES, "memory", i))
			return -1;
	V->m->ntables = c->ntables_imported + c->ntables;
	V->m->nmems = c->nmems_imported + c->nmems;
	return 0;
}

static uint32_t
global_type(const struct wa_module *m, uint32_t g)
{
	const struct wa_contract *c = m->c;

	if (g < c->nglobals_imported)
		return c->imports[m->import_of_global[g]].type;
	return c->globals[g - c->nglobals_imported].valtype;
}

/* A constant expression of value type want; global.get may read
 * globals below nglob. */
static int
const_ok(struct v *V, const struct wa_c_const *k, uint32_t want, uint32_t nglob)
{
	uint32_t t;

	switch (k->op) {
	case 0x41: t = 0x7f; break;
	case 0x42: t = 0x7e; break;
	case 0x43: t = 0x7d; break;
	case 0x44: t = 0x7c; break;
	case 0xfd0c: t = 0x7b; break;
	case 0xd0: t = k->index; break;
	case 0xd2:
		if (k->index >= V->m->nfuncs)
			return -1;
		t = 0x70;
		break;
	case 0x23:
		if (k->index >= nglob)
			return -1;
		t = global_type(V->m, k->index);
		break;
	default:
		return -1;
	}
	return t == want ? 0 : -1;
}

static int
globals_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint32_t i;

	if (c->nglobals > MAX_GLOBALS)
		return FAIL(V, "contract: %u globals, more than the limit of %u", c->nglobals, (unsigned)MAX_GLOBALS);
	if (ARRAY_OK(V, c->globals, c->nglobals, "globals"))
		return -1;
	V->m->nglobals = c->nglobals_imported + c->nglobals;
	for (i = 0; i < c->nglobals; i++) {
		const struct wa_c_global *g = &c->globals[i];
		if (!valtype_ok(g->valtype) || g->mut > 1)
			return FAIL(V, "contract: global %u: bad type", i);
		if (const_ok(V, &g->init, g->valtype, c->nglobals_imported + i))
			return FAIL(V, "contract: global %u: bad initializer", i);
	}
	return 0;
}

static int
data_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint32_t i;

	if (c->ndata > MAX_DATA)
		return FAIL(V, "contract: %u data segments, more than the limit of %u", c->ndata, (unsigned)MAX_DATA);
	if (ARRAY_OK(V, c->data, c->ndata, "data"))
		return -1;
	for (i = 0; i < c->ndata; i++) {
		const struct wa_c_data *d = &c->data[i];
		if (d->mode > 1 || (d->mode == 0 && (d->memory >= V->m->nmems ||
		    const_ok(V, &d->offset, 0x7f, V->m->nglobals))))
			return FAIL(V, "contract: data segment %u: bad mode, memory or offset", i);
		if (ARRAY_OK(V, d->bytes, d->len, "data segment bytes"))
			return -1;
	}
	return 0;
}

static uint32_t
table_type(const struct wa_module *m, uint32_t t)
{
	const struct wa_contract *c = m->c;

	if (t >= c->ntables_imported)
		return c->tables[t - c->ntables_imported].elemtype;
	return c->imports[m->import_of_table[t]].type;
}

static int
elems_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint32_t i, k;

	if (c->nelem > MAX_ELEMS)
		return FAIL(V, "contract: %u element segments, more than the limit of %u", c->nelem,
		            (unsigned)MAX_ELEMS);
	if (ARRAY_OK(V, c->elems, c->nelem, "elements"))
		return -1;
	for (i = 0; i < c->nelem; i++) {
		const struct wa_c_elem *e = &c->elems[i];
		if (e->mode > 2 || (e->elemtype != 0x70 && e->elemtype != 0x6f) || e->n > MAX_TABLE_SIZE)
			return FAIL(V, "contract: element segment %u: bad mode, type or length", i);
		if (e->mode == 0 && (e->table >= V->m->ntables || table_type(V->m, e->table) != e->elemtype ||
		    const_ok(V, &e->offset, 0x7f, V->m->nglobals)))
			return FAIL(V, "contract: element segment %u: bad table or offset", i);
		if (ARRAY_OK(V, e->items, e->n, "element items"))
			return -1;
		for (k = 0; k < e->n; k++)
			if (const_ok(V, &e->items[k], e->elemtype, V->m->nglobals))
				return FAIL(V, "contract: element segment %u: bad item %u", i, k);
	}
	return 0;
}

/* Export names ordered by length, then bytes: lookups by name (every
 * import from a registered instance does one) are a binary search, so
 * that 100,000 imports of 100,000 exports cost n log n, not n^2. */
static int
namecmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return alen ? memcmp(a, b, alen) : 0;
}

static int
cmpexport(const void *a, const void *b, void *arg)
{
	const struct wa_c_export *e = arg, *x = &e[*(const uint32_t *)a], *y = &e[*(const uint32_t *)b];

	return namecmp(x->name, x->namelen, y->name, y->namelen);
}

static int
sort_exports(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint32_t i;

	if (!(V->m->export_order = calloc(c->nexports + 1, sizeof *V->m->export_order)))
		return FAIL(V, "out of memory");
	for (i = 0; i < c->nexports; i++)
		V->m->export_order[i] = i;
	qsort_r(V->m->export_order, c->nexports, sizeof *V->m->export_order, cmpexport, (void *)c->exports);
	return 0;
}

static int
exports_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	const struct wa_module *m = V->m;
	uint32_t i;

	if (c->nexports > MAX_EXPORTS)
		return FAIL(V, "contract: %u exports, more than the limit of %u", c->nexports, (unsigned)MAX_EXPORTS);
	if (ARRAY_OK(V, c->exports, c->nexports, "exports"))
		return -1;
	for (i = 0; i < c->nexports; i++) {
		const struct wa_c_export *e = &c->exports[i];
		uint32_t lim = e->kind == 0 ? m->nfuncs : e->kind == 1 ? m->ntables
		             : e->kind == 2 ? m->nmems : e->kind == 3 ? m->nglobals : 0;
		if (name_ok(V, e->name, e->namelen, "export", i))
			return -1;
		if (e->index >= lim)
			return FAIL(V, "contract: export %u (%.*s): kind %u index %u out of range", i,
			            (int)e->namelen, e->name, e->kind, e->index);
	}
	if (sort_exports(V))
		return -1;
	if (c->start != -1) {
		const struct wa_c_functype *t;
		if (c->start < 0 || (uint32_t)c->start >= m->nfuncs)
			return FAIL(V, "contract: start function %d out of range", c->start);
		t = &c->types[module_func_typeidx(m, (uint32_t)c->start)];
		if (t->nparams || t->nresults)
			return FAIL(V, "contract: start function has parameters or results");
	}
	return 0;
}

static int
layout_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	uint64_t pg = os_pagesize(), have, lack, known = WA_CPU_KNOWN;
	char missing[512];

	if (c->bounds > WA_BOUNDS_CHECK)
		return FAIL(V, "contract: bad bounds mode %u", c->bounds);
	if (c->heap_reserve > (1ull << 40) || c->heap_guard > (1ull << 40) || c->heap_reserve % pg ||
	    c->heap_guard % pg)
		return FAIL(V, "contract: bad heap layout (reserve %#llx, guard %#llx)",
		            (unsigned long long)c->heap_reserve, (unsigned long long)c->heap_guard);
	if (c->bounds == WA_BOUNDS_GUARD && c->heap_reserve < (4ull << 30))
		return FAIL(V, "contract: guard mode needs a 4 GiB heap reservation");
	if (c->cpu_name && !cstr_ok(V, c->cpu_name, 256))
		return FAIL(V, "contract: CPU name lies outside the module");
	if (c->module_name && !cstr_ok(V, c->module_name, MAX_NAME))
		return FAIL(V, "contract: module name lies outside the module");
	if (c->cpu_features & ~known)
		return FAIL(V, "contract: unknown CPU feature bits %#llx", (unsigned long long)(c->cpu_features & ~known));
	have = cpu_features();
	if ((lack = c->cpu_features & ~have))
		return FAIL(V, "compiled for CPU %s: this CPU lacks %s (compile with --target-cpu for "
		            "this machine, e.g. native)", c->cpu_name ? c->cpu_name : "(unnamed)",
		            cpu_feature_names(lack, missing, sizeof missing));
	return 0;
}

static int
contract_ok(struct v *V)
{
	const struct wa_contract *c = V->c;
	int i;

	if (!inside(V, c, 12, 0) || (uintptr_t)c % __alignof__(*c))
		return FAIL(V, "contract symbol lies outside the module, or is misaligned");
	if (c->magic != WA_CONTRACT_MAGIC)
		return FAIL(V, "contract: bad magic %#x (not a wasm-aot module)", c->magic);
	if (c->version != WA_ABI_VERSION)
		return FAIL(V, "contract: ABI version %u, this runtime supports %u", c->version, WA_ABI_VERSION);
	if (c->size != sizeof *c || !inside(V, c, sizeof *c, 0))
		return FAIL(V, "contract: size %u, expected %zu", c->size, sizeof *c);
	for (i = 0; i < V->nseg; i++) {
		if (!V->seg[i].x)
			continue;
		if (!V->m->text_lo || V->seg[i].lo < V->m->text_lo)
			V->m->text_lo = V->seg[i].lo;
		if (V->seg[i].hi > V->m->text_hi)
			V->m->text_hi = V->seg[i].hi;
	}
	if (layout_ok(V) || types_ok(V) || imports_ok(V) || funcs_ok(V) || tables_mems_ok(V) || globals_ok(V) ||
	    data_ok(V) || elems_ok(V) || exports_ok(V))
		return -1;
	return 0;
}

/* dlopen the checked file: the sealed copy, or the path itself if it
 * is still the file that was checked. */
static int
open_object(struct wa_module *m, struct modfile *f, const char *p, char *err, size_t errlen)
{
	const char *e, *s;

	modfile_unmap(f);
	if (!(m->dl = dlopen(f->dlpath[0] ? f->dlpath : p, RTLD_NOW | RTLD_LOCAL))) {
		e = dlerror(), s = e ? strstr(e, ": ") : NULL;
		/* dlerror repeats the path: keep only the reason */
		rt_err(err, errlen, "cannot load: %s", s && !strncmp(e, p, (size_t)(s - e)) ? s + 2 : e);
		return -1;
	}
	if (f->dlpath[0]) {
		m->memfd = f->fd;  /* open while loaded: its name must stay unique */
		f->fd = -1;
	} else if (!modfile_same(f, p)) {
		rt_err(err, errlen, "the file changed while it was being loaded");
		return -1;
	}
	return 0;
}

/* PATH.minisig: what `minisign -Sm PATH` writes. */
static char *
default_sigpath(const char *path)
{
	char *s = malloc(strlen(path) + sizeof ".minisig");

	return s ? strcat(strcpy(s, path), ".minisig") : NULL;
}

/* A new module record: every constructor goes through here, so that
 * every module has an id of its own (the link cache of link.c keys on
 * it: two modules with one id would share their imports' bindings). */
static struct wa_module *
module_new(void)
{
	static uint64_t ids;
	struct wa_module *m = calloc(1, sizeof *m);

	if (m) {
		pthread_mutex_init(&m->img_lock, NULL);
		m->id = __atomic_add_fetch(&ids, 1, __ATOMIC_RELAXED);
		m->memfd = -1;
	}
	return m;
}

/*
 * dlopen of a path the process has loaded before (that name, or another
 * name of the same file) returns the object loaded then, whatever the
 * file holds now: a module rebuilt in place and loaded again would run
 * its old code, and not the bytes just checked.  Such a path is loaded
 * through a sealed copy, whose name is new.  load_lock keeps two loads
 * from racing between this probe and their dlopen.
 */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int
already_loaded(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);

	if (h)
		dlclose(h);
	return h != NULL;
}

static struct wa_module *
load(const char *path, const char *sigpath, const struct wa_keys *keys, char *err, size_t errlen)
{
	struct wa_module *m = module_new();
	struct v V = {.m = m, .err = err, .errlen = errlen};
	struct modfile f;
	char *p, *own = NULL;
	int copy, r;

	if (!m || !(m->path = malloc(strlen(path) + 3))) {
		rt_err(err, errlen, "out of memory");
		free(m);
		return NULL;
	}
	/* dlopen searches the library path for a name without a slash */
	p = strchr(path, '/') ? strcpy(m->path, path) : strcat(strcpy(m->path, "./"), path);
	if (keys && !sigpath && !(sigpath = own = default_sigpath(path))) {
		rt_err(err, errlen, "out of memory");
		goto fail;
	}
	pthread_mutex_lock(&load_lock);
	copy = already_loaded(p);
	if (modfile_open(&f, p, sigpath, keys, copy, err, errlen)) {
		pthread_mutex_unlock(&load_lock);
		goto fail;
	}
	free(own);
	own = NULL;
	r = open_object(m, &f, p, err, errlen);
	pthread_mutex_unlock(&load_lock);
	modfile_close(&f);
	if (r)
		goto fail;
	if (!(V.c = m->c = dlsym(m->dl, WA_CONTRACT_SYMBOL))) {
		rt_err(err, errlen, "not a wasm-aot module: no %s symbol", WA_CONTRACT_SYMBOL);
		goto fail;
	}
	if (find_segments(&V) || contract_ok(&V))
		goto fail;
	inst_ctx_layout(m);
	return m;
fail:
	free(own);
	wa_module_free(m);
	return NULL;
}

struct wa_module *
wa_module_load(const char *path, char *err, size_t errlen)
{
	return load(path, NULL, NULL, err, errlen);
}

struct wa_module *
wa_module_load_signed(const char *path, const char *sigpath, const struct wa_keys *keys, char *err,
                      size_t errlen)
{
	if (!keys) {
		rt_err(err, errlen, "no trusted keys");
		return NULL;
	}
	return load(path, sigpath, keys, err, errlen);
}

int
wa_module_check(const char *path, const char *sigpath, const struct wa_keys *keys, char *err, size_t errlen)
{
	struct modfile f;
	char *own = NULL;
	int r;

	if (keys && !sigpath && !(sigpath = own = default_sigpath(path))) {
		rt_err(err, errlen, "out of memory");
		return -1;
	}
	r = modfile_open(&f, path, sigpath, keys, 0, err, errlen);
	if (!r)
		modfile_close(&f);
	free(own);
	return r;
}

struct wa_module *
module_from_contract(const struct wa_contract *c, const struct seg *segs, int nseg, char *err, size_t errlen)
{
	struct wa_module *m = module_new();
	struct v V = {.m = m, .c = c, .err = err, .errlen = errlen};

	if (!m || nseg < 1 || nseg > MAX_SEGS) {
		rt_err(err, errlen, m ? "bad segments" : "out of memory");
		free(m);
		return NULL;
	}
	m->c = c;
	memcpy(V.seg, segs, (size_t)nseg * sizeof *segs);
	V.nseg = nseg;
	if (contract_ok(&V)) {
		wa_module_free(m);
		return NULL;
	}
	inst_ctx_layout(m);
	return m;
}

void
wa_module_free(struct wa_module *m)
{
	if (!m)
		return;
	module_heap_image_free(m);
	pthread_mutex_destroy(&m->img_lock);
	if (m->dl)
		dlclose(m->dl);
	if (m->memfd >= 0)
		close(m->memfd);
	free(m->typeids);
	free(m->import_of_func);
	free(m->import_of_table);
	free(m->export_order);
	free(m->import_of_global);
	free(m->bycode);
	free(m->path);
	free(m);
}

const struct wa_contract *
wa_module_contract(const struct wa_module *m)
{
	return m->c;
}

uint32_t
module_func_typeidx(const struct wa_module *m, uint32_t func)
{
	const struct wa_contract *c = m->c;

	if (func < c->nfuncs_imported)
		return c->imports[m->import_of_func[func]].type;
	return c->funcs[func - c->nfuncs_imported].type;
}

const struct wa_c_functype *
wa_module_func_type(const struct wa_module *m, uint32_t func)
{
	return func < m->nfuncs ? &m->c->types[module_func_typeidx(m, func)] : NULL;
}

int
module_export(const struct wa_module *m, const char *name, size_t len, uint32_t *kind, uint32_t *index)
{
	const struct wa_c_export *v = m->c->exports;
	uint32_t lo = 0, hi = m->c->nexports;

	if (len > MAX_NAME)
		return -1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct wa_c_export *e = &v[m->export_order[mid]];
		int d = namecmp(e->name, e->namelen, name, (uint32_t)len);
		if (!d) {
			*kind = e->kind;
			*index = e->index;
			return 0;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
wa_module_export_func(const struct wa_module *m, const char *name, uint32_t *func)
{
	uint32_t kind, index;

	if (module_export(m, name, strlen(name), &kind, &index) || kind != WA_EXTERN_FUNC)
		return -1;
	*func = index;
	return 0;
}

void
module_global_type(const struct wa_module *m, uint32_t g, uint8_t *valtype, uint8_t *mut)
{
	const struct wa_contract *c = m->c;

	if (g < c->nglobals_imported) {
		const struct wa_c_import *im = &c->imports[m->import_of_global[g]];
		*valtype = (uint8_t)im->type, *mut = (uint8_t)im->mut;
	} else {
		*valtype = (uint8_t)c->globals[g - c->nglobals_imported].valtype;
		*mut = (uint8_t)c->globals[g - c->nglobals_imported].mut;
	}
}

const char *
wa_module_func_name(const struct wa_module *m, uint32_t func, char *buf, size_t len)
{
	const struct wa_contract *c = m->c;

	if (func >= c->nfuncs_imported && func < m->nfuncs && c->funcs[func - c->nfuncs_imported].name) {
		const struct wa_c_func *f = &c->funcs[func - c->nfuncs_imported];
		snprintf(buf, len, "%.*s", (int)f->namelen, f->name);
	} else if (func < c->nfuncs_imported) {
		const struct wa_c_import *im = &c->imports[m->import_of_func[func]];
		snprintf(buf, len, "%.*s.%.*s", (int)im->modlen, im->module, (int)im->fieldlen, im->field);
	} else {
		snprintf(buf, len, "wasm_func_%u", func);
	}
	return buf;
}

int
module_pc_in_code(const struct wa_module *m, uintptr_t pc)
{
	return pc >= m->text_lo && pc < m->text_hi;
}

/* The defined function whose code starts at the greatest address <= pc. */
int64_t
module_func_at(const struct wa_module *m, uintptr_t pc)
{
	uint32_t lo = 0, hi = m->nbycode;

	if (!module_pc_in_code(m, pc) || !hi || pc < m->bycode[0].code)
		return -1;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->bycode[mid].code <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return m->bycode[lo].func;
}
