/*
 * The LLVM pass pipeline of each -O level.  --passes replaces it with
 * any pipeline of LLVM's new pass manager, for experiments.
 *
 * The levels are LLVM's own pipelines, chosen on evidence
 * (bench/passes.py: the same IR compiled by each candidate, the
 * compile's instructions counted by callgrind, the code's speed on
 * bench/compute.py's kernels; figures in wasm-codegen(1)):
 *   - default<O3> compiled as fast as O2 here and ran no faster;
 *   - default<O1> (which, through the C API, keeps the loop
 *     vectoriser) saved 37% of the kernels' compile and 9% of a
 *     gen-big module's, but its code was clearly slower (no GVN, less
 *     inlining);
 *   - O2 without the passes that do nothing for wasm (coroutines,
 *     OpenMP, called-value propagation, speculative execution, one of
 *     the two jump-threading rounds, one instcombine after the
 *     vectorisers, loop-sink, cg-profile) saved 3-5% and would pin a
 *     2.5 KB pipeline text to LLVM 14's spelling: not worth it.
 * The SLP vectoriser runs at -O3, and at -O2 only in modules with wasm
 * SIMD instructions (wasm-lower's flag WA_SIMD_FLAG).  On a CPU with
 * AVX-512 (the default target is the host) it packs the four
 * quarter-rounds of a ChaCha-style mix of scalar wasm into vectors,
 * because vprold makes vector rotates look cheap, and the result is a
 * serial chain of shuffles and rotates: compute.py's chacha ran 2.0x
 * native with it, 1.0-1.3x without (clang -O2 -march=native does the
 * same to native code: 0.24 s against 0.13 s for clang -O2); of the
 * other kernels it changed the code of three (heat3d, matmulf,
 * trisolve), which ran the same within the noise.  But wasm SIMD code
 * (clang -msimd128 vectorised the same mix with lane extracts and
 * inserts) needs it to make those lanes x86 shuffles: without it the
 * -msimd128 chacha went from 1.9x native to 3.7x.
 * About half of wasm-codegen's time on a large module is code
 * generation after the pipeline, and parsing the IR text 3%.
 */
#include <stdio.h>
#include <string.h>

#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Support.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "codegen.h"
#include "contract.h"
#include "diag.h"

static const char *const pipelines[4] = {
	"default<O0>",
	"default<O1>",
	"default<O2>",
	"default<O3>",
};

static const char *user_passes;
static __thread int in_passes;

/* LLVM reports some errors of a pipeline only while running it (a loop
 * pass that needs MemorySSA outside loop-mssa) and then aborts: an
 * input error of --passes, not a crash.  The handler is the process's;
 * another thread may be generating code. */
static void
bad_pipeline(const char *reason)
{
	if (!in_passes)
		die("LLVM: %s", reason);
	fatal("--passes %s: %s", user_passes, reason);
}

/* Whether the SLP vectoriser runs on mod at olevel: -1 if it does not
 * matter (the module is compiled as at -O0). */
int
slp_wanted(LLVMModuleRef mod, int olevel)
{
	if (olevel == 0)
		return -1;
	return olevel >= 3 || (olevel == 2 && LLVMGetModuleFlag(mod, WA_SIMD_FLAG, strlen(WA_SIMD_FLAG)));
}

/*
 * Process-wide settings, before any pipeline runs (in any thread).
 * LLVM 14's default<ON> pipelines run the SLP vectoriser whatever the
 * pass builder's option says: only its own command-line flag stops it,
 * and that flag is the process's, so every module compiled in one
 * process must want the same (slp 0 or 1; -1: none cares).
 */
void
optimise_setup(int slp, const char *passes)
{
	if (!passes && slp == 0) {
		static const char *const argv[] = {"wasm-codegen", "-vectorize-slp=false"};
		LLVMParseCommandLineOptions(2, argv, NULL);
	}
	if (passes) {
		user_passes = passes;
		LLVMInstallFatalErrorHandler(bad_pipeline);
	}
}

void
optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm, int olevel, const char *passes, int slp)
{
	const char *pipeline = passes ? passes : pipelines[olevel];
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef err;

	LLVMPassBuilderOptionsSetSLPVectorization(po, slp > 0);
	in_passes = 1;
	err = LLVMRunPasses(mod, pipeline, tm, po);
	in_passes = 0;
	LLVMDisposePassBuilderOptions(po);
	if (err) {
		char *msg = LLVMGetErrorMessage(err);
		if (passes)
			fatal("--passes %s: %s", passes, msg);
		die("pass pipeline %s: %s", pipeline, msg);
	}
}
