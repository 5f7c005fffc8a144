/*
 * CPU names and the contract's feature bits.  The runtime refuses a
 * .so whose features the machine lacks, so these bits must cover
 * everything the chosen CPU lets LLVM use that matters for wasm code.
 */
#include <string.h>

#include <llvm-c/TargetMachine.h>

#include "contract.h"
#include "codegen.h"

#define V2 (WA_CPU_SSSE3 | WA_CPU_SSE41 | WA_CPU_SSE42 | WA_CPU_POPCNT)
#define V3 (V2 | WA_CPU_AVX | WA_CPU_AVX2 | WA_CPU_BMI1 | WA_CPU_BMI2 | WA_CPU_LZCNT | WA_CPU_FMA)
#define V4 (V3 | WA_CPU_AVX512F)

static const struct {
	const char *name;
	uint64_t features;
} cpus[] = {
	{"x86-64", 0},
	{"x86-64-v2", V2},
	{"x86-64-v3", V3},
	{"x86-64-v4", V4},
	{"nehalem", V2},
	{"westmere", V2},
	{"sandybridge", V2 | WA_CPU_AVX},
	{"ivybridge", V2 | WA_CPU_AVX},
	{"haswell", V3},
	{"broadwell", V3},
	{"skylake", V3},
	{"skylake-avx512", V4},
	{"icelake-server", V4},
	{"znver1", V3},
	{"znver2", V3},
	{"znver3", V3},
};

static const struct {
	const char *flag;
	uint64_t bit;
} flags[] = {
	{"+ssse3", WA_CPU_SSSE3}, {"+sse4.1", WA_CPU_SSE41}, {"+sse4.2", WA_CPU_SSE42},
	{"+popcnt", WA_CPU_POPCNT}, {"+avx", WA_CPU_AVX}, {"+avx2", WA_CPU_AVX2},
	{"+bmi", WA_CPU_BMI1}, {"+bmi2", WA_CPU_BMI2}, {"+lzcnt", WA_CPU_LZCNT},
	{"+fma", WA_CPU_FMA}, {"+avx512f", WA_CPU_AVX512F},
};

/* Feature bits named in an LLVM feature string ("+sse4.1,-avx,..."). */
static uint64_t
parse_features(const char *s)
{
	uint64_t bits = 0;
	size_t i, n;

	while (*s) {
		n = strcspn(s, ",");
		for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
			if (strlen(flags[i].flag) == n && !strncmp(s, flags[i].flag, n))
				bits |= flags[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return bits;
}

/* Resolve --target-cpu: fills the LLVM CPU name and feature string
 * (owned by LLVM for "native") and the contract bits.  0 if unknown. */
int
cpu_resolve(const char *want, struct cpu *out)
{
	size_t i;

	if (!strcmp(want, "native")) {
		out->name = LLVMGetHostCPUName();
		out->llvm_features = LLVMGetHostCPUFeatures();
		out->features = parse_features(out->llvm_features);
		/* A CPU newer than this LLVM is "generic" plus its features;
		 * the contract then says where the features came from. */
		out->contract_name = strcmp(out->name, "generic") ? out->name : "native";
		return 1;
	}
	for (i = 0; i < sizeof cpus / sizeof cpus[0]; i++)
		if (!strcmp(want, cpus[i].name)) {
			out->name = (char *)cpus[i].name;
			out->contract_name = cpus[i].name;
			out->llvm_features = (char *)"";
			out->features = cpus[i].features;
			return 1;
		}
	return 0;
}

void
cpu_list(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof cpus / sizeof cpus[0]; i++)
		fprintf(f, "%s\n", cpus[i].name);
	fprintf(f, "native\n");
}
