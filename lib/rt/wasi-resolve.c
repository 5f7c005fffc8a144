/*
 * Resolving a guest path beneath a directory descriptor, so that no
 * path leads out of the directories the guest was given: not an
 * absolute path, not `..` past the start, not a symlink (absolute, or
 * relative with `..`s, dangling, made by the guest, or swapped in by a
 * concurrent rename), not a /proc magic link.
 *
 * Two resolvers do it.  Where the kernel has openat2 (Linux 5.6+), it
 * resolves with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: the kernel
 * refuses any step out (EXDEV, which the guest sees as ENOTCAPABLE), and
 * races with renames make it fail (EAGAIN) rather than escape.
 * Elsewhere (or with WA_WASI_WALK) a walk component by component: each
 * step opens one name relative to a descriptor we hold, with
 * O_NOFOLLOW; symlinks are read and spliced in by us, `..` pops our own
 * stack of descriptors (the kernel never sees a `..`), so a concurrent
 * rename can move directories but not make the walk leave the start.
 *
 * Operations other than open (mkdir, unlink, rename, link, symlink,
 * readlink) act on a (parent, name) pair: the parent resolved as above,
 * the name a single component the kernel looks up in it without
 * following symlinks.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"

/* Symlinks followed in one resolution, as Linux's MAXSYMLINKS. */
#define MAX_LINKS 40
/* Directories deep a walk may go. */
#define MAX_DEPTH 2048

static int
openat2_(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		/* a mode is for creating only (O_TMPFILE holds O_DIRECTORY's bit) */
		.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries;

	/* EAGAIN: a rename raced with the lookup; the kernel asks us to retry */
	for (tries = 0; tries < 16; tries++)
		if ((fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how)) >= 0 || errno != EAGAIN)
			break;
	return fd;
}

int
rsv_probe(void)
{
	static int have = -1;
	int fd;

	if (have < 0) {
		fd = openat2_(AT_FDCWD, ".", O_PATH, 0);
		have = fd >= 0 || errno != ENOSYS;
		if (fd >= 0)
			close(fd);
	}
	return have;
}

/* -(WASI errno) for a failed resolution step */
static int
fail(int e)
{
	return -(e == EXDEV ? WASI_ENOTCAPABLE : wasi_errno(e));
}

/* ---- the walk ---- */

struct walk {
	int root;
	int *fds;                    /* directories below root, innermost last */
	int depth, cap;
	char *buf;                   /* what is left of the path */
	size_t bufsize;
	int links;
};

static int
cur(const struct walk *w)
{
	return w->depth ? w->fds[w->depth - 1] : w->root;
}

static void
walk_free(struct walk *w)
{
	while (w->depth > 0)
		close(w->fds[--w->depth]);
	free(w->fds);
	free(w->buf);
}

static int
push(struct walk *w, int fd)
{
	if (w->depth == w->cap) {
		int cap = w->cap ? 2 * w->cap : 16, *v;
		if (cap > MAX_DEPTH || !(v = realloc(w->fds, (size_t)cap * sizeof *v))) {
			close(fd);
			return -WASI_ENAMETOOLONG;
		}
		w->fds = v, w->cap = cap;
	}
	w->fds[w->depth++] = fd;
	return 0;
}

/* /proc's magic links (/proc/self/root, /proc/self/fd/N, ...) lead
 * wherever the kernel says, not where their text says: openat2 refuses
 * them (RESOLVE_NO_MAGICLINKS: ELOOP), and so does the walk, knowing
 * them as links on procfs whose text is absolute or no path at all
 * ("socket:[42]"). */
static int
magic(const struct walk *w, const char *name, const char *target)
{
	struct statfs fs;
	int fd, r = 0;

	if (target[0] != '/' && !strchr(target, ':'))
		return 0;
	if ((fd = openat(cur(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		r = !fstatfs(fd, &fs) && fs.f_type == PROC_SUPER_MAGIC;
		close(fd);
	}
	return r;
}

/* Replace the component at name (the rest follows at rest) by the
 * target of the symlink it names: 0, RETRY if it is no symlink any more
 * (a rename raced with us: look at it again), or -(WASI errno). */
#define RETRY (-1001)
/* last_step: a symlink was spliced in, go on with w->buf */
#define SPLICED (-1000)
static int
splice_link(struct walk *w, const char *name, const char *rest)
{
	char target[WASI_PATH_MAX];
	ssize_t n;
	size_t restlen = strlen(rest);
	char *nb;

	if (++w->links > MAX_LINKS)
		return -WASI_ELOOP;
	if ((n = readlinkat(cur(w), name, target, sizeof target)) < 0)
		return errno == EINVAL ? RETRY : fail(errno);
	if ((size_t)n >= sizeof target)
		return -WASI_ENAMETOOLONG;
	if (n == 0)
		return -WASI_ENOENT;
	target[n] = 0;
	if (magic(w, name, target))
		return -WASI_ELOOP;
	if (target[0] == '/')
		return -WASI_ENOTCAPABLE;
	if (!(nb = malloc((size_t)n + 1 + restlen + 1)))
		return -WASI_ENOMEM;
	memcpy(nb, target, (size_t)n);
	nb[n] = '/';
	memcpy(nb + n + 1, rest, restlen + 1);
	if (!restlen)
		nb[n] = 0;             /* no slash where there was none */
	free(w->buf);
	w->buf = nb;
	return 0;
}

/* Is comp, in the current directory, a symlink?  1, 0, or -(errno)
 * (ENOENT: it is not there). */
static int
is_link(const struct walk *w, const char *comp)
{
	struct stat st;

	if (fstatat(cur(w), comp, &st, AT_SYMLINK_NOFOLLOW))
		return fail(errno);
	return S_ISLNK(st.st_mode);
}

/*
 * The last component, comp, in the current directory.  To open: opened
 * with FLAGS and MODE, its fd returned; a trailing slash (slash) asks
 * for a directory.  PARENT: the current directory returned, comp (and
 * the slash) copied to name.  SPLICED: comp is a symlink to follow, spliced
 * into w->buf.
 */
static int
last_step(struct walk *w, const char *comp, int slash, int parent, int follow, int flags, mode_t mode,
          char *name)
{
	int r, fd;

	if (follow && strcmp(comp, ".")) {
		r = is_link(w, comp);
		if (r == -WASI_ENOENT && !slash)
			r = 0;            /* to be created */
		if (r < 0)
			return r;
		if (r)
			return (r = splice_link(w, comp, slash ? "/" : "")) ? r : SPLICED;
	}
	if (parent) {
		strcpy(name, comp);
		if (slash)
			strcat(name, "/");
		return cur(w);
	}
	if (slash && (flags & O_CREAT))
		return -WASI_EISDIR;
	/* O_NOFOLLOW: if a rename put a symlink here since, fail, not follow */
	fd = openat(cur(w), comp, flags | O_NOFOLLOW | O_CLOEXEC | (slash ? O_DIRECTORY : 0), mode);
	return fd < 0 ? fail(errno) : fd;
}

/*
 * Walk w->buf: open its last component (returning the fd), or, PARENT,
 * return the directory that holds it and copy its name to name.
 * Symlinks in the last component are followed if FOLLOW (to open, a
 * trailing slash follows too).
 */
static int
walk(struct walk *w, int parent, int follow, int flags, mode_t mode, char *name)
{
	char *p = w->buf, *start, comp[WASI_PATH_MAX];
	size_t len;
	int fd, last, slash, r;
	struct stat st;

	for (;;) {
		if (*p == '/')
			return -WASI_ENOTCAPABLE;
		if (!*p)
			return -WASI_ENOENT;
		start = p;
		len = strcspn(p, "/");
		memcpy(comp, p, len);
		comp[len] = 0;
		p += len;
		slash = *p == '/';
		while (*p == '/')
			p++;
		last = !*p;
		if (!strcmp(comp, "..")) {
			if (!w->depth)
				return -WASI_ENOTCAPABLE;
			close(w->fds[--w->depth]);
			strcpy(comp, ".");
		}
		if (last) {
			r = last_step(w, comp, slash, parent, follow || (slash && !parent), flags, mode, name);
			if (r != SPLICED && r != RETRY)
				return r;
			p = r == RETRY ? start : w->buf;
			continue;
		}
		if (!strcmp(comp, "."))
			continue;
		if ((fd = openat(cur(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return fail(errno);
		if (fstat(fd, &st)) {
			close(fd);
			return fail(errno);
		}
		if (S_ISLNK(st.st_mode)) {
			close(fd);
			if ((r = splice_link(w, comp, p)) && r != RETRY)
				return r;
			p = r == RETRY ? start : w->buf;
		} else if (!S_ISDIR(st.st_mode)) {
			close(fd);
			return -WASI_ENOTDIR;
		} else if ((r = push(w, fd)) < 0) {
			return r;
		}
	}
}

static int
walk_path(int root, const char *path, int parent, int follow, int flags, mode_t mode, char *name, int *own)
{
	struct walk w = {.root = root};
	int fd;

	if (!(w.buf = strdup(path)))
		return -WASI_ENOMEM;
	fd = walk(&w, parent, follow, flags, mode, name);
	if (parent && fd >= 0) {
		*own = w.depth > 0;
		if (*own)
			w.depth--;        /* the caller's now */
	}
	walk_free(&w);
	return fd;
}

int
rsv_open(const struct wasi_host *H, int dirfd, const char *path, int flags, mode_t mode)
{
	int fd;

	if (path[0] == '/')
		return -WASI_ENOTCAPABLE;
	if (!H->walk) {
		if ((fd = openat2_(dirfd, path, flags, mode)) >= 0)
			return fd;
		if (errno != EAGAIN)
			return fail(errno);
		/* renames kept racing with the kernel: the walk is immune */
	}
	return walk_path(dirfd, path, 0, flags & O_NOFOLLOW ? 0 : 1, flags & ~O_NOFOLLOW, mode, NULL, NULL);
}

/* ---- (parent, name) ---- */

static int
is_dot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

/* Parent and name by openat2: the path split at its last component. */
static int
parent2(int dirfd, char *path, const char **name, int *own)
{
	size_t n = strlen(path), end = n, start;
	int fd;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return path[0] ? -WASI_ENOTCAPABLE : -WASI_ENOENT;
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	if (is_dot(path + start, end - start)) {
		/* "x/.." and the like: the directory they name */
		if ((fd = openat2_(dirfd, path, O_PATH | O_DIRECTORY, 0)) < 0)
			return fail(errno);
		*own = 1;
		*name = ".";
		return fd;
	}
	*name = path + start;
	if (start == 0) {
		*own = 0;
		return dirfd;
	}
	path[start - 1] = 0;          /* the parent's path, then the name */
	fd = openat2_(dirfd, path, O_PATH | O_DIRECTORY, 0);
	path[start - 1] = '/';
	if (fd < 0)
		return fail(errno);
	*own = 1;
	return fd;
}

/*
 * Follow a symlink in the last component: its target, relative to the
 * directory that holds it, replaces the name in path (textually, so the
 * result is resolved from dirfd again, beneath it as before).  0 if
 * the name is no symlink (path unchanged), 1 if it was replaced, or
 * -(WASI errno).
 */
static int
follow_last(int parent, char *path, const char *name)
{
	char target[WASI_PATH_MAX], base[WASI_PATH_MAX];
	size_t keep = (size_t)(name - path), nlen = strlen(name), t;
	ssize_t n;

	while (nlen > 0 && name[nlen - 1] == '/')
		nlen--;
	memcpy(base, name, nlen);
	base[nlen] = 0;
	if ((n = readlinkat(parent, base, target, sizeof target)) < 0)
		return errno == EINVAL || errno == ENOENT ? 0 : fail(errno);
	if ((size_t)n >= sizeof target || keep + (size_t)n + strlen(name + nlen) >= WASI_PATH_MAX)
		return -WASI_ENAMETOOLONG;
	if (n == 0)
		return -WASI_ENOENT;
	if (target[0] == '/')
		return -WASI_ENOTCAPABLE;
	t = strlen(name + nlen);      /* trailing slashes stay */
	memmove(path + keep + (size_t)n, name + nlen, t + 1);
	memcpy(path + keep, target, (size_t)n);
	return 1;
}

int
rsv_parent(const struct wasi_host *H, int dirfd, char *path, int follow, const char **name, int *own)
{
	int fd, r, links = 0;
	char *nm;

	if (path[0] == '/')
		return -WASI_ENOTCAPABLE;
	if (H->walk) {
		/* the name is copied to the end of the caller's buffer: the
		 * walk works on its own copy of the path */
		if (!(nm = malloc(WASI_PATH_MAX)))
			return -WASI_ENOMEM;
		fd = walk_path(dirfd, path, 1, follow, 0, 0, nm, own);
		if (fd >= 0) {
			strcpy(path, nm);
			*name = path;
		}
		free(nm);
		return fd;
	}
	for (;;) {
		if ((fd = parent2(dirfd, path, name, own)) < 0 || !follow || !strcmp(*name, "."))
			return fd;
		if ((r = follow_last(fd, path, *name)) <= 0) {
			if (r < 0 && *own)
				close(fd);
			return r < 0 ? r : fd;
		}
		if (*own)
			close(fd);
		if (++links > MAX_LINKS)
			return -WASI_ELOOP;
	}
}
