/*
 * Compute kernels for bench/compute.py, freestanding (no libc), so the
 * same file builds natively, for wasm32 (then run by wasm-aot, V8 and
 * wasm2c), with no imports.  Each kernel_X(n) works on static arrays
 * and returns a checksum, so that every peer must give the same number.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(#name))) __attribute__((noinline))
#else
#define EXPORT(name) __attribute__((noinline))
#endif

static u32 a[1 << 18];
static double m1[128 * 128], m2[128 * 128], m3[128 * 128];
static unsigned char sieve_[1 << 22];

static u32
rnd(u64 *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (u32)(*s >> 33);
}

/* integer loop over an array: loads, adds, xors */
EXPORT(kernel_sum) u32
kernel_sum(int n)
{
	u64 s = 1;
	u32 sum = 0;
	int r, i;

	for (i = 0; i < (1 << 18); i++)
		a[i] = rnd(&s);
	for (r = 0; r < n; r++)
		for (i = 0; i < (1 << 18); i++)
			sum += a[i] ^ (u32)r;
	return sum;
}

/* double-precision matrix multiply */
EXPORT(kernel_matmul) u32
kernel_matmul(int n)
{
	int r, i, j, k;
	u64 bits;
	double t;

	for (i = 0; i < 128 * 128; i++)
		m1[i] = i % 7, m2[i] = i % 13, m3[i] = 0;
	for (r = 0; r < n; r++)
		for (i = 0; i < 128; i++)
			for (j = 0; j < 128; j++) {
				t = 0;
				for (k = 0; k < 128; k++)
					t += m1[i * 128 + k] * m2[k * 128 + j];
				m3[i * 128 + j] += t;
			}
	t = 0;
	for (i = 0; i < 128 * 128; i++)
		t += m3[i];
	__builtin_memcpy(&bits, &t, 8);
	return (u32)(bits ^ (bits >> 32));
}

/* quicksort: branches, recursion, memory traffic */
static void
qsort_(u32 *v, int lo, int hi)
{
	while (lo < hi) {
		u32 p = v[(lo + hi) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i <= j) {
				u32 t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			qsort_(v, lo, j);
			lo = i;
		} else {
			qsort_(v, i, hi);
			hi = j;
		}
	}
}

EXPORT(kernel_sort) u32
kernel_sort(int n)
{
	u64 s = 7;
	u32 sum = 0;
	int r, i;

	for (r = 0; r < n; r++) {
		for (i = 0; i < (1 << 18); i++)
			a[i] = rnd(&s);
		qsort_(a, 0, (1 << 18) - 1);
		sum += a[12345] ^ a[(1 << 17)];
	}
	return sum;
}

/* byte-wise hashing (FNV-1a) */
EXPORT(kernel_hash) u32
kernel_hash(int n)
{
	const unsigned char *p = (const unsigned char *)a;
	u32 h = 2166136261u;
	u64 s = 3;
	int r, i;

	for (i = 0; i < (1 << 18); i++)
		a[i] = rnd(&s);
	for (r = 0; r < n; r++)
		for (i = 0; i < (1 << 20); i++)
			h = (h ^ p[i]) * 16777619u;
	return h;
}

/* sieve of Eratosthenes: byte stores with strides */
EXPORT(kernel_sieve) u32
kernel_sieve(int n)
{
	u32 count = 0;
	int r, i, j, m = 1 << 22;

	for (r = 0; r < n; r++) {
		for (i = 0; i < m; i++)
			sieve_[i] = 1;
		for (i = 2; i * i < m; i++)
			if (sieve_[i])
				for (j = i * i; j < m; j += i)
					sieve_[j] = 0;
		for (i = 2; i < m; i++)
			count += sieve_[i];
	}
	return count;
}
