/*
 * Shared by the WASI files (wasi_snapshot_preview1): its numbering of
 * errno values, rights, file types and flags, the descriptor table, and
 * guest memory access with every pointer checked against the current
 * memory size.
 *
 *	wasi.c          registration; args, environ, clocks, random, proc
 *	wasi-fdtab.c    preopens, the per-instance descriptor table, stdio
 *	wasi-fd.c       fd_* on open descriptors
 *	wasi-dir.c      fd_readdir
 *	wasi-path.c     path_*
 *	wasi-resolve.c  resolving a path beneath a directory descriptor
 *	wasi-poll.c     poll_oneoff
 *	wasi-sock.c     sock_*
 */
#ifndef WA_WASI_H
#define WA_WASI_H

#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "rt.h"

#define WASI_MODULE "wasi_snapshot_preview1"

/* errno, as the witx numbers it */
enum {
	WASI_ESUCCESS = 0, WASI_E2BIG, WASI_EACCES, WASI_EADDRINUSE, WASI_EADDRNOTAVAIL,
	WASI_EAFNOSUPPORT, WASI_EAGAIN, WASI_EALREADY, WASI_EBADF, WASI_EBADMSG, WASI_EBUSY,
	WASI_ECANCELED, WASI_ECHILD, WASI_ECONNABORTED, WASI_ECONNREFUSED, WASI_ECONNRESET,
	WASI_EDEADLK, WASI_EDESTADDRREQ, WASI_EDOM, WASI_EDQUOT, WASI_EEXIST, WASI_EFAULT,
	WASI_EFBIG, WASI_EHOSTUNREACH, WASI_EIDRM, WASI_EILSEQ, WASI_EINPROGRESS, WASI_EINTR,
	WASI_EINVAL, WASI_EIO, WASI_EISCONN, WASI_EISDIR, WASI_ELOOP, WASI_EMFILE, WASI_EMLINK,
	WASI_EMSGSIZE, WASI_EMULTIHOP, WASI_ENAMETOOLONG, WASI_ENETDOWN, WASI_ENETRESET,
	WASI_ENETUNREACH, WASI_ENFILE, WASI_ENOBUFS, WASI_ENODEV, WASI_ENOENT, WASI_ENOEXEC,
	WASI_ENOLCK, WASI_ENOLINK, WASI_ENOMEM, WASI_ENOMSG, WASI_ENOPROTOOPT, WASI_ENOSPC,
	WASI_ENOSYS, WASI_ENOTCONN, WASI_ENOTDIR, WASI_ENOTEMPTY, WASI_ENOTRECOVERABLE,
	WASI_ENOTSOCK, WASI_ENOTSUP, WASI_ENOTTY, WASI_ENXIO, WASI_EOVERFLOW, WASI_EOWNERDEAD,
	WASI_EPERM, WASI_EPIPE, WASI_EPROTO, WASI_EPROTONOSUPPORT, WASI_EPROTOTYPE, WASI_ERANGE,
	WASI_EROFS, WASI_ESPIPE, WASI_ESRCH, WASI_ESTALE, WASI_ETIMEDOUT, WASI_ETXTBSY,
	WASI_EXDEV, WASI_ENOTCAPABLE,
};

/* rights: bit n is the witx's nth flag */
#define R(n) (1ull << (n))
#define RIGHT_FD_DATASYNC R(0)
#define RIGHT_FD_READ R(1)
#define RIGHT_FD_SEEK R(2)
#define RIGHT_FD_FDSTAT_SET_FLAGS R(3)
#define RIGHT_FD_SYNC R(4)
#define RIGHT_FD_TELL R(5)
#define RIGHT_FD_WRITE R(6)
#define RIGHT_FD_ADVISE R(7)
#define RIGHT_FD_ALLOCATE R(8)
#define RIGHT_PATH_CREATE_DIRECTORY R(9)
#define RIGHT_PATH_CREATE_FILE R(10)
#define RIGHT_PATH_LINK_SOURCE R(11)
#define RIGHT_PATH_LINK_TARGET R(12)
#define RIGHT_PATH_OPEN R(13)
#define RIGHT_FD_READDIR R(14)
#define RIGHT_PATH_READLINK R(15)
#define RIGHT_PATH_RENAME_SOURCE R(16)
#define RIGHT_PATH_RENAME_TARGET R(17)
#define RIGHT_PATH_FILESTAT_GET R(18)
#define RIGHT_PATH_FILESTAT_SET_SIZE R(19)
#define RIGHT_PATH_FILESTAT_SET_TIMES R(20)
#define RIGHT_FD_FILESTAT_GET R(21)
#define RIGHT_FD_FILESTAT_SET_SIZE R(22)
#define RIGHT_FD_FILESTAT_SET_TIMES R(23)
#define RIGHT_PATH_SYMLINK R(24)
#define RIGHT_PATH_REMOVE_DIRECTORY R(25)
#define RIGHT_PATH_UNLINK_FILE R(26)
#define RIGHT_POLL_FD_READWRITE R(27)
#define RIGHT_SOCK_SHUTDOWN R(28)
#define RIGHT_SOCK_ACCEPT R(29)
#define RIGHTS_ALL (R(30) - 1)

/* The most each kind of descriptor can hold: a right that does not
 * apply to the kind is not given, whatever was asked. */
#define RIGHTS_FILE (RIGHT_FD_DATASYNC | RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_FDSTAT_SET_FLAGS | \
	RIGHT_FD_SYNC | RIGHT_FD_TELL | RIGHT_FD_WRITE | RIGHT_FD_ADVISE | RIGHT_FD_ALLOCATE | \
	RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_FD_FILESTAT_SET_TIMES | \
	RIGHT_POLL_FD_READWRITE)
#define RIGHTS_DIR (RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC | RIGHT_FD_DATASYNC | RIGHT_FD_ADVISE | \
	RIGHT_PATH_CREATE_DIRECTORY | RIGHT_PATH_CREATE_FILE | RIGHT_PATH_LINK_SOURCE | \
	RIGHT_PATH_LINK_TARGET | RIGHT_PATH_OPEN | RIGHT_FD_READDIR | RIGHT_PATH_READLINK | \
	RIGHT_PATH_RENAME_SOURCE | RIGHT_PATH_RENAME_TARGET | RIGHT_PATH_FILESTAT_GET | \
	RIGHT_PATH_FILESTAT_SET_SIZE | RIGHT_PATH_FILESTAT_SET_TIMES | RIGHT_FD_FILESTAT_GET | \
	RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_PATH_SYMLINK | RIGHT_PATH_REMOVE_DIRECTORY | \
	RIGHT_PATH_UNLINK_FILE | RIGHT_POLL_FD_READWRITE)
#define RIGHTS_SOCKET (RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FDSTAT_SET_FLAGS | \
	RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE | RIGHT_SOCK_SHUTDOWN | RIGHT_SOCK_ACCEPT)
/* a terminal: no seek or tell, which is how wasi-libc's isatty knows it */
#define RIGHTS_TTY (RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FDSTAT_SET_FLAGS | \
	RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE)
#define RIGHTS_STREAM (RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE)

enum { /* filetype */
	FT_UNKNOWN, FT_BLOCK_DEVICE, FT_CHARACTER_DEVICE, FT_DIRECTORY, FT_REGULAR_FILE,
	FT_SOCKET_DGRAM, FT_SOCKET_STREAM, FT_SYMBOLIC_LINK,
};

enum { FDFLAG_APPEND = 1, FDFLAG_DSYNC = 2, FDFLAG_NONBLOCK = 4, FDFLAG_RSYNC = 8, FDFLAG_SYNC = 16 };
enum { OFLAG_CREAT = 1, OFLAG_DIRECTORY = 2, OFLAG_EXCL = 4, OFLAG_TRUNC = 8 };
enum { LOOKUP_SYMLINK_FOLLOW = 1 };
enum { FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8 };

/* Longest path a guest may pass (the host's PATH_MAX, NUL included). */
#define WASI_PATH_MAX 4096

/* A preopen, opened once by wa_wasi_add and shared by the instances:
 * a directory (O_RDONLY) or a listening socket the host handed in. */
struct wasi_preopen {
	int fd;
	uint8_t type;                /* FT_DIRECTORY or FT_SOCKET_STREAM */
	int own;                     /* opened by us: closed with the host */
	char *name;                  /* the guest's path (directories) */
	uint32_t namelen;
};

/* What fd_fdstat_get says of one of the host's own descriptors 0, 1,
 * 2, read once by wa_wasi_add: a request's output through the host's
 * stdout then costs its write alone (wasi-libc asks for stdout's fdstat
 * before its first write: three system calls).  fd_fdstat_set_flags
 * on it drops the copy; valid is read and written atomically. */
struct wasi_stdstat {
	int valid;
	uint8_t type, tty;
	uint16_t flags;
};

struct wasi_host {
	const struct wa_wasi_config *cfg;
	struct wasi_preopen *pre;
	uint32_t npre;
	int walk;                    /* resolve by walking, not openat2 */
	struct wasi_stdstat std[3];  /* wasi-fd.c */
};

/* How a guest descriptor reaches the host. */
enum { FD_FREE, FD_HOST, FD_STREAM };

struct wasi_fd {
	uint8_t kind;                /* FD_* */
	uint8_t type;                /* filetype */
	uint8_t own;                 /* the host fd is ours, closed with the entry */
	uint8_t stream;              /* FD_STREAM: which stdio stream */
	uint16_t flags;              /* sockets: the guest's fdflags (the host
	                              * socket is non-blocking; blocking is
	                              * waiting, which an interrupt ends) */
	int host;                    /* FD_HOST: the host descriptor */
	uint32_t pre;                /* preopen index + 1; 0: not a preopen */
	uint64_t base, inh;          /* rights */
	struct wasi_dir *dir;        /* fd_readdir's state (wasi-dir.c) */
};

/* A stdio stream the embedder redirected (wa_wasi_stdio_*). */
struct wasi_stdio {
	int set;                     /* 0: the host's own 0, 1, 2 */
	int hostfd;                  /* >= 0: this host fd */
	struct wa_wasi_stream s;     /* else: callbacks */
};

/*
 * The per-instance WASI state, made on first need from the instance's
 * context area (so it goes with the instance): the embedder's
 * per-instance settings and, once the guest changed its descriptors,
 * the table (malloc: it grows).  An instance with none of this costs
 * nothing at reset.
 */
struct wasi_inst {
	int has_args;
	int argc, envc;
	char **argv, **envp;
	struct wasi_stdio stdio[3];
	struct wasi_fd *v;           /* NULL: the initial table, implied */
	uint32_t n, cap;
};

/* ---- guest memory ---- */

/* [p, p+len) of guest memory, or NULL if any of it is outside. */
static inline uint8_t *
gmem(struct wa_vmctx *ctx, uint32_t p, uint64_t len)
{
	/* p + len could wrap past 2^64 */
	if (!ctx->mem0 || len > ctx->mem0->size || p > ctx->mem0->size - len)
		return NULL;
	/* the host may write it, the kernel too (wtrack.c) */
	wt_prepare(ctx->mem0, p, len);
	return ctx->mem0_base + p;
}

static inline int
put16(struct wa_vmctx *ctx, uint32_t p, uint16_t v)
{
	uint8_t *q = gmem(ctx, p, 2);

	if (!q)
		return -1;
	memcpy(q, &v, 2); /* little-endian host, like wasm */
	return 0;
}

static inline int
put32(struct wa_vmctx *ctx, uint32_t p, uint32_t v)
{
	uint8_t *q = gmem(ctx, p, 4);

	if (!q)
		return -1;
	memcpy(q, &v, 4);
	return 0;
}

static inline int
put64(struct wa_vmctx *ctx, uint32_t p, uint64_t v)
{
	uint8_t *q = gmem(ctx, p, 8);

	if (!q)
		return -1;
	memcpy(q, &v, 8);
	return 0;
}

static inline struct wasi_host *
wasi_host(struct wa_vmctx *ctx)
{
	return inst_of(ctx)->host->wasi;
}

/* A guest path copied out of guest memory, NUL-terminated: 0, or a
 * WASI errno (EFAULT, ENAMETOOLONG, EINVAL for a NUL inside). */
int32_t wasi_path(struct wa_vmctx *ctx, uint32_t p, uint32_t len, char *out);

/* host errno -> WASI errno */
int32_t wasi_errno(int e);

/* ---- wasi-fdtab.c ---- */
/* The entry for guest fd with all of RIGHTS, or NULL with *err set
 * (EBADF, ENOTCAPABLE).  For the implied initial table the entry is
 * built in *tmp; the pointer is valid until the table changes. */
struct wasi_fd *fd_get(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, struct wasi_fd *tmp, int32_t *err);
/* As fd_get, but in the instance's own table, made now if need be:
 * for calls that change the entry. */
struct wasi_fd *fd_own(struct wa_vmctx *ctx, int32_t fd, uint64_t rights, int32_t *err);
/* Add a descriptor (host fd owned by the table); the guest fd, or -1
 * (out of memory: the host fd is closed). */
int32_t fd_add(struct wa_vmctx *ctx, int host, uint8_t type, uint64_t base, uint64_t inh);
/* Close guest fd: 0 or EBADF. */
int32_t fd_close_entry(struct wa_vmctx *ctx, int32_t fd);
int32_t fd_renumber_entry(struct wa_vmctx *ctx, int32_t from, int32_t to);
struct wasi_inst *wasi_inst(struct wa_instance *);
/* read/write on a descriptor: host fd or redirected stream */
int32_t fd_io(struct wa_vmctx *ctx, const struct wasi_fd *f, struct iovec *v, int n, int write, uint64_t *done);
/* the file type of host fd h */
uint8_t host_filetype(int h);
void wasi_preopens_free(struct wasi_host *);
int wasi_preopens_open(struct wasi_host *, const struct wa_wasi_config *, char *err, size_t errlen);

/* ---- wasi-fd.c ---- */
struct stat;
struct timespec;
/* a filestat at guest address p: 0 or EFAULT */
int32_t wasi_put_filestat(struct wa_vmctx *ctx, uint32_t p, const struct stat *st);
/* utimensat's times from WASI's: 0 or EINVAL */
int32_t wasi_times(int64_t atim, int64_t mtim, int32_t fstflags, struct timespec ts[2]);

/* ---- wasi-resolve.c ---- */
/*
 * Open PATH beneath directory DIRFD with open(2) FLAGS and MODE (path
 * only: follow symlinks in the last component unless O_NOFOLLOW).  No
 * component may lead out of DIRFD: an absolute path, a `..` too many, a
 * symlink to outside are ENOTCAPABLE.  The host fd, or -(WASI errno).
 */
int rsv_open(const struct wasi_host *, int dirfd, const char *path, int flags, mode_t mode);
/*
 * The directory that holds PATH's last component, opened beneath DIRFD
 * (O_PATH; *own: the caller closes it), and that component in *name
 * (trailing slashes kept).  A last component "." or ".." is resolved,
 * and *name is ".".  If FOLLOW, symlinks in the last component are
 * followed (staying beneath DIRFD).  The fd, or -(WASI errno).
 */
int rsv_parent(const struct wasi_host *, int dirfd, char *path, int follow, const char **name, int *own);
int rsv_probe(void);             /* 1 if openat2 is there */

/* ---- wasi-poll.c ---- */
/* Wait until host fd h is ready for EVENTS (poll(2)'s); traps
 * "interrupted" if the instance is interrupted meanwhile.  0 or a WASI
 * errno. */
int32_t wasi_wait_fd(struct wa_vmctx *ctx, int h, short events);

static inline int
is_socket(const struct wasi_fd *f)
{
	return f->kind == FD_HOST && (f->type == FT_SOCKET_STREAM || f->type == FT_SOCKET_DGRAM);
}

/* ---- registration per file ---- */
void wasi_fd_add(struct wa_host *);
void wasi_stdstat_init(struct wasi_host *);
void wasi_dir_add(struct wa_host *);
void wasi_path_add(struct wa_host *);
void wasi_poll_add(struct wa_host *);
void wasi_sock_add(struct wa_host *);
void wasi_dir_free(struct wasi_dir *);

/* iovecs: guest (buf u32, len u32) pairs to host ones; at most
 * WASI_MAX_IOV (a short count, which WASI allows); -1 if out of bounds */
#define WASI_MAX_IOV 64
int wasi_iovecs(struct wa_vmctx *ctx, uint32_t iovs, uint32_t n, struct iovec *v);

#endif
