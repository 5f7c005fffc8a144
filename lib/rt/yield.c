/*
 * Yield and resume.  A host function called by the guest may suspend
 * the whole call with wa_yield: the guest's stack, host function frames
 * included, stays as it is in the instance's slot, and the wa_call (or
 * wa_resume) that ran it returns WA_YIELDED to the embedder, which can
 * do other work (run other instances, wait for I/O) and later continue
 * the call with wa_resume, on any thread.
 */
#include "rt.h"

uint64_t
wa_yield(struct wa_instance *I, uint64_t value)
{
	if (rt_current != I || I->depth != 1 || I->yielded)
		wa_trap(I, WA_TRAP_HOST);
	I->yield_value = value;
	I->yielded = 1;
	wa_swap(&I->guest_sp, I->host_sp, WA_YIELDED);
	/* resumed: wa_resume set everything up as wa_call had it */
	return I->resume_value;
}

int
wa_resume(struct wa_instance *I, uint64_t value)
{
	struct wa_instance *prev, *prev_stack = rt_stack, *prev_owner = rt_stack_owner();
	uint32_t code;

	if (!I->yielded || I->depth)
		return -1;
	I->yielded = 0;
	I->resume_value = value;
	trap_thread_init();          /* rt_current: no longer RT_UNREADY */
	prev = rt_current;
	rt_current = I;
	I->depth = 1;
	/* back on the own stack, as wa_call has it (link.c) */
	rt_stack = I;
	if (I->linked)
		link_set_stack_limit(I, I->own_limit);
	/* wa_call's fast path, when the guest returns to it, sees this and
	 * goes on to the context saved here (switch.S) */
	I->resumed = 1;
	code = wa_swap(&I->host_sp, I->guest_sp, 0);
	I->resumed = 0;
	rt_stack = prev_stack;
	if (I->linked && prev_owner && prev_owner->linked && prev_owner->host == I->host)
		link_set_stack_limit(I, prev_owner->own_limit);
	I->depth = 0;
	I->host_sp = NULL;
	rt_current = prev;
	if (code == WA_TRAP_INTERRUPTED)
		I->ctx.interrupt = 0;
	return (int)code;
}

int
wa_instance_yielded(const struct wa_instance *I, uint64_t *value)
{
	if (I->yielded && value)
		*value = I->yield_value;
	return I->yielded;
}

/*
 * Preemption.  Another thread (a server's time-slice ticker) sets
 * INTR_PREEMPT in the interrupt word; the guest's next check (function
 * entry, loop back-edge) calls here, and the call is suspended as a
 * yield from a host function would suspend it: wa_call or wa_resume
 * returns WA_PREEMPTED, and wa_resume continues the guest right after
 * its check.  A stop request wins over a preemption.  A request that
 * finds no call it may suspend (a nested call from a host function,
 * the start function, code of a linked instance) is dropped: the guest
 * runs on, and the embedder can ask again.
 */
void
rt_interrupt(struct wa_vmctx *ctx, uint32_t func)
{
	struct wa_instance *I = inst_of(ctx);
	uint32_t w = __atomic_fetch_and(&ctx->interrupt, ~INTR_PREEMPT, __ATOMIC_RELAXED);

	/* the function named by the code, as for rt->trap: the call
	 * comes from the module's interrupt stub, whose address names no
	 * wasm function */
	if (w & INTR_STOP)
		rt_trap_in(I, WA_TRAP_INTERRUPTED, (uintptr_t)__builtin_return_address(0) - 1, func);
	if (rt_current != I || I->depth != 1 || I->yielded || I->in_start)
		return;
	I->yield_value = 0;
	I->yielded = 1;
	wa_swap(&I->guest_sp, I->host_sp, WA_PREEMPTED);
}

void
wa_instance_preempt(struct wa_instance *I)
{
	__atomic_fetch_or(&I->ctx.interrupt, INTR_PREEMPT, __ATOMIC_RELAXED);
}
