/*
 * The text writer: struct module to the canonical module text of
 * wasm-module(5).  Exact: integers in decimal, floats as hexadecimal
 * floats with NaN payloads, data as escaped strings, names as escaped
 * identifiers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "module.h"
#include "textwrite.h"

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
tw_id(FILE *f, const char *s, uint32_t len)
{
	uint32_t i;

	putc('$', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_idchar(c))
			putc(c, f);
		else
			fprintf(f, "\\%02x", c);
	}
}

/* A string literal; in_comment also escapes ';' so ";)" cannot occur. */
void
tw_string(FILE *f, const uint8_t *s, uint32_t len, int in_comment)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t i;

	putc('"', f);
	for (i = 0; i < len; i++) {
		uint8_t c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && !(in_comment && c == ';')) {
			putc(c, f);
		} else {
			putc('\\', f);
			putc(hex[c >> 4], f);
			putc(hex[c & 15], f);
		}
	}
	putc('"', f);
}

/* Hex digits of a fraction, trailing zeros dropped. */
static void
put_frac(FILE *f, uint64_t frac, int digits)
{
	char buf[17];
	int n;

	snprintf(buf, sizeof buf, "%0*" PRIx64, digits, frac);
	for (n = digits; n > 0 && buf[n - 1] == '0'; n--)
		;
	if (n) {
		putc('.', f);
		fwrite(buf, 1, n, f);
	}
}

/* A float from its bits: sign, exponent and mantissa widths given. */
static void
put_float(FILE *f, uint64_t bits, int expbits, int mantbits)
{
	uint64_t mant = bits & ((1ull << mantbits) - 1);
	int exp = (int)((bits >> mantbits) & ((1u << expbits) - 1));
	int bias = (1 << (expbits - 1)) - 1, digits = (mantbits + 3) / 4;
	int shift = digits * 4 - mantbits;

	if (bits >> (expbits + mantbits))
		putc('-', f);
	if (exp == (1 << expbits) - 1) {
		if (mant)
			fprintf(f, "nan:0x%" PRIx64, mant);
		else
			fputs("inf", f);
	} else if (exp == 0 && mant == 0) {
		fputs("0x0p+0", f);
	} else if (exp == 0) {
		fputs("0x0", f);
		put_frac(f, mant << shift, digits);
		fprintf(f, "p-%d", bias - 1);
	} else {
		fputs("0x1", f);
		put_frac(f, mant << shift, digits);
		fprintf(f, "p%+d", exp - bias);
	}
}

void
tw_f32(FILE *f, uint32_t bits)
{
	put_float(f, bits, 8, 23);
}

void
tw_f64(FILE *f, uint64_t bits)
{
	put_float(f, bits, 11, 52);
}

static void
put_valtypes(FILE *f, const char *kw, const uint8_t *t, uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	fprintf(f, " (%s", kw);
	for (i = 0; i < n; i++)
		fprintf(f, " %s", valtype_name(t[i]));
	putc(')', f);
}

static void
put_limits(FILE *f, const struct limits *l)
{
	fprintf(f, " %" PRIu64, l->min);
	if (l->has_max)
		fprintf(f, " %" PRIu64, l->max);
}

static void
put_globaltype(FILE *f, const struct globaltype *g)
{
	if (g->mut)
		fprintf(f, " (mut %s)", valtype_name(g->valtype));
	else
		fprintf(f, " %s", valtype_name(g->valtype));
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

/* Which functions get a printed $name: printable[f] != 0. */
static uint8_t *
printable_names(const struct module *m)
{
	uint32_t i, nf = mod_nfuncs(m);
	uint8_t *ok = arena_alloc(m->arena, nf + 1);
	struct nameset ns;

	ns.cap = 16;
	while (ns.cap < 2 * (size_t)m->nfuncnames)
		ns.cap *= 2;
	ns.slots = xcalloc(ns.cap, sizeof *ns.slots);
	for (i = 0; i < m->nfuncnames; i++) {
		const struct name *nm = &m->funcnames[i];
		if (nm->index < nf && nm->len && nameset_add(&ns, nm))
			ok[nm->index] = 1;
	}
	free(ns.slots);
	return ok;
}

static void
put_funcname(FILE *f, const struct module *m, const uint8_t *ok, uint32_t idx)
{
	uint32_t len;
	const char *name;

	if (!ok[idx] || !(name = mod_funcname(m, idx, &len)))
		return;
	putc(' ', f);
	tw_id(f, name, len);
}

static void
put_types(FILE *f, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ntypes; i++) {
		const struct functype *t = &m->types[i];
		fprintf(f, "  (type (;%u;) (func", i);
		put_valtypes(f, "param", t->params, t->nparams);
		put_valtypes(f, "result", t->results, t->nresults);
		fputs("))\n", f);
	}
}

static void
put_imports(FILE *f, const struct module *m, const uint8_t *ok)
{
	uint32_t i, counts[4] = {0};

	for (i = 0; i < m->nimports; i++) {
		const struct import *im = &m->imports[i];
		uint32_t idx = counts[im->kind]++;
		fputs("  (import ", f);
		tw_string(f, (const uint8_t *)im->module, im->modlen, 0);
		putc(' ', f);
		tw_string(f, (const uint8_t *)im->field, im->fieldlen, 0);
		switch (im->kind) {
		case EXT_FUNC:
			fputs(" (func", f);
			put_funcname(f, m, ok, idx);
			fprintf(f, " (;%u;) (type %u)))\n", idx, im->type);
			break;
		case EXT_TABLE:
			fprintf(f, " (table (;%u;)", idx);
			put_limits(f, &im->table.lim);
			fprintf(f, " %s))\n", valtype_name(im->table.elemtype));
			break;
		case EXT_MEMORY:
			fprintf(f, " (memory (;%u;)", idx);
			put_limits(f, &im->mem);
			fputs("))\n", f);
			break;
		case EXT_GLOBAL:
			fprintf(f, " (global (;%u;)", idx);
			put_globaltype(f, &im->global);
			fputs("))\n", f);
			break;
		}
	}
}

static void
put_funcs(FILE *f, const struct module *m, const uint8_t *ok)
{
	uint32_t i, k;

	for (i = 0; i < m->nfuncs; i++) {
		const struct func *fn = &m->funcs[i];
		uint32_t idx = m->nfuncs_imported + i;
		fputs("  (func", f);
		put_funcname(f, m, ok, idx);
		fprintf(f, " (;%u;) (type %u)", idx, fn->type);
		if (fn->type < m->ntypes) {
			const struct functype *t = &m->types[fn->type];
			put_valtypes(f, "param", t->params, t->nparams);
			put_valtypes(f, "result", t->results, t->nresults);
		}
		putc('\n', f);
		if (fn->nlocals) {
			fputs("    (local", f);
			for (k = 0; k < fn->nlocals; k++) {
				putc(' ', f);
				fputs(valtype_name(fn->locals[k]), f);
			}
			fputs(")\n", f);
		}
		tw_body(f, fn->code, fn->ncode);
		fputs("  )\n", f);
	}
}

static void
put_tables_mems(FILE *f, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ntables; i++) {
		fprintf(f, "  (table (;%u;)", m->ntables_imported + i);
		put_limits(f, &m->tables[i].lim);
		fprintf(f, " %s)\n", valtype_name(m->tables[i].elemtype));
	}
	for (i = 0; i < m->nmems; i++) {
		fprintf(f, "  (memory (;%u;)", m->nmems_imported + i);
		put_limits(f, &m->mems[i]);
		fputs(")\n", f);
	}
}

static void
put_globals(FILE *f, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->nglobals; i++) {
		fprintf(f, "  (global (;%u;)", m->nglobals_imported + i);
		put_globaltype(f, &m->globals[i].type);
		tw_expr(f, &m->globals[i].init, NULL);
		fputs(")\n", f);
	}
}

static void
put_exports(FILE *f, const struct module *m)
{
	static const char *const kinds[] = {"func", "table", "memory", "global"};
	uint32_t i;

	for (i = 0; i < m->nexports; i++) {
		const struct export *e = &m->exports[i];
		fputs("  (export ", f);
		tw_string(f, (const uint8_t *)e->name, e->namelen, 0);
		fprintf(f, " (%s %u))\n", kinds[e->kind], e->index);
	}
	if (m->has_start)
		fprintf(f, "  (start %u)\n", m->start);
}

static void
put_elems(FILE *f, const struct module *m)
{
	uint32_t i, k;

	for (i = 0; i < m->nelems; i++) {
		const struct elem *e = &m->elems[i];
		fprintf(f, "  (elem (;%u;)", i);
		if (e->mode == SEG_DECLARATIVE)
			fputs(" declare", f);
		if (e->mode == SEG_ACTIVE) {
			if (e->table)
				fprintf(f, " (table %u)", e->table);
			tw_expr(f, &e->offset, "offset");
		}
		if (!e->use_exprs) {
			fputs(" func", f);
			for (k = 0; k < e->n; k++)
				fprintf(f, " %u", e->funcs[k]);
		} else {
			fprintf(f, " %s", valtype_name(e->type));
			for (k = 0; k < e->n; k++)
				tw_expr(f, &e->exprs[k], "item");
		}
		fputs(")\n", f);
	}
}

static void
put_datas(FILE *f, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ndatas; i++) {
		const struct data *d = &m->datas[i];
		fprintf(f, "  (data (;%u;)", i);
		if (d->mode == SEG_ACTIVE) {
			if (d->memory)
				fprintf(f, " (memory %u)", d->memory);
			tw_expr(f, &d->offset, "offset");
		}
		putc(' ', f);
		tw_string(f, d->bytes, d->len, 0);
		fputs(")\n", f);
	}
}

static void
put_customs(FILE *f, const struct module *m)
{
	uint32_t i;

	for (i = 0; i < m->ncustoms; i++) {
		const struct custom *c = &m->customs[i];
		fputs("  (;@custom ", f);
		tw_string(f, (const uint8_t *)c->name, c->namelen, 1);
		if (c->after && c->after < 13)
			fprintf(f, " (after %s) ", section_names[c->after]);
		else
			fputs(" (before first) ", f);
		tw_string(f, c->bytes, c->len, 1);
		fputs(";)\n", f);
	}
}

void
write_text(const struct module *m, FILE *f)
{
	const uint8_t *ok = printable_names(m);

	fputs("(module", f);
	if (m->has_modname && m->modnamelen) {
		putc(' ', f);
		tw_id(f, m->modname, m->modnamelen);
	}
	putc('\n', f);
	put_types(f, m);
	put_imports(f, m, ok);
	put_funcs(f, m, ok);
	put_tables_mems(f, m);
	put_globals(f, m);
	put_exports(f, m);
	put_elems(f, m);
	put_datas(f, m);
	put_customs(f, m);
	fputs(")\n", f);
}
