/*
 * The LLVM pass pipeline of each -O level.  (The choice and its
 * measurements are in wasm-codegen(1).)  --passes replaces it with any
 * pipeline of LLVM's new pass manager, for experiments.
 */
#include <stdio.h>
#include <string.h>

#include <llvm-c/Transforms/PassBuilder.h>

#include "codegen.h"
#include "diag.h"

static const char *const pipelines[4] = {
	"default<O0>",
	"default<O1>",
	"default<O2>",
	"default<O3>",
};

void
optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm, int olevel, const char *passes)
{
	const char *pipeline = passes ? passes : pipelines[olevel];
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef err;

	LLVMPassBuilderOptionsSetSLPVectorization(po, olevel >= 2);
	err = LLVMRunPasses(mod, pipeline, tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (err) {
		char *msg = LLVMGetErrorMessage(err);
		if (passes)
			fatal("--passes %s: %s", passes, msg);
		die("pass pipeline %s: %s", pipeline, msg);
	}
}
