/*
 * The module contract (wasm-contract(5)): one exported constant that
 * describes the module to the runtime, plus the trampolines (host to
 * guest, one per type) and import adapters (guest to generic host
 * function, one per imported function) it points to.  The LLVM struct
 * types below mirror lib/contract.h field for field; natural layout on
 * both sides gives the same offsets.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lower.h"

struct ctypes {
	LLVMTypeRef functype, limits, import, export, func, table, cnst, global, data, elem, contract;
};

static LLVMTypeRef
st(struct lower *L, LLVMTypeRef *f, unsigned n)
{
	return LLVMStructTypeInContext(L->C, f, n, 0);
}

static void
make_types(struct lower *L, struct ctypes *T)
{
	LLVMTypeRef i32 = L->i32, i64 = L->i64, p = L->ptr;
	LLVMTypeRef val = LLVMArrayType(i64, 2);

	T->functype = st(L, (LLVMTypeRef[]){i32, i32, p, p, p}, 5);
	T->limits = st(L, (LLVMTypeRef[]){i64, i64, i32}, 3);
	T->import = st(L, (LLVMTypeRef[]){p, p, i32, i32, i32, i32, i32, T->limits, p}, 9);
	T->export = st(L, (LLVMTypeRef[]){p, i32, i32, i32}, 4);
	T->func = st(L, (LLVMTypeRef[]){i32, i32, p, p}, 4);
	T->table = st(L, (LLVMTypeRef[]){i32, T->limits}, 2);
	T->cnst = st(L, (LLVMTypeRef[]){i32, i32, val}, 3);
	T->global = st(L, (LLVMTypeRef[]){i32, i32, T->cnst}, 3);
	T->data = st(L, (LLVMTypeRef[]){i32, i32, T->cnst, i32, p}, 5);
	T->elem = st(L, (LLVMTypeRef[]){i32, i32, i32, i32, T->cnst, p}, 6);
	T->contract = st(L, (LLVMTypeRef[]){
		i32, i32, i32, i32, p, i32, i32, p, p, i32, i32, p, i32, i32, p, i32, i32, p,
		i32, i32, p, i32, i32, p, p, i32, i32, i64, i64, i64, p, p}, WA_CONTRACT_NFIELDS);
}

static LLVMValueRef
u32(struct lower *L, uint32_t v)
{
	return const_i32(L, v);
}

/* A constant of one of the literal struct types above (structurally
 * uniqued, so the type argument documents which one). */
#define cs(type, v, n) ((void)(type), LLVMConstStructInContext(L->C, (v), (n), 0))

/* A private constant global; its address as i8*. */
static LLVMValueRef
private_const(struct lower *L, LLVMValueRef init, const char *name)
{
	LLVMValueRef g = LLVMAddGlobal(L->M, LLVMTypeOf(init), name);

	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetLinkage(g, LLVMPrivateLinkage);
	return LLVMConstBitCast(g, L->ptr);
}

/*
 * Byte strings (names, parameter and result lists) are uniqued: a
 * module of a million types has a handful of distinct lists, and each
 * private global costs LLVM a few hundred bytes.  Open addressing over
 * the strings made so far, grown at half full: linear in their number.
 */
struct conststr {
	const void *s;
	uint32_t len;
	int nul;
	LLVMValueRef v;
};

struct consts {
	struct conststr *slots;
	uint32_t n, cap;
};

static uint32_t
hash_bytes(const void *s, uint32_t len, int nul)
{
	const unsigned char *p = s;
	uint32_t h = 2166136261u ^ (uint32_t)nul;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static struct conststr *
const_slot(struct consts *c, const void *s, uint32_t len, int nul)
{
	uint32_t mask = c->cap - 1, h;

	for (h = hash_bytes(s, len, nul) & mask; c->slots[h].v; h = (h + 1) & mask) {
		const struct conststr *e = &c->slots[h];
		if (e->len == len && e->nul == nul && (!len || !memcmp(e->s, s, len)))
			break;
	}
	return &c->slots[h];
}

static void
consts_grow(struct consts *c)
{
	struct conststr *old = c->slots;
	uint32_t i, oldcap = c->cap;

	c->cap = c->cap ? 2 * c->cap : 256;
	c->slots = xcalloc(c->cap, sizeof *c->slots);
	for (i = 0; i < oldcap; i++)
		if (old[i].v)
			*const_slot(c, old[i].s, old[i].len, old[i].nul) = old[i];
	free(old);
}

static LLVMValueRef
bytes(struct lower *L, const void *s, uint32_t len, int nul)
{
	struct consts *c = L->consts;
	struct conststr *e;

	if (!s)
		return LLVMConstNull(L->ptr);
	if (2 * (c->n + 1) > c->cap)
		consts_grow(c);
	e = const_slot(c, s, len, nul);
	if (!e->v) {
		e->s = s, e->len = len, e->nul = nul;
		e->v = private_const(L, LLVMConstStringInContext(L->C, s, len, !nul), "str");
		c->n++;
	}
	return e->v;
}

static LLVMValueRef
array(struct lower *L, LLVMTypeRef t, LLVMValueRef *v, uint32_t n, const char *name)
{
	if (!n)
		return LLVMConstNull(L->ptr);
	return private_const(L, LLVMConstArray(t, v, n), name);
}

static LLVMValueRef
limits(struct lower *L, struct ctypes *T, const struct limits *l)
{
	LLVMValueRef f[3] = {const_i64(L, l->min), const_i64(L, l->max), u32(L, l->has_max)};

	return cs(T->limits, f, 3);
}

static LLVMValueRef
constexpr(struct lower *L, struct ctypes *T, const struct expr *e)
{
	const struct instr *in = e->code;
	uint64_t w[2] = {0, 0};
	uint32_t op, index = 0;
	LLVMValueRef f[3], wv[2];

	if (e->n != 2)
		lower_error(L, "constant expression of %u instructions", e->n ? e->n - 1 : 0);
	switch (in->op) {
	case OP_I32_CONST: op = 0x41, w[0] = in->u.i32; break;
	case OP_I64_CONST: op = 0x42, w[0] = in->u.i64; break;
	case OP_F32_CONST: op = 0x43, w[0] = in->u.f32; break;
	case OP_F64_CONST: op = 0x44, w[0] = in->u.f64; break;
	case OP_V128_CONST: op = 0xfd0c, memcpy(w, in->u.v128, 16); break;
	case OP_REF_NULL: op = 0xd0, index = in->valtype; break;
	case OP_REF_FUNC: op = 0xd2, index = in->idx; break;
	case OP_GLOBAL_GET: op = 0x23, index = in->idx; break;
	default:
		lower_error(L, "%s is not a constant instruction", opinfo[in->op].name);
	}
	wv[0] = const_i64(L, w[0]);
	wv[1] = const_i64(L, w[1]);
	f[0] = u32(L, op);
	f[1] = u32(L, index);
	f[2] = LLVMConstArray(L->i64, wv, 2);
	return cs(T->cnst, f, 3);
}

/* Host to guest: void tramp(ctx, code, args) for one type. */
LLVMValueRef
emit_trampoline(struct lower *L, uint32_t type)
{
	const struct functype *t = &L->m->types[type];
	LLVMTypeRef fnty = L->functypes[type], params[3] = {L->ptr, L->ptr, L->ptr};
	LLVMValueRef fn, *argv = xcalloc(t->nparams + 1, sizeof *argv), args, code, call;
	char name[40];
	uint32_t i;

	snprintf(name, sizeof name, "wasm_tramp_%u", type);
	fn = LLVMAddFunction(L->M, name, LLVMFunctionType(L->voidt, params, 3, 0));
	set_func_attrs(L, fn);
	LLVMPositionBuilderAtEnd(L->B, LLVMAppendBasicBlockInContext(L->C, fn, "entry"));
	args = LLVMGetParam(fn, 2);
	argv[0] = LLVMGetParam(fn, 0);
	for (i = 0; i < t->nparams; i++)
		argv[i + 1] = field(L, args, 16 * i, llvm_type(L, t->params[i]));
	code = LLVMBuildBitCast(L->B, LLVMGetParam(fn, 1), LLVMPointerType(fnty, 0), "");
	call = LLVMBuildCall2(L->B, fnty, code, argv, t->nparams + 1, "");
	for (i = 0; i < t->nresults; i++) {
		LLVMValueRef v = t->nresults == 1 ? call : LLVMBuildExtractValue(L->B, call, i, "");
		LLVMValueRef idx = const_i64(L, 16 * i);
		LLVMValueRef p = LLVMBuildInBoundsGEP2(L->B, L->i8, args, &idx, 1, "");
		LLVMBuildStore(L->B, v, LLVMBuildBitCast(L->B, p, LLVMPointerType(LLVMTypeOf(v), 0), ""));
	}
	LLVMBuildRetVoid(L->B);
	free(argv);
	return fn;
}

/* Guest to generic host function: spill to wa_val slots, host_call. */
LLVMValueRef
emit_adapter(struct lower *L, uint32_t f)
{
	const struct functype *t = mod_functype(L->m, f);
	uint32_t i, n = t->nparams > t->nresults ? t->nparams : t->nresults;
	LLVMValueRef fn, slots, hc[2], ret;
	char name[48];

	snprintf(name, sizeof name, "wasm_import_adapter_%u", f);
	fn = LLVMAddFunction(L->M, name, llvm_functype(L, t));
	set_func_attrs(L, fn);
	L->F = fn;
	L->ctx = LLVMGetParam(fn, 0);
	LLVMPositionBuilderAtEnd(L->B, LLVMAppendBasicBlockInContext(L->C, fn, "entry"));
	slots = LLVMBuildAlloca(L->B, LLVMArrayType(L->i8, 16 * (n ? n : 1)), "");
	LLVMSetAlignment(slots, 16);
	slots = LLVMBuildBitCast(L->B, slots, L->ptr, "");
	for (i = 0; i < t->nparams; i++) {
		LLVMValueRef idx = const_i64(L, 16 * i), v = LLVMGetParam(fn, i + 1);
		LLVMValueRef p = LLVMBuildInBoundsGEP2(L->B, L->i8, slots, &idx, 1, "");
		LLVMBuildStore(L->B, v, LLVMBuildBitCast(L->B, p, LLVMPointerType(LLVMTypeOf(v), 0), ""));
	}
	hc[0] = const_i32(L, f);
	hc[1] = slots;
	rt_call(L, RT_HOST_CALL, L->voidt, hc, 2);
	if (t->nresults == 0) {
		LLVMBuildRetVoid(L->B);
	} else if (t->nresults == 1) {
		LLVMBuildRet(L->B, field(L, slots, 0, llvm_type(L, t->results[0])));
	} else {
		ret = LLVMGetUndef(LLVMGetReturnType(LLVMGlobalGetValueType(fn)));
		for (i = 0; i < t->nresults; i++)
			ret = LLVMBuildInsertValue(L->B, ret, field(L, slots, 16 * i, llvm_type(L, t->results[i])), i, "");
		LLVMBuildRet(L->B, ret);
	}
	return fn;
}

/* For a type no function has: the runtime calls a type's trampoline
 * only to call a function of that type, yet wants one for every type. */
static LLVMValueRef
emit_unused_trampoline(struct lower *L)
{
	LLVMTypeRef params[3] = {L->ptr, L->ptr, L->ptr};
	LLVMValueRef fn = LLVMAddFunction(L->M, "wasm_tramp_unused", LLVMFunctionType(L->voidt, params, 3, 0));

	set_func_attrs(L, fn);
	L->F = fn;
	L->fidx = UINT32_MAX; /* in no function */
	L->ctx = LLVMGetParam(fn, 0);
	memset(L->traps, 0, sizeof L->traps);
	LLVMPositionBuilderAtEnd(L->B, LLVMAppendBasicBlockInContext(L->C, fn, "entry"));
	LLVMBuildBr(L->B, trap_block(L, WA_TRAP_UNREACHABLE));
	return fn;
}

static uint32_t
sig_hash(const struct functype *t)
{
	uint32_t h = 2166136261u ^ t->nparams ^ (t->nresults << 16), k;

	for (k = 0; k < t->nparams; k++)
		h = (h ^ t->params[k]) * 16777619u;
	for (k = 0; k < t->nresults; k++)
		h = (h ^ t->results[k] ^ 0x80) * 16777619u;
	return h;
}

static int
same_sig(const struct functype *a, const struct functype *b)
{
	return a->nparams == b->nparams && a->nresults == b->nresults &&
	       (!a->nparams || !memcmp(a->params, b->params, a->nparams)) &&
	       (!a->nresults || !memcmp(a->results, b->results, a->nresults));
}

/* Trampoline of each type: one per distinct signature some function
 * (defined or imported) has, shared by equal types; the unused stub
 * for the rest.  So a module of a million types costs no more
 * trampolines than it has functions. */
static LLVMValueRef *
trampolines(struct lower *L)
{
	const struct module *m = L->m;
	LLVMValueRef *tr = xcalloc(m->ntypes + 1, sizeof *tr), unused = NULL;
	uint8_t *used = xcalloc(m->ntypes + 1, 1);
	uint32_t nslots = 16, mask, i, h, *slots;

	for (i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].type < m->ntypes)
			used[m->funcs[i].type] = 1;
	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == EXT_FUNC && m->imports[i].type < m->ntypes)
			used[m->imports[i].type] = 1;
	while (nslots < 2 * (uint64_t)m->ntypes)
		nslots *= 2;
	mask = nslots - 1;
	slots = xcalloc(nslots, sizeof *slots);
	for (i = 0; i < m->ntypes; i++) {
		if (!used[i]) {
			tr[i] = unused ? unused : (unused = emit_unused_trampoline(L));
			continue;
		}
		for (h = sig_hash(&m->types[i]) & mask; slots[h]; h = (h + 1) & mask)
			if (same_sig(&m->types[slots[h] - 1], &m->types[i]))
				break;
		if (slots[h]) {
			tr[i] = tr[slots[h] - 1];
		} else {
			slots[h] = i + 1;
			tr[i] = emit_trampoline(L, i);
		}
	}
	free(slots);
	free(used);
	return tr;
}

static LLVMValueRef
types_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->ntypes + 1, sizeof *v), *tr = trampolines(L), r;
	uint32_t i;

	for (i = 0; i < m->ntypes; i++) {
		const struct functype *t = &m->types[i];
		LLVMValueRef f[5] = {
			u32(L, t->nparams), u32(L, t->nresults),
			bytes(L, t->nparams ? t->params : NULL, t->nparams, 0),
			bytes(L, t->nresults ? t->results : NULL, t->nresults, 0),
			LLVMConstBitCast(tr[i], L->ptr),
		};
		v[i] = cs(T->functype, f, 5);
	}
	r = array(L, T->functype, v, m->ntypes, "types");
	free(tr);
	free(v);
	return r;
}

static LLVMValueRef
imports_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->nimports + 1, sizeof *v), r;
	uint32_t i, nf = 0;

	for (i = 0; i < m->nimports; i++) {
		const struct import *im = &m->imports[i];
		struct limits none = {0, 0, 0};
		const struct limits *lim = im->kind == EXT_TABLE ? &im->table.lim : im->kind == EXT_MEMORY ? &im->mem : &none;
		uint32_t type = im->kind == EXT_FUNC ? im->type : im->kind == EXT_TABLE ? im->table.elemtype
		              : im->kind == EXT_GLOBAL ? im->global.valtype : 0;
		LLVMValueRef adapter = LLVMConstNull(L->ptr);
		if (im->kind == EXT_FUNC) {
			if (im->type >= m->ntypes)
				lower_error(L, "import %u: type %u out of range", i, im->type);
			adapter = LLVMConstBitCast(emit_adapter(L, nf++), L->ptr);
		}
		LLVMValueRef f[9] = {
			bytes(L, im->module, im->modlen, 1), bytes(L, im->field, im->fieldlen, 1),
			u32(L, im->modlen), u32(L, im->fieldlen), u32(L, im->kind), u32(L, type),
			u32(L, im->kind == EXT_GLOBAL ? im->global.mut : 0), limits(L, T, lim), adapter,
		};
		v[i] = cs(T->import, f, 9);
	}
	r = array(L, T->import, v, m->nimports, "imports");
	free(v);
	return r;
}

static LLVMValueRef
exports_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->nexports + 1, sizeof *v), r;
	uint32_t i;

	for (i = 0; i < m->nexports; i++) {
		const struct export *e = &m->exports[i];
		LLVMValueRef f[4] = {bytes(L, e->name, e->namelen, 1), u32(L, e->namelen), u32(L, e->kind),
		                     u32(L, e->index)};
		v[i] = cs(T->export, f, 4);
	}
	r = array(L, T->export, v, m->nexports, "exports");
	free(v);
	return r;
}

static LLVMValueRef
funcs_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->nfuncs + 1, sizeof *v), r;
	uint32_t i, len;

	for (i = 0; i < m->nfuncs; i++) {
		const char *name = mod_funcname(m, m->nfuncs_imported + i, &len);
		LLVMValueRef f[4] = {u32(L, m->funcs[i].type), u32(L, name ? len : 0),
		                     LLVMConstBitCast(L->funcs[i], L->ptr), bytes(L, name, name ? len : 0, 1)};
		v[i] = cs(T->func, f, 4);
	}
	r = array(L, T->func, v, m->nfuncs, "funcs");
	free(v);
	return r;
}

static LLVMValueRef
tables_mems(struct lower *L, struct ctypes *T, LLVMValueRef *mems)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->ntables + m->nmems + 1, sizeof *v), r;
	uint32_t i;

	for (i = 0; i < m->nmems; i++)
		v[i] = limits(L, T, &m->mems[i]);
	*mems = array(L, T->limits, v, m->nmems, "mems");
	for (i = 0; i < m->ntables; i++) {
		LLVMValueRef f[2] = {u32(L, m->tables[i].elemtype), limits(L, T, &m->tables[i].lim)};
		v[i] = cs(T->table, f, 2);
	}
	r = array(L, T->table, v, m->ntables, "tables");
	free(v);
	return r;
}

static LLVMValueRef
globals_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->nglobals + 1, sizeof *v), r;
	uint32_t i;

	for (i = 0; i < m->nglobals; i++) {
		LLVMValueRef f[3] = {u32(L, m->globals[i].type.valtype), u32(L, m->globals[i].type.mut),
		                     constexpr(L, T, &m->globals[i].init)};
		v[i] = cs(T->global, f, 3);
	}
	r = array(L, T->global, v, m->nglobals, "globals");
	free(v);
	return r;
}

static LLVMValueRef
data_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->ndatas + 1, sizeof *v), r;
	struct expr none = {0};
	uint32_t i;

	for (i = 0; i < m->ndatas; i++) {
		const struct data *d = &m->datas[i];
		struct instr zero = {.op = OP_I32_CONST};
		struct instr code[2] = {zero, {.op = OP_END}};
		none.code = code, none.n = 2;
		LLVMValueRef f[5] = {u32(L, d->mode == SEG_PASSIVE), u32(L, d->memory),
		                     constexpr(L, T, d->mode == SEG_ACTIVE ? &d->offset : &none), u32(L, d->len),
		                     bytes(L, d->len ? d->bytes : NULL, d->len, 0)};
		v[i] = cs(T->data, f, 5);
	}
	r = array(L, T->data, v, m->ndatas, "data");
	free(v);
	return r;
}

static LLVMValueRef
elems_array(struct lower *L, struct ctypes *T)
{
	const struct module *m = L->m;
	LLVMValueRef *v = xcalloc(m->nelems + 1, sizeof *v), r;
	struct instr code[2] = {{.op = OP_I32_CONST}, {.op = OP_END}};
	struct expr zero = {code, 2};
	uint32_t i, k;

	for (i = 0; i < m->nelems; i++) {
		const struct elem *e = &m->elems[i];
		LLVMValueRef *items = xcalloc(e->n + 1, sizeof *items);
		for (k = 0; k < e->n; k++) {
			if (e->use_exprs) {
				items[k] = constexpr(L, T, &e->exprs[k]);
			} else {
				struct instr c[2] = {{.op = OP_REF_FUNC, .idx = e->funcs[k]}, {.op = OP_END}};
				struct expr x = {c, 2};
				items[k] = constexpr(L, T, &x);
			}
		}
		LLVMValueRef f[6] = {u32(L, e->mode), u32(L, e->type), u32(L, e->table), u32(L, e->n),
		                     constexpr(L, T, e->mode == SEG_ACTIVE ? &e->offset : &zero),
		                     array(L, T->cnst, items, e->n, "items")};
		v[i] = cs(T->elem, f, 6);
		free(items);
	}
	r = array(L, T->elem, v, m->nelems, "elems");
	free(v);
	return r;
}

void
emit_contract(struct lower *L)
{
	const struct module *m = L->m;
	struct ctypes T;
	LLVMValueRef f[WA_CONTRACT_NFIELDS], mems, g;

	make_types(L, &T);
	L->consts = xcalloc(1, sizeof *L->consts);
	f[0] = u32(L, WA_CONTRACT_MAGIC);
	f[1] = u32(L, WA_ABI_VERSION);
	f[2] = u32(L, sizeof(struct wa_contract));
	f[3] = u32(L, m->ntypes);
	f[4] = types_array(L, &T);
	f[5] = u32(L, m->nimports);
	f[6] = u32(L, m->nexports);
	f[7] = imports_array(L, &T);
	f[8] = exports_array(L, &T);
	f[9] = u32(L, m->nfuncs_imported);
	f[10] = u32(L, m->nfuncs);
	f[11] = funcs_array(L, &T);
	f[12] = u32(L, m->ntables_imported);
	f[13] = u32(L, m->ntables);
	f[14] = tables_mems(L, &T, &mems);
	f[15] = u32(L, m->nmems_imported);
	f[16] = u32(L, m->nmems);
	f[17] = mems;
	f[18] = u32(L, m->nglobals_imported);
	f[19] = u32(L, m->nglobals);
	f[20] = globals_array(L, &T);
	f[21] = u32(L, m->ndatas);
	f[22] = u32(L, m->nelems);
	f[23] = data_array(L, &T);
	f[24] = elems_array(L, &T);
	f[25] = u32(L, m->has_start ? m->start : (uint32_t)-1);
	f[26] = u32(L, L->bounds_checks ? WA_BOUNDS_CHECK : WA_BOUNDS_GUARD);
	f[27] = const_i64(L, HEAP_RESERVE);
	f[28] = const_i64(L, L->bounds_checks ? 0 : HEAP_GUARD);
	f[29] = const_i64(L, 0); /* cpu_features: wasm-codegen fills it */
	f[30] = LLVMConstNull(L->ptr);
	f[31] = m->has_modname ? bytes(L, m->modname, m->modnamelen, 1) : LLVMConstNull(L->ptr);
	g = LLVMAddGlobal(L->M, T.contract, "");
	set_symbol(g, WA_CONTRACT_SYMBOL);
	LLVMSetInitializer(g, cs(T.contract, f, WA_CONTRACT_NFIELDS));
	LLVMSetGlobalConstant(g, 1);
	free(L->consts->slots);
	free(L->consts);
	L->consts = NULL;
}
