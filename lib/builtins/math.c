/*
 * Rounding functions LLVM calls when the target CPU has no SSE4.1
 * round instructions (the x86-64 baseline), and the few other libm
 * functions its libcall lowering may name (fmin, fmax, sqrt).  IEEE
 * results in the default rounding mode; NaNs come back quiet.
 */
#include <stdint.h>

#define HIDDEN __attribute__((visibility("hidden")))

static double from64(uint64_t u) { double d; __builtin_memcpy(&d, &u, 8); return d; }
static uint64_t to64(double d) { uint64_t u; __builtin_memcpy(&u, &d, 8); return u; }
static float from32(uint32_t u) { float f; __builtin_memcpy(&f, &u, 4); return f; }
static uint32_t to32(float f) { uint32_t u; __builtin_memcpy(&u, &f, 4); return u; }

HIDDEN double
trunc(double x)
{
	uint64_t u = to64(x);
	int e = (int)((u >> 52) & 0x7ff) - 1023;

	if (e >= 52)
		return x + 0.0; /* integral, inf or NaN (quieted) */
	if (e < 0)
		return from64(u & 0x8000000000000000ull);
	return from64(u & ~(0x000fffffffffffffull >> e));
}

HIDDEN float
truncf(float x)
{
	uint32_t u = to32(x);
	int e = (int)((u >> 23) & 0xff) - 127;

	if (e >= 23)
		return x + 0;
	if (e < 0)
		return from32(u & 0x80000000u);
	return from32(u & ~(0x007fffffu >> e));
}

HIDDEN double
floor(double x)
{
	double t = trunc(x);

	return (t > x) ? t - 1.0 : t;
}

HIDDEN float
floorf(float x)
{
	float t = truncf(x);

	return (t > x) ? t - 1.0f : t;
}

HIDDEN double
ceil(double x)
{
	double t = trunc(x);

	if (t < x)
		return t + 1.0;
	return (t == 0 && (to64(x) >> 63)) ? -0.0 : t;
}

HIDDEN float
ceilf(float x)
{
	float t = truncf(x);

	if (t < x)
		return t + 1.0f;
	return (t == 0 && (to32(x) >> 31)) ? -0.0f : t;
}

/* Round to nearest, ties to even: adding and subtracting 2^52 makes the
 * FPU's own rounding do the work. */
HIDDEN double
rint(double x)
{
	const double big = 4503599627370496.0;
	uint64_t u = to64(x);
	double r;

	if (((u >> 52) & 0x7ff) >= 1023 + 52)
		return x + 0;
	r = (u >> 63) ? (x - big) + big : (x + big) - big;
	return from64(to64(r) | (u & 0x8000000000000000ull)); /* keep -0 */
}

HIDDEN float
rintf(float x)
{
	const float big = 8388608.0f;
	uint32_t u = to32(x);
	float r;

	if (((u >> 23) & 0xff) >= 127 + 23)
		return x + 0;
	r = (u >> 31) ? (x - big) + big : (x + big) - big;
	return from32(to32(r) | (u & 0x80000000u));
}

HIDDEN double nearbyint(double x) { return rint(x); }
HIDDEN float nearbyintf(float x) { return rintf(x); }
HIDDEN double roundeven(double x) { return rint(x); }
HIDDEN float roundevenf(float x) { return rintf(x); }

/* IEEE minNum/maxNum, what fmin and fmax mean in C: a NaN operand is
 * ignored unless both are NaN.  Signed zeros are ordered (-0 < +0). */
HIDDEN double
fmin(double x, double y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return (to64(x) >> 63) ? x : y;
	return x < y ? x : y;
}

HIDDEN double
fmax(double x, double y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return (to64(x) >> 63) ? y : x;
	return x > y ? x : y;
}

HIDDEN float
fminf(float x, float y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return (to32(x) >> 31) ? x : y;
	return x < y ? x : y;
}

HIDDEN float
fmaxf(float x, float y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return (to32(x) >> 31) ? y : x;
	return x > y ? x : y;
}

/* The instructions themselves: __builtin_sqrt would call sqrt for
 * negative inputs to set errno, that is, call itself. */
HIDDEN double
sqrt(double x)
{
	__asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x));
	return x;
}

HIDDEN float
sqrtf(float x)
{
	__asm__("sqrtss %1, %0" : "=x"(x) : "x"(x));
	return x;
}
