/*
 * fresh: after wa_instance_reset an instance is as a fresh one, whatever
 * the last request changed: globals of every type, a table grown and
 * rewritten, memory grown and dirtied over its data segment, passive
 * segments dropped, the start function's effects, stdout closed, and
 * the call ending normally, in a trap, with a deadline pending (which
 * must not fire after the reset) or an interrupt requested.  fresh.wat's digest export hashes all of that
 * state; it must equal a fresh instance's after every reset, and the
 * passive segments must be usable again.
 * usage: fresh M.so     prints one line; exit 0 if every reset passed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasmrt.h"

#define ROUNDS 40

static char err[512];

static uint32_t
export(struct wa_module *m, const char *name)
{
	uint32_t f;

	if (wa_module_export_func(m, name, &f)) {
		fprintf(stderr, "fresh: no export %s\n", name);
		exit(1);
	}
	return f;
}

/* digest(), or a value no digest has if the call traps */
static int64_t
digest(struct wa_instance *I, uint32_t f, int *code)
{
	wa_val r[1];

	memset(r, 0, sizeof r);
	*code = wa_call(I, f, r);
	return r[0].i64;
}

int
main(int argc, char **argv)
{
	static char *args[] = {"fresh", NULL};
	struct wa_wasi_config w = {.argc = 1, .argv = args};
	struct wa_module *m;
	struct wa_region *r;
	struct wa_host *h;
	struct wa_instance *I;
	uint32_t dg, mut, seg;
	int64_t d0, d;
	int round, code, bad = 0;
	wa_val a[1];

	if (argc != 2)
		return 2;
	if (!(m = wa_module_load(argv[1], err, sizeof err)) || !(h = wa_host_new()) ||
	    wa_wasi_add(h, &w, err, sizeof err) ||
	    !(r = wa_region_new(&(struct wa_region_config){.slots = 1}, err, sizeof err)) ||
	    !(I = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
		fprintf(stderr, "fresh: %s\n", err);
		return 1;
	}
	dg = export(m, "digest"), mut = export(m, "mutate"), seg = export(m, "segments");
	d0 = digest(I, dg, &code);
	if (code)
		return fprintf(stderr, "fresh: digest trapped: %s\n", wa_trap_name((uint32_t)code)), 1;
	for (round = 0; round < ROUNDS; round++) {
		int how = round % 4, c;
		memset(a, 0, sizeof a);
		a[0].i32 = how == 1;           /* 1: the request traps after its changes */
		c = wa_call(I, mut, a);
		if (c != (how == 1 ? WA_TRAP_UNREACHABLE : 0)) {
			fprintf(stderr, "fresh: round %d: mutate gave %d\n", round, c);
			bad++;
		}
		if ((d = digest(I, dg, &code)) == d0 || code) {
			fprintf(stderr, "fresh: round %d: mutate changed nothing the digest sees\n", round);
			bad++;
		}
		if (how == 2 && wa_instance_set_deadline(I, 20000000))   /* 20 ms */
			bad++;
		if (how == 3)
			wa_instance_interrupt(I);   /* requested, not yet seen */
		if (wa_instance_reset(I, err, sizeof err)) {
			fprintf(stderr, "fresh: round %d: reset: %s\n", round, err);
			return 1;
		}
		if (how == 2)
			nanosleep(&(struct timespec){0, 40000000}, NULL);   /* past the deadline */
		d = digest(I, dg, &code);
		if (code || d != d0) {
			fprintf(stderr, "fresh: round %d (%d): after reset: %s, digest %lld, fresh %lld\n", round, how,
			        code ? wa_trap_name((uint32_t)code) : "returned", (long long)d, (long long)d0);
			bad++;
		}
		memset(a, 0, sizeof a);
		if ((c = wa_call(I, seg, a)) || a[0].i32 != 104) {
			fprintf(stderr, "fresh: round %d: passive segments: %s, %d\n", round,
			        c ? wa_trap_name((uint32_t)c) : "returned", a[0].i32);
			bad++;
		}
		/* the segments call changed memory and the table: reset again
		 * before the next round's mutate, checked by the next digest */
		if (wa_instance_reset(I, err, sizeof err)) {
			fprintf(stderr, "fresh: round %d: reset: %s\n", round, err);
			return 1;
		}
		if ((d = digest(I, dg, &code)) != d0 || code) {
			fprintf(stderr, "fresh: round %d: after the second reset: digest %lld\n", round, (long long)d);
			bad++;
		}
	}
	printf("%d resets, %d wrong\n", 2 * ROUNDS, bad);
	wa_instance_free(I);
	wa_region_free(r);
	wa_host_free(h);
	wa_module_free(m);
	return bad != 0;
}
