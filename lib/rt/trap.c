/*
 * Traps.  A trap the code checks for calls rt->trap, which switches
 * straight back to the host context saved by wa_enter.  A guard-page
 * hit (heap out of bounds, guest stack overflow) arrives as a signal on
 * the alternate signal stack; if the fault belongs to the instance
 * running on this thread, the handler points the interrupted context at
 * wa_leave, and returning from the handler lands there: no siglongjmp,
 * and the kernel restores the signal mask itself.  Any other fault is
 * the host's own and goes to the handler that was there before us.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "rt.h"

/* The alternate signal stack per thread: the handler's frame plus a
 * chained handler's; SIGSTKSZ is not a constant on new glibc. */
#define ALTSTACK_SIZE (64u << 10)

__thread struct wa_instance *rt_current = RT_UNREADY, *rt_stack;

static const char *const names[WA_NTRAPS] = {
	[WA_TRAP_NONE] = "no trap",
	[WA_TRAP_UNREACHABLE] = "unreachable",
	[WA_TRAP_DIV_ZERO] = "integer divide by zero",
	[WA_TRAP_INT_OVERFLOW] = "integer overflow",
	[WA_TRAP_INVALID_CONV] = "invalid conversion to integer",
	[WA_TRAP_MEM_OOB] = "out of bounds memory access",
	[WA_TRAP_TABLE_OOB] = "undefined element",
	[WA_TRAP_TABLE_ACCESS_OOB] = "out of bounds table access",
	[WA_TRAP_NULL_CALL] = "uninitialized element",
	[WA_TRAP_SIG_MISMATCH] = "indirect call type mismatch",
	[WA_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
	[WA_TRAP_INTERRUPTED] = "interrupted",
	[WA_TRAP_HOST] = "host function failed",
	[WA_TRAP_EXIT] = "exit",
};

const char *
wa_trap_name(uint32_t code)
{
	if (code < WA_NTRAPS)
		return names[code];
	return code == WA_YIELDED ? "yielded" : code == WA_PREEMPTED ? "preempted" : "unknown trap";
}

static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
static struct sigaction old[4];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t altkey;

/*
 * Record a trap in the instance of the innermost wa_call on this thread
 * and go back there.  The trap happened in I's code (pc) or in function
 * FUNC of I (func >= 0): with linking, I can be another instance than
 * the one called.
 */
static _Noreturn void
deliver(struct wa_instance *I, uint32_t code, uintptr_t pc, int64_t func)
{
	struct wa_instance *C = rt_running() ? rt_running() : I;

	C->trap.code = code;
	C->trap.pc = pc;
	C->trap.func = func >= 0 ? func : pc ? module_func_at(I->mod, pc) : -1;
	C->trap.module = C->trap.func >= 0 ? I->mod : NULL;
	wa_leave(C->host_sp, code);
}

_Noreturn void
rt_trap_at(struct wa_instance *I, uint32_t code, uintptr_t pc)
{
	deliver(I, code, pc, -1);
}

_Noreturn void
rt_trap_in(struct wa_instance *I, uint32_t code, uintptr_t pc, uint32_t func)
{
	int ok = func >= I->mod->c->nfuncs_imported && func < I->mod->nfuncs;

	deliver(I, code, pc, ok ? (int64_t)func : -1);
}

/* rt->trap: the caller is generated code and names the wasm function the
 * trap is in (inlining may have moved it into another's machine code,
 * and the call comes from the module's trap stub). */
static _Noreturn void
rt_trap(struct wa_vmctx *ctx, uint32_t code, uint32_t func)
{
	rt_trap_in(inst_of(ctx), code, (uintptr_t)__builtin_return_address(0) - 1, func);
}

_Noreturn void
wa_trap(struct wa_instance *I, uint32_t code)
{
	deliver(I, code, 0, -1);
}

_Noreturn void
wa_exit(struct wa_instance *I, int32_t code)
{
	(rt_running() ? rt_running() : I)->trap.exit_code = code;
	wa_trap(I, WA_TRAP_EXIT);
}

const struct wa_rtfns rt_fns = {
	.trap = rt_trap,
	.memory_grow = rt_memory_grow,
	.memory_init = rt_memory_init,
	.data_drop = rt_data_drop,
	.memory_copy = rt_memory_copy,
	.memory_fill = rt_memory_fill,
	.table_init = rt_table_init,
	.elem_drop = rt_elem_drop,
	.table_copy = rt_table_copy,
	.table_grow = rt_table_grow,
	.table_fill = rt_table_fill,
	.host_call = host_call,
	.interrupt = rt_interrupt,
};

/* Which trap, if this fault is the running instances'; 0 if not ours.
 * *owner: the instance whose module holds pc. */
static uint32_t
classify(struct wa_instance *I, int sig, siginfo_t *si, uintptr_t pc, struct wa_instance **owner)
{
	struct wa_instance *S = rt_stack ? rt_stack : I; /* I is rt_current */
	uintptr_t a = (uintptr_t)si->si_addr;

	*owner = link_code_owner(I, pc);
	if (sig == SIGSEGV || sig == SIGBUS) {
		if (a >= (uintptr_t)S->sguard_lo && a < (uintptr_t)S->stack_lo)
			return WA_TRAP_STACK_EXHAUSTED;
		if (*owner && link_in_heap(I, a))
			return WA_TRAP_MEM_OOB;
		return 0;
	}
	if (!*owner)
		return 0;
	if (sig == SIGFPE)
		return si->si_code == FPE_INTOVF ? WA_TRAP_INT_OVERFLOW : WA_TRAP_DIV_ZERO;
	return WA_TRAP_UNREACHABLE;
}

static void
chain(int sig, siginfo_t *si, void *uc)
{
	size_t i;

	for (i = 0; i < 4 && sigs[i] != sig; i++)
		;
	if (i < 4 && (old[i].sa_flags & SA_SIGINFO) && old[i].sa_sigaction) {
		old[i].sa_sigaction(sig, si, uc);
	} else if (i < 4 && old[i].sa_handler != SIG_DFL && old[i].sa_handler != SIG_IGN) {
		old[i].sa_handler(sig);
	} else {
		/* the default action: returning re-executes the fault, which
		 * now kills the process as it would have without us */
		signal(sig, SIG_DFL);
	}
}

static void
handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct wa_instance *I = rt_running(), *owner;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uint32_t code;

	/* a first write to a page of a tracked heap: not a fault at all */
	if (sig == SIGSEGV && si->si_code == SEGV_ACCERR && wt_fault((uintptr_t)si->si_addr))
		return;
	if (!I || !(code = classify(I, sig, si, pc, &owner))) {
		chain(sig, si, ucv);
		return;
	}
	I->trap.code = code;
	I->trap.pc = pc;
	I->trap.func = owner ? module_func_at(owner->mod, pc) : -1;
	I->trap.module = I->trap.func >= 0 ? owner->mod : NULL;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)wa_leave;
	uc->uc_mcontext.gregs[REG_RDI] = (greg_t)(uintptr_t)I->host_sp;
	uc->uc_mcontext.gregs[REG_RSI] = code;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(uintptr_t)I->host_sp;
}

static void
free_altstack(void *p)
{
	stack_t ss = {.ss_flags = SS_DISABLE};

	sigaltstack(&ss, NULL);
	os_release(p, ALTSTACK_SIZE);
}

static void
install(void)
{
	struct sigaction sa;
	size_t i;

	pthread_key_create(&altkey, free_altstack);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
}

void
trap_init(void)
{
	pthread_once(&once, install);
}

/* An alternate signal stack for this thread unless it has one: the
 * guest stack may be exhausted when its guard page is hit. */
void
trap_thread_init(void)
{
	stack_t ss, cur;
	void *p;

	if (rt_current != RT_UNREADY)
		return;
	rt_current = NULL;
	trap_init();
	if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE) && cur.ss_size >= ALTSTACK_SIZE)
		return;
	if (!(p = os_reserve(ALTSTACK_SIZE)) || os_protect_rw(p, ALTSTACK_SIZE)) {
		os_release(p, ALTSTACK_SIZE);
		return;
	}
	ss.ss_sp = p;
	ss.ss_size = ALTSTACK_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) == 0)
		pthread_setspecific(altkey, p);
	else
		os_release(p, ALTSTACK_SIZE);
}
