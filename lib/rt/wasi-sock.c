/*
 * WASI sock_*: on sockets the host handed in (preopened listening
 * sockets, wa_wasi_config.sockets) and the connections accepted from
 * them.  Preview1 cannot create or connect sockets.  Host sockets are
 * non-blocking; a guest that did not ask for non-blocking waits, and an
 * interrupt ends the wait.  Sends never raise SIGPIPE.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

enum { RI_PEEK = 1, RI_WAITALL = 2 };
enum { RO_DATA_TRUNCATED = 1 };
enum { SD_RD = 1, SD_WR = 2 };

/* The socket entry of guest fd, with RIGHTS: EBADF if there is no such
 * descriptor, ENOTSOCK if it is no socket, then ENOTCAPABLE. */
static struct wasi_fd *
sock_get(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, struct wasi_fd *tmp, int32_t *err)
{
	struct wasi_fd *f = fd_get(ctx, fd, 0, tmp, err);

	if (!f)
		return NULL;
	if (!is_socket(f)) {
		*err = WASI_ENOTSOCK;
		return NULL;
	}
	if ((f->base & rights) != rights) {
		*err = WASI_ENOTCAPABLE;
		return NULL;
	}
	return f;
}

static int32_t
sock_accept(struct wa_vmctx *ctx, int32_t fd, int32_t flags, int32_t pfd)
{
	struct wasi_fd tmp, *f;
	int32_t err, gfd;
	int h;

	if (!(f = sock_get(ctx, fd, RIGHT_SOCK_ACCEPT, &tmp, &err)))
		return err;
	if (flags & ~FDFLAG_NONBLOCK)
		return WASI_EINVAL;
	if (!gmem(ctx, (uint32_t)pfd, 4))
		return WASI_EFAULT;
	while ((h = accept4(f->host, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN || (f->flags & FDFLAG_NONBLOCK))
			return wasi_errno(errno);
		if ((err = wasi_wait_fd(ctx, f->host, POLLIN)))
			return err;
	}
	if ((gfd = fd_add(ctx, h, FT_SOCKET_STREAM, RIGHTS_SOCKET & ~RIGHT_SOCK_ACCEPT, 0)) < 0)
		return -gfd;
	inst_of(ctx)->wasi->v[gfd].flags = (uint16_t)flags;
	put32(ctx, (uint32_t)pfd, (uint32_t)gfd);
	return WASI_ESUCCESS;
}

static int32_t
sock_recv(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t riflags, int32_t plen,
          int32_t pflags)
{
	struct iovec v[WASI_MAX_IOV];
	struct msghdr m = {.msg_iov = v};
	struct wasi_fd tmp, *f;
	int32_t err;
	ssize_t got;
	int n;

	if (!(f = sock_get(ctx, fd, RIGHT_FD_READ, &tmp, &err)))
		return err;
	if (riflags & ~(RI_PEEK | RI_WAITALL))
		return WASI_EINVAL;
	if ((n = wasi_iovecs(ctx, (uint32_t)iovs, (uint32_t)niovs, v)) < 0 || !gmem(ctx, (uint32_t)plen, 4) ||
	    !gmem(ctx, (uint32_t)pflags, 2))
		return WASI_EFAULT;
	m.msg_iovlen = (size_t)n;
	while ((got = recvmsg(f->host, &m, (riflags & RI_PEEK ? MSG_PEEK : 0) |
	                                  (riflags & RI_WAITALL ? MSG_WAITALL : 0))) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || (f->flags & FDFLAG_NONBLOCK))
			return wasi_errno(errno);
		if ((err = wasi_wait_fd(ctx, f->host, POLLIN)))
			return err;
	}
	put32(ctx, (uint32_t)plen, (uint32_t)got);
	put16(ctx, (uint32_t)pflags, m.msg_flags & MSG_TRUNC ? RO_DATA_TRUNCATED : 0);
	return WASI_ESUCCESS;
}

static int32_t
sock_send(struct wa_vmctx *ctx, int32_t fd, int32_t iovs, int32_t niovs, int32_t siflags, int32_t plen)
{
	struct iovec v[WASI_MAX_IOV];
	struct wasi_fd tmp, *f;
	uint64_t done;
	int32_t err;
	int n;

	if (!(f = sock_get(ctx, fd, RIGHT_FD_WRITE, &tmp, &err)))
		return err;
	if (siflags)                      /* preview1 defines none */
		return WASI_EINVAL;
	if ((n = wasi_iovecs(ctx, (uint32_t)iovs, (uint32_t)niovs, v)) < 0 || !gmem(ctx, (uint32_t)plen, 4))
		return WASI_EFAULT;
	if ((err = fd_io(ctx, f, v, n, 1, &done)))
		return err;
	put32(ctx, (uint32_t)plen, (uint32_t)done);
	return WASI_ESUCCESS;
}

static int32_t
sock_shutdown(struct wa_vmctx *ctx, int32_t fd, int32_t how)
{
	static const int hows[] = {0, SHUT_RD, SHUT_WR, SHUT_RDWR};
	struct wasi_fd tmp, *f;
	int32_t err;

	if (!(f = sock_get(ctx, fd, RIGHT_SOCK_SHUTDOWN, &tmp, &err)))
		return err;
	if (how < 1 || how > 3)
		return WASI_EINVAL;
	return shutdown(f->host, hows[how]) ? wasi_errno(errno) : WASI_ESUCCESS;
}

void
wasi_sock_add(struct wa_host *h)
{
	wa_host_func(h, WASI_MODULE, "sock_accept", "iii:i", (void *)sock_accept, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "sock_recv", "iiiiii:i", (void *)sock_recv, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "sock_send", "iiiii:i", (void *)sock_send, NULL, NULL);
	wa_host_func(h, WASI_MODULE, "sock_shutdown", "ii:i", (void *)sock_shutdown, NULL, NULL);
}
