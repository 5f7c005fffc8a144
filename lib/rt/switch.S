/*
 * The context switch between host and guest stacks (x86-64 SysV), and
 * the fast path of wa_call, which is most of what a call costs.
 * No swapcontext: that saves the signal mask with a system call on
 * every switch.  Only what the ABI says a callee preserves is saved:
 * the six callee-saved general registers and the stack pointer.
 *
 * The floating-point control state (mxcsr, the x87 control word) is
 * neither saved nor restored: generated code never changes it, and
 * stmxcsr + ldmxcsr alone cost more (about 6 ns here) than the rest of
 * a call round trip.  As with setjmp/longjmp, a host function that
 * changes it and then traps leaves it changed.
 *
 * uint32_t wa_enter(void **save, void *sp, void *fn, void *ctx, void *code, wa_val *args)
 *	Push the callee-saved registers, store the stack pointer in *save,
 *	switch to stack sp (NULL: stay on this one, below the current
 *	frame) and call fn(ctx, code, args): a trampoline, or the code of a
 *	function of type [] -> [] itself, which ignores the rest.  When that
 *	returns, continue the context saved in *save at that time (not
 *	necessarily this one: a resumed call returns to wa_resume, see
 *	wa_swap) with the result 0.  wa_leave(*save, code) makes it return
 *	code instead, from anywhere on the guest stack.
 *
 * void wa_leave(void *saved, uint32_t code)
 *	Also the landing routine of the signal handler, which points the
 *	interrupted context's rip here with rdi and rsi set.
 *
 * uint32_t wa_swap(void **save, void *to, uint32_t code)
 *	Push the callee-saved registers, store the stack pointer in *save,
 *	and wa_leave(to, code): the context saved at `to` (by wa_enter or
 *	wa_swap) returns code.  A yield from the guest stack and the resume
 *	that comes back to it later are both this.
 *
 * A saved context is the stack pointer after the six pushes: wa_leave
 * pops them and returns to whoever called wa_enter or wa_swap (for
 * wa_call's fast path, to the landing pad it pushed before them).
 */
#include "callabi.h"
	.text
	.globl	wa_enter
	.hidden	wa_enter
	.type	wa_enter, @function
wa_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rdi, %rbx		/* callee-saved: survives the call */
	leaq	-64(%rsp), %rax		/* nested call: stay on this stack */
	andq	$-16, %rax
	testq	%rsi, %rsi
	cmovzq	%rax, %rsi
	movq	%rsi, %rsp		/* 16-aligned: the call pushes 8 */
	movq	%rdx, %rax
	movq	%rcx, %rdi
	movq	%r8, %rsi
	movq	%r9, %rdx
	callq	*%rax
	/* the context saved in *save now: this one, or wa_resume's if the
	 * call yielded and was resumed (same layout) */
	movq	(%rbx), %rsp
	xorl	%eax, %eax
	jmp	1f

	.globl	wa_leave
	.hidden	wa_leave
	.type	wa_leave, @function
wa_leave:
	movq	%rdi, %rsp
	movl	%esi, %eax
1:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	retq
	.size	wa_enter, .-wa_enter

	.globl	wa_swap
	.hidden	wa_swap
	.type	wa_swap, @function
wa_swap:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rdi
	movl	%edx, %esi
	jmp	wa_leave
	.size	wa_swap, .-wa_swap

/*
 * int wa_call(struct wa_instance *I, uint32_t func, wa_val *args)
 *
 * The fast path: the outermost call on this thread (rt_current NULL,
 * which also says that the thread's signal stack is set up) of an idle (depth 0), unlinked,
 * not suspended instance.  Everything else, and a bad function index,
 * goes to wa_call_general (call.c), with the arguments untouched.
 *
 * It does what wa_call_general does for such a call, in one frame:
 * push a landing pad and the callee-saved registers (the context a trap
 * goes back to, I->host_sp), set rt_current = I (rt_stack stays NULL,
 * which means rt_current's), depth 1, trap.code 0, switch to the own
 * stack and call the function: its code
 * directly for type [] -> [], else its type's trampoline, as
 * fn(ctx, code, args).  Then undo that:
 *   - a normal return clears the state here and returns (host_sp is
 *     left as it is: it means nothing while depth is 0);
 *   - a trap, or a yield, comes back through wa_leave, which pops the
 *     registers and returns to the landing pad (.Lcall_left), which
 *     finds I in rt_current (a trap goes to the innermost call, which
 *     is this one) and clears the state there;
 *   - a call that yielded and was then resumed returns here on the
 *     guest stack with I->resumed set: it goes on to wa_resume's
 *     context (wa_leave(I->host_sp, 0)), without touching this frame,
 *     which is gone.
 * An interrupt that ended the call is spent: ctx.interrupt = 0.
 *
 * Nothing here is needed only sometimes: a new check belongs where a
 * flag is set that sends calls down the general path (linked, yielded),
 * or in generated code's interrupt check, not on this path.
 */
	.p2align 6			/* the same speed whatever moves around it */
	.globl	wa_call
	.type	wa_call, @function
wa_call:
	cmpl	I_NFUNCS(%rdi), %esi
	jae	wa_call_general
	/* three loads of 32 bits: depth was stored with 32 bits by the last
	 * call, and one 64-bit load of it and yielded would wait for that
	 * store to retire (it cannot be forwarded), doubling a call's cost */
	movl	I_DEPTH(%rdi), %eax
	orl	I_LINKED(%rdi), %eax
	orl	I_YIELDED(%rdi), %eax
	jnz	wa_call_general
	/* NULL: no call runs on this thread, which has its signal stack
	 * (RT_UNREADY until it has: rt.h) */
	movq	rt_current@gottpoff(%rip), %r8
	cmpq	$0, %fs:(%r8)
	jne	wa_call_general
	movq	CTX_FUNCS(%rdi), %rax
	movl	%esi, %esi
	movq	(%rax,%rsi,8), %rax	/* f */
	/* what to call: the code itself for [] -> [] (falling through:
	 * the common case takes no branch), else the type's trampoline */
	movq	FUNC_CODE(%rax), %r10
	cmpl	$CALL_TYPEID_VOID, FUNC_TYPEID(%rax)
	jne	.Lcall_typed
.Lcall_go:
	leaq	.Lcall_left(%rip), %rcx
	pushq	%rcx
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, I_HOST_SP(%rdi)
	movq	%rdi, %fs:(%r8)		/* rt_current; rt_stack stays NULL */
	movl	$1, I_DEPTH(%rdi)
	movl	$0, I_TRAP_CODE(%rdi)
	leaq	56(%rsp), %r9		/* where wa_call returns from */
	movq	I_STACK_HI(%rdi), %rsp
	pushq	%r9			/* see below */
	subq	$24, %rsp		/* aligned */
	movq	FUNC_CTX(%rax), %rdi
	callq	*%r10
	/*
	 * Returned.  The callee kept the callee-saved registers (the ABI):
	 * they are the caller's still, and are not loaded again, which
	 * would make the caller wait for the loads.  The host stack pointer
	 * comes back from the top of the guest stack, where a load of it
	 * depends on nothing but the store above (from I->host_sp, it would
	 * wait for the load of I too).  I is rt_current.
	 */
	movq	rt_current@gottpoff(%rip), %r8
	movq	%fs:(%r8), %rdi
	cmpl	$0, I_RESUMED(%rdi)
	jne	.Lcall_resumed
	movq	$0, %fs:(%r8)
	movl	$0, I_DEPTH(%rdi)
	xorl	%eax, %eax
	movq	24(%rsp), %rsp		/* above the registers and landing pad */
	retq
.Lcall_typed:
	/* no args: only [] -> [] may have them NULL (its code takes none);
	 * any other type goes to wa_call_general, which refuses what needs
	 * slots */
	testq	%rdx, %rdx
	jz	wa_call_general
	movq	%r10, %rsi		/* fn(ctx, code, args) */
	movq	FUNC_TRAMP(%rax), %r10
	jmp	.Lcall_go
.Lcall_resumed:
	movq	I_HOST_SP(%rdi), %rdi
	xorl	%esi, %esi
	jmp	wa_leave
.Lcall_left:
	/* from wa_leave: eax the code, registers the caller's */
	movq	rt_current@gottpoff(%rip), %r8
	movq	%fs:(%r8), %rdi
	movq	$0, %fs:(%r8)
	movl	$0, I_DEPTH(%rdi)
	cmpl	$CALL_TRAP_INTERRUPTED, %eax
	jne	1f
	movl	$0, CTX_INTERRUPT(%rdi)
1:	retq
	.size	wa_call, .-wa_call

	.section .note.GNU-stack,"",@progbits
