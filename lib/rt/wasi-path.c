/*
 * WASI path_*: every path is resolved beneath its directory descriptor
 * by wasi-resolve.c, then the call acts on what it resolved to: an
 * opened descriptor (open, stat, times) or a (parent, name) pair
 * (create, remove, rename, link, symlink, readlink), the name looked up
 * by the kernel in the parent without following symlinks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* A guest path with the directory it is relative to. */
struct gpath {
	int dir;                     /* host directory fd */
	char s[WASI_PATH_MAX];
};

/* Directory fd with RIGHTS and path (p, len) into *g: 0 or a WASI errno. */
static int32_t
get(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, int32_t p, int32_t len, struct gpath *g)
{
	struct wasi_fd tmp, *f;
	int32_t err;

	if (!(f = fd_get(ctx, fd, rights, &tmp, &err)))
		return err;
	if (f->kind != FD_HOST)
		return WASI_ENOTDIR;
	g->dir = f->host;
	return wasi_path(ctx, (uint32_t)p, (uint32_t)len, g->s);
}

/* The parent of g's last component: its fd (closed by done()) and
 * the name; -(WASI errno) */
struct at {
	int fd, own;
	const char *name;
};

static int32_t
parent(struct wa_vmctx *ctx, struct gpath *g, int follow, struct at *a)
{
	a->fd = rsv_parent(wasi_host(ctx), g->dir, g->s, follow, &a->name, &a->own);
	return a->fd < 0 ? -a->fd : 0;
}

static void
done(struct at *a)
{
	if (a->own && a->fd >= 0)
		close(a->fd);
}

static int
trailing_slash(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '/';
}

static int32_t
result(int r)
{
	return r ? wasi_errno(errno) : WASI_ESUCCESS;
}

static int32_t
path_create_directory(struct wa_vmctx *ctx, int32_t fd, int32_t p, int32_t len)
{
	struct gpath g;
	struct at a;
	int32_t err;

	if ((err = get(ctx, fd, RIGHT_PATH_CREATE_DIRECTORY, p, len, &g)) || (err = parent(ctx, &g, 0, &a)))
		return err;
	err = result(mkdirat(a.fd, a.name, 0777));
	done(&a);
	return err;
}

static int32_t
path_remove_directory(struct wa_vmctx *ctx, int32_t fd, int32_t p, int32_t len)
{
	struct gpath g;
	struct at a;
	int32_t err;

	if ((err = get(ctx, fd, RIGHT_PATH_REMOVE_DIRECTORY, p, len, &g)) || (err = parent(ctx, &g, 0, &a)))
		return err;
	err = result(unlinkat(a.fd, a.name, AT_REMOVEDIR));
	done(&a);
	return err;
}

static int32_t
path_unlink_file(struct wa_vmctx *ctx, int32_t fd, int32_t p, int32_t len)
{
	struct gpath g;
	struct at a;
	int32_t err;

	if ((err = get(ctx, fd, RIGHT_PATH_UNLINK_FILE, p, len, &g)) || (err = parent(ctx, &g, 0, &a)))
		return err;
	err = result(unlinkat(a.fd, a.name, 0));
	done(&a);
	return err;
}

/* Open g beneath its directory as an O_PATH descriptor. */
static int
open_path(struct wa_vmctx *ctx, struct gpath *g, int follow, int flags)
{
	return rsv_open(wasi_host(ctx), g->dir, g->s, O_PATH | flags | (follow ? 0 : O_NOFOLLOW), 0);
}

/*
 * One name in the directory (what readdir gives, so what walking a tree
 * asks most): the kernel may look it up itself, without following a
 * symlink, in one system call; nothing else can lead out.  1 if st is
 * the answer, 0 if the full resolution must give it, or -(WASI errno).
 */
static int
stat_one_name(const struct gpath *g, int follow, struct stat *st)
{
	if (!g->s[0] || strchr(g->s, '/') || !strcmp(g->s, ".") || !strcmp(g->s, ".."))
		return 0;
	if (fstatat(g->dir, g->s, st, AT_SYMLINK_NOFOLLOW))
		return -wasi_errno(errno);
	return !follow || !S_ISLNK(st->st_mode);
}

static int32_t
path_filestat_get(struct wa_vmctx *ctx, int32_t fd, int32_t flags, int32_t p, int32_t len, int32_t buf)
{
	struct gpath g;
	struct stat st;
	int32_t err;
	int h;

	if ((err = get(ctx, fd, RIGHT_PATH_FILESTAT_GET, p, len, &g)))
		return err;
	if (!gmem(ctx, (uint32_t)buf, 64))
		return WASI_EFAULT;
	if ((h = stat_one_name(&g, flags & LOOKUP_SYMLINK_FOLLOW, &st)))
		return h < 0 ? -h : wasi_put_filestat(ctx, (uint32_t)buf, &st);
	if ((h = open_path(ctx, &g, flags & LOOKUP_SYMLINK_FOLLOW, 0)) < 0)
		return -h;
	err = result(fstat(h, &st));
	close(h);
	return err ? err : wasi_put_filestat(ctx, (uint32_t)buf, &st);
}

static int32_t
path_filestat_set_times(struct wa_vmctx *ctx, int32_t fd, int32_t flags, int32_t p, int32_t len, int64_t atim,
                        int64_t mtim, int32_t fst)
{
	struct timespec ts[2];
	struct gpath g;
	int32_t err;
	int h;

	if ((err = get(ctx, fd, RIGHT_PATH_FILESTAT_SET_TIMES, p, len, &g)) || (err = wasi_times(atim, mtim, fst, ts)))
		return err;
	if ((h = open_path(ctx, &g, flags & LOOKUP_SYMLINK_FOLLOW, 0)) < 0)
		return -h;
	/* the file the descriptor is (a symlink itself, unless followed) */
	err = result(utimensat(h, "", ts, AT_EMPTY_PATH));
	close(h);
	return err;
}

static int32_t
path_readlink(struct wa_vmctx *ctx, int32_t fd, int32_t p, int32_t len, int32_t buf, int32_t buflen,
              int32_t pused)
{
	char target[WASI_PATH_MAX];
	struct gpath g;
	struct at a;
	uint8_t *q;
	ssize_t n;
	int32_t err;
	int h;

	if ((err = get(ctx, fd, RIGHT_PATH_READLINK, p, len, &g)))
		return err;
	if (!(q = gmem(ctx, (uint32_t)buf, (uint32_t)buflen)) || !gmem(ctx, (uint32_t)pused, 4))
		return WASI_EFAULT;
	if (trailing_slash(g.s)) {
		/* "link/" is what the link leads to, which is no symlink */
		if ((h = open_path(ctx, &g, 1, 0)) < 0)
			return -h;
		close(h);
		return WASI_EINVAL;
	}
	if ((err = parent(ctx, &g, 0, &a)))
		return err;
	n = readlinkat(a.fd, a.name, target, sizeof target);
	err = result(n < 0);
	done(&a);
	if (err)
		return err;
	/* too small a buffer truncates, as readlink(2) does */
	if ((uint64_t)n > (uint32_t)buflen)
		n = (ssize_t)(uint32_t)buflen;
	memcpy(q, target, (size_t)n);
	put32(ctx, (uint32_t)pused, (uint32_t)n);
	return WASI_ESUCCESS;
}

static int32_t
path_rename(struct wa_vmctx *ctx, int32_t fd, int32_t op, int32_t olen, int32_t nfd, int32_t np, int32_t nlen)
{
	struct gpath *g = malloc(2 * sizeof *g);
	struct at a = {-1, 0, NULL}, b = {-1, 0, NULL};
	int32_t err;

	if (!g)
		return WASI_ENOMEM;
	if (!(err = get(ctx, fd, RIGHT_PATH_RENAME_SOURCE, op, olen, &g[0])) &&
	    !(err = get(ctx, nfd, RIGHT_PATH_RENAME_TARGET, np, nlen, &g[1])) &&
	    !(err = parent(ctx, &g[0], 0, &a)) && !(err = parent(ctx, &g[1], 0, &b)))
		err = result(renameat(a.fd, a.name, b.fd, b.name));
	done(&a);
	done(&b);
	free(g);
	return err;
}

static int32_t
path_link(struct wa_vmctx *ctx, int32_t ofd, int32_t oflags, int32_t op, int32_t olen, int32_t nfd, int32_t np,
          int32_t nlen)
{
	struct gpath *g = malloc(2 * sizeof *g);
	struct at a = {-1, 0, NULL}, b = {-1, 0, NULL};
	int32_t err;
	int h;

	if (!g)
		return WASI_ENOMEM;
	if ((err = get(ctx, ofd, RIGHT_PATH_LINK_SOURCE, op, olen, &g[0])) ||
	    (err = get(ctx, nfd, RIGHT_PATH_LINK_TARGET, np, nlen, &g[1])))
		goto out;
	if (trailing_slash(g[0].s)) {
		/* "dir/" (a symlink followed): directories cannot be linked */
		if ((h = open_path(ctx, &g[0], 1, O_DIRECTORY)) < 0) {
			err = -h;
		} else {
			close(h);
			err = WASI_EPERM;
		}
		goto out;
	}
	if (!(err = parent(ctx, &g[0], oflags & LOOKUP_SYMLINK_FOLLOW, &a)) && !(err = parent(ctx, &g[1], 0, &b)))
		err = result(linkat(a.fd, a.name, b.fd, b.name, 0));
out:
	done(&a);
	done(&b);
	free(g);
	return err;
}

static int32_t
path_symlink(struct wa_vmctx *ctx, int32_t op, int32_t olen, int32_t fd, int32_t np, int32_t nlen)
{
	struct gpath *g = malloc(sizeof *g);
	char *target = malloc(WASI_PATH_MAX);
	struct at a = {-1, 0, NULL};
	int32_t err;

	if (!g || !target)
		err = WASI_ENOMEM;
	else if (!(err = wasi_path(ctx, (uint32_t)op, (uint32_t)olen, target)) &&
	         !(err = get(ctx, fd, RIGHT_PATH_SYMLINK, np, nlen, g)) && !(err = parent(ctx, g, 0, &a)))
		err = result(symlinkat(target, a.fd, a.name));
	done(&a);
	free(g);
	free(target);
	return err;
}

/* The open(2) flags and the rights of a path_open: 0 or a WASI errno. */
static int32_t
open_flags(int32_t lookup, int32_t oflags, uint64_t base, int32_t fdflags, int *flags)
{
	int rd = !!(base & (RIGHT_FD_READ | RIGHT_FD_READDIR));
	int wr = !!(base & (RIGHT_FD_DATASYNC | RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE));
	int fl = O_NOCTTY;

	if (oflags & ~0xf || fdflags & ~0x1f)
		return WASI_EINVAL;
	if (oflags & OFLAG_DIRECTORY)
		fl |= O_RDONLY | O_DIRECTORY;
	else
		fl |= rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
	fl |= oflags & OFLAG_CREAT ? O_CREAT : 0;
	fl |= oflags & OFLAG_EXCL ? O_EXCL : 0;
	fl |= oflags & OFLAG_TRUNC ? O_TRUNC : 0;
	fl |= fdflags & FDFLAG_APPEND ? O_APPEND : 0;
	fl |= fdflags & FDFLAG_DSYNC ? O_DSYNC : 0;
	fl |= fdflags & FDFLAG_NONBLOCK ? O_NONBLOCK : 0;
	fl |= fdflags & (FDFLAG_RSYNC | FDFLAG_SYNC) ? O_SYNC : 0;
	fl |= lookup & LOOKUP_SYMLINK_FOLLOW ? 0 : O_NOFOLLOW;
	*flags = fl;
	return 0;
}

static uint64_t
rights_for(uint8_t type)
{
	switch (type) {
	case FT_DIRECTORY: return RIGHTS_DIR;
	case FT_SOCKET_STREAM:
	case FT_SOCKET_DGRAM: return RIGHTS_SOCKET;
	default: return RIGHTS_FILE;
	}
}

static int32_t
path_open(struct wa_vmctx *ctx, int32_t fd, int32_t lookup, int32_t p, int32_t len, int32_t oflags, int64_t base,
          int64_t inh, int32_t fdflags, int32_t pfd)
{
	uint64_t need = RIGHT_PATH_OPEN | (oflags & OFLAG_CREAT ? RIGHT_PATH_CREATE_FILE : 0) |
	                (oflags & OFLAG_TRUNC ? RIGHT_PATH_FILESTAT_SET_SIZE : 0);
	struct wasi_fd tmp, *f;
	struct gpath g;
	uint64_t dinh;
	int32_t err, gfd;
	uint8_t type;
	int fl, h;

	if (!(f = fd_get(ctx, fd, need, &tmp, &err)))
		return err;
	dinh = f->inh;
	/* what a directory passes on is all a descriptor from it may get;
	 * rights that do not apply to what a path can open (sockets) are
	 * left out without complaint, as the witx allows */
	if (((uint64_t)base | (uint64_t)inh) & ~dinh & (RIGHTS_DIR | RIGHTS_FILE))
		return WASI_ENOTCAPABLE;
	if ((err = get(ctx, fd, need, p, len, &g)) || (err = open_flags(lookup, oflags, (uint64_t)base, fdflags, &fl)))
		return err;
	if (!gmem(ctx, (uint32_t)pfd, 4))
		return WASI_EFAULT;
	if ((h = rsv_open(wasi_host(ctx), g.dir, g.s, fl, 0666)) < 0)
		return -h;
	type = host_filetype(h);
	if ((gfd = fd_add(ctx, h, type, (uint64_t)base & dinh & rights_for(type), (uint64_t)inh & dinh)) < 0)
		return -gfd;
	put32(ctx, (uint32_t)pfd, (uint32_t)gfd);
	return WASI_ESUCCESS;
}

void
wasi_path_add(struct wa_host *h)
{
	static const struct {
		const char *name, *sig;
		void *fn;
	} fns[] = {
		{"path_create_directory", "iii:i", (void *)path_create_directory},
		{"path_filestat_get", "iiiii:i", (void *)path_filestat_get},
		{"path_filestat_set_times", "iiiiIIi:i", (void *)path_filestat_set_times},
		{"path_link", "iiiiiii:i", (void *)path_link},
		{"path_open", "iiiiiIIii:i", (void *)path_open},
		{"path_readlink", "iiiiii:i", (void *)path_readlink},
		{"path_remove_directory", "iii:i", (void *)path_remove_directory},
		{"path_rename", "iiiiii:i", (void *)path_rename},
		{"path_symlink", "iiiii:i", (void *)path_symlink},
		{"path_unlink_file", "iii:i", (void *)path_unlink_file},
	};
	size_t i;

	for (i = 0; i < sizeof fns / sizeof *fns; i++)
		wa_host_func(h, WASI_MODULE, fns[i].name, fns[i].sig, fns[i].fn, NULL, NULL);
}
