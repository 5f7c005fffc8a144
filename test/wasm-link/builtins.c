/*
 * libwabuiltins.a against the C library: the archive's symbols renamed
 * with a wa_ prefix (objcopy --prefix-symbols=wa_), then compared on
 * special and random values.  Prints the first differences and the
 * count; exits 1 if there is any.  Signalling NaNs are left out of the
 * fmin/fmax comparison: glibc returns NaN for them, LLVM's minnum
 * semantics (which is all a libcall has to honour) the other operand.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

double wa_floor(double), wa_ceil(double), wa_trunc(double), wa_rint(double);
double wa_nearbyint(double), wa_roundeven(double), wa_sqrt(double);
float wa_floorf(float), wa_ceilf(float), wa_truncf(float), wa_rintf(float);
float wa_nearbyintf(float), wa_roundevenf(float), wa_sqrtf(float);
double wa_fmin(double, double), wa_fmax(double, double);
float wa_fminf(float, float), wa_fmaxf(float, float);
void *wa_memcpy(void *, const void *, size_t), *wa_memmove(void *, const void *, size_t);
void *wa_memset(void *, int, size_t);
int wa_memcmp(const void *, const void *, size_t);

static long bad;
static uint64_t seed = 88172645463325252ull;

static uint64_t
rnd(void)
{
	seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
	return seed;
}

static int
same64(double a, double b)
{
	return (a != a && b != b) || !memcmp(&a, &b, 8);
}

static int
same32(float a, float b)
{
	return (a != a && b != b) || !memcmp(&a, &b, 4);
}

/* halves and quarters near integers, then numbers up to 2^60, then any bits */
static double
pick64(void)
{
	uint64_t u = rnd();
	double d;

	switch (rnd() % 4) {
	case 0: return (double)(int64_t)(rnd() % 2000000) / (1 << rnd() % 8) - 500000;
	case 1: u = (u & 0x800fffffffffffffull) | (uint64_t)(1023 + rnd() % 60) << 52; break;
	}
	memcpy(&d, &u, 8);
	return d;
}

static float
pick32(void)
{
	uint32_t u = rnd();
	float f;

	switch (rnd() % 4) {
	case 0: return (float)(int)(rnd() % 200000) / (1 << rnd() % 8) - 50000;
	case 1: u = (u & 0x807fffffu) | (uint32_t)(127 + rnd() % 30) << 23; break;
	}
	memcpy(&f, &u, 4);
	return f;
}

#define FAIL(...) (bad++ < 10 ? printf(__VA_ARGS__) : 0)
#define D1(fn) if (!same64(wa_##fn(d), fn(d))) FAIL(#fn "(%a) = %a, want %a\n", d, wa_##fn(d), fn(d))
#define F1(fn) if (!same32(wa_##fn(f), fn(f))) FAIL(#fn "(%a) = %a, want %a\n", f, wa_##fn(f), fn(f))
#define D2(fn) if (d == d && e == e && !same64(wa_##fn(d, e), fn(d, e))) FAIL(#fn "(%a, %a)\n", d, e)
#define F2(fn) if (f == f && g == g && !same32(wa_##fn(f, g), fn(f, g))) FAIL(#fn "(%a, %a)\n", f, g)

static void
math(long n)
{
	static const double sd[] = {
		0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
		4503599627370495.5, 4503599627370496.0, -4503599627370495.5, 9007199254740991.0,
		INFINITY, -INFINITY, NAN, -NAN, 1e-310, -1e-310, 1.0, -1.0, 0.9999999999999999,
	};
	static const float sf[] = {
		0.0f, -0.0f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f, 8388607.5f,
		8388608.0f, -8388607.5f, 16777215.0f, INFINITY, -INFINITY, NAN, -NAN, 1e-40f, -1e-40f,
	};
	long i;

	for (i = 0; i < n; i++) {
		double d = i < (long)(sizeof sd / sizeof sd[0]) ? sd[i] : pick64(), e = pick64();
		float f = i < (long)(sizeof sf / sizeof sf[0]) ? sf[i] : pick32(), g = pick32();
		if (i % 3 == 0)
			e = i % 2 ? -d : d, g = i % 2 ? -f : f;
		D1(floor); D1(ceil); D1(trunc); D1(rint); D1(nearbyint); D1(roundeven); D1(sqrt);
		F1(floorf); F1(ceilf); F1(truncf); F1(rintf); F1(nearbyintf); F1(roundevenf); F1(sqrtf);
		D2(fmin); D2(fmax); F2(fminf); F2(fmaxf);
	}
}

static void
memory(long n)
{
	unsigned char a[600], want[600], got[600];
	size_t len, src, dst;
	long i;
	int j, r1, r2;

	for (i = 0; i < n; i++) {
		for (j = 0; j < 600; j++)
			a[j] = rnd();
		len = rnd() % 300, src = rnd() % 300, dst = rnd() % 300;
		memcpy(want, a, 600), memcpy(got, a, 600);
		memmove(want + dst, want + src, len);
		if (wa_memmove(got + dst, got + src, len) != got + dst || memcmp(want, got, 600))
			FAIL("memmove(+%zu, +%zu, %zu)\n", dst, src, len);
		memset(want + dst, (int)src, len);
		if (wa_memset(got + dst, (int)src, len) != got + dst || memcmp(want, got, 600))
			FAIL("memset(+%zu, %zu, %zu)\n", dst, src, len);
		memcpy(want + 300, a + src, len);
		if (wa_memcpy(got + 300, a + src, len) != got + 300 || memcmp(want, got, 600))
			FAIL("memcpy(+300, +%zu, %zu)\n", src, len);
		memcpy(want, a, 600);
		if (rnd() % 2)
			want[src + len / 2] ^= 1 + rnd() % 255;
		r1 = memcmp(a + src, want + src, len), r2 = wa_memcmp(a + src, want + src, len);
		if ((r1 > 0) - (r1 < 0) != (r2 > 0) - (r2 < 0))
			FAIL("memcmp(+%zu, %zu)\n", src, len);
	}
}

int
main(void)
{
	math(300000);
	memory(20000);
	printf("%ld differences\n", bad);
	return bad != 0;
}
