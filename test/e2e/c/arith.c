/* Integer and floating-point arithmetic whose results must match native. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static volatile int64_t vi[] = {0, 1, -1, 7, -7, 123456789, INT64_MIN, INT64_MAX, 0x7fffffff, -2147483647 - 1};
static volatile double vd[] = {0.0, -0.0, 1.5, -2.25, 3.141592653589793, 1e300, -1e-300, 0.1, 2.5, -3.5};

int main(void)
{
	int n = sizeof vi / sizeof vi[0];
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			int64_t a = vi[i], b = vi[j];
			int32_t a32 = (int32_t)a, b32 = (int32_t)b;
			h = (h ^ (uint64_t)(a + b)) * 1099511628211ull;
			h = (h ^ (uint64_t)(a * b)) * 1099511628211ull;
			if (b != 0 && !(a == INT64_MIN && b == -1))
				h = (h ^ (uint64_t)(a / b) ^ (uint64_t)(a % b)) * 1099511628211ull;
			if (b32 != 0 && !(a32 == INT32_MIN && b32 == -1))
				h = (h ^ (uint32_t)(a32 / b32) ^ (uint32_t)(a32 % b32)) * 1099511628211ull;
			h = (h ^ ((uint64_t)a >> (b & 63)) ^ (uint64_t)(a << (b & 63))) * 1099511628211ull;
		}
	printf("integer hash %016" PRIx64 "\n", h);
	for (int i = 0; i < 10; i++) {
		double x = vd[i];
		printf("%g %g %g %g %.17g %.9g\n", floor(x), ceil(x), trunc(x), rint(x),
		       sqrt(fabs(x)), (float)x * 1.25f);
		printf("%d %lld %a\n", (int)fmin(fmax(x, -1e9), 1e9), (long long)fmin(fmax(x, -1e18), 1e18), x / 3);
	}
	printf("%d %d %d\n", __builtin_popcount(0xf0f0u), __builtin_clz(1u), __builtin_ctzll(1ull << 40));
	return 0;
}
