/*
 * CPU features by cpuid, as the contract's WA_CPU_* bits: a module
 * compiled for features this machine lacks is refused at load time
 * rather than dying on SIGILL in the middle of a run.
 */
#include <cpuid.h>
#include <string.h>

#include "rt.h"

/* By the names LLVM and wasm-codegen --target-cpu use. */
static const struct {
	uint64_t bit;
	const char *name;
} names[] = {
	{WA_CPU_SSE3, "sse3"}, {WA_CPU_SSSE3, "ssse3"}, {WA_CPU_SSE41, "sse4.1"},
	{WA_CPU_SSE42, "sse4.2"}, {WA_CPU_POPCNT, "popcnt"}, {WA_CPU_CX16, "cx16"},
	{WA_CPU_SAHF, "sahf"}, {WA_CPU_AVX, "avx"}, {WA_CPU_AVX2, "avx2"}, {WA_CPU_BMI1, "bmi"},
	{WA_CPU_BMI2, "bmi2"}, {WA_CPU_LZCNT, "lzcnt"}, {WA_CPU_FMA, "fma"},
	{WA_CPU_MOVBE, "movbe"}, {WA_CPU_F16C, "f16c"}, {WA_CPU_AVX512F, "avx512f"},
	{WA_CPU_AVX512VL, "avx512vl"}, {WA_CPU_AVX512BW, "avx512bw"},
	{WA_CPU_AVX512DQ, "avx512dq"}, {WA_CPU_AVX512CD, "avx512cd"},
	{WA_CPU_AVX512VBMI, "avx512vbmi"}, {WA_CPU_AVX512VBMI2, "avx512vbmi2"},
	{WA_CPU_AVX512VNNI, "avx512vnni"}, {WA_CPU_AVX512BITALG, "avx512bitalg"},
	{WA_CPU_AVX512VPOPCNTDQ, "avx512vpopcntdq"}, {WA_CPU_GFNI, "gfni"},
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

/* The names of the features in bits, separated by spaces, in buf. */
const char *
cpu_feature_names(uint64_t bits, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof names / sizeof names[0] && size; i++)
		if (bits & names[i].bit) {
			size_t n = strlen(names[i].name);
			if (len + n + 2 > size)
				break;
			if (len)
				buf[len++] = ' ';
			memcpy(buf + len, names[i].name, n + 1);
			len += n;
		}
	return buf;
}

/* The OS saves the AVX state (XCR0 bits 1 and 2), and the AVX-512
 * state too (bits 5 to 7)? */
static uint32_t
xcr0(uint32_t ecx1)
{
	uint32_t lo, hi;

	if (!(ecx1 & bit_OSXSAVE))
		return 0;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo;
}

#define HAS(reg, n) (((reg) >> (n)) & 1)

static uint64_t
probe(void)
{
	uint32_t a, b, c, d, c1 = 0, x;
	uint64_t f = 0;
	int avx, avx512;

	if (__get_cpuid(1, &a, &b, &c, &d)) {
		c1 = c;
		f |= HAS(c, 0) ? WA_CPU_SSE3 : 0;
		f |= HAS(c, 9) ? WA_CPU_SSSE3 : 0;
		f |= HAS(c, 13) ? WA_CPU_CX16 : 0;
		f |= HAS(c, 19) ? WA_CPU_SSE41 : 0;
		f |= HAS(c, 20) ? WA_CPU_SSE42 : 0;
		f |= HAS(c, 22) ? WA_CPU_MOVBE : 0;
		f |= HAS(c, 23) ? WA_CPU_POPCNT : 0;
	}
	x = xcr0(c1);
	avx = (x & 6) == 6 && HAS(c1, 28);
	avx512 = avx && (x & 0xe6) == 0xe6;
	f |= avx ? WA_CPU_AVX : 0;
	f |= (avx && HAS(c1, 12)) ? WA_CPU_FMA : 0;
	f |= (avx && HAS(c1, 29)) ? WA_CPU_F16C : 0;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		f |= HAS(b, 3) ? WA_CPU_BMI1 : 0;
		f |= HAS(b, 8) ? WA_CPU_BMI2 : 0;
		f |= (avx && HAS(b, 5)) ? WA_CPU_AVX2 : 0;
		f |= HAS(c, 8) ? WA_CPU_GFNI : 0;
		if (avx512 && HAS(b, 16)) {
			f |= WA_CPU_AVX512F;
			f |= HAS(b, 17) ? WA_CPU_AVX512DQ : 0;
			f |= HAS(b, 28) ? WA_CPU_AVX512CD : 0;
			f |= HAS(b, 30) ? WA_CPU_AVX512BW : 0;
			f |= HAS(b, 31) ? WA_CPU_AVX512VL : 0;
			f |= HAS(c, 1) ? WA_CPU_AVX512VBMI : 0;
			f |= HAS(c, 6) ? WA_CPU_AVX512VBMI2 : 0;
			f |= HAS(c, 11) ? WA_CPU_AVX512VNNI : 0;
			f |= HAS(c, 12) ? WA_CPU_AVX512BITALG : 0;
			f |= HAS(c, 14) ? WA_CPU_AVX512VPOPCNTDQ : 0;
		}
	}
	if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
		f |= HAS(c, 0) ? WA_CPU_SAHF : 0;
		f |= HAS(c, 5) ? WA_CPU_LZCNT : 0;
	}
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
