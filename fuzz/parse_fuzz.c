/*
 * libFuzzer target for the binary reader and the text writer, the core
 * of wasm-parse.  Input errors longjmp back (diag_catch) instead of
 * exiting; anything else (a crash, a sanitizer report) is a bug.
 * corpus: wasm
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct arena *a = arena_new();
	jmp_buf jb;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag_catch(&jb);
	if (!setjmp(jb)) {
		struct module *m = read_binary(a, "fuzz.wasm", data, size);
		write_text(m, devnull);
	}
	diag_catch(NULL);
	arena_free(a);
	return 0;
}
