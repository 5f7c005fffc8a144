/*
 * What the optimiser must not change.  wasm-lower sets attributes on
 * every function that the sandbox depends on (stack probes, no libcall
 * idioms, frame pointers), and a compiled module may call nothing
 * outside itself but the few libcalls libwabuiltins.a provides.  These
 * checks run before and after the pass pipeline; a difference is a bug
 * in our pipeline, not in the input, hence die().
 */
#include <string.h>

#include "arena.h"
#include "codegen.h"
#include "diag.h"

/* The string attributes wasm-lower puts on every function, and the one
 * wasm-codegen adds. */
static const char *const keyattrs[] = {
	"probe-stack", "no-builtins", "frame-pointer", "disable-tail-calls",
};

/* Functions LLVM may call that libwabuiltins.a defines. */
static const char *const builtins[] = {
	"memcpy", "memmove", "memset", "memcmp",
	"ceil", "ceilf", "floor", "floorf", "trunc", "truncf",
	"rint", "rintf", "nearbyint", "nearbyintf", "roundeven", "roundevenf",
	"fmin", "fminf", "fmax", "fmaxf", "sqrt", "sqrtf",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
is_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(builtins); i++)
		if (!strcmp(name, builtins[i]))
			return 1;
	return 0;
}

/* Bit i set: the function has keyattrs[i] (bit 31: nounwind). */
static unsigned
attrmask(LLVMValueRef fn)
{
	unsigned m = 0, i, nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
	LLVMAttributeIndex fi = LLVMAttributeFunctionIndex;

	for (i = 0; i < NELEM(keyattrs); i++)
		if (LLVMGetStringAttributeAtIndex(fn, fi, keyattrs[i], strlen(keyattrs[i])))
			m |= 1u << i;
	if (LLVMGetEnumAttributeAtIndex(fn, fi, nounwind))
		m |= 1u << 31;
	return m;
}

/* A declared function that is called (intrinsics aside). */
static int
is_external_call(LLVMValueRef fn)
{
	size_t len;
	const char *name = LLVMGetValueName2(fn, &len);

	return LLVMIsDeclaration(fn) && !LLVMGetIntrinsicID(fn) && LLVMGetFirstUse(fn) &&
	       strncmp(name, "llvm.", 5);
}

/*
 * Every wasm call must use stack, so that unbounded recursion ends in
 * the "call stack exhausted" trap of the prologue's stack check.  Tail
 * recursion elimination (even with an accumulator: f(x) = f(x+1) + 1)
 * and sibling calls would turn it into a loop that never traps.
 * "disable-tail-calls" turns both off.
 */
void
pipeline_prepare(LLVMModuleRef mod)
{
	LLVMContextRef ctx = LLVMGetModuleContext(mod);
	LLVMAttributeRef a = LLVMCreateStringAttribute(ctx, "disable-tail-calls", 18, "true", 4);
	LLVMValueRef fn;

	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn))
			LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, a);
}

void
pipeline_snapshot(LLVMModuleRef mod, struct snapshot *s)
{
	LLVMValueRef fn;
	size_t len;

	memset(s, 0, sizeof *s);
	s->attrs = ~0u;
	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *name = LLVMGetValueName2(fn, &len);
		if (!LLVMIsDeclaration(fn)) {
			s->attrs &= attrmask(fn);
		} else if (is_external_call(fn)) {
			s->external = xrealloc(s->external, (s->nexternal + 1) * sizeof *s->external);
			s->external[s->nexternal] = strcpy(xmalloc(len + 1), name);
			s->nexternal++;
		}
	}
	if (s->attrs == ~0u)
		s->attrs = 0; /* no function defined */
}

static int
was_called(const struct snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nexternal; i++)
		if (!strcmp(s->external[i], name))
			return 1;
	return 0;
}

/* After the pipeline: the same attributes everywhere, and no new
 * external call except to a builtin.  Calls the input already made are
 * left for wasm-link to refuse (it names every undefined symbol). */
void
pipeline_check(LLVMModuleRef mod, const struct snapshot *before)
{
	LLVMValueRef fn;
	size_t len;

	for (fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *name = LLVMGetValueName2(fn, &len);
		if (!LLVMIsDeclaration(fn) && (attrmask(fn) & before->attrs) != before->attrs)
			die("the optimiser dropped sandbox attributes of %s", name);
		if (is_external_call(fn) && !is_builtin(name) && !was_called(before, name))
			die("the optimiser introduced a call to %s", name);
	}
}
