/*
 * WASI file descriptors: for now only the three standard streams,
 * which map to the host's 0, 1 and 2.  Closing one only hides it from
 * the guest (the host's stream stays open).  No preopened directories
 * yet: fd_prestat_get answers EBADF, which ends wasi-libc's scan.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

/* iovecs per readv/writev; more make a short count, which WASI allows
 * and wasi-libc handles by calling again. */
#define MAX_IOV 64

/* rights: everything but seek and tell on a terminal, so that
 * wasi-libc's isatty() (which looks for exactly that) says yes */
#define RIGHTS_ALL 0x1fffffffull
#define RIGHTS_SEEK_TELL ((1ull << 2) | (1ull << 5))

int32_t
wasi_errno(int e)
{
	switch (e) {
	case EACCES: return WASI_EACCES;
	case EAGAIN: return WASI_EAGAIN;
	case EBADF: return WASI_EBADF;
	case EEXIST: return WASI_EEXIST;
	case EFAULT: return WASI_EFAULT;
	case EFBIG: return WASI_EFBIG;
	case EINTR: return WASI_EINTR;
	case EINVAL: return WASI_EINVAL;
	case EISDIR: return WASI_EISDIR;
	case ENOENT: return WASI_ENOENT;
	case ENOMEM: return WASI_ENOMEM;
	case ENOSPC: return WASI_ENOSPC;
	case ENOTDIR: return WASI_ENOTDIR;
	case EPERM: return WASI_EPERM;
	case EPIPE: return WASI_EPIPE;
	case ESPIPE: return WASI_ESPIPE;
	}
	return WASI_EIO;
}

/* The host descriptor behind guest fd, or -1. */
static int
hostfd(struct wa_vmctx *ctx, int32_t fd)
{
	if (fd < 0 || fd > 2 || (inst_of(ctx)->wasi_closed & (1u << fd)))
		return -1;
	return fd;
}

/* Guest iovecs (buf u32, len u32) to host ones; -1 if out of bounds. */
static int
iovecs(struct wa_vmctx *ctx, uint32_t iovs, uint32_t n, struct iovec *v)
{
	uint32_t i, buf, len;
	uint8_t *p;

	if (n > MAX_IOV)
		n = MAX_IOV;
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

static int32_t
rw(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t pcount, int write)
{
	struct iovec v[MAX_IOV];
	int h = hostfd(ctx, fd), n;
	ssize_t got;

	if (h < 0)
		return WASI_EBADF;
	if ((n = iovecs(ctx, (uint32_t)iovs, (uint32_t)niovs, v)) < 0 || !gmem(ctx, (uint32_t)pcount, 4))
		return WASI_EFAULT;
	do
		got = write ? writev(h, v, n) : readv(h, v, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return wasi_errno(errno);
	put32(ctx, (uint32_t)pcount, (uint32_t)got);
	return WASI_ESUCCESS;
}

static int32_t
fd_write(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t pcount)
{
	return rw(ctx, fd, iovs, niovs, pcount, 1);
}

static int32_t
fd_read(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t pcount)
{
	return rw(ctx, fd, iovs, niovs, pcount, 0);
}

static int32_t
fd_close(struct wa_vmctx *ctx, int32_t fd)
{
	if (hostfd(ctx, fd) < 0)
		return WASI_EBADF;
	inst_of(ctx)->wasi_closed |= 1u << fd;
	return WASI_ESUCCESS;
}

static int32_t
fd_fdstat_get(struct wa_vmctx *ctx, int32_t fd, int32_t p)
{
	uint8_t *q = gmem(ctx, (uint32_t)p, 24), type = 0;
	int h = hostfd(ctx, fd);
	uint64_t rights = RIGHTS_ALL;
	struct stat st;

	if (h < 0)
		return WASI_EBADF;
	if (!q)
		return WASI_EFAULT;
	if (fstat(h, &st) == 0) {
		type = S_ISCHR(st.st_mode) ? 2 : S_ISREG(st.st_mode) ? 4 : S_ISDIR(st.st_mode) ? 3
		     : S_ISSOCK(st.st_mode) ? 6 : 0;
		if (isatty(h))
			rights &= ~RIGHTS_SEEK_TELL;
	}
	memset(q, 0, 24);
	q[0] = type;
	memcpy(q + 8, &rights, 8);
	memcpy(q + 16, &rights, 8);
	return WASI_ESUCCESS;
}

static int32_t
fd_seek(struct wa_vmctx *ctx, int32_t fd, int64_t off, int32_t whence, int32_t pnew)
{
	static const int how[] = {SEEK_SET, SEEK_CUR, SEEK_END};
	int h = hostfd(ctx, fd);
	off_t r;

	if (h < 0)
		return WASI_EBADF;
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
fd_prestat_get(struct wa_vmctx *ctx, int32_t fd, int32_t p)
{
	(void)ctx, (void)fd, (void)p;
	return WASI_EBADF;
}

static int32_t
fd_prestat_dir_name(struct wa_vmctx *ctx, int32_t fd, int32_t p, int32_t len)
{
	(void)ctx, (void)fd, (void)p, (void)len;
	return WASI_EBADF;
}

#define M "wasi_snapshot_preview1"

void
wasi_fd_add(struct wa_host *h)
{
	wa_host_func(h, M, "fd_write", "iiii:i", (void *)fd_write, NULL, NULL);
	wa_host_func(h, M, "fd_read", "iiii:i", (void *)fd_read, NULL, NULL);
	wa_host_func(h, M, "fd_close", "i:i", (void *)fd_close, NULL, NULL);
	wa_host_func(h, M, "fd_fdstat_get", "ii:i", (void *)fd_fdstat_get, NULL, NULL);
	wa_host_func(h, M, "fd_seek", "iIii:i", (void *)fd_seek, NULL, NULL);
	wa_host_func(h, M, "fd_prestat_get", "ii:i", (void *)fd_prestat_get, NULL, NULL);
	wa_host_func(h, M, "fd_prestat_dir_name", "iii:i", (void *)fd_prestat_dir_name, NULL, NULL);
}
