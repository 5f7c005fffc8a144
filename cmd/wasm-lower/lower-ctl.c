/*
 * Control: blocks, loops, ifs and branches on an explicit frame stack,
 * results and loop parameters carried by phi nodes; calls; and the
 * parametric instructions (drop, select).  Dead code after br, return
 * or unreachable is skipped, tracking only its block nesting.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lower.h"

static const uint8_t *
single(uint8_t t)
{
	static uint8_t types[256];

	types[t] = t;
	return &types[t];
}

static void
block_signature(struct lower *L, const struct blocktype *bt, struct frame *f)
{
	if (bt->is_index) {
		const struct functype *t;
		if (bt->index >= L->m->ntypes)
			lower_error(L, "block type %u out of range", bt->index);
		t = &L->m->types[bt->index];
		f->ptypes = t->params, f->nparams = t->nparams;
		f->rtypes = t->results, f->nresults = t->nresults;
	} else if (bt->valtype == T_EMPTY) {
		f->nparams = f->nresults = 0;
	} else {
		llvm_type(L, bt->valtype);
		f->nresults = 1;
		f->rtypes = single(bt->valtype);
	}
}

static LLVMValueRef *
make_phis(struct lower *L, LLVMBasicBlockRef bb, const uint8_t *types, uint32_t n)
{
	LLVMBasicBlockRef saved = LLVMGetInsertBlock(L->B);
	LLVMValueRef *phis = arena_array(L->m->arena, n + 1, sizeof *phis);
	uint32_t i;

	LLVMPositionBuilderAtEnd(L->B, bb);
	for (i = 0; i < n; i++)
		phis[i] = LLVMBuildPhi(L->B, llvm_type(L, types[i]), "");
	LLVMPositionBuilderAtEnd(L->B, saved);
	return phis;
}

static struct frame *
push_frame(struct lower *L, enum frame_kind kind, const struct blocktype *bt)
{
	struct frame *f;

	if (L->nframes == L->framecap) {
		if (L->framecap >= UINT32_MAX / 2)
			lower_error(L, "blocks nested deeper than 2^31");
		L->framecap = L->framecap ? 2 * L->framecap : 64;
		L->frames = xrealloc(L->frames, L->framecap * sizeof *L->frames);
	}
	f = &L->frames[L->nframes];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	if (bt)
		block_signature(L, bt, f);
	if (L->sp < f->nparams + (L->nframes ? L->frames[L->nframes - 1].height : 0))
		lower_error(L, "operand stack underflow at block entry");
	f->height = L->sp - f->nparams;
	f->merge = LLVMAppendBasicBlockInContext(L->C, L->F, kind == FR_FUNC ? "return" : "");
	f->phis = make_phis(L, f->merge, f->rtypes, f->nresults);
	L->nframes++;
	return f;
}

/* Send the top values from the current block to frame f's merge block
 * (end of the construct, or a branch to a block or if) or to its loop
 * header (a branch to a loop). */
static void
send_values(struct lower *L, struct frame *f, int to_header)
{
	LLVMBasicBlockRef from = LLVMGetInsertBlock(L->B);
	uint32_t i, n = to_header ? f->nparams : f->nresults;
	const uint8_t *types = to_header ? f->ptypes : f->rtypes;
	LLVMValueRef *phis = to_header ? f->hphis : f->phis;
	uint32_t floor = L->frames[L->nframes - 1].height;

	if (L->sp < floor + n)
		lower_error(L, "operand stack underflow at branch");
	for (i = 0; i < n; i++) {
		LLVMValueRef v = L->stack[L->sp - n + i];
		if (LLVMTypeOf(v) != llvm_type(L, types[i]))
			lower_error(L, "branch value of the wrong type");
		LLVMAddIncoming(phis[i], &v, &from, 1);
	}
	if (!to_header)
		f->nincoming++;
}

/* A branch to label f. */
static void
branch_values(struct lower *L, struct frame *f)
{
	send_values(L, f, f->kind == FR_LOOP);
}

static LLVMBasicBlockRef
target_block(struct frame *f)
{
	return f->kind == FR_LOOP ? f->header : f->merge;
}

static struct frame *
label(struct lower *L, uint32_t depth)
{
	if (depth >= L->nframes)
		lower_error(L, "label %u out of range", depth);
	return &L->frames[L->nframes - 1 - depth];
}

static void
begin_loop(struct lower *L, const struct blocktype *bt)
{
	struct frame *f = push_frame(L, FR_LOOP, bt);
	struct strip s;
	uint32_t i;

	f->header = LLVMAppendBasicBlockInContext(L->C, L->F, "loop");
	f->hphis = make_phis(L, f->header, f->ptypes, f->nparams);
	if (!L->check_every_loop && strip_analyse(L, (uint32_t)(L->in - L->fn->code), &s)) {
		f->strip = arena_alloc(L->m->arena, sizeof *f->strip);
		*f->strip = s;
		strip_begin(L, f);
		return;
	}
	send_values(L, f, 1);
	LLVMBuildBr(L->B, f->header);
	LLVMPositionBuilderAtEnd(L->B, f->header);
	L->sp = f->height;
	for (i = 0; i < f->nparams; i++)
		push(L, f->hphis[i]);
	check_interrupt(L);
}

static void
begin_if(struct lower *L, const struct blocktype *bt)
{
	LLVMValueRef cond = pop_as(L, L->i32);
	struct frame *f = push_frame(L, FR_IF, bt);
	LLVMBasicBlockRef then = LLVMAppendBasicBlockInContext(L->C, L->F, "then");

	f->elsebb = LLVMAppendBasicBlockInContext(L->C, L->F, "else");
	f->params = arena_array(L->m->arena, f->nparams + 1, sizeof *f->params);
	memcpy(f->params, L->stack + f->height, f->nparams * sizeof *f->params);
	LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntNE, cond, const_i32(L, 0), ""), then, f->elsebb);
	LLVMPositionBuilderAtEnd(L->B, then);
}

/* Leave the current arm: its results go to the merge block. */
static void
close_arm(struct lower *L, struct frame *f)
{
	if (L->unreachable)
		return;
	send_values(L, f, 0);
	LLVMBuildBr(L->B, f->merge);
}

static void
begin_else(struct lower *L, struct frame *f)
{
	close_arm(L, f);
	LLVMPositionBuilderAtEnd(L->B, f->elsebb);
	L->sp = f->height;
	memcpy(L->stack + f->height, f->params, f->nparams * sizeof *f->params);
	L->sp += f->nparams;
	f->kind = FR_ELSE;
	L->unreachable = 0;
}

/* A merge block nothing reaches: its phis have no entries, which LLVM
 * cannot print; drop them. */
static void
drop_phis(struct frame *f)
{
	uint32_t i;

	for (i = 0; i < f->nresults; i++)
		LLVMInstructionEraseFromParent(f->phis[i]);
}

static void
finish_function(struct lower *L, struct frame *f)
{
	const struct functype *t = &L->m->types[L->fn->type];
	LLVMValueRef agg;
	uint32_t i;

	if (!f->nincoming) {
		drop_phis(f);
		LLVMBuildUnreachable(L->B);
		return;
	}
	if (L->sink32)
		anchor(L, sink_value(L));
	if (t->nresults == 0) {
		LLVMBuildRetVoid(L->B);
	} else if (t->nresults == 1) {
		LLVMBuildRet(L->B, f->phis[0]);
	} else {
		agg = LLVMGetUndef(LLVMGetReturnType(LLVMGlobalGetValueType(L->F)));
		for (i = 0; i < t->nresults; i++)
			agg = LLVMBuildInsertValue(L->B, agg, f->phis[i], i, "");
		LLVMBuildRet(L->B, agg);
	}
}

/* The end of a loop that falls through: no branch targets it (a branch
 * to a loop goes to its header), so the code goes on in the current
 * block with the top values as the loop's results, and the merge block
 * is not needed. */
static void
end_loop(struct lower *L, struct frame *f)
{
	uint32_t i, n = f->nresults;

	if (L->sp < f->height + n)
		lower_error(L, "operand stack underflow at branch");
	for (i = 0; i < n; i++)
		if (LLVMTypeOf(L->stack[L->sp - n + i]) != llvm_type(L, f->rtypes[i]))
			lower_error(L, "branch value of the wrong type");
	if (n)
		memmove(L->stack + f->height, L->stack + L->sp - n, n * sizeof *L->stack);
	L->sp = f->height + n;
	drop_phis(f);
	LLVMDeleteBasicBlock(f->merge);
	L->nframes--;
}

static void
end_frame(struct lower *L)
{
	struct frame *f = &L->frames[L->nframes - 1];
	uint32_t i;

	if (f->kind == FR_LOOP && !L->unreachable) {
		end_loop(L, f);
		return;
	}
	if (f->kind == FR_IF)
		begin_else(L, f); /* an if without else passes its params on */
	close_arm(L, f);
	LLVMPositionBuilderAtEnd(L->B, f->merge);
	L->sp = f->height;
	L->nframes--;
	if (f->kind == FR_FUNC) {
		finish_function(L, f);
		return;
	}
	if (!f->nincoming) {
		drop_phis(f);
		LLVMBuildUnreachable(L->B);
		L->unreachable = 1;
		return;
	}
	for (i = 0; i < f->nresults; i++)
		push(L, f->phis[i]);
	L->unreachable = 0;
}

void
ctl_begin_function(struct lower *L)
{
	const struct functype *t = &L->m->types[L->fn->type];
	struct frame *f = push_frame(L, FR_FUNC, NULL);

	f->rtypes = t->results;
	f->nresults = t->nresults;
	f->phis = make_phis(L, f->merge, f->rtypes, f->nresults);
}

/* Every switch edge needs its own phi entry, even when several cases
 * share a target: LLVM counts predecessors per edge. */
static void
br_table(struct lower *L, const struct instr *in)
{
	LLVMValueRef idx = pop_as(L, L->i32), sw;
	struct frame *f;
	uint32_t i;

	f = label(L, in->idx);
	sw = LLVMBuildSwitch(L->B, idx, target_block(f), in->n);
	branch_values(L, f);
	for (i = 0; i < in->n; i++) {
		f = label(L, in->targets[i]);
		LLVMAddCase(sw, const_i32(L, i), target_block(f));
		branch_values(L, f);
	}
	L->unreachable = 1;
}

static void
br_if(struct lower *L, uint32_t depth)
{
	struct frame *f = label(L, depth);
	LLVMValueRef cond;
	LLVMBasicBlockRef cont;

	if (f->strip && L->in == &L->fn->code[f->strip->brif]) {
		strip_latch(L, f);
		return;
	}
	cond = pop_as(L, L->i32);
	cont = LLVMAppendBasicBlockInContext(L->C, L->F, "");

	branch_values(L, f);
	LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntNE, cond, const_i32(L, 0), ""),
	                target_block(f), cont);
	LLVMPositionBuilderAtEnd(L->B, cont);
}

/* Pop the arguments, call, push the results. */
LLVMValueRef
emit_call(struct lower *L, LLVMValueRef fn, LLVMTypeRef fnty, LLVMValueRef ctx,
          const struct functype *t)
{
	LLVMValueRef *args = xcalloc(t->nparams + 1, sizeof *args), call;
	uint32_t i;

	args[0] = ctx;
	for (i = t->nparams; i > 0; i--)
		args[i] = pop_as(L, llvm_type(L, t->params[i - 1]));
	call = LLVMBuildCall2(L->B, fnty, fn, args, t->nparams + 1, "");
	free(args);
	if (t->nresults == 1)
		push(L, call);
	else
		for (i = 0; i < t->nresults; i++)
			push(L, LLVMBuildExtractValue(L->B, call, i, ""));
	return call;
}

static void
call(struct lower *L, uint32_t f)
{
	const struct module *m = L->m;
	const struct functype *t = mod_functype(m, f);
	LLVMTypeRef fnty;
	LLVMValueRef rec, code, cctx;

	if (!t)
		lower_error(L, "function %u out of range", f);
	if (f >= m->nfuncs_imported) {
		LLVMValueRef fn = func_ref(L, f - m->nfuncs_imported);
		emit_call(L, fn, LLVMGlobalGetValueType(fn), L->ctx, t);
		return;
	}
	fnty = llvm_functype(L, t);
	rec = ctx_array_elem(L, VM_FUNCS, const_i32(L, f));
	code = field(L, rec, FUNC_CODE, LLVMPointerType(fnty, 0));
	cctx = field(L, rec, FUNC_CTX, L->ptr);
	emit_call(L, code, fnty, cctx, t);
}

static void
call_indirect(struct lower *L, uint32_t type, uint32_t table)
{
	LLVMValueRef idx, tab, size, elems, p, rec, want, got, code, cctx;
	const struct tabletype *tt = mod_table(L->m, table);
	LLVMTypeRef fnty;

	if (type >= L->m->ntypes || !tt)
		lower_error(L, "type or table out of range");
	fnty = L->functypes[type];
	idx = pop_as(L, L->i32);
	tab = ctx_array_elem(L, VM_TABLES, const_i32(L, table));
	size = field(L, tab, TABLE_SIZE, L->i32);
	trap_if(L, LLVMBuildICmp(L->B, LLVMIntUGE, idx, size, ""), WA_TRAP_TABLE_OOB);
	elems = field(L, tab, TABLE_ELEMS, L->ptrptr);
	p = LLVMBuildInBoundsGEP2(L->B, L->ptr, elems, &idx, 1, "");
	rec = LLVMBuildLoad2(L->B, L->ptr, p, "");
	trap_if(L, LLVMBuildIsNull(L->B, rec, ""), WA_TRAP_NULL_CALL);
	got = field(L, rec, FUNC_TYPEID, L->i32);
	p = field(L, L->ctx, VM_TYPEIDS, LLVMPointerType(L->i32, 0));
	{
		LLVMValueRef ti = const_i32(L, type);
		p = LLVMBuildInBoundsGEP2(L->B, L->i32, p, &ti, 1, "");
	}
	want = LLVMBuildLoad2(L->B, L->i32, p, "");
	trap_if(L, LLVMBuildICmp(L->B, LLVMIntNE, got, want, ""), WA_TRAP_SIG_MISMATCH);
	code = field(L, rec, FUNC_CODE, LLVMPointerType(fnty, 0));
	cctx = field(L, rec, FUNC_CTX, L->ptr);
	emit_call(L, code, fnty, cctx, &L->m->types[type]);
}

static void
select_op(struct lower *L)
{
	LLVMValueRef c = pop_as(L, L->i32), b = pop(L), a = pop(L);

	if (LLVMTypeOf(a) != LLVMTypeOf(b))
		lower_error(L, "select operands differ in type");
	push(L, LLVMBuildSelect(L->B, LLVMBuildICmp(L->B, LLVMIntNE, c, const_i32(L, 0), ""), a, b, ""));
}

/* Block structure while skipping dead code. */
static int
dead_code(struct lower *L, const struct instr *in)
{
	switch (in->op) {
	case OP_BLOCK: case OP_LOOP: case OP_IF:
		L->dead_depth++;
		return 1;
	case OP_ELSE:
		if (L->dead_depth)
			return 1;
		if (L->frames[L->nframes - 1].kind != FR_IF)
			lower_error(L, "else without if");
		begin_else(L, &L->frames[L->nframes - 1]);
		return 1;
	case OP_END:
		if (L->dead_depth) {
			L->dead_depth--;
			return 1;
		}
		end_frame(L);
		return 1;
	}
	return 0;
}

int
lower_control(struct lower *L, const struct instr *in)
{
	struct blocktype bt;

	if (L->unreachable)
		return dead_code(L, in);
	switch (in->op) {
	case OP_UNREACHABLE:
		LLVMBuildBr(L->B, trap_block(L, WA_TRAP_UNREACHABLE));
		L->unreachable = 1;
		return 1;
	case OP_NOP: return 1;
	case OP_BLOCK: bt = instr_bt(in); push_frame(L, FR_BLOCK, &bt); return 1;
	case OP_LOOP: bt = instr_bt(in); begin_loop(L, &bt); return 1;
	case OP_IF: bt = instr_bt(in); begin_if(L, &bt); return 1;
	case OP_ELSE:
		if (L->frames[L->nframes - 1].kind != FR_IF)
			lower_error(L, "else without if");
		begin_else(L, &L->frames[L->nframes - 1]);
		return 1;
	case OP_END: end_frame(L); return 1;
	case OP_BR: {
		struct frame *f = label(L, in->idx);
		branch_values(L, f);
		LLVMBuildBr(L->B, target_block(f));
		L->unreachable = 1;
		return 1;
	}
	case OP_BR_IF: br_if(L, in->idx); return 1;
	case OP_BR_TABLE: br_table(L, in); return 1;
	case OP_RETURN:
		branch_values(L, &L->frames[0]);
		LLVMBuildBr(L->B, L->frames[0].merge);
		L->unreachable = 1;
		return 1;
	case OP_CALL: call(L, in->idx); return 1;
	case OP_CALL_INDIRECT: call_indirect(L, in->idx, in->idx2); return 1;
	case OP_DROP: pop(L); return 1;
	case OP_SELECT: case OP_SELECT_T: select_op(L); return 1;
	}
	return 0;
}
