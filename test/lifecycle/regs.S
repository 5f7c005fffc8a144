/*
 * int call_keeping_regs(struct wa_instance *, uint32_t func, wa_val *args)
 * wa_call with rbx, rbp, r12-r15 set to known values; returns what
 * wa_call returns, or -100 if any of them changed (a trap or a yield
 * must give the host back its callee-saved registers as a return does).
 */
	.text
	.globl	call_keeping_regs
	.type	call_keeping_regs, @function
call_keeping_regs:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	movabsq	$0x1111111111111111, %rbx
	movabsq	$0x2222222222222222, %rbp
	movabsq	$0x3333333333333333, %r12
	movabsq	$0x4444444444444444, %r13
	movabsq	$0x5555555555555555, %r14
	movabsq	$0x6666666666666666, %r15
	call	wa_call
	movabsq	$0x1111111111111111, %rcx
	cmpq	%rcx, %rbx
	jne	1f
	movabsq	$0x2222222222222222, %rcx
	cmpq	%rcx, %rbp
	jne	1f
	movabsq	$0x3333333333333333, %rcx
	cmpq	%rcx, %r12
	jne	1f
	movabsq	$0x4444444444444444, %rcx
	cmpq	%rcx, %r13
	jne	1f
	movabsq	$0x5555555555555555, %rcx
	cmpq	%rcx, %r14
	jne	1f
	movabsq	$0x6666666666666666, %rcx
	cmpq	%rcx, %r15
	jne	1f
	jmp	2f
1:	movl	$-100, %eax
2:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	retq
	.size	call_keeping_regs, .-call_keeping_regs
	.section .note.GNU-stack,"",@progbits
