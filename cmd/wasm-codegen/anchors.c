/*
 * Load anchors, after the pass pipeline.
 *
 * A wasm load that traps must trap even when its value is never used,
 * so wasm-lower keeps every guard-mode load alive through the
 * optimiser: it xors the loaded bits into a per-function sink that the
 * function's exits use (an empty inline asm before each return, the
 * trap and interrupt stubs' last argument).  The xor also makes every
 * bit of the load wanted, so that no pass narrows a 4-byte load to 1
 * byte and loses a trap at the end of memory.  A sink is a reduction
 * LLVM's vectoriser understands, so loops still vectorise; but in the
 * final code each load then costs an xor on a chain through the loop
 * (a vector xor and a register, vectorised), and on the float kernels
 * of bench/compute.py that chain was a quarter to a half of the time.
 *
 * Once the pipeline is done, nothing deletes a used load any more but
 * the code generator's own combines, and those keep a load whose full
 * value an inline asm takes.  So here every load that reaches a sink
 * gets an anchor of its own, right after it: an empty asm with side
 * effects that takes the value in a register (no instruction), and the
 * sinks and their xor trees go.  A function whose trees hold anything
 * but the shapes below is left as it is, sinks and all: that is always
 * correct, only slower.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "codegen.h"
#include "diag.h"

/* A set of values, open addressing (trees can hold thousands). */
struct vset {
	LLVMValueRef *slot;
	size_t cap, n;
};

static size_t
hash_ptr(LLVMValueRef v, size_t cap)
{
	uintptr_t x = (uintptr_t)v;

	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15u;
	return (size_t)(x >> 7) & (cap - 1);
}

static int
vset_has(const struct vset *s, LLVMValueRef v)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = hash_ptr(v, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == v)
			return 1;
	return 0;
}

/* Adds v; 0 if it was there. */
static int
vset_add(struct vset *s, LLVMValueRef v)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct vset t = {xcalloc(s->cap ? 2 * s->cap : 64, sizeof *t.slot), s->cap ? 2 * s->cap : 64, 0};
		for (i = 0; i < s->cap; i++)
			if (s->slot[i])
				vset_add(&t, s->slot[i]);
		free(s->slot);
		*s = t;
	}
	for (i = hash_ptr(v, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == v)
			return 0;
	s->slot[i] = v;
	s->n++;
	return 1;
}

/* A growable list of values. */
struct vlist {
	LLVMValueRef *v;
	size_t n, cap;
};

static void
vlist_push(struct vlist *l, LLVMValueRef v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = v;
}

/* A call that takes a sink, and which of its arguments. */
struct root {
	LLVMValueRef call;
	unsigned arg;
};

struct fn_state {
	struct vset seen;           /* tree nodes and leaves */
	struct vlist nodes;         /* tree nodes: may go */
	struct vlist leaves;        /* loads: get an anchor */
	struct root *roots;         /* anchor calls, stub calls */
	size_t nroots, rootcap;
	struct vlist stack;
};

static int
name_starts(LLVMValueRef fn, const char *prefix)
{
	size_t len;
	const char *name = LLVMGetValueName2(fn, &len);

	return len >= strlen(prefix) && !strncmp(name, prefix, strlen(prefix));
}

/* The bits of a first-class value's type, 0 if not a plain scalar or
 * a vector of them. */
static unsigned
type_bits(LLVMTypeRef t)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind: return LLVMGetIntTypeWidth(t);
	case LLVMFloatTypeKind: return 32;
	case LLVMDoubleTypeKind: return 64;
	case LLVMVectorTypeKind: {
		unsigned e = type_bits(LLVMGetElementType(t));
		return e ? e * LLVMGetVectorSize(t) : 0;
	}
	default: return 0;
	}
}

/* Can a value of type t be anchored (make_anchor)?  Up to 64 bits in
 * a general register, or a vector in whole 128-bit pieces. */
static int
anchorable(LLVMTypeRef t)
{
	unsigned bits = type_bits(t);

	return bits == 8 || bits == 16 || bits == 32 || bits == 64 ||
	       (LLVMGetTypeKind(t) == LLVMVectorTypeKind && bits % 128 == 0);
}

/* A leaf: a load, or a masked load or gather. */
static int
is_leaf(LLVMValueRef v)
{
	LLVMValueRef callee;

	if (LLVMGetInstructionOpcode(v) == LLVMLoad)
		return !LLVMGetVolatile(v);
	if (LLVMGetInstructionOpcode(v) != LLVMCall)
		return 0;
	callee = LLVMGetCalledValue(v);
	return LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee) &&
	       (name_starts(callee, "llvm.masked.load.") || name_starts(callee, "llvm.masked.gather."));
}

/* An instruction a sink's value may pass through: its operands are
 * the tree's too. */
static int
is_node(LLVMValueRef v)
{
	LLVMValueRef callee;

	switch (LLVMGetInstructionOpcode(v)) {
	case LLVMXor: case LLVMOr: case LLVMAnd: case LLVMShl: case LLVMLShr:
	case LLVMBitCast: case LLVMZExt: case LLVMSExt: case LLVMTrunc:
	case LLVMExtractElement: case LLVMInsertElement: case LLVMShuffleVector:
	case LLVMPHI: case LLVMSelect: case LLVMFreeze:
		return 1;
	case LLVMCall:
		callee = LLVMGetCalledValue(v);
		return LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee) &&
		       (name_starts(callee, "llvm.vector.reduce.xor.") || name_starts(callee, "llvm.vector.reduce.or.") ||
		        name_starts(callee, "llvm.vector.reduce.and."));
	default:
		return 0;
	}
}

/* Walk the tree below v: 0 if it holds something else. */
static int
walk(struct fn_state *s, LLVMValueRef v)
{
	s->stack.n = 0;
	vlist_push(&s->stack, v);
	while (s->stack.n) {
		LLVMValueRef x = s->stack.v[--s->stack.n];
		int i, n;
		if (LLVMIsAConstant(x))
			continue;
		if (!LLVMIsAInstruction(x))
			return 0;
		if (!vset_add(&s->seen, x))
			continue;
		if (is_leaf(x)) {
			if (!anchorable(LLVMTypeOf(x)))
				return 0;
			vlist_push(&s->leaves, x);
			continue;
		}
		if (!is_node(x))
			return 0;
		vlist_push(&s->nodes, x);
		n = LLVMGetNumOperands(x);
		if (LLVMGetInstructionOpcode(x) == LLVMCall)
			n = (int)LLVMGetNumArgOperands(x);
		for (i = 0; i < n; i++)
			vlist_push(&s->stack, LLVMGetOperand(x, (unsigned)i));
	}
	return 1;
}

static LLVMValueRef
inline_asm_call(LLVMBuilderRef b, LLVMValueRef v, const char *constraint)
{
	static const char *const attrs[] = {"nounwind", "inaccessiblememonly", "willreturn"};
	LLVMContextRef ctx = LLVMGetTypeContext(LLVMTypeOf(v));
	LLVMTypeRef ty = LLVMTypeOf(v), fnty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), &ty, 1, 0);
	LLVMValueRef asmv = LLVMGetInlineAsm(fnty, "", 0, (char *)constraint, strlen(constraint), 1, 0,
	                                     LLVMInlineAsmDialectATT, 0);
	LLVMValueRef call = LLVMBuildCall2(b, fnty, asmv, &v, 1, "");
	size_t i;

	for (i = 0; i < sizeof attrs / sizeof *attrs; i++)
		LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
		                         LLVMCreateEnumAttribute(ctx, LLVMGetEnumAttributeKindForName(
		                                                          attrs[i], strlen(attrs[i])), 0));
	return call;
}

/*
 * An anchor of v at the builder: scalars in a general or vector
 * register as they are; vectors as integers (up to 64 bits) or as
 * vectors of i32 (a type the registers take whatever the element),
 * in pieces of the widest vector register that divides them (a
 * register takes 128, 256 or 512 bits, not the 384 of an interleaved
 * group of three 4-lane vectors).
 */
static void
make_anchor(LLVMBuilderRef b, LLVMValueRef v, unsigned maxbits)
{
	LLVMTypeRef t = LLVMTypeOf(v);
	LLVMContextRef ctx = LLVMGetTypeContext(t);
	LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
	unsigned bits = type_bits(t), chunk, off, k;

	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind: inline_asm_call(b, v, "r"); return;
	case LLVMFloatTypeKind: case LLVMDoubleTypeKind: inline_asm_call(b, v, "x"); return;
	default: break;
	}
	if (bits <= 64) {
		inline_asm_call(b, LLVMBuildBitCast(b, v, LLVMIntTypeInContext(ctx, bits), ""), "r");
		return;
	}
	v = LLVMBuildBitCast(b, v, LLVMVectorType(i32, bits / 32), "");
	for (chunk = maxbits; bits % chunk; chunk /= 2)
		;
	for (off = 0; off < bits; off += chunk) {
		LLVMValueRef piece = v, mask[16];
		if (chunk < bits) {
			for (k = 0; k < chunk / 32; k++)
				mask[k] = LLVMConstInt(i32, off / 32 + k, 0);
			piece = LLVMBuildShuffleVector(b, v, LLVMGetUndef(LLVMTypeOf(v)), LLVMConstVector(mask, chunk / 32), "");
		}
		inline_asm_call(b, piece, chunk > 256 ? "v" : "x");
	}
}

/*
 * The stubs' sink parameters.  The pipeline may have removed or
 * specialised parameters of the trap and interrupt stubs (all calls
 * passing the same constant), so the sink is found from the stub's
 * body: the parameter its anchor takes.  -1: none (the sink was a
 * constant everywhere).
 */
struct stub {
	LLVMValueRef fn;
	int sink;
};

static int
stub_sink(LLVMValueRef fn)
{
	LLVMBasicBlockRef bb;
	LLVMValueRef in, v;
	unsigned i;

	for (bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
			if (LLVMGetInstructionOpcode(in) != LLVMCall || !LLVMIsAInlineAsm(LLVMGetCalledValue(in)) ||
			    LLVMGetNumArgOperands(in) != 1)
				continue;
			v = LLVMGetOperand(in, 0);
			for (i = 0; i < LLVMCountParams(fn); i++)
				if (LLVMGetParam(fn, i) == v)
					return (int)i;
		}
	return -1;
}

static void
add_root(struct fn_state *s, LLVMValueRef call, unsigned arg)
{
	if (s->nroots == s->rootcap) {
		s->rootcap = s->rootcap ? 2 * s->rootcap : 16;
		s->roots = xrealloc(s->roots, s->rootcap * sizeof *s->roots);
	}
	s->roots[s->nroots].call = call;
	s->roots[s->nroots++].arg = arg;
}

/* The roots in fn: wasm-lower's empty asm anchors (its only inline
 * asm) and the calls of the stubs that still take a sink. */
static void
find_roots(struct fn_state *s, LLVMValueRef fn, const struct stub *stubs, size_t nstubs)
{
	LLVMBasicBlockRef bb;
	LLVMValueRef in, callee;
	size_t k;

	for (bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
			if (LLVMGetInstructionOpcode(in) != LLVMCall)
				continue;
			callee = LLVMGetCalledValue(in);
			if (LLVMIsAInlineAsm(callee)) {
				if (LLVMGetNumArgOperands(in) == 1)
					add_root(s, in, 0);
				continue;
			}
			for (k = 0; k < nstubs; k++)
				if (callee == stubs[k].fn && stubs[k].sink >= 0 &&
				    (unsigned)stubs[k].sink < LLVMGetNumArgOperands(in))
					add_root(s, in, (unsigned)stubs[k].sink);
		}
}

/* The tree nodes that nothing else uses, through other nodes or not:
 * erase them.  A node is live if a user is not a node, or is a live
 * node (a worklist from the users down: linear in the tree). */
static void
erase_dead(struct fn_state *s)
{
	struct vset nodes = {0}, live = {0};
	struct vlist work = {0};
	size_t i, j;

	for (i = 0; i < s->nodes.n; i++)
		vset_add(&nodes, s->nodes.v[i]);
	for (i = 0; i < s->nodes.n; i++) {
		LLVMUseRef u;
		for (u = LLVMGetFirstUse(s->nodes.v[i]); u; u = LLVMGetNextUse(u))
			if (!vset_has(&nodes, LLVMGetUser(u))) {
				if (vset_add(&live, s->nodes.v[i]))
					vlist_push(&work, s->nodes.v[i]);
				break;
			}
	}
	while (work.n) {
		LLVMValueRef x = work.v[--work.n];
		int k, n = LLVMGetNumOperands(x);
		for (k = 0; k < n; k++) {
			LLVMValueRef o = LLVMGetOperand(x, (unsigned)k);
			if (vset_has(&nodes, o) && vset_add(&live, o))
				vlist_push(&work, o);
		}
	}
	for (i = j = 0; i < s->nodes.n; i++)
		if (!vset_has(&live, s->nodes.v[i]))
			s->nodes.v[j++] = s->nodes.v[i];
	s->nodes.n = j;
	for (i = 0; i < s->nodes.n; i++)
		LLVMReplaceAllUsesWith(s->nodes.v[i], LLVMGetUndef(LLVMTypeOf(s->nodes.v[i])));
	for (i = 0; i < s->nodes.n; i++)
		LLVMInstructionEraseFromParent(s->nodes.v[i]);
	free(nodes.slot);
	free(live.slot);
	free(work.v);
}

/*
 * Whether a use of load v already keeps it, whole, through code
 * generation: a store of the value itself, or, for a scalar float or
 * double, a floating-point operation on it (there is no narrower
 * float to load, and without fast-math flags the code generator folds
 * no such operation away).  Then the load needs no anchor and may fold
 * into the instruction that uses it (a mulsd from memory).  Integer
 * operations do not count (the code generator narrows a load whose
 * high bits no use needs), nor vector ones (it loads the one lane that
 * an extract of the result needs).
 */
static int
kept_by_use(LLVMValueRef v)
{
	LLVMTypeKind k = LLVMGetTypeKind(LLVMTypeOf(v));
	int fp = k == LLVMFloatTypeKind || k == LLVMDoubleTypeKind;
	LLVMUseRef u;

	for (u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (!LLVMIsAInstruction(user))
			continue;
		switch (LLVMGetInstructionOpcode(user)) {
		case LLVMStore:
			if (LLVMGetOperand(user, 0) == v)
				return 1;
			break;
		case LLVMFAdd: case LLVMFSub: case LLVMFMul: case LLVMFDiv: case LLVMFRem: case LLVMFCmp: case LLVMFNeg:
			if (fp)
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static void
rewrite_function(LLVMValueRef fn, unsigned maxbits, LLVMBuilderRef b, const struct stub *stubs, size_t nstubs)
{
	struct fn_state s = {0};
	size_t i, k;

	for (k = 0; k < nstubs; k++)
		if (stubs[k].fn == fn)
			return;
	find_roots(&s, fn, stubs, nstubs);
	for (i = 0; i < s.nroots; i++)
		if (!walk(&s, LLVMGetOperand(s.roots[i].call, s.roots[i].arg)))
			goto out;
	for (i = 0; i < s.leaves.n; i++) {
		if (kept_by_use(s.leaves.v[i]))
			continue;
		LLVMPositionBuilderBefore(b, LLVMGetNextInstruction(s.leaves.v[i]));
		make_anchor(b, s.leaves.v[i], maxbits);
	}
	for (i = 0; i < s.nroots; i++) {
		LLVMValueRef r = s.roots[i].call;
		unsigned a = s.roots[i].arg;
		if (LLVMIsAInlineAsm(LLVMGetCalledValue(r)))
			LLVMInstructionEraseFromParent(r);
		else
			LLVMSetOperand(r, a, LLVMConstNull(LLVMTypeOf(LLVMGetOperand(r, a))));
	}
	erase_dead(&s);
out:
	free(s.seen.slot);
	free(s.nodes.v);
	free(s.leaves.v);
	free(s.roots);
	free(s.stack.v);
}

static int
is_stub(LLVMValueRef fn)
{
	return name_starts(fn, "wasm_aot_trap") || name_starts(fn, "wasm_aot_interrupt");
}

void
anchors_rewrite(LLVMModuleRef mod, unsigned maxbits)
{
	unsigned optnone = LLVMGetEnumAttributeKindForName("optnone", 7);
	LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(mod));
	struct stub stubs[8];
	size_t nstubs = 0;
	LLVMValueRef fn;

	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn) && is_stub(fn)) {
			if (nstubs == sizeof stubs / sizeof *stubs)
				goto out; /* not wasm-lower's module: leave it */
			stubs[nstubs].fn = fn;
			stubs[nstubs++].sink = stub_sink(fn);
		}
	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn) && !LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, optnone))
			rewrite_function(fn, maxbits, b, stubs, nstubs);
out:
	LLVMDisposeBuilder(b);
}
