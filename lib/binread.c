/*
 * The binary reader: a WebAssembly 2.0 module to struct module.
 * Every read checks the bytes left; every count is checked against
 * the bytes left before anything is allocated for it, so no input can
 * make the reader allocate in proportion to an unchecked number.
 * Malformed input ends in error_offset() with the offending offset.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binread.h"
#include "diag.h"
#include "modlimits.h"
#include "module.h"

/* Implementation limits (modlimits.h) are checked where each count is
 * read, before anything is allocated for it. */

void
bin_fail(struct reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	error_offset(r->file, (uint64_t)(r->p - r->base), "%s", msg);
}

static void
need(struct reader *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		bin_fail(r, "unexpected end");
}

uint8_t
bin_u8(struct reader *r)
{
	need(r, 1);
	return *r->p++;
}

/* Unsigned LEB128 of at most `bits` bits: at most ceil(bits/7) bytes,
 * and the unused bits of the last byte must be zero. */
uint64_t
bin_uleb(struct reader *r, unsigned bits)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	for (;;) {
		const uint8_t *at = r->p;
		b = bin_u8(r);
		if (shift + 7 >= bits) {
			unsigned used = bits - shift;
			if (b & 0x80) {
				r->p = at;
				bin_fail(r, "integer representation too long");
			}
			if (used < 7 && (b >> used) != 0) {
				r->p = at;
				bin_fail(r, "integer too large");
			}
			return v | ((uint64_t)b << shift);
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
}

/* Signed LEB128 of at most `bits` bits; the unused bits of the last
 * byte must all equal the sign bit. */
int64_t
bin_sleb(struct reader *r, unsigned bits)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	for (;;) {
		const uint8_t *at = r->p;
		b = bin_u8(r);
		if (shift + 7 >= bits) {
			unsigned used = bits - shift; /* value bits in this byte, incl. sign */
			if (b & 0x80) {
				r->p = at;
				bin_fail(r, "integer representation too long");
			}
			{
				int sign = (b >> (used - 1)) & 1;
				uint8_t rest = (uint8_t)((b & 0x7f) >> used);
				uint8_t want = sign ? (uint8_t)(0x7f >> used) : 0;
				if (used < 7 && rest != want) {
					r->p = at;
					bin_fail(r, "integer too large");
				}
			}
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			if (shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			return (int64_t)v;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			return (int64_t)v;
		}
	}
}

uint32_t
bin_u32(struct reader *r)
{
	return (uint32_t)bin_uleb(r, 32);
}

/* A vector count: each element takes at least `minsize` bytes, so a
 * count larger than the bytes left is malformed before we allocate. */
uint32_t
bin_count(struct reader *r, size_t minsize)
{
	uint32_t n = bin_u32(r);

	if (minsize && n > (size_t)(r->end - r->p) / minsize)
		bin_fail(r, "length out of bounds");
	return n;
}

void
bin_within(struct reader *r, const uint8_t *at, int limit, uint64_t n, const char *what, ...)
{
	char w[200], msg[400];
	va_list ap;

	if (n <= limits[limit])
		return;
	va_start(ap, what);
	vsnprintf(w, sizeof w, what, ap);
	va_end(ap);
	r->p = at;
	bin_fail(r, "%s", limit_exceeded(limit, n, w, msg, sizeof msg));
}

int
utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp;
		size_t len, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

char *
bin_name(struct reader *r, uint32_t *len)
{
	uint32_t n = bin_count(r, 1);
	char *s;

	if (!utf8_valid(r->p, n))
		bin_fail(r, "malformed UTF-8 encoding");
	s = arena_strndup(r->a, (const char *)r->p, n);
	r->p += n;
	*len = n;
	return s;
}

uint8_t
bin_valtype(struct reader *r)
{
	uint8_t t = bin_u8(r);

	if (!valtype_name(t)) {
		r->p--;
		bin_fail(r, "malformed value type 0x%02x", t);
	}
	return t;
}

uint8_t
bin_reftype(struct reader *r)
{
	uint8_t t = bin_u8(r);

	if (t != T_FUNCREF && t != T_EXTERNREF) {
		r->p--;
		bin_fail(r, "malformed reference type 0x%02x", t);
	}
	return t;
}

static void
read_limits(struct reader *r, struct limits *l, unsigned bits)
{
	uint8_t flag = bin_u8(r);

	if (flag > 1) {
		r->p--;
		bin_fail(r, "malformed limits flags 0x%02x", flag);
	}
	l->min = bin_uleb(r, bits);
	l->has_max = flag;
	if (flag)
		l->max = bin_uleb(r, bits);
}

static void
read_tabletype(struct reader *r, struct tabletype *t)
{
	const uint8_t *at;

	t->elemtype = bin_reftype(r);
	at = r->p;
	read_limits(r, &t->lim, 32);
	bin_within(r, at, LIM_TABLE_SIZE, t->lim.min, "table size");
}

/* Past 65536 pages a memory is invalid, which wasm-verify reports. */
static void
read_memtype(struct reader *r, struct limits *l)
{
	const uint8_t *at = r->p;

	read_limits(r, l, 32);
	if (l->min <= 65536)
		bin_within(r, at, LIM_MEMORY_PAGES, l->min, "memory size in pages");
}

static void
read_globaltype(struct reader *r, struct globaltype *g)
{
	g->valtype = bin_valtype(r);
	g->mut = bin_u8(r);
	if (g->mut > 1) {
		r->p--;
		bin_fail(r, "malformed mutability");
	}
}

/* ---- sections ---- */

static void
read_types(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, k, n = bin_count(r, 3);

	bin_within(r, at, LIM_TYPES, n, "types");
	m->types = arena_array(r->a, n, sizeof *m->types);
	m->ntypes = n;
	for (i = 0; i < n; i++) {
		struct functype *t = &m->types[i];
		if (bin_u8(r) != 0x60) {
			r->p--;
			bin_fail(r, "malformed function type: 0x60 expected");
		}
		at = r->p;
		t->nparams = bin_count(r, 1);
		bin_within(r, at, LIM_PARAMS, t->nparams, "parameters of type %u", i);
		t->params = arena_alloc(r->a, t->nparams);
		for (k = 0; k < t->nparams; k++)
			t->params[k] = bin_valtype(r);
		at = r->p;
		t->nresults = bin_count(r, 1);
		bin_within(r, at, LIM_RESULTS, t->nresults, "results of type %u", i);
		t->results = arena_alloc(r->a, t->nresults);
		for (k = 0; k < t->nresults; k++)
			t->results[k] = bin_valtype(r);
	}
}

static void
read_imports(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, n = bin_count(r, 4);

	bin_within(r, at, LIM_IMPORTS, n, "imports");
	m->imports = arena_array(r->a, n, sizeof *m->imports);
	m->nimports = n;
	for (i = 0; i < n; i++) {
		struct import *im = &m->imports[i];
		im->module = bin_name(r, &im->modlen);
		im->field = bin_name(r, &im->fieldlen);
		im->kind = bin_u8(r);
		switch (im->kind) {
		case EXT_FUNC:
			im->type = bin_u32(r);
			m->nfuncs_imported++;
			break;
		case EXT_TABLE:
			bin_within(r, r->p - 1, LIM_TABLES, (uint64_t)m->ntables_imported + 1, "tables");
			read_tabletype(r, &im->table);
			m->ntables_imported++;
			break;
		case EXT_MEMORY:
			read_memtype(r, &im->mem);
			m->nmems_imported++;
			break;
		case EXT_GLOBAL:
			read_globaltype(r, &im->global);
			m->nglobals_imported++;
			break;
		default:
			r->p--;
			bin_fail(r, "malformed import kind 0x%02x", im->kind);
		}
	}
}

static void
read_functions(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, n = bin_count(r, 1);

	bin_within(r, at, LIM_FUNCTIONS, n, "functions");
	m->funcs = arena_array(r->a, n, sizeof *m->funcs);
	m->nfuncs = n;
	for (i = 0; i < n; i++)
		m->funcs[i].type = bin_u32(r);
}

static void
read_tables(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, n = bin_count(r, 3);

	bin_within(r, at, LIM_TABLES, (uint64_t)m->ntables_imported + n, "tables");
	m->tables = arena_array(r->a, n, sizeof *m->tables);
	m->ntables = n;
	for (i = 0; i < n; i++)
		read_tabletype(r, &m->tables[i]);
}

static void
read_memories(struct reader *r, struct module *m)
{
	uint32_t i, n = bin_count(r, 2);

	m->mems = arena_array(r->a, n, sizeof *m->mems);
	m->nmems = n;
	for (i = 0; i < n; i++)
		read_memtype(r, &m->mems[i]);
}

static void
read_globals(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, n = bin_count(r, 3);

	bin_within(r, at, LIM_GLOBALS, n, "globals");
	m->globals = arena_array(r->a, n, sizeof *m->globals);
	m->nglobals = n;
	for (i = 0; i < n; i++) {
		read_globaltype(r, &m->globals[i].type);
		bin_expr(r, &m->globals[i].init);
	}
}

static void
read_exports(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, n = bin_count(r, 3);

	bin_within(r, at, LIM_EXPORTS, n, "exports");
	m->exports = arena_array(r->a, n, sizeof *m->exports);
	m->nexports = n;
	for (i = 0; i < n; i++) {
		struct export *e = &m->exports[i];
		e->name = bin_name(r, &e->namelen);
		e->kind = bin_u8(r);
		if (e->kind > EXT_GLOBAL) {
			r->p--;
			bin_fail(r, "malformed export kind 0x%02x", e->kind);
		}
		e->index = bin_u32(r);
	}
}

static void
read_start(struct reader *r, struct module *m)
{
	m->has_start = 1;
	m->start = bin_u32(r);
}

static void
read_elem_items(struct reader *r, struct elem *e, int exprs)
{
	const uint8_t *at = r->p;
	uint32_t i;

	e->n = bin_count(r, 1);
	bin_within(r, at, LIM_ELEM_ITEMS, e->n, "elements of a segment");
	e->use_exprs = (uint8_t)exprs;
	if (exprs) {
		e->exprs = arena_array(r->a, e->n, sizeof *e->exprs);
		for (i = 0; i < e->n; i++)
			bin_expr(r, &e->exprs[i]);
	} else {
		e->funcs = arena_array(r->a, e->n, sizeof *e->funcs);
		for (i = 0; i < e->n; i++)
			e->funcs[i] = bin_u32(r);
	}
}

static void
read_elemkind(struct reader *r, struct elem *e)
{
	uint8_t kind = bin_u8(r);

	if (kind != 0x00) {
		r->p--;
		bin_fail(r, "malformed element kind 0x%02x", kind);
	}
	e->type = T_FUNCREF;
}

static void
read_elems(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, flags, n = bin_count(r, 2);

	bin_within(r, at, LIM_ELEM_SEGMENTS, n, "element segments");
	m->elems = arena_array(r->a, n, sizeof *m->elems);
	m->nelems = n;
	for (i = 0; i < n; i++) {
		struct elem *e = &m->elems[i];
		flags = bin_u32(r);
		if (flags > 7)
			bin_fail(r, "malformed elements segment kind %u", flags);
		e->type = T_FUNCREF;
		e->mode = (flags & 1) ? ((flags & 2) ? SEG_DECLARATIVE : SEG_PASSIVE) : SEG_ACTIVE;
		if (!(flags & 1)) {
			e->table = (flags & 2) ? bin_u32(r) : 0;
			bin_expr(r, &e->offset);
		}
		if (flags & 3) {
			if (flags & 4)
				e->type = bin_reftype(r);
			else
				read_elemkind(r, e);
		}
		read_elem_items(r, e, flags & 4);
	}
}

static void
read_datacount(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;

	m->has_datacount = 1;
	m->datacount = bin_u32(r);
	bin_within(r, at, LIM_DATA_SEGMENTS, m->datacount, "data segments");
}

static void
read_datas(struct reader *r, struct module *m)
{
	const uint8_t *at = r->p;
	uint32_t i, flags, n = bin_count(r, 2);

	bin_within(r, at, LIM_DATA_SEGMENTS, n, "data segments");
	if (m->has_datacount && m->datacount != n)
		bin_fail(r, "data count and data section have inconsistent lengths");
	m->datas = arena_array(r->a, n, sizeof *m->datas);
	m->ndatas = n;
	for (i = 0; i < n; i++) {
		struct data *d = &m->datas[i];
		flags = bin_u32(r);
		if (flags > 2)
			bin_fail(r, "malformed data segment kind %u", flags);
		d->mode = flags == 1 ? SEG_PASSIVE : SEG_ACTIVE;
		if (flags == 2)
			d->memory = bin_u32(r);
		if (flags != 1)
			bin_expr(r, &d->offset);
		d->len = bin_count(r, 1);
		d->bytes = arena_copy(r->a, r->p, d->len);
		r->p += d->len;
	}
}

/* Declared locals, expanded; with the parameters (when the function's
 * type is known) within the locals limit. */
static void
read_locals(struct reader *r, const struct module *m, struct func *f, uint32_t index)
{
	const uint8_t *at = r->p, *start;
	uint32_t i, k, groups = bin_count(r, 2);
	uint64_t total = 0, nparams = f->type < m->ntypes ? m->types[f->type].nparams : 0;
	uint8_t *p;

	/* first pass: count and check; second: expand */
	start = r->p;
	for (i = 0; i < groups; i++) {
		total += bin_u32(r);
		if (total > 0xffffffffu)
			bin_fail(r, "too many locals");
		bin_valtype(r);
	}
	bin_within(r, at, LIM_LOCALS, nparams + total, "locals of function %u (parameters included)", index);
	r->nlocals += total;
	bin_within(r, at, LIM_MODULE_LOCALS, r->nlocals, "locals declared in the module");
	f->nlocals = (uint32_t)total;
	p = f->locals = arena_alloc(r->a, total);
	r->p = start;
	for (i = 0; i < groups; i++) {
		uint32_t count = bin_u32(r);
		uint8_t t = bin_valtype(r);
		for (k = 0; k < count; k++)
			*p++ = t;
	}
}

static void
read_code(struct reader *r, struct module *m)
{
	uint32_t i, n = bin_count(r, 2);
	const uint8_t *end = r->end;

	if (n != m->nfuncs)
		bin_fail(r, "function and code section have inconsistent lengths");
	for (i = 0; i < n; i++) {
		struct func *f = &m->funcs[i];
		const uint8_t *at = r->p;
		uint32_t size = bin_u32(r);
		need(r, size);
		bin_within(r, at, LIM_BODY_SIZE, size, "bytes in the body of function %u", m->nfuncs_imported + i);
		f->offset = (uint32_t)(r->p - r->base);
		r->end = r->p + size;
		read_locals(r, m, f, m->nfuncs_imported + i);
		bin_body(r, f);
		if (r->p != r->end)
			bin_fail(r, "section size mismatch: function body continues after its end");
		r->end = end;
	}
}

static void
read_custom(struct reader *r, struct module *m, uint8_t after)
{
	struct custom *c;
	uint32_t namelen;
	char *name = bin_name(r, &namelen);

	if (namelen == 4 && !memcmp(name, "name", 4)) {
		bin_names(r, m);
		r->p = r->end;
		return;
	}
	m->customs = arena_grow(r->a, m->customs, m->ncustoms, m->ncustoms + 1, sizeof *c);
	c = &m->customs[m->ncustoms++];
	c->name = name;
	c->namelen = namelen;
	c->len = (uint32_t)(r->end - r->p);
	c->bytes = arena_copy(r->a, r->p, c->len);
	c->after = after;
	r->p = r->end;
}

static const char *const section_name[13] = {
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count",
};

/* Position of each section id in the required order (custom: 0). */
static const uint8_t order[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

static void
read_section(struct reader *r, struct module *m, uint8_t id, uint8_t after)
{
	switch (id) {
	case 0: read_custom(r, m, after); break;
	case 1: read_types(r, m); break;
	case 2: read_imports(r, m); break;
	case 3: read_functions(r, m); break;
	case 4: read_tables(r, m); break;
	case 5: read_memories(r, m); break;
	case 6: read_globals(r, m); break;
	case 7: read_exports(r, m); break;
	case 8: read_start(r, m); break;
	case 9: read_elems(r, m); break;
	case 10: read_code(r, m); break;
	case 11: read_datas(r, m); break;
	case 12: read_datacount(r, m); break;
	}
}

struct module *
read_binary(struct arena *a, const char *filename, const uint8_t *buf, size_t len)
{
	static const uint8_t magic[4] = {0, 'a', 's', 'm'}, version[4] = {1, 0, 0, 0};
	struct reader r = {buf, buf, buf + len, filename, a, NULL, 0};
	struct module *m = arena_alloc(a, sizeof *m);
	uint8_t last = 0, after = 0, seen_code = 0;

	m->arena = a;
	m->filename = filename;
	r.m = m;
	bin_within(&r, buf, LIM_MODULE_SIZE, len, "bytes in the module");
	if (len < 4 || memcmp(buf, magic, 4))
		bin_fail(&r, "magic header not detected");
	r.p += 4;
	if (len < 8 || memcmp(buf + 4, version, 4))
		bin_fail(&r, "unknown binary version");
	r.p += 4;
	while (r.p < r.end) {
		const uint8_t *at = r.p;
		uint8_t id = bin_u8(&r);
		uint32_t size;
		if (id > 12) {
			r.p = at;
			bin_fail(&r, "malformed section id %u", id);
		}
		size = bin_u32(&r);
		if (size > (size_t)(r.end - r.p))
			bin_fail(&r, "section size %u exceeds the %zu bytes left", size,
			         (size_t)(r.end - r.p));
		if (id != 0) {
			if (order[id] <= last) {
				r.p = at;
				bin_fail(&r, "%s section out of order or repeated", section_name[id]);
			}
			last = order[id];
		}
		r.end = r.p + size;
		read_section(&r, m, id, after);
		if (r.p != r.end)
			bin_fail(&r, "section size mismatch");
		r.end = buf + len;
		if (id != 0)
			after = id;
		if (id == 10)
			seen_code = 1;
	}
	if (m->nfuncs && !seen_code)
		bin_fail(&r, "function and code section have inconsistent lengths");
	if (m->has_datacount && m->datacount != m->ndatas)
		bin_fail(&r, "data count and data section have inconsistent lengths");
	mod_index(m);
	return m;
}
