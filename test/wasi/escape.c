/*
 * Escape attempts from a preopened directory: run with --dir BOX (the
 * preopen at fd 3, guest path "."), where BOX/../outside holds
 * secret.txt.  Every attempt must fail with the errno printed in
 * escape.out; the test also checks that nothing outside BOX was read,
 * written, created or removed.
 *
 *	escape            the attempts
 *	escape race PATH N  open PATH N times while the host moves
 *	                  directories around; count what was read
 *	escape open PATH...  open each PATH (with / preopened: /proc's
 *	                  magic links must not be followed)
 */
#include <stdlib.h>
#include <unistd.h>

#include "rawwasi.h"

enum { FOLLOW = 1, O_CREAT_ = 1, O_DIRECTORY_ = 2 };
#define R_READ (1ll << 1)
#define R_WRITE (1ll << 6)
#define R_READDIR (1ll << 14)
static const int D = 3;

/* Open and read at most 63 bytes; "" if nothing. */
static int32_t
slurp(const char *path, int32_t flags, int32_t oflags, char *out)
{
	int32_t fd, n = 0, e;
	uint32_t iov[2];

	out[0] = 0;
	if ((e = raw_path_open(D, flags, S(path), oflags, R_READ | R_WRITE, 0, 0, &fd)))
		return e;
	iov[0] = (uint32_t)(uintptr_t)out;
	iov[1] = 63;
	raw_fd_read(fd, iov, 1, &n);
	out[n > 0 ? n : 0] = 0;
	raw_fd_close(fd);
	return 0;
}

static void
attempt_open(const char *label, const char *path, int32_t flags, int32_t oflags)
{
	char buf[64];
	int32_t e = slurp(path, flags, oflags, buf);

	buf[strcspn(buf, "\n")] = 0;
	printf("%-56s %s%s%s\n", label, errname(e), *buf ? " read: " : "", buf);
}

static void
opens(void)
{
	attempt_open("open ../outside/secret.txt", "../outside/secret.txt", FOLLOW, 0);
	attempt_open("open inner/../../outside/secret.txt", "inner/../../outside/secret.txt", FOLLOW, 0);
	attempt_open("open inner/../inner/../../outside/secret.txt", "inner/../inner/../../outside/secret.txt", FOLLOW, 0);
	attempt_open("open ..", "..", FOLLOW, O_DIRECTORY_);
	attempt_open("open ../box (ourselves, from outside)", "../box", FOLLOW, O_DIRECTORY_);
	attempt_open("open /etc/passwd", "/etc/passwd", FOLLOW, 0);
	attempt_open("open //etc/passwd", "//etc/passwd", FOLLOW, 0);
	attempt_open("open /proc/self/root/etc/passwd", "/proc/self/root/etc/passwd", FOLLOW, 0);
	attempt_open("open ./../outside/secret.txt", "./../outside/secret.txt", FOLLOW, 0);
	attempt_open("open inner/./../.././outside/secret.txt", "inner/./../.././outside/secret.txt", FOLLOW, 0);
	say("open with a NUL before ../", raw_path_open(D, FOLLOW, "inner\0/../../outside/secret.txt", 31, 0,
	                                                  R_READ, 0, 0, (int32_t *)&(int32_t){0}));
	attempt_open("open inside (the control)", "inner/inside.txt", FOLLOW, 0);
}

static void
links(void)
{
	char buf[64];
	int32_t used;

	say("symlink evil -> /etc/passwd", raw_path_symlink(S("/etc/passwd"), D, S("evil")));
	say("symlink up -> ..", raw_path_symlink(S(".."), D, S("up")));
	say("symlink deep -> inner/../../outside", raw_path_symlink(S("inner/../../outside"), D, S("deep")));
	say("symlink chain1 -> chain2", raw_path_symlink(S("chain2"), D, S("chain1")));
	say("symlink chain2 -> inner/up2", raw_path_symlink(S("inner/up2"), D, S("chain2")));
	say("symlink inner/up2 -> ../..", raw_path_symlink(S("../.."), D, S("inner/up2")));
	say("symlink made -> ../outside/made.txt", raw_path_symlink(S("../outside/made.txt"), D, S("made")));
	say("symlink root -> /", raw_path_symlink(S("/"), D, S("root")));
	say("symlink proc -> /proc/self/root", raw_path_symlink(S("/proc/self/root"), D, S("proc")));
	attempt_open("open evil", "evil", FOLLOW, 0);
	attempt_open("open evil, not following", "evil", 0, 0);
	attempt_open("open up/outside/secret.txt", "up/outside/secret.txt", FOLLOW, 0);
	attempt_open("open up/box/inner/inside.txt (back in, via outside)", "up/box/inner/inside.txt", FOLLOW, 0);
	attempt_open("open deep/secret.txt", "deep/secret.txt", FOLLOW, 0);
	attempt_open("open chain1/outside/secret.txt", "chain1/outside/secret.txt", FOLLOW, 0);
	attempt_open("open root/etc/passwd", "root/etc/passwd", FOLLOW, 0);
	attempt_open("open proc/etc/passwd", "proc/etc/passwd", FOLLOW, 0);
	attempt_open("open up/ as a directory", "up/", FOLLOW, O_DIRECTORY_);
	attempt_open("create through made (dangling, outside)", "made", FOLLOW, O_CREAT_);
	say("stat evil, following", raw_path_filestat_get(D, FOLLOW, S("evil"), buf));
	say("stat evil, not following", raw_path_filestat_get(D, 0, S("evil"), buf));
	say("stat up/outside", raw_path_filestat_get(D, FOLLOW, S("up/outside"), buf));
	say("stat ..", raw_path_filestat_get(D, FOLLOW, S(".."), buf));
	say("stat up/ (trailing slash, not following)", raw_path_filestat_get(D, 0, S("up/"), buf));
	say("set times through deep, following",
	    raw_path_filestat_set_times(D, FOLLOW, S("deep/secret.txt"), 0, 0, 2 | 8));
	say("set times on up, following", raw_path_filestat_set_times(D, FOLLOW, S("up"), 0, 0, 2 | 8));
	say("readlink up/outside (through the link)", raw_path_readlink(D, S("up/outside"), buf, 64, &used));
	say("readlink evil (the link itself is ours)", raw_path_readlink(D, S("evil"), buf, 64, &used));
}

static void
changes(void)
{
	say("mkdir ../outside/newdir", raw_path_create_directory(D, S("../outside/newdir")));
	say("mkdir up/outside/newdir", raw_path_create_directory(D, S("up/outside/newdir")));
	say("mkdir ..", raw_path_create_directory(D, S("..")));
	say("rmdir ../outside/dir", raw_path_remove_directory(D, S("../outside/dir")));
	say("rmdir up/outside/dir", raw_path_remove_directory(D, S("up/outside/dir")));
	say("rmdir ..", raw_path_remove_directory(D, S("..")));
	say("rmdir .", raw_path_remove_directory(D, S(".")));
	say("unlink ../outside/secret.txt", raw_path_unlink_file(D, S("../outside/secret.txt")));
	say("unlink deep/secret.txt", raw_path_unlink_file(D, S("deep/secret.txt")));
	say("unlink up/outside/secret.txt", raw_path_unlink_file(D, S("up/outside/secret.txt")));
	say("rename ../outside/secret.txt to stolen", raw_path_rename(D, S("../outside/secret.txt"), D, S("stolen")));
	say("rename deep/secret.txt to stolen", raw_path_rename(D, S("deep/secret.txt"), D, S("stolen")));
	say("rename inner to ../outside/moved", raw_path_rename(D, S("inner"), D, S("../outside/moved")));
	say("rename inner to up/moved", raw_path_rename(D, S("inner"), D, S("up/moved")));
	say("rename . to x", raw_path_rename(D, S("."), D, S("x")));
	say("link ../outside/secret.txt to hard", raw_path_link(D, 0, S("../outside/secret.txt"), D, S("hard")));
	say("link deep/secret.txt to hard", raw_path_link(D, 0, S("deep/secret.txt"), D, S("hard")));
	say("link evil to hard, following", raw_path_link(D, FOLLOW, S("evil"), D, S("hard")));
	say("link up/ to hard (trailing slash)", raw_path_link(D, 0, S("up/"), D, S("hard")));
	say("link inner/inside.txt to ../outside/hard",
	    raw_path_link(D, 0, S("inner/inside.txt"), D, S("../outside/hard")));
	say("symlink x at ../outside/sym", raw_path_symlink(S("x"), D, S("../outside/sym")));
	say("symlink x at up/outside/sym", raw_path_symlink(S("x"), D, S("up/outside/sym")));
}

/* readdir of the preopen: `..` must not show the parent's inode */
static void
listing(void)
{
	uint8_t buf[4096], st[64];
	uint64_t dotdot = 0, self;
	int32_t used, off = 0;

	say("readdir .", raw_fd_readdir(D, buf, sizeof buf, 0, &used));
	while (off + 24 <= used) {
		uint32_t namlen;
		memcpy(&namlen, buf + off + 16, 4);
		if (namlen == 2 && !memcmp(buf + off + 24, "..", 2))
			memcpy(&dotdot, buf + off + 8, 8);
		off += 24 + (int32_t)namlen;
	}
	raw_path_filestat_get(D, 0, S("."), st);
	memcpy(&self, st + 8, 8);
	printf("%-56s %s\n", "`..` of the preopen shows its own inode", dotdot == self ? "yes" : "no");
}

static int
race(const char *path, long n)
{
	long inside = 0, secret = 0, failed = 0, other = 0, by[80] = {0};
	char buf[64];
	long i;
	int32_t e;

	for (i = 0; i < n; i++) {
		if ((e = slurp(path, FOLLOW, 0, buf))) {
			failed++;
			by[e < 80 ? e : 79]++;
		}
		else if (!strcmp(buf, "SECRET\n"))
			secret++;
		else if (!strcmp(buf, "INSIDE\n"))
			inside++;
		else
			other++;
	}
	printf("inside %ld secret %ld failed %ld other %ld\n", inside, secret, failed, other);
	for (i = 0; i < 80; i++)
		if (by[i])
			printf("  %s %ld\n", errname((int32_t)i), by[i]);
	return secret != 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "race"))
		return race(argv[2], atol(argv[3]));
	if (argc > 2 && !strcmp(argv[1], "open")) {
		for (int i = 2; i < argc; i++)
			attempt_open(argv[i], argv[i], FOLLOW, 0);
		return 0;
	}
	opens();
	links();
	changes();
	listing();
	return 0;
}
