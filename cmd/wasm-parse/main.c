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
#include "module.h"

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-parse [-o FILE] [FILE]\n");
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
	int c;

	diag_setprog(argv[0]);
	while ((c = getopt(argc, argv, "ho:")) != -1) {
		switch (c) {
		case 'h': usage(stdout, 0); break;
		case 'o': out = optarg; break;
		default: usage(stderr, 2);
		}
	}
	if (argc - optind > 1)
		usage(stderr, 2);
	if (optind < argc)
		in = argv[optind];

	buf = read_file(in, &len);
	a = arena_new();
	m = read_binary(a, in ? in : "-", buf, len);
	open_output(out);
	write_text(m, stdout);
	close_stdout();
	arena_free(a);
	free(buf);
	return 0;
}
