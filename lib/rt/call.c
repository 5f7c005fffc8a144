/*
 * Calls from the host into the guest.
 *
 * The outermost call on a thread switches to the instance's own stack;
 * a call made while a guest is running on this thread (a host function
 * calling back in, into this instance or another) stays on the current
 * stack.  Either way a trap comes back to the innermost call: rt_current
 * names its instance, whose host_sp is the host context saved when the
 * call began, and the fault handler and rt->trap both wa_leave to it.
 * Arguments go through the trampoline of the callee's type, which loads
 * them from wa_val slots and stores the results back; a function of
 * type [] -> [] is called directly.
 *
 * The state a call sets up, and what reads it:
 *	rt_current      instance of the innermost call: traps go there
 *	                (RT_UNREADY on a thread that has run none: rt.h)
 *	rt_stack        instance whose stack the thread runs on (NULL: the
 *	                stack is rt_current's): the fault handler tells
 *	                stack overflow by its guard
 *	I->host_sp      the host context to go back to (wa_leave, wa_yield)
 *	I->depth        nesting: only the outermost call switches stacks,
 *	                only it may yield
 *	I->trap.code    WA_TRAP_NONE until something traps
 *	I->ctx.stack_limit  set at instantiation for the own stack; linked
 *	                instances share stacks and follow the one in use
 *	                (link_set_stack_limit)
 *
 * wa_call itself is in switch.S: the fast path for the common case (the
 * outermost call into an idle, unlinked instance), which costs a few
 * nanoseconds; everything else comes here, to wa_call_general.
 */
#include <stddef.h>

#include "callabi.h"
#include "rt.h"

/* What switch.S assumes of the structures. */
_Static_assert(offsetof(struct wa_vmctx, funcs) == CTX_FUNCS, "callabi.h");
_Static_assert(offsetof(struct wa_vmctx, interrupt) == CTX_INTERRUPT, "callabi.h");
_Static_assert(offsetof(struct wa_func, code) == FUNC_CODE, "callabi.h");
_Static_assert(offsetof(struct wa_func, typeid) == FUNC_TYPEID, "callabi.h");
_Static_assert(offsetof(struct wa_func, ctx) == FUNC_CTX, "callabi.h");
_Static_assert(offsetof(struct wa_func, tramp) == FUNC_TRAMP, "callabi.h");
_Static_assert(offsetof(struct wa_instance, host_sp) == I_HOST_SP, "callabi.h");
_Static_assert(offsetof(struct wa_instance, stack_hi) == I_STACK_HI, "callabi.h");
_Static_assert(offsetof(struct wa_instance, nfuncs) == I_NFUNCS, "callabi.h");
_Static_assert(offsetof(struct wa_instance, depth) == I_DEPTH, "callabi.h");
_Static_assert(offsetof(struct wa_instance, yielded) == I_YIELDED, "callabi.h");
_Static_assert(offsetof(struct wa_instance, linked) == I_LINKED, "callabi.h");
_Static_assert(offsetof(struct wa_instance, resumed) == I_RESUMED, "callabi.h");
_Static_assert(offsetof(struct wa_instance, trap.code) == I_TRAP_CODE, "callabi.h");
_Static_assert(TYPEID_VOID == CALL_TYPEID_VOID, "callabi.h");
_Static_assert(WA_TRAP_INTERRUPTED == CALL_TRAP_INTERRUPTED, "callabi.h");

/* What wa_enter calls: the trampoline of f's type, or for [] -> [] the
 * code itself (it takes only ctx and ignores the rest). */
static void *
entry(const struct wa_func *f)
{
	return f->typeid == TYPEID_VOID ? f->code : (void *)f->tramp;
}

/* Nested calls, linked instances (whose stack limits follow the stack
 * in use), the first call on a new thread, and bad calls (-1). */
int
wa_call_general(struct wa_instance *I, uint32_t func, wa_val *args)
{
	struct wa_instance *prev, *prev_stack = rt_stack, *prev_owner = rt_stack_owner();
	void *prev_sp = I->host_sp, *sp = NULL;
	wa_val none[1];
	struct wa_func *f;
	uint32_t code;

	if (func >= I->nfuncs || I->yielded)
		return -1;
	trap_thread_init();          /* rt_current: no longer RT_UNREADY */
	prev = rt_current;
	if (!args) {
		/* none has one slot: enough for no parameters and one result
		 * (switch.S sends such calls here unless the type is [] -> []) */
		const struct wa_c_functype *t = &I->mod->c->types[module_func_typeidx(I->mod, func)];
		if (t->nparams || t->nresults > 1)
			return -1;
	}
	f = I->ctx.funcs[func];
	rt_current = I;
	I->trap.code = WA_TRAP_NONE;
	if (++I->depth == 1) {
		/* onto the own stack; linked code called on it checks it */
		sp = I->stack_hi;
		rt_stack = I;
		if (I->linked)
			link_set_stack_limit(I, I->own_limit);
	}
	code = wa_enter(&I->host_sp, sp, entry(f), f->ctx, f->code, args ? args : none);
	if (sp) {
		rt_stack = prev_stack;
		if (I->linked && prev_owner && prev_owner->linked && prev_owner->host == I->host)
			link_set_stack_limit(I, prev_owner->own_limit);
	}
	I->depth--;
	I->host_sp = prev_sp;
	rt_current = prev;
	if (code == WA_TRAP_INTERRUPTED)
		I->ctx.interrupt = 0;
	return (int)code;
}
