/*
 * An embedder giving each instance its own arguments, environment and
 * standard streams (wa_wasi_set_args, wa_wasi_stdio_buffer,
 * wa_wasi_stdio_fd), as a server does per request; and checking that
 * reset takes them away.  usage: capture ECHOENV.so
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasmrt.h"

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "capture: %s: %s\n", what, err);
	exit(1);
}

static void
show(const char *name, const struct wa_wasi_buffer *b)
{
	printf("-- %s (%llu bytes):\n%.*s", name, (unsigned long long)b->len, (int)b->len, (const char *)b->data);
}

int
main(int argc, char **argv)
{
	char err[256], *host_argv[] = {"host-default", NULL}, arg[32], env[32], body[32];
	struct wa_wasi_config cfg = {.argc = 1, .argv = host_argv};
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *I;
	uint32_t start;
	int i, code;

	if (argc != 2)
		return 2;
	if (!(r = wa_region_new(&(struct wa_region_config){.slots = 2}, err, sizeof err)))
		die("region", err);
	if (!(m = wa_module_load(argv[1], err, sizeof err)))
		die(argv[1], err);
	if (!(h = wa_host_new()) || wa_wasi_add(h, &cfg, err, sizeof err))
		die("wasi", err);
	if (wa_module_export_func(m, "_start", &start))
		die(argv[1], "no _start");
	for (i = 1; i <= 3; i++) {
		struct wa_wasi_buffer in = {0}, out = {.max = 1 << 20}, errb = {0};
		char *gargv[] = {"echoenv", arg, NULL}, *genv[] = {env, NULL};
		snprintf(arg, sizeof arg, "request-%d", i);
		snprintf(env, sizeof env, "REQUEST=/path/%d", i);
		snprintf(body, sizeof body, "body of request %d\n", i);
		in.data = (uint8_t *)body;
		in.len = strlen(body);
		if (!(I = wa_instantiate(r, m, h, NULL, err, sizeof err)))
			die("instantiate", err);
		if (wa_wasi_set_args(I, 2, gargv, 1, genv) || wa_wasi_stdio_buffer(I, 0, &in) ||
		    wa_wasi_stdio_buffer(I, 1, &out) || wa_wasi_stdio_buffer(I, 2, &errb))
			die("settings", "refused");
		code = wa_call(I, start, NULL);
		printf("== instance %d: %s, exit %d\n", i, wa_trap_name((uint32_t)code), wa_trap_info(I)->exit_code);
		show("stdout", &out);
		show("stderr", &errb);
		free(out.data);
		free(errb.data);
		wa_instance_free(I);
	}
	/* output past the buffer's limit fails in the guest */
	{
		struct wa_wasi_buffer out = {.max = 10};
		if (!(I = wa_instantiate(r, m, h, NULL, err, sizeof err)))
			die("instantiate", err);
		wa_wasi_stdio_buffer(I, 1, &out);
		wa_wasi_stdio_fd(I, 0, open("/dev/null", 0));
		code = wa_call(I, start, NULL);
		printf("== a 10-byte limit: %s, exit %d\n", wa_trap_name((uint32_t)code), wa_trap_info(I)->exit_code);
		show("stdout", &out);
		free(out.data);
		/* reset: the settings go, the host's own streams and arguments are back */
		if (wa_instance_reset(I, err, sizeof err))
			die("reset", err);
		printf("== after reset, on the host's stdout:\n");
		fflush(stdout);
		code = wa_call(I, start, NULL);
		printf("== %s\n", wa_trap_name((uint32_t)code));
		wa_instance_free(I);
	}
	if (!(I = wa_instantiate(r, m, h, NULL, err, sizeof err)))
		die("instantiate", err);
	printf("bad settings refused: %d %d %d %d\n", wa_wasi_stdio_fd(I, 3, 1), wa_wasi_stdio_fd(I, 1, -1),
	       wa_wasi_set_args(I, -1, NULL, 0, NULL), wa_wasi_stdio_stream(I, 0, NULL));
	wa_instance_free(I);
	wa_host_free(h);
	wa_module_free(m);
	wa_region_free(r);
	return 0;
}
