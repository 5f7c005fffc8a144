/*
 * WASI descriptors: the preopens a host opens once, and the table of
 * each instance.  Until the guest changes its descriptors (opens,
 * closes, renumbers, drops rights) its table is implied: 0, 1 and 2 are
 * the standard streams (the host's, or what the embedder redirected
 * them to), 3 onwards the preopens in order.  So an instance that
 * touches no file allocates nothing and costs nothing at reset; one
 * that does gets a table of its own, and the descriptors it opened are
 * closed when it is reset or freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

/* Descriptors one instance may hold open, so that a guest cannot use
 * up the host's: the default when the config gives none. */
#define MAX_FDS_DEFAULT 1024

struct wasi_inst *
wasi_inst(struct wa_instance *I)
{
	if (!I->wasi)
		I->wasi = inst_alloc(I, sizeof *I->wasi);
	return I->wasi;
}

uint8_t
host_filetype(int h)
{
	struct stat st;

	if (fstat(h, &st))
		return FT_UNKNOWN;
	switch (st.st_mode & S_IFMT) {
	case S_IFBLK: return FT_BLOCK_DEVICE;
	case S_IFCHR: return FT_CHARACTER_DEVICE;
	case S_IFDIR: return FT_DIRECTORY;
	case S_IFREG: return FT_REGULAR_FILE;
	case S_IFLNK: return FT_SYMBOLIC_LINK;
	case S_IFSOCK: {
		int t = 0;
		socklen_t len = sizeof t;
		getsockopt(h, SOL_SOCKET, SO_TYPE, &t, &len);
		return t == SOCK_DGRAM ? FT_SOCKET_DGRAM : FT_SOCKET_STREAM;
	}
	}
	return FT_UNKNOWN;
}

static void
stdio_entry(struct wa_instance *I, int fd, struct wasi_fd *e)
{
	const struct wasi_stdio *s = I->wasi ? &I->wasi->stdio[fd] : NULL;

	memset(e, 0, sizeof *e);
	e->kind = FD_HOST;
	e->host = fd;
	e->base = RIGHTS_FILE;        /* what the stream is, fd_fdstat_get tells */
	if (s && s->set && s->hostfd >= 0) {
		e->host = s->hostfd;
	} else if (s && s->set) {
		e->kind = FD_STREAM;
		e->stream = (uint8_t)fd;
		e->host = -1;
		e->base = RIGHTS_STREAM;
	}
}

/* Entry fd of the implied table; 0 if there is none. */
static int
initial_entry(struct wa_instance *I, int32_t fd, struct wasi_fd *e)
{
	const struct wasi_host *H = I->host->wasi;
	const struct wasi_preopen *p;

	if (fd >= 0 && fd <= 2) {
		stdio_entry(I, fd, e);
		return 1;
	}
	if (fd < 3 || (uint32_t)fd - 3 >= H->npre)
		return 0;
	p = &H->pre[fd - 3];
	memset(e, 0, sizeof *e);
	e->kind = FD_HOST;
	e->host = p->fd;
	e->type = p->type;
	e->pre = (uint32_t)fd - 3 + 1;
	if (p->type == FT_DIRECTORY) {
		e->base = RIGHTS_DIR;
		e->inh = RIGHTS_DIR | RIGHTS_FILE;
	} else {
		e->base = e->inh = RIGHTS_SOCKET;
	}
	return 1;
}

static struct wasi_fd *
check(struct wasi_fd *f, uint64_t rights, int32_t *err)
{
	if ((f->base & rights) != rights) {
		*err = WASI_ENOTCAPABLE;
		return NULL;
	}
	return f;
}

struct wasi_fd *
fd_get(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, struct wasi_fd *tmp, int32_t *err)
{
	struct wa_instance *I = inst_of(ctx);
	struct wasi_inst *W = I->wasi;

	if (W && W->v) {
		if (fd < 0 || (uint32_t)fd >= W->n || W->v[fd].kind == FD_FREE) {
			*err = WASI_EBADF;
			return NULL;
		}
		return check(&W->v[fd], rights, err);
	}
	if (!initial_entry(I, fd, tmp)) {
		*err = WASI_EBADF;
		return NULL;
	}
	return check(tmp, rights, err);
}

/* The instance's own table, made from the implied one; NULL if out of
 * memory. */
static struct wasi_inst *
own_table(struct wa_instance *I)
{
	struct wasi_inst *W = wasi_inst(I);
	uint32_t n, i;

	if (!W || W->v)
		return W;
	n = 3 + I->host->wasi->npre;
	if (!(W->v = calloc(n + 8, sizeof *W->v)))
		return NULL;
	W->cap = n + 8;
	for (i = 0; i < n; i++)
		initial_entry(I, (int32_t)i, &W->v[i]);
	W->n = n;
	return W;
}

struct wasi_fd *
fd_own(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, int32_t *err)
{
	struct wasi_inst *W = own_table(inst_of(ctx));

	if (!W) {
		*err = WASI_ENOMEM;
		return NULL;
	}
	if (fd < 0 || (uint32_t)fd >= W->n || W->v[fd].kind == FD_FREE) {
		*err = WASI_EBADF;
		return NULL;
	}
	return check(&W->v[fd], rights, err);
}

static void
release(struct wasi_fd *f)
{
	if (f->own && f->host >= 0)
		close(f->host);
	wasi_dir_free(f->dir);
	memset(f, 0, sizeof *f);
}

int32_t
fd_add(struct wa_vmctx *ctx, int host, uint8_t type, uint64_t base, uint64_t inh)
{
	struct wa_instance *I = inst_of(ctx);
	struct wasi_inst *W = own_table(I);
	const struct wa_wasi_config *cfg = I->host->wasi->cfg;
	uint32_t max = cfg->max_fds ? cfg->max_fds : MAX_FDS_DEFAULT, fd, k, owned = 0;

	if (!W) {
		close(host);
		return -WASI_ENOMEM;
	}
	/* the lowest free number, as POSIX has it */
	for (fd = W->n, k = 0; k < W->n; k++) {
		if (W->v[k].kind == FD_FREE && fd == W->n)
			fd = k;
		owned += W->v[k].own;
	}
	if (owned >= max) {
		close(host);
		return -WASI_EMFILE;
	}
	if (fd == W->cap) {
		uint32_t cap = W->cap * 2;
		struct wasi_fd *v = realloc(W->v, cap * sizeof *v);
		if (!v) {
			close(host);
			return -WASI_ENOMEM;
		}
		memset(v + W->cap, 0, (cap - W->cap) * sizeof *v);
		W->v = v, W->cap = cap;
	}
	if (fd == W->n)
		W->n++;
	W->v[fd] = (struct wasi_fd){.kind = FD_HOST, .type = type, .own = 1, .host = host, .base = base, .inh = inh};
	return (int32_t)fd;
}

int32_t
fd_close_entry(struct wa_vmctx *ctx, int32_t fd)
{
	int32_t err;
	struct wasi_fd *f = fd_own(ctx, fd, 0, &err);
	struct wasi_inst *W = inst_of(ctx)->wasi;

	if (!f)
		return err;
	release(f);
	while (W->n > 0 && W->v[W->n - 1].kind == FD_FREE)
		W->n--;
	return WASI_ESUCCESS;
}

int32_t
fd_renumber_entry(struct wa_vmctx *ctx, int32_t from, int32_t to)
{
	int32_t err;
	struct wasi_fd *f, *t;

	if (!(f = fd_own(ctx, from, 0, &err)) || !(t = fd_own(ctx, to, 0, &err)))
		return err;
	if (f == t)
		return WASI_ESUCCESS;
	release(t);
	*t = *f;
	memset(f, 0, sizeof *f);
	return WASI_ESUCCESS;
}

/* At reset and free (instance.c): what the guest left open goes. */
void
wasi_inst_teardown(struct wa_instance *I)
{
	struct wasi_inst *W = I->wasi;
	uint32_t i;

	if (!W || !W->v)
		return;
	for (i = 0; i < W->n; i++)
		release(&W->v[i]);
	free(W->v);
	W->v = NULL;
}

/* ---- reads and writes: a host descriptor or a redirected stream ---- */

static int32_t
stream_io(struct wa_vmctx *ctx, const struct wasi_stdio *s, struct iovec *v, int n, int write, uint64_t *done)
{
	struct wa_instance *I = inst_of(ctx);
	uint64_t total = 0;
	int64_t r;
	int i;

	if (!(write ? (void *)s->s.write : (void *)s->s.read))
		return WASI_EBADF;
	for (i = 0; i < n; i++) {
		if (!v[i].iov_len)
			continue;
		r = write ? s->s.write(I, s->s.arg, v[i].iov_base, v[i].iov_len)
		          : s->s.read(I, s->s.arg, v[i].iov_base, v[i].iov_len);
		if (r < 0) {
			if (total)
				break;            /* report what was done */
			return (int32_t)-r;
		}
		if ((uint64_t)r > v[i].iov_len)
			r = (int64_t)v[i].iov_len;  /* a callback may not claim more */
		total += (uint64_t)r;
		if ((uint64_t)r < v[i].iov_len || total >= UINT32_MAX / 2)
			break;
	}
	*done = total;
	return WASI_ESUCCESS;
}

/* On a socket: no SIGPIPE (a guest must not kill the host by writing
 * to a closed connection), and blocking as the guest sees it. */
static ssize_t
sock_io(int h, struct iovec *v, int n, int write)
{
	struct msghdr m = {.msg_iov = v, .msg_iovlen = (size_t)n};

	return write ? sendmsg(h, &m, MSG_NOSIGNAL) : recvmsg(h, &m, 0);
}

int32_t
fd_io(struct wa_vmctx *ctx, const struct wasi_fd *f, struct iovec *v, int n, int write, uint64_t *done)
{
	int sock = is_socket(f);
	ssize_t got;
	int32_t err;

	if (f->kind == FD_STREAM)
		return stream_io(ctx, &inst_of(ctx)->wasi->stdio[f->stream], v, n, write, done);
	for (;;) {
		got = sock ? sock_io(f->host, v, n, write) : write ? writev(f->host, v, n) : readv(f->host, v, n);
		if (got >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || !sock || (f->flags & FDFLAG_NONBLOCK))
			return wasi_errno(errno);
		if ((err = wasi_wait_fd(ctx, f->host, write ? POLLOUT : POLLIN)))
			return err;
	}
	*done = (uint64_t)got;
	return WASI_ESUCCESS;
}

int
wasi_iovecs(struct wa_vmctx *ctx, uint32_t iovs, uint32_t n, struct iovec *v)
{
	uint32_t i, buf, len;
	uint8_t *p;

	if (n > WASI_MAX_IOV)
		n = WASI_MAX_IOV;
	if (!(p = gmem(ctx, iovs, 8ull * n)))
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(&buf, p + 8 * i, 4);
		memcpy(&len, p + 8 * i + 4, 4);
		if (!(v[i].iov_base = gmem(ctx, buf, len)))
			return -1;
		v[i].iov_len = len;
	}
	return (int)n;
}

/* ---- the embedder's per-instance settings ---- */

static struct wasi_stdio *
stdio_slot(struct wa_instance *I, int fd)
{
	struct wasi_inst *W;

	if (fd < 0 || fd > 2 || !I->host->wasi || !(W = wasi_inst(I)))
		return NULL;
	return &W->stdio[fd];
}

/* If the guest has a table of its own already, its fd is the new
 * stream too. */
static void
stdio_changed(struct wa_instance *I, int fd)
{
	struct wasi_inst *W = I->wasi;

	if (W->v && (uint32_t)fd < W->n) {
		release(&W->v[fd]);
		stdio_entry(I, fd, &W->v[fd]);
	}
}

int
wa_wasi_stdio_fd(struct wa_instance *I, int fd, int hostfd)
{
	struct wasi_stdio *s = stdio_slot(I, fd);

	if (!s || hostfd < 0)
		return -1;
	*s = (struct wasi_stdio){.set = 1, .hostfd = hostfd};
	stdio_changed(I, fd);
	return 0;
}

int
wa_wasi_stdio_stream(struct wa_instance *I, int fd, const struct wa_wasi_stream *st)
{
	struct wasi_stdio *s = stdio_slot(I, fd);

	if (!s || !st)
		return -1;
	*s = (struct wasi_stdio){.set = 1, .hostfd = -1, .s = *st};
	stdio_changed(I, fd);
	return 0;
}

static int64_t
buf_write(struct wa_instance *I, void *arg, const void *p, uint64_t len)
{
	struct wa_wasi_buffer *b = arg;

	(void)I;
	if (b->len >= b->max)
		return -WASI_EFBIG;
	if (len > b->max - b->len)
		len = b->max - b->len;    /* as much as fits, as write(2) does */
	if (b->len + len > b->cap) {
		uint64_t cap = b->cap ? b->cap : 4096;
		uint8_t *d;
		while (cap < b->len + len)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		if (!(d = realloc(b->data, cap)))
			return -WASI_ENOMEM;
		b->data = d, b->cap = cap;
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
	return (int64_t)len;
}

static int64_t
buf_read(struct wa_instance *I, void *arg, void *p, uint64_t len)
{
	struct wa_wasi_buffer *b = arg;

	(void)I;
	if (b->off >= b->len)
		return 0;
	if (len > b->len - b->off)
		len = b->len - b->off;
	memcpy(p, b->data + b->off, len);
	b->off += len;
	return (int64_t)len;
}

int
wa_wasi_stdio_buffer(struct wa_instance *I, int fd, struct wa_wasi_buffer *b)
{
	struct wa_wasi_stream s = {buf_read, buf_write, b};

	if (!b)
		return -1;
	if (!b->max)
		b->max = UINT64_MAX;
	return wa_wasi_stdio_stream(I, fd, &s);
}

int
wa_wasi_set_args(struct wa_instance *I, int argc, char **argv, int envc, char **envp)
{
	struct wasi_inst *W;

	if (!I->host->wasi || argc < 0 || envc < 0 || (argc && !argv) || (envc && !envp) || !(W = wasi_inst(I)))
		return -1;
	W->has_args = 1;
	W->argc = argc, W->argv = argv, W->envc = envc, W->envp = envp;
	return 0;
}

/* ---- preopens ---- */

static int
add_preopen(struct wasi_host *H, struct wasi_preopen p)
{
	struct wasi_preopen *v = realloc(H->pre, (H->npre + 1) * sizeof *v);

	if (!v)
		return -1;
	H->pre = v;
	H->pre[H->npre++] = p;
	return 0;
}

static int
open_dir(struct wasi_host *H, const char *spec, char *err, size_t errlen)
{
	const char *sep = strstr(spec, "::"), *guest = sep ? sep + 2 : spec;
	size_t hostlen = sep ? (size_t)(sep - spec) : strlen(spec);
	char *host = strndup(spec, hostlen), *name = strdup(guest);
	int fd = -1;

	if (!host || !name)
		goto nomem;
	if (!*host || !*name) {
		rt_err(err, errlen, "--dir %s: empty directory name", spec);
		goto fail;
	}
	if ((fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rt_err(err, errlen, "cannot open directory %s: %s", host, strerror(errno));
		goto fail;
	}
	if (add_preopen(H, (struct wasi_preopen){fd, FT_DIRECTORY, 1, name, (uint32_t)strlen(name)}))
		goto nomem;
	free(host);
	return 0;
nomem:
	rt_err(err, errlen, "out of memory");
fail:
	if (fd >= 0)
		close(fd);
	free(host);
	free(name);
	return -1;
}

/* A preopened socket is made non-blocking: a guest's blocking accept
 * is a wait that an interrupt can end (and other threads' accepts
 * cannot leave it stuck). */
static int
add_socket(struct wasi_host *H, int fd, char *err, size_t errlen)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode)) {
		rt_err(err, errlen, "preopened socket %d: not a socket", fd);
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		rt_err(err, errlen, "preopened socket %d: %s", fd, strerror(errno));
		return -1;
	}
	if (add_preopen(H, (struct wasi_preopen){fd, host_filetype(fd), 0, NULL, 0})) {
		rt_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
wasi_preopens_open(struct wasi_host *H, const struct wa_wasi_config *cfg, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < cfg->ndirs; i++)
		if (open_dir(H, cfg->dirs[i], err, errlen))
			return -1;
	for (i = 0; i < cfg->nsockets; i++)
		if (add_socket(H, cfg->sockets[i], err, errlen))
			return -1;
	return 0;
}

void
wasi_preopens_free(struct wasi_host *H)
{
	uint32_t i;

	for (i = 0; i < H->npre; i++) {
		if (H->pre[i].own)
			close(H->pre[i].fd);
		free(H->pre[i].name);
	}
	free(H->pre);
	H->pre = NULL;
	H->npre = 0;
}
