/*
 * The compile cache: `wasm-run app.wasm` compiles the module once, with
 * the wasm-aot beside wasm-run, into a cache directory, and runs the
 * .so from there from then on (as `wasmtime run` does).
 *
 * An entry is named by a BLAKE2b-256 hash of what the .so depends on:
 * the module's bytes, the toolkit's version and contract ABI, the
 * compilers' identity (size and modification time of wasm-lower and
 * wasm-codegen beside us, so that a rebuilt toolkit misses), and the
 * host CPU (model name and flags from /proc/cpuinfo: the code is
 * compiled for it).  The directory is $XDG_CACHE_HOME/wasm-aot, else
 * $HOME/.cache/wasm-aot, made with mode 0700.  A new entry is compiled
 * to a temporary name in that directory and renamed into place, so
 * that processes racing on one module see a whole .so or none; the
 * runtime checks the .so's integrity digest on load as for any other.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "contract.h"
#include "diag.h"
#include "run.h"

#ifndef WA_VERSION
#define WA_VERSION "0"
#endif

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("out of memory");
	return s;
}

/* Does the file start as a binary module does? */
int
is_wasm(const char *path)
{
	unsigned char b[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return 0;
	ok = read(fd, b, 4) == 4 && !memcmp(b, "\0asm", 4);
	close(fd);
	return ok;
}

/* The directory this program lives in (for its sibling tools). */
static char *
own_dir(void)
{
	char *p = realpath("/proc/self/exe", NULL), *s;

	if (p && (s = strrchr(p, '/')))
		*s = 0;
	return p;
}

static void
hash_str(crypto_generichash_state *st, const char *s)
{
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s) + 1);
}

/* What identifies the compilers: size and time of each tool. */
static void
hash_tools(crypto_generichash_state *st, const char *dir)
{
	static const char *tools[] = {"wasm-aot", "wasm-parse", "wasm-verify", "wasm-lower", "wasm-codegen",
	                              "wasm-link"};
	char path[PATH_MAX], id[128];
	struct stat s;
	size_t i;

	for (i = 0; i < sizeof tools / sizeof *tools; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, tools[i]);
		if (stat(path, &s))
			memset(&s, 0, sizeof s);
		snprintf(id, sizeof id, "%s %lld %lld.%09ld", tools[i], (long long)s.st_size,
		         (long long)s.st_mtim.tv_sec, (long)s.st_mtim.tv_nsec);
		hash_str(st, id);
	}
}

/* The host CPU as /proc/cpuinfo names it: model and feature flags. */
static void
hash_cpu(crypto_generichash_state *st)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[8192];
	int model = 0, flags = 0;

	if (!f)
		return;
	while ((!model || !flags) && fgets(line, sizeof line, f)) {
		if (!model && !strncmp(line, "model name", 10))
			hash_str(st, line), model = 1;
		else if (!flags && !strncmp(line, "flags", 5))
			hash_str(st, line), flags = 1;
	}
	fclose(f);
}

/* $XDG_CACHE_HOME/wasm-aot or $HOME/.cache/wasm-aot, made if missing. */
static char *
cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *d = NULL, *p, c;

	if (x && *x == '/')
		d = xasprintf("%s/wasm-aot", x);
	else if (home && *home == '/')
		d = xasprintf("%s/.cache/wasm-aot", home);
	else
		fatal("no cache directory: neither XDG_CACHE_HOME nor HOME is an absolute path");
	/* each component, as mkdir -p */
	for (p = d + 1;; p++) {
		if (*p && *p != '/')
			continue;
		c = *p;
		*p = 0;
		if (mkdir(d, 0700) && errno != EEXIST)
			fatal_errno("cache directory %s", d);
		*p = c;
		if (!c)
			break;
	}
	return d;
}

/* Run wasm-aot on wasm into out; exits with its status on failure (it
 * has said why). */
static void
compile(const char *aot, const char *wasm, const char *out)
{
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) < 0)
		fatal_errno("fork");
	if (pid == 0) {
		execl(aot, "wasm-aot", "-o", out, wasm, (char *)NULL);
		fprintf(stderr, "%s: %s: %s\n", argv0, aot, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fatal_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		unlink(out);
		fprintf(stderr, "%s: %s: compilation failed\n", argv0, wasm);
		exit(1);
	}
}

char *
cached_so(const char *wasm, int verbose)
{
	crypto_generichash_state st;
	unsigned char key[32];
	char hex[65], abi[32], *dir = own_dir(), *cache, *so, *tmp, *aot;
	unsigned char *bytes;
	size_t len;
	int fd;

	if (!dir || sodium_init() < 0)
		fatal("cannot find the toolkit or start libsodium");
	crypto_generichash_init(&st, NULL, 0, sizeof key);
	hash_str(&st, "wasm-aot " WA_VERSION);
	snprintf(abi, sizeof abi, "abi %u", WA_ABI_VERSION);
	hash_str(&st, abi);
	hash_tools(&st, dir);
	hash_cpu(&st);
	bytes = read_file(wasm, &len);
	crypto_generichash_update(&st, bytes, len);
	free(bytes);
	crypto_generichash_final(&st, key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	cache = cache_dir();
	so = xasprintf("%s/%s.so", cache, hex);
	if (!access(so, R_OK)) {
		if (verbose)
			fprintf(stderr, "%s: %s: cached as %s\n", argv0, wasm, so);
		goto out;
	}
	aot = xasprintf("%s/wasm-aot", dir);
	/* ending in .so, so that wasm-aot links a shared object */
	tmp = xasprintf("%s/.%s.XXXXXX.so", cache, hex);
	if ((fd = mkstemps(tmp, 3)) < 0)
		fatal_errno("%s", tmp);
	close(fd);
	if (verbose)
		fprintf(stderr, "%s: %s: compiling into %s\n", argv0, wasm, so);
	compile(aot, wasm, tmp);
	if (rename(tmp, so)) {
		unlink(tmp);
		fatal_errno("%s", so);
	}
	free(tmp);
	free(aot);
out:
	free(cache);
	free(dir);
	return so;
}
