/*
 * Scalar numeric instructions with WebAssembly's exact semantics:
 * trapping division and conversions, NaN-propagating min/max with
 * -0 < +0, shift and rotate counts modulo the width.
 */
#include <math.h>
#include <string.h>

#include "lower.h"

LLVMTypeRef
sigtype(struct lower *L, char c)
{
	switch (c) {
	case 'i': return L->i32;
	case 'I': return L->i64;
	case 'f': return L->f32;
	case 'F': return L->f64;
	case 'v': return L->v128;
	}
	lower_error(L, "bad signature");
}

/* Operands per the opcode table's signature, popped into a[0..n). */
unsigned
pop_operands(struct lower *L, const struct instr *in, LLVMValueRef *a)
{
	const char *sig = opinfo[in->op].sig;
	unsigned n = (unsigned)(strchr(sig, ':') - sig), i;

	for (i = n; i > 0; i--)
		a[i - 1] = pop_as(L, sigtype(L, sig[i - 1]));
	return n;
}

static LLVMValueRef
intrinsic1(struct lower *L, const char *name, LLVMValueRef x)
{
	LLVMTypeRef t = LLVMTypeOf(x);

	return call_intrinsic(L, name, &t, 1, &x, 1);
}

static LLVMValueRef
bit_count(struct lower *L, const char *name, LLVMValueRef x)
{
	LLVMTypeRef t = LLVMTypeOf(x);
	LLVMValueRef args[2] = {x, LLVMConstInt(L->i1, 0, 0)};

	return call_intrinsic(L, name, &t, 1, args, 2);
}

static LLVMValueRef
rotate(struct lower *L, const char *name, LLVMValueRef x, LLVMValueRef n)
{
	LLVMTypeRef t = LLVMTypeOf(x);
	LLVMValueRef args[3] = {x, x, n};

	return call_intrinsic(L, name, &t, 1, args, 3);
}

static LLVMValueRef
shift_count(struct lower *L, LLVMValueRef n)
{
	LLVMTypeRef t = LLVMTypeOf(n);

	return LLVMBuildAnd(L->B, n, LLVMConstInt(t, LLVMGetIntTypeWidth(t) - 1, 0), "");
}

static LLVMValueRef
divide(struct lower *L, enum op op, LLVMValueRef a, LLVMValueRef b)
{
	LLVMTypeRef t = LLVMTypeOf(a);
	unsigned w = LLVMGetIntTypeWidth(t);
	LLVMValueRef zero = LLVMConstNull(t), minus1 = LLVMConstAllOnes(t);
	LLVMValueRef min = LLVMConstShl(LLVMConstInt(t, 1, 0), LLVMConstInt(t, w - 1, 0));
	int is_signed = op == OP_I32_DIV_S || op == OP_I64_DIV_S || op == OP_I32_REM_S || op == OP_I64_REM_S;
	int is_rem = op == OP_I32_REM_S || op == OP_I64_REM_S || op == OP_I32_REM_U || op == OP_I64_REM_U;

	trap_if(L, LLVMBuildICmp(L->B, LLVMIntEQ, b, zero, ""), WA_TRAP_DIV_ZERO);
	if (!is_signed)
		return is_rem ? LLVMBuildURem(L->B, a, b, "") : LLVMBuildUDiv(L->B, a, b, "");
	if (!is_rem) {
		LLVMValueRef ovf = LLVMBuildAnd(L->B, LLVMBuildICmp(L->B, LLVMIntEQ, a, min, ""),
		                                LLVMBuildICmp(L->B, LLVMIntEQ, b, minus1, ""), "");
		trap_if(L, ovf, WA_TRAP_INT_OVERFLOW);
		return LLVMBuildSDiv(L->B, a, b, "");
	}
	/* INT_MIN % -1 is 0 in wasm and undefined in LLVM: divide by 1 then */
	{
		LLVMValueRef m1 = LLVMBuildICmp(L->B, LLVMIntEQ, b, minus1, "");
		LLVMValueRef safe = LLVMBuildSelect(L->B, m1, LLVMConstInt(t, 1, 0), b, "");
		return LLVMBuildSelect(L->B, m1, zero, LLVMBuildSRem(L->B, a, safe, ""), "");
	}
}

/* min/max: NaN if either is NaN; -0 < +0; else the ordinary one.
 * Scalars and vectors alike (f32x4/f64x2 share it): the equal case
 * merges the sign bits so min(-0, +0) = -0 and max(-0, +0) = +0. */
LLVMValueRef
float_minmax(struct lower *L, LLVMValueRef a, LLVMValueRef b, int is_max)
{
	LLVMTypeRef t = LLVMTypeOf(a), it;
	LLVMValueRef nan, eq, lt, ai, bi, zeros, r;

	if (LLVMGetTypeKind(t) == LLVMVectorTypeKind)
		it = LLVMVectorType(LLVMIntTypeInContext(L->C, LLVMGetElementType(t) == L->f32 ? 32 : 64),
		                    LLVMGetVectorSize(t));
	else
		it = t == L->f32 ? L->i32 : L->i64;
	nan = LLVMBuildFCmp(L->B, LLVMRealUNO, a, b, "");
	eq = LLVMBuildFCmp(L->B, LLVMRealOEQ, a, b, "");
	lt = LLVMBuildFCmp(L->B, is_max ? LLVMRealOGT : LLVMRealOLT, a, b, "");
	ai = LLVMBuildBitCast(L->B, a, it, "");
	bi = LLVMBuildBitCast(L->B, b, it, "");
	zeros = LLVMBuildBitCast(L->B, is_max ? LLVMBuildAnd(L->B, ai, bi, "") : LLVMBuildOr(L->B, ai, bi, ""), t, "");
	r = LLVMBuildSelect(L->B, lt, a, b, "");
	r = LLVMBuildSelect(L->B, eq, zeros, r, "");
	/* a NaN operand: a + b is a NaN (quiet, as the spec allows) */
	return LLVMBuildSelect(L->B, nan, LLVMBuildFAdd(L->B, a, b, ""), r, "");
}

/* Trapping float-to-int: NaN traps as invalid, the rest out of
 * (lo, hi) as overflow; lo_incl when lo itself converts exactly. */
static LLVMValueRef
trunc_checked(struct lower *L, LLVMValueRef x, LLVMTypeRef to, int is_signed)
{
	LLVMTypeRef ft = LLVMTypeOf(x);
	unsigned w = LLVMGetIntTypeWidth(to);
	double hi = ldexp(1.0, is_signed ? (int)w - 1 : (int)w);
	double lo = is_signed ? -hi : -1.0;
	int lo_incl = 0;
	LLVMValueRef ok;

	if (is_signed && !(ft == L->f64 && w == 32))
		lo_incl = 1; /* -2^(w-1) is exact and converts */
	else if (is_signed)
		lo = -hi - 1.0;
	trap_if(L, LLVMBuildFCmp(L->B, LLVMRealUNO, x, x, ""), WA_TRAP_INVALID_CONV);
	ok = LLVMBuildAnd(L->B,
	                  LLVMBuildFCmp(L->B, lo_incl ? LLVMRealOGE : LLVMRealOGT, x, LLVMConstReal(ft, lo), ""),
	                  LLVMBuildFCmp(L->B, LLVMRealOLT, x, LLVMConstReal(ft, hi), ""), "");
	trap_if(L, LLVMBuildNot(L->B, ok, ""), WA_TRAP_INT_OVERFLOW);
	return is_signed ? LLVMBuildFPToSI(L->B, x, to, "") : LLVMBuildFPToUI(L->B, x, to, "");
}

static LLVMValueRef
trunc_sat(struct lower *L, LLVMValueRef x, LLVMTypeRef to, int is_signed)
{
	LLVMTypeRef tys[2] = {to, LLVMTypeOf(x)};

	return call_intrinsic(L, is_signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat", tys, 2, &x, 1);
}

static LLVMValueRef
icmp(struct lower *L, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b)
{
	return bool_to_i32(L, LLVMBuildICmp(L->B, p, a, b, ""));
}

static LLVMValueRef
fcmp(struct lower *L, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b)
{
	return bool_to_i32(L, LLVMBuildFCmp(L->B, p, a, b, ""));
}

static LLVMValueRef
sext_from(struct lower *L, LLVMValueRef x, LLVMTypeRef narrow)
{
	return LLVMBuildSExt(L->B, LLVMBuildTrunc(L->B, x, narrow, ""), LLVMTypeOf(x), "");
}

static int
constant(struct lower *L, const struct instr *in)
{
	switch (in->op) {
	case OP_I32_CONST: push(L, const_i32(L, in->u.i32)); return 1;
	case OP_I64_CONST: push(L, const_i64(L, in->u.i64)); return 1;
	case OP_F32_CONST:
		push(L, LLVMConstBitCast(const_i32(L, in->u.f32), L->f32));
		return 1;
	case OP_F64_CONST:
		push(L, LLVMConstBitCast(const_i64(L, in->u.f64), L->f64));
		return 1;
	}
	return 0;
}

static LLVMValueRef
fp_md(struct lower *L, const char *s)
{
	return LLVMMetadataAsValue(L->C, LLVMMDStringInContext2(L->C, s, strlen(s)));
}

/* An identity operand: x - 0, x + -0, x * 1, x / 1, x * -1, -0 - x. */
static int
identity_operand(LLVMValueRef v)
{
	LLVMBool lossy;
	double d;

	if (!LLVMIsAConstantFP(v))
		return 0;
	d = LLVMConstRealGetDouble(v, &lossy);
	return d == 0.0 || d == 1.0 || d == -1.0;
}

/* Float arithmetic.  LLVM folds x * 1.0 to x and the like, which is
 * exact except that a signalling NaN then stays signalling, where wasm
 * requires an arithmetic (quiet) NaN; with such a constant operand the
 * strict form keeps the operation. */
LLVMValueRef
arith(struct lower *L, LLVMOpcode op, LLVMValueRef a, LLVMValueRef b)
{
	static const char *const names[] = {
		[LLVMFAdd] = "llvm.experimental.constrained.fadd", [LLVMFSub] = "llvm.experimental.constrained.fsub",
		[LLVMFMul] = "llvm.experimental.constrained.fmul", [LLVMFDiv] = "llvm.experimental.constrained.fdiv",
	};
	LLVMTypeRef t = LLVMTypeOf(a);
	LLVMValueRef args[4] = {a, b, fp_md(L, "round.tonearest"), fp_md(L, "fpexcept.strict")};

	if (identity_operand(a) || identity_operand(b))
		return call_intrinsic(L, names[op], &t, 1, args, 4);
	return LLVMBuildBinOp(L->B, op, a, b, "");
}

/* Integer ops shared by i32 and i64, by their i32 opcode. */
static LLVMValueRef
int_op(struct lower *L, enum op op, LLVMValueRef *a)
{
	switch (op) {
	case OP_I32_EQZ: return icmp(L, LLVMIntEQ, a[0], LLVMConstNull(LLVMTypeOf(a[0])));
	case OP_I32_EQ: return icmp(L, LLVMIntEQ, a[0], a[1]);
	case OP_I32_NE: return icmp(L, LLVMIntNE, a[0], a[1]);
	case OP_I32_LT_S: return icmp(L, LLVMIntSLT, a[0], a[1]);
	case OP_I32_LT_U: return icmp(L, LLVMIntULT, a[0], a[1]);
	case OP_I32_GT_S: return icmp(L, LLVMIntSGT, a[0], a[1]);
	case OP_I32_GT_U: return icmp(L, LLVMIntUGT, a[0], a[1]);
	case OP_I32_LE_S: return icmp(L, LLVMIntSLE, a[0], a[1]);
	case OP_I32_LE_U: return icmp(L, LLVMIntULE, a[0], a[1]);
	case OP_I32_GE_S: return icmp(L, LLVMIntSGE, a[0], a[1]);
	case OP_I32_GE_U: return icmp(L, LLVMIntUGE, a[0], a[1]);
	case OP_I32_CLZ: return bit_count(L, "llvm.ctlz", a[0]);
	case OP_I32_CTZ: return bit_count(L, "llvm.cttz", a[0]);
	case OP_I32_POPCNT: return intrinsic1(L, "llvm.ctpop", a[0]);
	case OP_I32_ADD: return LLVMBuildAdd(L->B, a[0], a[1], "");
	case OP_I32_SUB: return LLVMBuildSub(L->B, a[0], a[1], "");
	case OP_I32_MUL: return LLVMBuildMul(L->B, a[0], a[1], "");
	case OP_I32_DIV_S: case OP_I32_DIV_U: case OP_I32_REM_S: case OP_I32_REM_U:
		return divide(L, op, a[0], a[1]);
	case OP_I32_AND: return LLVMBuildAnd(L->B, a[0], a[1], "");
	case OP_I32_OR: return LLVMBuildOr(L->B, a[0], a[1], "");
	case OP_I32_XOR: return LLVMBuildXor(L->B, a[0], a[1], "");
	case OP_I32_SHL: return LLVMBuildShl(L->B, a[0], shift_count(L, a[1]), "");
	case OP_I32_SHR_S: return LLVMBuildAShr(L->B, a[0], shift_count(L, a[1]), "");
	case OP_I32_SHR_U: return LLVMBuildLShr(L->B, a[0], shift_count(L, a[1]), "");
	case OP_I32_ROTL: return rotate(L, "llvm.fshl", a[0], a[1]);
	case OP_I32_ROTR: return rotate(L, "llvm.fshr", a[0], a[1]);
	default: return NULL;
	}
}

/* i64 opcode -> the i32 opcode of the same operation. */
static enum op
as_i32_op(enum op op)
{
	if (op >= OP_I64_EQZ && op <= OP_I64_GE_U)
		return (enum op)(op - OP_I64_EQZ + OP_I32_EQZ);
	if (op >= OP_I64_CLZ && op <= OP_I64_ROTR)
		return (enum op)(op - OP_I64_CLZ + OP_I32_CLZ);
	return op;
}

static LLVMValueRef
float_op(struct lower *L, enum op op, LLVMValueRef *a)
{
	switch (op) {
	case OP_F32_EQ: return fcmp(L, LLVMRealOEQ, a[0], a[1]);
	case OP_F32_NE: return fcmp(L, LLVMRealUNE, a[0], a[1]);
	case OP_F32_LT: return fcmp(L, LLVMRealOLT, a[0], a[1]);
	case OP_F32_GT: return fcmp(L, LLVMRealOGT, a[0], a[1]);
	case OP_F32_LE: return fcmp(L, LLVMRealOLE, a[0], a[1]);
	case OP_F32_GE: return fcmp(L, LLVMRealOGE, a[0], a[1]);
	case OP_F32_ABS: return intrinsic1(L, "llvm.fabs", a[0]);
	case OP_F32_NEG: return LLVMBuildFNeg(L->B, a[0], "");
	case OP_F32_CEIL: return intrinsic1(L, "llvm.ceil", a[0]);
	case OP_F32_FLOOR: return intrinsic1(L, "llvm.floor", a[0]);
	case OP_F32_TRUNC: return intrinsic1(L, "llvm.trunc", a[0]);
	case OP_F32_NEAREST: return intrinsic1(L, "llvm.nearbyint", a[0]);
	case OP_F32_SQRT: return intrinsic1(L, "llvm.sqrt", a[0]);
	case OP_F32_ADD: return arith(L, LLVMFAdd, a[0], a[1]);
	case OP_F32_SUB: return arith(L, LLVMFSub, a[0], a[1]);
	case OP_F32_MUL: return arith(L, LLVMFMul, a[0], a[1]);
	case OP_F32_DIV: return arith(L, LLVMFDiv, a[0], a[1]);
	case OP_F32_MIN: return float_minmax(L, a[0], a[1], 0);
	case OP_F32_MAX: return float_minmax(L, a[0], a[1], 1);
	case OP_F32_COPYSIGN: {
		LLVMTypeRef t = LLVMTypeOf(a[0]);
		return call_intrinsic(L, "llvm.copysign", &t, 1, a, 2);
	}
	default: return NULL;
	}
}

static enum op
as_f32_op(enum op op)
{
	if (op >= OP_F64_EQ && op <= OP_F64_GE)
		return (enum op)(op - OP_F64_EQ + OP_F32_EQ);
	if (op >= OP_F64_ABS && op <= OP_F64_COPYSIGN)
		return (enum op)(op - OP_F64_ABS + OP_F32_ABS);
	return op;
}

static LLVMValueRef
convert(struct lower *L, enum op op, LLVMValueRef x)
{
	LLVMBuilderRef B = L->B;

	switch (op) {
	case OP_I32_WRAP_I64: return LLVMBuildTrunc(B, x, L->i32, "");
	case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F64_S: return trunc_checked(L, x, L->i32, 1);
	case OP_I32_TRUNC_F32_U: case OP_I32_TRUNC_F64_U: return trunc_checked(L, x, L->i32, 0);
	case OP_I64_TRUNC_F32_S: case OP_I64_TRUNC_F64_S: return trunc_checked(L, x, L->i64, 1);
	case OP_I64_TRUNC_F32_U: case OP_I64_TRUNC_F64_U: return trunc_checked(L, x, L->i64, 0);
	case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F64_S: return trunc_sat(L, x, L->i32, 1);
	case OP_I32_TRUNC_SAT_F32_U: case OP_I32_TRUNC_SAT_F64_U: return trunc_sat(L, x, L->i32, 0);
	case OP_I64_TRUNC_SAT_F32_S: case OP_I64_TRUNC_SAT_F64_S: return trunc_sat(L, x, L->i64, 1);
	case OP_I64_TRUNC_SAT_F32_U: case OP_I64_TRUNC_SAT_F64_U: return trunc_sat(L, x, L->i64, 0);
	case OP_I64_EXTEND_I32_S: return LLVMBuildSExt(B, x, L->i64, "");
	case OP_I64_EXTEND_I32_U: return LLVMBuildZExt(B, x, L->i64, "");
	case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I64_S: return LLVMBuildSIToFP(B, x, L->f32, "");
	case OP_F32_CONVERT_I32_U: case OP_F32_CONVERT_I64_U: return LLVMBuildUIToFP(B, x, L->f32, "");
	case OP_F64_CONVERT_I32_S: case OP_F64_CONVERT_I64_S: return LLVMBuildSIToFP(B, x, L->f64, "");
	case OP_F64_CONVERT_I32_U: case OP_F64_CONVERT_I64_U: return LLVMBuildUIToFP(B, x, L->f64, "");
	case OP_F32_DEMOTE_F64:
		/* demote(promote(x)) is folded to x, which keeps a signalling NaN */
		if (LLVMIsAFPExtInst(x)) {
			LLVMTypeRef tys[2] = {L->f32, L->f64};
			LLVMValueRef args[3] = {x, fp_md(L, "round.tonearest"), fp_md(L, "fpexcept.strict")};
			return call_intrinsic(L, "llvm.experimental.constrained.fptrunc", tys, 2, args, 3);
		}
		return LLVMBuildFPTrunc(B, x, L->f32, "");
	case OP_F64_PROMOTE_F32: return LLVMBuildFPExt(B, x, L->f64, "");
	case OP_I32_REINTERPRET_F32: return LLVMBuildBitCast(B, x, L->i32, "");
	case OP_I64_REINTERPRET_F64: return LLVMBuildBitCast(B, x, L->i64, "");
	case OP_F32_REINTERPRET_I32: return LLVMBuildBitCast(B, x, L->f32, "");
	case OP_F64_REINTERPRET_I64: return LLVMBuildBitCast(B, x, L->f64, "");
	case OP_I32_EXTEND8_S: case OP_I64_EXTEND8_S: return sext_from(L, x, L->i8);
	case OP_I32_EXTEND16_S: case OP_I64_EXTEND16_S: return sext_from(L, x, L->i16);
	case OP_I64_EXTEND32_S: return sext_from(L, x, L->i32);
	default: return NULL;
	}
}

int
lower_numeric(struct lower *L, const struct instr *in)
{
	const struct opinfo *o = &opinfo[in->op];
	LLVMValueRef a[3], r;

	if (constant(L, in))
		return 1;
	if (o->prefix == 0xfd || o->imm != IMM_NONE || o->sig[0] == '*')
		return 0;
	pop_operands(L, in, a);
	if (!(r = int_op(L, as_i32_op(in->op), a)) && !(r = float_op(L, as_f32_op(in->op), a)) &&
	    !(r = convert(L, in->op, a[0])))
		lower_error(L, "no lowering");
	if (in->op == OP_I32_ADD)
		addr_add(L, r, a[0], a[1]);
	push(L, r);
	return 1;
}
