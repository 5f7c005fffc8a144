/*
 * The text reader: module text (wasm-module(5)) to struct module.  It
 * reads the canonical flat form wasm-parse writes and hand-written
 * modules in the same form: comments anywhere, (;N;) index comments
 * optional, $names on definitions, $name references to functions and
 * types, and functions or blocks given by (param)/(result) without a
 * (type N).  Bodies are flat instruction sequences; only constant
 * expressions may be folded.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "module.h"
#include "textlex.h"

struct names {
	struct name *v;
	uint32_t n, cap;
};

struct parser {
	struct lexer lx;
	struct module *m;
	struct arena *a;
	struct names funcs, types;  /* $ids of definitions */
	struct instr *scratch;      /* one body at a time */
	size_t nscratch, capscratch;
	uint32_t nimp[4];           /* imports seen per kind */
	uint32_t ndef[4];           /* definitions seen per kind */
	uint8_t last_section;
};

#define ERR(P, line, ...) lex_error(&(P)->lx, (line), __VA_ARGS__)

/* ---- tokens ---- */

static int
is(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	return t->kind == T_ATOM && t->len == n && !memcmp(t->s, word, n);
}

static struct token
next(struct parser *P)
{
	return lex_next(&P->lx);
}

static struct token
peek(struct parser *P)
{
	return lex_peek(&P->lx);
}

static void
expect_rp(struct parser *P)
{
	struct token t = next(P);

	if (t.kind != T_RP)
		ERR(P, t.line, "expected ')', found '%.*s'", (int)(t.len > 40 ? 40 : t.len), t.s ? t.s : "end of file");
}

static void
expect_lp(struct parser *P)
{
	struct token t = next(P);

	if (t.kind != T_LP)
		ERR(P, t.line, "expected '('");
}

/* The keyword after '(' if the next tokens are "( word". */
static int
peek_group(struct parser *P, const char *word)
{
	struct lexer save = P->lx;
	struct token t = lex_next(&P->lx);
	int yes = 0;

	if (t.kind == T_LP) {
		struct token w = lex_next(&P->lx);
		yes = is(&w, word);
	}
	P->lx = save;
	return yes;
}

static void
group(struct parser *P, const char *word)
{
	struct token t;

	expect_lp(P);
	t = next(P);
	if (!is(&t, word))
		ERR(P, t.line, "expected '%s'", word);
}

/* ---- names ---- */

static void
add_name(struct parser *P, struct names *ns, uint32_t index, const struct token *t)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 64;
		ns->v = xrealloc(ns->v, ns->cap * sizeof *ns->v);
	}
	ns->v[ns->n].index = index;
	ns->v[ns->n].name = (char *)t->s + 1;
	ns->v[ns->n].len = (uint32_t)t->len - 1;
	ns->n++;
}

/* An optional $id on a definition. */
static void
opt_id(struct parser *P, struct names *ns, uint32_t index)
{
	struct token t = peek(P);

	if (t.kind == T_ATOM && t.s[0] == '$') {
		next(P);
		if (ns)
			add_name(P, ns, index, &t);
	}
}

static uint32_t
lookup(struct parser *P, struct names *ns, const struct token *t)
{
	uint32_t i;

	for (i = 0; i < ns->n; i++)
		if (ns->v[i].len == t->len - 1 && !memcmp(ns->v[i].name, t->s + 1, t->len - 1))
			return ns->v[i].index;
	ERR(P, t->line, "unknown name %.*s", (int)t->len, t->s);
}

static uint32_t
u32_atom(struct parser *P, const struct token *t)
{
	uint64_t v;

	if (t->kind != T_ATOM || !num_u64(t->s, t->len, &v) || v > 0xffffffffu)
		ERR(P, t->line, "expected an index (a 32-bit unsigned integer)");
	return (uint32_t)v;
}

/* An index, or a $name if ns is given. */
static uint32_t
index_ref(struct parser *P, struct names *ns)
{
	struct token t = next(P);

	if (t.kind == T_ATOM && t.s[0] == '$') {
		if (!ns)
			ERR(P, t.line, "symbolic reference not supported here; use an index");
		return lookup(P, ns, &t);
	}
	return u32_atom(P, &t);
}

static int
peek_number(struct parser *P)
{
	struct token t = peek(P);

	return t.kind == T_ATOM && ((t.s[0] >= '0' && t.s[0] <= '9') || t.s[0] == '$');
}

/* ---- types ---- */

static uint8_t
valtype_atom(struct parser *P, const struct token *t)
{
	static const struct { const char *name; uint8_t t; } vts[] = {
		{"i32", T_I32}, {"i64", T_I64}, {"f32", T_F32}, {"f64", T_F64}, {"v128", T_V128},
		{"funcref", T_FUNCREF}, {"externref", T_EXTERNREF},
	};
	size_t i;

	for (i = 0; i < sizeof vts / sizeof vts[0]; i++)
		if (is(t, vts[i].name))
			return vts[i].t;
	ERR(P, t->line, "expected a value type");
}

static uint8_t
valtype(struct parser *P)
{
	struct token t = next(P);

	return valtype_atom(P, &t);
}

/* Growable byte vector in the arena. */
static void
push_byte(struct parser *P, uint8_t **v, uint32_t *n, uint8_t b)
{
	if ((*n & (*n - 1)) == 0 || *n == 0)
		*v = arena_grow(P->a, *v, *n, *n ? 2 * (size_t)*n : 4, 1);
	(*v)[(*n)++] = b;
}

/* (param t*)* (result t*)* into a function type; returns lines seen. */
static void
param_results(struct parser *P, struct functype *ft, int allow_params)
{
	while (peek_group(P, "param") || peek_group(P, "result")) {
		struct token kw;
		int is_param;
		next(P);
		kw = next(P);
		is_param = is(&kw, "param");
		if (is_param && !allow_params)
			ERR(P, kw.line, "unexpected param");
		if (is_param && peek(P).kind == T_ATOM && peek(P).s[0] == '$') {
			next(P); /* (param $x t): a named parameter */
			push_byte(P, &ft->params, &ft->nparams, valtype(P));
			expect_rp(P);
			continue;
		}
		while (peek(P).kind == T_ATOM) {
			uint8_t vt = valtype(P);
			if (is_param)
				push_byte(P, &ft->params, &ft->nparams, vt);
			else
				push_byte(P, &ft->results, &ft->nresults, vt);
		}
		expect_rp(P);
	}
}

static int
same_type(const struct functype *a, const struct functype *b)
{
	return a->nparams == b->nparams && a->nresults == b->nresults &&
	       (!a->nparams || !memcmp(a->params, b->params, a->nparams)) &&
	       (!a->nresults || !memcmp(a->results, b->results, a->nresults));
}

static uint32_t
add_type(struct parser *P, const struct functype *ft)
{
	struct module *m = P->m;

	if ((m->ntypes & (m->ntypes - 1)) == 0)
		m->types = arena_grow(P->a, m->types, m->ntypes, m->ntypes ? 2 * (size_t)m->ntypes : 4, sizeof *m->types);
	m->types[m->ntypes] = *ft;
	return m->ntypes++;
}

/* A type use: (type N)? (param..)* (result..)*; with no (type N), the
 * first equal type or a new one.  The explicit params and results, if
 * given with a (type N), must match it. */
static uint32_t
typeuse(struct parser *P, uint32_t line)
{
	struct functype ft = {0};
	uint32_t i, idx = 0;
	int has_index = 0;

	if (peek_group(P, "type")) {
		group(P, "type");
		idx = index_ref(P, &P->types);
		expect_rp(P);
		has_index = 1;
	}
	param_results(P, &ft, 1);
	if (has_index) {
		if (idx < P->m->ntypes && (ft.nparams || ft.nresults) && !same_type(&ft, &P->m->types[idx]))
			ERR(P, line, "inline function type does not match type %u", idx);
		return idx;
	}
	for (i = 0; i < P->m->ntypes; i++)
		if (same_type(&ft, &P->m->types[i]))
			return i;
	return add_type(P, &ft);
}

static void
limits(struct parser *P, struct limits *l)
{
	struct token t = next(P);
	uint64_t v;

	if (t.kind != T_ATOM || !num_u64(t.s, t.len, &v) || v > 0xffffffffu)
		ERR(P, t.line, "expected a limit");
	l->line = t.line;
	l->min = v;
	if (peek_number(P)) {
		t = next(P);
		if (!num_u64(t.s, t.len, &v) || v > 0xffffffffu)
			ERR(P, t.line, "expected a limit");
		l->max = v;
		l->has_max = 1;
	}
}

static void
globaltype(struct parser *P, struct globaltype *g)
{
	if (peek_group(P, "mut")) {
		group(P, "mut");
		g->valtype = valtype(P);
		g->mut = 1;
		expect_rp(P);
	} else {
		g->valtype = valtype(P);
	}
}

/* ---- instructions ---- */

/* name -> op, built once from ops.h (open addressing). */
static uint16_t optable[1024];

static uint32_t
name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
build_optable(void)
{
	static int done;
	int i;

	if (done)
		return;
	for (i = 0; i < NOPS; i++) {
		const char *nm = opinfo[i].name;
		uint32_t h;
		if (i == OP_SELECT_T)
			continue; /* "select" is looked up as OP_SELECT */
		h = name_hash(nm, strlen(nm)) & 1023;
		while (optable[h])
			h = (h + 1) & 1023;
		optable[h] = (uint16_t)(i + 1);
	}
	done = 1;
}

static int
find_op(const struct token *t)
{
	uint32_t h = name_hash(t->s, t->len) & 1023;

	for (; optable[h]; h = (h + 1) & 1023) {
		const char *nm = opinfo[optable[h] - 1].name;
		if (strlen(nm) == t->len && !memcmp(nm, t->s, t->len))
			return optable[h] - 1;
	}
	return -1;
}

static void
memarg(struct parser *P, struct instr *in)
{
	struct token t;
	uint64_t v;

	in->align = opinfo[in->op].aux;
	for (;;) {
		t = peek(P);
		if (t.kind != T_ATOM)
			return;
		if (t.len > 7 && !memcmp(t.s, "offset=", 7)) {
			if (!num_u64(t.s + 7, t.len - 7, &v) || v > 0xffffffffu)
				ERR(P, t.line, "bad offset");
			in->u.offset = v;
		} else if (t.len > 6 && !memcmp(t.s, "align=", 6)) {
			if (!num_u64(t.s + 6, t.len - 6, &v) || v == 0 || (v & (v - 1)) || v > (1ull << 31))
				ERR(P, t.line, "alignment must be a power of two");
			in->align = (uint8_t)__builtin_ctzll(v);
		} else {
			return;
		}
		next(P);
	}
}

static uint32_t
lane(struct parser *P)
{
	struct token t = next(P);
	uint64_t v;

	if (t.kind != T_ATOM || !num_u64(t.s, t.len, &v) || v > 255)
		ERR(P, t.line, "expected a lane index");
	return (uint32_t)v;
}

static void
v128_const(struct parser *P, struct instr *in)
{
	static const struct { const char *shape; int lanes, bits, is_float; } shapes[] = {
		{"i8x16", 16, 8, 0}, {"i16x8", 8, 16, 0}, {"i32x4", 4, 32, 0},
		{"i64x2", 2, 64, 0}, {"f32x4", 4, 32, 1}, {"f64x2", 2, 64, 1},
	};
	struct token t = next(P);
	int s, i;

	for (s = 0; s < 6 && !is(&t, shapes[s].shape); s++)
		;
	if (s == 6)
		ERR(P, t.line, "expected a v128 shape");
	for (i = 0; i < shapes[s].lanes; i++) {
		uint64_t v;
		uint32_t f;
		int bytes = shapes[s].bits / 8;
		t = next(P);
		if (t.kind != T_ATOM)
			ERR(P, t.line, "expected a lane value");
		if (shapes[s].is_float && bytes == 4) {
			if (!num_f32(t.s, t.len, &f))
				ERR(P, t.line, "bad f32 lane");
			v = f;
		} else if (shapes[s].is_float) {
			if (!num_f64(t.s, t.len, &v))
				ERR(P, t.line, "bad f64 lane");
		} else if (!num_int(t.s, t.len, (unsigned)shapes[s].bits, &v)) {
			ERR(P, t.line, "bad integer lane");
		}
		memcpy(in->u.v128 + i * bytes, &v, (size_t)bytes);
	}
}

static void
blocktype(struct parser *P, struct instr *in)
{
	struct functype ft = {0};
	uint32_t i;

	if (peek(P).kind == T_ATOM && peek(P).s[0] == '$')
		next(P); /* a label name: labels are referenced by depth */
	if (peek_group(P, "type")) {
		in->bt.is_index = 1;
		in->bt.index = typeuse(P, in->line);
		return;
	}
	param_results(P, &ft, 1);
	if (ft.nparams == 0 && ft.nresults <= 1) {
		in->bt.valtype = ft.nresults ? ft.results[0] : T_EMPTY;
		return;
	}
	in->bt.is_index = 1;
	for (i = 0; i < P->m->ntypes; i++)
		if (same_type(&ft, &P->m->types[i])) {
			in->bt.index = i;
			return;
		}
	in->bt.index = add_type(P, &ft);
}

static void
int_const(struct parser *P, struct instr *in, unsigned bits)
{
	struct token t = next(P);
	uint64_t v;

	if (t.kind != T_ATOM || !num_int(t.s, t.len, bits, &v))
		ERR(P, t.line, "i%u.const: '%.*s' is not an i%u literal or is out of range", bits,
		    (int)(t.len > 40 ? 40 : t.len), t.s ? t.s : "", bits);
	if (bits == 32)
		in->u.i32 = (uint32_t)v;
	else
		in->u.i64 = v;
}

static void
immediates(struct parser *P, struct instr *in)
{
	struct token t;
	uint32_t i;

	switch (opinfo[in->op].imm) {
	case IMM_NONE: case IMM_MEMIDX: case IMM_MEMCOPY: break;
	case IMM_BLOCK: blocktype(P, in); break;
	case IMM_LABEL: case IMM_LOCAL: case IMM_GLOBAL: case IMM_DATA: case IMM_ELEM: case IMM_MEMINIT:
		in->idx = index_ref(P, NULL);
		break;
	case IMM_FUNC: in->idx = index_ref(P, &P->funcs); break;
	case IMM_TABLE: in->idx = peek_number(P) ? index_ref(P, NULL) : 0; break;
	case IMM_BRTABLE: {
		uint32_t *v = NULL, n = 0;
		while (peek_number(P)) {
			if ((n & (n - 1)) == 0)
				v = arena_grow(P->a, v, n, n ? 2 * (size_t)n : 4, sizeof *v);
			v[n++] = index_ref(P, NULL);
		}
		if (!n)
			ERR(P, in->line, "br_table needs at least a default label");
		in->n = n - 1;
		in->targets = v;
		in->idx = v[n - 1];
		break;
	}
	case IMM_CALLIND:
		in->idx2 = peek_number(P) ? index_ref(P, NULL) : 0;
		in->idx = typeuse(P, in->line);
		break;
	case IMM_MEM: memarg(P, in); break;
	case IMM_MEMLANE: memarg(P, in); in->idx = lane(P); break;
	case IMM_TABLEINIT:
		in->idx = index_ref(P, NULL);
		if (peek_number(P)) {
			in->idx2 = in->idx; /* table.init TABLE ELEM */
			in->idx = index_ref(P, NULL);
		}
		break;
	case IMM_TABLECOPY:
		if (peek_number(P)) {
			in->idx = index_ref(P, NULL);
			in->idx2 = index_ref(P, NULL);
		}
		break;
	case IMM_I32: int_const(P, in, 32); break;
	case IMM_I64: int_const(P, in, 64); break;
	case IMM_F32:
		t = next(P);
		if (t.kind != T_ATOM || !num_f32(t.s, t.len, &in->u.f32))
			ERR(P, t.line, "bad f32 constant");
		break;
	case IMM_F64:
		t = next(P);
		if (t.kind != T_ATOM || !num_f64(t.s, t.len, &in->u.f64))
			ERR(P, t.line, "bad f64 constant");
		break;
	case IMM_V128: v128_const(P, in); break;
	case IMM_LANE: in->idx = lane(P); break;
	case IMM_SHUFFLE:
		for (i = 0; i < 16; i++)
			in->u.v128[i] = (uint8_t)lane(P);
		break;
	case IMM_SELECTT: {
		struct functype ft = {0};
		param_results(P, &ft, 0);
		in->n = ft.nresults;
		in->types = ft.results;
		break;
	}
	case IMM_REFTYPE:
		t = next(P);
		if (is(&t, "func"))
			in->valtype = T_FUNCREF;
		else if (is(&t, "extern"))
			in->valtype = T_EXTERNREF;
		else
			ERR(P, t.line, "expected func or extern");
		break;
	}
}

/* One plain instruction whose name is the token t. */
static void
instr(struct parser *P, const struct token *t, struct instr *in)
{
	int op;

	build_optable();
	memset(in, 0, sizeof *in);
	in->line = t->line;
	if (t->kind != T_ATOM || (op = find_op(t)) < 0)
		ERR(P, t->line, "unknown instruction '%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s ? t->s : "");
	if (op == OP_SELECT && peek_group(P, "result"))
		op = OP_SELECT_T;
	in->op = (uint16_t)op;
	immediates(P, in);
}

static struct instr *
scratch_slot(struct parser *P)
{
	if (P->nscratch == P->capscratch) {
		P->capscratch = P->capscratch ? 2 * P->capscratch : 1024;
		P->scratch = xrealloc(P->scratch, P->capscratch * sizeof *P->scratch);
	}
	return &P->scratch[P->nscratch++];
}

static struct instr *
scratch_copy(struct parser *P, uint32_t *n)
{
	struct instr *v = arena_array(P->a, P->nscratch, sizeof *v);

	memcpy(v, P->scratch, P->nscratch * sizeof *v);
	*n = (uint32_t)P->nscratch;
	P->nscratch = 0;
	return v;
}

/* A function body: flat instructions up to the func's ')', then the
 * implicit END. */
static void
body(struct parser *P, struct func *f)
{
	struct token t;
	struct instr *end;

	P->nscratch = 0;
	while ((t = next(P)).kind != T_RP) {
		if (t.kind == T_LP)
			ERR(P, t.line, "folded instructions are not part of the module text; write one instruction a line");
		if (t.kind == T_EOF)
			ERR(P, t.line, "unexpected end of file in function");
		instr(P, &t, scratch_slot(P));
	}
	end = scratch_slot(P);
	memset(end, 0, sizeof *end);
	end->op = OP_END;
	end->line = t.line;
	f->code = scratch_copy(P, &f->ncode);
}

/* Instructions, plain or each folded as (instr imm*), up to ')'. */
static void
expr_until_rp(struct parser *P, struct expr *e)
{
	struct token t;
	struct instr *end;

	P->nscratch = 0;
	while ((t = next(P)).kind != T_RP) {
		if (t.kind == T_LP) {
			t = next(P);
			instr(P, &t, scratch_slot(P));
			expect_rp(P);
		} else if (t.kind == T_ATOM) {
			instr(P, &t, scratch_slot(P));
		} else {
			ERR(P, t.line, "expected an instruction");
		}
	}
	end = scratch_slot(P);
	memset(end, 0, sizeof *end);
	end->op = OP_END;
	end->line = t.line;
	e->code = scratch_copy(P, &e->n);
}

/* A global's initializer: the rest of the (global ...) field. */
static void
const_expr_rest(struct parser *P, struct expr *e, uint32_t line)
{
	(void)line;
	expr_until_rp(P, e);
}

/* (offset instr*) or one folded instruction. */
static void
offset_expr(struct parser *P, struct expr *e, uint32_t line)
{
	struct token t;
	struct instr *end;

	(void)line;
	if (peek_group(P, "offset")) {
		group(P, "offset");
		expr_until_rp(P, e);
		return;
	}
	expect_lp(P);
	t = next(P);
	P->nscratch = 0;
	instr(P, &t, scratch_slot(P));
	expect_rp(P);
	end = scratch_slot(P);
	memset(end, 0, sizeof *end);
	end->op = OP_END;
	end->line = t.line;
	e->code = scratch_copy(P, &e->n);
}

/* func idx* | reftype item*, then ')'. */
static void
elem_items(struct parser *P, struct elem *e)
{
	struct token t = next(P);

	if (is(&t, "func")) {
		uint32_t n = 0;
		while (peek(P).kind == T_ATOM) {
			if ((n & (n - 1)) == 0)
				e->funcs = arena_grow(P->a, e->funcs, n, n ? 2 * (size_t)n : 4, sizeof *e->funcs);
			e->funcs[n++] = index_ref(P, &P->funcs);
		}
		e->n = n;
		expect_rp(P);
		return;
	}
	e->type = valtype_atom(P, &t);
	e->use_exprs = 1;
	while ((t = next(P)).kind == T_LP) {
		struct expr x;
		struct token kw = peek(P);
		if (is(&kw, "item")) {
			next(P);
			expr_until_rp(P, &x);
		} else {
			struct instr *end;
			t = next(P);
			P->nscratch = 0;
			instr(P, &t, scratch_slot(P));
			expect_rp(P);
			end = scratch_slot(P);
			memset(end, 0, sizeof *end);
			end->op = OP_END;
			x.code = scratch_copy(P, &x.n);
		}
		if ((e->n & (e->n - 1)) == 0)
			e->exprs = arena_grow(P->a, e->exprs, e->n, e->n ? 2 * (size_t)e->n : 4, sizeof *e->exprs);
		e->exprs[e->n++] = x;
	}
	if (t.kind != T_RP)
		ERR(P, t.line, "expected an element expression or ')'");
}

/* ---- module fields ---- */

static void
field_type(struct parser *P)
{
	struct functype ft = {0};

	opt_id(P, &P->types, P->m->ntypes);
	group(P, "func");
	param_results(P, &ft, 1);
	expect_rp(P);
	expect_rp(P);
	add_type(P, &ft);
}

#define GROW(P, arr, n) \
	((((n) & ((n) - 1)) == 0) ? (void)((arr) = arena_grow((P)->a, (arr), (n), (n) ? 2 * (size_t)(n) : 4, sizeof *(arr))) : (void)0)

static void
field_import(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct token t = next(P), kw;
	struct import *im;

	if (t.kind != T_STRING)
		ERR(P, t.line, "expected the module name");
	GROW(P, m->imports, m->nimports);
	im = &m->imports[m->nimports++];
	im->line = line;
	im->module = (char *)lex_string(&P->lx, &t, &im->modlen);
	t = next(P);
	if (t.kind != T_STRING)
		ERR(P, t.line, "expected the field name");
	im->field = (char *)lex_string(&P->lx, &t, &im->fieldlen);
	expect_lp(P);
	kw = next(P);
	if (is(&kw, "func")) {
		if (m->nfuncs)
			ERR(P, kw.line, "import after function definition");
		im->kind = EXT_FUNC;
		opt_id(P, &P->funcs, m->nfuncs_imported);
		im->type = typeuse(P, kw.line);
		m->nfuncs_imported++;
	} else if (is(&kw, "table")) {
		im->kind = EXT_TABLE;
		opt_id(P, NULL, 0);
		limits(P, &im->table.lim);
		im->table.elemtype = valtype(P);
		m->ntables_imported++;
	} else if (is(&kw, "memory")) {
		im->kind = EXT_MEMORY;
		opt_id(P, NULL, 0);
		limits(P, &im->mem);
		m->nmems_imported++;
	} else if (is(&kw, "global")) {
		im->kind = EXT_GLOBAL;
		opt_id(P, NULL, 0);
		globaltype(P, &im->global);
		m->nglobals_imported++;
	} else {
		ERR(P, kw.line, "unknown import kind");
	}
	expect_rp(P);
	expect_rp(P);
}

static void
field_func(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct func *f;
	uint32_t nlocals = 0;

	GROW(P, m->funcs, m->nfuncs);
	f = &m->funcs[m->nfuncs++];
	f->line = line;
	opt_id(P, &P->funcs, m->nfuncs_imported + m->nfuncs - 1);
	f->type = typeuse(P, line);
	while (peek_group(P, "local")) {
		group(P, "local");
		if (peek(P).kind == T_ATOM && peek(P).s[0] == '$') {
			next(P);
			push_byte(P, &f->locals, &nlocals, valtype(P));
		} else {
			while (peek(P).kind == T_ATOM)
				push_byte(P, &f->locals, &nlocals, valtype(P));
		}
		expect_rp(P);
	}
	f->nlocals = nlocals;
	body(P, f);
}

static void
field_table(struct parser *P)
{
	struct module *m = P->m;

	GROW(P, m->tables, m->ntables);
	opt_id(P, NULL, 0);
	limits(P, &m->tables[m->ntables].lim);
	m->tables[m->ntables].elemtype = valtype(P);
	m->ntables++;
	expect_rp(P);
}

static void
field_memory(struct parser *P)
{
	struct module *m = P->m;

	GROW(P, m->mems, m->nmems);
	opt_id(P, NULL, 0);
	memset(&m->mems[m->nmems], 0, sizeof m->mems[0]);
	limits(P, &m->mems[m->nmems]);
	m->nmems++;
	expect_rp(P);
}

static void
field_global(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct global *g;

	GROW(P, m->globals, m->nglobals);
	g = &m->globals[m->nglobals++];
	memset(g, 0, sizeof *g);
	g->line = line;
	opt_id(P, NULL, 0);
	globaltype(P, &g->type);
	const_expr_rest(P, &g->init, line);
}

static void
field_export(struct parser *P, uint32_t line)
{
	static const char *const kinds[] = {"func", "table", "memory", "global"};
	struct module *m = P->m;
	struct token t = next(P), kw;
	struct export *e;
	int k;

	if (t.kind != T_STRING)
		ERR(P, t.line, "expected the export name");
	GROW(P, m->exports, m->nexports);
	e = &m->exports[m->nexports++];
	e->line = line;
	e->name = (char *)lex_string(&P->lx, &t, &e->namelen);
	expect_lp(P);
	kw = next(P);
	for (k = 0; k < 4 && !is(&kw, kinds[k]); k++)
		;
	if (k == 4)
		ERR(P, kw.line, "unknown export kind");
	e->kind = (uint8_t)k;
	e->index = index_ref(P, k == EXT_FUNC ? &P->funcs : NULL);
	expect_rp(P);
	expect_rp(P);
}

static void
field_elem(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct elem *e;
	struct token t;

	GROW(P, m->elems, m->nelems);
	e = &m->elems[m->nelems++];
	memset(e, 0, sizeof *e);
	e->line = line;
	e->type = T_FUNCREF;
	opt_id(P, NULL, 0);
	t = peek(P);
	if (is(&t, "declare")) {
		next(P);
		e->mode = SEG_DECLARATIVE;
	} else if (t.kind == T_LP) {
		e->mode = SEG_ACTIVE;
		if (peek_group(P, "table")) {
			group(P, "table");
			e->table = index_ref(P, NULL);
			expect_rp(P);
		}
		offset_expr(P, &e->offset, line);
	} else {
		e->mode = SEG_PASSIVE;
	}
	elem_items(P, e);
}

static void
field_data(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct data *d;
	struct token t;

	GROW(P, m->datas, m->ndatas);
	d = &m->datas[m->ndatas++];
	memset(d, 0, sizeof *d);
	d->line = line;
	opt_id(P, NULL, 0);
	d->mode = SEG_PASSIVE;
	if (peek(P).kind == T_LP) {
		d->mode = SEG_ACTIVE;
		if (peek_group(P, "memory")) {
			group(P, "memory");
			d->memory = index_ref(P, NULL);
			expect_rp(P);
		}
		offset_expr(P, &d->offset, line);
	}
	/* the bytes: one or more strings, concatenated */
	while ((t = next(P)).kind == T_STRING) {
		uint32_t n, k;
		uint8_t *s = lex_string(&P->lx, &t, &n);
		for (k = 0; k < n; k++)
			push_byte(P, &d->bytes, &d->len, s[k]);
	}
	if (t.kind != T_RP)
		ERR(P, t.line, "expected a string or ')' in data");
}

static const char *const section_names[13] = {
	"custom", "type", "import", "func", "table", "memory", "global",
	"export", "start", "elem", "code", "data", "datacount",
};

/* (;@custom "NAME" (after SECTION) "BYTES";) */
static void
custom(struct parser *P, const struct token *c)
{
	struct module *m = P->m;
	struct lexer sub;
	struct token t;
	struct custom *cs;
	uint8_t i;

	lex_init(&sub, P->a, P->lx.file, c->s, c->len);
	sub.line = c->line;
	GROW(P, m->customs, m->ncustoms);
	cs = &m->customs[m->ncustoms++];
	memset(cs, 0, sizeof *cs);
	t = lex_next(&sub);
	if (t.kind != T_STRING)
		lex_error(&sub, c->line, "custom section: expected its name");
	cs->name = (char *)lex_string(&sub, &t, &cs->namelen);
	if (lex_next(&sub).kind != T_LP)
		lex_error(&sub, c->line, "custom section: expected (after SECTION)");
	t = lex_next(&sub);
	if (is(&t, "after")) {
		t = lex_next(&sub);
		for (i = 1; i < 13 && !is(&t, section_names[i]); i++)
			;
		if (i == 13)
			lex_error(&sub, c->line, "custom section: unknown section name");
		cs->after = i;
	} else if (!is(&t, "before")) {
		lex_error(&sub, c->line, "custom section: expected after or before");
	} else {
		lex_next(&sub);
	}
	if (lex_next(&sub).kind != T_RP)
		lex_error(&sub, c->line, "custom section: expected ')'");
	t = lex_next(&sub);
	if (t.kind != T_STRING)
		lex_error(&sub, c->line, "custom section: expected its bytes");
	cs->bytes = lex_string(&sub, &t, &cs->len);
}

static void
module_field(struct parser *P, const struct token *kw)
{
	uint32_t line = kw->line;

	if (is(kw, "type"))
		field_type(P);
	else if (is(kw, "import"))
		field_import(P, line);
	else if (is(kw, "func"))
		field_func(P, line);
	else if (is(kw, "table"))
		field_table(P);
	else if (is(kw, "memory"))
		field_memory(P);
	else if (is(kw, "global"))
		field_global(P, line);
	else if (is(kw, "export"))
		field_export(P, line);
	else if (is(kw, "start")) {
		if (P->m->has_start)
			ERR(P, line, "multiple start sections");
		P->m->has_start = 1;
		P->m->start_line = line;
		P->m->start = index_ref(P, &P->funcs);
		expect_rp(P);
	} else if (is(kw, "elem"))
		field_elem(P, line);
	else if (is(kw, "data"))
		field_data(P, line);
	else
		ERR(P, line, "unknown module field '%.*s'", (int)(kw->len > 40 ? 40 : kw->len), kw->s);
}

static int
by_index(const void *a, const void *b)
{
	const struct name *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* A $id's name with the writer's \hh escapes decoded; returns its length. */
static uint32_t
unescape_id(const char *s, uint32_t len, char *out)
{
	uint32_t k, n = 0;

	for (k = 0; k < len; k++) {
		if (s[k] == '\\' && k + 2 < len && s[k + 1] && s[k + 2] &&
		    strchr("0123456789abcdef", s[k + 1]) && strchr("0123456789abcdef", s[k + 2])) {
			char hex[3] = {s[k + 1], s[k + 2], 0};
			out[n++] = (char)strtol(hex, NULL, 16);
			k += 2;
		} else {
			out[n++] = s[k];
		}
	}
	out[n] = 0;
	return n;
}

/* Function names: a copy of the $ids, escapes (\hh) decoded. */
static void
set_funcnames(struct parser *P)
{
	struct module *m = P->m;
	uint32_t i;

	m->funcnames = arena_array(P->a, P->funcs.n + 1, sizeof *m->funcnames);
	for (i = 0; i < P->funcs.n; i++) {
		const struct name *src = &P->funcs.v[i];
		struct name *dst = &m->funcnames[i];
		dst->index = src->index;
		dst->name = arena_alloc(P->a, src->len + 1);
		dst->len = unescape_id(src->name, src->len, dst->name);
	}
	m->nfuncnames = P->funcs.n;
	qsort(m->funcnames, m->nfuncnames, sizeof *m->funcnames, by_index);
	for (i = 1; i < m->nfuncnames; i++)
		if (m->funcnames[i].index == m->funcnames[i - 1].index)
			ERR(P, 0, "function %u named twice", m->funcnames[i].index);
}

struct module *
read_text(struct arena *a, const char *filename, const char *buf, size_t len)
{
	struct parser P = {0};
	struct module *m = arena_alloc(a, sizeof *m);
	struct token t;

	m->arena = a;
	m->filename = filename;
	P.m = m;
	P.a = a;
	lex_init(&P.lx, a, filename, buf, len);
	t = next(&P);
	if (t.kind == T_LP)
		t = next(&P);
	if (!is(&t, "module"))
		ERR(&P, t.line, "expected (module");
	t = peek(&P);
	if (t.kind == T_ATOM && t.s[0] == '$') {
		struct names one = {0};
		next(&P);
		add_name(&P, &one, 0, &t);
		m->modname = arena_alloc(a, one.v[0].len + 1);
		m->modnamelen = unescape_id(one.v[0].name, one.v[0].len, m->modname);
		m->has_modname = 1;
		free(one.v);
	}
	for (;;) {
		t = next(&P);
		if (t.kind == T_RP)
			break;
		if (t.kind == T_CUSTOM) {
			custom(&P, &t);
			continue;
		}
		if (t.kind != T_LP)
			ERR(&P, t.line, "expected a module field");
		t = next(&P);
		module_field(&P, &t);
	}
	while ((t = next(&P)).kind == T_CUSTOM)
		custom(&P, &t);
	if (t.kind != T_EOF)
		ERR(&P, t.line, "text after the module");
	set_funcnames(&P);
	free(P.funcs.v);
	free(P.types.v);
	free(P.scratch);
	return m;
}
