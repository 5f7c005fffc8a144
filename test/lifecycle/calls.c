/*
 * calls: every way a call into the guest begins and ends, on both of
 * wa_call's paths (the fast one: the outermost call into an idle,
 * unlinked instance; the general one: the first call on a thread,
 * nested calls), checked by result and by trap: normal returns with
 * results, traps found by checks (unreachable) and by faults (out of
 * bounds, stack exhaustion), interrupts, calls back in from a host
 * function (into the same instance and another, trapping or not),
 * yield and resume (returning, trapping, yielding again), and the
 * host's callee-saved registers intact after each (regs.S).
 * usage: calls CALLS.so         one line per check; exit 0 if all pass
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

/* regs.S: wa_call with the callee-saved registers set to known values;
 * -100 if any differs after it returns. */
int call_keeping_regs(struct wa_instance *, uint32_t func, wa_val *args);

static char err[512];
static struct wa_instance *inst, *other;
static uint32_t f_nop, f_add, f_boom, f_oob, f_rec, f_spin, f_viaback, f_waits, f_waitboom;
static int failed;

static uint32_t
export(struct wa_module *m, const char *name)
{
	uint32_t f;

	if (wa_module_export_func(m, name, &f)) {
		fprintf(stderr, "calls: no export %s\n", name);
		exit(1);
	}
	return f;
}

static void
check(const char *what, long got, long want)
{
	printf("%s: %s\n", what, got == want ? "ok" : "WRONG");
	if (got != want) {
		fprintf(stderr, "calls: %s: got %ld, want %ld\n", what, got, want);
		failed = 1;
	}
}

/* env.back(how): 0 a nested call into this instance that traps (its
 * code + 100); 1 a call into the other instance (add 20 22); 2 a
 * nested call back through viaback(1); 3 a nested call that overflows
 * the stack (its code + 100) */
static void
back(struct wa_instance *I, void *data, wa_val *args)
{
	wa_val a[2];

	(void)data;
	memset(a, 0, sizeof a);
	switch (args[0].i32) {
	case 0: args[0].i32 = 100 + call_keeping_regs(I, f_boom, a); break;
	case 1:
		a[0].i32 = 20, a[1].i32 = 22;
		args[0].i32 = call_keeping_regs(other, f_add, a) ? -1 : a[0].i32;
		break;
	case 2:
		a[0].i32 = 1;
		args[0].i32 = call_keeping_regs(I, f_viaback, a) ? -1 : a[0].i32 + 1;
		break;
	default: args[0].i32 = 100 + call_keeping_regs(I, f_rec, a); break;
	}
}

/* env.wait(x): yields x; the answer comes back from wa_resume */
static void
wait_(struct wa_instance *I, void *data, wa_val *args)
{
	(void)data;
	args[0].i32 = (int32_t)wa_yield(I, (uint64_t)(uint32_t)args[0].i32);
}

/* host functions that say which they are */
static void
first(struct wa_instance *I, void *data, wa_val *args)
{
	(void)I, (void)data;
	args[0].i32 = 1;
}

static void
second(struct wa_instance *I, void *data, wa_val *args)
{
	(void)I, (void)data;
	args[0].i32 = 2;
}

/* Imports resolved once are bound from the host's cache the next time:
 * a change to the host must show in the instances created after it. */
static void
relink(struct wa_module *m, struct wa_region *r)
{
	struct wa_host *h2 = wa_host_new();
	struct wa_instance *a, *b;
	wa_val v[1];

	wa_host_default(h2, "env", first, NULL);
	memset(v, 0, sizeof v);
	a = wa_instantiate(r, m, h2, NULL, err, sizeof err);
	check("imports bound to a default", a && !wa_call(a, f_viaback, v) ? v[0].i32 : -1, 1);
	wa_instance_free(a);
	a = wa_instantiate(r, m, h2, NULL, err, sizeof err);
	check("  again (from the cache)", a && !wa_call(a, f_viaback, v) ? v[0].i32 : -1, 1);
	wa_host_func(h2, "env", "back", "i:i", NULL, second, NULL);
	b = wa_instantiate(r, m, h2, NULL, err, sizeof err);
	check("  a host function added since wins", b && !wa_call(b, f_viaback, v) ? v[0].i32 : -1, 2);
	wa_instance_free(a);
	wa_instance_free(b);
	wa_host_free(h2);
}

static long
add(int x, int y)
{
	wa_val a[2];

	memset(a, 0, sizeof a);
	a[0].i32 = x, a[1].i32 = y;
	return call_keeping_regs(inst, f_add, a) ? -1 : a[0].i32;
}

static long
via(int how)
{
	wa_val a[1];

	memset(a, 0, sizeof a);
	a[0].i32 = how;
	return call_keeping_regs(inst, f_viaback, a) ? -1 : a[0].i32;
}

static void
yields(void)
{
	wa_val a[1];
	uint64_t v = 0;
	int code;

	memset(a, 0, sizeof a);
	a[0].i32 = 5;
	code = call_keeping_regs(inst, f_waits, a);
	check("yield: the call suspends", code, WA_YIELDED);
	check("yield: the value", wa_instance_yielded(inst, &v) ? (long)v : -1, 5);
	check("a suspended instance refuses calls", wa_call(inst, f_nop, NULL), -1);
	check("another instance runs meanwhile", call_keeping_regs(other, f_nop, NULL), 0);
	check("resume: suspends again", wa_resume(inst, 1000), WA_YIELDED);
	check("resume: the second value", wa_instance_yielded(inst, &v) ? (long)v : -1, 6);
	check("resume: returns", wa_resume(inst, 2000), 0);
	check("resume: the result", a[0].i32, 3000);
	check("yield then trap", call_keeping_regs(inst, f_waitboom, NULL), WA_YIELDED);
	check("  resumed: traps", wa_resume(inst, 0), WA_TRAP_UNREACHABLE);
	check("  and the next call returns", add(1, 2), 3);
}

int
main(int argc, char **argv)
{
	struct wa_module *m;
	struct wa_region *r;
	struct wa_host *h = wa_host_new();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: calls CALLS.so\n");
		return 2;
	}
	wa_host_func(h, "env", "back", "i:i", NULL, back, NULL);
	wa_host_func(h, "env", "wait", "i:i", NULL, wait_, NULL);
	if (!(m = wa_module_load(argv[1], err, sizeof err)) ||
	    !(r = wa_region_new(&(struct wa_region_config){.slots = 2}, err, sizeof err)) ||
	    !(inst = wa_instantiate(r, m, h, NULL, err, sizeof err)) ||
	    !(other = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
		fprintf(stderr, "calls: %s\n", err);
		return 1;
	}
	f_nop = export(m, "nop"), f_add = export(m, "add"), f_boom = export(m, "boom");
	f_oob = export(m, "oob"), f_rec = export(m, "rec"), f_spin = export(m, "spin");
	f_viaback = export(m, "viaback"), f_waits = export(m, "waits"), f_waitboom = export(m, "waitboom");

	check("first call on the thread", add(2, 3), 5);
	check("a call with results", add(40, 2), 42);
	check("a call with no arguments", call_keeping_regs(inst, f_nop, NULL), 0);
	check("unreachable", call_keeping_regs(inst, f_boom, NULL), WA_TRAP_UNREACHABLE);
	check("  names the function", wa_trap_info(inst)->func, f_boom);
	check("out of bounds (a fault)", call_keeping_regs(inst, f_oob, NULL), WA_TRAP_MEM_OOB);
	check("stack exhausted (a fault)", call_keeping_regs(inst, f_rec, (wa_val[1]){{0}}), WA_TRAP_STACK_EXHAUSTED);
	check("  and the next call returns", add(1, 1), 2);
	wa_instance_set_deadline(inst, 20 * 1000 * 1000);
	check("interrupted by a deadline", call_keeping_regs(inst, f_spin, NULL), WA_TRAP_INTERRUPTED);
	check("  the interrupt is spent", call_keeping_regs(inst, f_nop, NULL), 0);
	check("nested call that traps", via(0), 100 + WA_TRAP_UNREACHABLE);
	check("call into another instance from a host function", via(1), 42);
	check("two levels of nesting", via(2), 43);
	check("nested stack overflow", via(3), 100 + WA_TRAP_STACK_EXHAUSTED);
	check("  and the next call returns", add(3, 4), 7);
	yields();
	check("a bad function index", wa_call(inst, 1000, NULL), -1);
	wa_instance_free(inst);
	wa_instance_free(other);
	relink(m, r);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	return failed;
}
