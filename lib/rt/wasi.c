/*
 * WASI (wasi_snapshot_preview1): registration of every preview1
 * function, and those that need no descriptor: arguments, environment,
 * clocks, randomness, exit.  Every function is native code with the
 * import's signature, called directly by the guest.  The other files
 * are listed in wasi.h.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
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

/* The instance's arguments (env 0) or environment (env 1): the
 * embedder's for this instance, else the host's. */
static int
vec(struct wa_vmctx *ctx, int env, char ***v)
{
	const struct wasi_inst *W = inst_of(ctx)->wasi;
	const struct wa_wasi_config *c = wasi_host(ctx)->cfg;

	if (W && W->has_args) {
		*v = env ? W->envp : W->argv;
		return env ? W->envc : W->argc;
	}
	*v = env ? c->envp : c->argv;
	return env ? c->envc : c->argc;
}

static int32_t
args_sizes_get(struct wa_vmctx *ctx, int32_t pcount, int32_t psize)
{
	char **v;
	int n = vec(ctx, 0, &v);

	return sizes(ctx, n, v, (uint32_t)pcount, (uint32_t)psize);
}

static int32_t
args_get(struct wa_vmctx *ctx, int32_t ptrs, int32_t buf)
{
	char **v;
	int n = vec(ctx, 0, &v);

	return strings(ctx, n, v, (uint32_t)ptrs, (uint32_t)buf);
}

static int32_t
environ_sizes_get(struct wa_vmctx *ctx, int32_t pcount, int32_t psize)
{
	char **v;
	int n = vec(ctx, 1, &v);

	return sizes(ctx, n, v, (uint32_t)pcount, (uint32_t)psize);
}

static int32_t
environ_get(struct wa_vmctx *ctx, int32_t ptrs, int32_t buf)
{
	char **v;
	int n = vec(ctx, 1, &v);

	return strings(ctx, n, v, (uint32_t)ptrs, (uint32_t)buf);
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

/* Signals are not delivered to guests, as in Wasmtime. */
static int32_t
proc_raise(struct wa_vmctx *ctx, int32_t sig)
{
	(void)ctx, (void)sig;
	return WASI_ENOSYS;
}

/* A guest path: copied out of guest memory (guest memory may change
 * under us; the host needs a C string), checked for a NUL inside. */
int32_t
wasi_path(struct wa_vmctx *ctx, uint32_t p, uint32_t len, char *out)
{
	const uint8_t *s = gmem(ctx, p, len);

	if (!s)
		return WASI_EFAULT;
	if (len >= WASI_PATH_MAX)
		return WASI_ENAMETOOLONG;
	if (memchr(s, 0, len))
		return WASI_EINVAL;
	memcpy(out, s, len);
	out[len] = 0;
	return WASI_ESUCCESS;
}

int32_t
wasi_errno(int e)
{
	switch (e) {
	case 0: return WASI_ESUCCESS;
	case E2BIG: return WASI_E2BIG;
	case EACCES: return WASI_EACCES;
	case EADDRINUSE: return WASI_EADDRINUSE;
	case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
	case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
	case EAGAIN: return WASI_EAGAIN;
	case EALREADY: return WASI_EALREADY;
	case EBADF: return WASI_EBADF;
	case EBADMSG: return WASI_EBADMSG;
	case EBUSY: return WASI_EBUSY;
	case ECANCELED: return WASI_ECANCELED;
	case ECHILD: return WASI_ECHILD;
	case ECONNABORTED: return WASI_ECONNABORTED;
	case ECONNREFUSED: return WASI_ECONNREFUSED;
	case ECONNRESET: return WASI_ECONNRESET;
	case EDEADLK: return WASI_EDEADLK;
	case EDESTADDRREQ: return WASI_EDESTADDRREQ;
	case EDOM: return WASI_EDOM;
	case EDQUOT: return WASI_EDQUOT;
	case EEXIST: return WASI_EEXIST;
	case EFAULT: return WASI_EFAULT;
	case EFBIG: return WASI_EFBIG;
	case EHOSTUNREACH: return WASI_EHOSTUNREACH;
	case EIDRM: return WASI_EIDRM;
	case EILSEQ: return WASI_EILSEQ;
	case EINPROGRESS: return WASI_EINPROGRESS;
	case EINTR: return WASI_EINTR;
	case EINVAL: return WASI_EINVAL;
	case EIO: return WASI_EIO;
	case EISCONN: return WASI_EISCONN;
	case EISDIR: return WASI_EISDIR;
	case ELOOP: return WASI_ELOOP;
	case EMFILE: return WASI_EMFILE;
	case EMLINK: return WASI_EMLINK;
	case EMSGSIZE: return WASI_EMSGSIZE;
	case EMULTIHOP: return WASI_EMULTIHOP;
	case ENAMETOOLONG: return WASI_ENAMETOOLONG;
	case ENETDOWN: return WASI_ENETDOWN;
	case ENETRESET: return WASI_ENETRESET;
	case ENETUNREACH: return WASI_ENETUNREACH;
	case ENFILE: return WASI_ENFILE;
	case ENOBUFS: return WASI_ENOBUFS;
	case ENODEV: return WASI_ENODEV;
	case ENOENT: return WASI_ENOENT;
	case ENOEXEC: return WASI_ENOEXEC;
	case ENOLCK: return WASI_ENOLCK;
	case ENOLINK: return WASI_ENOLINK;
	case ENOMEM: return WASI_ENOMEM;
	case ENOMSG: return WASI_ENOMSG;
	case ENOPROTOOPT: return WASI_ENOPROTOOPT;
	case ENOSPC: return WASI_ENOSPC;
	case ENOSYS: return WASI_ENOSYS;
	case ENOTCONN: return WASI_ENOTCONN;
	case ENOTDIR: return WASI_ENOTDIR;
	case ENOTEMPTY: return WASI_ENOTEMPTY;
	case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
	case ENOTSOCK: return WASI_ENOTSOCK;
	case ENOTSUP: return WASI_ENOTSUP;   /* == EOPNOTSUPP on Linux */
	case ENOTTY: return WASI_ENOTTY;
	case ENXIO: return WASI_ENXIO;
	case EOVERFLOW: return WASI_EOVERFLOW;
	case EOWNERDEAD: return WASI_EOWNERDEAD;
	case EPERM: return WASI_EPERM;
	case EPIPE: return WASI_EPIPE;
	case EPROTO: return WASI_EPROTO;
	case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
	case EPROTOTYPE: return WASI_EPROTOTYPE;
	case ERANGE: return WASI_ERANGE;
	case EROFS: return WASI_EROFS;
	case ESPIPE: return WASI_ESPIPE;
	case ESRCH: return WASI_ESRCH;
	case ESTALE: return WASI_ESTALE;
	case ETIMEDOUT: return WASI_ETIMEDOUT;
	case ETXTBSY: return WASI_ETXTBSY;
	case EXDEV: return WASI_EXDEV;
	}
	return WASI_EIO;
}

/* Any other import from the module: ENOSYS, so that programs built
 * for extensions of preview1 still load. */
static void
enosys(struct wa_instance *I, void *data, wa_val *args)
{
	(void)I, (void)data;
	args[0].i64 = 0;
	args[0].i32 = WASI_ENOSYS;
}

void
wasi_host_free(struct wasi_host *H)
{
	if (!H)
		return;
	wasi_preopens_free(H);
	free(H);
}

int
wa_wasi_add(struct wa_host *h, const struct wa_wasi_config *cfg, char *err, size_t errlen)
{
	struct wasi_host *H;

	if (h->wasi) {
		rt_err(err, errlen, "the host has WASI already");
		return -1;
	}
	if (!(H = calloc(1, sizeof *H))) {
		rt_err(err, errlen, "out of memory");
		return -1;
	}
	H->cfg = cfg;
	H->walk = (cfg->flags & WA_WASI_WALK) || !rsv_probe();
	wasi_stdstat_init(H);
	if (wasi_preopens_open(H, cfg, err, errlen)) {
		wasi_host_free(H);
		return -1;
	}
	h->wasi = H;
	wa_host_func(h, WASI_MODULE, "args_sizes_get", "ii:i", (void *)args_sizes_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "args_get", "ii:i", (void *)args_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "environ_sizes_get", "ii:i", (void *)environ_sizes_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "environ_get", "ii:i", (void *)environ_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "clock_res_get", "ii:i", (void *)clock_res_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "clock_time_get", "iIi:i", (void *)clock_time_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "random_get", "ii:i", (void *)random_get, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "proc_exit", "i:", (void *)proc_exit, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "proc_raise", "i:i", (void *)proc_raise, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "sched_yield", ":i", (void *)sched_yield_, NULL, NULL);
	wasi_fd_add(h);
	wasi_dir_add(h);
	wasi_path_add(h);
	wasi_poll_add(h);
	wasi_sock_add(h);
	wa_host_default(h, WASI_MODULE, enosys, NULL);
	return 0;
}
