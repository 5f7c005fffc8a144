/*
 * wasm-run: run a module compiled by wasm-aot (wasm-run(1)).  A thin
 * client of libwasmrt (wasmrt.h): load and validate, create a region,
 * add WASI, instantiate, run _start (or --invoke an export), exit with
 * the guest's status.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "run.h"

/* Exit status after a trap: what a shell shows for SIGABRT (128 + 6),
 * so scripts see an abnormal end, while the host itself is intact. */
#define TRAP_STATUS 134

struct opts {
	const char *invoke, *script;
	struct wa_region_config region;
	char **env, **dirs;
	int nenv, ndirs;
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-run [--invoke NAME] [--env NAME=VALUE]... [--dir HOST[::GUEST]]...\n"
	           "                [--max-memory SIZE] [--stack-size SIZE] FILE.so [ARG...]\n"
	           "       wasm-run [--max-memory SIZE] [--stack-size SIZE] --script FILE\n");
	exit(status);
}

static char **
push(char **v, int *n, char *s)
{
	if (!(v = realloc(v, (size_t)(*n + 2) * sizeof *v)))
		fatal("out of memory");
	v[(*n)++] = s;
	v[*n] = NULL;
	return v;
}

/* SIZE: a byte count with an optional binary suffix K, M or G (also
 * KiB, MiB, GiB; case ignored). */
static uint64_t
parse_size(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;
	uint64_t shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *s == '-' || errno)
		goto bad;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "ib") || !strcmp(end, "B") || !strcmp(end, "b")))
		end += strlen(end);
	if (*end || v > (max >> shift) || (v << shift) < min)
		goto bad;
	return (uint64_t)v << shift;
bad:
	fprintf(stderr, "%s: %s %s: expected a size from %llu to %llu bytes (suffix K, M or G)\n", argv0,
	        opt, s, (unsigned long long)min, (unsigned long long)max);
	exit(2);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"invoke", required_argument, NULL, 'i'},
		{"script", required_argument, NULL, 's'},
		{"env", required_argument, NULL, 'e'},
		{"dir", required_argument, NULL, 'd'},
		{"max-memory", required_argument, NULL, 'M'},
		{"stack-size", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	/* "+": options end at the .so; what follows belongs to the guest */
	while ((c = getopt_long(argc, argv, "+h", longs, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout, 0); break;
		case 'i': o->invoke = optarg; break;
		case 's': o->script = optarg; break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				fprintf(stderr, "%s: --env %s: expected NAME=VALUE\n", argv0, optarg);
				exit(2);
			}
			o->env = push(o->env, &o->nenv, optarg);
			break;
		case 'd': o->dirs = push(o->dirs, &o->ndirs, optarg); break;
		case 'M': o->region.heap_max = parse_size("--max-memory", optarg, 0, 4ull << 30); break;
		case 'S': o->region.stack_size = parse_size("--stack-size", optarg, 4096, 1ull << 30); break;
		default: usage(stderr, 2);
		}
	}
	if (o->script ? optind != argc || o->invoke || o->nenv || o->ndirs : optind >= argc)
		usage(stderr, 2);
	return optind;
}

_Noreturn void
report_trap(struct wa_instance *I, int code)
{
	const struct wa_trap_info *t = wa_trap_info(I);
	char name[512];

	fflush(stdout);
	if (code == WA_TRAP_EXIT)
		exit(t->exit_code);
	if (t->func >= 0)
		fprintf(stderr, "%s: trap: %s in %s\n", argv0, wa_trap_name((uint32_t)code),
		        wa_module_func_name(t->module ? t->module : wa_instance_module(I), (uint32_t)t->func, name,
		                            sizeof name));
	else
		fprintf(stderr, "%s: trap: %s\n", argv0, wa_trap_name((uint32_t)code));
	exit(TRAP_STATUS);
}

static _Noreturn void
fail(const char *so, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", argv0, so, msg);
	exit(1);
}

/* A reactor's _initialize runs before --invoke, as WASI says. */
static void
initialize(struct wa_instance *I)
{
	uint32_t f;
	int code;

	if (!wa_module_export_func(wa_instance_module(I), "_initialize", &f) && (code = wa_call(I, f, NULL)))
		report_trap(I, code);
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct wa_wasi_config w;
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *I;
	const char *so;
	char err[512];
	uint32_t f;
	int i, code;

	diag_setprog(argv[0]);
	i = parse_opts(argc, argv, &o);
	if (o.script) {
		script(o.script, &o.region);
		close_stdout();
		return 0;
	}
	so = argv[i];
	if (!(m = wa_module_load(so, err, sizeof err)))
		fail(so, err);
	if (!(r = wa_region_new(&o.region, err, sizeof err)) || !(h = wa_host_new()))
		fail(so, r ? "out of memory" : err);
	w = (struct wa_wasi_config){argc - i, argv + i, o.nenv, o.env, o.ndirs, o.dirs};
	wa_wasi_add(h, &w);
	if (!(I = wa_instantiate(r, m, h, NULL, err, sizeof err)))
		fail(so, err);
	if (o.invoke) {
		initialize(I);
		code = invoke(I, so, o.invoke, argc - i - 1, argv + i + 1);
	} else {
		if (wa_module_export_func(m, "_start", &f))
			fail(so, "no _start function exported (use --invoke NAME)");
		code = wa_call(I, f, NULL);
	}
	if (code)
		report_trap(I, code);
	close_stdout();
	wa_instance_free(I);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	return 0;
}
