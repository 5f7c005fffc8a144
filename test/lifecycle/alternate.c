/*
 * alternate: one slot takes instances of several modules in turn, in a
 * pseudo-random order, so that what a freed slot keeps for the next
 * instance of the same module (the records of its functions, its
 * tracked heap) meets every other module's layout.  Each module's
 * export "sum" calls all its functions through its table and adds a
 * global: the value tells whether every record and table entry is
 * right.  Some instances are reset in between, some fail to
 * instantiate (a host without the import), as a server sees.
 * usage: alternate M1.so SUM1 M2.so SUM2 ...
 * prints "N of M calls wrong"; exit 0 if none
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

#define MAXM 8
#define ROUNDS 2000

static char err[512];
static uint32_t seed = 4321;

static uint32_t
rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static int32_t
one(struct wa_instance *I, uint32_t f)
{
	wa_val a[1];

	memset(a, 0, sizeof a);
	return wa_call(I, f, a) ? -1 : a[0].i32;
}

static void
host_fn(struct wa_instance *I, void *data, wa_val *args)
{
	(void)I, (void)data;
	args[0].i32 = 1;
}

int
main(int argc, char **argv)
{
	struct wa_module *m[MAXM];
	int32_t want[MAXM];
	uint32_t sum[MAXM];
	int n = (argc - 1) / 2, i, wrong = 0, calls = 0;
	struct wa_region *r;
	struct wa_host *h = wa_host_new(), *bare = wa_host_new();

	if (argc < 3 || (argc - 1) % 2 || n > MAXM) {
		fprintf(stderr, "usage: alternate M1.so SUM1 ...\n");
		return 2;
	}
	if (!h || !bare || wa_host_func(h, "env", "one", ":i", NULL, host_fn, NULL)) {
		fprintf(stderr, "alternate: cannot make the hosts\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (!(m[i] = wa_module_load(argv[1 + 2 * i], err, sizeof err)) ||
		    wa_module_export_func(m[i], "sum", &sum[i])) {
			fprintf(stderr, "alternate: %s: %s\n", argv[1 + 2 * i], err);
			return 1;
		}
		want[i] = atoi(argv[2 + 2 * i]);
	}
	if (!(r = wa_region_new(&(struct wa_region_config){.slots = 1}, err, sizeof err))) {
		fprintf(stderr, "alternate: %s\n", err);
		return 1;
	}
	for (i = 0; i < ROUNDS; i++) {
		int k = (int)rnd((uint32_t)n), resets = (int)rnd(3), j;
		struct wa_instance *I;
		/* one in ten with a host that lacks env.one: fails to link
		 * (modules that do not import it instantiate anyway) */
		I = wa_instantiate(r, m[k], rnd(10) ? h : bare, NULL, err, sizeof err);
		if (!I)
			continue;
		for (j = 0; j <= resets; j++) {
			calls++;
			if (one(I, sum[k]) != want[k])
				wrong++;
			if (j < resets && wa_instance_reset(I, err, sizeof err)) {
				fprintf(stderr, "alternate: reset: %s\n", err);
				return 1;
			}
		}
		wa_instance_free(I);
	}
	printf("%d of %d calls wrong\n", wrong, calls);
	wa_region_free(r);
	for (i = 0; i < n; i++)
		wa_module_free(m[i]);
	wa_host_free(h);
	wa_host_free(bare);
	return wrong != 0;
}
