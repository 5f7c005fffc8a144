/*
 * Address facts: constants folded into the 64-bit address of a load.
 *
 * An access at the i32 address x + c reads (x + c) mod 2^32, so its
 * native address is zext(x + c), and LLVM cannot see that it lies c
 * bytes past an access at zext(x).  clang's loops unrolled by two step
 * a pointer kept in a local by a constant (`local.get 2; i32.const 4;
 * i32.add`), and LLVM's loop vectoriser then takes the two loads of an
 * iteration for unrelated strided ones (gathers), and the scalar code
 * computes each address apart.  But once an access at x has completed,
 * x + offset + size <= the memory's size <= WA_MEM_MAX_PAGES pages =
 * 2^32 - 65536 bytes (lib/contract.h), so x + c cannot wrap for
 * c < 65536: zext(x + c) = zext(x) + c, and c joins the load's offset.
 *
 * Only loads take the fold.  A loop whose stores LLVM sees as
 * consecutive (or as one interleaved group) gets vectorised, and in
 * guard mode a vector store that reaches past the end of memory faults
 * as a whole: the stores of the iterations before the out-of-bounds
 * one, in the same vector, are lost, where wasm keeps them.  Keeping
 * the wrapping form of a store's address keeps such loops as they
 * were; the loads gain as much (bench/compute.py's matmulf).
 *
 * Facts hold in straight-line code: from where they are learnt to the
 * next loop, else or end (a merge of control flow, after which a local
 * may hold another value).  Block, if and br_if keep them: the code
 * after them is dominated by the code before.  They are kept per LLVM
 * value, in a small ring (a miss only loses a fold): that an access at
 * the value completed (inbounds); that it equals base + off without
 * wrapping, base being inbounds; or that it is a load of a local whose
 * value in this stretch is another value (same).  What proves a value
 * in bounds: a store, a load with an explicit bounds check, and a
 * guard-mode load whose value goes to the sinks (keep_load), which
 * LLVM cannot drop.  Under --elide-dead-loads LLVM may delete a load,
 * so such a load proves nothing.  If the access that proved x was in
 * fact out of bounds it trapped, and the code after it never ran.
 */
#include <stdlib.h>

#include "arena.h"
#include "lower.h"

/* The largest constant folded: below 2^32 less the largest memory. */
#define FOLD_MAX (65536 - 1)

void
addr_begin_function(struct lower *L)
{
	L->lval = xcalloc(L->nlocals + 1, sizeof *L->lval);
	L->lepoch = xcalloc(L->nlocals + 1, sizeof *L->lepoch);
	L->epoch = 1;
	L->naf = 0;
}

void
addr_end_function(struct lower *L)
{
	free(L->lval);
	free(L->lepoch);
	L->lval = NULL;
	L->lepoch = NULL;
}

/* Control flow merges here: what was known before may not hold. */
void
addr_forget(struct lower *L)
{
	L->naf = 0;
	L->epoch++;
}

static struct afact *
find(struct lower *L, LLVMValueRef v)
{
	uint32_t n = L->naf < AF_MAX ? L->naf : AF_MAX, k;

	for (k = 0; k < n; k++) {
		struct afact *e = &L->afacts[(L->naf - 1 - k) % AF_MAX];
		if (e->v == v)
			return e;
	}
	return NULL;
}

/* The value v is known to equal, following `same`. */
static LLVMValueRef
canon(struct lower *L, LLVMValueRef v)
{
	struct afact *e;
	int hops;

	for (hops = 0; hops < 8 && (e = find(L, v)) && e->same; hops++)
		v = e->same;
	return v;
}

static struct afact *
add(struct lower *L, LLVMValueRef v)
{
	struct afact *e = &L->afacts[L->naf++ % AF_MAX];

	if (L->naf == 2 * AF_MAX) /* keep the count small, the ring in place */
		L->naf = AF_MAX;
	e->v = v;
	e->same = e->base = NULL;
	e->off = 0;
	e->inbounds = 0;
	return e;
}

/* local.get i gave w: the same value as the local's in this stretch. */
void
addr_local_get(struct lower *L, uint32_t i, LLVMValueRef w)
{
	if (LLVMTypeOf(w) != L->i32)
		return;
	if (L->lepoch[i] == L->epoch && L->lval[i])
		add(L, w)->same = L->lval[i];
	else
		L->lval[i] = w, L->lepoch[i] = L->epoch;
}

void
addr_local_set(struct lower *L, uint32_t i, LLVMValueRef v)
{
	L->lval[i] = LLVMTypeOf(v) == L->i32 ? v : NULL;
	L->lepoch[i] = L->epoch;
}

static int
small_const(struct lower *L, LLVMValueRef v, uint64_t *c)
{
	if (!LLVMIsAConstantInt(v) || LLVMTypeOf(v) != L->i32)
		return 0;
	*c = LLVMConstIntGetZExtValue(v);
	return *c <= FOLD_MAX;
}

/* r = a + b (i32.add): r = base + off if one side is a small constant
 * and the other inbounds or itself base + off with room left. */
void
addr_add(struct lower *L, LLVMValueRef r, LLVMValueRef a, LLVMValueRef b)
{
	struct afact *fx, *e;
	LLVMValueRef x;
	uint64_t c;

	if (small_const(L, b, &c))
		x = canon(L, a);
	else if (small_const(L, a, &c))
		x = canon(L, b);
	else
		return;
	if (!(fx = find(L, x)))
		return;
	if (fx->base && fx->off + c <= FOLD_MAX) {
		LLVMValueRef base = fx->base;
		uint64_t off = fx->off + c;
		e = add(L, r);
		e->base = base, e->off = off;
	} else if (fx->inbounds) {
		e = add(L, r);
		e->base = x, e->off = c;
	}
}

/* The address to use for the i32 address a: a itself, or a base whose
 * zero extension plus *off is a's. */
LLVMValueRef
addr_fold(struct lower *L, LLVMValueRef a, uint64_t *off)
{
	struct afact *e = find(L, canon(L, a));

	*off = 0;
	if (!e || !e->base)
		return a;
	*off = e->off;
	return e->base;
}

/* An access at a has been emitted, and nothing after it runs unless
 * it was in bounds. */
void
addr_accessed(struct lower *L, LLVMValueRef a)
{
	struct afact *e;

	a = canon(L, a);
	if (!(e = find(L, a)))
		e = add(L, a);
	e->inbounds = 1;
}
