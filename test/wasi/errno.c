/*
 * The errno of every failure path_open and path_rename can have, and of
 * the rights checks, by calling the preview1 functions directly on the
 * preopen at fd 3 (run with --dir of an empty directory).  The output
 * is compared with errno.out.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawwasi.h"

enum { O_CREAT_ = 1, O_DIRECTORY_ = 2, O_EXCL_ = 4, O_TRUNC_ = 8 };
enum { FOLLOW = 1 };
#define R_READ (1ll << 1)
#define R_WRITE (1ll << 6)
#define R_PATH_OPEN (1ll << 13)
#define R_PATH_CREATE_FILE (1ll << 10)

static const int D = 3;

static int32_t
open_(int32_t dir, int32_t flags, const char *path, int32_t oflags, int64_t base, int32_t *fd)
{
	return raw_path_open(dir, flags, path, (int32_t)strlen(path), oflags, base, 0, 0, fd);
}

static void
try_open(const char *label, int32_t dir, int32_t flags, const char *path, int32_t oflags, int64_t base)
{
	int32_t fd = -1, e = open_(dir, flags, path, oflags, base, &fd);

	say(label, e);
	if (!e)
		raw_fd_close(fd);
}

static void
fixtures(void)
{
	int fd;

	mkdir("dir", 0755);
	mkdir("nonempty", 0755);
	mkdir("nonempty/sub", 0755);
	fd = open("file", O_CREAT | O_WRONLY, 0644);
	write(fd, "content\n", 8);
	close(fd);
	close(open("nonempty/x", O_CREAT | O_WRONLY, 0644));
	symlink("file", "link");
	symlink("dir", "dirlink");
	symlink("nowhere", "dangling");
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
}

static void
path_open_cases(void)
{
	char longname[300], longpath[5000];
	int32_t fd, e;

	try_open("path_open an existing file", D, FOLLOW, "file", 0, R_READ);
	try_open("path_open on a bad descriptor", 99, FOLLOW, "file", 0, R_READ);
	try_open("path_open on a closed descriptor", -1, FOLLOW, "file", 0, R_READ);
	try_open("path_open a missing file", D, FOLLOW, "missing", 0, R_READ);
	try_open("path_open a missing directory on the way", D, FOLLOW, "missing/file", 0, R_READ);
	try_open("path_open through a file", D, FOLLOW, "file/x", 0, R_READ);
	try_open("path_open O_DIRECTORY on a file", D, FOLLOW, "file", O_DIRECTORY_, R_READ);
	try_open("path_open O_DIRECTORY on a directory", D, FOLLOW, "dir", O_DIRECTORY_, 0);
	try_open("path_open file with a trailing slash", D, FOLLOW, "file/", 0, R_READ);
	try_open("path_open O_CREAT|O_EXCL on an existing file", D, FOLLOW, "file", O_CREAT_ | O_EXCL_,
	         R_READ | R_WRITE);
	try_open("path_open O_CREAT|O_EXCL on a dangling symlink", D, 0, "dangling", O_CREAT_ | O_EXCL_, R_WRITE);
	try_open("path_open O_CREAT of a new file", D, FOLLOW, "new", O_CREAT_, R_WRITE);
	try_open("path_open O_CREAT|O_EXCL of a new file", D, FOLLOW, "new2", O_CREAT_ | O_EXCL_, R_WRITE);
	try_open("path_open O_CREAT in a missing directory", D, FOLLOW, "missing/new", O_CREAT_, R_WRITE);
	try_open("path_open O_TRUNC for writing", D, FOLLOW, "new", O_TRUNC_, R_WRITE);
	try_open("path_open a directory for writing", D, FOLLOW, "dir", 0, R_WRITE);
	try_open("path_open a directory for reading", D, FOLLOW, "dir", 0, R_READ);
	try_open("path_open a symlink without following", D, 0, "link", 0, R_READ);
	try_open("path_open a symlink, following", D, FOLLOW, "link", 0, R_READ);
	try_open("path_open a symlink to a directory, O_DIRECTORY", D, FOLLOW, "dirlink", O_DIRECTORY_, 0);
	try_open("path_open a dangling symlink, following", D, FOLLOW, "dangling", 0, R_READ);
	try_open("path_open a symlink loop, following", D, FOLLOW, "loop1", 0, R_READ);
	try_open("path_open through a symlink loop", D, FOLLOW, "loop1/x", 0, R_READ);
	try_open("path_open O_CREAT through a dangling symlink", D, FOLLOW, "dangling", O_CREAT_, R_WRITE);
	try_open("path_open the empty path", D, FOLLOW, "", 0, R_READ);
	try_open("path_open .", D, FOLLOW, ".", O_DIRECTORY_, 0);
	try_open("path_open dir/..", D, FOLLOW, "dir/..", O_DIRECTORY_, 0);
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	try_open("path_open a 299-byte name", D, FOLLOW, longname, 0, R_READ);
	memset(longpath, 'a', sizeof longpath - 1);
	for (size_t i = 100; i < sizeof longpath - 1; i += 100)
		longpath[i] = '/';
	longpath[sizeof longpath - 1] = 0;
	try_open("path_open a 4999-byte path", D, FOLLOW, longpath, 0, R_READ);
	say("path_open with a NUL inside the path",
	    raw_path_open(D, FOLLOW, "file\0x", 6, 0, R_READ, 0, 0, &fd));
	say("path_open with the path outside memory",
	    raw_path_open(D, FOLLOW, (const char *)0xfffffff0, 100, 0, R_READ, 0, 0, &fd));
	say("path_open with the result outside memory",
	    raw_path_open(D, FOLLOW, S("file"), 0, R_READ, 0, 0, (int32_t *)0xfffffffe));
	say("path_open with unknown oflags", raw_path_open(D, FOLLOW, S("file"), 0x10, R_READ, 0, 0, &fd));
	say("path_open with unknown fdflags", raw_path_open(D, FOLLOW, S("file"), 0, R_READ, 0, 0x20, &fd));
	say("path_open asking rights nothing has", raw_path_open(D, FOLLOW, S("file"), 0, 1ll << 40, 0, 0, &fd));
	/* a directory opened with only some rights passes on only those */
	e = raw_path_open(D, FOLLOW, S("dir"), O_DIRECTORY_, R_PATH_OPEN, R_READ, 0, &fd);
	say("path_open dir with path_open and inheriting fd_read", e);
	close(open("dir/inner", O_CREAT | O_WRONLY, 0644));
	try_open("path_open from it, reading", fd, FOLLOW, "inner", 0, R_READ);
	try_open("path_open from it, writing", fd, FOLLOW, "inner", 0, R_WRITE);
	try_open("path_open from it, creating", fd, FOLLOW, "other", O_CREAT_, R_READ);
	raw_fd_close(fd);
	e = raw_path_open(D, FOLLOW, S("file"), 0, R_READ, 0, 0, &fd);
	try_open("path_open relative to a file", fd, FOLLOW, "x", 0, R_READ);
	raw_fd_close(fd);
}

static void
rename_cases(void)
{
	say("path_rename a file", raw_path_rename(D, S("new"), D, S("renamed")));
	say("path_rename a missing file", raw_path_rename(D, S("new"), D, S("x")));
	say("path_rename from a bad descriptor", raw_path_rename(77, S("renamed"), D, S("x")));
	say("path_rename to a bad descriptor", raw_path_rename(D, S("renamed"), 77, S("x")));
	say("path_rename into a missing directory", raw_path_rename(D, S("renamed"), D, S("missing/x")));
	say("path_rename through a file", raw_path_rename(D, S("file/x"), D, S("y")));
	say("path_rename a file over a directory", raw_path_rename(D, S("renamed"), D, S("dir")));
	say("path_rename a directory over a file", raw_path_rename(D, S("dir"), D, S("renamed")));
	say("path_rename a directory over a non-empty one", raw_path_rename(D, S("dir"), D, S("nonempty")));
	say("path_rename a directory into itself", raw_path_rename(D, S("nonempty"), D, S("nonempty/sub/x")));
	say("path_rename a file with a trailing slash", raw_path_rename(D, S("renamed/"), D, S("x")));
	say("path_rename a file to a trailing slash", raw_path_rename(D, S("renamed"), D, S("x/")));
	say("path_rename a directory with trailing slashes", raw_path_rename(D, S("dir/"), D, S("dir2/")));
	say("path_rename it back", raw_path_rename(D, S("dir2"), D, S("dir")));
	say("path_rename a symlink (not its target)", raw_path_rename(D, S("dangling"), D, S("dangling2")));
	say("path_rename .", raw_path_rename(D, S("."), D, S("x")));
	say("path_rename to ..", raw_path_rename(D, S("renamed"), D, S("..")));
	say("path_rename from the empty path", raw_path_rename(D, S(""), D, S("x")));
	say("path_rename to the empty path", raw_path_rename(D, S("renamed"), D, S("")));
	say("path_rename out of the preopen", raw_path_rename(D, S("renamed"), D, S("../escaped")));
	say("path_rename in from outside", raw_path_rename(D, S("../outside"), D, S("x")));
	say("path_rename to an absolute path", raw_path_rename(D, S("renamed"), D, S("/tmp/escaped")));
	say("path_rename with a NUL inside", raw_path_rename(D, "renamed\0x", 9, D, S("x")));
	say("path_rename with the path outside memory", raw_path_rename(D, (const char *)0xfffffff0, 64, D, S("x")));
}

static void
rights_cases(void)
{
	int32_t fd, n;
	char buf[8];
	uint32_t iov[2] = {(uint32_t)(uintptr_t)buf, sizeof buf};
	uint64_t pos;

	raw_path_open(D, FOLLOW, S("file"), 0, R_READ | R_WRITE | (1ll << 2) | (1ll << 5), 0, 0, &fd);
	say("fd_read with fd_read", raw_fd_read(fd, iov, 1, &n));
	say("fd_fdstat_set_rights dropping fd_write", raw_fd_fdstat_set_rights(fd, R_READ | (1ll << 2), 0));
	say("fd_write without fd_write", raw_fd_write(fd, iov, 1, &n));
	say("fd_tell without fd_tell", raw_fd_tell(fd, &pos));
	say("fd_seek with fd_seek", raw_fd_seek(fd, 0, 0, &pos));
	say("fd_fdstat_set_rights adding fd_write back", raw_fd_fdstat_set_rights(fd, R_READ | R_WRITE, 0));
	say("fd_fdstat_set_rights adding inheriting rights", raw_fd_fdstat_set_rights(fd, R_READ, 1));
	say("fd_fdstat_set_rights dropping all", raw_fd_fdstat_set_rights(fd, 0, 0));
	say("fd_read with none", raw_fd_read(fd, iov, 1, &n));
	raw_fd_close(fd);
	say("fd_read on a closed descriptor", raw_fd_read(fd, iov, 1, &n));
	say("fd_close on a closed descriptor", raw_fd_close(fd));
	say("fd_read on a directory", raw_fd_read(D, iov, 1, &n));
	say("fd_readdir on a file", (raw_path_open(D, FOLLOW, S("file"), 0, R_READ, 0, 0, &fd),
	                             raw_fd_readdir(fd, buf, sizeof buf, 0, &n)));
	say("fd_prestat_get on a file", raw_fd_prestat_get(fd, buf));
	say("fd_renumber onto a closed descriptor", raw_fd_renumber(fd, 40));
	say("fd_renumber from a closed descriptor", raw_fd_renumber(41, fd));
	say("fd_renumber onto stdin", raw_fd_renumber(fd, 0));
	say("fd_read from the renumbered stdin", raw_fd_read(0, iov, 1, &n));
	say("sock_accept on a file", raw_sock_accept(0, 0, &fd));
	say("sock_recv on a directory", raw_sock_recv(D, iov, 1, 0, &n, (uint16_t *)buf));
	say("sock_send on a bad descriptor", raw_sock_send(55, iov, 1, 0, &n));
	say("sock_shutdown on stdout", raw_sock_shutdown(1, 3));
	say("proc_raise", raw_proc_raise(6));
	say("fd_advise on a directory", raw_fd_advise(D, 0, 0, 0));
	say("fd_fdstat_set_flags with sync", raw_fd_fdstat_set_flags(0, 16));
}

static void
path_cases(void)
{
	char buf[64];
	int32_t used;

	say("path_create_directory an existing one", raw_path_create_directory(D, S("dir")));
	say("path_create_directory over a symlink", raw_path_create_directory(D, S("dangling2")));
	say("path_create_directory with a trailing slash", raw_path_create_directory(D, S("made/")));
	say("path_remove_directory a non-empty one", raw_path_remove_directory(D, S("nonempty")));
	say("path_remove_directory a file", raw_path_remove_directory(D, S("file")));
	say("path_remove_directory a symlink to a directory", raw_path_remove_directory(D, S("dirlink")));
	say("path_remove_directory .", raw_path_remove_directory(D, S(".")));
	say("path_remove_directory with a trailing slash", raw_path_remove_directory(D, S("made/")));
	say("path_unlink_file a directory", raw_path_unlink_file(D, S("dir")));
	say("path_unlink_file a file with a trailing slash", raw_path_unlink_file(D, S("file/")));
	say("path_unlink_file a missing file", raw_path_unlink_file(D, S("missing")));
	say("path_unlink_file a dangling symlink", raw_path_unlink_file(D, S("dangling2")));
	say("path_symlink over an existing name", raw_path_symlink(S("x"), D, S("file")));
	say("path_readlink a file", raw_path_readlink(D, S("file"), buf, sizeof buf, &used));
	say("path_readlink a missing name", raw_path_readlink(D, S("missing"), buf, sizeof buf, &used));
	say("path_readlink a link to a directory, trailing slash", raw_path_readlink(D, S("dirlink/"), buf, 64, &used));
	say("path_readlink into a 3-byte buffer", raw_path_readlink(D, S("link"), buf, 3, &used));
	printf("%-56s %d %.3s\n", "  bytes", used, buf);
	say("path_readlink into a buffer outside memory",
	    raw_path_readlink(D, S("link"), (char *)0xfffffff0, 64, &used));
	say("path_link a directory", raw_path_link(D, 0, S("dir"), D, S("dirhard")));
	say("path_link over an existing name", raw_path_link(D, 0, S("file"), D, S("link")));
	say("path_link a symlink, following", raw_path_link(D, FOLLOW, S("link"), D, S("hard")));
	say("path_link a symlink, not following", raw_path_link(D, 0, S("link"), D, S("hardlink")));
	say("path_filestat_get a dangling link, following", raw_path_filestat_get(D, FOLLOW, S("dangling"), buf));
	say("path_filestat_get a symlink loop, not following", raw_path_filestat_get(D, 0, S("loop1"), buf));
	say("path_filestat_set_times with both set and now", raw_path_filestat_set_times(D, 0, S("file"), 0, 0, 3));
	say("path_filestat_set_times with unknown flags", raw_path_filestat_set_times(D, 0, S("file"), 0, 0, 16));
	say("path_filestat_set_times a symlink loop, following",
	    raw_path_filestat_set_times(D, FOLLOW, S("loop1"), 0, 0, 2));
}

int
main(void)
{
	fixtures();
	path_open_cases();
	rename_cases();
	path_cases();
	rights_cases();
	return 0;
}
