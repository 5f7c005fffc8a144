/*
 * Strip mining of counted loops, so that their interrupt check leaves
 * the loop and LLVM can vectorise it.
 *
 * Every wasm loop checks the interrupt word at its header: a runaway
 * loop must stop when the host says so.  But a check inside a loop is
 * a call on a side path, and LLVM's loop vectoriser gives up on any
 * loop with one.  Counted innermost loops, the ones worth vectorising,
 * are therefore split as HotSpot splits them: an outer "strip" loop
 * checks the interrupt word and works out how many iterations the next
 * strip runs (at most K, fewer if the loop ends sooner); the inner
 * loop runs exactly that many, counted by a fresh counter that LLVM's
 * trip-count analysis understands, with no check.  After a strip the
 * loop's own condition decides between the next strip and the exit,
 * so the strip count only has to be at most the number of iterations
 * left, never exact.  An infinite loop stays interruptible: each strip
 * is at most K iterations of a body without inner loops (calls check
 * at their callee's entry).
 *
 * Recognised (at the wasm level, before lowering the loop): an
 * innermost loop without parameters whose only branch back is a final
 * `br_if 0`, on a condition comparing an induction variable with a
 * bound.  The induction variable is a local written once per iteration,
 * at the loop's top level, as `local.get i; const C; add|sub;
 * local.set|tee i`; the bound is a constant or a local the loop never
 * writes.  Conditions (v is the new value of i, N the bound):
 *   v != N   with |C| a power of two (v may never reach N: then every
 *            strip is K iterations long and the loop goes on for ever,
 *            as it should, still checking between strips)
 *   v <u N, v <s N   with C = 1;   v >u N, v >s N   with C = -1
 * and `local.tee i; br_if 0`, which is v != 0.  The step can also be
 * a local s the loop never writes, `i + s` with < and `i - s` with >
 * (a sieve's `j += i`): the strip's length then takes a division
 * (strip_count_by).  Such loops, strided, seldom vectorise, but with
 * the check out of the loop LLVM unrolls them: the inner loop of the
 * sieve of bench/compute.py went from 1.2x native to 1.0x (user time,
 * medians of 7 runs).  A loop that runs at most K iterations, known
 * here from a constant start (single_strip), is its own one strip.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lower.h"

/* Iterations per strip: 2^16 for small bodies, fewer for big ones so
 * that a strip stays near 2^22 wasm instructions at most.  A power of
 * two, so that vectorised strips need no remainder loop when the
 * count is a multiple of the vector width. */
static uint32_t
strip_length(uint32_t ninstr)
{
	uint32_t k = 1u << 16;

	while (k > 64 && (uint64_t)k * ninstr > (1u << 22))
		k >>= 1;
	return k;
}

static int
is_const(const struct instr *in, int wide)
{
	return in->op == (wide ? OP_I64_CONST : OP_I32_CONST);
}

static int64_t
const_value(const struct instr *in, int wide)
{
	return wide ? (int64_t)in->u.i64 : (int64_t)(int32_t)in->u.i32;
}

/* The step of an update of i ending at index e. */
struct step {
	int64_t c;          /* per iteration; 0: not an update of i */
	int is_local;       /* by local `local` (c is then 1 for add, -1 for sub) */
	uint32_t local;
};

/* local.get i; const C; add (or const C; local.get i; add, or
 * local.get i; const C; sub), or the same with local.get s for the
 * constant, ending at index e. */
static struct step
increment(const struct instr *c, uint32_t e, uint32_t i, int wide)
{
	uint16_t add = wide ? OP_I64_ADD : OP_I32_ADD, sub = wide ? OP_I64_SUB : OP_I32_SUB;
	const struct instr *a, *b;
	struct step st = {0, 0, 0};
	int64_t v;

	if (e < 2)
		return st;
	a = &c[e - 2], b = &c[e - 1];
	if (c[e].op == add && b->op == OP_LOCAL_GET && b->idx == i && a->op == OP_LOCAL_GET)
		b = a, a = &c[e - 1]; /* s + i: as i + s */
	if (c[e].op != add && c[e].op != sub)
		return st;
	if (a->op == OP_LOCAL_GET && a->idx == i && b->op == OP_LOCAL_GET && b->idx != i) {
		st.c = c[e].op == add ? 1 : -1, st.is_local = 1, st.local = b->idx;
		return st;
	}
	if (c[e].op == add && a->op == OP_LOCAL_GET && a->idx == i && is_const(b, wide))
		st.c = const_value(b, wide);
	else if (c[e].op == add && b->op == OP_LOCAL_GET && b->idx == i && is_const(a, wide))
		st.c = const_value(a, wide);
	else if (c[e].op == sub && a->op == OP_LOCAL_GET && a->idx == i && is_const(b, wide)) {
		v = const_value(b, wide);
		st.c = v == INT64_MIN ? 0 : -v;
	}
	return st;
}

/* Operand forms of the loop condition, each ending at an index e. */
enum form { F_NONE, F_TEE, F_GET, F_CONST };

/* The form of the one-value expression ending at e, and where it
 * starts (*start).  F_TEE is `local.get i; const; add; local.tee i`. */
static enum form
operand(const struct instr *c, uint32_t e, int wide, uint32_t *start)
{
	*start = e;
	if (is_const(&c[e], wide))
		return F_CONST;
	if (c[e].op == OP_LOCAL_GET)
		return F_GET;
	if (c[e].op == OP_LOCAL_TEE && e >= 3 && increment(c, e - 1, c[e].idx, wide).c) {
		*start = e - 3;
		return F_TEE;
	}
	return F_NONE;
}

/* Comparison opcodes: width and predicate. */
static int
comparison(uint16_t op, int *wide, enum strip_pred *p)
{
	static const struct { uint16_t op; int wide; enum strip_pred p; } t[] = {
		{OP_I32_NE, 0, SP_NE}, {OP_I32_LT_U, 0, SP_LT_U}, {OP_I32_LT_S, 0, SP_LT_S},
		{OP_I32_GT_U, 0, SP_GT_U}, {OP_I32_GT_S, 0, SP_GT_S},
		{OP_I64_NE, 1, SP_NE}, {OP_I64_LT_U, 1, SP_LT_U}, {OP_I64_LT_S, 1, SP_LT_S},
		{OP_I64_GT_U, 1, SP_GT_U}, {OP_I64_GT_S, 1, SP_GT_S},
	};
	size_t k;

	for (k = 0; k < sizeof t / sizeof t[0]; k++)
		if (t[k].op == op) {
			*wide = t[k].wide, *p = t[k].p;
			return 1;
		}
	return 0;
}

static enum strip_pred
swapped(enum strip_pred p)
{
	switch (p) {
	case SP_LT_U: return SP_GT_U;
	case SP_LT_S: return SP_GT_S;
	case SP_GT_U: return SP_LT_U;
	case SP_GT_S: return SP_LT_S;
	default: return p;
	}
}

/* The loop's condition, the instructions before its final br_if at
 * index b: fills iv, bound, pred, wide; 0 if not a recognised form.
 * `i OP n` with two local.gets could be either way round: alt takes
 * the second local for the induction variable. */
static int
condition(const struct instr *c, uint32_t k, uint32_t b, int alt, struct strip *s)
{
	uint32_t p = b - 1, s2, s1;
	enum form f1, f2;
	int wide;

	if (p <= k)
		return 0;
	if (c[p].op == OP_LOCAL_TEE && operand(c, p, 0, &s1) == F_TEE && s1 > k) {
		s->iv = c[p].idx, s->bound_is_const = 1, s->bound_const = 0;
		s->pred = SP_NE, s->wide = 0;
		return 1;
	}
	if (!comparison(c[p].op, &wide, &s->pred) || p - 1 <= k)
		return 0;
	f2 = operand(c, p - 1, wide, &s2);
	if (f2 == F_NONE || s2 - 1 <= k)
		return 0;
	f1 = operand(c, s2 - 1, wide, &s1);
	if (f1 == F_NONE || s1 <= k)
		return 0;
	/* v on the left, the bound on the right; or swapped */
	if ((f1 == F_TEE || f1 == F_GET) && f2 != F_TEE && !(alt && f1 == F_GET && f2 == F_GET)) {
		s->iv = c[s1 + (f1 == F_TEE ? 3 : 0)].idx;
		s->bound_is_const = f2 == F_CONST;
		s->bound = c[p - 1].idx;
		s->bound_const = (uint64_t)const_value(&c[p - 1], wide);
	} else if ((f2 == F_TEE || f2 == F_GET) && f1 != F_TEE) {
		s->iv = c[p - 1].idx;
		s->bound_is_const = f1 == F_CONST;
		s->bound = c[s1].idx;
		s->bound_const = (uint64_t)const_value(&c[s1], wide);
		s->pred = swapped(s->pred);
	} else {
		return 0;
	}
	s->wide = wide;
	return s->bound_is_const || s->bound != s->iv;
}

/* The step of i from its only write in the body (k, e), which must be
 * at the loop's top level; 0 if i is written otherwise or the bound
 * local or a step local is written at all. */
static struct step
single_write(const struct instr *c, uint32_t k, uint32_t e, const struct strip *s)
{
	uint32_t depth = 0, x, writes = 0;
	struct step st = {0, 0, 0}, none = {0, 0, 0};

	for (x = k + 1; x < e; x++) {
		switch (c[x].op) {
		case OP_BLOCK: case OP_IF: depth++; break;
		case OP_END: depth--; break;
		case OP_LOCAL_SET: case OP_LOCAL_TEE:
			if (!s->bound_is_const && c[x].idx == s->bound)
				return none;
			if (c[x].idx != s->iv)
				break;
			if (++writes > 1 || depth != 0)
				return none;
			st = increment(c, x - 1, s->iv, s->wide);
			break;
		}
	}
	if (writes != 1)
		return none;
	/* a step local must keep its value through the loop */
	for (x = k + 1; st.is_local && x < e; x++)
		if ((c[x].op == OP_LOCAL_SET || c[x].op == OP_LOCAL_TEE) && c[x].idx == st.local)
			return none;
	return st;
}

/* Does the step suit the predicate (see the comment at the top)? */
static int
step_fits(enum strip_pred p, struct step st)
{
	uint64_t m = st.c < 0 ? -(uint64_t)st.c : (uint64_t)st.c;

	switch (p) {
	case SP_NE: return !st.is_local && m && !(m & (m - 1));
	case SP_LT_U: case SP_LT_S: return st.c == 1;
	case SP_GT_U: case SP_GT_S: return st.c == -1;
	}
	return 0;
}

static int
local_fits(struct lower *L, uint32_t i, int wide)
{
	return i < L->nlocals && L->localtypes[i] == (wide ? T_I64 : T_I32);
}

/*
 * A loop whose induction variable is set to a constant just before it
 * (`i32.const 0; local.set i; loop`, as clang starts most loops) and
 * whose bound and step are constants runs a number of iterations known
 * here.  If that is at most K, its one strip is the whole loop: no
 * strip loop, no counter, one interrupt check before it, and LLVM sees
 * the constant trip count (a 46-iteration stencil row otherwise ran a
 * 32-wide vector iteration and 14 scalar ones after a strip count and
 * its checks).  The number of body runs n is the first n >= 1 for which
 * the condition fails on the value after n steps; 0 if not small.
 */
static uint64_t
trip_count(uint64_t c0, const struct strip *s)
{
	uint64_t mask = s->wide ? UINT64_MAX : UINT32_MAX, n = s->bound_const & mask, m, d;
	uint64_t smin = s->wide ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
	int64_t st = s->step;

	c0 &= mask;
	switch (s->pred) {
	case SP_NE:
		m = st < 0 ? -(uint64_t)st : (uint64_t)st;
		d = (st > 0 ? n - c0 : c0 - n) & mask;
		return d && d % m == 0 ? d / m : 0;
	case SP_LT_U:
		return c0 < n ? n - c0 : c0 != mask;
	case SP_GT_U:
		return c0 > n ? c0 - n : c0 != 0;
	case SP_LT_S: /* compare with the sign bit flipped, as unsigned */
		return (c0 ^ smin) < (n ^ smin) ? ((n - c0) & mask) : c0 != (smin - 1);
	case SP_GT_S:
		return (c0 ^ smin) > (n ^ smin) ? ((c0 - n) & mask) : c0 != smin;
	}
	return 0;
}

static int
single_strip(const struct instr *c, uint32_t k, const struct strip *s)
{
	uint64_t n;

	if (!s->bound_is_const || s->step_is_local || k < 2 || c[k - 1].op != OP_LOCAL_SET ||
	    c[k - 1].idx != s->iv || !is_const(&c[k - 2], s->wide))
		return 0;
	n = trip_count((uint64_t)const_value(&c[k - 2], s->wide), s);
	return n && n <= s->K;
}

/* The loop starting at instruction index k: is it a counted innermost
 * loop?  Scans its body once; fills *s. */
int
strip_analyse(struct lower *L, uint32_t k, struct strip *s)
{
	const struct instr *c = L->fn->code;
	uint32_t n = L->fn->ncode, depth = 0, back = 0, e, t;
	struct step st;
	int alt;

	struct blocktype bt = instr_bt(&c[k]);

	memset(s, 0, sizeof *s);
	if (bt.is_index && (bt.index >= L->m->ntypes || L->m->types[bt.index].nparams))
		return 0;
	for (e = k + 1; e < n; e++) {
		const struct instr *in = &c[e];
		if (in->op == OP_LOOP)
			return 0; /* not innermost */
		if (in->op == OP_BLOCK || in->op == OP_IF)
			depth++;
		else if (in->op == OP_END && depth-- == 0)
			break;
		else if ((in->op == OP_BR || in->op == OP_BR_IF) && in->idx == depth)
			back++;
		else if (in->op == OP_BR_TABLE) {
			back += in->idx == depth;
			for (t = 0; t < in->n; t++)
				back += in->targets[t] == depth;
		}
	}
	if (e >= n || back != 1 || e < k + 2 || c[e - 1].op != OP_BR_IF || c[e - 1].idx != 0)
		return 0;
	for (alt = 0; alt < 2; alt++) {
		if (!condition(c, k, e - 1, alt, s) || !local_fits(L, s->iv, s->wide) ||
		    (!s->bound_is_const && !local_fits(L, s->bound, s->wide)))
			continue;
		st = single_write(c, k, e, s);
		if (step_fits(s->pred, st) && (!st.is_local || local_fits(L, st.local, s->wide))) {
			s->step = st.c, s->step_is_local = st.is_local, s->steplocal = st.local;
			break;
		}
	}
	if (alt == 2)
		return 0;
	s->brif = e - 1;
	s->K = strip_length(e - k);
	s->once = single_strip(c, k, s);
	return 1;
}

/* The number of loop-condition evaluations in the next strip, as i32:
 * min(K, evaluations left until the condition fails), or K when the
 * loop never ends.  v1 is the first value of i the condition sees. */
static LLVMValueRef
strip_count(struct lower *L, const struct strip *s, LLVMValueRef v1, LLVMValueRef N)
{
	LLVMTypeRef T = s->wide ? L->i64 : L->i32;
	LLVMValueRef K = LLVMConstInt(T, s->K, 0), one = LLVMConstInt(T, 1, 0), left, ok, r;
	LLVMBuilderRef B = L->B;

	if (s->pred == SP_NE) {
		uint64_t m = s->step < 0 ? -(uint64_t)s->step : (uint64_t)s->step;
		unsigned shift = __builtin_ctzll(m);
		LLVMValueRef d = s->step > 0 ? LLVMBuildSub(B, N, v1, "") : LLVMBuildSub(B, v1, N, "");
		LLVMValueRef low = LLVMBuildAnd(B, d, LLVMConstInt(T, m - 1, 0), "");
		LLVMValueRef q = LLVMBuildLShr(B, d, LLVMConstInt(T, shift, 0), "");
		/* N is q steps after v1 if d is a multiple of the step */
		ok = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntEQ, low, LLVMConstNull(T), ""),
		                  LLVMBuildICmp(B, LLVMIntULT, q, K, ""), "");
		left = LLVMBuildAdd(B, q, one, "");
	} else {
		int up = s->pred == SP_LT_U || s->pred == SP_LT_S;
		LLVMIntPredicate p = s->pred == SP_LT_U ? LLVMIntULT : s->pred == SP_LT_S ? LLVMIntSLT :
		                     s->pred == SP_GT_U ? LLVMIntUGT : LLVMIntSGT;
		LLVMValueRef go = LLVMBuildICmp(B, p, v1, N, "");
		/* v goes one by one towards N: N - v1 more evaluations pass */
		r = up ? LLVMBuildSub(B, N, v1, "") : LLVMBuildSub(B, v1, N, "");
		ok = LLVMBuildICmp(B, LLVMIntULT, r, K, "");
		left = LLVMBuildSelect(B, go, LLVMBuildAdd(B, r, one, ""), one, "");
		ok = LLVMBuildOr(B, ok, LLVMBuildNot(B, go, ""), "");
	}
	left = LLVMBuildSelect(B, ok, left, K, "");
	return s->wide ? LLVMBuildTrunc(B, left, L->i32, "") : left;
}

/* strip_count for a step by a local `by` (up by it for < and down by
 * it for >): while the condition holds, v1, v1 +- by, ... move towards
 * N without wrapping, so ceil(|N - v1| / by) evaluations hold and the
 * next fails (or wraps: the strip's last evaluation is the loop's own
 * test).  A step that is not positive (signed compare) or zero gives
 * strips of one iteration: the loop as it was, checked every time. */
static LLVMValueRef
strip_count_by(struct lower *L, const struct strip *s, LLVMValueRef v1, LLVMValueRef N,
               LLVMValueRef by)
{
	LLVMTypeRef T = s->wide ? L->i64 : L->i32;
	LLVMValueRef K = LLVMConstInt(T, s->K, 0), one = LLVMConstInt(T, 1, 0), zero = LLVMConstNull(T);
	LLVMBuilderRef B = L->B;
	int up = s->pred == SP_LT_U || s->pred == SP_LT_S, sgn = s->pred == SP_LT_S || s->pred == SP_GT_S;
	LLVMIntPredicate p = s->pred == SP_LT_U ? LLVMIntULT : s->pred == SP_LT_S ? LLVMIntSLT :
	                     s->pred == SP_GT_U ? LLVMIntUGT : LLVMIntSGT;
	LLVMValueRef go, pos, d, q, left, safe;

	go = LLVMBuildICmp(B, p, v1, N, "");
	pos = LLVMBuildICmp(B, sgn ? LLVMIntSGT : LLVMIntNE, by, zero, "");
	go = LLVMBuildAnd(B, go, pos, "");
	/* by 1 where the division's result is not used: no division by 0 */
	safe = LLVMBuildSelect(B, go, by, one, "");
	d = up ? LLVMBuildSub(B, N, v1, "") : LLVMBuildSub(B, v1, N, "");
	q = LLVMBuildUDiv(B, LLVMBuildSub(B, d, one, ""), safe, ""); /* d >= 1 when go */
	/* q + 2 evaluations, at most K */
	left = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntULT, q, LLVMConstInt(T, s->K - 1, 0), ""),
	                       LLVMBuildAdd(B, q, LLVMConstInt(T, 2, 0), ""), K, "");
	left = LLVMBuildSelect(B, go, left, one, "");
	return s->wide ? LLVMBuildTrunc(B, left, L->i32, "") : left;
}

/* At the loop's entry (builder in the block before the loop): the
 * strip header, then the loop header with its counter. */
void
strip_begin(struct lower *L, struct frame *f)
{
	struct strip *s = f->strip;
	LLVMTypeRef T = s->wide ? L->i64 : L->i32;
	LLVMValueRef v1, N, zero = const_i32(L, 0);
	LLVMBasicBlockRef pre;

	if (s->once) {
		check_interrupt(L);
		LLVMBuildBr(L->B, f->header);
		LLVMPositionBuilderAtEnd(L->B, f->header);
		return;
	}
	s->outer = LLVMAppendBasicBlockInContext(L->C, L->F, "strip");
	LLVMBuildBr(L->B, s->outer);
	LLVMPositionBuilderAtEnd(L->B, s->outer);
	check_interrupt(L);
	v1 = LLVMBuildLoad2(L->B, T, L->locals[s->iv], "");
	N = s->bound_is_const ? LLVMConstInt(T, s->bound_const, 0)
	                      : LLVMBuildLoad2(L->B, T, L->locals[s->bound], "");
	if (s->step_is_local) {
		LLVMValueRef by = LLVMBuildLoad2(L->B, T, L->locals[s->steplocal], "");
		v1 = s->step > 0 ? LLVMBuildAdd(L->B, v1, by, "") : LLVMBuildSub(L->B, v1, by, "");
		s->kmax = strip_count_by(L, s, v1, N, by);
	} else {
		v1 = LLVMBuildAdd(L->B, v1, LLVMConstInt(T, (uint64_t)s->step, 0), "");
		s->kmax = strip_count(L, s, v1, N);
	}
	pre = LLVMGetInsertBlock(L->B);
	LLVMBuildBr(L->B, f->header);
	LLVMPositionBuilderAtEnd(L->B, f->header);
	s->j = LLVMBuildPhi(L->B, L->i32, "");
	LLVMAddIncoming(s->j, &zero, &pre, 1);
}

/* The loop's br_if back: on to the next iteration while the strip
 * lasts, then the loop's own condition chooses the next strip or the
 * way out. */
void
strip_latch(struct lower *L, struct frame *f)
{
	struct strip *s = f->strip;
	LLVMValueRef cond = pop_as(L, L->i32), jn;
	LLVMBasicBlockRef from = LLVMGetInsertBlock(L->B), end;
	LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(L->C, L->F, "");

	if (s->once) {
		LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntNE, cond, const_i32(L, 0), ""), f->header, out);
		LLVMPositionBuilderAtEnd(L->B, out);
		return;
	}
	end = LLVMAppendBasicBlockInContext(L->C, L->F, "strip.end");
	jn = LLVMBuildAdd(L->B, s->j, const_i32(L, 1), "");
	LLVMAddIncoming(s->j, &jn, &from, 1);
	LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntNE, jn, s->kmax, ""), f->header, end);
	LLVMPositionBuilderAtEnd(L->B, end);
	LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntNE, cond, const_i32(L, 0), ""), s->outer, out);
	LLVMPositionBuilderAtEnd(L->B, out);
}

/*
 * Deep loop nests.  LLVM's loop passes (loop simplification, LCSSA,
 * LICM, early CSE with memory SSA) do work for every loop in proportion
 * to the blocks in it, so a nest of n loops costs them n^2: 20,000
 * nested loops, 140 KB of wasm, took 25 s at -O2 and 100,000 over five
 * minutes.  The sum over loops of the instructions in each is linear in
 * any sane function (a few times its size); where it exceeds LOOP_WORK
 * times the function's size the function is left to LLVM unoptimised
 * (optnone: no IR pass touches it), its interrupt checks are calls
 * (check_interrupt: one block a loop, not three), and --split gives it
 * a partition of its own that wasm-codegen compiles as at -O0 (fast
 * instruction selection and register allocation; partition.c), which
 * keeps compile time linear in the input: 20,000 nested loops take
 * about 2 s in wasm-aot -O2, 100,000 about 10 s.
 */
#define LOOP_WORK 32
#define LOOP_WORK_MIN 100000

int
loops_too_deep(const struct func *fn)
{
	uint64_t work = 0;
	uint32_t depth = 0, k, *stack = NULL, sp = 0, cap = 0;

	for (k = 0; k < fn->ncode; k++) {
		uint16_t op = fn->code[k].op;
		work += depth;
		if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF) {
			if (sp == cap) {
				cap = cap ? 2 * cap : 64;
				stack = xrealloc(stack, cap * sizeof *stack);
			}
			stack[sp++] = op == OP_LOOP;
			depth += op == OP_LOOP;
		} else if (op == OP_END && sp) {
			depth -= stack[--sp];
		}
	}
	free(stack);
	return work > LOOP_WORK_MIN && work > (uint64_t)LOOP_WORK * fn->ncode;
}
