/*
 * wasm-lower: module text (or a binary module) to LLVM IR text that
 * follows the sandbox ABI of wasm-contract(5); or, with --split, to
 * partitions in bitcode for parallel code generation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm-c/BitWriter.h>
#include <llvm-c/ErrorHandling.h>

#include "arena.h"
#include "diag.h"
#include "modlimits.h"
#include "lower.h"

static const char *outname;

static void
write_failed(const char *reason)
{
	fprintf(stderr, "%s: %s: %s\n", argv0, outname, reason);
	exit(1);
}

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-lower [-h] [--bounds-checks] [--elide-dead-loads] [--no-strip-mining]\n"
	           "                  [--limit NAME=N]... [--no-limits] [-o FILE | --split DIR] [FILE]\n");
	limit_usage(f);
	exit(status);
}

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * IR text, or bitcode when the name ends in .bc.  Text goes straight to
 * the file or to standard output ("-"): as a string first, the IR would
 * cost its size again, twice while it grows.  LLVM closes the
 * descriptor itself and reports a write error as a fatal error
 * (write_failed).
 */
static void
write_module(struct lower *L, const char *out)
{
	char *err = NULL;

	outname = out && strcmp(out, "-") ? out : "standard output";
	if (out && endswith(out, ".bc")) {
		if (LLVMWriteBitcodeToFile(L->M, out))
			fatal("%s: cannot write bitcode", out);
		return;
	}
	LLVMInstallFatalErrorHandler(write_failed);
	fflush(stdout);
	if (LLVMPrintModuleToFile(L->M, out ? out : "-", &err))
		fatal("%s: %s", outname, err);
	LLVMResetFatalErrorHandler();
}

/* --split DIR: make DIR, write the partitions, and remove those a
 * previous run with more partitions left (pNN.bc and pNN.o). */
static void
split(struct lower *L, const char *dir)
{
	char *path = xmalloc(strlen(dir) + 16);
	uint32_t n, p;

	if (mkdir(dir, 0777) && errno != EEXIST)
		fatal_errno("%s", dir);
	n = lower_split(L, dir, write_module);
	for (p = n; p < 100; p++) {
		sprintf(path, "%s/p%02u.bc", dir, p);
		if (unlink(path) && errno != ENOENT)
			fatal_errno("%s", path);
		sprintf(path, "%s/p%02u.o", dir, p);
		if (unlink(path) && errno != ENOENT)
			fatal_errno("%s", path);
	}
	free(path);
}

int
main(int argc, char **argv)
{
	struct lower L = {0};
	const char *in = NULL, *out = NULL, *dir = NULL;
	unsigned char *buf;
	size_t len;
	int i;

	diag_setprog(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(stdout, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--split") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--bounds-checks"))
			L.bounds_checks = 1;
		else if (!strcmp(argv[i], "--elide-dead-loads"))
			L.elide_dead_loads = 1;
		else if (!strcmp(argv[i], "--no-strip-mining"))
			L.check_every_loop = 1;
		else if (limit_option(argc, argv, &i))
			continue;
		else if (argv[i][0] == '-' && argv[i][1])
			fprintf(stderr, "wasm-lower: unknown option %s\n", argv[i]), usage(stderr, 2);
		else if (in)
			usage(stderr, 2);
		else
			in = argv[i];
	}
	if (out && dir)
		usage(stderr, 2);
	L.file = in ? in : "-";

	buf = read_file(in, &len);
	if (len >= 4 && !memcmp(buf, "\0asm", 4))
		L.m = read_binary(arena_new(), L.file, buf, len);
	else
		L.m = read_text(arena_new(), L.file, (const char *)buf, len);
	if (dir) {
		split(&L, dir);
	} else {
		lower_module(&L);
		write_module(&L, out);
	}
	return 0;
}
