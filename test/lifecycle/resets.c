/*
 * resets: a slot's heap reads zero after every reset and free, whatever
 * the guest did to it (grew it or not, dirtied much or little, more or
 * less than the last request) and whatever the slot keeps resident.
 * Requests follow a fixed pseudo-random sequence; after each, the
 * instance is reset (or freed and another instantiated in the slot),
 * and then its memory is checked, and grown to the largest size any
 * request reached and checked again.
 * usage: resets M.so       (M compiled for guard pages or with
 *                           --bounds-checks: the slots suit it)
 * prints one line per slot layout and keep_resident; exit 0 if all pass
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

#define REQUESTS 100
#define MAXPAGES 16

static char err[512];
static const uint8_t zeros[65536];

static uint32_t
export(struct wa_module *m, const char *name)
{
	uint32_t f;

	if (wa_module_export_func(m, name, &f)) {
		fprintf(stderr, "resets: no export %s\n", name);
		exit(1);
	}
	return f;
}

/* Read through wa_memory_read, which leaves a tracked heap's pages as
 * they are (wa_instance_memory would make them all writable). */
static int
all_zero(struct wa_instance *I)
{
	static uint8_t buf[sizeof zeros];
	uint64_t size, k;

	size = wa_memory_size(I);
	for (k = 0; k < size; k += sizeof zeros) {
		uint64_t n = size - k < sizeof zeros ? size - k : sizeof zeros;
		if (wa_memory_read(I, (uint32_t)k, buf, n) || memcmp(buf, zeros, n))
			return 0;
	}
	return 1;
}

static uint32_t seed = 12345;

static uint32_t
rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* One slot, REQUESTS requests; the number that left anything behind. */
static int
run(struct wa_module *m, uint64_t keep, int fit)
{
	struct wa_region_config c = {.slots = 1, .keep_resident = keep};
	struct wa_host *h = wa_host_new();
	struct wa_region *r;
	struct wa_instance *I;
	uint32_t grow = export(m, "grow"), fill = export(m, "fill"), most = 2;
	int i, bad = 0;
	wa_val a[2];

	if (fit)
		wa_region_fit(&c, m);
	if (!(r = wa_region_new(&c, err, sizeof err)) || !(I = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
		fprintf(stderr, "resets: %s\n", err);
		exit(1);
	}
	for (i = 0; i < REQUESTS; i++) {
		uint32_t pages, k, n = rnd(4);
		uint64_t size;
		/* grow by nothing, a little or a lot (past the maximum: -1) */
		memset(a, 0, sizeof a);
		a[0].i32 = (int32_t)(n == 0 ? 0 : n == 1 ? rnd(3) : rnd(MAXPAGES));
		wa_call(I, grow, a);
		size = wa_memory_size(I);
		pages = (uint32_t)(size >> 16);
		most = pages > most ? pages : most;
		/* dirty a few ranges, small and large */
		for (k = rnd(4); k-- > 0;) {
			uint32_t at = rnd(pages << 16), len = rnd(k & 1 ? 4096 : (pages << 16) - at);
			a[0].i32 = (int32_t)at, a[1].i32 = (int32_t)(len < (pages << 16) - at ? len : (pages << 16) - at);
			wa_call(I, fill, a);
		}
		if (rnd(2)) {
			if (wa_instance_reset(I, err, sizeof err)) {
				fprintf(stderr, "resets: %s\n", err);
				exit(1);
			}
		} else {
			wa_instance_free(I);
			if (!(I = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
				fprintf(stderr, "resets: %s\n", err);
				exit(1);
			}
		}
		/* as fresh: two pages of zeros; grown as far as ever, zeros */
		size = wa_memory_size(I);
		if (size != 2 << 16 || !all_zero(I))
			bad++;
		a[0].i32 = (int32_t)(most - 2);
		if (wa_call(I, grow, a) || a[0].i32 != 2 || !all_zero(I))
			bad++;
		if (wa_instance_reset(I, err, sizeof err))
			exit(1);
	}
	wa_instance_free(I);
	wa_region_free(r);
	wa_host_free(h);
	return bad;
}

int
main(int argc, char **argv)
{
	static const uint64_t keeps[] = {1, 8192, 256 << 10, 0};
	struct wa_module *m;
	int failed = 0, fit;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: resets M.so\n");
		return 2;
	}
	if (!(m = wa_module_load(argv[1], err, sizeof err))) {
		fprintf(stderr, "resets: %s\n", err);
		return 1;
	}
	for (fit = 0; fit < 2; fit++) {
		for (i = 0; i < sizeof keeps / sizeof *keeps; i++) {
			int bad = run(m, keeps[i], fit);
			printf("%s slots, keep_resident %llu: %d of %d requests left something\n",
			       fit ? "fitted" : "default", (unsigned long long)keeps[i], bad, REQUESTS);
			failed |= bad;
		}
	}
	wa_module_free(m);
	return failed != 0;
}
