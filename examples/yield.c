/*
 * yield: host calls that suspend.  The guest (yield.wat) calls
 * env.fetch(key); the host function yields the key to the embedder
 * instead of blocking, as an event loop would for I/O, and the embedder
 * resumes each instance with the answer (key * 100) when it has it.
 * Three instances are in flight at once, resumed in turn.
 *
 *	./yield yield.so
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wasmrt.h"

#define N 3

static void
fetch(struct wa_instance *inst, void *data, wa_val *args)
{
	(void)data;
	/* suspends here; comes back with the answer */
	args[0].i32 = (int32_t)wa_yield(inst, (uint64_t)(uint32_t)args[0].i32);
}

int
main(int argc, char **argv)
{
	char err[256];
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *in[N];
	wa_val args[N][1];
	int code[N], i, busy;
	uint32_t f;

	if (argc != 2) {
		fprintf(stderr, "usage: yield FILE.so\n");
		return 2;
	}
	if (!(r = wa_region_new(&(struct wa_region_config){.slots = N}, err, sizeof err)) ||
	    !(m = wa_module_load(argv[1], err, sizeof err)) || wa_module_export_func(m, "handle", &f)) {
		fprintf(stderr, "yield: %s\n", err);
		return 1;
	}
	h = wa_host_new();
	wa_host_func(h, "env", "fetch", "i:i", NULL, fetch, NULL);
	for (i = 0; i < N; i++) {
		if (!(in[i] = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
			fprintf(stderr, "yield: %s\n", err);
			return 1;
		}
		memset(args[i], 0, sizeof args[i]);
		args[i][0].i32 = 10 * (i + 1);
		code[i] = wa_call(in[i], f, args[i]);
	}
	do {
		busy = 0;
		for (i = 0; i < N; i++) {
			uint64_t key;
			if (code[i] != WA_YIELDED || !wa_instance_yielded(in[i], &key))
				continue;
			printf("instance %d waits for key %" PRIu64 "\n", i, key);
			code[i] = wa_resume(in[i], key * 100);
			busy = 1;
		}
	} while (busy);
	for (i = 0; i < N; i++) {
		if (code[i])
			printf("instance %d: %s\n", i, wa_trap_name((uint32_t)code[i]));
		else
			printf("instance %d: handle(%d) = %d\n", i, 10 * (i + 1), args[i][0].i32);
		wa_instance_free(in[i]);
	}
	wa_host_free(h);
	wa_module_free(m);
	wa_region_free(r);
	return 0;
}
