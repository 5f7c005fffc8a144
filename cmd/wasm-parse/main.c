/*
 * wasm-parse: a binary WebAssembly module to the canonical module text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "module.h"

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-parse [-o FILE] [FILE]\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct arena *a;
	struct module *m;
	unsigned char *buf;
	size_t len;
	int i;

	diag_setprog(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(stdout, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			fprintf(stderr, "wasm-parse: unknown option %s\n", argv[i]), usage(stderr, 2);
		else if (in)
			usage(stderr, 2);
		else
			in = argv[i];
	}
	if (out && strcmp(out, "-") && !freopen(out, "w", stdout))
		fatal_errno("%s", out);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	buf = read_file(in, &len);
	a = arena_new();
	m = read_binary(a, in ? in : "-", buf, len);
	write_text(m, stdout);
	close_stdout();
	return 0;
}
