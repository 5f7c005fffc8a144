/*
 * wasm-parse: a binary WebAssembly module to the canonical module text
 * (wasm-module(5)).  Malformed binaries are reported with the byte
 * offset of the problem; validation is wasm-verify's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "modlimits.h"
#include "module.h"

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-parse [-h] [--strip-custom] [--limit NAME=N]... [--no-limits] [-o FILE] [FILE]\n");
	limit_usage(f);
	exit(status);
}

/* Output goes to stdout; -o FILE reopens stdout on FILE, after the
 * input has been decoded, so a malformed input leaves no file behind. */
static void
open_output(const char *path)
{
	if (path && strcmp(path, "-") != 0 && !freopen(path, "w", stdout))
		fatal_errno("%s", path);
}

int
main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct arena *a;
	struct module *m;
	unsigned char *buf;
	size_t len;
	int i, strip = 0;

	diag_setprog(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(stdout, 0);
		else if (!strcmp(argv[i], "--strip-custom"))
			strip = 1;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (limit_option(argc, argv, &i))
			continue;
		else if (argv[i][0] == '-' && argv[i][1])
			fprintf(stderr, "wasm-parse: unknown option %s\n", argv[i]), usage(stderr, 2);
		else if (in)
			usage(stderr, 2);
		else
			in = argv[i];
	}

	buf = read_file(in, &len);
	a = arena_new();
	m = read_binary(a, in ? in : "-", buf, len);
	/* custom sections but the name section (already the identifiers):
	 * no later stage uses them, and debug info can be most of a module
	 * (a Rust program built with -g: 6.5 of 6.7 MB, 13 MB of text that
	 * wasm-verify and wasm-lower would read and write again) */
	if (strip)
		m->ncustoms = 0;
	open_output(out);
	write_text(m, stdout);
	close_stdout();
	arena_free(a);
	free(buf);
	return 0;
}
