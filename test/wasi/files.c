/*
 * File system calls through wasi-libc, in a directory of its own (the
 * current directory natively, a preopen "." under wasm-run): the same
 * program prints the same lines both ways.  Nothing printed depends on
 * the machine (no inode numbers, no times other than those it sets).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures;

/* errno by name: the texts of glibc and wasi-libc differ, the names not */
static const char *
ename(int e)
{
	static const struct {
		int e;
		const char *name;
	} v[] = {
		{EACCES, "EACCES"}, {EBADF, "EBADF"}, {EEXIST, "EEXIST"}, {EINVAL, "EINVAL"}, {EISDIR, "EISDIR"},
		{ELOOP, "ELOOP"}, {ENOENT, "ENOENT"}, {ENOTDIR, "ENOTDIR"}, {ENOTEMPTY, "ENOTEMPTY"}, {EPERM, "EPERM"},
		{EXDEV, "EXDEV"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {EBUSY, "EBUSY"}, {ENOTSUP, "ENOTSUP"},
	};
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++)
		if (v[i].e == e)
			return v[i].name;
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (%s)\n", __LINE__, #cond, ename(errno)); failures++; } } while (0)

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fputs(text, f) >= 0);
	CHECK(fclose(f) == 0);
}

static void
show(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		printf("%s: cannot open: %s\n", path, ename(errno));
		return;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	printf("%s: %zu bytes: %s", path, n, buf);
	if (n && buf[n - 1] != '\n')
		printf("\n");
	fclose(f);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *names[64];
	int n = 0, i;

	CHECK(d != NULL);
	if (!d)
		return;
	while ((e = readdir(d)) && n < 64) {
		char kind = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
		char *s = malloc(strlen(e->d_name) + 3);
		sprintf(s, "%s%c", e->d_name, kind);
		names[n++] = s;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp);
	printf("%s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void
stdio_files(void)
{
	FILE *f;
	char buf[64];

	put("a.txt", "alpha\nbeta\ngamma\n");
	show("a.txt");
	f = fopen("a.txt", "r+");
	CHECK(f != NULL);
	CHECK(fseek(f, 6, SEEK_SET) == 0);
	CHECK(fgets(buf, sizeof buf, f) != NULL);
	printf("after fseek 6: %s", buf);
	CHECK(ftell(f) == 11);
	CHECK(fseek(f, -6, SEEK_END) == 0);
	CHECK(fputs("GAMMA", f) >= 0);
	CHECK(fclose(f) == 0);
	show("a.txt");
	f = fopen("a.txt", "a");
	CHECK(f && fputs("delta\n", f) >= 0 && fclose(f) == 0);
	show("a.txt");
	printf("fopen missing: %s\n", fopen("missing.txt", "r") ? "opened" : ename(errno));
}

static void
posix_files(void)
{
	char buf[32] = {0};
	struct stat st;
	int fd;

	fd = open("b.bin", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	printf("O_EXCL again: %s\n", open("b.bin", O_CREAT | O_EXCL | O_RDWR, 0644) < 0 ? ename(errno) : "opened");
	CHECK(pwrite(fd, "0123456789", 10, 0) == 10);
	CHECK(pwrite(fd, "xy", 2, 4) == 2);
	CHECK(pread(fd, buf, 6, 2) == 6);
	printf("pread: %s\n", buf);
	CHECK(lseek(fd, 0, SEEK_CUR) == 0);  /* pread and pwrite leave the offset */
	CHECK(ftruncate(fd, 3) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("after ftruncate: %lld bytes, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	CHECK(ftruncate(fd, 5000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 5000);
	CHECK(close(fd) == 0);
	fd = open("b.bin", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "end", 3) == 3);
	CHECK(fstat(fd, &st) == 0);
	printf("after O_APPEND write: %lld bytes\n", (long long)st.st_size);
	printf("fcntl O_APPEND: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
	close(fd);
	fd = open("b.bin", O_RDWR | O_TRUNC);
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	printf("after O_TRUNC: %lld bytes\n", (long long)st.st_size);
	close(fd);
	printf("open a directory for writing: %s\n", open("sub", O_WRONLY) < 0 ? ename(errno) : "opened");
	printf("O_DIRECTORY on a file: %s\n", open("a.txt", O_RDONLY | O_DIRECTORY) < 0 ? ename(errno) : "opened");
	printf("read on a write-only descriptor: ");
	fd = open("a.txt", O_WRONLY);
	printf("%s\n", read(fd, buf, 1) < 0 ? "fails" : "reads");
	close(fd);
}

static void
directories(void)
{
	struct stat st;

	CHECK(mkdir("sub", 0755) == 0);
	printf("mkdir again: %s\n", mkdir("sub", 0755) ? ename(errno) : "made");
	CHECK(mkdir("sub/deeper", 0755) == 0);
	put("sub/deeper/c.txt", "in deeper\n");
	list("sub");
	list("sub/deeper");
	printf("rmdir non-empty: %s\n", rmdir("sub/deeper") ? ename(errno) : "removed");
	printf("unlink a directory: %s\n", unlink("sub/deeper") ? ename(errno) : "unlinked");
	printf("rmdir a file: %s\n", rmdir("sub/deeper/c.txt") ? ename(errno) : "removed");
	CHECK(rename("sub/deeper/c.txt", "sub/c2.txt") == 0);
	show("sub/c2.txt");
	CHECK(rmdir("sub/deeper") == 0);
	printf("stat removed: %s\n", stat("sub/deeper", &st) ? ename(errno) : "there");
	CHECK(stat("sub", &st) == 0);
	printf("sub is a directory: %d\n", S_ISDIR(st.st_mode));
	printf("stat a/b where a is a file: %s\n", stat("a.txt/x", &st) ? ename(errno) : "there");
	printf("stat with ..: %s\n", stat("sub/../a.txt", &st) ? ename(errno) : "there");
}

static void
renames(void)
{
	struct stat st;

	put("r1.txt", "one\n");
	put("r2.txt", "two\n");
	CHECK(rename("r1.txt", "r2.txt") == 0);
	show("r2.txt");
	printf("rename missing: %s\n", rename("r1.txt", "r3.txt") ? ename(errno) : "renamed");
	CHECK(mkdir("d1", 0755) == 0 && mkdir("d2", 0755) == 0);
	put("d2/x", "x\n");
	printf("rename dir over non-empty dir: %s\n", rename("d1", "d2") ? ename(errno) : "renamed");
	printf("rename dir over file: %s\n", rename("d1", "r2.txt") ? ename(errno) : "renamed");
	printf("rename file over dir: %s\n", rename("r2.txt", "d1") ? ename(errno) : "renamed");
	printf("rename dir with trailing slashes: %s\n", rename("d1/", "d3/") ? ename(errno) : "renamed");
	printf("rename file with trailing slash: %s\n", rename("r2.txt/", "r4.txt") ? ename(errno) : "renamed");
	printf("rename to a trailing slash: %s\n", rename("r2.txt", "r4.txt/") ? ename(errno) : "renamed");
	printf("d3 is a directory: %d\n", stat("d3", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(unlink("d2/x") == 0 && rmdir("d2") == 0 && rmdir("d3") == 0);
	CHECK(unlink("r2.txt") == 0);
	printf("unlink again: %s\n", unlink("r2.txt") ? ename(errno) : "unlinked");
}

static void
links(void)
{
	char buf[64];
	struct stat st, lst;
	ssize_t n;

	put("target.txt", "the target\n");
	CHECK(symlink("target.txt", "link") == 0);
	CHECK(symlink("nowhere", "dangling") == 0);
	CHECK(symlink("sub", "dirlink") == 0);
	printf("symlink exists: %s\n", symlink("x", "link") ? ename(errno) : "made");
	n = readlink("link", buf, sizeof buf);
	printf("readlink: %.*s (%zd)\n", (int)n, buf, n);
	n = readlink("link", buf, 4);
	printf("readlink into 4 bytes: %.*s (%zd)\n", (int)n, buf, n);
	printf("readlink a file: %s\n", readlink("target.txt", buf, sizeof buf) < 0 ? ename(errno) : "read");
	show("link");
	show("dangling");
	CHECK(stat("link", &st) == 0 && lstat("link", &lst) == 0);
	printf("stat follows: %d, lstat does not: %d\n", S_ISREG(st.st_mode), S_ISLNK(lst.st_mode));
	printf("lstat dangling: %s\n", lstat("dangling", &lst) == 0 && S_ISLNK(lst.st_mode) ? "a link" : ename(errno));
	printf("stat dangling: %s\n", stat("dangling", &st) ? ename(errno) : "there");
	printf("open O_NOFOLLOW on a link: %s\n", open("link", O_RDONLY | O_NOFOLLOW) < 0 ? ename(errno) : "opened");
	CHECK(stat("dirlink/", &st) == 0 && S_ISDIR(st.st_mode));
	list("dirlink");
	CHECK(link("target.txt", "hard.txt") == 0);
	CHECK(stat("hard.txt", &st) == 0);
	printf("hard link count: %lu\n", (unsigned long)st.st_nlink);
	printf("link a directory: %s\n", link("sub", "subhard") ? ename(errno) : "linked");
	printf("link exists: %s\n", link("target.txt", "hard.txt") ? ename(errno) : "linked");
	CHECK(unlink("link") == 0 && unlink("dangling") == 0 && unlink("dirlink") == 0 && unlink("hard.txt") == 0);
	show("target.txt");
}

static void
times(void)
{
	struct timespec ts[2] = {{1000000000, 123456789}, {1500000000, 987654321}};
	struct stat st;
	int fd;

	CHECK(utimensat(AT_FDCWD, "target.txt", ts, 0) == 0);
	CHECK(stat("target.txt", &st) == 0);
	printf("utimensat: atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){2000000000, 5};
	fd = open("target.txt", O_RDONLY);
	CHECK(fd >= 0 && futimens(fd, ts) == 0 && fstat(fd, &st) == 0);
	printf("futimens, atime omitted: atime %lld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	close(fd);
	CHECK(symlink("target.txt", "tlink") == 0);
	ts[0] = ts[1] = (struct timespec){1200000000, 0};
	CHECK(utimensat(AT_FDCWD, "tlink", ts, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(stat("target.txt", &st) == 0);
	printf("utimensat on the link only: target mtime %lld\n", (long long)st.st_mtim.tv_sec);
	CHECK(unlink("tlink") == 0);
}

/* Many entries with long names: several getdents64 buffers and guest
 * buffers, entries cut short at a buffer's end, and telldir/seekdir
 * (cookies) in the middle. */
static void
big_directory(void)
{
	char name[300], *at_mark = NULL;
	struct dirent *e;
	long mark = -1;
	int i, n = 0, again = 0;
	DIR *d;

	CHECK(mkdir("many", 0755) == 0);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "many/%03d-%0200d", i, i);
		put(name, "");
	}
	CHECK((d = opendir("many")) != NULL);
	while ((e = readdir(d))) {
		if (++n == 150) {
			mark = telldir(d);
			e = readdir(d);
			n++;
			at_mark = e ? strdup(e->d_name) : NULL;
		}
	}
	seekdir(d, mark);
	e = readdir(d);
	printf("big directory: %d entries; after seekdir, the same entry: %d\n", n,
	       e && at_mark && !strcmp(e->d_name, at_mark));
	while (readdir(d))
		again++;
	printf("  entries after it: %d\n", again);
	rewinddir(d);
	for (n = 0; readdir(d); n++)
		;
	printf("  after rewinddir: %d entries\n", n);
	closedir(d);
	free(at_mark);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "many/%03d-%0200d", i, i);
		CHECK(unlink(name) == 0);
	}
	CHECK(rmdir("many") == 0);
}

static void
polling(void)
{
	struct pollfd p[2];
	struct timespec t0, t1, d = {0, 20000000};
	int fd = open("target.txt", O_RDONLY), r;

	CHECK(fd >= 0);
	p[0] = (struct pollfd){fd, POLLIN, 0};
	p[1] = (struct pollfd){fd, POLLOUT, 0};
	r = poll(p, 2, 1000);
	printf("poll a file: %d ready, in %d\n", r, (p[0].revents & POLLIN) != 0);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(nanosleep(&d, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("nanosleep 20 ms slept at least that: %d\n",
	       (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) >= 20000000LL);
	r = poll(NULL, 0, 10);
	printf("poll with only a timeout: %d\n", r);
}

int
main(void)
{
	stdio_files();
	directories();
	posix_files();
	renames();
	links();
	times();
	big_directory();
	polling();
	CHECK(unlink("a.txt") == 0 && unlink("b.bin") == 0 && unlink("target.txt") == 0 && unlink("sub/c2.txt") == 0);
	CHECK(rmdir("sub") == 0);
	list(".");
	printf("%d failures\n", failures);
	return failures != 0;
}
