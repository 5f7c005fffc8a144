/*
 * libFuzzer target for the WASI host functions (lib/rt/wasi*.c): a
 * guest (fuzz/wasi_guest.wat, compiled by wasm-aot; its path is
 * WA_FUZZ_GUEST) imports every preview1 function and exports op(n,
 * a0..a8), which calls function n.  An input is: a count of calls, the
 * calls, 73 bytes each (function, 9 arguments of 8 bytes; 32-bit ones
 * usually folded into guest memory), then up to 4 KiB copied to the
 * start of guest memory (paths, iovecs, subscriptions the calls point
 * at).  The instance
 * has two preopens, box and box/d, beside a directory outside whose
 * contents must never change; its files are recreated every 500
 * inputs.  A crash, a sanitizer report or a change outside is a
 * finding.
 *
 * corpus: none
 * fuzz-options: -timeout=10
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasmrt.h"

#define MEM_PREFIX 4096
#define CALL 73
#define MAX_CALLS 32

static char top[64], box[96], outside[96];
static struct wa_region *region;
static struct wa_module *mod;
static struct wa_host *host;
static uint32_t op;
static struct stat canary;
static long inputs;

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "wasi_fuzz: %s: %s\n", what, err);
	abort();
}

static int
rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

/* The box's files: a file, a directory, symlinks in and out. */
static void
fill_box(void)
{
	char p[160];
	int fd;

	nftw(box, rm, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(box, 0755);
	snprintf(p, sizeof p, "%s/d", box);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/f", box);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "file\n", 5) != 5)
		die(p, "cannot make");
	close(fd);
	snprintf(p, sizeof p, "%s/up", box);
	symlink("..", p);
	snprintf(p, sizeof p, "%s/abs", box);
	symlink("/etc/passwd", p);
	snprintf(p, sizeof p, "%s/out", box);
	symlink("../outside/canary", p);
	snprintf(p, sizeof p, "%s/d/l", box);
	symlink("../f", p);
}

static void
cleanup(void)
{
	nftw(top, rm, 16, FTW_DEPTH | FTW_PHYS);
}

static int
listener(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 4))
		die("socket", "cannot listen");
	return fd;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *dirs[2], d0[128], d1[128], *wargv[] = {"guest", "arg", NULL}, *wenv[] = {"A=b", NULL};
	static int sock;
	static struct wa_wasi_config cfg = {.argc = 2, .argv = wargv, .envc = 1, .envp = wenv, .ndirs = 2,
	                                    .dirs = dirs, .nsockets = 1, .sockets = &sock, .max_fds = 64};
	char err[256], p[160];
	int fd;

	(void)argc, (void)argv;
	snprintf(top, sizeof top, "%s/wasi-fuzz.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top))
		die(top, "mkdtemp");
	atexit(cleanup);
	snprintf(box, sizeof box, "%s/box", top);
	snprintf(outside, sizeof outside, "%s/outside", top);
	mkdir(outside, 0755);
	snprintf(p, sizeof p, "%s/canary", outside);
	if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) < 0 || write(fd, "canary\n", 7) != 7 || fstat(fd, &canary))
		die(p, "cannot make");
	close(fd);
	fill_box();
	snprintf(d0, sizeof d0, "%s", box);
	snprintf(d1, sizeof d1, "%s/d::/d", box);
	dirs[0] = d0, dirs[1] = d1;
	sock = listener();
	if (!(region = wa_region_new(&(struct wa_region_config){.slots = 1}, err, sizeof err)))
		die("region", err);
	if (!(mod = wa_module_load(WA_FUZZ_GUEST, err, sizeof err)))
		die(WA_FUZZ_GUEST, err);
	if (!(host = wa_host_new()) || wa_wasi_add(host, &cfg, err, sizeof err))
		die("wasi", err);
	if (wa_module_export_func(mod, "op", &op))
		die(WA_FUZZ_GUEST, "no op");
	return 0;
}

/* Nothing outside the box changed: the canary as it was, alone. */
static void
check_outside(void)
{
	char p[160];
	struct stat st;
	struct dirent *e;
	DIR *d = opendir(outside);
	int n = 0;

	snprintf(p, sizeof p, "%s/canary", outside);
	if (stat(p, &st) || st.st_size != canary.st_size || st.st_mtim.tv_nsec != canary.st_mtim.tv_nsec ||
	    st.st_mtim.tv_sec != canary.st_mtim.tv_sec || st.st_ino != canary.st_ino)
		die("escape", "the canary outside the box changed");
	while (d && (e = readdir(d)))
		n++;
	if (!d || n != 3)
		die("escape", "something was made outside the box");
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct wa_instance *I;
	uint64_t memsize;
	uint8_t *mem;
	size_t ncalls, off, k;
	int n;

	if (++inputs % 500 == 0)
		fill_box();
	if (!(I = wa_instantiate(region, mod, host, NULL, err, sizeof err)))
		die("instantiate", err);
	ncalls = size ? data[0] % (MAX_CALLS + 1) : 0;
	if (ncalls * CALL + 1 > size)
		ncalls = size ? (size - 1) / CALL : 0;
	off = 1 + ncalls * CALL;
	k = size - (size ? off : 0);
	k = k < MEM_PREFIX ? k : MEM_PREFIX;
	mem = wa_instance_memory(I, &memsize);
	if (k)
		memcpy(mem, data + off, k);
	wa_instance_set_deadline(I, 20 * 1000000ull);   /* sleeps, blocking accepts */
	for (off = 1, n = 0; n < (int)ncalls; off += CALL, n++) {
		wa_val a[10];
		int i, code;
		a[0].i64 = 0;
		a[0].i32 = data[off];
		for (i = 0; i < 9; i++) {
			uint64_t v;
			memcpy(&v, data + off + 1 + 8 * i, 8);
			/* most 32-bit arguments point into guest memory */
			if (!(v >> 63))
				v %= memsize + 64;
			a[i + 1].i64 = (int64_t)v;
		}
		if ((code = wa_call(I, op, a)))
			break;            /* exit, interrupted: the instance is done */
	}
	wa_instance_free(I);
	check_outside();
	return 0;
}
