/*
 * libFuzzer target for wasm-lower: a module (binary, or text) is read
 * and validated; a valid one must lower to IR that LLVM's verifier
 * accepts.  Input errors before lowering longjmp back (diag_catch);
 * wasm-lower refusing a valid module, invalid IR, a crash or a
 * sanitizer report is a bug.
 * corpus: wasm
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>

#include "arena.h"
#include "diag.h"
#include "../cmd/wasm-lower/lower.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct lower L = {0};
	volatile int valid = 0;
	char *msg = NULL;
	jmp_buf jb;

	diag_catch(&jb);
	if (!setjmp(jb)) {
		const struct module *m = size >= 4 && !memcmp(data, "\0asm", 4)
			? read_binary(a, "fuzz.wasm", data, size)
			: read_text(a, "fuzz.wat", (const char *)data, size);
		validate(m);
		valid = 1;
		L.m = m;
		L.file = "fuzz";
		lower_module(&L);
		if (LLVMVerifyModule(L.M, LLVMReturnStatusAction, &msg)) {
			fprintf(stderr, "lower_fuzz: invalid IR from a valid module: %s\n", msg);
			abort();
		}
		LLVMDisposeMessage(msg);
	} else if (valid) {
		fprintf(stderr, "lower_fuzz: a valid module refused: %s\n", diag_message());
		abort();
	}
	diag_catch(NULL);
	lower_dispose(&L);
	arena_free(a);
	return 0;
}
