/*
 * A module file, read and checked before the dynamic loader sees it:
 * the ELF headers (elfcheck.c), the integrity digest (digest.c) and,
 * when the caller trusts only signed modules, the signature (sign.c).
 *
 * What is checked must be what is loaded.  Without keys the threat is
 * damage, not an adversary: the file is read, checked, and then
 * dlopen()ed by its path; its identity (device, inode, size, times) is
 * compared before and after, so a file replaced or rewritten meanwhile
 * is refused.  A path the process has loaded already is loaded as a
 * copy too (module.c: dlopen would return the object loaded before,
 * whatever the file holds now).  With keys the threat is an adversary
 * who may race us:
 * the bytes are copied into a memory file that is then sealed against
 * any change, checked there, and that very file is what dlopen maps
 * (/proc/self/fd/N, kept open for the module's life so that the name
 * stays unique).  The price: a copy of the file, and debuggers see the
 * module as /proc/self/fd/N (perf as /memfd:NAME).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>   /* memfd_create */
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

/* A module file larger than this is refused (a module of the JS API's
 * largest size, 1 GiB of wasm, compiles to less). */
#define MAX_FILE (16ull << 30)

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* All of fd's len bytes into a new buffer; NULL on failure (errno). */
static uint8_t *
read_all(int fd, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	size_t done = 0;
	ssize_t n;

	while (buf && done < len) {
		if ((n = pread(fd, buf + done, len - done, (off_t)done)) > 0)
			done += (size_t)n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	if (buf && done < len) {
		if (!errno)
			errno = EIO;      /* shorter than fstat said: changing */
		free(buf);
		return NULL;
	}
	return buf;
}

/* A memory file holding buf, sealed against any change; -1 on failure. */
static int
sealed_copy(const uint8_t *buf, size_t len, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t done = 0;
	ssize_t n;
	int mfd = memfd_create(base ? base + 1 : path, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (mfd < 0)
		return -1;
	while (done < len) {
		if ((n = write(mfd, buf + done, len - done)) > 0)
			done += (size_t)n;
		else if (n == 0 || errno != EINTR)
			goto fail;
	}
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL))
		goto fail;
	return mfd;
fail:
	close(mfd);
	return -1;
}

/*
 * The bytes are read, not mapped: mapping and unmapping a file costs a
 * TLB flush, which on a virtual machine took longer than reading and
 * hashing hello.so (40 KiB) together.  With copy (signed modules), the
 * bytes read are what goes into the sealed memory file, and so what is
 * checked is what dlopen maps.
 */
static int
read_file(struct modfile *f, const char *path, int copy, char *err, size_t errlen)
{
	struct stat st;
	int mfd;

	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rt_err(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(f->fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
		rt_err(err, errlen, "not a regular file of at most %llu bytes", (unsigned long long)MAX_FILE);
		return -1;
	}
	f->st = st;
	f->len = (size_t)st.st_size;
	if (f->len < WA_DIGEST_TRAILER) {
		rt_err(err, errlen, "not an ELF shared object");
		return -1;
	}
	errno = 0;
	if (!(f->buf = read_all(f->fd, f->len))) {
		rt_err(err, errlen, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (copy) {
		if ((mfd = sealed_copy(f->buf, f->len, path)) < 0) {
			rt_err(err, errlen, "cannot copy the file into a sealed memory file: %s", strerror(errno));
			return -1;
		}
		close(f->fd);
		f->fd = mfd;
		snprintf(f->dlpath, sizeof f->dlpath, "/proc/self/fd/%d", mfd);
	}
	return 0;
}

static int
signature(struct modfile *f, const char *sigpath, const struct wa_keys *keys, char *err, size_t errlen)
{
	char e[256], *text;
	size_t len;
	int r;

	if (!(text = read_small_file(sigpath, 64u << 10, &len, e, sizeof e))) {
		rt_err(err, errlen, "no signature: %s: %s", sigpath, e);
		return -1;
	}
	r = sig_check(keys, f->buf, f->len, text, len, sigpath, err, errlen);
	free(text);
	return r;
}

int
modfile_open(struct modfile *f, const char *path, const char *sigpath, const struct wa_keys *keys, int copy,
             char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	f->fd = -1;
	if (read_file(f, path, copy || keys, err, errlen) || elf_precheck(f->buf, f->len, err, errlen) ||
	    digest_check(f->buf, f->len, err, errlen) ||
	    (keys && signature(f, sigpath, keys, err, errlen))) {
		modfile_close(f);
		return -1;
	}
	return 0;
}

int
modfile_same(const struct modfile *f, const char *path)
{
	struct stat now, fd;

	return !stat(path, &now) && !fstat(f->fd, &fd) && same_file(&now, &f->st) && same_file(&fd, &f->st);
}

void
modfile_unmap(struct modfile *f)
{
	free((void *)f->buf);
	f->buf = NULL;
}

void
modfile_close(struct modfile *f)
{
	modfile_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
