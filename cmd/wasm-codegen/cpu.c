/*
 * CPU names and the contract's feature bits.  The default target is the
 * host ("native"), as Wasmtime and WAMR's wamrc do; --target-cpu names
 * another (x86-64-v2 for a .so meant to run on any recent machine).
 *
 * The runtime refuses a .so whose features the machine lacks, so the
 * contract's bits must cover every feature LLVM may use.  Rather than
 * trust a table of what each CPU implies, wasm-codegen gives LLVM an
 * explicit feature string: the features of lib/contract.h that the CPU
 * has, and every other feature LLVM knows turned off.  What LLVM may use
 * is then exactly what the contract says.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/TargetMachine.h>

#include "arena.h"
#include "contract.h"
#include "codegen.h"

/* The features of lib/contract.h, by their LLVM names. */
static const struct {
	const char *name;
	uint64_t bit;
} known[] = {
	{"sse3", WA_CPU_SSE3}, {"ssse3", WA_CPU_SSSE3}, {"sse4.1", WA_CPU_SSE41},
	{"sse4.2", WA_CPU_SSE42}, {"popcnt", WA_CPU_POPCNT}, {"cx16", WA_CPU_CX16},
	{"sahf", WA_CPU_SAHF}, {"avx", WA_CPU_AVX}, {"avx2", WA_CPU_AVX2}, {"bmi", WA_CPU_BMI1},
	{"bmi2", WA_CPU_BMI2}, {"lzcnt", WA_CPU_LZCNT}, {"fma", WA_CPU_FMA},
	{"movbe", WA_CPU_MOVBE}, {"f16c", WA_CPU_F16C}, {"avx512f", WA_CPU_AVX512F},
	{"avx512vl", WA_CPU_AVX512VL}, {"avx512bw", WA_CPU_AVX512BW},
	{"avx512dq", WA_CPU_AVX512DQ}, {"avx512cd", WA_CPU_AVX512CD},
	{"avx512vbmi", WA_CPU_AVX512VBMI}, {"avx512vbmi2", WA_CPU_AVX512VBMI2},
	{"avx512vnni", WA_CPU_AVX512VNNI}, {"avx512bitalg", WA_CPU_AVX512BITALG},
	{"avx512vpopcntdq", WA_CPU_AVX512VPOPCNTDQ}, {"gfni", WA_CPU_GFNI},
};

/* Features that the named CPUs imply beyond the known ones, that LLVM
 * could use on its own or that matter only through intrinsics wasm
 * lacks: turned off.  A host's feature string lists every feature LLVM
 * reads from cpuid, but a CPU name can imply more (sse-unaligned-mem,
 * which lets SSE instructions take unaligned memory operands, is AMD's
 * alone), so the list goes after the host's features too. */
static const char *const others[] = {
	"sse-unaligned-mem", "3dnow", "3dnowa", "avx512er", "avx512pf", "prefetchwt1",
	"sse4a", "xop", "fma4", "tbm", "adx", "aes", "pclmul", "sha", "vaes", "vpclmulqdq",
	"avx512ifma", "avx512bf16", "avx512vp2intersect", "avx512fp16", "avxvnni", "rdrnd",
	"rdseed", "prfchw", "clflushopt", "clwb", "clzero", "mwaitx", "fsgsbase", "xsave",
	"xsaveopt", "xsavec", "xsaves", "invpcid", "sgx", "pku", "rdpid", "movdiri",
	"movdir64b", "waitpkg", "cldemote", "serialize", "ptwrite", "wbnoinvd", "pconfig",
	"enqcmd", "tsxldtrk", "uintr", "hreset", "kl", "widekl", "amx-tile", "amx-int8",
	"amx-bf16", "shstk", "rtm", "lwp", "crc32",
};

#define V2 (WA_CPU_SSE3 | WA_CPU_SSSE3 | WA_CPU_SSE41 | WA_CPU_SSE42 | WA_CPU_POPCNT | \
            WA_CPU_CX16 | WA_CPU_SAHF)
#define V3 (V2 | WA_CPU_AVX | WA_CPU_AVX2 | WA_CPU_BMI1 | WA_CPU_BMI2 | WA_CPU_LZCNT | \
            WA_CPU_FMA | WA_CPU_MOVBE | WA_CPU_F16C)
#define V4 (V3 | WA_CPU_AVX512F | WA_CPU_AVX512VL | WA_CPU_AVX512BW | WA_CPU_AVX512DQ | \
            WA_CPU_AVX512CD)
#define ICL (V4 | WA_CPU_AVX512VBMI | WA_CPU_AVX512VBMI2 | WA_CPU_AVX512VNNI | \
             WA_CPU_AVX512BITALG | WA_CPU_AVX512VPOPCNTDQ | WA_CPU_GFNI)

/* The named CPUs and the known features each has (LLVM's definitions). */
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
	{"ivybridge", V2 | WA_CPU_AVX | WA_CPU_F16C},
	{"haswell", V3},
	{"broadwell", V3},
	{"skylake", V3},
	{"skylake-avx512", V4},
	{"icelake-server", ICL},
	{"znver1", V3},
	{"znver2", V3},
	{"znver3", V3},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* x86-64's baseline: on everywhere, recorded nowhere. */
static const char *const baseline[] = {
	"64bit", "cmov", "cx8", "fxsr", "mmx", "sse", "sse2", "x87", "nopl",
};

static int
in_list(const char *const *list, size_t len, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strlen(list[i]) == n && !strncmp(name, list[i], n))
			return 1;
	return 0;
}

static int
known_bit(const char *name, size_t n, uint64_t *bit)
{
	size_t i;

	for (i = 0; i < NELEM(known); i++)
		if (strlen(known[i].name) == n && !strncmp(name, known[i].name, n)) {
			*bit = known[i].bit;
			return 1;
		}
	return 0;
}

/* Append "+name" or "-name" to the feature string s of length *len. */
static char *
add(char *s, size_t *len, char sign, const char *name, size_t n)
{
	s = xrealloc(s, *len + n + 3);
	if (*len)
		s[(*len)++] = ',';
	s[(*len)++] = sign;
	memcpy(s + *len, name, n);
	*len += n;
	s[*len] = 0;
	return s;
}

/* The host's features: the known ones it has stay on (and are
 * recorded), and so does the baseline; every other feature goes off. */
static void
host(struct cpu *out)
{
	char *host = LLVMGetHostCPUFeatures(), *s = xmalloc(1), *p = host;
	size_t len = 0, n;
	uint64_t bit;

	*s = 0;
	out->features = 0;
	while (*p) {
		n = strcspn(p, ",");
		if (n > 1 && (*p == '+' || *p == '-')) {
			int on = *p == '+' && known_bit(p + 1, n - 1, &bit);
			if (on)
				out->features |= bit;
			else if (*p == '+' && in_list(baseline, NELEM(baseline), p + 1, n - 1))
				on = 1;
			s = add(s, &len, on ? '+' : '-', p + 1, n - 1);
		}
		p += n + (p[n] == ',');
	}
	for (n = 0; n < NELEM(others); n++)
		s = add(s, &len, '-', others[n], strlen(others[n]));
	LLVMDisposeMessage(host);
	out->llvm_features = s;
}

/* Resolve --target-cpu: the LLVM CPU name and feature string, the name
 * the contract records and its feature bits.  0 if the CPU is unknown. */
int
cpu_resolve(const char *want, struct cpu *out)
{
	size_t i, k, len = 0;
	char *s;

	if (!strcmp(want, "native")) {
		out->name = LLVMGetHostCPUName();
		host(out);
		/* a CPU newer than this LLVM is "generic" plus its features */
		out->contract_name = strcmp(out->name, "generic") ? out->name : "native";
		return 1;
	}
	for (i = 0; i < NELEM(cpus); i++) {
		if (strcmp(want, cpus[i].name))
			continue;
		s = xmalloc(1);
		*s = 0;
		for (k = 0; k < NELEM(known); k++)
			s = add(s, &len, cpus[i].features & known[k].bit ? '+' : '-', known[k].name,
			        strlen(known[k].name));
		for (k = 0; k < NELEM(others); k++)
			s = add(s, &len, '-', others[k], strlen(others[k]));
		out->name = (char *)cpus[i].name;
		out->contract_name = cpus[i].name;
		out->llvm_features = s;
		out->features = cpus[i].features;
		return 1;
	}
	return 0;
}

void
cpu_list(FILE *f)
{
	size_t i;

	for (i = 0; i < NELEM(cpus); i++)
		fprintf(f, "%s\n", cpus[i].name);
	fprintf(f, "native\n");
}
