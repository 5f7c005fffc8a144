/*
 * many: N live instances in one process, each holding distinct state,
 * all verified; then a request on each with one in ten trapping, every
 * other one completing correctly; then a reset after a request must
 * leave no byte of that request's memory for the next.
 * usage: many STATE.so N [fit]  prints one line per check; exit 0 if all pass
 * Slots come from regions of 2048 (a guard-mode slot reserves 6 GiB of
 * address space: no single hole of the address space holds 20,000), or
 * with "fit" from one region of slots fitted to the module
 * (wa_region_fit: for one compiled with --bounds-checks, its maximum
 * memory and a small guard), each keeping at most 8 KiB of its memory
 * resident between instances.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

#define PER_REGION 2048

static char err[512];
static const uint8_t zeros[65536];

/* Kernel memory mappings of this process (vm.max_map_count bounds
 * them), or -1 if /proc cannot tell. */
static long
mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static uint32_t
export(struct wa_module *m, const char *name)
{
	uint32_t f;

	if (wa_module_export_func(m, name, &f)) {
		fprintf(stderr, "many: no export %s\n", name);
		exit(1);
	}
	return f;
}

int
main(int argc, char **argv)
{
	struct wa_module *m;
	struct wa_host *h = wa_host_new();
	struct wa_region **rs;
	struct wa_instance **is;
	long n, nr, per, i, bad = 0, traps = 0, ok = 0, maps;
	uint32_t set, get, req, sum;
	wa_val a[1];

	if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "fit"))) {
		fprintf(stderr, "usage: many STATE.so N [fit]\n");
		return 2;
	}
	n = atol(argv[2]);
	per = argc == 4 ? n : PER_REGION;
	nr = (n + per - 1) / per;
	rs = calloc((size_t)nr, sizeof *rs);
	is = calloc((size_t)n, sizeof *is);
	if (!(m = wa_module_load(argv[1], err, sizeof err))) {
		fprintf(stderr, "many: %s\n", err);
		return 1;
	}
	set = export(m, "set"), get = export(m, "get"), req = export(m, "request"), sum = export(m, "sum");
	for (i = 0; i < nr; i++) {
		struct wa_region_config c = {.slots = (uint32_t)(n - i * per < per ? n - i * per : per)};
		if (argc == 4) {
			wa_region_fit(&c, m);
			c.keep_resident = 8192;
		}
		if (!(rs[i] = wa_region_new(&c, err, sizeof err))) {
			fprintf(stderr, "many: region %ld: %s\n", i, err);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (!(is[i] = wa_instantiate(rs[i / per], m, h, NULL, err, sizeof err))) {
			fprintf(stderr, "many: instance %ld: %s\n", i, err);
			return 1;
		}
		memset(a, 0, sizeof a);
		a[0].i32 = (int32_t)i;
		if (wa_call(is[i], set, a))
			bad++;
	}
	for (i = 0; i < n; i++) {
		memset(a, 0, sizeof a);
		if (wa_call(is[i], get, a) || a[0].i32 != (int32_t)i)
			bad++;
	}
	printf("%ld live instances, %ld with wrong state\n", n, bad);
	maps = mappings();
	/* one in ten traps; each trap ends that call alone */
	for (i = 0; i < n; i++) {
		int code;
		memset(a, 0, sizeof a);
		code = wa_call(is[i], req, a);
		if (i % 10 == 0 && code == WA_TRAP_UNREACHABLE)
			traps++;
		else if (i % 10 && !code && a[0].i32 == (int32_t)(2 * i))
			ok++;
	}
	/* and the trapped ones are still usable */
	for (i = 0; i < n; i += 10) {
		memset(a, 0, sizeof a);
		if (wa_call(is[i], get, a) || a[0].i32 != (int32_t)i)
			traps--;
	}
	printf("%ld requests: %ld trapped as they should, %ld completed correctly\n", n, traps, ok);
	/* reset: no byte of the last request's memory is left; then each
	 * goes (a read of every byte makes the pages resident, and a slot
	 * gives back those its guest did not dirty) */
	{
		long dirty = 0;
		for (i = 0; i < n; i++) {
			uint64_t size, k;
			uint8_t *mem;
			if (wa_instance_reset(is[i], err, sizeof err)) {
				fprintf(stderr, "many: reset %ld: %s\n", i, err);
				return 1;
			}
			mem = wa_instance_memory(is[i], &size);
			for (k = 0; k < size && !memcmp(mem + k, zeros, size - k < sizeof zeros ? size - k : sizeof zeros);
			     k += sizeof zeros)
				;
			memset(a, 0, sizeof a);
			if (k < size || wa_call(is[i], sum, a) || a[0].i32 != 0)
				dirty++;
			wa_instance_free(is[i]);
		}
		printf("%ld resets, %ld left bytes of the last request\n", n, dirty);
		bad += dirty;
	}
	printf("%ld kernel memory mappings with all instances live\n", maps);
	for (i = 0; i < nr; i++)
		wa_region_free(rs[i]);
	wa_module_free(m);
	wa_host_free(h);
	return bad || traps != (n + 9) / 10 || ok != n - (n + 9) / 10;
}
