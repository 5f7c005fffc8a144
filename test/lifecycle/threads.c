/*
 * threads: several threads creating, running and freeing instances at
 * once in one shared region, each instance with its own state, one
 * request in ten trapping (signals and traps per thread), the host
 * reading and writing guest memory through the bounds-checked helpers.
 * usage: threads STATE.so THREADS CYCLES      exit 0 if every check passed
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

static struct wa_module *m;
static struct wa_host *h;
static struct wa_region *r;
static uint32_t set, get, req;
static long cycles;

struct worker {
	int id;
	long wrong, trapped, done;
};

static void *
work(void *p)
{
	struct worker *w = p;
	char err[256];
	long k;

	for (k = 0; k < cycles; k++) {
		int32_t id = w->id * 1000000 + (int32_t)k, back = 0;
		struct wa_instance *I = wa_instantiate(r, m, h, NULL, err, sizeof err);
		wa_val a[1];
		int code;
		if (!I) {
			w->wrong++;
			continue;
		}
		memset(a, 0, sizeof a);
		a[0].i32 = id;
		if (wa_call(I, set, a))
			w->wrong++;
		memset(a, 0, sizeof a);
		if (wa_call(I, get, a) || a[0].i32 != id)
			w->wrong++;
		/* the host sees what the guest stored at 16, and nothing past
		 * the end of memory */
		if (wa_memory_read(I, 16, &back, 4) || back != id || wa_memory_read(I, 65534, &back, 4) != -1)
			w->wrong++;
		memset(a, 0, sizeof a);
		code = wa_call(I, req, a);
		if (id % 10 == 0 ? code == WA_TRAP_UNREACHABLE : !code && a[0].i32 == 2 * id)
			w->trapped += id % 10 == 0;
		else
			w->wrong++;
		wa_instance_free(I);
		w->done++;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	char err[256];
	struct worker *ws;
	pthread_t *ts;
	long wrong = 0, trapped = 0, done = 0;
	int n, i;

	if (argc != 4) {
		fprintf(stderr, "usage: threads STATE.so THREADS CYCLES\n");
		return 2;
	}
	n = atoi(argv[2]);
	cycles = atol(argv[3]);
	ws = calloc((size_t)n, sizeof *ws);
	ts = calloc((size_t)n, sizeof *ts);
	h = wa_host_new();
	if (!(m = wa_module_load(argv[1], err, sizeof err)) ||
	    !(r = wa_region_new(&(struct wa_region_config){.slots = (uint32_t)n * 4}, err, sizeof err))) {
		fprintf(stderr, "threads: %s\n", err);
		return 1;
	}
	wa_module_export_func(m, "set", &set);
	wa_module_export_func(m, "get", &get);
	wa_module_export_func(m, "request", &req);
	for (i = 0; i < n; i++) {
		ws[i].id = i + 1;
		pthread_create(&ts[i], NULL, work, &ws[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(ts[i], NULL);
		wrong += ws[i].wrong, trapped += ws[i].trapped, done += ws[i].done;
	}
	printf("%d threads, %ld life cycles, %ld trapped as they should, %ld wrong\n", n, done, trapped, wrong);
	wa_region_free(r);
	wa_module_free(m);
	wa_host_free(h);
	return wrong != 0 || done != n * cycles;
}
