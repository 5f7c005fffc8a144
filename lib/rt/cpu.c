/*
 * CPU features by cpuid, as the contract's WA_CPU_* bits: a module
 * compiled for features this machine lacks is refused at load time
 * rather than dying on SIGILL in the middle of a run.
 */
#include <cpuid.h>

#include "rt.h"

static const struct {
	uint64_t bit;
	const char *name;
} names[] = {
	{WA_CPU_SSE41, "sse4.1"}, {WA_CPU_SSE42, "sse4.2"}, {WA_CPU_POPCNT, "popcnt"},
	{WA_CPU_AVX, "avx"}, {WA_CPU_AVX2, "avx2"}, {WA_CPU_BMI1, "bmi"}, {WA_CPU_BMI2, "bmi2"},
	{WA_CPU_LZCNT, "lzcnt"}, {WA_CPU_FMA, "fma"}, {WA_CPU_AVX512F, "avx512f"},
	{WA_CPU_SSSE3, "ssse3"},
};

const char *
cpu_feature_name(uint64_t bit)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].bit == bit)
			return names[i].name;
	return "unknown";
}

/* AVX state must also be enabled by the OS (XCR0 bits 1 and 2). */
static int
os_saves_avx(uint32_t ecx1)
{
	uint32_t lo, hi;

	if (!(ecx1 & bit_OSXSAVE))
		return 0;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static uint64_t
probe(void)
{
	uint32_t a, b, c, d, c1 = 0;
	uint64_t f = 0;
	int avx;

	if (__get_cpuid(1, &a, &b, &c, &d)) {
		c1 = c;
		f |= (c & bit_SSSE3) ? WA_CPU_SSSE3 : 0;
		f |= (c & bit_SSE4_1) ? WA_CPU_SSE41 : 0;
		f |= (c & bit_SSE4_2) ? WA_CPU_SSE42 : 0;
		f |= (c & bit_POPCNT) ? WA_CPU_POPCNT : 0;
	}
	avx = os_saves_avx(c1);
	f |= (avx && (c1 & bit_AVX)) ? WA_CPU_AVX : 0;
	f |= (avx && (c1 & bit_FMA)) ? WA_CPU_FMA : 0;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		f |= (b & bit_BMI) ? WA_CPU_BMI1 : 0;
		f |= (b & bit_BMI2) ? WA_CPU_BMI2 : 0;
		f |= (avx && (b & bit_AVX2)) ? WA_CPU_AVX2 : 0;
		f |= (avx && (b & bit_AVX512F)) ? WA_CPU_AVX512F : 0;
	}
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		f |= (c & bit_LZCNT) ? WA_CPU_LZCNT : 0;
	return f;
}

/* cpuid traps to the hypervisor in a virtual machine (tens of
 * microseconds for these few leaves, a third of loading a module), and
 * the answer does not change: asked once per process. */
uint64_t
cpu_features(void)
{
	static uint64_t cached;      /* the features, with bit 63 set once known */
	uint64_t f = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (!(f >> 63)) {
		f = probe() | 1ull << 63;
		__atomic_store_n(&cached, f, __ATOMIC_RELAXED);
	}
	return f & ~(1ull << 63);
}
