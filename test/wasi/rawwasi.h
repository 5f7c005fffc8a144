/*
 * The WASI preview1 imports as they are, with explicit lengths, so that
 * tests can pass what wasi-libc never would (paths with NUL bytes, bad
 * pointers, unknown flags) and print the exact errno numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

int32_t raw_path_open(int32_t fd, int32_t dirflags, const char *path, int32_t len, int32_t oflags, int64_t base,
                      int64_t inh, int32_t fdflags, int32_t *out) WASI(path_open);
int32_t raw_path_rename(int32_t fd, const char *old, int32_t olen, int32_t nfd, const char *new, int32_t nlen)
	WASI(path_rename);
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, const char *path, int32_t len, void *buf)
	WASI(path_filestat_get);
int32_t raw_path_create_directory(int32_t fd, const char *path, int32_t len) WASI(path_create_directory);
int32_t raw_path_remove_directory(int32_t fd, const char *path, int32_t len) WASI(path_remove_directory);
int32_t raw_path_unlink_file(int32_t fd, const char *path, int32_t len) WASI(path_unlink_file);
int32_t raw_path_symlink(const char *old, int32_t olen, int32_t fd, const char *new, int32_t nlen)
	WASI(path_symlink);
int32_t raw_path_readlink(int32_t fd, const char *path, int32_t len, char *buf, int32_t buflen, int32_t *used)
	WASI(path_readlink);
int32_t raw_path_link(int32_t ofd, int32_t oflags, const char *old, int32_t olen, int32_t nfd, const char *new,
                      int32_t nlen) WASI(path_link);
int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags, const char *path, int32_t len, int64_t atim,
                                    int64_t mtim, int32_t fst) WASI(path_filestat_set_times);
int32_t raw_fd_close(int32_t fd) WASI(fd_close);
int32_t raw_fd_read(int32_t fd, const void *iovs, int32_t n, int32_t *done) WASI(fd_read);
int32_t raw_fd_write(int32_t fd, const void *iovs, int32_t n, int32_t *done) WASI(fd_write);
int32_t raw_fd_fdstat_get(int32_t fd, void *buf) WASI(fd_fdstat_get);
int32_t raw_fd_fdstat_set_rights(int32_t fd, int64_t base, int64_t inh) WASI(fd_fdstat_set_rights);
int32_t raw_fd_renumber(int32_t from, int32_t to) WASI(fd_renumber);
int32_t raw_fd_prestat_get(int32_t fd, void *buf) WASI(fd_prestat_get);
int32_t raw_fd_prestat_dir_name(int32_t fd, char *buf, int32_t len) WASI(fd_prestat_dir_name);
int32_t raw_fd_seek(int32_t fd, int64_t off, int32_t whence, uint64_t *pos) WASI(fd_seek);
int32_t raw_fd_tell(int32_t fd, uint64_t *pos) WASI(fd_tell);
int32_t raw_fd_readdir(int32_t fd, void *buf, int32_t len, int64_t cookie, int32_t *used) WASI(fd_readdir);
int32_t raw_sock_accept(int32_t fd, int32_t flags, int32_t *out) WASI(sock_accept);
int32_t raw_sock_recv(int32_t fd, const void *iovs, int32_t n, int32_t flags, int32_t *len, uint16_t *oflags)
	WASI(sock_recv);
int32_t raw_sock_send(int32_t fd, const void *iovs, int32_t n, int32_t flags, int32_t *len) WASI(sock_send);
int32_t raw_sock_shutdown(int32_t fd, int32_t how) WASI(sock_shutdown);
int32_t raw_poll_oneoff(const void *in, void *out, int32_t n, int32_t *nevents) WASI(poll_oneoff);
int32_t raw_proc_raise(int32_t sig) WASI(proc_raise);
int32_t raw_fd_advise(int32_t fd, int64_t off, int64_t len, int32_t advice) WASI(fd_advise);
int32_t raw_fd_allocate(int32_t fd, int64_t off, int64_t len) WASI(fd_allocate);
int32_t raw_fd_fdstat_set_flags(int32_t fd, int32_t flags) WASI(fd_fdstat_set_flags);

/* witx errno names by number */
static const char *const errnames[] = {
	"SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY", "BADF",
	"BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK",
	"DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS",
	"INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
	"NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC",
	"NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY",
	"NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE",
	"PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT",
	"TXTBSY", "XDEV", "NOTCAPABLE",
};

static inline const char *
errname(int32_t e)
{
	return e >= 0 && e < (int32_t)(sizeof errnames / sizeof *errnames) ? errnames[e] : "?";
}

/* print "label: NAME" */
static inline void
say(const char *label, int32_t e)
{
	printf("%-56s %s\n", label, errname(e));
}

#define S(s) (s), (int32_t)strlen(s)
#define ALL_RIGHTS 0x3fffffffll

int32_t raw_args_get(void *argv, void *buf) WASI(args_get);
int32_t raw_args_sizes_get(int32_t *n, int32_t *size) WASI(args_sizes_get);
int32_t raw_environ_get(void *env, void *buf) WASI(environ_get);
int32_t raw_environ_sizes_get(int32_t *n, int32_t *size) WASI(environ_sizes_get);
int32_t raw_clock_res_get(int32_t id, uint64_t *res) WASI(clock_res_get);
int32_t raw_clock_time_get(int32_t id, int64_t precision, uint64_t *t) WASI(clock_time_get);
int32_t raw_fd_datasync(int32_t fd) WASI(fd_datasync);
int32_t raw_fd_filestat_get(int32_t fd, void *buf) WASI(fd_filestat_get);
int32_t raw_fd_filestat_set_size(int32_t fd, int64_t size) WASI(fd_filestat_set_size);
int32_t raw_fd_filestat_set_times(int32_t fd, int64_t atim, int64_t mtim, int32_t fst) WASI(fd_filestat_set_times);
int32_t raw_fd_pread(int32_t fd, const void *iovs, int32_t n, int64_t off, int32_t *done) WASI(fd_pread);
int32_t raw_fd_pwrite(int32_t fd, const void *iovs, int32_t n, int64_t off, int32_t *done) WASI(fd_pwrite);
int32_t raw_fd_sync(int32_t fd) WASI(fd_sync);
int32_t raw_random_get(void *buf, int32_t len) WASI(random_get);
int32_t raw_sched_yield(void) WASI(sched_yield);
