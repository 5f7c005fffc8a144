/*
 * The text reader: module text (wasm-module(5)) to struct module.  It
 * reads the canonical flat form wasm-parse writes and hand-written
 * modules in the same form: comments anywhere, (;N;) index comments
 * optional, $names on definitions, $name references to functions and
 * types, and functions or blocks given by (param)/(result) without a
 * (type N).  Bodies are flat instruction sequences; only constant
 * expressions may be folded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "modlimits.h"
#include "module.h"
#include "textlex.h"

#include "textread.h"


void
tr_within(struct parser *P, uint32_t line, int limit, uint64_t n, const char *what, ...)
{
	char w[200], msg[400];
	va_list ap;

	if (n <= limits[limit])
		return;
	va_start(ap, what);
	vsnprintf(w, sizeof w, what, ap);
	va_end(ap);
	ERR(P, line, "%s", limit_exceeded(limit, n, w, msg, sizeof msg));
}

/* A count about to grow past n: a uint32_t must not wrap (with the
 * limits lifted, nothing else stops it). */
static void
count_fits(struct parser *P, uint32_t n)
{
	if (n == UINT32_MAX)
		ERR(P, P->lx.line, "more than 4294967295 of a kind");
}

/* Appends to an arena array of n elements, doubling at powers of two. */
#define GROW(P, arr, n) \
	(count_fits((P), (n)), (((n) & ((n) - 1)) == 0) ? \
	 (void)((arr) = arena_grow((P)->a, (arr), (n), (n) ? 2 * (size_t)(n) : 4, sizeof *(arr))) : (void)0)

/* ---- tokens ---- */

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
		yes = tok_is(&w, word);
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
	if (!tok_is(&t, word))
		ERR(P, t.line, "expected '%s'", word);
}

/* ---- names ---- */

/* What a reference names besides the module's index spaces (NS_*). */
enum { REF_LOCAL = NNS, REF_LABEL };

static int
is_id(const struct token *t)
{
	return t->kind == T_ATOM && t->s[0] == '$';
}

/* Names index in namespace ns with the id t. */
static void
define_id(struct parser *P, struct names *ns, uint32_t index, const struct token *t)
{
	if (t->len < 2)
		ERR(P, t->line, "empty $id");
	if (!names_add(ns, t->s, t->len, index))
		ERR(P, t->line, "%.*s is defined twice", (int)(t->len > 60 ? 60 : t->len), t->s);
}

/* An optional $id on a definition of index in space k (-1: ignore it). */
static void
opt_id(struct parser *P, int k, uint32_t index)
{
	struct token t = peek(P);

	if (is_id(&t)) {
		next(P);
		if (k >= 0)
			define_id(P, &P->ns[k], index, &t);
	}
}

/* A label's depth: the innermost open block carrying the id. */
static uint32_t
label_depth(struct parser *P, const struct token *t)
{
	int64_t pos = names_find(&P->labelids, t->s, t->len);

	if (pos < 0 || pos == LABEL_CLOSED || pos >= P->nlabels)
		ERR(P, t->line, "unknown label %.*s", (int)(t->len > 60 ? 60 : t->len), t->s);
	return P->nlabels - 1 - (uint32_t)pos;
}

static uint32_t
lookup(struct parser *P, int k, const struct token *t)
{
	int64_t i;

	if (k == REF_LABEL)
		return label_depth(P, t);
	if (k == REF_LOCAL)
		i = names_find(&P->locals, t->s, t->len);
	else if ((i = names_find(&P->ns[k], t->s, t->len)) < 0 && !P->prescanned) {
		/* a reference before its definition: learn every id once */
		struct lexer lx;
		lex_init(&lx, P->a, P->lx.file, P->buf, P->len);
		names_prescan(P->ns, &lx);
		P->prescanned = 1;
		i = names_find(&P->ns[k], t->s, t->len);
	}
	if (i < 0)
		ERR(P, t->line, "unknown name %.*s", (int)(t->len > 60 ? 60 : t->len), t->s);
	return (uint32_t)i;
}

static uint32_t
u32_atom(struct parser *P, const struct token *t)
{
	uint64_t v;

	if (t->kind != T_ATOM || !num_u64(t->s, t->len, &v) || v > 0xffffffffu)
		ERR(P, t->line, "expected an index (a 32-bit unsigned integer)");
	return (uint32_t)v;
}

/* An index, or a $id naming one in space k (NS_* or REF_*). */
static uint32_t
index_ref(struct parser *P, int k)
{
	struct token t = next(P);

	if (is_id(&t))
		return lookup(P, k, &t);
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
		if (tok_is(t, vts[i].name))
			return vts[i].t;
	ERR(P, t->line, "expected a value type");
}

static uint8_t
valtype(struct parser *P)
{
	struct token t = next(P);

	return valtype_atom(P, &t);
}

/* A name (imports, exports): a string whose bytes, escapes decoded,
 * are UTF-8. */
static char *
name_string(struct parser *P, const struct token *t, uint32_t *len)
{
	char *s = (char *)lex_string(&P->lx, t, len);

	if (!utf8_valid((const uint8_t *)s, *len))
		ERR(P, t->line, "malformed UTF-8 encoding in a name");
	return s;
}

/* Growable byte vector in the arena. */
static void
push_byte(struct parser *P, uint8_t **v, uint32_t *n, uint8_t b)
{
	count_fits(P, *n);
	if ((*n & (*n - 1)) == 0 || *n == 0)
		*v = arena_grow(P->a, *v, *n, *n ? 2 * (size_t)*n : 4, 1);
	(*v)[(*n)++] = b;
}

/* A reference type (table and element segment types). */
static uint8_t
reftype(struct parser *P)
{
	struct token t = next(P);
	uint8_t vt = valtype_atom(P, &t);

	if (vt != T_FUNCREF && vt != T_EXTERNREF)
		ERR(P, t.line, "expected a reference type (funcref or externref)");
	return vt;
}

/* What param_results takes: params at all, params with $ids (not in
 * block types, call_indirect and select). */
enum { PR_PARAMS = 1, PR_IDS = 2 };

/* (param t*)* (result t*)* into a function type, params first.  While a
 * function's header is read (P->paramnames set), (param $x t) names a
 * local. */
static void
param_results(struct parser *P, struct functype *ft, int flags)
{
	int seen_result = 0;

	while (peek_group(P, "param") || peek_group(P, "result")) {
		struct token kw, id;
		int is_param;
		next(P);
		kw = next(P);
		is_param = tok_is(&kw, "param");
		if (is_param && !(flags & PR_PARAMS))
			ERR(P, kw.line, "unexpected param");
		if (is_param && seen_result)
			ERR(P, kw.line, "a param after a result");
		seen_result |= !is_param;
		id = peek(P);
		if (is_param && is_id(&id)) {
			if (!(flags & PR_IDS))
				ERR(P, id.line, "a named param where only types may stand");
			next(P);
			if (P->paramnames)
				define_id(P, P->paramnames, ft->nparams, &id);
			push_byte(P, &ft->params, &ft->nparams, valtype(P));
			tr_within(P, kw.line, LIM_PARAMS, ft->nparams, "parameters");
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
		tr_within(P, kw.line, LIM_PARAMS, ft->nparams, "parameters");
		tr_within(P, kw.line, LIM_RESULTS, ft->nresults, "results");
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

	tr_within(P, P->lx.line, LIM_TYPES, (uint64_t)m->ntypes + 1, "types");
	if ((m->ntypes & (m->ntypes - 1)) == 0)
		m->types = arena_grow(P->a, m->types, m->ntypes, m->ntypes ? 2 * (size_t)m->ntypes : 4, sizeof *m->types);
	m->types[m->ntypes] = *ft;
	return m->ntypes++;
}

/* The provisional index of an inline type (see IMPLICIT_TYPE). */
static uint32_t
implicit_type(struct parser *P, const struct functype *ft)
{
	uint32_t i;

	for (i = 0; i < P->nimplicit; i++)
		if (same_type(ft, &P->implicit[i]))
			return IMPLICIT_TYPE + i;
	if ((P->nimplicit & (P->nimplicit - 1)) == 0)
		P->implicit = arena_grow(P->a, P->implicit, P->nimplicit,
		                         P->nimplicit ? 2 * (size_t)P->nimplicit : 4, sizeof *P->implicit);
	P->implicit[P->nimplicit] = *ft;
	return IMPLICIT_TYPE + P->nimplicit++;
}

/* The function type of a type use's result, if known yet. */
static const struct functype *
use_type(struct parser *P, uint32_t idx)
{
	if (idx >= IMPLICIT_TYPE && idx - IMPLICIT_TYPE < P->nimplicit)
		return &P->implicit[idx - IMPLICIT_TYPE];
	return idx < P->m->ntypes ? &P->m->types[idx] : NULL;
}

/* A type use: (type N)? (param..)* (result..)*.  With (type N), the
 * explicit params and results, if any, must match it; without, it is
 * the first equal type, resolved once all types are known. */
static uint32_t
typeuse(struct parser *P, uint32_t line, int flags)
{
	struct functype ft = {0};
	const struct functype *t;
	uint32_t idx;

	if (!peek_group(P, "type")) {
		param_results(P, &ft, flags);
		return implicit_type(P, &ft);
	}
	group(P, "type");
	idx = index_ref(P, NS_TYPE);
	if (idx >= IMPLICIT_TYPE)
		ERR(P, line, "unknown type %u", idx);
	expect_rp(P);
	param_results(P, &ft, flags);
	if (!ft.nparams && !ft.nresults)
		return idx;
	if ((t = use_type(P, idx))) {
		if (!same_type(&ft, t))
			ERR(P, line, "inline function type does not match type %u", idx);
	} else {
		struct typecheck *c;
		if ((P->nchecks & (P->nchecks - 1)) == 0)
			P->checks = arena_grow(P->a, P->checks, P->nchecks,
			                       P->nchecks ? 2 * (size_t)P->nchecks : 4, sizeof *P->checks);
		c = &P->checks[P->nchecks++];
		c->ft = ft, c->index = idx, c->line = line;
	}
	return idx;
}

static void
limitpair(struct parser *P, struct limits *l)
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

/* A literal that does not parse: which one, and the two reasons. */
static _Noreturn void
bad_literal(struct parser *P, const struct token *t, const char *what)
{
	if (t->kind != T_ATOM)
		ERR(P, t->line, "expected %s literal", what);
	ERR(P, t->line, "'%.*s' is not %s literal or is out of range", (int)(t->len > 40 ? 40 : t->len),
	    t->s, what);
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

	for (s = 0; s < 6 && !tok_is(&t, shapes[s].shape); s++)
		;
	if (s == 6)
		ERR(P, t.line, "expected a v128 shape");
	instr_v128(P->a, in);
	for (i = 0; i < shapes[s].lanes; i++) {
		uint64_t v;
		uint32_t f;
		int bytes = shapes[s].bits / 8;
		t = peek(P);
		if (t.kind != T_ATOM || !strchr("0123456789+-in", t.s[0]))
			ERR(P, in->pos, "v128.const %s needs %d lanes, found %d", shapes[s].shape,
			    shapes[s].lanes, i);
		next(P);
		if (shapes[s].is_float && bytes == 4) {
			if (!num_f32(t.s, t.len, &f))
				bad_literal(P, &t, "an f32");
			v = f;
		} else if (shapes[s].is_float) {
			if (!num_f64(t.s, t.len, &v))
				bad_literal(P, &t, "an f64");
		} else if (!num_int(t.s, t.len, (unsigned)shapes[s].bits, &v)) {
			bad_literal(P, &t, shapes[s].bits == 8 ? "an i8" : shapes[s].bits == 16 ? "an i16" :
			            shapes[s].bits == 32 ? "an i32" : "an i64");
		}
		memcpy(in->u.v128 + i * bytes, &v, (size_t)bytes);
	}
}

/* Opens a block for $label references: id is its $id or NULL. */
void
tr_push_label(struct parser *P, const struct token *id)
{
	if (P->nlabels == P->caplabels) {
		if (P->caplabels >= UINT32_MAX / 2) /* with the limits lifted */
			ERR(P, P->lx.line, "blocks nested too deeply");
		P->labels = arena_grow(P->a, P->labels, P->nlabels, P->caplabels ? 2 * (size_t)P->caplabels : 64,
		                       sizeof *P->labels);
		P->caplabels = P->caplabels ? 2 * P->caplabels : 64;
	}
	P->labels[P->nlabels].id = id ? id->s : NULL;
	P->labels[P->nlabels].len = id ? (uint32_t)id->len : 0;
	P->labels[P->nlabels].shadowed = id ? names_set(&P->labelids, id->s, id->len, P->nlabels) : -1;
	P->nlabels++;
	/* the function's own block, labels[0], is no nesting */
	tr_within(P, P->lx.line, LIM_NESTING, P->nlabels - 1, "depth of nested blocks");
}

/* Closes the innermost block: its id names the one it shadowed again. */
void
tr_pop_label(struct parser *P)
{
	const struct label *l = &P->labels[--P->nlabels];

	if (l->id)
		names_set(&P->labelids, l->id, l->len,
		          l->shadowed < 0 ? LABEL_CLOSED : (uint32_t)l->shadowed);
}

static void
blocktype(struct parser *P, struct instr *in)
{
	struct functype ft = {0};
	struct token id = peek(P);

	if (is_id(&id))
		next(P);
	tr_push_label(P, is_id(&id) ? &id : NULL);
	if (peek_group(P, "type")) {
		in->valtype = BT_INDEX;
		in->idx = typeuse(P, in->pos, PR_PARAMS);
		return;
	}
	param_results(P, &ft, PR_PARAMS);
	if (ft.nparams == 0 && ft.nresults <= 1) {
		in->valtype = ft.nresults ? ft.results[0] : T_EMPTY;
		return;
	}
	in->valtype = BT_INDEX;
	in->idx = implicit_type(P, &ft);
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
	case IMM_LABEL: in->idx = index_ref(P, REF_LABEL); break;
	case IMM_LOCAL: in->idx = index_ref(P, REF_LOCAL); break;
	case IMM_GLOBAL: in->idx = index_ref(P, NS_GLOBAL); break;
	case IMM_DATA: case IMM_MEMINIT: in->idx = index_ref(P, NS_DATA); break;
	case IMM_ELEM: in->idx = index_ref(P, NS_ELEM); break;
	case IMM_FUNC: in->idx = index_ref(P, NS_FUNC); break;
	case IMM_TABLE: in->idx = peek_number(P) ? index_ref(P, NS_TABLE) : 0; break;
	case IMM_BRTABLE: {
		uint32_t *v = NULL, n = 0;
		while (peek_number(P)) {
			if ((n & (n - 1)) == 0)
				v = arena_grow(P->a, v, n, n ? 2 * (size_t)n : 4, sizeof *v);
			v[n++] = index_ref(P, REF_LABEL);
		}
		if (!n)
			ERR(P, in->pos, "br_table needs at least a default label");
		in->n = n - 1;
		in->targets = v;
		in->idx = v[n - 1];
		break;
	}
	case IMM_CALLIND:
		in->idx2 = peek_number(P) ? index_ref(P, NS_TABLE) : 0;
		in->idx = typeuse(P, in->pos, PR_PARAMS);
		break;
	case IMM_MEM: memarg(P, in); break;
	case IMM_MEMLANE: memarg(P, in); in->idx = lane(P); break;
	case IMM_TABLEINIT: {
		/* table.init ELEM, or table.init TABLE ELEM: an id is looked
		 * up once we know which of the two it is */
		struct token first = next(P);
		if (peek_number(P)) {
			in->idx2 = is_id(&first) ? lookup(P, NS_TABLE, &first) : u32_atom(P, &first);
			in->idx = index_ref(P, NS_ELEM);
		} else {
			in->idx = is_id(&first) ? lookup(P, NS_ELEM, &first) : u32_atom(P, &first);
		}
		break;
	}
	case IMM_TABLECOPY:
		if (peek_number(P)) {
			in->idx = index_ref(P, NS_TABLE);
			in->idx2 = index_ref(P, NS_TABLE);
		}
		break;
	case IMM_I32: int_const(P, in, 32); break;
	case IMM_I64: int_const(P, in, 64); break;
	case IMM_F32:
		t = next(P);
		if (t.kind != T_ATOM || !num_f32(t.s, t.len, &in->u.f32))
			bad_literal(P, &t, "an f32");
		break;
	case IMM_F64:
		t = next(P);
		if (t.kind != T_ATOM || !num_f64(t.s, t.len, &in->u.f64))
			bad_literal(P, &t, "an f64");
		break;
	case IMM_V128: v128_const(P, in); break;
	case IMM_LANE: in->idx = lane(P); break;
	case IMM_SHUFFLE:
		instr_v128(P->a, in);
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
		if (tok_is(&t, "func"))
			in->valtype = T_FUNCREF;
		else if (tok_is(&t, "extern"))
			in->valtype = T_EXTERNREF;
		else
			ERR(P, t.line, "expected func or extern");
		break;
	}
}

/* One plain instruction whose name is the token t. */
void
tr_instr(struct parser *P, const struct token *t, struct instr *in)
{
	int op;

	build_optable();
	memset(in, 0, sizeof *in);
	in->pos = t->line;
	if (t->kind != T_ATOM || (op = find_op(t)) < 0)
		ERR(P, t->line, "unknown instruction '%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s ? t->s : "");
	if (op == OP_SELECT && peek_group(P, "result"))
		op = OP_SELECT_T;
	in->op = (uint16_t)op;
	immediates(P, in);
	if (op == OP_END || op == OP_ELSE) {
		/* end $label, else $label: the label of the block they close */
		struct token id = peek(P);
		if (is_id(&id)) {
			const struct label *l = P->nlabels > 1 ? &P->labels[P->nlabels - 1] : NULL;
			next(P);
			if (!l || !l->id || l->len != id.len || memcmp(l->id, id.s, id.len))
				ERR(P, id.line, "mismatching label %.*s", (int)(id.len > 60 ? 60 : id.len), id.s);
		}
		if (op == OP_END && P->nlabels > 1)
			tr_pop_label(P);
	}
}

/* A new instruction at the end of the body being read.  The pointer
 * stays good until the next tr_slot. */
struct instr *
tr_slot(struct parser *P)
{
	tr_within(P, P->lx.line, LIM_BODY_SIZE, (uint64_t)P->body->n + 1, "instructions in a body");
	return vec_push(P->body);
}

static void
body_start(struct parser *P)
{
	vec_reset(P->body, sizeof(struct instr));
	P->nlabels = 0;
	names_clear(&P->labelids);
}

static struct instr *
body_take(struct parser *P, uint32_t *n)
{
	size_t len;
	struct instr *v = vec_take(P->body, P->a, &len);

	*n = (uint32_t)len;
	return v;
}

/* A function body: instructions, flat or folded, up to the func's
 * ')', then the implicit END. */
static void
body(struct parser *P, struct func *f)
{
	struct token t;

	body_start(P);
	tr_push_label(P, NULL); /* the function's own block */
	while ((t = next(P)).kind != T_RP) {
		if (t.kind == T_LP)
			tr_folded(P);
		else if (t.kind == T_EOF)
			ERR(P, t.line, "unexpected end of file in function");
		else
			tr_instr(P, &t, tr_slot(P));
	}
	tr_emit_end(P, t.line);
	f->code = body_take(P, &f->ncode);
}

/* Instructions, flat or folded, up to ')'. */
static void
expr_until_rp(struct parser *P, struct expr *e)
{
	struct token t;

	body_start(P);
	while ((t = next(P)).kind != T_RP) {
		if (t.kind == T_LP)
			tr_folded(P);
		else if (t.kind == T_ATOM)
			tr_instr(P, &t, tr_slot(P));
		else
			ERR(P, t.line, "expected an instruction");
	}
	tr_emit_end(P, t.line);
	e->code = body_take(P, &e->n);
}

/* One folded instruction (its '(' not yet read) as an expression. */
static void
folded_expr(struct parser *P, struct expr *e)
{
	uint32_t line = peek(P).line;

	expect_lp(P);
	body_start(P);
	tr_folded(P);
	tr_emit_end(P, line);
	e->code = body_take(P, &e->n);
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
	(void)line;
	if (peek_group(P, "offset")) {
		group(P, "offset");
		expr_until_rp(P, e);
		return;
	}
	folded_expr(P, e);
}

/* Function indices up to ')'. */
static void
func_list(struct parser *P, struct elem *e)
{
	uint32_t n = 0;

	while (peek(P).kind == T_ATOM) {
		tr_within(P, peek(P).line, LIM_ELEM_ITEMS, (uint64_t)n + 1, "elements of a segment");
		GROW(P, e->funcs, n);
		e->funcs[n++] = index_ref(P, NS_FUNC);
	}
	e->n = n;
	expect_rp(P);
}

static void elem_items_after_type(struct parser *, struct elem *);

/* func idx* | reftype item*, then ')'. */
static void
elem_items(struct parser *P, struct elem *e)
{
	struct token t = next(P);

	if (tok_is(&t, "func")) {
		func_list(P, e);
		return;
	}
	e->type = valtype_atom(P, &t);
	if (e->type != T_FUNCREF && e->type != T_EXTERNREF)
		ERR(P, t.line, "expected a reference type (funcref or externref)");
	elem_items_after_type(P, e);
}

/* Element expressions, (item instr*) or one folded instruction each, up to ')'. */
static void
elem_items_after_type(struct parser *P, struct elem *e)
{
	struct token t;

	e->use_exprs = 1;
	while (peek(P).kind == T_LP) {
		struct expr x;
		if (peek_group(P, "item")) {
			group(P, "item");
			expr_until_rp(P, &x);
		} else {
			folded_expr(P, &x);
		}
		tr_within(P, P->lx.line, LIM_ELEM_ITEMS, (uint64_t)e->n + 1, "elements of a segment");
		GROW(P, e->exprs, e->n);
		e->exprs[e->n++] = x;
	}
	t = next(P);
	if (t.kind != T_RP)
		ERR(P, t.line, "expected an element expression or ')'");
}

/* ---- module fields ---- */

static void
field_type(struct parser *P)
{
	struct functype ft = {0};

	opt_id(P, NS_TYPE, P->m->ntypes);
	group(P, "func");
	param_results(P, &ft, PR_PARAMS | PR_IDS);
	expect_rp(P);
	expect_rp(P);
	add_type(P, &ft);
}


/* The limits a table or memory definition must keep. */
static void
table_within(struct parser *P, const struct tabletype *t, uint32_t line)
{
	struct module *m = P->m;

	tr_within(P, line, LIM_TABLES, (uint64_t)m->ntables_imported + m->ntables, "tables");
	tr_within(P, line, LIM_TABLE_SIZE, t->lim.min, "table size");
}

/* Past 65536 pages a memory is invalid, which the validator reports. */
static void
memory_within(struct parser *P, const struct limits *l, uint32_t line)
{
	if (l->min <= 65536)
		tr_within(P, line, LIM_MEMORY_PAGES, l->min, "memory size in pages");
}

/* (export "name") abbreviations inside a definition of index in kind. */
static void
inline_exports(struct parser *P, uint8_t kind, uint32_t index)
{
	struct module *m = P->m;

	while (peek_group(P, "export")) {
		struct token t;
		struct export *e;
		group(P, "export");
		t = next(P);
		if (t.kind != T_STRING)
			ERR(P, t.line, "expected the export name");
		tr_within(P, t.line, LIM_EXPORTS, (uint64_t)m->nexports + 1, "exports");
		GROW(P, m->exports, m->nexports);
		e = &m->exports[m->nexports++];
		e->line = t.line;
		e->name = name_string(P, &t, &e->namelen);
		e->kind = kind;
		e->index = index;
		expect_rp(P);
	}
}

static const char *const kinds[] = {"func", "table", "memory", "global"};

/* The description after an import's kind keyword; with_id: it may
 * carry a $id (not in the inline form, whose field already took it). */
static void
import_desc(struct parser *P, struct import *im, uint8_t k, uint32_t line, int with_id)
{
	struct module *m = P->m;
	uint32_t ndefined[4] = {m->nfuncs, m->ntables, m->nmems, m->nglobals}, d;

	/* indices count imports first: imports come before every
	 * function, table, memory and global definition */
	for (d = 0; d < 4; d++)
		if (ndefined[d])
			ERR(P, line, "%s import after a %s definition", kinds[k], kinds[d]);
	im->kind = k;
	switch (k) {
	case EXT_FUNC:
		opt_id(P, with_id ? NS_FUNC : -1, m->nfuncs_imported++);
		im->type = typeuse(P, line, PR_PARAMS | PR_IDS);
		break;
	case EXT_TABLE:
		opt_id(P, with_id ? NS_TABLE : -1, m->ntables_imported++);
		limitpair(P, &im->table.lim);
		im->table.elemtype = reftype(P);
		table_within(P, &im->table, line);
		break;
	case EXT_MEMORY:
		opt_id(P, with_id ? NS_MEM : -1, m->nmems_imported++);
		limitpair(P, &im->mem);
		memory_within(P, &im->mem, line);
		break;
	case EXT_GLOBAL:
		opt_id(P, with_id ? NS_GLOBAL : -1, m->nglobals_imported++);
		globaltype(P, &im->global);
		break;
	}
	expect_rp(P);
}

/* "module" "field", then a new import. */
static struct import *
import_names(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct token t = next(P);
	struct import *im;

	if (t.kind != T_STRING)
		ERR(P, t.line, "expected the module name");
	tr_within(P, line, LIM_IMPORTS, (uint64_t)m->nimports + 1, "imports");
	GROW(P, m->imports, m->nimports);
	im = &m->imports[m->nimports++];
	im->line = line;
	im->module = name_string(P, &t, &im->modlen);
	t = next(P);
	if (t.kind != T_STRING)
		ERR(P, t.line, "expected the field name");
	im->field = name_string(P, &t, &im->fieldlen);
	return im;
}

static void
field_import(struct parser *P, uint32_t line)
{
	struct import *im = import_names(P, line);
	struct token kw;
	uint8_t k;

	expect_lp(P);
	kw = next(P);
	for (k = 0; k < 4 && !tok_is(&kw, kinds[k]); k++)
		;
	if (k == 4)
		ERR(P, kw.line, "unknown import kind");
	import_desc(P, im, k, kw.line, 1);
	expect_rp(P);
}

/* (func|table|memory|global $id? (export ..)* (import "m" "f") desc):
 * the field is an import; 0 if it is a definition. */
static int
inline_import(struct parser *P, uint8_t k, uint32_t line)
{
	struct import *im;

	if (!peek_group(P, "import"))
		return 0;
	group(P, "import");
	im = import_names(P, line);
	expect_rp(P);
	import_desc(P, im, k, line, 0);
	return 1;
}

/* An active segment's offset (i32.const 0), for the inline forms. */
static void
zero_offset(struct parser *P, struct expr *e)
{
	e->code = arena_array(P->a, 2, sizeof *e->code);
	e->code[0].op = OP_I32_CONST;
	e->code[1].op = OP_END;
	e->n = 2;
}

/* (table $id? (export ..)* reftype (elem ...)): a table just large
 * enough and an active segment filling it from 0. */
static void
inline_elem(struct parser *P, struct tabletype *t, uint32_t index, uint32_t line)
{
	struct module *m = P->m;
	struct elem *e;

	t->elemtype = reftype(P);
	tr_within(P, line, LIM_ELEM_SEGMENTS, (uint64_t)m->nelems + 1, "element segments");
	GROW(P, m->elems, m->nelems);
	e = &m->elems[m->nelems++];
	memset(e, 0, sizeof *e);
	e->line = line;
	e->mode = SEG_ACTIVE;
	e->type = t->elemtype;
	e->table = index;
	zero_offset(P, &e->offset);
	group(P, "elem");
	if (peek(P).kind == T_LP) {
		elem_items_after_type(P, e);
	} else {
		func_list(P, e);
	}
	t->lim.min = t->lim.max = e->n;
	t->lim.has_max = 1;
	t->lim.line = line;
}

/* (memory $id? (export ..)* (data "..."*)): a memory just large enough
 * and an active segment at 0. */
static void
inline_data(struct parser *P, struct limits *l, uint32_t index, uint32_t line)
{
	struct module *m = P->m;
	struct data *d;
	struct token t;

	tr_within(P, line, LIM_DATA_SEGMENTS, (uint64_t)m->ndatas + 1, "data segments");
	GROW(P, m->datas, m->ndatas);
	d = &m->datas[m->ndatas++];
	memset(d, 0, sizeof *d);
	d->line = line;
	d->mode = SEG_ACTIVE;
	d->memory = index;
	zero_offset(P, &d->offset);
	group(P, "data");
	while ((t = next(P)).kind == T_STRING) {
		uint32_t n, k;
		uint8_t *s = lex_string(&P->lx, &t, &n);
		for (k = 0; k < n; k++)
			push_byte(P, &d->bytes, &d->len, s[k]);
	}
	if (t.kind != T_RP)
		ERR(P, t.line, "expected a string or ')' in data");
	l->min = l->max = ((uint64_t)d->len + 65535) / 65536;
	l->has_max = 1;
	l->line = line;
}

/* (local t*) and (local $x t) after the type use; nparams numbers them. */
static void
locals(struct parser *P, struct func *f, uint32_t nparams)
{
	uint32_t nlocals = 0;

	while (peek_group(P, "local")) {
		struct token id;
		group(P, "local");
		id = peek(P);
		if (is_id(&id)) {
			next(P);
			if (nparams == UINT32_MAX)
				ERR(P, id.line, "named locals need the function's type defined before it");
			define_id(P, &P->locals, nparams + nlocals, &id);
			push_byte(P, &f->locals, &nlocals, valtype(P));
		} else {
			while (peek(P).kind == T_ATOM)
				push_byte(P, &f->locals, &nlocals, valtype(P));
		}
		/* the parameters count too, when the type is known yet */
		tr_within(P, id.line, LIM_LOCALS, (uint64_t)(nparams == UINT32_MAX ? 0 : nparams) + nlocals,
		          "locals of a function (parameters included)");
		tr_within(P, id.line, LIM_MODULE_LOCALS, P->nlocals + nlocals, "locals declared in the module");
		expect_rp(P);
	}
	P->nlocals += nlocals;
	f->nlocals = nlocals;
}

static void
field_func(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	const struct functype *ft;
	struct func *f;
	uint32_t index = m->nfuncs_imported + m->nfuncs;

	opt_id(P, NS_FUNC, index);
	inline_exports(P, EXT_FUNC, index);
	if (inline_import(P, EXT_FUNC, line))
		return;
	tr_within(P, line, LIM_FUNCTIONS, (uint64_t)m->nfuncs + 1, "functions");
	GROW(P, m->funcs, m->nfuncs);
	f = &m->funcs[m->nfuncs++];
	f->line = line;
	names_clear(&P->locals);
	P->paramnames = &P->locals;
	f->type = typeuse(P, line, PR_PARAMS | PR_IDS);
	P->paramnames = NULL;
	ft = use_type(P, f->type);
	locals(P, f, ft ? ft->nparams : UINT32_MAX);
	body(P, f);
}

static void
field_table(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	uint32_t index = m->ntables_imported + m->ntables;
	struct tabletype *t;

	opt_id(P, NS_TABLE, index);
	inline_exports(P, EXT_TABLE, index);
	if (inline_import(P, EXT_TABLE, line))
		return;
	GROW(P, m->tables, m->ntables);
	t = &m->tables[m->ntables++];
	memset(t, 0, sizeof *t);
	if (peek_number(P)) {
		limitpair(P, &t->lim);
		t->elemtype = reftype(P);
	} else {
		inline_elem(P, t, index, line);
	}
	table_within(P, t, line);
	expect_rp(P);
}

static void
field_memory(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	uint32_t index = m->nmems_imported + m->nmems;
	struct limits *l;

	opt_id(P, NS_MEM, index);
	inline_exports(P, EXT_MEMORY, index);
	if (inline_import(P, EXT_MEMORY, line))
		return;
	GROW(P, m->mems, m->nmems);
	l = &m->mems[m->nmems++];
	memset(l, 0, sizeof *l);
	if (peek_group(P, "data"))
		inline_data(P, l, index, line);
	else
		limitpair(P, l);
	memory_within(P, l, line);
	expect_rp(P);
}

static void
field_global(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct global *g;
	uint32_t index = m->nglobals_imported + m->nglobals;

	opt_id(P, NS_GLOBAL, index);
	inline_exports(P, EXT_GLOBAL, index);
	if (inline_import(P, EXT_GLOBAL, line))
		return;
	tr_within(P, line, LIM_GLOBALS, (uint64_t)m->nglobals + 1, "globals");
	GROW(P, m->globals, m->nglobals);
	g = &m->globals[m->nglobals++];
	memset(g, 0, sizeof *g);
	g->line = line;
	globaltype(P, &g->type);
	const_expr_rest(P, &g->init, line);
}

static void
field_export(struct parser *P, uint32_t line)
{
	static const char *const kinds[] = {"func", "table", "memory", "global"};
	static const int spaces[] = {NS_FUNC, NS_TABLE, NS_MEM, NS_GLOBAL};
	struct module *m = P->m;
	struct token t = next(P), kw;
	struct export *e;
	int k;

	if (t.kind != T_STRING)
		ERR(P, t.line, "expected the export name");
	tr_within(P, line, LIM_EXPORTS, (uint64_t)m->nexports + 1, "exports");
	GROW(P, m->exports, m->nexports);
	e = &m->exports[m->nexports++];
	e->line = line;
	e->name = name_string(P, &t, &e->namelen);
	expect_lp(P);
	kw = next(P);
	for (k = 0; k < 4 && !tok_is(&kw, kinds[k]); k++)
		;
	if (k == 4)
		ERR(P, kw.line, "unknown export kind");
	e->kind = (uint8_t)k;
	e->index = index_ref(P, spaces[k]);
	expect_rp(P);
	expect_rp(P);
}

static void
field_elem(struct parser *P, uint32_t line)
{
	struct module *m = P->m;
	struct elem *e;
	struct token t;

	tr_within(P, line, LIM_ELEM_SEGMENTS, (uint64_t)m->nelems + 1, "element segments");
	GROW(P, m->elems, m->nelems);
	e = &m->elems[m->nelems++];
	memset(e, 0, sizeof *e);
	e->line = line;
	e->type = T_FUNCREF;
	opt_id(P, NS_ELEM, m->nelems - 1);
	t = peek(P);
	if (tok_is(&t, "declare")) {
		next(P);
		e->mode = SEG_DECLARATIVE;
	} else if (t.kind == T_LP) {
		e->mode = SEG_ACTIVE;
		if (peek_group(P, "table")) {
			group(P, "table");
			e->table = index_ref(P, NS_TABLE);
			expect_rp(P);
		}
		offset_expr(P, &e->offset, line);
		if (peek_number(P) || peek(P).kind == T_RP) {
			func_list(P, e); /* (elem (i32.const 0) 1 2): table 0, functions */
			return;
		}
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

	tr_within(P, line, LIM_DATA_SEGMENTS, (uint64_t)m->ndatas + 1, "data segments");
	GROW(P, m->datas, m->ndatas);
	d = &m->datas[m->ndatas++];
	memset(d, 0, sizeof *d);
	d->line = line;
	opt_id(P, NS_DATA, m->ndatas - 1);
	d->mode = SEG_PASSIVE;
	if (peek(P).kind == T_LP) {
		d->mode = SEG_ACTIVE;
		if (peek_group(P, "memory")) {
			group(P, "memory");
			d->memory = index_ref(P, NS_MEM);
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
	if (tok_is(&t, "after")) {
		t = lex_next(&sub);
		for (i = 1; i < 13 && !tok_is(&t, section_names[i]); i++)
			;
		if (i == 13)
			lex_error(&sub, c->line, "custom section: unknown section name");
		cs->after = i;
	} else if (!tok_is(&t, "before")) {
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

	if (tok_is(kw, "type"))
		field_type(P);
	else if (tok_is(kw, "import"))
		field_import(P, line);
	else if (tok_is(kw, "func"))
		field_func(P, line);
	else if (tok_is(kw, "table"))
		field_table(P, line);
	else if (tok_is(kw, "memory"))
		field_memory(P, line);
	else if (tok_is(kw, "global"))
		field_global(P, line);
	else if (tok_is(kw, "export"))
		field_export(P, line);
	else if (tok_is(kw, "start")) {
		if (P->m->has_start)
			ERR(P, line, "multiple start sections");
		P->m->has_start = 1;
		P->m->start_line = line;
		P->m->start = index_ref(P, NS_FUNC);
		expect_rp(P);
	} else if (tok_is(kw, "elem"))
		field_elem(P, line);
	else if (tok_is(kw, "data"))
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
	const struct names *fn = &P->ns[NS_FUNC];
	uint32_t i;

	m->funcnames = arena_array(P->a, fn->n + 1, sizeof *m->funcnames);
	for (i = 0; i < fn->n; i++) {
		const struct name *src = &fn->v[i];
		struct name *dst = &m->funcnames[i];
		dst->index = src->index;
		dst->name = arena_alloc(P->a, src->len + 1);
		dst->len = unescape_id(src->name, src->len, dst->name);
	}
	m->nfuncnames = fn->n;
	qsort(m->funcnames, m->nfuncnames, sizeof *m->funcnames, by_index);
}

static void
patch_code(struct instr *code, uint32_t n, const uint32_t *map, uint32_t nmap)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct instr *in = &code[i];
		if (opinfo[in->op].imm == IMM_BLOCK && in->valtype == BT_INDEX &&
		    in->idx >= IMPLICIT_TYPE && in->idx - IMPLICIT_TYPE < nmap)
			in->idx = map[in->idx - IMPLICIT_TYPE];
		if (in->op == OP_CALL_INDIRECT && in->idx >= IMPLICIT_TYPE && in->idx - IMPLICIT_TYPE < nmap)
			in->idx = map[in->idx - IMPLICIT_TYPE];
	}
}

/* Inline types: the first equal explicit type, or a new one appended
 * after all of them; then every provisional index is replaced. */
static void
resolve_implicit(struct parser *P)
{
	struct module *m = P->m;
	uint32_t *map, i, k, nexplicit = m->ntypes;

	for (i = 0; i < P->nchecks; i++) {
		const struct typecheck *c = &P->checks[i];
		if (c->index < m->ntypes && !same_type(&c->ft, &m->types[c->index]))
			ERR(P, c->line, "inline function type does not match type %u", c->index);
	}
	if (!P->nimplicit)
		return;
	map = arena_array(P->a, P->nimplicit, sizeof *map);
	for (k = 0; k < P->nimplicit; k++) {
		for (i = 0; i < nexplicit && !same_type(&P->implicit[k], &m->types[i]); i++)
			;
		map[k] = i < nexplicit ? i : add_type(P, &P->implicit[k]);
	}
	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == EXT_FUNC && m->imports[i].type >= IMPLICIT_TYPE)
			m->imports[i].type = map[m->imports[i].type - IMPLICIT_TYPE];
	for (i = 0; i < m->nfuncs; i++) {
		if (m->funcs[i].type >= IMPLICIT_TYPE)
			m->funcs[i].type = map[m->funcs[i].type - IMPLICIT_TYPE];
		patch_code(m->funcs[i].code, m->funcs[i].ncode, map, P->nimplicit);
	}
	for (i = 0; i < m->nglobals; i++)
		patch_code(m->globals[i].init.code, m->globals[i].init.n, map, P->nimplicit);
	for (i = 0; i < m->nelems; i++) {
		patch_code(m->elems[i].offset.code, m->elems[i].offset.n, map, P->nimplicit);
		for (k = 0; m->elems[i].use_exprs && k < m->elems[i].n; k++)
			patch_code(m->elems[i].exprs[k].code, m->elems[i].exprs[k].n, map, P->nimplicit);
	}
	for (i = 0; i < m->ndatas; i++)
		patch_code(m->datas[i].offset.code, m->datas[i].offset.n, map, P->nimplicit);
}

/* "(module $id?" */
static void
module_head(struct parser *P)
{
	struct module *m = P->m;
	struct token t;

	group(P, "module");
	t = peek(P);
	if (is_id(&t)) {
		next(P);
		m->modname = arena_alloc(P->a, t.len);
		m->modnamelen = unescape_id(t.s + 1, (uint32_t)t.len - 1, m->modname);
		m->has_modname = 1;
	}
}

/* Module fields and custom sections up to the token end (')' or the
 * end of the text). */
static void
fields(struct parser *P, enum tok end)
{
	struct token t;

	for (;;) {
		t = next(P);
		if (t.kind == end)
			return;
		if (t.kind == T_CUSTOM) {
			custom(P, &t);
			continue;
		}
		if (t.kind != T_LP)
			ERR(P, t.line, end == T_RP ? "expected a module field or ')'" : "expected a module field");
		t = next(P);
		module_field(P, &t);
	}
}

struct module *
read_text(struct arena *a, const char *filename, const char *buf, size_t len)
{
	/* static: an input error's longjmp must not lose it (see vec) */
	static _Thread_local struct vec body;
	struct parser P = {0};
	struct module *m = arena_alloc(a, sizeof *m);
	struct token t;
	int k;

	m->arena = a;
	m->filename = filename;
	m->text = 1;
	P.m = m;
	P.a = a;
	P.buf = buf;
	P.len = len;
	P.body = &body;
	/* all temporaries in the arena: an input error may longjmp out
	 * (diag_catch), and freeing the arena then frees everything */
	for (k = 0; k < NNS; k++)
		P.ns[k].a = a;
	P.locals.a = P.labelids.a = a;
	lex_init(&P.lx, a, filename, buf, len);
	if (peek(&P).kind == T_LP && peek_group(&P, "module")) {
		module_head(&P);
		fields(&P, T_RP);
		while ((t = next(&P)).kind == T_CUSTOM)
			custom(&P, &t);
		if (t.kind != T_EOF)
			ERR(&P, t.line, "text after the module");
	} else {
		/* the text format's abbreviation: the fields alone */
		fields(&P, T_EOF);
	}
	resolve_implicit(&P);
	set_funcnames(&P);
	mod_index(m);
	return m;
}
