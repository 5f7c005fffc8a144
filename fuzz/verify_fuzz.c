/*
 * libFuzzer target for the text reader and the validator, the core of
 * wasm-verify (and the front of wasm-lower).
 * corpus: wat
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *text = malloc(size + 1);
	jmp_buf jb;

	memcpy(text, data, size);
	text[size] = 0;
	diag_catch(&jb);
	if (!setjmp(jb)) {
		struct module *m = read_text(a, "fuzz.wat", text, size);
		validate(m);
	}
	diag_catch(NULL);
	arena_free(a);
	free(text);
	return 0;
}
