/*
 * wasm-run's life-cycle mode: --repeat N runs the module N times, each
 * in a fresh instance; --concurrent K keeps K instances alive at once
 * (instantiate K, run each, reset each: a batch); --stats prints the
 * median and 99th percentile of each phase and the resident memory per
 * live instance.  A trap ends that run only; the others go on.
 *
 * Slots come from regions of at most REGION_SLOTS each: a guard-mode
 * slot reserves 6 GiB of address space, and no single hole of a 47-bit
 * address space holds 20,000 of them, while several regions do.  A
 * module compiled with --bounds-checks gets slots fitted to it
 * (wa_region_fit: its maximum memory and a small guard), all in one
 * region, one kernel mapping where the kernel has guard markers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "run.h"

#define REGION_SLOTS 2048u

struct phase {
	double *v;
	size_t n;
};

static uint64_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
add(struct phase *p, uint64_t ns)
{
	p->v[p->n++] = (double)ns / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
show(const char *name, struct phase *p)
{
	size_t i99;

	if (!p->n)
		return;
	qsort(p->v, p->n, sizeof *p->v, cmp);
	i99 = p->n * 99 / 100;
	fprintf(stderr, "%-12s %10.2f %10.2f\n", name, p->v[p->n / 2], p->v[i99 < p->n ? i99 : p->n - 1]);
}

static long
rss_bytes(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	if (f)
		fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

/* Bytes of the instance's memory that are resident: what the guest
 * (and its data segments) touched. */
static long
guest_bytes(struct wa_instance *I)
{
	uint64_t size, pg = (uint64_t)sysconf(_SC_PAGESIZE), i, off;
	uint8_t *mem = wa_instance_memory(I, &size);
	unsigned char vec[1024];
	long n = 0;

	if (!mem)
		return 0;
	for (off = 0; off < size; off += sizeof vec * pg) {
		uint64_t len = size - off < sizeof vec * pg ? size - off : sizeof vec * pg;
		if (mincore(mem + off, len, vec))
			return 0;
		for (i = 0; i < (len + pg - 1) / pg; i++)
			n += vec[i] & 1;
	}
	return n * (long)pg;
}

/* One run: _start or --invoke; returns the exit status it asks for. */
static int
run_one(struct wa_instance *I, const struct life *L)
{
	uint32_t f;
	int code;

	if (L->timeout_ns && wa_instance_set_deadline(I, L->timeout_ns))
		fatal("cannot start the watchdog thread for --timeout");
	if (L->invoke) {
		code = invoke(I, L->so, L->invoke, L->argc - 1, L->argv + 1);
	} else {
		if (wa_module_export_func(wa_instance_module(I), "_start", &f)) {
			fprintf(stderr, "%s: %s: no _start function exported (use --invoke NAME)\n", argv0, L->so);
			exit(1);
		}
		code = wa_call(I, f, NULL);
	}
	if (L->timeout_ns)
		wa_instance_set_deadline(I, 0);
	if (code == WA_TRAP_EXIT)
		return wa_trap_info(I)->exit_code;
	if (code) {
		print_trap(I, code);
		return TRAP_STATUS;
	}
	return 0;
}

int
lifecycle(struct wa_module *m, struct wa_host *h, const struct wa_region_config *rc, const struct life *L)
{
	long n = L->repeat > 0 ? L->repeat : L->concurrent, k = L->concurrent > 0 ? L->concurrent : 1;
	int checked = wa_module_contract(m)->bounds == WA_BOUNDS_CHECK;
	long per = checked ? k : REGION_SLOTS;
	long nregions = (k + per - 1) / per, done = 0, i;
	struct wa_region **regions = calloc((size_t)nregions, sizeof *regions);
	struct wa_region_config base = *rc;
	struct wa_instance **live = calloc((size_t)k, sizeof *live);
	struct phase ph[3];
	long rss0 = 0, rss_idle = 0, rss_run = 0, guest_idle = 0, guest_run = 0;
	int status = 0;
	char err[512];

	if (!regions || !live)
		fatal("out of memory");
	for (i = 0; i < 3; i++)
		if (!(ph[i].v = calloc((size_t)n, sizeof *ph[i].v)))
			fatal("out of memory");
	for (i = 0; i < 3; i++)
		ph[i].n = 0;
	if (checked)
		wa_region_fit(&base, m);
	for (i = 0; i < nregions; i++) {
		struct wa_region_config c = base;
		c.slots = (uint32_t)(k - i * per < per ? k - i * per : per);
		if (!(regions[i] = wa_region_new(&c, err, sizeof err))) {
			fprintf(stderr, "%s: %s: --concurrent %ld: region %ld of %ld: %s\n", argv0, L->so, k, i + 1,
			        nregions, err);
			return 1;
		}
	}
	while (done < n) {
		long batch = n - done < k ? n - done : k, j;
		if (!done)
			rss0 = rss_bytes();
		for (j = 0; j < batch; j++) {
			uint64_t t0 = now();
			if (!(live[j] = wa_instantiate(regions[j / per], m, h, NULL, err, sizeof err))) {
				fprintf(stderr, "%s: %s: instance %ld: %s\n", argv0, L->so, done + j + 1, err);
				return 1;
			}
			add(&ph[0], now() - t0);
		}
		if (!done) {
			rss_idle = rss_bytes();
			for (j = 0; j < batch; j++)
				guest_idle += guest_bytes(live[j]);
		}
		for (j = 0; j < batch; j++) {
			uint64_t t0 = now();
			int s = run_one(live[j], L);
			add(&ph[1], now() - t0);
			if (s && !status)
				status = s;
		}
		if (!done) {
			rss_run = rss_bytes();
			for (j = 0; j < batch; j++)
				guest_run += guest_bytes(live[j]);
		}
		for (j = 0; j < batch; j++) {
			uint64_t t0 = now();
			wa_instance_free(live[j]);
			add(&ph[2], now() - t0);
		}
		done += batch;
	}
	fflush(stdout);
	if (L->stats) {
		long first = n < k ? n : k;
		fprintf(stderr, "%s: %ld runs, %ld instances at once\n", argv0, n, k);
		fprintf(stderr, "%-12s %10s %10s   (microseconds)\n", "phase", "median", "p99");
		show("instantiate", &ph[0]);
		show("run", &ph[1]);
		show("reset", &ph[2]);
		fprintf(stderr, "resident memory per live instance: %.1f KiB idle (%.1f KiB of it the guest's "
		                "memory), %.1f KiB after its run (%.1f KiB)\n",
		        (double)(rss_idle - rss0) / 1024.0 / (double)first, (double)guest_idle / 1024.0 / (double)first,
		        (double)(rss_run - rss0) / 1024.0 / (double)first, (double)guest_run / 1024.0 / (double)first);
	}
	for (i = 0; i < nregions; i++)
		wa_region_free(regions[i]);
	for (i = 0; i < 3; i++)
		free(ph[i].v);
	free(regions);
	free(live);
	return status;
}
