/*
 * Module-level lowering: LLVM types, function declarations, and the
 * per-function driver that hands each instruction to its family
 * (control, variables, memory, numeric, SIMD).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "lower.h"

void
lower_error(struct lower *L, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (L->in && L->m->text)
		error_line(L->file, L->in->pos, "function %u: %s: %s", L->fidx, opinfo[L->in->op].name, msg);
	if (L->in)
		error_offset(L->file, L->in->pos, "function %u: %s: %s", L->fidx, opinfo[L->in->op].name, msg);
	error_line(L->file, 0, "%s", msg);
}

LLVMTypeRef
llvm_type(struct lower *L, uint8_t t)
{
	switch (t) {
	case T_I32: return L->i32;
	case T_I64: return L->i64;
	case T_F32: return L->f32;
	case T_F64: return L->f64;
	case T_V128: return L->v128;
	case T_FUNCREF: case T_EXTERNREF: return L->ptr;
	}
	lower_error(L, "bad value type 0x%02x", t);
}

/* The native signature: ctx first; several results as a struct. */
LLVMTypeRef
llvm_functype(struct lower *L, const struct functype *t)
{
	LLVMTypeRef *params = xcalloc(t->nparams + 1, sizeof *params), ret;
	uint32_t i;

	params[0] = L->ptr;
	for (i = 0; i < t->nparams; i++)
		params[i + 1] = llvm_type(L, t->params[i]);
	if (t->nresults == 0) {
		ret = L->voidt;
	} else if (t->nresults == 1) {
		ret = llvm_type(L, t->results[0]);
	} else {
		LLVMTypeRef *rs = xcalloc(t->nresults, sizeof *rs);
		for (i = 0; i < t->nresults; i++)
			rs[i] = llvm_type(L, t->results[i]);
		ret = LLVMStructTypeInContext(L->C, rs, t->nresults, 0);
		free(rs);
	}
	ret = LLVMFunctionType(ret, params, t->nparams + 1, 0);
	free(params);
	return ret;
}

void
push(struct lower *L, LLVMValueRef v)
{
	if (L->sp == L->stackcap) {
		if (L->stackcap >= UINT32_MAX / 2) /* with the limits lifted */
			lower_error(L, "operand stack deeper than 2^31");
		L->stackcap = L->stackcap ? L->stackcap * 2 : 256;
		L->stack = xrealloc(L->stack, L->stackcap * sizeof *L->stack);
	}
	L->stack[L->sp++] = v;
}

LLVMValueRef
pop(struct lower *L)
{
	uint32_t floor = L->nframes ? L->frames[L->nframes - 1].height : 0;

	if (L->sp <= floor)
		lower_error(L, "operand stack underflow (run wasm-verify first)");
	return L->stack[--L->sp];
}

/* Pop, checking the LLVM type, so invalid text cannot build bad IR. */
LLVMValueRef
pop_as(struct lower *L, LLVMTypeRef ty)
{
	LLVMValueRef v = pop(L);

	if (LLVMTypeOf(v) != ty)
		lower_error(L, "operand of the wrong type (run wasm-verify first)");
	return v;
}

LLVMValueRef
peek(struct lower *L, uint32_t depth)
{
	if (L->sp <= depth)
		lower_error(L, "operand stack underflow");
	return L->stack[L->sp - 1 - depth];
}

LLVMValueRef
const_i32(struct lower *L, uint32_t v)
{
	return LLVMConstInt(L->i32, v, 0);
}

LLVMValueRef
const_i64(struct lower *L, uint64_t v)
{
	return LLVMConstInt(L->i64, v, 0);
}

LLVMValueRef
bool_to_i32(struct lower *L, LLVMValueRef b)
{
	return LLVMBuildZExt(L->B, b, L->i32, "");
}

/* Load a field of type ty at a byte offset from an i8* base. */
LLVMValueRef
field(struct lower *L, LLVMValueRef base, unsigned offset, LLVMTypeRef ty)
{
	LLVMValueRef idx = const_i64(L, offset);
	LLVMValueRef p = LLVMBuildInBoundsGEP2(L->B, L->i8, base, &idx, 1, "");

	p = LLVMBuildBitCast(L->B, p, LLVMPointerType(ty, 0), "");
	return LLVMBuildLoad2(L->B, ty, p, "");
}

/* ((i8 **) field(ctx, offset))[index]: funcs, tables, globals. */
LLVMValueRef
ctx_array_elem(struct lower *L, unsigned offset, LLVMValueRef index)
{
	LLVMValueRef arr = field(L, L->ctx, offset, L->ptrptr);
	LLVMValueRef p = LLVMBuildInBoundsGEP2(L->B, L->ptr, arr, &index, 1, "");

	return LLVMBuildLoad2(L->B, L->ptr, p, "");
}

/* The runtime entry point in slot `which` of ctx->rt. */
LLVMValueRef
rt_fn(struct lower *L, enum rtfn which, LLVMTypeRef fnty)
{
	LLVMValueRef rt = field(L, L->ctx, VM_RT, L->ptr);

	return field(L, rt, which * 8, LLVMPointerType(fnty, 0));
}

static void
add_enum_attr(struct lower *L, LLVMValueRef fn, LLVMAttributeIndex at, const char *name)
{
	LLVMAddAttributeAtIndex(fn, at, LLVMCreateEnumAttribute(L->C,
	                        LLVMGetEnumAttributeKindForName(name, strlen(name)), 0));
}

static void
add_call_attr(struct lower *L, LLVMValueRef call, const char *name)
{
	LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(L->C,
	                         LLVMGetEnumAttributeKindForName(name, strlen(name)), 0));
}

/*
 * The module's two stubs, so that a trap site is one direct call rather
 * than loads of ctx->rt and an indirect call in every function:
 *   wasm_aot_trap(ctx, code, fidx, sink)   rt->trap; noreturn
 *   wasm_aot_interrupt(ctx, fidx, sink)    rt->interrupt; returns
 * Both use the sink (keep_load) of the loads before them: a loop that
 * never ends (it is interrupted) must still have done its loads, and
 * trapped at the first out of bounds, when its only exit is the
 * interrupt.
 * The interrupt check calls the second and goes on, so it adds no exit
 * edge to a loop: an exit edge leaves every loop around it, and loop
 * passes that walk exits (loop simplification, LCSSA, GVN's load walks)
 * then cost the square of the nesting depth.  The call site says it
 * touches no guest memory, so loads still move out of a loop around
 * it: rt->interrupt either traps, or suspends a guest whose memory
 * nothing changes until it is resumed (wasm-contract(5)).
 */
static LLVMValueRef
trap_stub(struct lower *L, int interrupt)
{
	LLVMValueRef *slot = interrupt ? &L->interrupt_fn : &L->trap_fn, fn, rt, argv[3], call;
	LLVMTypeRef args[4] = {L->ptr, L->i32, L->i32, L->i64}, iargs[3] = {L->ptr, L->i32, L->i64};
	LLVMTypeRef fnty, rtty;
	LLVMBasicBlockRef saved = LLVMGetInsertBlock(L->B);
	unsigned i, n = interrupt ? 2 : 3;

	if (*slot)
		return *slot;
	rtty = LLVMFunctionType(L->voidt, args, n, 0);
	fnty = interrupt ? LLVMFunctionType(L->voidt, iargs, 3, 0) : LLVMFunctionType(L->voidt, args, 4, 0);
	fn = *slot = LLVMAddFunction(L->M, interrupt ? "wasm_aot_interrupt" : "wasm_aot_trap", fnty);
	set_func_attrs(L, fn);
	add_enum_attr(L, fn, LLVMAttributeFunctionIndex, "noinline");
	add_enum_attr(L, fn, LLVMAttributeFunctionIndex, "cold");
	if (!interrupt)
		add_enum_attr(L, fn, LLVMAttributeFunctionIndex, "noreturn");
	LLVMPositionBuilderAtEnd(L->B, LLVMAppendBasicBlockInContext(L->C, fn, "entry"));
	rt = field(L, LLVMGetParam(fn, 0), VM_RT, L->ptr);
	rt = field(L, rt, (interrupt ? RT_INTERRUPT : RT_TRAP) * 8, LLVMPointerType(rtty, 0));
	for (i = 0; i < n; i++)
		argv[i] = LLVMGetParam(fn, i);
	/* the loads before the trap or check (keep_load) */
	anchor(L, LLVMGetParam(fn, interrupt ? 2 : 3));
	call = LLVMBuildCall2(L->B, rtty, rt, argv, n, "");
	if (interrupt) {
		LLVMBuildRetVoid(L->B);
	} else {
		add_call_attr(L, call, "noreturn");
		LLVMBuildUnreachable(L->B);
	}
	if (saved)
		LLVMPositionBuilderAtEnd(L->B, saved);
	return fn;
}

/* One cold block per trap kind per function: call the trap stub with
 * the function index, so that the trap names the right function even
 * after the optimiser inlined this one into its caller. */
LLVMBasicBlockRef
trap_block(struct lower *L, enum wa_trap code)
{
	LLVMBasicBlockRef saved, bb = L->traps[code];
	LLVMValueRef fn, argv[4];

	if (bb)
		return bb;
	fn = trap_stub(L, 0);
	saved = LLVMGetInsertBlock(L->B);
	bb = L->traps[code] = LLVMAppendBasicBlockInContext(L->C, L->F, "trap");
	LLVMPositionBuilderAtEnd(L->B, bb);
	argv[0] = L->ctx;
	argv[1] = const_i32(L, code);
	argv[2] = const_i32(L, L->fidx);
	argv[3] = sink_value(L);
	LLVMBuildCall2(L->B, LLVMGlobalGetValueType(fn), fn, argv, 4, "");
	LLVMBuildUnreachable(L->B);
	LLVMPositionBuilderAtEnd(L->B, saved);
	return bb;
}

void
trap_if(struct lower *L, LLVMValueRef cond, enum wa_trap code)
{
	LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->C, L->F, "");

	LLVMBuildCondBr(L->B, cond, trap_block(L, code), ok);
	LLVMPositionBuilderAtEnd(L->B, ok);
}

LLVMValueRef
call_intrinsic(struct lower *L, const char *name, LLVMTypeRef *tys, unsigned ntys,
               LLVMValueRef *args, unsigned nargs)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn;
	LLVMTypeRef fnty;

	if (!id)
		die("no intrinsic %s", name);
	fn = LLVMGetIntrinsicDeclaration(L->M, id, tys, ntys);
	fnty = LLVMIntrinsicGetType(L->C, id, tys, ntys);
	return LLVMBuildCall2(L->B, fnty, fn, args, nargs, "");
}

/*
 * The interrupt check at function entry and loop headers (strip headers
 * in strip-mined loops): one load and a branch on the hot path.  When
 * the word is set, wasm_aot_interrupt calls rt->interrupt, which traps
 * "interrupted" (a deadline, wa_instance_interrupt) or suspends the
 * guest to its host and returns here once resumed (preemption,
 * wa_instance_preempt), so the code goes on after the call: the check
 * adds no exit edge to any loop (see trap_stub).  fidx: the i32 index
 * of the function the check is in, for the trap's report.
 */
static void
inline_check(struct lower *L, LLVMValueRef ctx, LLVMValueRef fidx, int with_sink)
{
	LLVMValueRef v = field(L, ctx, VM_INTERRUPT, L->i32), fn, argv[3], call;
	LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->C, LLVMGetBasicBlockParent(LLVMGetInsertBlock(L->B)), "interrupt");
	LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->C, LLVMGetBasicBlockParent(LLVMGetInsertBlock(L->B)), "");

	LLVMSetVolatile(v, 1);
	LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntNE, v, const_i32(L, 0), ""), slow, ok);
	LLVMPositionBuilderAtEnd(L->B, slow);
	fn = trap_stub(L, 1);
	argv[0] = ctx;
	argv[1] = fidx;
	argv[2] = with_sink ? sink_value(L) : const_i64(L, 0);
	call = LLVMBuildCall2(L->B, LLVMGlobalGetValueType(fn), fn, argv, 3, "");
	add_call_attr(L, call, "inaccessiblememonly");
	LLVMBuildBr(L->B, ok);
	LLVMPositionBuilderAtEnd(L->B, ok);
}

/* In a function left unoptimised (loops_too_deep) the check is a call
 * of wasm_aot_poll(ctx, function index), which makes it: one block per
 * loop instead of three keeps such a function's code generation fast
 * (and the code is slow anyway). */
static LLVMValueRef
poll_stub(struct lower *L)
{
	LLVMTypeRef args[2] = {L->ptr, L->i32};
	LLVMBasicBlockRef saved = LLVMGetInsertBlock(L->B);
	LLVMValueRef fn;

	if (L->poll_fn)
		return L->poll_fn;
	fn = L->poll_fn = LLVMAddFunction(L->M, "wasm_aot_poll", LLVMFunctionType(L->voidt, args, 2, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	set_func_attrs(L, fn);
	add_enum_attr(L, fn, LLVMAttributeFunctionIndex, "noinline");
	add_enum_attr(L, fn, LLVMAttributeFunctionIndex, "optnone");
	LLVMPositionBuilderAtEnd(L->B, LLVMAppendBasicBlockInContext(L->C, fn, "entry"));
	inline_check(L, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), 0);
	LLVMBuildRetVoid(L->B);
	LLVMPositionBuilderAtEnd(L->B, saved);
	return fn;
}

void
check_interrupt(struct lower *L)
{
	LLVMValueRef fn, argv[2];

	if (!L->unoptimised) {
		inline_check(L, L->ctx, const_i32(L, L->fidx), 1);
		return;
	}
	fn = poll_stub(L);
	argv[0] = L->ctx;
	argv[1] = const_i32(L, L->fidx);
	LLVMBuildCall2(L->B, LLVMGlobalGetValueType(fn), fn, argv, 2, "");
}

static void
add_attr(struct lower *L, LLVMValueRef fn, const char *k, const char *v)
{
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
	                        LLVMCreateStringAttribute(L->C, k, strlen(k), v, strlen(v)));
}

void
set_func_attrs(struct lower *L, LLVMValueRef fn)
{
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
	                        LLVMCreateEnumAttribute(L->C, LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	add_attr(L, fn, "probe-stack", "inline-asm");
	add_attr(L, fn, "no-builtins", "");
	add_attr(L, fn, "frame-pointer", "all");
	/* wasm's call stack is finite and observable: a runaway recursion
	 * must exhaust it, not become a loop by tail-call elimination */
	add_attr(L, fn, "disable-tail-calls", "true");
	LLVMSetLinkage(fn, LLVMInternalLinkage);
}

static void
function_types(struct lower *L)
{
	const struct module *m = L->m;
	uint32_t i;

	L->functypes = xcalloc(m->ntypes + 1, sizeof *L->functypes);
	for (i = 0; i < m->ntypes; i++)
		L->functypes[i] = llvm_functype(L, &m->types[i]);
	for (i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].type >= m->ntypes)
			lower_error(L, "function %u: type %u out of range", m->nfuncs_imported + i,
			            m->funcs[i].type);
}

/* Defined function i in the current LLVM module, declared when first
 * needed.  Split into partitions, every function is a hidden global:
 * the others' code and the contract (in partition 0) refer to it. */
LLVMValueRef
func_ref(struct lower *L, uint32_t i)
{
	LLVMValueRef fn = L->funcs[i];

	if (fn)
		return fn;
	fn = L->funcs[i] = LLVMAddFunction(L->M, "", L->functypes[L->m->funcs[i].type]);
	set_symbol(fn, L->names[i]);
	set_func_attrs(L, fn);
	if (L->nparts > 1) {
		LLVMSetLinkage(fn, LLVMExternalLinkage);
		LLVMSetVisibility(fn, LLVMHiddenVisibility);
	}
	return fn;
}

/*
 * A small leaf: no call, no call_indirect, no loop, and few locals and
 * instructions.  Its running time is bounded by its size and it cannot
 * recurse, so it needs neither entry check: an interrupt is seen by its
 * caller or by the next loop or call, and its frame (at most about 16
 * bytes a local or instruction: LEAF_MAX of them, 8 KiB) fits in the
 * 64 KiB margin the runtime keeps below the stack limit for host code
 * (region.c), with a guard below that, which the inline stack probes
 * would hit first.  Where the stack runs out stays deterministic: one
 * frame later than a checked leaf would have said, never in host code.
 * It has no frame pointer either ("non-leaf": LLVM keeps one wherever
 * the code makes a call, the trap path included), as with gcc's
 * -momit-leaf-frame-pointer: a profiler's frame-pointer walk misses
 * its caller.  An empty export's body is then one ret: its call round
 * trip through wa_call about 2.8 ns instead of 3.3 (bench/lifecycle).
 */
#define LEAF_MAX 512

static int
small_leaf(const struct lower *L)
{
	const struct func *fn = L->fn;
	uint32_t k;

	if (L->nlocals > LEAF_MAX || fn->ncode > LEAF_MAX - L->nlocals)
		return 0;
	for (k = 0; k < fn->ncode; k++)
		if (fn->code[k].op == OP_CALL || fn->code[k].op == OP_CALL_INDIRECT || fn->code[k].op == OP_LOOP)
			return 0;
	return 1;
}

/* Entry block: params and locals into allocas, then the checks every
 * function but a small leaf makes: stack limit, interrupt. */
static void
begin_function(struct lower *L, uint32_t i)
{
	const struct functype *t = &L->m->types[L->fn->type];
	LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(L->C, L->F, "entry");
	LLVMValueRef fp, limit, zero = const_i32(L, 0);
	uint32_t k;

	LLVMPositionBuilderAtEnd(L->B, entry);
	L->ctx = LLVMGetParam(L->F, 0);
	L->nlocals = t->nparams + L->fn->nlocals;
	L->locals = xcalloc(L->nlocals + 1, sizeof *L->locals);
	L->localtypes = xcalloc(L->nlocals + 1, 1);
	for (k = 0; k < L->nlocals; k++) {
		uint8_t vt = k < t->nparams ? t->params[k] : L->fn->locals[k - t->nparams];
		LLVMTypeRef ty = llvm_type(L, vt);
		L->localtypes[k] = vt;
		L->locals[k] = LLVMBuildAlloca(L->B, ty, "");
		LLVMBuildStore(L->B, k < t->nparams ? LLVMGetParam(L->F, k + 1) : LLVMConstNull(ty), L->locals[k]);
	}
	sink_begin(L);
	if (small_leaf(L)) {
		add_attr(L, L->F, "frame-pointer", "non-leaf");
	} else {
		fp = call_intrinsic(L, "llvm.frameaddress", &L->ptr, 1, &zero, 1);
		fp = LLVMBuildPtrToInt(L->B, fp, L->i64, "");
		limit = field(L, L->ctx, VM_STACK_LIMIT, L->i64);
		trap_if(L, LLVMBuildICmp(L->B, LLVMIntULT, fp, limit, ""), WA_TRAP_STACK_EXHAUSTED);
		check_interrupt(L);
	}
	L->mem_base = NULL;
	if (mod_nmems(L->m)) {
		L->mem_base = field(L, L->ctx, VM_MEM0_BASE, L->ptr);
		LLVMSetMetadata(L->mem_base, LLVMGetMDKindIDInContext(L->C, "invariant.load", 14),
		                LLVMMDNodeInContext(L->C, NULL, 0));
	}
	(void)i;
}

/* The memory, table, segment, function and type an instruction names
 * exist, and tables copied between hold the same type: the verifier
 * says so already, but the runtime helpers and the generated code would
 * reach past arrays if not, so wasm-lower does not take it on trust. */
static void
check_indices(struct lower *L, const struct instr *in)
{
	const struct module *m = L->m;
	const struct tabletype *t = NULL, *t2 = NULL;

	switch (opinfo[in->op].imm) {
	case IMM_MEM: case IMM_MEMLANE: case IMM_MEMIDX: case IMM_MEMCOPY:
		if (!mod_nmems(m))
			lower_error(L, "no memory");
		break;
	case IMM_MEMINIT: case IMM_DATA:
		if (in->idx >= m->ndatas || (opinfo[in->op].imm == IMM_MEMINIT && !mod_nmems(m)))
			lower_error(L, "data segment %u or memory out of range", in->idx);
		break;
	case IMM_ELEM:
		if (in->idx >= m->nelems)
			lower_error(L, "element segment %u out of range", in->idx);
		break;
	case IMM_TABLE:
		if (!mod_table(m, in->idx))
			lower_error(L, "table %u out of range", in->idx);
		break;
	case IMM_TABLECOPY:
		if (!(t = mod_table(m, in->idx)) || !(t2 = mod_table(m, in->idx2)) || t->elemtype != t2->elemtype)
			lower_error(L, "tables %u and %u out of range or of different types", in->idx, in->idx2);
		break;
	case IMM_TABLEINIT:
		if (in->idx >= m->nelems || !(t = mod_table(m, in->idx2)) || t->elemtype != m->elems[in->idx].type)
			lower_error(L, "element segment %u or table %u out of range or of different types",
			            in->idx, in->idx2);
		break;
	case IMM_CALLIND:
		if (in->idx >= m->ntypes || !(t = mod_table(m, in->idx2)) || t->elemtype != T_FUNCREF)
			lower_error(L, "type %u or funcref table %u out of range", in->idx, in->idx2);
		break;
	case IMM_FUNC:
		if (!mod_functype(m, in->idx))
			lower_error(L, "function %u out of range", in->idx);
		break;
	default:
		break;
	}
}

static void
lower_instr(struct lower *L, const struct instr *in)
{
	L->in = in;
	check_indices(L, in);
	if (in->op == OP_LOOP || in->op == OP_ELSE || in->op == OP_END)
		addr_forget(L);
	if (lower_control(L, in))
		return;
	if (L->unreachable)
		return;
	if (lower_variable(L, in) || lower_memory(L, in) || lower_numeric(L, in) || lower_simd(L, in))
		return;
	lower_error(L, "instruction not supported");
}

static void
lower_function(struct lower *L, uint32_t i)
{
	uint32_t k;

	memset(L->traps, 0, sizeof L->traps);
	L->fn = &L->m->funcs[i];
	L->fidx = L->m->nfuncs_imported + i;
	L->F = func_ref(L, i);
	L->sp = 0;
	L->nframes = 0;
	L->unreachable = 0;
	L->dead_depth = 0;
	L->in = NULL;
	if ((L->unoptimised = loops_too_deep(L->fn))) {
		add_enum_attr(L, L->F, LLVMAttributeFunctionIndex, "optnone");
		add_enum_attr(L, L->F, LLVMAttributeFunctionIndex, "noinline");
	}
	begin_function(L, i);
	addr_begin_function(L);
	ctl_begin_function(L);
	for (k = 0; k < L->fn->ncode && L->nframes; k++)
		lower_instr(L, &L->fn->code[k]);
	if (L->nframes || k != L->fn->ncode)
		lower_error(L, "function body does not end with its end");
	addr_end_function(L);
	free(L->locals);
	free(L->localtypes);
	L->locals = NULL;
	L->localtypes = NULL;
}

static void
make_types(struct lower *L)
{
	L->C = LLVMContextCreate();
	L->B = LLVMCreateBuilderInContext(L->C);
	L->i1 = LLVMInt1TypeInContext(L->C);
	L->i8 = LLVMInt8TypeInContext(L->C);
	L->i16 = LLVMInt16TypeInContext(L->C);
	L->i32 = LLVMInt32TypeInContext(L->C);
	L->i64 = LLVMInt64TypeInContext(L->C);
	L->f32 = LLVMFloatTypeInContext(L->C);
	L->f64 = LLVMDoubleTypeInContext(L->C);
	L->v128 = LLVMVectorType(L->i8, 16);
	L->ptr = LLVMPointerType(L->i8, 0);
	L->ptrptr = LLVMPointerType(L->ptr, 0);
	L->voidt = LLVMVoidTypeInContext(L->C);
	function_types(L);
	name_functions(L);
	L->funcs = xcalloc(L->m->nfuncs + 1, sizeof *L->funcs);
}

/* Does any function of the module use 128-bit SIMD? */
static int
uses_simd(const struct module *m)
{
	uint32_t f, k;

	for (f = 0; f < m->nfuncs; f++)
		for (k = 0; k < m->funcs[f].ncode; k++)
			if (opinfo[m->funcs[f].code[k].op].prefix == 0xfd)
				return 1;
	return 0;
}

/* A fresh LLVM module for partition p (of L->nparts). */
static void
begin_module(struct lower *L, uint32_t p)
{
	/* not the input's path, which would end up in the object (STT_FILE):
	 * the same module compiles to the same bytes from anywhere */
	L->M = LLVMModuleCreateWithNameInContext("wasm", L->C);
	LLVMSetSourceFileName(L->M, "wasm", 4);
	LLVMSetTarget(L->M, "x86_64-pc-linux-gnu");
	memset(L->funcs, 0, L->m->nfuncs * sizeof *L->funcs);
	L->trap_fn = L->interrupt_fn = L->poll_fn = NULL;
	if (L->nparts > 1)
		LLVMAddModuleFlag(L->M, LLVMModuleFlagBehaviorError, WA_PARTITION_FLAG,
		                  strlen(WA_PARTITION_FLAG), LLVMValueAsMetadata(const_i32(L, p)));
	if (!p)
		L->simd = uses_simd(L->m);   /* partition 0 comes first: once a module */
	if (L->simd)
		LLVMAddModuleFlag(L->M, LLVMModuleFlagBehaviorError, WA_SIMD_FLAG,
		                  strlen(WA_SIMD_FLAG), LLVMValueAsMetadata(const_i32(L, 1)));
}

/* Lower functions of partition p (all if p is -1); partition 0 (or
 * the only module) gets the contract. */
static void
lower_part(struct lower *L, int64_t p)
{
	uint32_t i;

	for (i = 0; i < L->m->nfuncs; i++)
		if (p < 0 || L->part[i] == p)
			lower_function(L, i);
	L->in = NULL;
	if (p <= 0)
		emit_contract(L);
}

void
lower_module(struct lower *L)
{
	make_types(L);
	L->nparts = 1;
	begin_module(L, 0);
	lower_part(L, -1);
}

/* --split DIR: the module as DIR/p00.bc, DIR/p01.bc, ... (see
 * partition.c); returns the number of partitions. */
uint32_t
lower_split(struct lower *L, const char *dir, void (*write)(struct lower *, const char *path))
{
	char *path = xmalloc(strlen(dir) + 16);
	uint32_t p;

	make_types(L);
	partition(L);
	for (p = 0; p < L->nparts; p++) {
		begin_module(L, p);
		lower_part(L, p);
		sprintf(path, "%s/p%02u.bc", dir, p);
		write(L, path);
		LLVMDisposeModule(L->M);
		L->M = NULL;
	}
	free(path);
	return L->nparts;
}

/* Frees what lower_module made (a program that lowers many modules,
 * such as the fuzz target, calls it after each). */
void
lower_dispose(struct lower *L)
{
	free(L->functypes);
	free(L->funcs);
	free(L->part);
	free(L->locals);
	free(L->localtypes);
	addr_end_function(L);
	free(L->stack);
	free(L->frames);
	if (L->B)
		LLVMDisposeBuilder(L->B);
	if (L->M)
		LLVMDisposeModule(L->M);
	if (L->C)
		LLVMContextDispose(L->C);
	memset(L, 0, sizeof *L);
}
