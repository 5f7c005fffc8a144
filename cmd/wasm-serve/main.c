/*
 * wasm-serve: an HTTP server that answers every request with a fresh
 * instance of a WebAssembly module compiled by wasm-aot, through
 * CGI/1.1 over WASI (wasm-serve(1)).  The main thread parses options,
 * loads the modules, opens the sockets, starts the workers (worker.c),
 * the time-slice ticker and the metrics thread, then waits for signals:
 * SIGHUP reloads the modules and reopens the access log, SIGTERM and
 * SIGINT drain (stop accepting, finish what is in flight, exit).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

struct opts opt = {
	.max_concurrent = 1024,
	.timeout_ns = 30000000000ull,
	.max_memory = 256ull << 20,
	.max_body = 1u << 20,
	.max_header = 32u << 10,
	.max_response = 64ull << 20,
};
const char *argv0 = "wasm-serve";

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-serve [--listen ADDR:PORT]... [--threads N] [--max-concurrent N]\n"
	           "                  [--timeout DURATION] [--max-memory SIZE] [--max-body SIZE]\n"
	           "                  [--max-header SIZE] [--max-response SIZE] [--stack-size SIZE]\n"
	           "                  [--access-log FILE|-|none] [--metrics ADDR:PORT]\n"
	           "                  [--env NAME=VALUE]... [--dir HOST[::GUEST]]...\n"
	           "                  [--route PREFIX=FILE.so [--env ...] [--dir ...]]... [FILE.so]\n");
	exit(status);
}

static void
bad(const char *opt_, const char *arg, const char *want)
{
	fprintf(stderr, "%s: %s %s: expected %s\n", argv0, opt_, arg, want);
	exit(2);
}

static char **
push(char **v, int *n, char *s)
{
	if (!(v = realloc(v, (size_t)(*n + 2) * sizeof *v))) {
		fprintf(stderr, "%s: out of memory\n", argv0);
		exit(1);
	}
	v[(*n)++] = s;
	v[*n] = NULL;
	return v;
}

/* SIZE: bytes, with an optional binary suffix K, M or G (KiB... too). */
static uint64_t
parse_size(const char *o, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *s == '-' || errno)
		bad(o, s, "a size such as 512K, 64M or 1G");
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B") || !strcmp(end, "b")))
		end += strlen(end);
	if (*end || v > (max >> shift) || (v << shift) < min) {
		fprintf(stderr, "%s: %s %s: expected a size from %llu to %llu bytes (suffix K, M or G)\n", argv0, o, s,
		        (unsigned long long)min, (unsigned long long)max);
		exit(2);
	}
	return (uint64_t)v << shift;
}

/* DURATION: a number and an optional unit ns, us, ms, s (default), m. */
static uint64_t
parse_duration(const char *o, const char *s)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"", 1e9}, {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1}, {"m", 60e9}};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && !errno && v > 0 && *s != '-')
		for (i = 0; i < sizeof units / sizeof *units; i++)
			if (!strcmp(end, units[i].unit) && v * units[i].ns < 1e15 && v * units[i].ns >= 1e6)
				return (uint64_t)(v * units[i].ns);
	bad(o, s, "a duration from 1ms to 11 days, such as 100ms, 2s or 1m");
	return 0;
}

static long
parse_count(const char *o, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 1 || v > max) {
		fprintf(stderr, "%s: %s %s: expected a number from 1 to %ld\n", argv0, o, s, max);
		exit(2);
	}
	return v;
}

static struct route *
add_route(const char *prefix, size_t plen, char *path)
{
	struct route *r;
	int i;

	/* "/" and "" both mean every path; "/api/" is "/api" */
	while (plen && prefix[plen - 1] == '/')
		plen--;
	for (i = 0; i < opt.nroutes; i++)
		if (opt.routes[i].plen == plen && !memcmp(opt.routes[i].prefix, prefix, plen)) {
			fprintf(stderr, "%s: two routes for %.*s\n", argv0, (int)(plen ? plen : 1), plen ? prefix : "/");
			exit(2);
		}
	if (!(opt.routes = realloc(opt.routes, (size_t)(opt.nroutes + 1) * sizeof *opt.routes)) ||
	    !(prefix = strndup(prefix, plen))) {
		fprintf(stderr, "%s: out of memory\n", argv0);
		exit(1);
	}
	r = &opt.routes[opt.nroutes++];
	memset(r, 0, sizeof *r);
	r->prefix = (char *)prefix;
	r->plen = plen;
	r->path = path;
	r->argv[0] = path;
	return r;
}

static void
route_opt(char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || arg[0] != '/' || !eq[1])
		bad("--route", arg, "PREFIX=FILE.so with PREFIX starting with /");
	add_route(arg, (size_t)(eq - arg), eq + 1);
}

/* --env and --dir before any --route apply to every route; after one,
 * to that route. */
static void
env_dir_opt(int c, char *arg, char ***genv, int *ngenv, char ***gdirs, int *ngdirs)
{
	struct route *r = opt.nroutes ? &opt.routes[opt.nroutes - 1] : NULL;

	if (c == 'e' && (!strchr(arg, '=') || arg[0] == '='))
		bad("--env", arg, "NAME=VALUE");
	if (c == 'e' && r)
		r->env = push(r->env, &r->nenv, arg);
	else if (c == 'e')
		*genv = push(*genv, ngenv, arg);
	else if (r)
		r->dirs = push(r->dirs, &r->ndirs, arg);
	else
		*gdirs = push(*gdirs, ngdirs, arg);
}

static void
merge_globals(char **genv, int ngenv, char **gdirs, int ngdirs)
{
	int i, k;

	for (i = 0; i < opt.nroutes; i++) {
		struct route *r = &opt.routes[i];
		char **env = NULL, **dirs = NULL;
		int nenv = 0, ndirs = 0;
		for (k = 0; k < ngenv; k++)
			env = push(env, &nenv, genv[k]);
		for (k = 0; k < r->nenv; k++)
			env = push(env, &nenv, r->env[k]);
		for (k = 0; k < ngdirs; k++)
			dirs = push(dirs, &ndirs, gdirs[k]);
		for (k = 0; k < r->ndirs; k++)
			dirs = push(dirs, &ndirs, r->dirs[k]);
		free(r->env);
		free(r->dirs);
		r->env = env, r->nenv = nenv, r->dirs = dirs, r->ndirs = ndirs;
	}
}

static void
parse_opts(int argc, char **argv)
{
	static const struct option longs[] = {
		{"listen", required_argument, NULL, 'l'}, {"route", required_argument, NULL, 'r'},
		{"env", required_argument, NULL, 'e'}, {"dir", required_argument, NULL, 'd'},
		{"threads", required_argument, NULL, 'T'}, {"max-concurrent", required_argument, NULL, 'c'},
		{"timeout", required_argument, NULL, 't'}, {"max-memory", required_argument, NULL, 'M'},
		{"max-body", required_argument, NULL, 'B'}, {"max-header", required_argument, NULL, 'H'},
		{"max-response", required_argument, NULL, 'R'}, {"stack-size", required_argument, NULL, 'S'},
		{"access-log", required_argument, NULL, 'a'}, {"metrics", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	char **genv = NULL, **gdirs = NULL;
	int c, ngenv = 0, ngdirs = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	opt.threads = ncpu > 0 && ncpu < 256 ? (int)ncpu : 1;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout, 0); break;
		case 'l': opt.listen = push(opt.listen, &opt.nlisten, optarg); break;
		case 'r': route_opt(optarg); break;
		case 'e': case 'd': env_dir_opt(c, optarg, &genv, &ngenv, &gdirs, &ngdirs); break;
		case 'T': opt.threads = (int)parse_count("--threads", optarg, 256); break;
		case 'c': opt.max_concurrent = (uint32_t)parse_count("--max-concurrent", optarg, 16384); break;
		case 't': opt.timeout_ns = parse_duration("--timeout", optarg); break;
		case 'M': opt.max_memory = parse_size("--max-memory", optarg, 64u << 10, 4ull << 30); break;
		case 'B': opt.max_body = parse_size("--max-body", optarg, 0, 1ull << 32); break;
		case 'H': opt.max_header = parse_size("--max-header", optarg, 1024, 1u << 20); break;
		case 'R': opt.max_response = parse_size("--max-response", optarg, 1024, 1ull << 32); break;
		case 'S': opt.stack_size = parse_size("--stack-size", optarg, 64u << 10, 1ull << 30); break;
		case 'a': opt.access_log = optarg; break;
		case 'm': opt.metrics = optarg; break;
		default: usage(stderr, 2);
		}
	}
	if (optind < argc)
		add_route("", 0, argv[optind++]);
	if (optind < argc || !opt.nroutes)
		usage(stderr, 2);
	if (opt.max_concurrent < (uint32_t)opt.threads)
		opt.threads = (int)opt.max_concurrent;
	merge_globals(genv, ngenv, gdirs, ngdirs);
	free(genv);
	free(gdirs);
}

/* Wait for the workers to finish after a drain was asked; a second
 * SIGTERM or SIGINT ends the process at once. */
static void
wait_drained(sigset_t *set)
{
	struct timespec tick = {0, 100000000};
	int i, done, sig;

	for (;;) {
		for (i = done = 0; i < nworkers; i++)
			done += __atomic_load_n(&workers[i].stopped, __ATOMIC_ACQUIRE);
		if (done == nworkers)
			return;
		sig = sigtimedwait(set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT) {
			logmsg("second signal: exiting without waiting");
			exit(1);
		}
	}
}

int
main(int argc, char **argv)
{
	sigset_t set;
	int sig;

	argv0 = "wasm-serve";
	parse_opts(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);  /* the threads inherit it */
	{
		char err[300];
		if (routes_load(err, sizeof err)) {
			fprintf(stderr, "%s: %s\n", argv0, err);
			return 1;
		}
	}
	log_open();
	if (listen_prepare() || workers_start() || ticker_start() || metrics_start())
		return 1;
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGHUP) {
			log_reopen();
			if (!routes_reload())
				workers_signal(1, 0);
			continue;
		}
		logmsg("%s: draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		workers_signal(0, 1);
		wait_drained(&set);
		break;
	}
	workers_join();
	ticker_stop();
	logmsg("stopped");
	return 0;
}
