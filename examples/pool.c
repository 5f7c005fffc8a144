/*
 * pool: the per-request life cycle.  A region of a few slots; every
 * request gets a fresh instance (instantiate, call, free), with its
 * request number as user data, so that no state leaks from one request
 * to the next: the guest (pool.wat) counts its calls in a global and
 * in memory, and every request must see a count of 1.
 *
 *	./pool pool.so 1000
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

#define SLOTS 4

int
main(int argc, char **argv)
{
	char err[256];
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *live[SLOTS];
	long n, k, bad = 0;
	uint32_t f;
	int s;

	if (argc != 3) {
		fprintf(stderr, "usage: pool FILE.so REQUESTS\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!(r = wa_region_new(&(struct wa_region_config){.slots = SLOTS}, err, sizeof err)) ||
	    !(m = wa_module_load(argv[1], err, sizeof err)) || wa_module_export_func(m, "handle", &f)) {
		fprintf(stderr, "pool: %s\n", err);
		return 1;
	}
	h = wa_host_new();
	for (k = 0; k < n; k += SLOTS) {
		/* SLOTS requests at once, each in its own instance */
		for (s = 0; s < SLOTS; s++) {
			if (!(live[s] = wa_instantiate(r, m, h, (void *)(intptr_t)(k + s), err, sizeof err))) {
				fprintf(stderr, "pool: %s\n", err);
				return 1;
			}
		}
		for (s = 0; s < SLOTS; s++) {
			wa_val a[1];
			memset(a, 0, sizeof a);
			a[0].i32 = (int32_t)(intptr_t)wa_instance_data(live[s]);
			if (wa_call(live[s], f, a) || a[0].i32 != 1)
				bad++;
		}
		for (s = 0; s < SLOTS; s++)
			wa_instance_free(live[s]);
	}
	printf("%ld requests, %ld saw state of another\n", k, bad);
	wa_host_free(h);
	wa_module_free(m);
	wa_region_free(r);
	return bad != 0;
}
