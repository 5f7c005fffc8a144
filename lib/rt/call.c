/*
 * Calls from the host into the guest.  The outermost call switches to
 * the instance's own stack (wa_enter); a call made while the instance
 * is already running (a host function calling back in) stays on the
 * current stack.  Either way a trap comes back to the innermost call.
 * Arguments go through the trampoline of the callee's type, which
 * loads them from wa_val slots and stores the results back.
 */
#include "rt.h"

struct frame {
	struct wa_func *f;
	wa_val *args;
};

static void
entry(void *p)
{
	struct frame *fr = p;

	fr->f->tramp(fr->f->ctx, fr->f->code, fr->args);
}

int
wa_call(struct wa_instance *I, uint32_t func, wa_val *args)
{
	struct wa_instance *prev = rt_current, *prev_stack = rt_stack;
	void *prev_sp = I->host_sp, *sp = NULL;
	wa_val none[1];
	struct frame fr;
	uint32_t code;

	if (func >= I->mod->nfuncs || I->yielded)
		return -1;
	if (!args) {
		/* none has one slot: enough for no parameters and one result */
		const struct wa_c_functype *t = &I->mod->c->types[module_func_typeidx(I->mod, func)];
		if (t->nparams || t->nresults > 1)
			return -1;
	}
	fr.f = I->ctx.funcs[func];
	fr.args = args ? args : none;
	trap_thread_init();
	rt_current = I;
	I->trap.code = WA_TRAP_NONE;
	if (++I->depth == 1) {
		/* onto the own stack; linked code called on it checks it */
		sp = I->stack_hi;
		rt_stack = I;
		if (I->linked)
			link_set_stack_limit(I, I->own_limit);
	}
	code = wa_enter(&I->host_sp, sp, entry, &fr);
	if (sp) {
		rt_stack = prev_stack;
		if (I->linked && prev_stack && prev_stack->linked && prev_stack->host == I->host)
			link_set_stack_limit(I, prev_stack->own_limit);
	}
	I->depth--;
	I->host_sp = prev_sp;
	rt_current = prev;
	if (code == WA_TRAP_INTERRUPTED)
		I->ctx.interrupt = 0;
	return (int)code;
}
