/*
 * wasm-lower: module text (or a binary module) to LLVM IR text that
 * follows the sandbox ABI of wasm-contract(5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	fprintf(f, "usage: wasm-lower [-h] [--bounds-checks] [--elide-dead-loads] [--limit NAME=N]...\n"
	           "                  [--no-limits] [-o FILE] [FILE]\n");
	limit_usage(f);
	exit(status);
}

int
main(int argc, char **argv)
{
	struct lower L = {0};
	const char *in = NULL, *out = NULL;
	unsigned char *buf;
	size_t len;
	char *err = NULL;
	int i;

	diag_setprog(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(stdout, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--bounds-checks"))
			L.bounds_checks = 1;
		else if (!strcmp(argv[i], "--elide-dead-loads"))
			L.elide_dead_loads = 1;
		else if (limit_option(argc, argv, &i))
			continue;
		else if (argv[i][0] == '-' && argv[i][1])
			fprintf(stderr, "wasm-lower: unknown option %s\n", argv[i]), usage(stderr, 2);
		else if (in)
			usage(stderr, 2);
		else
			in = argv[i];
	}
	L.file = in ? in : "-";

	buf = read_file(in, &len);
	if (len >= 4 && !memcmp(buf, "\0asm", 4))
		L.m = read_binary(arena_new(), L.file, buf, len);
	else
		L.m = read_text(arena_new(), L.file, (const char *)buf, len);
	lower_module(&L);
	/* Straight to the file or to standard output ("-"): as a string
	 * first, the IR would cost its size again, twice while it grows.
	 * LLVM closes the descriptor itself and reports a write error as
	 * a fatal error (write_failed). */
	outname = out && strcmp(out, "-") ? out : "standard output";
	LLVMInstallFatalErrorHandler(write_failed);
	fflush(stdout);
	if (LLVMPrintModuleToFile(L.M, out ? out : "-", &err))
		fatal("%s: %s", outname, err);
	return 0;
}
