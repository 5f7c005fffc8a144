/*
 * hostfn: host functions.  The guest (hostfn.wat) imports env.now, a
 * native function called directly by guest code, and env.log, a
 * generic one that reads a string out of guest memory through
 * wa_memory_ptr, which checks the guest's pointer and length.
 *
 *	./hostfn hostfn.so
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wasmrt.h"

/* native: called as now(ctx) with the import's native signature */
static int64_t
now(struct wa_vmctx *ctx)
{
	static int64_t ticks;

	(void)ctx;
	return ++ticks * 1000;
}

/* generic: parameters in args[0..2), no results */
static void
log_string(struct wa_instance *inst, void *data, wa_val *args)
{
	uint32_t ptr = (uint32_t)args[0].i32, len = (uint32_t)args[1].i32;
	const char *s = wa_memory_ptr(inst, ptr, len);

	if (!s)
		wa_trap(inst, WA_TRAP_MEM_OOB);
	printf("%s%.*s\n", (const char *)data, (int)len, s);
}

int
main(int argc, char **argv)
{
	char err[256];
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *i;
	uint32_t f;
	wa_val args[1];
	int code;

	if (argc != 2) {
		fprintf(stderr, "usage: hostfn FILE.so\n");
		return 2;
	}
	if (!(r = wa_region_new(NULL, err, sizeof err)) || !(m = wa_module_load(argv[1], err, sizeof err))) {
		fprintf(stderr, "hostfn: %s\n", err);
		return 1;
	}
	h = wa_host_new();
	if (wa_host_func(h, "env", "now", ":I", (void *)now, NULL, NULL) ||
	    wa_host_func(h, "env", "log", "ii:", NULL, log_string, "guest says: ")) {
		fprintf(stderr, "hostfn: bad signature\n");
		return 1;
	}
	if (!(i = wa_instantiate(r, m, h, NULL, err, sizeof err)) || wa_module_export_func(m, "run", &f)) {
		fprintf(stderr, "hostfn: %s\n", i ? "no export run" : err);
		return 1;
	}
	memset(args, 0, sizeof args);
	code = wa_call(i, f, args);
	if (code) {
		printf("trap: %s\n", wa_trap_name((uint32_t)code));
		return 1;
	}
	printf("run returned %" PRId64 "\n", args[0].i64);
	/* a bad pointer from the guest ends in a trap, not in the host */
	if (!wa_module_export_func(m, "bad", &f))
		printf("bad: trap: %s\n", wa_trap_name((uint32_t)wa_call(i, f, NULL)));
	wa_instance_free(i);
	wa_host_free(h);
	wa_module_free(m);
	wa_region_free(r);
	return 0;
}
