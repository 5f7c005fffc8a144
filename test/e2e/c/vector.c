/* Loops the compiler vectorises with -msimd128, and memcpy/memset that
 * become memory.copy/memory.fill with -mbulk-memory. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 4096
static float a[N], b[N], c[N];
static int32_t ia[N], ib[N];
static uint8_t bytes[N], copy[N];

int main(void)
{
	for (int i = 0; i < N; i++) {
		a[i] = (float)i * 0.5f;
		b[i] = (float)(N - i) * 0.25f;
		ia[i] = i * 7 - 3000;
		ib[i] = (i * 13) % 1000;
	}
	for (int r = 0; r < 10; r++)
		for (int i = 0; i < N; i++) {
			c[i] = a[i] * b[i] + c[i] * 0.5f;
			ia[i] = (ia[i] > ib[i] ? ia[i] - ib[i] : ib[i] - ia[i]) + (ia[i] >> 3);
		}
	double s = 0;
	int64_t t = 0;
	for (int i = 0; i < N; i++) {
		s += c[i];
		t += ia[i];
	}
	memset(bytes, 0x5a, sizeof bytes);
	for (int i = 0; i < N; i += 7)
		bytes[i] = (uint8_t)i;
	memcpy(copy, bytes, sizeof bytes);
	memmove(copy + 1, copy, N - 1);
	unsigned h = 0;
	for (int i = 0; i < N; i++)
		h = h * 31 + copy[i];
	printf("sum %.6e total %lld hash %08x\n", s, (long long)t, h);
	return 0;
}
