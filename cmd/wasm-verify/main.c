/*
 * wasm-verify: validates module text against every rule of
 * WebAssembly 2.0 and, if it is valid, copies it unchanged to the
 * output, so it can stand in a pipeline.
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
	fprintf(f, "usage: wasm-verify [-o FILE] [FILE]\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
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
			fprintf(stderr, "wasm-verify: unknown option %s\n", argv[i]), usage(stderr, 2);
		else if (in)
			usage(stderr, 2);
		else
			in = argv[i];
	}

	buf = read_file(in, &len);
	m = read_text(arena_new(), in ? in : "-", (const char *)buf, len);
	validate(m);
	if (out && strcmp(out, "-") && !freopen(out, "w", stdout))
		fatal_errno("%s", out);
	if (fwrite(buf, 1, len, stdout) != len)
		fatal_errno("standard output");
	close_stdout();
	return 0;
}
