/*
 * WASI fd_readdir.  A guest directory descriptor that is read gets a
 * buffer of getdents64 records, and, if its host descriptor is shared
 * (a preopen: reading moves the offset, which every instance shares),
 * a host descriptor of its own for the directory.  The cookie of an entry is the kernel's d_off of
 * the one before (where the next read starts), so any cookie the guest
 * got back can be seeked to; reading on from where the last call
 * stopped takes no seek.  `.` and `..` are listed as the kernel lists
 * them, except that `..` of a preopened directory shows the directory's
 * own inode: nothing outside it is looked at.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"

#define DIRBUF (32u << 10)

struct wasi_dir {
	int fd;
	int own;                     /* fd is ours, not the entry's */
	uint64_t pos;                /* cookie of the record at off: its index */
	uint64_t self_ino;           /* the directory's own inode */
	size_t len, off;             /* records in buf */
	char buf[DIRBUF];
};

struct dent64 {                      /* getdents64's record */
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

void
wasi_dir_free(struct wasi_dir *d)
{
	if (d) {
		if (d->own)
			close(d->fd);
		free(d);
	}
}

static struct wasi_dir *
dir_open(int host, int shared, int32_t *err)
{
	struct wasi_dir *d = malloc(sizeof *d);
	struct stat st;

	if (!d) {
		*err = WASI_ENOMEM;
		return NULL;
	}
	d->own = shared;
	d->fd = shared ? openat(host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : host;
	if (d->fd < 0 || fstat(d->fd, &st)) {
		*err = wasi_errno(errno);
		if (d->own && d->fd >= 0)
			close(d->fd);
		free(d);
		return NULL;
	}
	d->self_ino = st.st_ino;
	d->pos = 0;
	d->len = d->off = 0;
	return d;
}

static uint8_t
dtype(const struct wasi_dir *d, const struct dent64 *e)
{
	struct stat st;

	switch (e->d_type) {
	case DT_BLK: return FT_BLOCK_DEVICE;
	case DT_CHR: return FT_CHARACTER_DEVICE;
	case DT_DIR: return FT_DIRECTORY;
	case DT_REG: return FT_REGULAR_FILE;
	case DT_LNK: return FT_SYMBOLIC_LINK;
	case DT_SOCK: return FT_SOCKET_STREAM;
	case DT_UNKNOWN:
		if (strcmp(e->d_name, "..") && !fstatat(d->fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			struct dent64 k = {.d_type = IFTODT(st.st_mode)};
			if (k.d_type != DT_UNKNOWN)
				return dtype(d, &k);
		}
		return strcmp(e->d_name, "..") ? FT_UNKNOWN : FT_DIRECTORY;
	}
	return FT_UNKNOWN;
}

/* The record at d->off, reading more if need be: NULL at the end, or
 * with *err set. */
static const struct dent64 *
next(struct wasi_dir *d, int32_t *err)
{
	ssize_t got;

	if (d->off == d->len) {
		if ((got = syscall(SYS_getdents64, d->fd, d->buf, sizeof d->buf)) < 0)
			*err = wasi_errno(errno);
		if (got <= 0)
			return NULL;
		d->len = (size_t)got;
		d->off = 0;
	}
	return (const struct dent64 *)(d->buf + d->off);
}

/* Position d at cookie: 0 or a WASI errno. */
static int32_t
seek(struct wasi_dir *d, uint64_t cookie)
{
	int32_t err = 0;

	if (cookie == d->pos)
		return 0;
	if (cookie < d->pos) {
		if (lseek(d->fd, 0, SEEK_SET) < 0)
			return wasi_errno(errno);
		d->pos = 0;
		d->len = d->off = 0;
	}
	while (d->pos < cookie) {
		const struct dent64 *e = next(d, &err);
		if (!e)
			return err;   /* past the end: reads find nothing */
		d->off += e->d_reclen;
		d->pos++;
	}
	return 0;
}

/* Fill out[0, cap) with entries from cookie on; the bytes used. */
static int32_t
fill(struct wasi_dir *d, int preopen, uint64_t cookie, uint8_t *out, uint32_t cap, uint32_t *used)
{
	const struct dent64 *e;
	uint32_t n = 0, namlen, k;
	uint8_t hdr[24];
	uint64_t ino, nextc;
	int32_t err = 0;

	if ((err = seek(d, cookie)))
		return err;
	while (n < cap && (e = next(d, &err))) {
		namlen = (uint32_t)strlen(e->d_name);
		ino = preopen && !strcmp(e->d_name, "..") ? d->self_ino : e->d_ino;
		nextc = d->pos + 1;
		memcpy(hdr, &nextc, 8);
		memcpy(hdr + 8, &ino, 8);
		memcpy(hdr + 16, &namlen, 4);
		memset(hdr + 20, 0, 4);
		hdr[20] = dtype(d, e);
		/* as much as fits: the last entry may be cut short */
		k = cap - n < 24 ? cap - n : 24;
		memcpy(out + n, hdr, k);
		n += k;
		k = cap - n < namlen ? cap - n : namlen;
		memcpy(out + n, e->d_name, k);
		n += k;
		if (k < namlen)
			break;
		d->pos++;
		d->off += e->d_reclen;
	}
	if (err)
		return err;
	*used = n;
	return WASI_ESUCCESS;
}

static int32_t
fd_readdir(struct wa_vmctx *ctx, int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t pused)
{
	struct wasi_fd *f;
	uint8_t *out = gmem(ctx, (uint32_t)buf, (uint32_t)len);
	uint32_t used = 0;
	int32_t err;

	if (!(f = fd_own(ctx, fd, RIGHT_FD_READDIR, &err)))
		return err;
	if (!out || !gmem(ctx, (uint32_t)pused, 4))
		return WASI_EFAULT;
	if (f->kind != FD_HOST)
		return WASI_ENOTDIR;
	if (!f->dir && !(f->dir = dir_open(f->host, !f->own, &err)))
		return err;
	if ((err = fill(f->dir, f->pre != 0, (uint64_t)cookie, out, (uint32_t)len, &used)))
		return err;
	put32(ctx, (uint32_t)pused, used);
	return WASI_ESUCCESS;
}

void
wasi_dir_add(struct wa_host *h)
{
	wa_host_func(h, WASI_MODULE, "fd_readdir", "iiiIi:i", (void *)fd_readdir, NULL, NULL);
}
