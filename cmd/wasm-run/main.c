/*
 * wasm-run: run a module compiled by wasm-aot (wasm-run(1)).  A thin
 * client of libwasmrt (wasmrt.h): load and validate, create a region,
 * add WASI, instantiate, run _start (or --invoke an export), exit with
 * the guest's status.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"
#include "run.h"

struct opts {
	const char *invoke, *script;
	struct wa_region_config region;
	struct life life;
	char **hosts;
	int nhosts;
	char **keys;                 /* --trusted-key files */
	int nkeys;
	char **env, **dirs;
	int nenv, ndirs;
	int *socks;
	int nsocks;
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-run [--invoke NAME] [--env NAME=VALUE]... [--dir HOST[::GUEST]]...\n"
	           "                [--listen ADDR:PORT]...\n"
	           "                [--max-memory SIZE] [--stack-size SIZE] [--timeout DURATION]\n"
	           "                [--host LIB.so]... [--repeat N] [--concurrent K] [--stats]\n"
	           "                [--keep-resident SIZE] [--trusted-key KEY.pub]...\n"
	           "                FILE.so|FILE.wasm [ARG...]\n"
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

/* --listen ADDR:PORT: a listening TCP socket for the guest (ADDR a
 * name or a numeric address, IPv6 in brackets). */
static int
listen_on(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *ai, *a;
	char host[256];
	size_t n;
	int fd = -1, one = 1, e;

	if (!colon || !colon[1] || (n = (size_t)(colon - spec)) >= sizeof host) {
		fprintf(stderr, "%s: --listen %s: expected ADDR:PORT\n", argv0, spec);
		exit(2);
	}
	memcpy(host, spec, n);
	host[n] = 0;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = 0;
	}
	if ((e = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &ai))) {
		fprintf(stderr, "%s: --listen %s: %s\n", argv0, spec, gai_strerror(e));
		exit(1);
	}
	for (a = ai; a; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol)) < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (!bind(fd, a->ai_addr, a->ai_addrlen) && !listen(fd, 128))
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		fprintf(stderr, "%s: --listen %s: %s\n", argv0, spec, strerror(errno));
		exit(1);
	}
	return fd;
}

/* DURATION: a number with an optional unit ns, us, ms, s (the
 * default), m or h: "100ms", "1.5", "2m". */
static uint64_t
parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"", 1e9}, {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1}, {"m", 60e9}, {"h", 3600e9}};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && !errno && v > 0 && *s != '-') {
		for (i = 0; i < sizeof units / sizeof *units; i++)
			if (!strcmp(end, units[i].unit) && v * units[i].ns < 1e18 && v * units[i].ns >= 1)
				return (uint64_t)(v * units[i].ns);
	}
	fprintf(stderr, "%s: --timeout %s: expected a duration such as 100ms, 2s or 1m\n", argv0, s);
	exit(2);
}

static long
parse_count(const char *opt, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 1 || v > max) {
		fprintf(stderr, "%s: %s %s: expected a number from 1 to %ld\n", argv0, opt, s, max);
		exit(2);
	}
	return v;
}

enum { OPT_KEEP_RESIDENT = 256 };

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"invoke", required_argument, NULL, 'i'},
		{"script", required_argument, NULL, 's'},
		{"env", required_argument, NULL, 'e'},
		{"dir", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"max-memory", required_argument, NULL, 'M'},
		{"stack-size", required_argument, NULL, 'S'},
		{"timeout", required_argument, NULL, 't'},
		{"host", required_argument, NULL, 'H'},
		{"repeat", required_argument, NULL, 'r'},
		{"concurrent", required_argument, NULL, 'c'},
		{"stats", no_argument, NULL, 'T'},
		{"keep-resident", required_argument, NULL, OPT_KEEP_RESIDENT},
		{"trusted-key", required_argument, NULL, 'K'},
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
		case 'l':
			if (!(o->socks = realloc(o->socks, (size_t)(o->nsocks + 1) * sizeof *o->socks)))
				fatal("out of memory");
			o->socks[o->nsocks++] = listen_on(optarg);
			break;
		case 'M': o->region.heap_max = parse_size("--max-memory", optarg, 0, 4ull << 30); break;
		case 'S': o->region.stack_size = parse_size("--stack-size", optarg, 4096, 1ull << 30); break;
		case 't': o->life.timeout_ns = parse_duration(optarg); break;
		case 'H': o->hosts = push(o->hosts, &o->nhosts, optarg); break;
		case 'r': o->life.repeat = parse_count("--repeat", optarg, 1000000000L); break;
		case 'c': o->life.concurrent = parse_count("--concurrent", optarg, 1000000L); break;
		case 'T': o->life.stats = 1; break;
		case OPT_KEEP_RESIDENT:
			/* the API's 0 is "no limit"; less than a page keeps none */
			o->region.keep_resident = parse_size("--keep-resident", optarg, 0, UINT64_MAX >> 1);
			o->region.keep_resident += !o->region.keep_resident;
			break;
		case 'K': o->keys = push(o->keys, &o->nkeys, optarg); break;
		default: usage(stderr, 2);
		}
	}
	if (o->script ? optind != argc || o->invoke || o->nenv || o->ndirs || o->nsocks || o->nkeys : optind >= argc)
		usage(stderr, 2);
	return optind;
}

_Noreturn void
report_trap(struct wa_instance *I, int code)
{
	if (code == WA_TRAP_EXIT) {
		fflush(stdout);
		exit(wa_trap_info(I)->exit_code);
	}
	print_trap(I, code);
	exit(TRAP_STATUS);
}

void
print_trap(struct wa_instance *I, int code)
{
	const struct wa_trap_info *t = wa_trap_info(I);
	char name[512];

	fflush(stdout);
	if (t->func >= 0)
		fprintf(stderr, "%s: trap: %s in %s\n", argv0, wa_trap_name((uint32_t)code),
		        wa_module_func_name(t->module ? t->module : wa_instance_module(I), (uint32_t)t->func, name,
		                            sizeof name));
	else
		fprintf(stderr, "%s: trap: %s\n", argv0, wa_trap_name((uint32_t)code));
}

/* --host LIB.so: the library registers host functions through the API
 * in its function wasm_run_host(struct wa_host *), which returns 0 or
 * -1 (with a message of its own). */
static void
add_hosts(struct wa_host *h, char **libs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		void *dl = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
		int (*init)(struct wa_host *);
		if (!dl) {
			fprintf(stderr, "%s: --host %s: %s\n", argv0, libs[i], dlerror());
			exit(1);
		}
		*(void **)&init = dlsym(dl, "wasm_run_host");
		if (!init) {
			fprintf(stderr, "%s: --host %s: no function wasm_run_host\n", argv0, libs[i]);
			exit(1);
		}
		if (init(h)) {
			fprintf(stderr, "%s: --host %s: wasm_run_host failed\n", argv0, libs[i]);
			exit(1);
		}
	}
}

static _Noreturn void
fail(const char *so, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", argv0, so, msg);
	exit(1);
}

/* The module, signed by one of the --trusted-key keys if any is given. */
static struct wa_module *
load(const char *so, char **keyfiles, int nkeys)
{
	struct wa_module *m;
	struct wa_keys *k;
	char err[512];
	int i;

	if (!nkeys) {
		if (!(m = wa_module_load(so, err, sizeof err)))
			fail(so, err);
		return m;
	}
	if (!(k = wa_keys_new()))
		fail(so, "out of memory");
	for (i = 0; i < nkeys; i++) {
		if (wa_keys_add_file(k, keyfiles[i], err, sizeof err)) {
			fprintf(stderr, "%s: --trusted-key %s\n", argv0, err);
			exit(1);
		}
	}
	if (!(m = wa_module_load_signed(so, NULL, k, err, sizeof err)))
		fail(so, err);
	wa_keys_free(k);
	return m;
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
	const char *so, *s;
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
	if (is_wasm(so)) {
		/* a module to compile: once, into the compile cache */
		if (o.nkeys)
			fail(so, "--trusted-key needs a signed .so, not a module to compile");
		so = cached_so(so, 0);
	}
	m = load(so, o.keys, o.nkeys);
	if (!(h = wa_host_new()))
		fail(so, "out of memory");
	w = (struct wa_wasi_config){argc - i, argv + i, o.nenv, o.env, o.ndirs, o.dirs, o.nsocks, o.socks, 0, 0};
	if ((s = getenv("WASM_RUN_RESOLVER")) && !strcmp(s, "walk"))
		w.flags |= WA_WASI_WALK;
	if (wa_wasi_add(h, &w, err, sizeof err))
		fail(so, err);
	add_hosts(h, o.hosts, o.nhosts);
	if (o.life.repeat || o.life.concurrent || o.life.stats) {
		/* it makes regions of its own, as many slots as it needs */
		o.life.so = so, o.life.invoke = o.invoke, o.life.argc = argc - i, o.life.argv = argv + i;
		code = lifecycle(m, h, &o.region, &o.life);
		close_stdout();
		return code;
	}
	if (wa_module_contract(m)->bounds == WA_BOUNDS_CHECK)
		wa_region_fit(&o.region, m);
	if (!(r = wa_region_new(&o.region, err, sizeof err)))
		fail(so, err);
	if (!(I = wa_instantiate(r, m, h, NULL, err, sizeof err)))
		fail(so, err);
	if (o.life.timeout_ns && wa_instance_set_deadline(I, o.life.timeout_ns))
		fail(so, "cannot start the watchdog thread for --timeout");
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
