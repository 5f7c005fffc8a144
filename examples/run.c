/*
 * run: the smallest embedder.  Runs a WASI program's _start, as
 * `wasm-run` does without its options.
 *
 *	cc run.c $(pkg-config --cflags --libs --static wasmrt) -o run
 *	./run hello.so world
 */
#include <stdio.h>

#include "wasmrt.h"

int
main(int argc, char **argv)
{
	char err[256];
	struct wa_wasi_config w = {.argc = argc - 1, .argv = argv + 1};
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *i;
	uint32_t f;
	int code;

	if (argc < 2) {
		fprintf(stderr, "usage: run FILE.so [ARG...]\n");
		return 2;
	}
	if (!(r = wa_region_new(NULL, err, sizeof err)) || !(m = wa_module_load(argv[1], err, sizeof err))) {
		fprintf(stderr, "run: %s: %s\n", argv[1], err);
		return 1;
	}
	if (!(h = wa_host_new()) || wa_wasi_add(h, &w, err, sizeof err)) {
		fprintf(stderr, "run: %s\n", h ? err : "out of memory");
		return 1;
	}
	if (!(i = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
		fprintf(stderr, "run: %s\n", err);
		return 1;
	}
	if (wa_module_export_func(m, "_start", &f)) {
		fprintf(stderr, "run: no _start\n");
		return 1;
	}
	code = wa_call(i, f, NULL);
	fflush(stdout);
	if (code == WA_TRAP_EXIT)
		code = wa_trap_info(i)->exit_code;
	else if (code) {
		fprintf(stderr, "run: trap: %s\n", wa_trap_name((uint32_t)code));
		code = 134;
	}
	wa_instance_free(i);
	wa_host_free(h);
	wa_module_free(m);
	wa_region_free(r);
	return code;
}
