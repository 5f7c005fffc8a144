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
	struct wa_instance *prev = rt_current, *prev_stack = rt_stack, *prev_owner = rt_stack_owner();
	uint32_t code;

	if (!I->yielded || I->depth)
		return -1;
	I->yielded = 0;
	I->resume_value = value;
	trap_thread_init();
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
