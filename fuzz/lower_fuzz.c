/*
 * libFuzzer target for wasm-lower: a module (binary, or text) is read,
 * validated and lowered.  A valid module must lower to IR that LLVM's
 * verifier accepts; an invalid one (wasm-lower reads what it is given,
 * verified or not) must lower or be refused with a message, never
 * crash.  Input errors longjmp back (diag_catch); wasm-lower refusing
 * a valid module, invalid IR from one, a crash or a sanitizer report is
 * a bug.  Leak detection is off: a module refused halfway through
 * lowering leaves wasm-lower's temporaries behind (the program exits at
 * once, so they cost nothing there).
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
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* static: lower_module fills it after setjmp, lower_dispose reads it
 * after a longjmp */
static struct lower L;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct module *volatile m = NULL;
	volatile int valid = 0;
	char *text = malloc(size + 1), *msg = NULL;
	jmp_buf jb;

	memcpy(text, data, size);
	text[size] = 0;
	diag_catch(&jb);
	if (!setjmp(jb)) {
		m = size >= 4 && !memcmp(data, "\0asm", 4) ? read_binary(a, "fuzz.wasm", data, size)
		                                            : read_text(a, "fuzz.wat", text, size);
		validate(m);
		valid = 1;
	}
	memset(&L, 0, sizeof L);
	if (m && !setjmp(jb)) {
		L.m = m;
		L.file = "fuzz";
		lower_module(&L);
		if (valid && LLVMVerifyModule(L.M, LLVMReturnStatusAction, &msg)) {
			fprintf(stderr, "lower_fuzz: invalid IR from a valid module: %s\n", msg);
			abort();
		}
		LLVMDisposeMessage(msg);
	} else if (m && valid) {
		fprintf(stderr, "lower_fuzz: a valid module refused: %s\n", diag_message());
		abort();
	}
	diag_catch(NULL);
	lower_dispose(&L);
	arena_free(a);
	free(text);
	return 0;
}
