/* Index-space helpers shared by every reader of struct module. */
#include <stddef.h>

#include "module.h"

_Static_assert(sizeof(struct instr) == 24, "struct instr grew: memory per instruction");

uint8_t *
instr_v128(struct arena *a, struct instr *in)
{
	return in->u.v128 = arena_alloc(a, 16);
}

uint32_t mod_nfuncs(const struct module *m) { return m->nfuncs_imported + m->nfuncs; }
uint32_t mod_ntables(const struct module *m) { return m->ntables_imported + m->ntables; }
uint32_t mod_nmems(const struct module *m) { return m->nmems_imported + m->nmems; }
uint32_t mod_nglobals(const struct module *m) { return m->nglobals_imported + m->nglobals; }

void
mod_index(struct module *m)
{
	uint32_t k, n[4] = {0, 0, 0, 0};
	uint8_t kind;

	for (kind = 0; kind < 4; kind++)
		m->import_of[kind] = arena_array(m->arena, (size_t)m->nimports + 1, sizeof(uint32_t));
	for (k = 0; k < m->nimports; k++)
		if ((kind = m->imports[k].kind) < 4)
			m->import_of[kind][n[kind]++] = k;
}

/* The i-th import of the given kind. */
static const struct import *
nth_import(const struct module *m, uint8_t kind, uint32_t i)
{
	uint32_t k, n[4] = {m->nfuncs_imported, m->ntables_imported, m->nmems_imported,
	                    m->nglobals_imported};

	if (kind >= 4 || i >= n[kind])
		return NULL;
	if (m->import_of[kind]) {
		k = m->import_of[kind][i];
		return k < m->nimports && m->imports[k].kind == kind ? &m->imports[k] : NULL;
	}
	for (k = 0; k < m->nimports; k++) /* a module no reader made */
		if (m->imports[k].kind == kind && i-- == 0)
			return &m->imports[k];
	return NULL;
}

const struct functype *
mod_functype(const struct module *m, uint32_t f)
{
	uint32_t t;

	if (f < m->nfuncs_imported) {
		const struct import *im = nth_import(m, EXT_FUNC, f);
		if (!im)
			return NULL;
		t = im->type;
	} else if (f - m->nfuncs_imported < m->nfuncs) {
		t = m->funcs[f - m->nfuncs_imported].type;
	} else {
		return NULL;
	}
	return t < m->ntypes ? &m->types[t] : NULL;
}

const struct tabletype *
mod_table(const struct module *m, uint32_t i)
{
	if (i < m->ntables_imported) {
		const struct import *im = nth_import(m, EXT_TABLE, i);
		return im ? &im->table : NULL;
	}
	i -= m->ntables_imported;
	return i < m->ntables ? &m->tables[i] : NULL;
}

const struct limits *
mod_memory(const struct module *m, uint32_t i)
{
	if (i < m->nmems_imported) {
		const struct import *im = nth_import(m, EXT_MEMORY, i);
		return im ? &im->mem : NULL;
	}
	i -= m->nmems_imported;
	return i < m->nmems ? &m->mems[i] : NULL;
}

const struct globaltype *
mod_global(const struct module *m, uint32_t i)
{
	if (i < m->nglobals_imported) {
		const struct import *im = nth_import(m, EXT_GLOBAL, i);
		return im ? &im->global : NULL;
	}
	i -= m->nglobals_imported;
	return i < m->nglobals ? &m->globals[i].type : NULL;
}

const char *
mod_funcname(const struct module *m, uint32_t f, uint32_t *len)
{
	uint32_t lo = 0, hi = m->nfuncnames;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->funcnames[mid].index < f)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nfuncnames && m->funcnames[lo].index == f) {
		if (len)
			*len = m->funcnames[lo].len;
		return m->funcnames[lo].name;
	}
	return NULL;
}

const char *
valtype_name(uint8_t t)
{
	switch (t) {
	case T_I32: return "i32";
	case T_I64: return "i64";
	case T_F32: return "f32";
	case T_F64: return "f64";
	case T_V128: return "v128";
	case T_FUNCREF: return "funcref";
	case T_EXTERNREF: return "externref";
	}
	return NULL;
}
