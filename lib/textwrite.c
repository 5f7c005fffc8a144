/*
 * The text writer: struct module to the canonical module text of
 * wasm-module(5).  Exact: integers in decimal, floats as hexadecimal
 * floats with NaN payloads, data as escaped strings, names as escaped
 * identifiers.  Instructions are in textwrite-code.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "module.h"
#include "textwrite.h"

static const char hex[] = "0123456789abcdef";

static const char *const section_names[13] = {
	"custom", "type", "import", "func", "table", "memory", "global",
	"export", "start", "elem", "code", "data", "datacount",
};

static int
is_idchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-./:<=>?@^_`|~", c));
}

/* $name, with bytes that are no idchar, and backslash, as \hh. */
void
tw_id(struct out *o, const char *s, uint32_t len)
{
	uint32_t i;

	out_c(o, '$');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_idchar(c)) {
			out_c(o, (char)c);
		} else {
			out_c(o, '\\');
			out_c(o, hex[c >> 4]);
			out_c(o, hex[c & 15]);
		}
	}
}

/* A string literal; in_comment also escapes ';' so ";)" cannot occur.
 * Runs of plain bytes are copied at once: data segments can be large. */
void
tw_string(struct out *o, const uint8_t *s, uint32_t len, int in_comment)
{
	uint32_t i = 0, start;

	out_c(o, '"');
	while (i < len) {
		start = i;
		while (i < len && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\' &&
		       !(in_comment && s[i] == ';'))
			i++;
		out_mem(o, (const char *)s + start, i - start);
		if (i < len) {
			out_c(o, '\\');
			out_c(o, hex[s[i] >> 4]);
			out_c(o, hex[s[i] & 15]);
			i++;
		}
	}
	out_c(o, '"');
}

/* A float from its bits, given the exponent and mantissa widths:
 * 0x1.8p+1, 0x0.000002p-126 (subnormal), inf, nan:0x400000. */
static void
put_float(struct out *o, uint64_t bits, int expbits, int mantbits)
{
	uint64_t mant = bits & ((1ull << mantbits) - 1);
	int exp = (int)((bits >> mantbits) & ((1u << expbits) - 1));
	int bias = (1 << (expbits - 1)) - 1, digits = (mantbits + 3) / 4;
	uint64_t frac = mant << (digits * 4 - mantbits);
	char buf[40], *p = buf;
	int i, n;

	if (bits >> (expbits + mantbits))
		*p++ = '-';
	if (exp == (1 << expbits) - 1) {
		if (!mant) {
			out_mem(o, buf, (size_t)(p - buf));
			out_mem(o, "inf", 3);
			return;
		}
		memcpy(p, "nan:0x", 6);
		p += 6;
		for (n = 60; n > 0 && !(mant >> n); n -= 4)
			;
		for (; n >= 0; n -= 4)
			*p++ = hex[(mant >> n) & 15];
		out_mem(o, buf, (size_t)(p - buf));
		return;
	}
	*p++ = '0';
	*p++ = 'x';
	*p++ = exp ? '1' : '0';
	for (n = digits; n > 0 && !((frac >> (4 * (digits - n))) & 15); n--)
		;
	if (n)
		*p++ = '.';
	for (i = 0; i < n; i++)
		*p++ = hex[(frac >> (4 * (digits - 1 - i))) & 15];
	*p++ = 'p';
	out_mem(o, buf, (size_t)(p - buf));
	if (!exp && !mant)
		out_mem(o, "+0", 2);
	else if (!exp)
		out_i(o, 1 - bias);
	else {
		if (exp >= bias)
			out_c(o, '+');
		out_i(o, exp - bias);
	}
}

void
tw_f32(struct out *o, uint32_t bits)
{
	put_float(o, bits, 8, 23);
}

void
tw_f64(struct out *o, uint64_t bits)
{
	put_float(o, bits, 11, 52);
}

static void
put_valtype(struct out *o, uint8_t t)
{
	const char *s = valtype_name(t);

	out_s(o, s ? s : "<bad type>");
}

static void
put_valtypes(struct out *o, const char *kw, const uint8_t *t, uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	out_mem(o, " (", 2);
	out_s(o, kw);
	for (i = 0; i < n; i++) {
		out_c(o, ' ');
		put_valtype(o, t[i]);
	}
	out_c(o, ')');
}

static void
put_limits(struct out *o, const struct limits *l)
{
	out_c(o, ' ');
	out_u(o, l->min);
	if (l->has_max) {
		out_c(o, ' ');
		out_u(o, l->max);
	}
}

static void
put_globaltype(struct out *o, const struct globaltype *g)
{
	if (g->mut) {
		out_mem(o, " (mut ", 6);
		put_valtype(o, g->valtype);
		out_c(o, ')');
	} else {
		out_c(o, ' ');
		put_valtype(o, g->valtype);
	}
}

/* "  (KIND (;N;)" opening a field. */
static void
open_field(struct out *o, const char *kind, uint32_t idx)
{
	out_mem(o, "  (", 3);
	out_s(o, kind);
	out_mem(o, " (;", 3);
	out_u(o, idx);
	out_mem(o, ";)", 2);
}

/* Function names already printed, so a duplicate is left out. */
struct nameset {
	const struct name **slots;
	size_t cap;
};

static uint64_t
hash(const char *s, uint32_t len)
{
	uint64_t h = 1469598103934665603ull;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* 1 if the name was new (and is now recorded). */
static int
nameset_add(struct nameset *ns, const struct name *nm)
{
	size_t i = hash(nm->name, nm->len) & (ns->cap - 1);

	for (; ns->slots[i]; i = (i + 1) & (ns->cap - 1))
		if (ns->slots[i]->len == nm->len && !memcmp(ns->slots[i]->name, nm->name, nm->len))
			return 0;
	ns->slots[i] = nm;
	return 1;
}

/* The printable $name of each function, or NULL: names come sorted by
 * index, so the first function to carry a name keeps it. */
static const struct name **
printable_names(const struct module *m)
{
	uint32_t i, nf = mod_nfuncs(m);
	const struct name **ok = arena_array(m->arena, (size_t)nf + 1, sizeof *ok);
	struct nameset ns;

	ns.cap = 16;
	while (ns.cap < 2 * (size_t)m->nfuncnames)
		ns.cap *= 2;
	ns.slots = xcalloc(ns.cap, sizeof *ns.slots);
	for (i = 0; i < m->nfuncnames; i++) {
		const struct name *nm = &m->funcnames[i];
		if (nm->index < nf && nm->len && !ok[nm->index] && nameset_add(&ns, nm))
			ok[nm->index] = nm;
	}
	free(ns.slots);
	return ok;
}

static void
put_funcname(struct out *o, const struct name *nm)
{
	if (!nm)
		return;
	out_c(o, ' ');
	tw_id(o, nm->name, nm->len);
}

static void
put_types(struct out *o, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ntypes; i++) {
		const struct functype *t = &m->types[i];
		open_field(o, "type", i);
		out_mem(o, " (func", 6);
		put_valtypes(o, "param", t->params, t->nparams);
		put_valtypes(o, "result", t->results, t->nresults);
		out_mem(o, "))\n", 3);
	}
}

static void
put_import_desc(struct out *o, const struct import *im, uint32_t idx,
                const struct name *nm)
{
	switch (im->kind) {
	case EXT_FUNC:
		out_mem(o, " (func", 6);
		put_funcname(o, nm);
		out_mem(o, " (;", 3);
		out_u(o, idx);
		out_mem(o, ";) (type ", 9);
		out_u(o, im->type);
		out_mem(o, "))", 2);
		break;
	case EXT_TABLE:
		out_mem(o, " (table (;", 10);
		out_u(o, idx);
		out_mem(o, ";)", 2);
		put_limits(o, &im->table.lim);
		out_c(o, ' ');
		put_valtype(o, im->table.elemtype);
		out_c(o, ')');
		break;
	case EXT_MEMORY:
		out_mem(o, " (memory (;", 11);
		out_u(o, idx);
		out_mem(o, ";)", 2);
		put_limits(o, &im->mem);
		out_c(o, ')');
		break;
	case EXT_GLOBAL:
		out_mem(o, " (global (;", 11);
		out_u(o, idx);
		out_mem(o, ";)", 2);
		put_globaltype(o, &im->global);
		out_c(o, ')');
		break;
	}
}

static void
put_imports(struct out *o, const struct module *m, const struct name **names)
{
	uint32_t i, counts[4] = {0};

	for (i = 0; i < m->nimports; i++) {
		const struct import *im = &m->imports[i];
		uint32_t idx = im->kind < 4 ? counts[im->kind]++ : 0;
		out_mem(o, "  (import ", 10);
		tw_string(o, (const uint8_t *)im->module, im->modlen, 0);
		out_c(o, ' ');
		tw_string(o, (const uint8_t *)im->field, im->fieldlen, 0);
		put_import_desc(o, im, idx, im->kind == EXT_FUNC ? names[idx] : NULL);
		out_mem(o, ")\n", 2);
	}
}

static void
put_func(struct out *o, const struct module *m, uint32_t i, const struct name *nm)
{
	const struct func *fn = &m->funcs[i];
	uint32_t k;

	out_mem(o, "  (func", 7);
	put_funcname(o, nm);
	out_mem(o, " (;", 3);
	out_u(o, m->nfuncs_imported + i);
	out_mem(o, ";) (type ", 9);
	out_u(o, fn->type);
	out_c(o, ')');
	if (fn->type < m->ntypes) {
		const struct functype *t = &m->types[fn->type];
		put_valtypes(o, "param", t->params, t->nparams);
		put_valtypes(o, "result", t->results, t->nresults);
	}
	out_c(o, '\n');
	if (fn->nlocals) {
		out_mem(o, "    (local", 10);
		for (k = 0; k < fn->nlocals; k++) {
			out_c(o, ' ');
			put_valtype(o, fn->locals[k]);
		}
		out_mem(o, ")\n", 2);
	}
	tw_body(o, fn->code, fn->ncode);
	out_mem(o, "  )\n", 4);
}

static void
put_tables_mems(struct out *o, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ntables; i++) {
		open_field(o, "table", m->ntables_imported + i);
		put_limits(o, &m->tables[i].lim);
		out_c(o, ' ');
		put_valtype(o, m->tables[i].elemtype);
		out_mem(o, ")\n", 2);
	}
	for (i = 0; i < m->nmems; i++) {
		open_field(o, "memory", m->nmems_imported + i);
		put_limits(o, &m->mems[i]);
		out_mem(o, ")\n", 2);
	}
}

static void
put_globals(struct out *o, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->nglobals; i++) {
		open_field(o, "global", m->nglobals_imported + i);
		put_globaltype(o, &m->globals[i].type);
		tw_expr(o, &m->globals[i].init, NULL);
		out_mem(o, ")\n", 2);
	}
}

static void
put_exports(struct out *o, const struct module *m)
{
	static const char *const kinds[] = {"func", "table", "memory", "global"};
	uint32_t i;

	for (i = 0; i < m->nexports; i++) {
		const struct export *e = &m->exports[i];
		out_mem(o, "  (export ", 10);
		tw_string(o, (const uint8_t *)e->name, e->namelen, 0);
		out_mem(o, " (", 2);
		out_s(o, kinds[e->kind & 3]);
		out_c(o, ' ');
		out_u(o, e->index);
		out_mem(o, "))\n", 3);
	}
	if (m->has_start) {
		out_mem(o, "  (start ", 9);
		out_u(o, m->start);
		out_mem(o, ")\n", 2);
	}
}

static void
put_elem(struct out *o, const struct elem *e, uint32_t i)
{
	uint32_t k;

	open_field(o, "elem", i);
	if (e->mode == SEG_DECLARATIVE)
		out_mem(o, " declare", 8);
	if (e->mode == SEG_ACTIVE) {
		if (e->table) {
			out_mem(o, " (table ", 8);
			out_u(o, e->table);
			out_c(o, ')');
		}
		tw_expr(o, &e->offset, "offset");
	}
	if (!e->use_exprs) {
		out_mem(o, " func", 5);
		for (k = 0; k < e->n; k++) {
			out_c(o, ' ');
			out_u(o, e->funcs[k]);
		}
	} else {
		out_c(o, ' ');
		put_valtype(o, e->type);
		for (k = 0; k < e->n; k++)
			tw_expr(o, &e->exprs[k], "item");
	}
	out_mem(o, ")\n", 2);
}

static void
put_datas(struct out *o, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ndatas; i++) {
		const struct data *d = &m->datas[i];
		open_field(o, "data", i);
		if (d->mode == SEG_ACTIVE) {
			if (d->memory) {
				out_mem(o, " (memory ", 9);
				out_u(o, d->memory);
				out_c(o, ')');
			}
			tw_expr(o, &d->offset, "offset");
		}
		out_c(o, ' ');
		tw_string(o, d->bytes, d->len, 0);
		out_mem(o, ")\n", 2);
	}
}

static void
put_customs(struct out *o, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ncustoms; i++) {
		const struct custom *c = &m->customs[i];
		out_mem(o, "  (;@custom ", 12);
		tw_string(o, (const uint8_t *)c->name, c->namelen, 1);
		if (c->after && c->after < 13) {
			out_mem(o, " (after ", 8);
			out_s(o, section_names[c->after]);
			out_mem(o, ") ", 2);
		} else {
			out_mem(o, " (before first) ", 16);
		}
		tw_string(o, c->bytes, c->len, 1);
		out_mem(o, ";)\n", 3);
	}
}

void
write_text(const struct module *m, FILE *f)
{
	const struct name **names = printable_names(m);
	struct out *o = xmalloc(sizeof *o);
	uint32_t i;

	o->p = o->buf;
	o->end = o->buf + OUTBUF;
	o->f = f;
	out_mem(o, "(module", 7);
	if (m->has_modname && m->modnamelen) {
		out_c(o, ' ');
		tw_id(o, m->modname, m->modnamelen);
	}
	out_c(o, '\n');
	put_types(o, m);
	put_imports(o, m, names);
	for (i = 0; i < m->nfuncs; i++)
		put_func(o, m, i, names[m->nfuncs_imported + i]);
	put_tables_mems(o, m);
	put_globals(o, m);
	put_exports(o, m);
	for (i = 0; i < m->nelems; i++)
		put_elem(o, &m->elems[i], i);
	put_datas(o, m);
	put_customs(o, m);
	out_mem(o, ")\n", 2);
	out_flush(o);
	free(o);
}
