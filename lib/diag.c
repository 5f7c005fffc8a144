#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"

const char *argv0 = "wasm-aot";
/* Each thread catches and words its own errors: wasm-codegen -j
 * compiles in several threads, any of which may fail. */
static __thread jmp_buf *catcher;
static __thread char message[1024];
static int fast_exit;

void
diag_setprog(const char *name)
{
	const char *slash = strrchr(name, '/');

	argv0 = slash ? slash + 1 : name;
}

void
diag_fast_exit(int on)
{
	fast_exit = on;
}

void
diag_catch(jmp_buf *jb)
{
	catcher = jb;
}

jmp_buf *
diag_catcher(void)
{
	return catcher;
}

const char *
diag_message(void)
{
	return message;
}

static _Noreturn void
report(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	int n = snprintf(message, sizeof message, "%s", prefix);

	if (n < 0 || (size_t)n >= sizeof message)
		n = 0;
	vsnprintf(message + n, sizeof message - n, fmt, ap);
	if (catcher)
		longjmp(*catcher, 1);
	fflush(stdout);
	fprintf(stderr, "%s: %s%s%s\n", argv0, message, suffix ? ": " : "",
	        suffix ? suffix : "");
	if (fast_exit)
		_exit(1);
	exit(1);
}

void
error_line(const char *file, uint32_t line, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	snprintf(prefix, sizeof prefix, "%s:%u: ", file ? file : "-", line);
	va_start(ap, fmt);
	report(prefix, fmt, ap, NULL);
}

void
error_offset(const char *file, uint64_t off, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	snprintf(prefix, sizeof prefix, "%s: 0x%llx: ", file ? file : "-",
	         (unsigned long long)off);
	va_start(ap, fmt);
	report(prefix, fmt, ap, NULL);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap, NULL);
}

void
fatal_errno(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap, err);
}

void
die_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s:%d: internal error: ", argv0, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, "%s: standard output: %s\n", argv0, strerror(errno));
		exit(1);
	}
}

unsigned char *
read_file(const char *path, size_t *len)
{
	FILE *f = stdin;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (path && strcmp(path, "-") != 0 && !(f = fopen(path, "rb")))
		fatal_errno("%s", path);
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		fatal_errno("%s", path ? path : "standard input");
	if (f != stdin)
		fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}
