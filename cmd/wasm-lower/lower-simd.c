/*
 * 128-bit SIMD on LLVM vector types.  A v128 on the operand stack is
 * always a <16 x i8>; an instruction bitcasts its operands to its lane
 * shape, computes, and bitcasts back (free in machine code).  The
 * shape comes from the prefix of the instruction's name in ops.h and
 * the operation from the rest of the name, so there is no second
 * opcode list here.  Semantics are wasm's, exactly: shift counts
 * modulo the lane width, saturating narrowing, NaN-propagating min/max
 * with -0 < +0, pmin/pmax as plain compares, saturating truncation,
 * swizzle lanes out of range giving 0.
 */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct shape {
	unsigned bits, lanes;
	int fp;
	LLVMTypeRef elem, vec;
};

static void
make_shape(struct lower *L, struct shape *s, unsigned bits, unsigned lanes, int fp)
{
	s->bits = bits, s->lanes = lanes, s->fp = fp;
	s->elem = !fp ? LLVMIntTypeInContext(L->C, bits) : bits == 32 ? L->f32 : L->f64;
	s->vec = LLVMVectorType(s->elem, lanes);
}

/* "i16x8" at the start of name; bitwise "v128." ops work on i64x2. */
static int
parse_shape(struct lower *L, const char *name, struct shape *s)
{
	char *end;
	unsigned long bits;

	if (!strncmp(name, "v128", 4)) {
		make_shape(L, s, 64, 2, 0);
		return 1;
	}
	if (name[0] != 'i' && name[0] != 'f')
		return 0;
	bits = strtoul(name + 1, &end, 10);
	if (*end != 'x' || (bits != 8 && bits != 16 && bits != 32 && bits != 64))
		return 0;
	make_shape(L, s, (unsigned)bits, 128 / (unsigned)bits, name[0] == 'f');
	return 1;
}

/* The source shape of a conversion: the shape named inside the
 * operation, as in "narrow_i32x4_s" or "convert_low_i32x4_u". */
static void
source_shape(struct lower *L, const char *op, struct shape *s)
{
	const char *p;

	for (p = op; *p; p++)
		if ((p == op || p[-1] == '_') && parse_shape(L, p, s))
			return;
	lower_error(L, "no source shape");
}

static int
is_signed_op(const char *op)
{
	size_t n = strlen(op);

	return (n >= 2 && !strcmp(op + n - 2, "_s")) || strstr(op, "_s_zero");
}

static LLVMTypeRef
int_vec(struct lower *L, const struct shape *s)
{
	return LLVMVectorType(LLVMIntTypeInContext(L->C, s->bits), s->lanes);
}

static LLVMValueRef
as_vec(struct lower *L, LLVMValueRef v, const struct shape *s)
{
	return LLVMBuildBitCast(L->B, v, s->vec, "");
}

/* Shuffle mask start, start + step, ... (n lanes). */
static LLVMValueRef
seq_mask(struct lower *L, unsigned start, unsigned step, unsigned n)
{
	LLVMValueRef m[32];
	unsigned i;

	for (i = 0; i < n; i++)
		m[i] = const_i32(L, start + i * step);
	return LLVMConstVector(m, n);
}

/* n lanes of v from lane start, every step-th. */
static LLVMValueRef
pick(struct lower *L, LLVMValueRef v, unsigned start, unsigned step, unsigned n)
{
	return LLVMBuildShuffleVector(L->B, v, LLVMGetUndef(LLVMTypeOf(v)), seq_mask(L, start, step, n), "");
}

/* a's lanes then b's. */
static LLVMValueRef
concat(struct lower *L, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildShuffleVector(L->B, a, b, seq_mask(L, 0, 1, 2 * LLVMGetVectorSize(LLVMTypeOf(a))), "");
}

static LLVMValueRef
splat(struct lower *L, LLVMValueRef x, const struct shape *s)
{
	LLVMValueRef v = LLVMBuildInsertElement(L->B, LLVMGetUndef(s->vec), x, const_i32(L, 0), "");

	return LLVMBuildShuffleVector(L->B, v, LLVMGetUndef(s->vec),
	                              LLVMConstNull(LLVMVectorType(L->i32, s->lanes)), "");
}

static LLVMValueRef
splat_const(struct lower *L, const struct shape *s, unsigned long long v)
{
	LLVMValueRef m[16];
	unsigned i;

	for (i = 0; i < s->lanes; i++)
		m[i] = LLVMConstInt(s->elem, v, 0);
	return LLVMConstVector(m, s->lanes);
}

static LLVMValueRef
intrinsic(struct lower *L, const char *name, LLVMTypeRef t, LLVMValueRef a, LLVMValueRef b)
{
	LLVMValueRef args[2] = {a, b};

	return call_intrinsic(L, name, &t, 1, args, b ? 2 : 1);
}

static LLVMValueRef
extend(struct lower *L, LLVMValueRef v, unsigned bits, int sgn)
{
	LLVMTypeRef t = LLVMVectorType(LLVMIntTypeInContext(L->C, bits), LLVMGetVectorSize(LLVMTypeOf(v)));

	return sgn ? LLVMBuildSExt(L->B, v, t, "") : LLVMBuildZExt(L->B, v, t, "");
}

/* A <2 x T> result widened to four lanes with zeros (the _zero ops). */
static LLVMValueRef
zero_high(struct lower *L, LLVMValueRef v)
{
	return concat(L, v, LLVMConstNull(LLVMTypeOf(v)));
}

static LLVMValueRef
int_compare(struct lower *L, const char *op, LLVMValueRef a, LLVMValueRef b)
{
	static const struct { const char *name; LLVMIntPredicate p; } cmps[] = {
		{"eq", LLVMIntEQ}, {"ne", LLVMIntNE}, {"lt_s", LLVMIntSLT}, {"lt_u", LLVMIntULT},
		{"gt_s", LLVMIntSGT}, {"gt_u", LLVMIntUGT}, {"le_s", LLVMIntSLE}, {"le_u", LLVMIntULE},
		{"ge_s", LLVMIntSGE}, {"ge_u", LLVMIntUGE},
	};
	unsigned i;

	for (i = 0; i < sizeof cmps / sizeof cmps[0]; i++)
		if (!strcmp(op, cmps[i].name))
			return LLVMBuildSExt(L->B, LLVMBuildICmp(L->B, cmps[i].p, a, b, ""), LLVMTypeOf(a), "");
	return NULL;
}

/* Rounding average: (a + b + 1) >> 1 without overflow. */
static LLVMValueRef
avgr(struct lower *L, LLVMValueRef a, LLVMValueRef b, const struct shape *s)
{
	LLVMValueRef wa = extend(L, a, 2 * s->bits, 0), wb = extend(L, b, 2 * s->bits, 0), r;
	struct shape w;

	make_shape(L, &w, 2 * s->bits, s->lanes, 0);
	r = LLVMBuildAdd(L->B, LLVMBuildAdd(L->B, wa, wb, ""), splat_const(L, &w, 1), "");
	r = LLVMBuildLShr(L->B, r, splat_const(L, &w, 1), "");
	return LLVMBuildTrunc(L->B, r, s->vec, "");
}

/* (a * b + 0x4000) >> 15, saturated: only -32768 * -32768 overflows. */
static LLVMValueRef
q15mulr(struct lower *L, LLVMValueRef a, LLVMValueRef b, const struct shape *s)
{
	struct shape w;
	LLVMValueRef r;

	make_shape(L, &w, 32, s->lanes, 0);
	r = LLVMBuildMul(L->B, extend(L, a, 32, 1), extend(L, b, 32, 1), "");
	r = LLVMBuildAdd(L->B, r, splat_const(L, &w, 0x4000), "");
	r = LLVMBuildAShr(L->B, r, splat_const(L, &w, 15), "");
	r = intrinsic(L, "llvm.smin", w.vec, r, splat_const(L, &w, 0x7fff));
	return LLVMBuildTrunc(L->B, r, s->vec, "");
}

static LLVMValueRef
int_binary(struct lower *L, const char *op, LLVMValueRef a, LLVMValueRef b, const struct shape *s)
{
	static const char *const intr[][2] = {
		{"add_sat_s", "llvm.sadd.sat"}, {"add_sat_u", "llvm.uadd.sat"},
		{"sub_sat_s", "llvm.ssub.sat"}, {"sub_sat_u", "llvm.usub.sat"},
		{"min_s", "llvm.smin"}, {"min_u", "llvm.umin"}, {"max_s", "llvm.smax"}, {"max_u", "llvm.umax"},
	};
	LLVMValueRef r;
	unsigned i;

	a = as_vec(L, a, s), b = as_vec(L, b, s);
	if ((r = int_compare(L, op, a, b)))
		return r;
	for (i = 0; i < sizeof intr / sizeof intr[0]; i++)
		if (!strcmp(op, intr[i][0]))
			return intrinsic(L, intr[i][1], s->vec, a, b);
	if (!strcmp(op, "add"))
		return LLVMBuildAdd(L->B, a, b, "");
	if (!strcmp(op, "sub"))
		return LLVMBuildSub(L->B, a, b, "");
	if (!strcmp(op, "mul"))
		return LLVMBuildMul(L->B, a, b, "");
	if (!strcmp(op, "avgr_u"))
		return avgr(L, a, b, s);
	if (!strcmp(op, "q15mulr_sat_s"))
		return q15mulr(L, a, b, s);
	return NULL;
}

static LLVMValueRef
float_binary(struct lower *L, const char *op, LLVMValueRef a, LLVMValueRef b, const struct shape *s)
{
	static const struct { const char *name; LLVMRealPredicate p; } cmps[] = {
		{"eq", LLVMRealOEQ}, {"ne", LLVMRealUNE}, {"lt", LLVMRealOLT}, {"gt", LLVMRealOGT},
		{"le", LLVMRealOLE}, {"ge", LLVMRealOGE},
	};
	unsigned i;

	a = as_vec(L, a, s), b = as_vec(L, b, s);
	for (i = 0; i < sizeof cmps / sizeof cmps[0]; i++)
		if (!strcmp(op, cmps[i].name))
			return LLVMBuildSExt(L->B, LLVMBuildFCmp(L->B, cmps[i].p, a, b, ""), int_vec(L, s), "");
	if (!strcmp(op, "add"))
		return LLVMBuildFAdd(L->B, a, b, "");
	if (!strcmp(op, "sub"))
		return LLVMBuildFSub(L->B, a, b, "");
	if (!strcmp(op, "mul"))
		return LLVMBuildFMul(L->B, a, b, "");
	if (!strcmp(op, "div"))
		return LLVMBuildFDiv(L->B, a, b, "");
	if (!strcmp(op, "min") || !strcmp(op, "max"))
		return float_minmax(L, a, b, op[1] == 'a');
	/* pmin: b < a ? b : a; pmax: a < b ? b : a (NaN: a) */
	if (!strcmp(op, "pmin"))
		return LLVMBuildSelect(L->B, LLVMBuildFCmp(L->B, LLVMRealOLT, b, a, ""), b, a, "");
	if (!strcmp(op, "pmax"))
		return LLVMBuildSelect(L->B, LLVMBuildFCmp(L->B, LLVMRealOLT, a, b, ""), b, a, "");
	return NULL;
}

static LLVMValueRef
unary(struct lower *L, const char *op, LLVMValueRef a, const struct shape *s)
{
	static const char *const fintr[][2] = {
		{"abs", "llvm.fabs"}, {"sqrt", "llvm.sqrt"}, {"ceil", "llvm.ceil"}, {"floor", "llvm.floor"},
		{"trunc", "llvm.trunc"}, {"nearest", "llvm.nearbyint"},
	};
	unsigned i;

	a = as_vec(L, a, s);
	if (s->fp) {
		if (!strcmp(op, "neg"))
			return LLVMBuildFNeg(L->B, a, "");
		for (i = 0; i < sizeof fintr / sizeof fintr[0]; i++)
			if (!strcmp(op, fintr[i][0]))
				return intrinsic(L, fintr[i][1], s->vec, a, NULL);
		return NULL;
	}
	if (!strcmp(op, "neg"))
		return LLVMBuildNeg(L->B, a, "");
	if (!strcmp(op, "abs"))
		return intrinsic(L, "llvm.abs", s->vec, a, LLVMConstInt(L->i1, 0, 0));
	if (!strcmp(op, "popcnt"))
		return intrinsic(L, "llvm.ctpop", s->vec, a, NULL);
	if (!strcmp(op, "not"))
		return LLVMBuildNot(L->B, a, "");
	return NULL;
}

static LLVMValueRef
bitwise(struct lower *L, const char *op, LLVMValueRef *a, const struct shape *s)
{
	LLVMValueRef x = as_vec(L, a[0], s), y = as_vec(L, a[1], s);

	if (!strcmp(op, "and"))
		return LLVMBuildAnd(L->B, x, y, "");
	if (!strcmp(op, "or"))
		return LLVMBuildOr(L->B, x, y, "");
	if (!strcmp(op, "xor"))
		return LLVMBuildXor(L->B, x, y, "");
	if (!strcmp(op, "andnot"))
		return LLVMBuildAnd(L->B, x, LLVMBuildNot(L->B, y, ""), "");
	if (!strcmp(op, "bitselect")) {
		LLVMValueRef c = as_vec(L, a[2], s);
		return LLVMBuildOr(L->B, LLVMBuildAnd(L->B, x, c, ""),
		                   LLVMBuildAnd(L->B, y, LLVMBuildNot(L->B, c, ""), ""), "");
	}
	return NULL;
}

/* Lane shifts: the count is taken modulo the lane width. */
static LLVMValueRef
shift(struct lower *L, const char *op, LLVMValueRef v, LLVMValueRef n, const struct shape *s)
{
	LLVMValueRef c = LLVMBuildAnd(L->B, n, const_i32(L, s->bits - 1), "");

	c = LLVMBuildZExtOrBitCast(L->B, s->bits < 32 ? LLVMBuildTrunc(L->B, c, s->elem, "") : c, s->elem, "");
	c = splat(L, c, s);
	v = as_vec(L, v, s);
	if (!strcmp(op, "shl"))
		return LLVMBuildShl(L->B, v, c, "");
	if (!strcmp(op, "shr_s"))
		return LLVMBuildAShr(L->B, v, c, "");
	return LLVMBuildLShr(L->B, v, c, "");
}

/* Reductions to an i32: any_true, all_true, bitmask. */
static LLVMValueRef
reduce(struct lower *L, const char *op, LLVMValueRef v, const struct shape *s)
{
	LLVMTypeRef bits = LLVMIntTypeInContext(L->C, s->lanes);
	LLVMValueRef zero = LLVMConstNull(s->vec), m;

	if (!strcmp(op, "any_true")) {
		m = LLVMBuildBitCast(L->B, v, LLVMIntTypeInContext(L->C, 128), "");
		return bool_to_i32(L, LLVMBuildICmp(L->B, LLVMIntNE, m, LLVMConstNull(LLVMTypeOf(m)), ""));
	}
	v = as_vec(L, v, s);
	if (!strcmp(op, "all_true")) {
		m = LLVMBuildBitCast(L->B, LLVMBuildICmp(L->B, LLVMIntNE, v, zero, ""), bits, "");
		return bool_to_i32(L, LLVMBuildICmp(L->B, LLVMIntEQ, m, LLVMConstAllOnes(bits), ""));
	}
	if (!strcmp(op, "bitmask")) {
		m = LLVMBuildBitCast(L->B, LLVMBuildICmp(L->B, LLVMIntSLT, v, zero, ""), bits, "");
		return LLVMBuildZExt(L->B, m, L->i32, "");
	}
	return NULL;
}

/* narrow: both operands' lanes, clamped to the narrow range. */
static LLVMValueRef
narrow(struct lower *L, const char *op, LLVMValueRef *a, const struct shape *s)
{
	struct shape src, w;
	LLVMValueRef v;
	long long hi = is_signed_op(op) ? (1ll << (s->bits - 1)) - 1 : (1ll << s->bits) - 1;
	long long lo = is_signed_op(op) ? -(1ll << (s->bits - 1)) : 0;

	source_shape(L, op, &src);
	make_shape(L, &w, src.bits, s->lanes, 0);
	v = concat(L, as_vec(L, a[0], &src), as_vec(L, a[1], &src));
	v = intrinsic(L, "llvm.smin", w.vec, v, splat_const(L, &w, (unsigned long long)hi));
	v = intrinsic(L, "llvm.smax", w.vec, v, splat_const(L, &w, (unsigned long long)lo));
	return LLVMBuildTrunc(L->B, v, s->vec, "");
}

/* extend_low/high, extmul_low/high, extadd_pairwise, dot. */
static LLVMValueRef
widen(struct lower *L, const char *op, LLVMValueRef *a, const struct shape *s)
{
	struct shape src;
	int sgn = is_signed_op(op), high = strstr(op, "_high_") != NULL;
	LLVMValueRef x, y, prod;

	source_shape(L, op, &src);
	x = as_vec(L, a[0], &src);
	if (!strncmp(op, "extend_", 7))
		return extend(L, pick(L, x, high ? s->lanes : 0, 1, s->lanes), s->bits, sgn);
	if (!strncmp(op, "extadd_pairwise_", 16))
		return LLVMBuildAdd(L->B, extend(L, pick(L, x, 0, 2, s->lanes), s->bits, sgn),
		                    extend(L, pick(L, x, 1, 2, s->lanes), s->bits, sgn), "");
	y = as_vec(L, a[1], &src);
	if (!strncmp(op, "extmul_", 7))
		return LLVMBuildMul(L->B, extend(L, pick(L, x, high ? s->lanes : 0, 1, s->lanes), s->bits, sgn),
		                    extend(L, pick(L, y, high ? s->lanes : 0, 1, s->lanes), s->bits, sgn), "");
	if (!strncmp(op, "dot_", 4)) {
		prod = LLVMBuildMul(L->B, extend(L, x, s->bits, 1), extend(L, y, s->bits, 1), "");
		return LLVMBuildAdd(L->B, pick(L, prod, 0, 2, s->lanes), pick(L, prod, 1, 2, s->lanes), "");
	}
	return NULL;
}

/* Saturating truncation to i32 lanes.  llvm.fpto[su]i.sat is
 * scalarized on x86; clamping first keeps a plain fpto[su]i in range
 * (cvttps2dq and friends): NaN to 0, below the range to its low end,
 * at or above 2^31 (2^32) to 0 and then to the maximum. */
static LLVMValueRef
trunc_sat(struct lower *L, LLVMValueRef v, const struct shape *src, int sgn)
{
	LLVMTypeRef it = LLVMVectorType(L->i32, src->lanes);
	LLVMValueRef zero = LLVMConstNull(src->vec), lo, hi, over, r, m[4];
	unsigned i;

	for (i = 0; i < src->lanes; i++)
		m[i] = LLVMConstReal(src->elem, sgn ? -2147483648.0 : 0.0);
	lo = LLVMConstVector(m, src->lanes);
	for (i = 0; i < src->lanes; i++)
		m[i] = LLVMConstReal(src->elem, sgn ? 2147483648.0 : 4294967296.0);
	hi = LLVMConstVector(m, src->lanes);
	v = LLVMBuildSelect(L->B, LLVMBuildFCmp(L->B, LLVMRealORD, v, v, ""), v, zero, "");
	v = LLVMBuildSelect(L->B, LLVMBuildFCmp(L->B, LLVMRealOLT, v, lo, ""), lo, v, "");
	over = LLVMBuildFCmp(L->B, LLVMRealOGE, v, hi, "");
	v = LLVMBuildSelect(L->B, over, zero, v, "");
	r = sgn ? LLVMBuildFPToSI(L->B, v, it, "") : LLVMBuildFPToUI(L->B, v, it, "");
	for (i = 0; i < src->lanes; i++)
		m[i] = LLVMConstInt(L->i32, sgn ? 0x7fffffff : 0xffffffff, 0);
	return LLVMBuildSelect(L->B, over, LLVMConstVector(m, src->lanes), r, "");
}

/* Conversions between float and integer lanes. */
static LLVMValueRef
convert(struct lower *L, const char *op, LLVMValueRef v, const struct shape *s)
{
	struct shape src;
	int sgn = is_signed_op(op);

	source_shape(L, op, &src);
	v = as_vec(L, v, &src);
	if (!strncmp(op, "trunc_sat_", 10)) {
		v = trunc_sat(L, v, &src, sgn);
		return src.lanes == 2 ? zero_high(L, v) : v;
	}
	if (!strncmp(op, "convert_low_", 12))
		v = pick(L, v, 0, 1, 2);
	if (!strncmp(op, "convert_", 8))
		return sgn ? LLVMBuildSIToFP(L->B, v, s->vec, "") : LLVMBuildUIToFP(L->B, v, s->vec, "");
	if (!strcmp(op, "demote_f64x2_zero"))
		return zero_high(L, LLVMBuildFPTrunc(L->B, v, LLVMVectorType(L->f32, 2), ""));
	if (!strcmp(op, "promote_low_f32x4"))
		return LLVMBuildFPExt(L->B, pick(L, v, 0, 1, 2), s->vec, "");
	return NULL;
}

/* Lanes >= 16 give 0.  A build_vector of variable extracts with the
 * indices masked to 0..15 is what LLVM's x86 backend turns into one
 * pshufb where SSSE3 is there (and into loads from a spill slot where
 * it is not: every --target-cpu must compile), then a compare clears
 * the out-of-range lanes. */
static LLVMValueRef
swizzle(struct lower *L, LLVMValueRef v, LLVMValueRef idx)
{
	struct shape s;
	LLVMValueRef r = LLVMGetUndef(L->v128), in16, x;
	unsigned i;

	make_shape(L, &s, 8, 16, 0);
	in16 = LLVMBuildAnd(L->B, idx, splat_const(L, &s, 15), "");
	for (i = 0; i < 16; i++) {
		x = LLVMBuildExtractElement(L->B, in16, const_i32(L, i), "");
		x = LLVMBuildExtractElement(L->B, v, LLVMBuildZExt(L->B, x, L->i32, ""), "");
		r = LLVMBuildInsertElement(L->B, r, x, const_i32(L, i), "");
	}
	return LLVMBuildSelect(L->B, LLVMBuildICmp(L->B, LLVMIntULT, idx, splat_const(L, &s, 16), ""), r,
	                       LLVMConstNull(L->v128), "");
}

static LLVMValueRef
shuffle(struct lower *L, const struct instr *in, LLVMValueRef a, LLVMValueRef b)
{
	LLVMValueRef m[16];
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (in->u.v128[i] >= 32)
			lower_error(L, "shuffle lane %u out of range", in->u.v128[i]);
		m[i] = const_i32(L, in->u.v128[i]);
	}
	return LLVMBuildShuffleVector(L->B, a, b, LLVMConstVector(m, 16), "");
}

/* extract_lane(_s|_u), replace_lane, splat. */
static LLVMValueRef
lanes(struct lower *L, const struct instr *in, const char *op, LLVMValueRef *a, const struct shape *s)
{
	LLVMValueRef x;

	if (!strcmp(op, "splat"))
		return splat(L, s->bits < 32 ? LLVMBuildTrunc(L->B, a[0], s->elem, "") : a[0], s);
	if (in->idx >= s->lanes)
		lower_error(L, "lane %u out of range", in->idx);
	if (!strcmp(op, "replace_lane")) {
		x = s->bits < 32 && !s->fp ? LLVMBuildTrunc(L->B, a[1], s->elem, "") : a[1];
		return LLVMBuildInsertElement(L->B, as_vec(L, a[0], s), x, const_i32(L, in->idx), "");
	}
	x = LLVMBuildExtractElement(L->B, as_vec(L, a[0], s), const_i32(L, in->idx), "");
	if (!strcmp(op, "extract_lane_s"))
		return LLVMBuildSExt(L->B, x, L->i32, "");
	if (!strcmp(op, "extract_lane_u"))
		return LLVMBuildZExt(L->B, x, L->i32, "");
	return x;
}

static LLVMValueRef
simd_op(struct lower *L, const struct instr *in, const char *op, LLVMValueRef *a, const struct shape *s)
{
	const struct opinfo *o = &opinfo[in->op];

	if (o->imm == IMM_LANE || !strcmp(op, "splat"))
		return lanes(L, in, op, a, s);
	if (o->imm == IMM_SHUFFLE)
		return shuffle(L, in, a[0], a[1]);
	if (in->op == OP_I8X16_SWIZZLE)
		return swizzle(L, a[0], a[1]);
	if (!strncmp(op, "narrow_", 7))
		return narrow(L, op, a, s);
	if (!strncmp(op, "extend_", 7) || !strncmp(op, "ext", 3) || !strncmp(op, "dot_", 4))
		return widen(L, op, a, s);
	if (!strncmp(op, "trunc_sat_", 10) || !strncmp(op, "convert_", 8) || !strncmp(op, "demote_", 7) ||
	    !strncmp(op, "promote_", 8))
		return convert(L, op, a[0], s);
	if (!strcmp(o->sig, "vi:v"))
		return shift(L, op, a[0], a[1], s);
	if (!strcmp(o->sig, "v:i"))
		return reduce(L, op, a[0], s);
	if (!strcmp(o->sig, "v:v"))
		return unary(L, op, a[0], s);
	if (!strncmp(o->name, "v128.", 5))
		return bitwise(L, op, a, s);
	if (!strcmp(o->sig, "vv:v"))
		return s->fp ? float_binary(L, op, a[0], a[1], s) : int_binary(L, op, a[0], a[1], s);
	return NULL;
}

/* The typed address of a memory operand of size bytes. */
static LLVMValueRef
address(struct lower *L, const struct instr *in, LLVMValueRef addr, LLVMTypeRef ty, unsigned size)
{
	LLVMValueRef p = mem_address(L, addr, in->u.offset, size);

	return LLVMBuildBitCast(L->B, p, LLVMPointerType(ty, 0), "");
}

static LLVMValueRef
load(struct lower *L, const struct instr *in, LLVMValueRef addr, LLVMTypeRef ty, unsigned size)
{
	LLVMValueRef v = LLVMBuildLoad2(L->B, ty, address(L, in, addr, ty, size), "");

	LLVMSetAlignment(v, 1);
	keep_load(L, v, in->u.offset, size);
	return v;
}

static void
store(struct lower *L, const struct instr *in, LLVMValueRef addr, LLVMValueRef v, unsigned size)
{
	LLVMValueRef s = LLVMBuildStore(L->B, v, address(L, in, addr, LLVMTypeOf(v), size));

	LLVMSetAlignment(s, 1);
}

/* Loads and stores: "load", "load8x8_s", "load8_splat", "load32_zero",
 * "load8_lane", "store", "store8_lane". */
static LLVMValueRef
simd_memory(struct lower *L, const struct instr *in, const char *op, LLVMValueRef *a)
{
	unsigned bits = (unsigned)strtoul(op + (op[0] == 'l' ? 4 : 5), NULL, 10);
	struct shape s;
	LLVMValueRef v;

	if (!strcmp(op, "load"))
		return load(L, in, a[0], L->v128, 16);
	if (!strcmp(op, "store")) {
		store(L, in, a[0], a[1], 16);
		return NULL;
	}
	make_shape(L, &s, bits, 128 / bits, 0);
	if (strchr(op, 'x')) { /* load8x8_s: 64 bits, then extended */
		struct shape n;
		make_shape(L, &n, bits, 64 / bits, 0);
		return extend(L, load(L, in, a[0], n.vec, 8), 2 * bits, is_signed_op(op));
	}
	if (strstr(op, "_splat"))
		return splat(L, load(L, in, a[0], s.elem, bits / 8), &s);
	if (strstr(op, "_zero"))
		return LLVMBuildInsertElement(L->B, LLVMConstNull(s.vec), load(L, in, a[0], s.elem, bits / 8),
		                              const_i32(L, 0), "");
	if (in->idx >= s.lanes)
		lower_error(L, "lane %u out of range", in->idx);
	v = as_vec(L, a[1], &s);
	if (op[0] == 'l')
		return LLVMBuildInsertElement(L->B, v, load(L, in, a[0], s.elem, bits / 8), const_i32(L, in->idx), "");
	store(L, in, a[0], LLVMBuildExtractElement(L->B, v, const_i32(L, in->idx), ""), bits / 8);
	return NULL;
}

int
lower_simd(struct lower *L, const struct instr *in)
{
	const struct opinfo *o = &opinfo[in->op];
	const char *res = strchr(o->sig, ':') + 1;
	struct shape s;
	LLVMValueRef a[3], r;

	if (o->prefix != 0xfd)
		return 0;
	if (in->op == OP_V128_CONST) {
		LLVMValueRef b[16];
		unsigned i;
		for (i = 0; i < 16; i++)
			b[i] = LLVMConstInt(L->i8, in->u.v128[i], 0);
		push(L, LLVMConstVector(b, 16));
		return 1;
	}
	pop_operands(L, in, a);
	if (!parse_shape(L, o->name, &s))
		lower_error(L, "instruction not supported");
	if (o->imm == IMM_MEM || o->imm == IMM_MEMLANE)
		r = simd_memory(L, in, strchr(o->name, '.') + 1, a);
	else
		r = simd_op(L, in, strchr(o->name, '.') + 1, a, &s);
	if (!*res)
		return 1;
	if (!r)
		lower_error(L, "instruction not supported");
	push(L, *res == 'v' ? LLVMBuildBitCast(L->B, r, L->v128, "") : r);
	return 1;
}
