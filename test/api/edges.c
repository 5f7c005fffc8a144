/*
 * The embedding API against hostile arguments: sizes that overflow,
 * ranges that wrap past 2^64, lengths and indexes out of range, a
 * context area too small for the module.  Each check prints "ok NAME"
 * or "not ok NAME: why"; the exit status is 1 if any failed.
 * usage: edges BASIC.so MANY.so   (test/wasm-run/basic.c built as a module,
 *                                   and with -DMANY_GLOBALS=180000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasmrt.h"

static int failed;

static void
check(int ok, const char *name, const char *why)
{
	if (ok)
		printf("ok %s\n", name);
	else
		printf("not ok %s: %s\n", name, why), failed = 1;
}

/* wa_region_new refuses cfg with a message that starts with want. */
static void
region_refused(const char *name, struct wa_region_config cfg, const char *want)
{
	char err[256] = "";
	struct wa_region *r = wa_region_new(&cfg, err, sizeof err);

	check(!r && !strncmp(err, want, strlen(want)), name, r ? "accepted" : err);
	wa_region_free(r);
}

static void
regions(void)
{
	region_refused("region: too many slots", (struct wa_region_config){.slots = 1u << 20}, "region too large");
	region_refused("region: heap reservation near 2^64",
	               (struct wa_region_config){.heap_reserve = UINT64_MAX}, "region too large");
	region_refused("region: guard near 2^64", (struct wa_region_config){.heap_guard = UINT64_MAX - 4095},
	               "region too large");
	region_refused("region: stack near 2^64", (struct wa_region_config){.stack_size = UINT64_MAX},
	               "region too large");
	region_refused("region: context area near 2^64", (struct wa_region_config){.ctx_size = UINT64_MAX},
	               "region too large");
	region_refused("region: more than the address space",
	               (struct wa_region_config){.slots = 16384, .heap_reserve = 1ull << 40}, "region too large");
}

/* A region whose context area is too small for the module: a message,
 * no crash (the module fits in the default one). */
static void
small_context(struct wa_module *m, struct wa_host *h)
{
	struct wa_region_config cfg = {.ctx_size = 4096};
	char err[256] = "";
	struct wa_region *r = wa_region_new(&cfg, err, sizeof err);
	struct wa_instance *I = r ? wa_instantiate(r, m, h, NULL, err, sizeof err) : NULL;

	check(r && !I && strstr(err, "module too large for the region's context area"), "context area too small",
	      I ? "instantiated" : err);
	wa_instance_free(I);
	wa_region_free(r);
}

/* The table budget of a region: made and grown elements together. */
static void
table_budget(struct wa_module *m, struct wa_host *h)
{
	struct wa_region_config cfg = {.table_max = 6};
	char err[256] = "";
	struct wa_region *r = wa_region_new(&cfg, err, sizeof err), *r3;
	struct wa_instance *I = r ? wa_instantiate(r, m, h, NULL, err, sizeof err) : NULL, *J;
	wa_val a[1] = {{.i32 = 2}};
	uint32_t f;

	check(I && !wa_module_export_func(m, "tgrow", &f) && !wa_call(I, f, a) && a[0].i32 == 4,
	      "table budget: grown to it", I ? "refused" : err);
	a[0].i32 = 1;
	check(I && !wa_call(I, f, a) && a[0].i32 == -1, "table budget: not past it", "grown");
	cfg.table_max = 3;
	r3 = wa_region_new(&cfg, err, sizeof err);
	J = r3 ? wa_instantiate(r3, m, h, NULL, err, sizeof err) : NULL;
	check(r3 && !J && strstr(err, "tables of 4 elements exceed the region's limit of 3"),
	      "table budget: a module's tables over it", J ? "instantiated" : err);
	wa_instance_free(I);
	wa_instance_free(J);
	wa_region_free(r);
	wa_region_free(r3);
}

static void
memory(struct wa_instance *I)
{
	uint64_t size;
	uint8_t buf[16];

	wa_instance_memory(I, &size);
	check(wa_memory_ptr(I, 0, size) != NULL, "memory: the whole memory", "refused");
	check(!wa_memory_ptr(I, 1, size), "memory: one byte past the end", "accepted");
	check(!wa_memory_ptr(I, 16, UINT64_MAX), "memory: length 2^64-1", "accepted");
	check(!wa_memory_ptr(I, 0xffffffffu, UINT64_MAX - 0xfffffffeu), "memory: end wraps to 0", "accepted");
	check(!wa_memory_ptr(I, 16, UINT64_MAX - 15), "memory: end wraps to exactly 2^64", "accepted");
	check(wa_memory_read(I, 16, buf, UINT64_MAX - 15) == -1, "memory: read with a wrapping end", "accepted");
	check(wa_memory_write(I, 16, buf, UINT64_MAX - 15) == -1, "memory: write with a wrapping end", "accepted");
	check(wa_memory_read(I, (uint32_t)size - 4, buf, 4) == 0, "memory: the last four bytes", "refused");
}

static void
calls(struct wa_module *m, struct wa_instance *I)
{
	uint32_t add, size, two, kind, idx;
	wa_val v, args[2];
	uint8_t t;

	check(!wa_module_export_func(m, "add", &add) && !wa_module_export_func(m, "size", &size), "exports found",
	      "missing");
	check(wa_call(I, add, NULL) == -1, "call: parameters but no argument array", "called");
	check(wa_call(I, size, NULL) == 0, "call: no parameters, one result, no array", "refused");
	check(!wa_module_export_func(m, "two", &two) && wa_call(I, two, NULL) == -1,
	      "call: two results but no array", "called");
	check(wa_call(I, UINT32_MAX, args) == -1, "call: function index 2^32-1", "called");
	check(wa_instance_global(I, UINT32_MAX, &v, &t) == -1, "global: index 2^32-1", "accepted");
	check(wa_module_func_type(m, UINT32_MAX) == NULL, "function type: index 2^32-1", "accepted");
	check(wa_instance_export(I, "add", SIZE_MAX, &kind, &idx) == -1, "export: length 2^64-1", "found");
	/* a deadline centuries away must not wrap to one in the past */
	check(wa_instance_set_deadline(I, UINT64_MAX) == 0, "deadline: 2^64-1 ns set", "refused");
	args[0].i32 = 40, args[1].i32 = 2;
	check(wa_call(I, add, args) == 0 && args[0].i32 == 42, "deadline: 2^64-1 ns is not already over",
	      "interrupted");
	wa_instance_set_deadline(I, 0);
}

static void
hosts(struct wa_host *h, struct wa_instance *I)
{
	check(wa_host_register(h, "x", SIZE_MAX, I) == -1, "register: name length 2^64-1", "accepted");
	check(wa_host_table(h, "t", "t", 0x70, 10, 5) == -1, "host table: max below min", "accepted");
	check(wa_host_table(h, "t", "t", 0x70, UINT32_MAX - 1, WA_NO_MAX) == -1, "host table: 2^32-2 elements",
	      "accepted");
	check(wa_host_memory(h, "m", "m", 65537, WA_NO_MAX) == -1, "host memory: 65537 pages", "accepted");
	check(wa_host_func(h, "f", "f", "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii:", NULL,
	                   NULL, NULL) == -1, "host function: 69 parameters and no function", "accepted");
}

static int
copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;
	int ok = in && out;

	while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	if (in)
		fclose(in);
	if (out && fclose(out))
		ok = 0;
	return ok;
}

/* A path loaded again after its file was replaced gives the new file's
 * module, while the old one is still loaded (dlopen by name would
 * return the old object); and loading an unchanged path twice works. */
static void
reload(const char *basic, const char *many)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4200], next[4200], err[256] = "";
	struct wa_module *a, *b, *c;

	snprintf(dir, sizeof dir, "%s/edges.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		check(0, "reload", "mkdtemp failed");
		return;
	}
	snprintf(path, sizeof path, "%s/m.so", dir);
	snprintf(next, sizeof next, "%s/next.so", dir);
	a = copy_file(basic, path) ? wa_module_load(path, err, sizeof err) : NULL;
	b = copy_file(many, next) && !rename(next, path) ? wa_module_load(path, err, sizeof err) : NULL;
	c = b ? wa_module_load(path, err, sizeof err) : NULL;
	check(a && b && c, "reload: the replaced file loads", err);
	if (a && b && c) {
		check(wa_module_contract(a)->nglobals != wa_module_contract(b)->nglobals,
		      "reload: the second load is the new file's module", "it is the old one's");
		check(wa_module_contract(b)->nglobals == wa_module_contract(c)->nglobals,
		      "reload: a third load of the same file is that module", "it is not");
	}
	wa_module_free(a);
	wa_module_free(b);
	wa_module_free(c);
	unlink(path);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	char err[256] = "", *av[] = {"edges", NULL};
	struct wa_wasi_config w = {.argc = 1, .argv = av};
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *I;

	if (argc != 3) {
		fprintf(stderr, "usage: edges BASIC.so MANY.so\n");
		return 2;
	}
	if (!(m = wa_module_load(argv[2], err, sizeof err)) || !(h = wa_host_new())) {
		fprintf(stderr, "edges: %s: %s\n", argv[2], err);
		return 1;
	}
	if (wa_wasi_add(h, &w, err, sizeof err)) {
		fprintf(stderr, "edges: %s\n", err);
		return 1;
	}
	regions();
	reload(argv[1], argv[2]);
	small_context(m, h);
	wa_module_free(m);
	if (!(m = wa_module_load(argv[1], err, sizeof err))) {
		fprintf(stderr, "edges: %s: %s\n", argv[1], err);
		return 1;
	}
	if (!(r = wa_region_new(NULL, err, sizeof err)) || !(I = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
		fprintf(stderr, "edges: %s\n", err);
		return 1;
	}
	memory(I);
	table_budget(m, h);
	calls(m, I);
	hosts(h, I);
	wa_instance_free(I);
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	return failed;
}
