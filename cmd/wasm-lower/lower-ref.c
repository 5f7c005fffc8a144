/*
 * Variables and references: locals, globals (through their cells),
 * tables (bounds-checked in line for get/set, through the runtime for
 * the rest), ref.null, ref.is_null, ref.func.
 */
#include "lower.h"

static LLVMValueRef
local(struct lower *L, uint32_t i, LLVMTypeRef *ty)
{
	if (i >= L->nlocals)
		lower_error(L, "local %u out of range", i);
	*ty = llvm_type(L, L->localtypes[i]);
	return L->locals[i];
}

static LLVMValueRef
global_cell(struct lower *L, uint32_t g, LLVMTypeRef *ty)
{
	const struct globaltype *gt = mod_global(L->m, g);
	LLVMValueRef cell;

	if (!gt)
		lower_error(L, "global %u out of range", g);
	*ty = llvm_type(L, gt->valtype);
	cell = ctx_array_elem(L, VM_GLOBALS, const_i32(L, g));
	return LLVMBuildBitCast(L->B, cell, LLVMPointerType(*ty, 0), "");
}

/* &table->elems[i] after checking i < table->size. */
static LLVMValueRef
table_slot(struct lower *L, uint32_t table, LLVMValueRef i)
{
	LLVMValueRef tab, size, elems;

	if (!mod_table(L->m, table))
		lower_error(L, "table %u out of range", table);
	tab = ctx_array_elem(L, VM_TABLES, const_i32(L, table));
	size = field(L, tab, TABLE_SIZE, L->i32);
	trap_if(L, LLVMBuildICmp(L->B, LLVMIntUGE, i, size, ""), WA_TRAP_TABLE_ACCESS_OOB);
	elems = field(L, tab, TABLE_ELEMS, L->ptrptr);
	return LLVMBuildInBoundsGEP2(L->B, L->ptr, elems, &i, 1, "");
}

static int
table_op(struct lower *L, const struct instr *in)
{
	LLVMValueRef a[5], v;

	switch (in->op) {
	case OP_TABLE_GET:
		a[0] = pop_as(L, L->i32);
		push(L, LLVMBuildLoad2(L->B, L->ptr, table_slot(L, in->idx, a[0]), ""));
		return 1;
	case OP_TABLE_SET:
		v = pop_as(L, L->ptr);
		a[0] = pop_as(L, L->i32);
		LLVMBuildStore(L->B, v, table_slot(L, in->idx, a[0]));
		return 1;
	case OP_TABLE_SIZE:
		if (!mod_table(L->m, in->idx))
			lower_error(L, "table %u out of range", in->idx);
		v = ctx_array_elem(L, VM_TABLES, const_i32(L, in->idx));
		push(L, field(L, v, TABLE_SIZE, L->i32));
		return 1;
	case OP_TABLE_GROW:
		a[2] = pop_as(L, L->i32), a[1] = pop_as(L, L->ptr), a[0] = const_i32(L, in->idx);
		push(L, rt_call(L, RT_TABLE_GROW, L->i32, a, 3));
		return 1;
	case OP_TABLE_FILL:
		a[3] = pop_as(L, L->i32), a[2] = pop_as(L, L->ptr), a[1] = pop_as(L, L->i32);
		a[0] = const_i32(L, in->idx);
		rt_call(L, RT_TABLE_FILL, L->voidt, a, 4);
		return 1;
	case OP_TABLE_COPY:
		a[4] = pop_as(L, L->i32), a[3] = pop_as(L, L->i32), a[2] = pop_as(L, L->i32);
		a[0] = const_i32(L, in->idx), a[1] = const_i32(L, in->idx2);
		rt_call(L, RT_TABLE_COPY, L->voidt, a, 5);
		return 1;
	case OP_TABLE_INIT:
		a[4] = pop_as(L, L->i32), a[3] = pop_as(L, L->i32), a[2] = pop_as(L, L->i32);
		a[0] = const_i32(L, in->idx2), a[1] = const_i32(L, in->idx);
		rt_call(L, RT_TABLE_INIT, L->voidt, a, 5);
		return 1;
	case OP_ELEM_DROP:
		a[0] = const_i32(L, in->idx);
		rt_call(L, RT_ELEM_DROP, L->voidt, a, 1);
		return 1;
	}
	return 0;
}

int
lower_variable(struct lower *L, const struct instr *in)
{
	LLVMTypeRef ty;
	LLVMValueRef p, v;

	switch (in->op) {
	case OP_LOCAL_GET:
		p = local(L, in->idx, &ty);
		push(L, v = LLVMBuildLoad2(L->B, ty, p, ""));
		addr_local_get(L, in->idx, v);
		return 1;
	case OP_LOCAL_SET: case OP_LOCAL_TEE:
		p = local(L, in->idx, &ty);
		v = pop_as(L, ty);
		LLVMBuildStore(L->B, v, p);
		addr_local_set(L, in->idx, v);
		if (in->op == OP_LOCAL_TEE)
			push(L, v);
		return 1;
	case OP_GLOBAL_GET:
		p = global_cell(L, in->idx, &ty);
		push(L, LLVMBuildLoad2(L->B, ty, p, ""));
		return 1;
	case OP_GLOBAL_SET:
		p = global_cell(L, in->idx, &ty);
		LLVMBuildStore(L->B, pop_as(L, ty), p);
		return 1;
	case OP_REF_NULL:
		push(L, LLVMConstNull(L->ptr));
		return 1;
	case OP_REF_IS_NULL:
		push(L, bool_to_i32(L, LLVMBuildIsNull(L->B, pop_as(L, L->ptr), "")));
		return 1;
	case OP_REF_FUNC:
		if (in->idx >= mod_nfuncs(L->m))
			lower_error(L, "function %u out of range", in->idx);
		push(L, ctx_array_elem(L, VM_FUNCS, const_i32(L, in->idx)));
		return 1;
	}
	return table_op(L, in);
}
