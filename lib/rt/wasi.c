/*
 * WASI (wasi_snapshot_preview1), the part simple programs need:
 * arguments, environment, clocks, randomness, exit.  File descriptors
 * are in wasi-fd.c.  Every function is native code with the import's
 * signature, called directly by the guest; every other preview1 import
 * binds to a stub that returns ENOSYS, so that real programs load.
 */
#include <errno.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include "wasi.h"

/* Sizes of a string vector as the guest lays it out: count and bytes
 * including each NUL. */
static int32_t
sizes(struct wa_vmctx *ctx, int n, char **v, uint32_t pcount, uint32_t psize)
{
	uint64_t bytes = 0;
	int i;

	for (i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	if (bytes > UINT32_MAX)
		return WASI_ENOMEM;
	if (put32(ctx, pcount, (uint32_t)n) || put32(ctx, psize, (uint32_t)bytes))
		return WASI_EFAULT;
	return WASI_ESUCCESS;
}

static int32_t
strings(struct wa_vmctx *ctx, int n, char **v, uint32_t ptrs, uint32_t buf)
{
	int i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		uint8_t *q = gmem(ctx, buf, len);
		if (!q || put32(ctx, ptrs + 4 * (uint32_t)i, buf))
			return WASI_EFAULT;
		memcpy(q, v[i], len);
		buf += (uint32_t)len;
	}
	return WASI_ESUCCESS;
}

static int32_t
args_sizes_get(struct wa_vmctx *ctx, int32_t pcount, int32_t psize)
{
	const struct wa_wasi_config *c = wasi_cfg(ctx);

	return sizes(ctx, c->argc, c->argv, (uint32_t)pcount, (uint32_t)psize);
}

static int32_t
args_get(struct wa_vmctx *ctx, int32_t ptrs, int32_t buf)
{
	const struct wa_wasi_config *c = wasi_cfg(ctx);

	return strings(ctx, c->argc, c->argv, (uint32_t)ptrs, (uint32_t)buf);
}

static int32_t
environ_sizes_get(struct wa_vmctx *ctx, int32_t pcount, int32_t psize)
{
	const struct wa_wasi_config *c = wasi_cfg(ctx);

	return sizes(ctx, c->envc, c->envp, (uint32_t)pcount, (uint32_t)psize);
}

static int32_t
environ_get(struct wa_vmctx *ctx, int32_t ptrs, int32_t buf)
{
	const struct wa_wasi_config *c = wasi_cfg(ctx);

	return strings(ctx, c->envc, c->envp, (uint32_t)ptrs, (uint32_t)buf);
}

static int
clock_of(int32_t id, clockid_t *out)
{
	static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
	                                CLOCK_THREAD_CPUTIME_ID};

	if (id < 0 || id > 3)
		return -1;
	*out = ids[id];
	return 0;
}

static int32_t
clock_res_get(struct wa_vmctx *ctx, int32_t id, int32_t pres)
{
	struct timespec ts;
	clockid_t c;

	if (clock_of(id, &c) || clock_getres(c, &ts))
		return WASI_EINVAL;
	if (put64(ctx, (uint32_t)pres, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec))
		return WASI_EFAULT;
	return WASI_ESUCCESS;
}

static int32_t
clock_time_get(struct wa_vmctx *ctx, int32_t id, int64_t precision, int32_t ptime)
{
	struct timespec ts;
	clockid_t c;

	(void)precision;
	if (clock_of(id, &c) || clock_gettime(c, &ts))
		return WASI_EINVAL;
	if (put64(ctx, (uint32_t)ptime, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec))
		return WASI_EFAULT;
	return WASI_ESUCCESS;
}

static int32_t
random_get(struct wa_vmctx *ctx, int32_t buf, int32_t len)
{
	uint8_t *p = gmem(ctx, (uint32_t)buf, (uint32_t)len);
	size_t done = 0;
	ssize_t n;

	if (!p)
		return WASI_EFAULT;
	while (done < (uint32_t)len) {
		n = getrandom(p + done, (uint32_t)len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return WASI_EIO;
		done += (size_t)n;
	}
	return WASI_ESUCCESS;
}

static void
proc_exit(struct wa_vmctx *ctx, int32_t code)
{
	wa_exit(inst_of(ctx), code);
}

static int32_t
sched_yield_(struct wa_vmctx *ctx)
{
	(void)ctx;
	sched_yield();
	return WASI_ESUCCESS;
}

/* Any other preview1 function: not implemented yet. */
static void
enosys(struct wa_instance *I, void *data, wa_val *args)
{
	(void)I, (void)data;
	args[0].i64 = 0;
	args[0].i32 = WASI_ENOSYS;
}

#define M "wasi_snapshot_preview1"

void
wa_wasi_add(struct wa_host *h, const struct wa_wasi_config *cfg)
{
	h->wasi = cfg;
	wa_host_func(h, M, "args_sizes_get", "ii:i", (void *)args_sizes_get, NULL, NULL);
	wa_host_func(h, M, "args_get", "ii:i", (void *)args_get, NULL, NULL);
	wa_host_func(h, M, "environ_sizes_get", "ii:i", (void *)environ_sizes_get, NULL, NULL);
	wa_host_func(h, M, "environ_get", "ii:i", (void *)environ_get, NULL, NULL);
	wa_host_func(h, M, "clock_res_get", "ii:i", (void *)clock_res_get, NULL, NULL);
	wa_host_func(h, M, "clock_time_get", "iIi:i", (void *)clock_time_get, NULL, NULL);
	wa_host_func(h, M, "random_get", "ii:i", (void *)random_get, NULL, NULL);
	wa_host_func(h, M, "proc_exit", "i:", (void *)proc_exit, NULL, NULL);
	wa_host_func(h, M, "sched_yield", ":i", (void *)sched_yield_, NULL, NULL);
	wasi_fd_add(h);
	wa_host_default(h, M, enosys, NULL);
}
