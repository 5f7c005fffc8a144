/*
 * preempt: suspending a guest that computes, from another thread, as a
 * server's event loop does with a guest past its time slice.  The guest
 * (preempt.wat) spins until memory word 0 is set; a second thread asks
 * for a preemption every millisecond until the spin comes back with
 * WA_PREEMPTED; the embedder sets the word and resumes it, and the spin
 * ends.  A request made before a call suspends it at its first check;
 * a stop request wins over a preemption.
 *
 *	./preempt preempt.so
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wasmrt.h"

static struct wa_instance *inst;
static volatile int acked;

static void *
ticker(void *arg)
{
	struct timespec ms = {0, 1000000};

	(void)arg;
	while (!acked) {
		nanosleep(&ms, NULL);
		wa_instance_preempt(inst);
	}
	return NULL;
}

static int
fail(const char *what, const char *err)
{
	fprintf(stderr, "preempt: %s: %s\n", what, err);
	return 1;
}

int
main(int argc, char **argv)
{
	char err[256];
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	uint32_t spin, sum;
	wa_val a[1];
	pthread_t t;
	int code, n = 0;
	uint32_t one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: preempt FILE.so\n");
		return 2;
	}
	if (!(r = wa_region_new(NULL, err, sizeof err)) || !(m = wa_module_load(argv[1], err, sizeof err)))
		return fail(argv[1], err);
	if (wa_module_export_func(m, "spin", &spin) || wa_module_export_func(m, "sum", &sum))
		return fail(argv[1], "no spin or sum export");
	h = wa_host_new();
	if (!(inst = wa_instantiate(r, m, h, NULL, err, sizeof err)))
		return fail("instantiate", err);

	/* a request made before the call: suspended at its entry */
	wa_instance_preempt(inst);
	a[0].i32 = 100;
	code = wa_call(inst, sum, a);
	printf("sum(100): %s\n", wa_trap_name((uint32_t)code));
	printf("another call while suspended: %d\n", wa_call(inst, sum, a));
	code = wa_resume(inst, 0);
	printf("resumed: %s, sum = %d\n", code ? wa_trap_name((uint32_t)code) : "returned", a[0].i32);

	/* from another thread, while the guest computes */
	pthread_create(&t, NULL, ticker, NULL);
	code = wa_call(inst, spin, a);
	while (code == WA_PREEMPTED) {
		n++;
		acked = 1;
		wa_memory_write(inst, 0, &one, 4);
		code = wa_resume(inst, 0);
	}
	pthread_join(t, NULL);
	printf("spin: preempted %s, then %s, rounds > 0: %d\n", n ? "at least once" : "never",
	       code ? wa_trap_name((uint32_t)code) : "returned", a[0].i32 > 0);

	/* a stop wins over a preemption */
	one = 0;
	wa_memory_write(inst, 0, &one, 4);
	wa_instance_preempt(inst);
	wa_instance_interrupt(inst);
	code = wa_call(inst, spin, a);
	printf("spin with stop and preempt asked: %s\n", wa_trap_name((uint32_t)code));
	a[0].i32 = 10;
	code = wa_call(inst, sum, a);
	printf("sum(10) after it: %s, sum = %d\n", code ? wa_trap_name((uint32_t)code) : "returned", a[0].i32);

	wa_instance_free(inst);
	wa_host_free(h);
	wa_module_free(m);
	wa_region_free(r);
	return 0;
}
