/*
 * The context switch between host and guest stacks (x86-64 SysV).
 * No swapcontext: that saves the signal mask with a system call on
 * every switch.  Only what the ABI says a callee preserves is saved.
 *
 * uint32_t wa_enter(void **save, void *sp, void (*fn)(void *), void *arg)
 *	Push the callee-saved registers, store the stack pointer in *save,
 *	switch to stack sp (NULL: stay on this one) and call fn(arg).  If
 *	fn returns, return 0.  wa_leave(*save, code) makes wa_enter return
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
 */
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
	subq	$8, %rsp		/* x87 control word and mxcsr */
	fnstcw	(%rsp)
	stmxcsr	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rdi, %rbx		/* callee-saved: survives fn */
	leaq	-64(%rsp), %rax		/* nested call: stay on this stack */
	andq	$-16, %rax
	testq	%rsi, %rsi
	cmovzq	%rax, %rsi
	movq	%rsi, %rsp		/* 16-aligned: the call pushes 8 */
	movq	%rcx, %rdi
	callq	*%rdx
	movq	(%rbx), %rsp
	xorl	%eax, %eax
	jmp	1f

	.globl	wa_leave
	.hidden	wa_leave
	.type	wa_leave, @function
wa_leave:
	movq	%rdi, %rsp
	movl	%esi, %eax
1:	fldcw	(%rsp)
	ldmxcsr	4(%rsp)
	addq	$8, %rsp
	popq	%r15
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
	subq	$8, %rsp
	fnstcw	(%rsp)
	stmxcsr	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rdi
	movl	%edx, %esi
	jmp	wa_leave
	.size	wa_swap, .-wa_swap

	.section .note.GNU-stack,"",@progbits
