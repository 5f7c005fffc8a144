/*
 * wasm-verify: validates module text against every rule of
 * WebAssembly 2.0 and, if it is valid, copies it unchanged to the
 * output, so it can stand in a pipeline.  The output is opened only
 * once the module is known valid: a failed check leaves -o FILE as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "modlimits.h"
#include "module.h"

struct options {
	const char *in, *out;
};

static _Noreturn void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-verify [-h] [--limit NAME=N]... [--no-limits] [-o FILE] [FILE]\n");
	limit_usage(f);
	exit(status);
}

static struct options
parse_args(int argc, char **argv)
{
	struct options o = {NULL, NULL};
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout, 0);
		} else if (!strcmp(a, "-o")) {
			if (i + 1 == argc) {
				fprintf(stderr, "%s: option -o needs a file name\n", argv0);
				usage(stderr, 2);
			}
			o.out = argv[++i];
		} else if (limit_option(argc, argv, &i)) {
			continue;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "%s: unknown option %s\n", argv0, a);
			usage(stderr, 2);
		} else if (o.in) {
			fprintf(stderr, "%s: more than one input file\n", argv0);
			usage(stderr, 2);
		} else {
			o.in = a;
		}
	}
	return o;
}

/* The input, byte for byte, to -o FILE or standard output. */
static void
copy_out(const char *out, const unsigned char *buf, size_t len)
{
	if (out && strcmp(out, "-") && !freopen(out, "w", stdout))
		fatal_errno("%s", out);
	if (fwrite(buf, 1, len, stdout) != len)
		fatal_errno("%s", out && strcmp(out, "-") ? out : "standard output");
	close_stdout();
}

int
main(int argc, char **argv)
{
	struct options o;
	unsigned char *buf;
	size_t len;

	diag_setprog(argv[0]);
	o = parse_args(argc, argv);
	buf = read_file(o.in, &len);
	validate(read_text(arena_new(), o.in ? o.in : "-", (const char *)buf, len));
	copy_out(o.out, buf, len);
	return 0;
}
