/*
 * The per-request life cycle on our runtime, through the embedding API
 * (wasmrt.h).  bench/lifecycle.sh builds the modules, runs this and the
 * Node peer, and prints the table and the plots.
 *
 * usage: lifecycle WHAT ARGS...     every line printed: NAME MEDIAN_NS P99_NS
 *   load HELLO.so N            (a) load + one-slot region + instantiate + free all
 *   inst HELLO.so N            (b) instantiate + free in an existing region
 *   heap M.so N LABEL          (c) instantiate + free of a module with an initial heap,
 *                              in a slot that held it last and in one that did not
 *   call NOP.so N              (d) call round trip to an empty export, the guest code
 *                              called directly, an empty C function
 *   run HELLO.so N             (e) first run of hello (_start); (f) its reset
 *   dirty DIRTY.so N KEEP BYTES...  (g) a request that dirties BYTES of heap: the guest's
 *                              writes and the reset, steady state, and native memsets
 *   cycles HELLO.so SECONDS T  (h) complete life cycles per second, T threads
 *   rss HELLO.so N             (i) resident memory per live idle instance
 * Standard output of the guests goes to /dev/null.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "wasmrt.h"
#include "rt/rt.h"          /* (d): the function record, to call the guest directly */

static char err[512];

static uint64_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
report(const char *name, double *xs, size_t n)
{
	size_t p99 = n * 99 / 100;

	qsort(xs, n, sizeof *xs, cmp);
	printf("%s %.1f %.1f\n", name, xs[n / 2], xs[p99 < n ? p99 : n - 1]);
	fflush(stdout);
}

static void
die(const char *what)
{
	fprintf(stderr, "lifecycle: %s: %s\n", what, err);
	exit(1);
}

static struct wa_module *
load(const char *path)
{
	struct wa_module *m = wa_module_load(path, err, sizeof err);

	if (!m)
		die(path);
	return m;
}

static struct wa_region *
region(uint32_t slots)
{
	struct wa_region *r = wa_region_new(&(struct wa_region_config){.slots = slots}, err, sizeof err);

	if (!r)
		die("region");
	return r;
}

static char *hello_argv[] = {"hello", NULL};
static struct wa_wasi_config wasi = {.argc = 1, .argv = hello_argv};

static struct wa_host *
host(void)
{
	struct wa_host *h = wa_host_new();

	if (!h)
		die("host");
	if (wa_wasi_add(h, &wasi, NULL, 0))
		die("wasi");
	return h;
}

static struct wa_instance *
inst(struct wa_region *r, struct wa_module *m, struct wa_host *h)
{
	struct wa_instance *I = wa_instantiate(r, m, h, NULL, err, sizeof err);

	if (!I)
		die("instantiate");
	return I;
}

static uint32_t
export(struct wa_module *m, const char *name)
{
	uint32_t f;

	if (wa_module_export_func(m, name, &f)) {
		snprintf(err, sizeof err, "no export %s", name);
		die("export");
	}
	return f;
}

/* _start ends with proc_exit(0) in wasi-libc: that is not a failure */
static void
call(struct wa_instance *I, uint32_t f, wa_val *args)
{
	int code = wa_call(I, f, args);

	if (code && !(code == WA_TRAP_EXIT && wa_trap_info(I)->exit_code == 0)) {
		snprintf(err, sizeof err, "trap: %s", wa_trap_name((uint32_t)code));
		die("call");
	}
}

static double *
samples(size_t n)
{
	double *xs = calloc(n, sizeof *xs);

	if (!xs) {
		snprintf(err, sizeof err, "out of memory");
		die("samples");
	}
	return xs;
}

static void
bench_load(const char *so, size_t n)
{
	double *xs = samples(n);
	struct wa_host *h = host();
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = now();
		struct wa_module *m = load(so);
		struct wa_region *r = region(1);
		struct wa_instance *I = inst(r, m, h);
		uint64_t t1 = now();
		wa_instance_free(I);
		wa_region_free(r);
		wa_module_free(m);
		xs[i] = (double)(t1 - t0);
	}
	report("load_region_instantiate", xs, n);
	wa_host_free(h);
	free(xs);
}

static void
bench_inst(const char *so, size_t n, const char *label)
{
	double *xs = samples(n), *ys = samples(n);
	struct wa_module *m = load(so);
	struct wa_region *r = region(1);
	struct wa_host *h = host();
	char name[128];
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = now();
		struct wa_instance *I = inst(r, m, h);
		uint64_t t1 = now();
		wa_instance_free(I);
		xs[i] = (double)(t1 - t0);
		ys[i] = (double)(now() - t1);
	}
	snprintf(name, sizeof name, "instantiate%s%s", label ? "_" : "", label ? label : "");
	report(name, xs, n);
	snprintf(name, sizeof name, "destroy%s%s", label ? "_" : "", label ? label : "");
	report(name, ys, n);
	if (label) {
		/* cold: the slot last held another module's heap (a second
		 * load of the same file is another module with its own image) */
		struct wa_module *m2 = load(so);
		for (i = 0; i < n; i++) {
			struct wa_instance *J = inst(r, i % 2 ? m2 : m, h);
			uint64_t t0, t1;
			wa_instance_free(J);
			t0 = now();
			J = inst(r, i % 2 ? m : m2, h);
			t1 = now();
			wa_instance_free(J);
			xs[i] = (double)(t1 - t0);
		}
		snprintf(name, sizeof name, "instantiate_cold_%s", label);
		report(name, xs, n);
		wa_module_free(m2);
	}
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	free(xs);
	free(ys);
}

__attribute__((noinline)) static void
empty_c(void *ctx)
{
	__asm__ volatile("" : : "r"(ctx) : "memory");
}

/*
 * (d) The call round trip, and what it is made of, in the same run:
 * the guest's own code called directly, without wa_call (its prologue,
 * stack-limit and interrupt checks: runtime internals, rt.h), and an
 * empty C function called the same way (the loop and a call).
 */
static void
bench_call(const char *so, size_t n)
{
	struct wa_module *m = load(so);
	struct wa_region *r = region(1);
	struct wa_host *h = host();
	struct wa_instance *I = inst(r, m, h);
	uint32_t f = export(m, "nop");
	const struct wa_func *fn = I->ctx.funcs[f];
	void (*code)(void *) = (void (*)(void *))fn->code;
	size_t reps = 21, k, i, inner = n;
	double *xs = samples(reps), *ys = samples(reps), *zs = samples(reps);

	for (i = 0; i < inner; i++)
		call(I, f, NULL);
	for (k = 0; k < reps; k++) {
		uint64_t t0 = now(), t1, t2;
		int bad = 0;
		/* wa_call itself in the loop, as an embedder calls it (the
		 * call() wrapper is a frame of its own); nop cannot trap */
		for (i = 0; i < inner; i++)
			bad |= wa_call(I, f, NULL);
		t1 = now();
		if (bad)
			call(I, f, NULL);  /* says why */
		for (i = 0; i < inner; i++)
			code(fn->ctx);
		t2 = now();
		for (i = 0; i < inner; i++)
			empty_c(fn->ctx);
		xs[k] = (double)(t1 - t0) / (double)inner;
		ys[k] = (double)(t2 - t1) / (double)inner;
		zs[k] = (double)(now() - t2) / (double)inner;
	}
	report("call", xs, reps);
	report("call_guest_direct", ys, reps);
	report("call_empty_c", zs, reps);
	free(ys);
	free(zs);
	wa_instance_free(I);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	free(xs);
}

static void
bench_run(const char *so, size_t n)
{
	double *xs = samples(n), *ys = samples(n), *zs = samples(n);
	struct wa_module *m = load(so);
	struct wa_region *r = region(1);
	struct wa_host *h = host();
	struct wa_instance *I = inst(r, m, h);
	uint32_t f = export(m, "_start");
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = now(), t1, t2;
		call(I, f, NULL);
		t1 = now();
		if (wa_instance_reset(I, err, sizeof err))
			die("reset");
		t2 = now();
		xs[i] = (double)(t1 - t0);
		ys[i] = (double)(t2 - t1);
	}
	wa_instance_free(I);
	/* the whole life cycle: instantiate, run, destroy */
	for (i = 0; i < n; i++) {
		uint64_t t0 = now();
		I = inst(r, m, h);
		call(I, f, NULL);
		wa_instance_free(I);
		zs[i] = (double)(now() - t0);
	}
	report("first_run", xs, n);
	report("reset", ys, n);
	report("lifecycle", zs, n);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	free(xs);
	free(ys);
	free(zs);
}

/* Page faults this process has taken so far. */
static long
faults(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_minflt + ru.ru_majflt;
}

/* Runs for a size: fewer for big ones, so that each size takes about
 * the same time. */
static size_t
runs_for(size_t n, long len)
{
	size_t k = (size_t)((512l << 20) / (len > 65536 ? len : 65536));

	return k < 5 ? 5 : k < n ? k : n;
}

/*
 * (g) A request that dirties LEN bytes, in steady state: the guest's
 * writes (memory.fill), with the faults it takes where the last reset
 * gave pages back, and the reset; beside it, what writing and then
 * clearing LEN bytes costs natively (two memsets of resident memory).
 * KEEP is the region's keep_resident (0: no limit).
 */
/* Requests before the measured ones: the first fault everything in,
 * the next eight let the runtime try both ways of clearing a run
 * (zero.c, clear_run) */
#define WARM 10

static void
bench_dirty(const char *so, size_t n, uint64_t keep, int nb, char **bytes)
{
	struct wa_module *m = load(so);
	struct wa_region *r = wa_region_new(&(struct wa_region_config){.slots = 1, .keep_resident = keep}, err,
	                                    sizeof err);
	struct wa_host *h = host();
	struct wa_instance *I;
	uint32_t f = export(m, "dirty");
	double *xs = samples(n), *ys = samples(n), *zs = samples(n);
	char name[96];
	int b;
	size_t i;

	if (!r)
		die("region");
	I = inst(r, m, h);
	for (b = 0; b < nb; b++) {
		long len = atol(bytes[b]), f0;
		size_t k = runs_for(n, len);
		uint8_t *native = malloc((size_t)len + 1);
		f0 = 0;
		/*
		 * 2k requests: the even ones timed whole, the odd ones their
		 * reset alone, so that each timing holds one clock read (40
		 * ns in this VM), as each native one below does; the faults
		 * counted over all of them, not around each (two getrusage
		 * calls between requests cost them the cache and TLB state
		 * the native memsets keep: at 4 KiB, 270 ns a request
		 * instead of 150)
		 */
		for (i = 0; i < 2 * k + WARM; i++) {
			wa_val a[1];
			uint64_t t0, t1;
			memset(a, 0, sizeof a);
			a[0].i32 = (int32_t)len;
			if (i == WARM)
				f0 = faults();
			t0 = now();
			call(I, f, a);
			if (i >= WARM && (i - WARM) % 2)
				t0 = now();
			if (wa_instance_reset(I, err, sizeof err))
				die("reset");
			t1 = now();
			if (i >= WARM)
				((i - WARM) % 2 ? ys : xs)[(i - WARM) / 2] = (double)(t1 - t0);
		}
		for (i = 0; i < k; i++)
			zs[i] = (double)(faults() - f0) / (double)(2 * k);
		snprintf(name, sizeof name, "request_dirty_%ld_keep%llu", len, (unsigned long long)keep);
		report(name, xs, k);
		snprintf(name, sizeof name, "reset_dirty_%ld_keep%llu", len, (unsigned long long)keep);
		report(name, ys, k);
		snprintf(name, sizeof name, "faults_dirty_%ld_keep%llu", len, (unsigned long long)keep);
		report(name, zs, k);
		if (native && !keep) {
			memset(native, 0, (size_t)len + 1);
			for (i = 0; i < k; i++) {
				uint64_t t0 = now();
				memset(native, 1, (size_t)len);
				__asm__ volatile("" : : "r"(native) : "memory");
				memset(native, 0, (size_t)len);
				__asm__ volatile("" : : "r"(native) : "memory");
				xs[i] = (double)(now() - t0);
			}
			snprintf(name, sizeof name, "native_two_memsets_%ld", len);
			report(name, xs, k);
		}
		free(native);
	}
	wa_instance_free(I);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	free(xs);
	free(ys);
	free(zs);
}

struct cyc {
	struct wa_module *m;
	struct wa_region *r;
	uint64_t deadline, count;
};

static void *
cycles_thread(void *p)
{
	struct cyc *c = p;
	struct wa_host *h = host();
	uint32_t f = export(c->m, "_start");

	while (now() < c->deadline) {
		struct wa_instance *I = inst(c->r, c->m, h);
		call(I, f, NULL);
		wa_instance_free(I);
		c->count++;
	}
	wa_host_free(h);
	return NULL;
}

static void
bench_cycles(const char *so, double secs, int threads)
{
	struct wa_module *m = load(so);
	struct wa_region *r = region((uint32_t)threads);
	pthread_t tid[64];
	struct cyc c[64];
	uint64_t total = 0, t0 = now();
	int i;

	for (i = 0; i < threads && i < 64; i++) {
		c[i] = (struct cyc){m, r, t0 + (uint64_t)(secs * 1e9), 0};
		pthread_create(&tid[i], NULL, cycles_thread, &c[i]);
	}
	for (i = 0; i < threads && i < 64; i++) {
		pthread_join(tid[i], NULL);
		total += c[i].count;
	}
	printf("cycles_per_second_%d %.0f %.0f\n", threads, (double)total / ((double)(now() - t0) / 1e9),
	       (double)total);
	wa_region_free(r);
	wa_module_free(m);
}

static long
rss_kib(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	if (f)
		fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
bench_rss(const char *so, size_t n)
{
	struct wa_module *m = load(so);
	struct wa_region *r = region((uint32_t)n);
	struct wa_host *h = host();
	struct wa_instance **is = calloc(n, sizeof *is);
	long before, after;
	size_t i;

	before = rss_kib();
	for (i = 0; i < n; i++)
		is[i] = inst(r, m, h);
	after = rss_kib();
	printf("rss_per_instance %.0f %zu\n", (double)(after - before) * 1024.0 / (double)n, n);
	for (i = 0; i < n; i++)
		wa_instance_free(is[i]);
	free(is);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
}

int
main(int argc, char **argv)
{
	int null = open("/dev/null", O_WRONLY);
	int out = dup(1);
	FILE *report_to;

	if (argc < 4) {
		fprintf(stderr, "usage: lifecycle WHAT MODULE.so N [ARGS...]\n");
		return 2;
	}
	/* guests write to fd 1, which is /dev/null; the figures go to the
	 * original standard output */
	if (null < 0 || out < 0 || dup2(null, 1) < 0 || !(report_to = fdopen(out, "w")))
		return 1;
	stdout = report_to;
	if (!strcmp(argv[1], "load"))
		bench_load(argv[2], (size_t)atol(argv[3]));
	else if (!strcmp(argv[1], "inst"))
		bench_inst(argv[2], (size_t)atol(argv[3]), NULL);
	else if (!strcmp(argv[1], "heap") && argc > 4)
		bench_inst(argv[2], (size_t)atol(argv[3]), argv[4]);
	else if (!strcmp(argv[1], "call"))
		bench_call(argv[2], (size_t)atol(argv[3]));
	else if (!strcmp(argv[1], "run"))
		bench_run(argv[2], (size_t)atol(argv[3]));
	else if (!strcmp(argv[1], "dirty"))
		bench_dirty(argv[2], (size_t)atol(argv[3]), strtoull(argv[4], NULL, 10), argc - 5, argv + 5);
	else if (!strcmp(argv[1], "cycles") && argc > 4)
		bench_cycles(argv[2], atof(argv[3]), atoi(argv[4]));
	else if (!strcmp(argv[1], "rss"))
		bench_rss(argv[2], (size_t)atol(argv[3]));
	else {
		fprintf(stderr, "lifecycle: unknown measurement %s\n", argv[1]);
		return 2;
	}
	fflush(stdout);
	return 0;
}
