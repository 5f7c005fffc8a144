/*
 * A --host library for wasm-run that uses every function of the
 * embedding API (wasmrt.h), to show that wasm-run exports the whole API
 * to the libraries it loads: dlopen with RTLD_NOW fails on any symbol
 * it cannot resolve.  wasm_run_host registers the env module
 * test/api/guest.wat imports; the guest's run export calls
 * env.selftest, which checks the calling instance and then runs the
 * module named by $WA_TEST_MODULE again in a region, host and instance
 * of its own: calls, yield and resume, traps, exit, interrupts,
 * deadlines, registration, reset, a signed load (wa_exit: through wasm-run's own
 * instance, --invoke leave).  Each check prints "ok NAME" or
 * "not ok NAME"; selftest returns the number that failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmrt.h"

int wasm_run_host(struct wa_host *h);

static int failed;

static void
check(int ok, const char *name)
{
	printf("%s %s\n", ok ? "ok" : "not ok", name);
	failed += !ok;
}

static void
pause_fn(struct wa_instance *I, void *data, wa_val *args)
{
	(void)data;
	args[0].i32 = (int32_t)wa_yield(I, (uint64_t)(uint32_t)args[0].i32);
}

static void
fail_fn(struct wa_instance *I, void *data, wa_val *args)
{
	(void)data, (void)args;
	wa_trap(I, WA_TRAP_HOST);
}

static void
leave_fn(struct wa_instance *I, void *data, wa_val *args)
{
	(void)data;
	wa_exit(I, args[0].i32);
}

static int32_t
twice(struct wa_vmctx *ctx, int32_t x)
{
	(void)ctx;
	return 2 * x;
}

static void selftest(struct wa_instance *I, void *data, wa_val *args);

/* The env module, into host h. */
static int
add_env(struct wa_host *h)
{
	wa_val g = {.i32 = 11};

	return wa_host_func(h, "env", "selftest", ":i", NULL, selftest, NULL) ||
	       wa_host_func(h, "env", "pause", "i:i", NULL, pause_fn, NULL) ||
	       wa_host_func(h, "env", "twice", "i:i", (void *)twice, NULL, NULL) ||
	       wa_host_global(h, "env", "g", 0x7f, 0, g) || wa_host_table(h, "env", "t", 0x70, 1, 10) ? -1 : 0;
}

/* The calling instance: data, module, memory, exports, globals. */
static void
own(struct wa_instance *I)
{
	struct wa_module *m = wa_instance_module(I);
	const struct wa_c_functype *t;
	uint64_t size = 0;
	uint32_t f, kind, idx;
	char buf[16] = "", name[64];
	uint8_t vt;
	wa_val v;
	int x;

	wa_instance_set_data(I, &x);
	check(wa_instance_data(I) == &x, "wa_instance_set_data, wa_instance_data");
	check(wa_memory_size(I) == 65536, "wa_memory_size");
	check(wa_instance_memory(I, &size) != NULL && size == 65536, "wa_instance_memory");
	check(wa_memory_ptr(I, 16, 10) && !memcmp(wa_memory_ptr(I, 16, 10), "guest data", 10), "wa_memory_ptr");
	check(!wa_memory_write(I, 100, "host", 4) && !wa_memory_read(I, 100, buf, 4) && !memcmp(buf, "host", 4),
	      "wa_memory_write, wa_memory_read");
	check(wa_module_contract(m) && wa_module_contract(m)->nexports == 9, "wa_module_contract");
	check(!wa_module_export_func(m, "twice", &f) && (t = wa_module_func_type(m, f)) && t->nparams == 1,
	      "wa_module_export_func, wa_module_func_type");
	check(!strcmp(wa_module_func_name(m, 0, name, sizeof name), "env.selftest"), "wa_module_func_name");
	check(!wa_instance_export(I, "seven", 5, &kind, &idx) && kind == WA_EXTERN_GLOBAL &&
	      !wa_instance_global(I, idx, &v, &vt) && v.i32 == 7 && vt == 0x7f,
	      "wa_instance_export, wa_instance_global");
}

static uint32_t
fn(struct wa_module *m, const char *name)
{
	uint32_t f = UINT32_MAX;

	wa_module_export_func(m, name, &f);
	return f;
}

/* Calls into another instance: results, yield and resume, traps. */
static void
calls(struct wa_module *m, struct wa_instance *J)
{
	wa_val a[1] = {{.i32 = 21}};
	uint64_t y = 0;

	check(wa_call(J, fn(m, "twice"), a) == 0 && a[0].i32 == 42, "wa_call (native host function)");
	a[0].i32 = 0;
	check(wa_call(J, fn(m, "g"), a) == 0 && a[0].i32 == 11, "wa_call (host global)");
	a[0].i32 = 5;
	check(wa_call(J, fn(m, "pause"), a) == WA_YIELDED && wa_instance_yielded(J, &y) && y == 5,
	      "wa_yield, wa_instance_yielded");
	check(wa_resume(J, 99) == 0 && a[0].i32 == 99 && !wa_instance_yielded(J, NULL), "wa_resume");
	check(wa_call(J, fn(m, "fail"), NULL) == WA_TRAP_HOST && wa_trap_info(J)->code == WA_TRAP_HOST &&
	      !strcmp(wa_trap_name(WA_TRAP_HOST), "host function failed"), "wa_trap, wa_trap_info, wa_trap_name");
	a[0].i32 = 3;
	check(wa_call(J, fn(m, "leave"), a) == WA_TRAP_HOST, "wa_host_default");
	/* asked while nothing runs: applies to the next call */
	wa_instance_preempt(J);
	check(wa_call(J, fn(m, "spin"), NULL) == WA_PREEMPTED && wa_instance_yielded(J, &y) && y == 0,
	      "wa_instance_preempt");
	wa_instance_interrupt(J);
	check(wa_resume(J, 0) == WA_TRAP_INTERRUPTED, "wa_instance_interrupt (resumed)");
	wa_instance_interrupt(J);
	check(wa_call(J, fn(m, "spin"), NULL) == WA_TRAP_INTERRUPTED, "wa_instance_interrupt");
	check(!wa_instance_set_deadline(J, 1000000) && wa_call(J, fn(m, "spin"), NULL) == WA_TRAP_INTERRUPTED,
	      "wa_instance_set_deadline");
}

/* The module again, its integrity and signature checked: it was signed
 * with minisign by the key $WA_TEST_KEY. */
static void
signed_load(const char *path)
{
	const char *keyfile = getenv("WA_TEST_KEY");
	struct wa_keys *k = wa_keys_new();
	struct wa_module *m;
	char err[256];

	check(k && wa_keys_add(k, "not a key", err, sizeof err) == -1, "wa_keys_new, wa_keys_add");
	check(keyfile && !wa_keys_add_file(k, keyfile, err, sizeof err), "wa_keys_add_file");
	check(!wa_module_check(path, NULL, NULL, err, sizeof err) && !wa_module_check(path, NULL, k, err, sizeof err),
	      "wa_module_check");
	check((m = wa_module_load_signed(path, NULL, k, err, sizeof err)) != NULL, "wa_module_load_signed");
	wa_module_free(m);
	wa_keys_free(k);
}

static int64_t
no_write(struct wa_instance *I, void *arg, const void *buf, uint64_t len)
{
	(void)I, (void)arg, (void)buf;
	return (int64_t)len;
}

/* Per-instance WASI settings (the guest imports no WASI function, so
 * only that they are taken, and bad streams refused, is seen here). */
static void
wasi(struct wa_instance *J, char **av)
{
	struct wa_wasi_stream s = {NULL, no_write, NULL};
	struct wa_wasi_buffer b = {NULL, 0, 0, 0, 4096};

	check(!wa_wasi_set_args(J, 1, av, 0, NULL), "wa_wasi_set_args");
	check(!wa_wasi_stdio_fd(J, 1, 1) && wa_wasi_stdio_fd(J, 3, 1) == -1, "wa_wasi_stdio_fd");
	check(!wa_wasi_stdio_stream(J, 2, &s), "wa_wasi_stdio_stream");
	check(!wa_wasi_stdio_buffer(J, 0, &b), "wa_wasi_stdio_buffer");
}

/* A host of its own: every kind of entry, WASI and spectest too. */
static struct wa_host *
new_host(struct wa_wasi_config *w)
{
	struct wa_host *h = wa_host_new();

	check(h && !add_env(h), "wa_host_new, wa_host_func, wa_host_global, wa_host_table");
	/* env.fail and env.leave: both to fail_fn */
	wa_host_default(h, "env", fail_fn, NULL);
	check(!wa_host_memory(h, "other", "memory", 1, 2), "wa_host_memory");
	check(!wa_spectest_add(h, -1), "wa_spectest_add");
	check(!wa_wasi_add(h, w, NULL, 0), "wa_wasi_add");
	return h;
}

static void
selftest(struct wa_instance *I, void *data, wa_val *args)
{
	char err[256] = "", *av[] = {"nested", NULL};
	struct wa_wasi_config w = {.argc = 1, .argv = av};
	const char *path = getenv("WA_TEST_MODULE");
	struct wa_region *r;
	struct wa_module *m;
	struct wa_host *h;
	struct wa_instance *J, *K;
	struct wa_region_config cfg = {.slots = 2};

	(void)data;
	own(I);
	h = new_host(&w);
	m = path ? wa_module_load(path, err, sizeof err) : NULL;
	check(m != NULL, "wa_module_load");
	if (m) {
		/* guest.wat is compiled for guard pages: a context area of
		 * its size, the heap layout left as given */
		wa_region_fit(&cfg, m);
		check(cfg.ctx_size > 0 && cfg.ctx_size % 4096 == 0 && !cfg.bounds_checked && cfg.slots == 2,
		      "wa_region_fit");
	}
	r = wa_region_new(&cfg, err, sizeof err);
	check(r && wa_region_free_slots(r) == 2, "wa_region_new, wa_region_free_slots");
	if (path)
		signed_load(path);
	if (!r || !m || !(J = wa_instantiate(r, m, h, NULL, err, sizeof err))) {
		printf("not ok wa_instantiate: %s\n", err);
		args[0].i32 = failed + 1;
		return;
	}
	check(wa_region_free_slots(r) == 1, "wa_instantiate");
	wasi(J, av);
	calls(m, J);
	check(wa_instance_reset(J, err, sizeof err) == 0, "wa_instance_reset");
	/* J's exports hide env: the next instance's imports from env fail */
	check(!wa_host_register(h, "env", 3, J) && !(K = wa_instantiate(r, m, h, NULL, err, sizeof err)) &&
	      strstr(err, "unknown import env.selftest"), "wa_host_register");
	wa_instance_free(J);
	check(wa_region_free_slots(r) == 2, "wa_instance_free");
	wa_host_free(h);
	wa_region_free(r);
	wa_module_free(m);
	args[0].i32 = failed;
}

/* wasm-run's host: env.leave exits (wasm-run --invoke leave guest.so N
 * ends with status N), env.fail traps. */
int
wasm_run_host(struct wa_host *h)
{
	return add_env(h) || wa_host_func(h, "env", "fail", ":", NULL, fail_fn, NULL) ||
	       wa_host_func(h, "env", "leave", "i:", NULL, leave_fn, NULL) ? -1 : 0;
}
