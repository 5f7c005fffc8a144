/*
 * WASI fd_* on open descriptors (fd_readdir is in wasi-dir.c).  Each
 * call checks the rights it needs (ENOTCAPABLE if the descriptor lacks
 * one) and the guest pointers it writes (EFAULT) before it acts.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

/* fd_read, fd_write, fd_pread, fd_pwrite: off < 0 for the plain ones */
static int32_t
rw(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int64_t off, int32_t pcount, int write)
{
	uint64_t need = write ? RIGHT_FD_WRITE : RIGHT_FD_READ, done = 0;
	struct iovec v[WASI_MAX_IOV];
	struct wasi_fd tmp, *f;
	int32_t err;
	ssize_t got;
	int n;

	if (off >= 0)
		need |= RIGHT_FD_SEEK;
	if (!(f = fd_get(ctx, fd, need, &tmp, &err)))
		return err;
	if ((n = wasi_iovecs(ctx, (uint32_t)iovs, (uint32_t)niovs, v)) < 0 || !gmem(ctx, (uint32_t)pcount, 4))
		return WASI_EFAULT;
	if (off < 0) {
		if ((err = fd_io(ctx, f, v, n, write, &done)))
			return err;
	} else {
		if (f->kind != FD_HOST)
			return WASI_ESPIPE;
		do
			got = write ? pwritev(f->host, v, n, off) : preadv(f->host, v, n, off);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return wasi_errno(errno);
		done = (uint64_t)got;
	}
	put32(ctx, (uint32_t)pcount, (uint32_t)done);
	return WASI_ESUCCESS;
}

static int32_t
fd_write(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t pcount)
{
	return rw(ctx, fd, iovs, niovs, -1, pcount, 1);
}

static int32_t
fd_read(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t pcount)
{
	return rw(ctx, fd, iovs, niovs, -1, pcount, 0);
}

static int32_t
fd_pwrite(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int64_t off, int32_t pcount)
{
	if (off < 0)
		return WASI_EINVAL;
	return rw(ctx, fd, iovs, niovs, off, pcount, 1);
}

static int32_t
fd_pread(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int64_t off, int32_t pcount)
{
	if (off < 0)
		return WASI_EINVAL;
	return rw(ctx, fd, iovs, niovs, off, pcount, 0);
}

static int32_t
fd_close(struct wa_vmctx *ctx, int32_t fd)
{
	return fd_close_entry(ctx, fd);
}

static int32_t
fd_renumber(struct wa_vmctx *ctx, int32_t from, int32_t to)
{
	return fd_renumber_entry(ctx, from, to);
}

/* The host fd of guest fd with RIGHTS, for calls that need a real one
 * (a redirected stream is not seekable, syncable, ...): >= 0, or
 * -(WASI errno). */
static int
host_of(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, int32_t stream_err)
{
	struct wasi_fd tmp, *f;
	int32_t err;

	if (!(f = fd_get(ctx, fd, rights, &tmp, &err)))
		return -err;
	return f->kind == FD_HOST ? f->host : -stream_err;
}

static int32_t
fd_datasync(struct wa_vmctx *ctx, int32_t fd)
{
	int h = host_of(ctx, fd, RIGHT_FD_DATASYNC, WASI_EINVAL);

	if (h < 0)
		return -h;
	return fdatasync(h) ? wasi_errno(errno) : WASI_ESUCCESS;
}

static int32_t
fd_sync(struct wa_vmctx *ctx, int32_t fd)
{
	int h = host_of(ctx, fd, RIGHT_FD_SYNC, WASI_EINVAL);

	if (h < 0)
		return -h;
	return fsync(h) ? wasi_errno(errno) : WASI_ESUCCESS;
}

static int32_t
fd_advise(struct wa_vmctx *ctx, int32_t fd, int64_t off, int64_t len, int32_t advice)
{
	static const int how[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
	                          POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
	int h = host_of(ctx, fd, RIGHT_FD_ADVISE, WASI_ESPIPE);

	if (h < 0)
		return -h;
	if (advice < 0 || advice > 5 || off < 0 || len < 0)
		return WASI_EINVAL;
	return wasi_errno(posix_fadvise(h, off, len, how[advice]));
}

static int32_t
fd_allocate(struct wa_vmctx *ctx, int32_t fd, int64_t off, int64_t len)
{
	int h = host_of(ctx, fd, RIGHT_FD_ALLOCATE, WASI_ESPIPE);

	if (h < 0)
		return -h;
	if (off < 0 || len <= 0 || off > INT64_MAX - len)
		return WASI_EINVAL;
	return wasi_errno(posix_fallocate(h, off, len));
}

static uint16_t
fdflags_of(int h)
{
	int fl = fcntl(h, F_GETFL);
	uint16_t r = 0;

	if (fl < 0)
		return 0;
	if (fl & O_APPEND)
		r |= FDFLAG_APPEND;
	if (fl & O_NONBLOCK)
		r |= FDFLAG_NONBLOCK;
	if ((fl & O_SYNC) == O_SYNC)
		r |= FDFLAG_SYNC | FDFLAG_RSYNC;   /* Linux has O_RSYNC == O_SYNC */
	else if (fl & O_DSYNC)
		r |= FDFLAG_DSYNC;
	return r;
}

void
wasi_stdstat_init(struct wasi_host *H)
{
	int h;

	for (h = 0; h < 3; h++) {
		struct wasi_stdstat *s = &H->std[h];
		if (fcntl(h, F_GETFD) < 0)
			continue;        /* not open: asked each time */
		s->type = host_filetype(h);
		s->flags = fdflags_of(h);
		s->tty = s->type == FT_CHARACTER_DEVICE && isatty(h);
		__atomic_store_n(&s->valid, 1, __ATOMIC_RELEASE);
	}
}

/* The copy of what fd_fdstat_get says of f, if f is the host's own 0,
 * 1 or 2 (not a descriptor of the guest's or the embedder's) and the
 * copy is still good. */
static const struct wasi_stdstat *
std_of(struct wa_vmctx *ctx, const struct wasi_fd *f)
{
	const struct wasi_stdstat *s;

	if (f->own || f->host < 0 || f->host > 2)
		return NULL;
	s = &wasi_host(ctx)->std[f->host];
	return __atomic_load_n(&s->valid, __ATOMIC_ACQUIRE) ? s : NULL;
}

static int32_t
fd_fdstat_get(struct wa_vmctx *ctx, int32_t fd, int32_t p)
{
	uint8_t *q = gmem(ctx, (uint32_t)p, 24), type = FT_UNKNOWN;
	struct wasi_fd tmp, *f;
	uint64_t base;
	uint16_t flags = 0;
	int32_t err;

	if (!(f = fd_get(ctx, fd, 0, &tmp, &err)))
		return err;
	if (!q)
		return WASI_EFAULT;
	base = f->base;
	if (is_socket(f)) {
		type = f->type;
		flags = f->flags;
	} else if (f->kind == FD_HOST) {
		const struct wasi_stdstat *std = std_of(ctx, f);
		int tty;
		if (std) {
			type = std->type, flags = std->flags, tty = std->tty;
		} else {
			type = host_filetype(f->host);
			flags = fdflags_of(f->host);
			tty = type == FT_CHARACTER_DEVICE && isatty(f->host);
		}
		/* wasi-libc's isatty: a character device without seek and tell */
		if (tty)
			base &= ~(RIGHT_FD_SEEK | RIGHT_FD_TELL);
	}
	memset(q, 0, 24);
	q[0] = type;
	memcpy(q + 2, &flags, 2);
	memcpy(q + 8, &base, 8);
	memcpy(q + 16, &f->inh, 8);
	return WASI_ESUCCESS;
}

static int32_t
fd_fdstat_set_flags(struct wa_vmctx *ctx, int32_t fd, int32_t flags)
{
	int h = host_of(ctx, fd, RIGHT_FD_FDSTAT_SET_FLAGS, WASI_ENOTSUP), fl;
	struct wasi_fd *f;
	int32_t err;

	if (h < 0)
		return -h;
	if (flags & ~0x1f)
		return WASI_EINVAL;
	/* Linux cannot change the sync flags of an open file */
	if (flags & (FDFLAG_DSYNC | FDFLAG_RSYNC | FDFLAG_SYNC))
		return WASI_ENOTSUP;
	if (!(f = fd_own(ctx, fd, 0, &err)))
		return err;
	if (is_socket(f)) {
		f->flags = (uint16_t)(flags & (FDFLAG_APPEND | FDFLAG_NONBLOCK));
		return WASI_ESUCCESS;
	}
	if (h < 3)       /* the host's own: its copy goes stale */
		__atomic_store_n(&wasi_host(ctx)->std[h].valid, 0, __ATOMIC_RELEASE);
	if ((fl = fcntl(h, F_GETFL)) < 0)
		return wasi_errno(errno);
	fl &= ~(O_APPEND | O_NONBLOCK);
	fl |= (flags & FDFLAG_APPEND ? O_APPEND : 0) | (flags & FDFLAG_NONBLOCK ? O_NONBLOCK : 0);
	return fcntl(h, F_SETFL, fl) ? wasi_errno(errno) : WASI_ESUCCESS;
}

static int32_t
fd_fdstat_set_rights(struct wa_vmctx *ctx, int32_t fd, int64_t base, int64_t inh)
{
	struct wasi_fd *f;
	int32_t err;

	if (!(f = fd_own(ctx, fd, 0, &err)))
		return err;
	/* rights can only be dropped */
	if (((uint64_t)base & ~f->base) || ((uint64_t)inh & ~f->inh))
		return WASI_ENOTCAPABLE;
	f->base = (uint64_t)base;
	f->inh = (uint64_t)inh;
	return WASI_ESUCCESS;
}

static uint64_t
ns(struct timespec t)
{
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int32_t
wasi_put_filestat(struct wa_vmctx *ctx, uint32_t p, const struct stat *st)
{
	uint8_t *q = gmem(ctx, p, 64);
	uint64_t v[8];

	if (!q)
		return WASI_EFAULT;
	v[0] = st->st_dev;
	v[1] = st->st_ino;
	v[2] = 0;
	switch (st->st_mode & S_IFMT) {
	case S_IFBLK: v[2] = FT_BLOCK_DEVICE; break;
	case S_IFCHR: v[2] = FT_CHARACTER_DEVICE; break;
	case S_IFDIR: v[2] = FT_DIRECTORY; break;
	case S_IFREG: v[2] = FT_REGULAR_FILE; break;
	case S_IFLNK: v[2] = FT_SYMBOLIC_LINK; break;
	case S_IFSOCK: v[2] = FT_SOCKET_STREAM; break;
	}
	v[3] = st->st_nlink;
	v[4] = (uint64_t)st->st_size;
	v[5] = ns(st->st_atim);
	v[6] = ns(st->st_mtim);
	v[7] = ns(st->st_ctim);
	memcpy(q, v, 64);
	return WASI_ESUCCESS;
}

static int32_t
fd_filestat_get(struct wa_vmctx *ctx, int32_t fd, int32_t p)
{
	struct wasi_fd tmp, *f;
	struct stat st;
	int32_t err;

	if (!(f = fd_get(ctx, fd, RIGHT_FD_FILESTAT_GET, &tmp, &err)))
		return err;
	memset(&st, 0, sizeof st);
	if (f->kind == FD_HOST && fstat(f->host, &st))
		return wasi_errno(errno);
	return wasi_put_filestat(ctx, (uint32_t)p, &st);
}

static int32_t
fd_filestat_set_size(struct wa_vmctx *ctx, int32_t fd, int64_t size)
{
	int h = host_of(ctx, fd, RIGHT_FD_FILESTAT_SET_SIZE, WASI_EINVAL);

	if (h < 0)
		return -h;
	if (size < 0)
		return WASI_EINVAL;
	return ftruncate(h, size) ? wasi_errno(errno) : WASI_ESUCCESS;
}

int32_t
wasi_times(int64_t atim, int64_t mtim, int32_t fl, struct timespec ts[2])
{
	const int64_t t[2] = {atim, mtim};
	int i;

	if (fl & ~0xf)
		return WASI_EINVAL;
	for (i = 0; i < 2; i++) {
		int set = fl & (i ? FST_MTIM : FST_ATIM), now = fl & (i ? FST_MTIM_NOW : FST_ATIM_NOW);
		if (set && now)
			return WASI_EINVAL;
		ts[i].tv_sec = (time_t)((uint64_t)t[i] / 1000000000u);
		ts[i].tv_nsec = (long)((uint64_t)t[i] % 1000000000u);
		if (now)
			ts[i].tv_nsec = UTIME_NOW;
		else if (!set)
			ts[i].tv_nsec = UTIME_OMIT;
	}
	return WASI_ESUCCESS;
}

static int32_t
fd_filestat_set_times(struct wa_vmctx *ctx, int32_t fd, int64_t atim, int64_t mtim, int32_t fl)
{
	int h = host_of(ctx, fd, RIGHT_FD_FILESTAT_SET_TIMES, WASI_EINVAL);
	struct timespec ts[2];
	int32_t err;

	if (h < 0)
		return -h;
	if ((err = wasi_times(atim, mtim, fl, ts)))
		return err;
	return futimens(h, ts) ? wasi_errno(errno) : WASI_ESUCCESS;
}

static int32_t
fd_seek(struct wa_vmctx *ctx, int32_t fd, int64_t off, int32_t whence, int32_t pnew)
{
	static const int how[] = {SEEK_SET, SEEK_CUR, SEEK_END};
	/* telling where one is needs only fd_tell */
	uint64_t need = off == 0 && whence == 1 ? RIGHT_FD_TELL : RIGHT_FD_SEEK;
	int h = host_of(ctx, fd, need, WASI_ESPIPE);
	off_t r;

	if (h < 0)
		return -h;
	if (whence < 0 || whence > 2)
		return WASI_EINVAL;
	if (!gmem(ctx, (uint32_t)pnew, 8))
		return WASI_EFAULT;
	if ((r = lseek(h, off, how[whence])) < 0)
		return wasi_errno(errno);
	put64(ctx, (uint32_t)pnew, (uint64_t)r);
	return WASI_ESUCCESS;
}

static int32_t
fd_tell(struct wa_vmctx *ctx, int32_t fd, int32_t p)
{
	int h = host_of(ctx, fd, RIGHT_FD_TELL, WASI_ESPIPE);
	off_t r;

	if (h < 0)
		return -h;
	if (!gmem(ctx, (uint32_t)p, 8))
		return WASI_EFAULT;
	if ((r = lseek(h, 0, SEEK_CUR)) < 0)
		return wasi_errno(errno);
	put64(ctx, (uint32_t)p, (uint64_t)r);
	return WASI_ESUCCESS;
}

/* A preopened directory, by the guest fd: NULL if it is none. */
static const struct wasi_preopen *
preopen_of(struct wa_vmctx *ctx, int32_t fd, int32_t *err)
{
	const struct wasi_host *H = wasi_host(ctx);
	struct wasi_fd tmp, *f;

	if (!(f = fd_get(ctx, fd, 0, &tmp, err)))
		return NULL;
	if (!f->pre || H->pre[f->pre - 1].type != FT_DIRECTORY) {
		*err = WASI_EBADF;
		return NULL;
	}
	return &H->pre[f->pre - 1];
}

static int32_t
fd_prestat_get(struct wa_vmctx *ctx, int32_t fd, int32_t p)
{
	const struct wasi_preopen *pre;
	uint8_t *q = gmem(ctx, (uint32_t)p, 8);
	int32_t err;

	if (!(pre = preopen_of(ctx, fd, &err)))
		return err;
	if (!q)
		return WASI_EFAULT;
	memset(q, 0, 8);              /* tag 0: a directory */
	memcpy(q + 4, &pre->namelen, 4);
	return WASI_ESUCCESS;
}

static int32_t
fd_prestat_dir_name(struct wa_vmctx *ctx, int32_t fd, int32_t p, int32_t len)
{
	const struct wasi_preopen *pre;
	uint8_t *q;
	int32_t err;

	if (!(pre = preopen_of(ctx, fd, &err)))
		return err;
	if ((uint32_t)len < pre->namelen)
		return WASI_ENAMETOOLONG;
	if (!(q = gmem(ctx, (uint32_t)p, pre->namelen)))
		return WASI_EFAULT;
	memcpy(q, pre->name, pre->namelen);
	return WASI_ESUCCESS;
}

void
wasi_fd_add(struct wa_host *h)
{
	static const struct {
		const char *name, *sig;
		void *fn;
	} fns[] = {
		{"fd_advise", "iIIi:i", (void *)fd_advise},
		{"fd_allocate", "iII:i", (void *)fd_allocate},
		{"fd_close", "i:i", (void *)fd_close},
		{"fd_datasync", "i:i", (void *)fd_datasync},
		{"fd_fdstat_get", "ii:i", (void *)fd_fdstat_get},
		{"fd_fdstat_set_flags", "ii:i", (void *)fd_fdstat_set_flags},
		{"fd_fdstat_set_rights", "iII:i", (void *)fd_fdstat_set_rights},
		{"fd_filestat_get", "ii:i", (void *)fd_filestat_get},
		{"fd_filestat_set_size", "iI:i", (void *)fd_filestat_set_size},
		{"fd_filestat_set_times", "iIIi:i", (void *)fd_filestat_set_times},
		{"fd_pread", "iiiIi:i", (void *)fd_pread},
		{"fd_prestat_get", "ii:i", (void *)fd_prestat_get},
		{"fd_prestat_dir_name", "iii:i", (void *)fd_prestat_dir_name},
		{"fd_pwrite", "iiiIi:i", (void *)fd_pwrite},
		{"fd_read", "iiii:i", (void *)fd_read},
		{"fd_renumber", "ii:i", (void *)fd_renumber},
		{"fd_seek", "iIii:i", (void *)fd_seek},
		{"fd_sync", "i:i", (void *)fd_sync},
		{"fd_tell", "ii:i", (void *)fd_tell},
		{"fd_write", "iiii:i", (void *)fd_write},
	};
	size_t i;

	for (i = 0; i < sizeof fns / sizeof *fns; i++)
		wa_host_func(h, WASI_MODULE, fns[i].name, fns[i].sig, fns[i].fn, NULL, NULL);
}
