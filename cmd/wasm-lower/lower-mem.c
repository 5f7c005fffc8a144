/*
 * Linear memory: loads and stores with static offsets, in guard mode
 * (no check unless the offset reaches past the guard) or bounds-check
 * mode; memory.size and memory.grow; bulk memory through the runtime.
 */
#include <string.h>

#include "diag.h"
#include "lower.h"

/* Whether an access of size bytes at offset gets an explicit bounds
 * check: in bounds-check mode, and where the guard pages cannot catch
 * it. */
static int
checked(const struct lower *L, uint64_t offset, unsigned size)
{
	return L->bounds_checks || offset + size > HEAP_GUARD;
}

/* The address of `size` bytes at addr32 + offset, trapping if out of
 * bounds where the guard pages cannot catch it. */
LLVMValueRef
mem_address(struct lower *L, LLVMValueRef addr32, uint64_t offset, unsigned size)
{
	LLVMValueRef ea = LLVMBuildZExt(L->B, addr32, L->i64, "");

	if (!L->mem_base)
		lower_error(L, "no memory");
	if (offset) /* most offsets are 0: no add to build, parse and fold */
		ea = LLVMBuildAdd(L->B, ea, const_i64(L, offset), "");
	if (checked(L, offset, size)) {
		LLVMValueRef mem = field(L, L->ctx, VM_MEM0, L->ptr);
		LLVMValueRef msize = field(L, mem, MEM_SIZE, L->i64);
		LLVMValueRef end = LLVMBuildAdd(L->B, ea, const_i64(L, size), "");
		trap_if(L, LLVMBuildICmp(L->B, LLVMIntUGT, end, msize, ""), WA_TRAP_MEM_OOB);
	}
	return LLVMBuildInBoundsGEP2(L->B, L->i8, L->mem_base, &ea, 1, "");
}

/*
 * In guard mode a load traps only by touching memory, and LLVM deletes
 * a load whose value is unused (after inlining, a callee's load can end
 * up unused in its caller) or narrows one of which only some bytes are
 * used (then the bytes past the end of memory are not touched).  So
 * every such load's value, all of its bits, goes into one of the
 * function's sinks: an i32, an i64 and a vector accumulating the loaded
 * values by xor.  The sinks, folded into one i64, are used by an empty
 * inline asm with a side effect before the function returns, and are
 * passed to the trap stub on every trap path, so that no load can be
 * left out or moved below a trap it should come before.  Unlike an
 * anchor per load (an asm call, which LLVM cannot vectorise), an xor
 * accumulation is a reduction the loop vectoriser knows, and costs one
 * xor per load (per vector of loads).  A load whose bounds are checked
 * explicitly needs none of this.
 */
void
sink_begin(struct lower *L)
{
	LLVMTypeRef v2 = LLVMVectorType(L->i64, 2);

	L->sink32 = L->sink64 = L->sinkv = NULL;
	if (L->bounds_checks || L->elide_dead_loads || !mod_nmems(L->m))
		return;
	L->sink32 = LLVMBuildAlloca(L->B, L->i32, "");
	L->sink64 = LLVMBuildAlloca(L->B, L->i64, "");
	L->sinkv = LLVMBuildAlloca(L->B, v2, "");
	LLVMBuildStore(L->B, const_i32(L, 0), L->sink32);
	LLVMBuildStore(L->B, const_i64(L, 0), L->sink64);
	LLVMBuildStore(L->B, LLVMConstNull(v2), L->sinkv);
}

static void
sink_xor(struct lower *L, LLVMValueRef sink, LLVMValueRef v)
{
	LLVMTypeRef ty = LLVMTypeOf(v);

	LLVMBuildStore(L->B, LLVMBuildXor(L->B, LLVMBuildLoad2(L->B, ty, sink, ""), v, ""), sink);
}

/* Whether the load went to the sinks (so LLVM cannot drop it). */
int
keep_load(struct lower *L, LLVMValueRef load, uint64_t offset, unsigned size)
{
	LLVMTypeRef ty = LLVMTypeOf(load);
	LLVMTypeKind k = LLVMGetTypeKind(ty);

	if (!L->sink32 || checked(L, offset, size))
		return 0;
	switch (k) {
	case LLVMIntegerTypeKind:
		if (LLVMGetIntTypeWidth(ty) == 64)
			sink_xor(L, L->sink64, load);
		else
			sink_xor(L, L->sink32, LLVMBuildZExt(L->B, load, L->i32, ""));
		return 1;
	case LLVMFloatTypeKind:
		sink_xor(L, L->sink32, LLVMBuildBitCast(L->B, load, L->i32, ""));
		return 1;
	case LLVMDoubleTypeKind:
		sink_xor(L, L->sink64, LLVMBuildBitCast(L->B, load, L->i64, ""));
		return 1;
	case LLVMVectorTypeKind: {
		/* v128, or the 64 bits of a load8x8_s and the like */
		LLVMTypeRef e = LLVMGetElementType(ty);
		unsigned bits = LLVMGetVectorSize(ty) * (LLVMGetTypeKind(e) == LLVMIntegerTypeKind ?
		                LLVMGetIntTypeWidth(e) : LLVMGetTypeKind(e) == LLVMFloatTypeKind ? 32 : 64);
		if (bits == 128)
			sink_xor(L, L->sinkv, LLVMBuildBitCast(L->B, load, LLVMVectorType(L->i64, 2), ""));
		else if (bits == 64)
			sink_xor(L, L->sink64, LLVMBuildBitCast(L->B, load, L->i64, ""));
		else
			die("keep_load: a vector load of %u bits", bits);
		return 1;
	}
	default:
		die("keep_load: a load of an unexpected type");
	}
}

/* The sinks folded into one i64 (0 if the function has none). */
LLVMValueRef
sink_value(struct lower *L)
{
	LLVMTypeRef v2 = LLVMVectorType(L->i64, 2);
	LLVMValueRef s, v;

	if (!L->sink32)
		return const_i64(L, 0);
	s = LLVMBuildZExt(L->B, LLVMBuildLoad2(L->B, L->i32, L->sink32, ""), L->i64, "");
	s = LLVMBuildXor(L->B, s, LLVMBuildLoad2(L->B, L->i64, L->sink64, ""), "");
	v = LLVMBuildLoad2(L->B, v2, L->sinkv, "");
	s = LLVMBuildXor(L->B, s, LLVMBuildExtractElement(L->B, v, const_i32(L, 0), ""), "");
	return LLVMBuildXor(L->B, s, LLVMBuildExtractElement(L->B, v, const_i32(L, 1), ""), "");
}

/* An empty inline asm that uses v and has a side effect, touching no
 * memory the module can see: nothing that v needs can be deleted. */
void
anchor(struct lower *L, LLVMValueRef v)
{
	static const char *attrs[] = {"nounwind", "inaccessiblememonly", "willreturn"};
	LLVMTypeRef ty = LLVMTypeOf(v), fnty = LLVMFunctionType(L->voidt, &ty, 1, 0);
	LLVMValueRef asmv = LLVMGetInlineAsm(fnty, "", 0, "r", 1, 1, 0, LLVMInlineAsmDialectATT, 0);
	LLVMValueRef call = LLVMBuildCall2(L->B, fnty, asmv, &v, 1, "");
	size_t i;

	for (i = 0; i < sizeof attrs / sizeof *attrs; i++)
		LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
		                         LLVMCreateEnumAttribute(L->C, LLVMGetEnumAttributeKindForName(
		                                                           attrs[i], strlen(attrs[i])), 0));
}

/* A load at a proven base plus a constant takes the constant into its
 * offset (lower-addr.c).  It proves its own address in bounds if it
 * cannot be dropped: its bounds are checked, or its value goes to the
 * sinks. */
static LLVMValueRef
load(struct lower *L, const struct instr *in, LLVMTypeRef ty, unsigned size)
{
	LLVMValueRef a = pop_as(L, L->i32), base, p, v;
	uint64_t more, offset;

	base = addr_fold(L, a, &more);
	offset = in->u.offset + more;
	p = mem_address(L, base, offset, size);
	p = LLVMBuildBitCast(L->B, p, LLVMPointerType(ty, 0), "");
	v = LLVMBuildLoad2(L->B, ty, p, "");
	LLVMSetAlignment(v, 1);
	if (keep_load(L, v, offset, size) || checked(L, offset, size))
		addr_accessed(L, a);
	return v;
}

static void
store(struct lower *L, const struct instr *in, LLVMTypeRef vt, LLVMTypeRef ty, unsigned size)
{
	LLVMValueRef v = pop_as(L, vt), a, p, s;

	a = pop_as(L, L->i32);
	p = mem_address(L, a, in->u.offset, size);
	if (ty != vt)
		v = LLVMBuildTrunc(L->B, v, ty, "");
	p = LLVMBuildBitCast(L->B, p, LLVMPointerType(ty, 0), "");
	s = LLVMBuildStore(L->B, v, p);
	LLVMSetAlignment(s, 1);
	addr_accessed(L, a);
}

static void
load_ext(struct lower *L, const struct instr *in, LLVMTypeRef narrow, unsigned size,
         LLVMTypeRef to, int is_signed)
{
	LLVMValueRef v = load(L, in, narrow, size);

	push(L, is_signed ? LLVMBuildSExt(L->B, v, to, "") : LLVMBuildZExt(L->B, v, to, ""));
}

/* A runtime entry point: ctx first, then the arguments as given. */
LLVMValueRef
rt_call(struct lower *L, enum rtfn which, LLVMTypeRef ret, LLVMValueRef *args, unsigned n)
{
	LLVMTypeRef params[8];
	LLVMValueRef argv[8];
	LLVMTypeRef fnty;
	unsigned i;

	params[0] = L->ptr;
	argv[0] = L->ctx;
	for (i = 0; i < n; i++) {
		params[i + 1] = LLVMTypeOf(args[i]);
		argv[i + 1] = args[i];
	}
	fnty = LLVMFunctionType(ret, params, n + 1, 0);
	return LLVMBuildCall2(L->B, fnty, rt_fn(L, which, fnty), argv, n + 1, "");
}

static void
bulk(struct lower *L, const struct instr *in)
{
	LLVMValueRef a[5];

	switch (in->op) {
	case OP_MEMORY_INIT:
		a[3] = pop_as(L, L->i32), a[2] = pop_as(L, L->i32), a[1] = pop_as(L, L->i32);
		a[0] = const_i32(L, in->idx);
		rt_call(L, RT_MEMORY_INIT, L->voidt, a, 4);
		break;
	case OP_DATA_DROP:
		a[0] = const_i32(L, in->idx);
		rt_call(L, RT_DATA_DROP, L->voidt, a, 1);
		break;
	case OP_MEMORY_COPY:
	case OP_MEMORY_FILL:
		a[2] = pop_as(L, L->i32), a[1] = pop_as(L, L->i32), a[0] = pop_as(L, L->i32);
		rt_call(L, in->op == OP_MEMORY_COPY ? RT_MEMORY_COPY : RT_MEMORY_FILL, L->voidt, a, 3);
		break;
	default:
		break;
	}
}

int
lower_memory(struct lower *L, const struct instr *in)
{
	LLVMValueRef a[2];

	switch (in->op) {
	case OP_I32_LOAD: push(L, load(L, in, L->i32, 4)); return 1;
	case OP_I64_LOAD: push(L, load(L, in, L->i64, 8)); return 1;
	case OP_F32_LOAD: push(L, load(L, in, L->f32, 4)); return 1;
	case OP_F64_LOAD: push(L, load(L, in, L->f64, 8)); return 1;
	case OP_I32_LOAD8_S: load_ext(L, in, L->i8, 1, L->i32, 1); return 1;
	case OP_I32_LOAD8_U: load_ext(L, in, L->i8, 1, L->i32, 0); return 1;
	case OP_I32_LOAD16_S: load_ext(L, in, L->i16, 2, L->i32, 1); return 1;
	case OP_I32_LOAD16_U: load_ext(L, in, L->i16, 2, L->i32, 0); return 1;
	case OP_I64_LOAD8_S: load_ext(L, in, L->i8, 1, L->i64, 1); return 1;
	case OP_I64_LOAD8_U: load_ext(L, in, L->i8, 1, L->i64, 0); return 1;
	case OP_I64_LOAD16_S: load_ext(L, in, L->i16, 2, L->i64, 1); return 1;
	case OP_I64_LOAD16_U: load_ext(L, in, L->i16, 2, L->i64, 0); return 1;
	case OP_I64_LOAD32_S: load_ext(L, in, L->i32, 4, L->i64, 1); return 1;
	case OP_I64_LOAD32_U: load_ext(L, in, L->i32, 4, L->i64, 0); return 1;
	case OP_I32_STORE: store(L, in, L->i32, L->i32, 4); return 1;
	case OP_I64_STORE: store(L, in, L->i64, L->i64, 8); return 1;
	case OP_F32_STORE: store(L, in, L->f32, L->f32, 4); return 1;
	case OP_F64_STORE: store(L, in, L->f64, L->f64, 8); return 1;
	case OP_I32_STORE8: store(L, in, L->i32, L->i8, 1); return 1;
	case OP_I32_STORE16: store(L, in, L->i32, L->i16, 2); return 1;
	case OP_I64_STORE8: store(L, in, L->i64, L->i8, 1); return 1;
	case OP_I64_STORE16: store(L, in, L->i64, L->i16, 2); return 1;
	case OP_I64_STORE32: store(L, in, L->i64, L->i32, 4); return 1;
	case OP_MEMORY_SIZE: {
		LLVMValueRef mem = field(L, L->ctx, VM_MEM0, L->ptr);
		LLVMValueRef size = field(L, mem, MEM_SIZE, L->i64);
		push(L, LLVMBuildTrunc(L->B, LLVMBuildLShr(L->B, size, const_i64(L, 16), ""), L->i32, ""));
		return 1;
	}
	case OP_MEMORY_GROW:
		a[1] = pop_as(L, L->i32);
		a[0] = const_i32(L, 0);
		push(L, rt_call(L, RT_MEMORY_GROW, L->i32, a, 2));
		return 1;
	case OP_MEMORY_INIT: case OP_DATA_DROP: case OP_MEMORY_COPY: case OP_MEMORY_FILL:
		bulk(L, in);
		return 1;
	}
	return 0;
}
