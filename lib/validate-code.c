/*
 * Function bodies: the operand-stack algorithm of the spec's appendix.
 * A value stack of types (T_UNKNOWN for what an unreachable stack
 * polymorphically supplies) and a stack of control frames; explicit
 * arrays, no recursion, so nesting depth cannot exhaust the C stack.
 */
#include <string.h>

#include "arena.h"
#include "validate.h"

enum { T_UNKNOWN = 0 };

struct ctrl {
	uint16_t op;
	const uint8_t *params, *results;
	uint32_t nparams, nresults;
	uint32_t height;
	int unreachable;
};

/* The stacks' storage, reused by every function of the module. */
struct stacks {
	uint8_t *vals;
	uint32_t capvals;
	struct ctrl *ctrls;
	uint32_t capctrls;
	uint8_t *ltypes;
	size_t capltypes;
};

struct checker {
	const struct vctx *v;
	struct arena *a;
	const struct func *fn;
	const struct instr *in;
	uint8_t *vals;
	uint32_t nvals, capvals;
	struct ctrl *ctrls;
	uint32_t nctrls, capctrls;
	const uint8_t *ltypes;
	uint32_t nlocals;
};

static const char *
tname(uint8_t t)
{
	return t == T_UNKNOWN ? "nothing" : valtype_name(t);
}

#define FAIL(K, ...) verr((K)->v, (K)->in, __VA_ARGS__)

static void
push_val(struct checker *K, uint8_t t)
{
	if (K->nvals == K->capvals) {
		if (K->capvals >= UINT32_MAX / 2) /* with the limits lifted */
			FAIL(K, "operand stack deeper than 2^31");
		K->vals = arena_grow(K->a, K->vals, K->nvals, K->capvals ? 2 * (size_t)K->capvals : 256, 1);
		K->capvals = K->capvals ? 2 * K->capvals : 256;
	}
	K->vals[K->nvals++] = t;
}

static uint8_t
pop_any(struct checker *K, uint8_t want)
{
	struct ctrl *c = &K->ctrls[K->nctrls - 1];

	if (K->nvals == c->height) {
		if (c->unreachable)
			return T_UNKNOWN;
		if (want == T_UNKNOWN)
			FAIL(K, "expected a value but the stack is empty");
		FAIL(K, "expected %s but the stack is empty", tname(want));
	}
	return K->vals[--K->nvals];
}

static uint8_t
pop_val(struct checker *K, uint8_t want)
{
	uint8_t got = pop_any(K, want);

	if (got != want && got != T_UNKNOWN && want != T_UNKNOWN)
		FAIL(K, "expected %s but found %s", tname(want), tname(got));
	return got == T_UNKNOWN ? want : got;
}

static void
pop_vals(struct checker *K, const uint8_t *t, uint32_t n)
{
	while (n > 0)
		pop_val(K, t[--n]);
}

static void
push_vals(struct checker *K, const uint8_t *t, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		push_val(K, t[i]);
}

static void
push_ctrl(struct checker *K, uint16_t op, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr)
{
	struct ctrl *c;

	if (K->nctrls == K->capctrls) {
		if (K->capctrls >= UINT32_MAX / 2)
			FAIL(K, "blocks nested deeper than 2^31");
		K->ctrls = arena_grow(K->a, K->ctrls, K->nctrls, K->capctrls ? 2 * (size_t)K->capctrls : 64,
		                      sizeof *K->ctrls);
		K->capctrls = K->capctrls ? 2 * K->capctrls : 64;
	}
	c = &K->ctrls[K->nctrls++];
	c->op = op;
	c->params = p, c->nparams = np;
	c->results = r, c->nresults = nr;
	c->height = K->nvals;
	c->unreachable = 0;
	push_vals(K, p, np);
}

static struct ctrl
pop_ctrl(struct checker *K)
{
	struct ctrl c = K->ctrls[K->nctrls - 1];

	pop_vals(K, c.results, c.nresults);
	if (K->nvals != c.height)
		FAIL(K, "%u extra value(s) left on the stack at the end of the block",
		     K->nvals - c.height);
	K->nctrls--;
	return c;
}

static void
unreachable(struct checker *K)
{
	struct ctrl *c = &K->ctrls[K->nctrls - 1];

	K->nvals = c->height;
	c->unreachable = 1;
}

/* The types a branch to label depth carries. */
static void
label_types(struct checker *K, uint32_t depth, const uint8_t **t, uint32_t *n)
{
	struct ctrl *c;

	if (depth >= K->nctrls)
		FAIL(K, "unknown label %u", depth);
	c = &K->ctrls[K->nctrls - 1 - depth];
	if (c->op == OP_LOOP)
		*t = c->params, *n = c->nparams;
	else
		*t = c->results, *n = c->nresults;
}

static uint8_t one_type[256];

static void
block_types(struct checker *K, const struct blocktype *bt, const uint8_t **p, uint32_t *np,
            const uint8_t **r, uint32_t *nr)
{
	const struct module *m = K->v->m;

	*np = *nr = 0;
	*p = *r = NULL;
	if (bt->is_index) {
		if (bt->index >= m->ntypes)
			FAIL(K, "unknown type %u", bt->index);
		*p = m->types[bt->index].params, *np = m->types[bt->index].nparams;
		*r = m->types[bt->index].results, *nr = m->types[bt->index].nresults;
	} else if (bt->valtype != T_EMPTY) {
		one_type[bt->valtype] = bt->valtype;
		*r = &one_type[bt->valtype];
		*nr = 1;
	}
}

static uint8_t
sigtype(char c)
{
	switch (c) {
	case 'i': return T_I32;
	case 'I': return T_I64;
	case 'f': return T_F32;
	case 'F': return T_F64;
	default: return T_V128;
	}
}

/* Instructions fully typed by their opcode-table signature. */
static void
simple(struct checker *K, const char *sig)
{
	const char *colon = strchr(sig, ':');
	size_t i, n = (size_t)(colon - sig);

	for (i = n; i > 0; i--)
		pop_val(K, sigtype(sig[i - 1]));
	for (i = 0; colon[1 + i]; i++)
		push_val(K, sigtype(colon[1 + i]));
}

static const struct tabletype *
table(struct checker *K, uint32_t x)
{
	const struct tabletype *t = v_table(K->v, x);

	if (!t)
		FAIL(K, "unknown table %u", x);
	return t;
}

static void
need_memory(struct checker *K)
{
	if (!mod_nmems(K->v->m))
		FAIL(K, "unknown memory 0");
}

static uint8_t
local(struct checker *K, uint32_t x)
{
	if (x >= K->nlocals)
		FAIL(K, "unknown local %u", x);
	return K->ltypes[x];
}

static void
memory_immediates(struct checker *K, const struct instr *in)
{
	const struct opinfo *o = &opinfo[in->op];

	need_memory(K);
	if (in->align > o->aux)
		FAIL(K, "alignment 2^%u larger than natural (2^%u)", in->align, o->aux);
	if (o->imm == IMM_MEMLANE && in->idx >= (16u >> o->aux))
		FAIL(K, "lane index %u out of range", in->idx);
}

/* The top n values match t (unknown matches anything), left in place. */
static void
peek_vals(struct checker *K, const uint8_t *t, uint32_t n)
{
	const struct ctrl *c = &K->ctrls[K->nctrls - 1];
	uint32_t k, avail = K->nvals - c->height;

	for (k = 0; k < n; k++) {
		uint8_t want = t[n - 1 - k], got;
		if (k >= avail) {
			if (c->unreachable)
				return; /* the polymorphic stack supplies the rest */
			FAIL(K, "expected %s but the stack is empty", tname(want));
		}
		got = K->vals[K->nvals - 1 - k];
		if (got != want && got != T_UNKNOWN)
			FAIL(K, "expected %s but found %s", tname(want), tname(got));
	}
}

static void
branch_table(struct checker *K, const struct instr *in)
{
	const uint8_t *dt, *t;
	uint32_t dn, n, i;

	pop_val(K, T_I32);
	label_types(K, in->idx, &dt, &dn);
	for (i = 0; i < in->n; i++) {
		label_types(K, in->targets[i], &t, &n);
		if (n != dn)
			FAIL(K, "label %u carries %u value(s), the default label %u carries %u", in->targets[i], n, in->idx, dn);
		peek_vals(K, t, n);
	}
	pop_vals(K, dt, dn);
	unreachable(K);
}

static void
call_type(struct checker *K, const struct functype *t)
{
	pop_vals(K, t->params, t->nparams);
	push_vals(K, t->results, t->nresults);
}

static int
is_num_or_vec(uint8_t t)
{
	return t == T_I32 || t == T_I64 || t == T_F32 || t == T_F64 || t == T_V128 || t == T_UNKNOWN;
}

static void control(struct checker *K, const struct instr *in);

static void
variable(struct checker *K, const struct instr *in)
{
	const struct globaltype *g;
	uint8_t t;

	switch (in->op) {
	case OP_LOCAL_GET: push_val(K, local(K, in->idx)); break;
	case OP_LOCAL_SET: pop_val(K, local(K, in->idx)); break;
	case OP_LOCAL_TEE: t = local(K, in->idx); pop_val(K, t); push_val(K, t); break;
	case OP_GLOBAL_GET:
		if (!(g = v_global(K->v, in->idx)))
			FAIL(K, "unknown global %u", in->idx);
		push_val(K, g->valtype);
		break;
	case OP_GLOBAL_SET:
		if (!(g = v_global(K->v, in->idx)))
			FAIL(K, "unknown global %u", in->idx);
		if (!g->mut)
			FAIL(K, "global %u is immutable", in->idx);
		pop_val(K, g->valtype);
		break;
	}
}

static void
reference(struct checker *K, const struct instr *in)
{
	const struct module *m = K->v->m;
	const struct tabletype *t, *t2;
	uint8_t got;

	switch (in->op) {
	case OP_TABLE_GET: t = table(K, in->idx); pop_val(K, T_I32); push_val(K, t->elemtype); break;
	case OP_TABLE_SET: t = table(K, in->idx); pop_val(K, t->elemtype); pop_val(K, T_I32); break;
	case OP_TABLE_SIZE: table(K, in->idx); push_val(K, T_I32); break;
	case OP_TABLE_GROW:
		t = table(K, in->idx);
		pop_val(K, T_I32);
		pop_val(K, t->elemtype);
		push_val(K, T_I32);
		break;
	case OP_TABLE_FILL:
		t = table(K, in->idx);
		pop_val(K, T_I32);
		pop_val(K, t->elemtype);
		pop_val(K, T_I32);
		break;
	case OP_TABLE_COPY:
		t = table(K, in->idx);
		t2 = table(K, in->idx2);
		if (t->elemtype != t2->elemtype)
			FAIL(K, "tables %u and %u hold different reference types", in->idx, in->idx2);
		pop_val(K, T_I32), pop_val(K, T_I32), pop_val(K, T_I32);
		break;
	case OP_TABLE_INIT:
		t = table(K, in->idx2);
		if (in->idx >= m->nelems)
			FAIL(K, "unknown element segment %u", in->idx);
		if (m->elems[in->idx].type != t->elemtype)
			FAIL(K, "element segment %u does not match table %u", in->idx, in->idx2);
		pop_val(K, T_I32), pop_val(K, T_I32), pop_val(K, T_I32);
		break;
	case OP_REF_NULL: push_val(K, in->valtype); break;
	case OP_REF_IS_NULL:
		got = pop_any(K, T_UNKNOWN);
		if (got != T_UNKNOWN && got != T_FUNCREF && got != T_EXTERNREF)
			FAIL(K, "expected a reference but found %s", tname(got));
		push_val(K, T_I32);
		break;
	case OP_REF_FUNC:
		if (in->idx >= mod_nfuncs(m))
			FAIL(K, "unknown function %u", in->idx);
		if (!K->v->refs[in->idx])
			FAIL(K, "undeclared function reference %u (declare it in an elem segment)", in->idx);
		push_val(K, T_FUNCREF);
		break;
	}
}

static void
one(struct checker *K, const struct instr *in)
{
	const struct opinfo *o = &opinfo[in->op];
	const struct module *m = K->v->m;

	K->in = in;
	switch (o->imm) {
	case IMM_MEM: case IMM_MEMLANE: memory_immediates(K, in); break;
	case IMM_MEMIDX: case IMM_MEMCOPY: need_memory(K); break;
	case IMM_MEMINIT:
		need_memory(K);
		if (in->idx >= m->ndatas)
			FAIL(K, "unknown data segment %u", in->idx);
		break;
	case IMM_DATA:
		if (in->idx >= m->ndatas)
			FAIL(K, "unknown data segment %u", in->idx);
		break;
	case IMM_ELEM:
		if (in->idx >= m->nelems)
			FAIL(K, "unknown element segment %u", in->idx);
		break;
	case IMM_LANE:
		if (in->idx >= o->aux)
			FAIL(K, "lane index %u out of range", in->idx);
		break;
	case IMM_SHUFFLE: {
		int i;
		for (i = 0; i < 16; i++)
			if (in->u.v128[i] >= 32)
				FAIL(K, "shuffle lane index %u out of range", in->u.v128[i]);
		break;
	}
	default: break;
	}
	if (o->sig[0] != '*') {
		simple(K, o->sig);
		return;
	}
	switch (in->op) {
	case OP_LOCAL_GET: case OP_LOCAL_SET: case OP_LOCAL_TEE: case OP_GLOBAL_GET: case OP_GLOBAL_SET:
		variable(K, in);
		return;
	case OP_TABLE_GET: case OP_TABLE_SET: case OP_TABLE_SIZE: case OP_TABLE_GROW: case OP_TABLE_FILL:
	case OP_TABLE_COPY: case OP_TABLE_INIT:
	case OP_REF_NULL: case OP_REF_IS_NULL: case OP_REF_FUNC:
		reference(K, in);
		return;
	}
	control(K, in);
}

static void
select_op(struct checker *K, const struct instr *in)
{
	uint8_t a, b;

	pop_val(K, T_I32);
	if (in->op == OP_SELECT_T) {
		if (in->n != 1)
			FAIL(K, "select takes exactly one result type");
		pop_val(K, in->types[0]);
		pop_val(K, in->types[0]);
		push_val(K, in->types[0]);
		return;
	}
	a = pop_any(K, T_UNKNOWN);
	b = pop_any(K, T_UNKNOWN);
	if (!is_num_or_vec(a) || !is_num_or_vec(b))
		FAIL(K, "untyped select needs numeric or vector operands; found %s", tname(a != T_UNKNOWN && !is_num_or_vec(a) ? a : b));
	if (a != b && a != T_UNKNOWN && b != T_UNKNOWN)
		FAIL(K, "select operands differ: %s and %s", tname(b), tname(a));
	push_val(K, a == T_UNKNOWN ? b : a);
}

static void
control(struct checker *K, const struct instr *in)
{
	const struct module *m = K->v->m;
	const uint8_t *p, *r, *t;
	uint32_t np, nr, n;
	struct ctrl c;
	struct blocktype bt;

	switch (in->op) {
	case OP_UNREACHABLE: unreachable(K); break;
	case OP_BLOCK: case OP_LOOP: case OP_IF:
		bt = instr_bt(in);
		block_types(K, &bt, &p, &np, &r, &nr);
		if (in->op == OP_IF)
			pop_val(K, T_I32);
		pop_vals(K, p, np);
		push_ctrl(K, in->op, p, np, r, nr);
		break;
	case OP_ELSE:
		if (K->nctrls < 2 || K->ctrls[K->nctrls - 1].op != OP_IF)
			FAIL(K, "else without a matching if");
		c = pop_ctrl(K);
		push_ctrl(K, OP_ELSE, c.params, c.nparams, c.results, c.nresults);
		break;
	case OP_END:
		c = pop_ctrl(K);
		if (c.op == OP_IF && (c.nparams != c.nresults || (c.nparams && memcmp(c.params, c.results, c.nparams))))
			FAIL(K, "if without else must leave its parameters as its results");
		push_vals(K, c.results, c.nresults);
		break;
	case OP_BR:
		label_types(K, in->idx, &t, &n);
		pop_vals(K, t, n);
		unreachable(K);
		break;
	case OP_BR_IF:
		pop_val(K, T_I32);
		label_types(K, in->idx, &t, &n);
		pop_vals(K, t, n);
		push_vals(K, t, n);
		break;
	case OP_BR_TABLE: branch_table(K, in); break;
	case OP_RETURN:
		pop_vals(K, K->ctrls[0].results, K->ctrls[0].nresults);
		unreachable(K);
		break;
	case OP_CALL: {
		const struct functype *ft = v_functype(K->v, in->idx);
		if (!ft)
			FAIL(K, "unknown function %u", in->idx);
		call_type(K, ft);
		break;
	}
	case OP_CALL_INDIRECT:
		if (table(K, in->idx2)->elemtype != T_FUNCREF)
			FAIL(K, "table %u holds %s, not funcref", in->idx2, valtype_name(table(K, in->idx2)->elemtype));
		if (in->idx >= m->ntypes)
			FAIL(K, "unknown type %u", in->idx);
		pop_val(K, T_I32);
		call_type(K, &m->types[in->idx]);
		break;
	case OP_DROP: pop_any(K, T_UNKNOWN); break;
	case OP_SELECT: case OP_SELECT_T: select_op(K, in); break;
	default:
		FAIL(K, "instruction not allowed here");
	}
}

void
validate_code(struct vctx *v, const struct func *fn)
{
	const struct module *m = v->m;
	const struct functype *t = &m->types[fn->type];
	struct checker K = {0};
	struct stacks *st;
	size_t nl = (size_t)t->nparams + fn->nlocals;
	uint32_t i;

	if (!v->st)
		v->st = arena_alloc(m->arena, sizeof *v->st);
	st = v->st;
	if (st->capltypes < nl + 1) {
		st->capltypes = 2 * nl + 16;
		st->ltypes = arena_alloc(m->arena, st->capltypes);
	}
	if (t->nparams)
		memcpy(st->ltypes, t->params, t->nparams);
	if (fn->nlocals)
		memcpy(st->ltypes + t->nparams, fn->locals, fn->nlocals);
	K.v = v;
	K.a = m->arena;
	K.fn = fn;
	K.ltypes = st->ltypes;
	K.nlocals = (uint32_t)nl;
	if (nl > UINT32_MAX)
		verr(v, NULL, "too many locals");
	K.vals = st->vals, K.capvals = st->capvals;
	K.ctrls = st->ctrls, K.capctrls = st->capctrls;
	push_ctrl(&K, OP_BLOCK, NULL, 0, t->results, t->nresults);
	for (i = 0; i < fn->ncode; i++) {
		if (K.nctrls == 0)
			verr(v, &fn->code[i], "instructions after the end of the function");
		one(&K, &fn->code[i]);
	}
	if (K.nctrls != 0)
		verr(v, fn->ncode ? &fn->code[fn->ncode - 1] : NULL, "function body does not end with end");
	st->vals = K.vals, st->capvals = K.capvals;
	st->ctrls = K.ctrls, st->capctrls = K.capctrls;
}

/* Constant expressions (2.0): t.const, ref.null, ref.func, and
 * global.get of an imported immutable global; exactly one value. */
void
validate_const(const struct vctx *v, const struct expr *e, uint8_t want, uint32_t line)
{
	const struct module *m = v->m;
	uint8_t got = T_UNKNOWN;
	uint32_t i, n = 0;

	for (i = 0; i < e->n; i++) {
		const struct instr *in = &e->code[i];
		const struct globaltype *g;
		switch (in->op) {
		case OP_I32_CONST: got = T_I32; break;
		case OP_I64_CONST: got = T_I64; break;
		case OP_F32_CONST: got = T_F32; break;
		case OP_F64_CONST: got = T_F64; break;
		case OP_V128_CONST: got = T_V128; break;
		case OP_REF_NULL: got = in->valtype; break;
		case OP_REF_FUNC:
			if (in->idx >= mod_nfuncs(m))
				verr(v, in, "unknown function %u", in->idx);
			got = T_FUNCREF;
			break;
		case OP_GLOBAL_GET:
			if (in->idx >= m->nglobals_imported || !(g = v_global(v, in->idx)))
				verr(v, in, "unknown global %u (constant expressions may read imported globals only)", in->idx);
			if (g->mut)
				verr(v, in, "constant expression required: global %u is mutable", in->idx);
			got = g->valtype;
			break;
		case OP_END:
			if (i + 1 != e->n)
				verr(v, in, "constant expression required");
			continue;
		default:
			verr(v, in, "constant expression required, found %s", opinfo[in->op].name);
		}
		n++;
	}
	if (n != 1)
		verr(v, e->n ? &e->code[e->n - 1] : NULL, "type mismatch: constant expression must leave one %s, leaves %u values",
		     valtype_name(want), n);
	if (got != want)
		verr(v, e->code, "type mismatch: constant expression of type %s where %s is expected",
		     tname(got), valtype_name(want));
	(void)line;
}
