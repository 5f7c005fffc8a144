/*
 * The validator (wasm-verify): every validation rule of WebAssembly
 * 2.0.  This file holds the module-level rules; function bodies and
 * constant expressions are in validate-code.c.  The first error ends
 * the run with its line, the function, the instruction and the types.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "validate.h"

void
verr(const struct vctx *v, const struct instr *in, const char *fmt, ...)
{
	char msg[600], where[300] = "";
	uint32_t line = in && v->m->text && in->pos ? in->pos : v->line, len;
	const char *name;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (v->func != UINT32_MAX) {
		name = mod_funcname(v->m, v->func, &len);
		if (name)
			snprintf(where, sizeof where, "in function %u (%.*s): ", v->func, (int)(len > 100 ? 100 : len), name);
		else
			snprintf(where, sizeof where, "in function %u: ", v->func);
	}
	if (in && in->op < NOPS && in->pos)
		snprintf(where + strlen(where), sizeof where - strlen(where), "%s: ", opinfo[in->op].name);
	if (in && !v->m->text && in->pos)
		error_offset(v->m->filename, in->pos, "%s%s", where, msg);
	error_line(v->m->filename, line, "%s%s", where, msg);
}

#define MERR(v, ln, ...) do { (v)->line = (ln); verr((v), NULL, __VA_ARGS__); } while (0)

const struct functype *
v_functype(const struct vctx *v, uint32_t f)
{
	return f < v->nfuncs ? v->functypes[f] : NULL;
}

const struct tabletype *
v_table(const struct vctx *v, uint32_t t)
{
	return t < v->ntables ? v->tables[t] : NULL;
}

const struct globaltype *
v_global(const struct vctx *v, uint32_t g)
{
	return g < v->nglobals ? v->globals[g] : NULL;
}

/* The function, table and global index spaces in one pass over the
 * imports.  A function of an unknown type gets NULL (reported by the
 * module-level checks before any body is read). */
static void
index_spaces(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t i, nf = 0, nt = 0, ng = 0;

	v->nfuncs = mod_nfuncs(m), v->ntables = mod_ntables(m), v->nglobals = mod_nglobals(m);
	v->functypes = arena_array(m->arena, (size_t)v->nfuncs + 1, sizeof *v->functypes);
	v->tables = arena_array(m->arena, (size_t)v->ntables + 1, sizeof *v->tables);
	v->globals = arena_array(m->arena, (size_t)v->nglobals + 1, sizeof *v->globals);
	for (i = 0; i < m->nimports; i++) {
		const struct import *im = &m->imports[i];
		if (im->kind == EXT_FUNC && nf < m->nfuncs_imported)
			v->functypes[nf++] = im->type < m->ntypes ? &m->types[im->type] : NULL;
		else if (im->kind == EXT_TABLE && nt < m->ntables_imported)
			v->tables[nt++] = &im->table;
		else if (im->kind == EXT_GLOBAL && ng < m->nglobals_imported)
			v->globals[ng++] = &im->global;
	}
	for (i = 0; i < m->nfuncs; i++)
		v->functypes[m->nfuncs_imported + i] = m->funcs[i].type < m->ntypes ? &m->types[m->funcs[i].type] : NULL;
	for (i = 0; i < m->ntables; i++)
		v->tables[m->ntables_imported + i] = &m->tables[i];
	for (i = 0; i < m->nglobals; i++)
		v->globals[m->nglobals_imported + i] = &m->globals[i].type;
}

static int
is_ref(uint8_t t)
{
	return t == T_FUNCREF || t == T_EXTERNREF;
}

static int
is_val(uint8_t t)
{
	return valtype_name(t) != NULL;
}

static void
check_limits(struct vctx *v, const struct limits *l, uint64_t bound, const char *what, uint32_t line)
{
	if (l->min > bound)
		MERR(v, line, "%s minimum %llu must be at most %llu", what, (unsigned long long)l->min,
		     (unsigned long long)bound);
	if (l->has_max && l->max > bound)
		MERR(v, line, "%s maximum %llu must be at most %llu", what, (unsigned long long)l->max,
		     (unsigned long long)bound);
	if (l->has_max && l->min > l->max)
		MERR(v, line, "size minimum must not be greater than maximum (%s)", what);
}

static void
check_imports(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t i;

	for (i = 0; i < m->nimports; i++) {
		const struct import *im = &m->imports[i];
		switch (im->kind) {
		case EXT_FUNC:
			if (im->type >= m->ntypes)
				MERR(v, im->line, "import %u: unknown type %u", i, im->type);
			break;
		case EXT_TABLE:
			if (!is_ref(im->table.elemtype))
				MERR(v, im->line, "import %u: a table holds funcref or externref", i);
			check_limits(v, &im->table.lim, 0xffffffffu, "table", im->line);
			break;
		case EXT_MEMORY: check_limits(v, &im->mem, 65536, "memory size", im->line); break;
		case EXT_GLOBAL:
			if (!is_val(im->global.valtype))
				MERR(v, im->line, "import %u: unknown value type", i);
			break;
		default:
			MERR(v, im->line, "import %u: unknown kind", i);

		}
	}
}

/* C.refs: functions named outside function bodies (elems, exports,
 * global initializers) may be referenced by ref.func. */
static void
collect_refs(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t nf = mod_nfuncs(m), i, k;

	v->refs = arena_alloc(m->arena, (size_t)nf + 1);
	for (i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == EXT_FUNC && m->exports[i].index < nf)
			v->refs[m->exports[i].index] = 1;
	for (i = 0; i < m->nglobals; i++)
		for (k = 0; k < m->globals[i].init.n; k++)
			if (m->globals[i].init.code[k].op == OP_REF_FUNC && m->globals[i].init.code[k].idx < nf)
				v->refs[m->globals[i].init.code[k].idx] = 1;
	for (i = 0; i < m->nelems; i++) {
		const struct elem *e = &m->elems[i];
		for (k = 0; k < e->n; k++) {
			if (!e->use_exprs) {
				if (e->funcs[k] < nf)
					v->refs[e->funcs[k]] = 1;
			} else {
				uint32_t j;
				for (j = 0; j < e->exprs[k].n; j++)
					if (e->exprs[k].code[j].op == OP_REF_FUNC && e->exprs[k].code[j].idx < nf)
						v->refs[e->exprs[k].code[j].idx] = 1;
			}
		}
	}
}

/* The line of the second imported memory (two imported, none defined). */
static uint32_t
second_memory_import(const struct module *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == EXT_MEMORY && ++n == 2)
			return m->imports[i].line;
	return 0;
}

static void
check_definitions(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t i;

	for (i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].type >= m->ntypes)
			MERR(v, m->funcs[i].line, "function %u: unknown type %u", m->nfuncs_imported + i, m->funcs[i].type);
	for (i = 0; i < m->ntables; i++) {
		if (!is_ref(m->tables[i].elemtype))
			MERR(v, m->tables[i].lim.line, "table %u: a table holds funcref or externref",
			     m->ntables_imported + i);
		check_limits(v, &m->tables[i].lim, 0xffffffffu, "table", m->tables[i].lim.line);
	}
	if (mod_nmems(m) > 1)
		MERR(v, m->nmems ? m->mems[m->nmems - 1].line : second_memory_import(m),
		     "multiple memories: at most one memory is allowed");
	for (i = 0; i < m->nmems; i++)
		check_limits(v, &m->mems[i], 65536, "memory size", m->mems[i].line);
	for (i = 0; i < m->nglobals; i++)
		validate_const(v, &m->globals[i].init, m->globals[i].type.valtype, m->globals[i].line);
}

static uint32_t
name_hash(const char *s, uint32_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Export names are unique: a hash set over them, linear in their number. */
static void
unique_exports(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t nslots = 16, mask, i, h, *slots;

	while (nslots < 2 * (uint64_t)m->nexports)
		nslots *= 2;
	mask = nslots - 1;
	slots = arena_array(m->arena, nslots, sizeof *slots);
	for (i = 0; i < m->nexports; i++) {
		const struct export *e = &m->exports[i];
		for (h = name_hash(e->name, e->namelen) & mask; slots[h]; h = (h + 1) & mask) {
			const struct export *o = &m->exports[slots[h] - 1];
			if (o->namelen == e->namelen && (!e->namelen || !memcmp(o->name, e->name, e->namelen)))
				MERR(v, e->line, "duplicate export name \"%.*s\"", (int)e->namelen, e->name);
		}
		slots[h] = i + 1;
	}
}

static void
check_exports(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t i, counts[4] = {mod_nfuncs(m), mod_ntables(m), mod_nmems(m), mod_nglobals(m)};
	static const char *const kinds[] = {"function", "table", "memory", "global"};

	for (i = 0; i < m->nexports; i++) {
		const struct export *e = &m->exports[i];
		if (e->kind > EXT_GLOBAL)
			MERR(v, e->line, "export \"%.*s\": unknown kind", (int)e->namelen, e->name);
		if (e->index >= counts[e->kind])
			MERR(v, e->line, "export \"%.*s\": unknown %s %u", (int)e->namelen, e->name, kinds[e->kind], e->index);
	}
	unique_exports(v);
	if (m->has_start) {
		const struct functype *t = v_functype(v, m->start);
		if (!t)
			MERR(v, m->start_line, "unknown start function %u", m->start);
		if (t->nparams || t->nresults)
			MERR(v, m->start_line, "start function %u must have type [] -> []", m->start);
	}
}

static void
check_segments(struct vctx *v)
{
	const struct module *m = v->m;
	uint32_t i, k;

	for (i = 0; i < m->nelems; i++) {
		const struct elem *e = &m->elems[i];
		if (!is_ref(e->type))
			MERR(v, e->line, "element segment %u: its type must be funcref or externref", i);
		if (e->mode == SEG_ACTIVE) {
			const struct tabletype *t = v_table(v, e->table);
			if (!t)
				MERR(v, e->line, "element segment %u: unknown table %u", i, e->table);
			if (t->elemtype != e->type)
				MERR(v, e->line, "type mismatch: element segment %u of %s in a table of %s", i,
				     valtype_name(e->type), valtype_name(t->elemtype));
			validate_const(v, &e->offset, T_I32, e->line);
		}
		for (k = 0; k < e->n; k++) {
			if (!e->use_exprs) {
				if (e->funcs[k] >= mod_nfuncs(m))
					MERR(v, e->line, "element segment %u: unknown function %u", i, e->funcs[k]);
			} else {
				validate_const(v, &e->exprs[k], e->type, e->line);
			}
		}
	}
	for (i = 0; i < m->ndatas; i++) {
		const struct data *d = &m->datas[i];
		if (d->mode != SEG_ACTIVE)
			continue;
		if (d->memory >= mod_nmems(m))
			MERR(v, d->line, "data segment %u: unknown memory %u", i, d->memory);
		validate_const(v, &d->offset, T_I32, d->line);
	}
}

void
validate(const struct module *m)
{
	struct vctx v = {0};
	uint32_t i;

	v.m = m;
	v.func = UINT32_MAX;
	index_spaces(&v);
	check_imports(&v);
	check_definitions(&v);
	check_exports(&v);
	check_segments(&v);
	collect_refs(&v);
	for (i = 0; i < m->nfuncs; i++) {
		v.func = m->nfuncs_imported + i;
		v.line = m->funcs[i].line;
		validate_code(&v, &m->funcs[i]);
	}
}
