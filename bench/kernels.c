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

/* The kernels below are where V8 used to beat us (issue 12): stencils,
 * loops over arrays of floats, triangular solves, dynamic programming,
 * and 32-bit rotate-and-add mixing as in stream ciphers. */

static float f1[1 << 16], f2[1 << 16];

/* 1-D three-point stencil over floats, ping-ponging two arrays */
EXPORT(kernel_stencil1d) u32
kernel_stencil1d(int n)
{
	int r, i, m = 1 << 16;
	float *src = f1, *dst = f2, *t, s = 0;
	u32 bits;

	for (i = 0; i < m; i++)
		f1[i] = (float)(i % 101), f2[i] = 0;
	for (r = 0; r < n; r++) {
		for (i = 1; i < m - 1; i++)
			dst[i] = 0.25f * src[i - 1] + 0.5f * src[i] + 0.25f * src[i + 1];
		t = src, src = dst, dst = t;
	}
	for (i = 0; i < m; i++)
		s += src[i];
	__builtin_memcpy(&bits, &s, 4);
	return bits;
}

#define J2 256
static double g1[J2 * J2], g2[J2 * J2];

/* 2-D Jacobi iteration, five points, doubles */
EXPORT(kernel_jacobi2d) u32
kernel_jacobi2d(int n)
{
	int r, i, j;
	double *src = g1, *dst = g2, *t, s = 0;
	u64 bits;

	for (i = 0; i < J2 * J2; i++)
		g1[i] = g2[i] = (double)(i % 17);
	for (r = 0; r < n; r++) {
		for (i = 1; i < J2 - 1; i++)
			for (j = 1; j < J2 - 1; j++)
				dst[i * J2 + j] = 0.2 * (src[i * J2 + j] + src[(i - 1) * J2 + j] +
				                         src[(i + 1) * J2 + j] + src[i * J2 + j - 1] +
				                         src[i * J2 + j + 1]);
		t = src, src = dst, dst = t;
	}
	for (i = 0; i < J2 * J2; i++)
		s += src[i];
	__builtin_memcpy(&bits, &s, 8);
	return (u32)(bits ^ (bits >> 32));
}

#define H3 48
static float h1[H3 * H3 * H3], h2[H3 * H3 * H3];

/* 3-D heat equation, seven points, floats */
EXPORT(kernel_heat3d) u32
kernel_heat3d(int n)
{
	int r, i, j, k;
	float *src = h1, *dst = h2, *t, s = 0;
	u32 bits;

#define H(a, x, y, z) a[((x) * H3 + (y)) * H3 + (z)]
	for (i = 0; i < H3 * H3 * H3; i++)
		h1[i] = h2[i] = (float)(i % 23);
	for (r = 0; r < n; r++) {
		for (i = 1; i < H3 - 1; i++)
			for (j = 1; j < H3 - 1; j++)
				for (k = 1; k < H3 - 1; k++)
					H(dst, i, j, k) = H(src, i, j, k) +
						0.125f * (H(src, i + 1, j, k) - 2.0f * H(src, i, j, k) + H(src, i - 1, j, k)) +
						0.125f * (H(src, i, j + 1, k) - 2.0f * H(src, i, j, k) + H(src, i, j - 1, k)) +
						0.125f * (H(src, i, j, k + 1) - 2.0f * H(src, i, j, k) + H(src, i, j, k - 1));
		t = src, src = dst, dst = t;
	}
#undef H
	for (i = 0; i < H3 * H3 * H3; i++)
		s += src[i];
	__builtin_memcpy(&bits, &s, 4);
	return bits;
}

#define MF 192
static float a1[MF * MF], a2[MF * MF], a3[MF * MF];

/* single-precision matrix multiply in i-k-j order (vectorisable) */
EXPORT(kernel_matmulf) u32
kernel_matmulf(int n)
{
	int r, i, j, k;
	float s = 0;
	u32 bits;

	for (i = 0; i < MF * MF; i++)
		a1[i] = (float)(i % 7), a2[i] = (float)(i % 5), a3[i] = 0;
	for (r = 0; r < n; r++)
		for (i = 0; i < MF; i++)
			for (k = 0; k < MF; k++) {
				float x = a1[i * MF + k];
				for (j = 0; j < MF; j++)
					a3[i * MF + j] += x * a2[k * MF + j];
			}
	for (i = 0; i < MF * MF; i++)
		s += a3[i];
	__builtin_memcpy(&bits, &s, 4);
	return bits;
}

#define TS 384
static double tl[TS * TS], tb[TS], tx[TS];

/* forward substitution with a lower-triangular matrix */
EXPORT(kernel_trisolve) u32
kernel_trisolve(int n)
{
	int r, i, j;
	double s = 0;
	u64 bits;

	for (i = 0; i < TS; i++)
		for (j = 0; j < TS; j++)
			tl[i * TS + j] = j > i ? 0 : j == i ? 2.0 + i % 3 : 1.0 / (1 + (i + j) % 9);
	for (r = 0; r < n; r++) {
		for (i = 0; i < TS; i++)
			tb[i] = (double)((i + r) % 11);
		for (i = 0; i < TS; i++) {
			double t = tb[i];
			for (j = 0; j < i; j++)
				t -= tl[i * TS + j] * tx[j];
			tx[i] = t / tl[i * TS + i];
		}
		s += tx[TS - 1] + tx[TS / 2];
	}
	__builtin_memcpy(&bits, &s, 8);
	return (u32)(bits ^ (bits >> 32));
}

#define FW 192
static u32 dist[FW * FW];

/* Floyd-Warshall all-pairs shortest paths (dynamic programming) */
EXPORT(kernel_floyd) u32
kernel_floyd(int n)
{
	u64 s = 11;
	u32 sum = 0;
	int r, i, j, k;

	for (r = 0; r < n; r++) {
		for (i = 0; i < FW * FW; i++)
			dist[i] = rnd(&s) % 1000 + 1;
		for (k = 0; k < FW; k++)
			for (i = 0; i < FW; i++) {
				u32 dik = dist[i * FW + k];
				for (j = 0; j < FW; j++) {
					u32 d = dik + dist[k * FW + j];
					if (d < dist[i * FW + j])
						dist[i * FW + j] = d;
				}
			}
		sum += dist[5 * FW + 7] ^ dist[(FW - 1) * FW];
	}
	return sum;
}

#define LS 2000
static unsigned char sa[LS], sb[LS];
static u32 row[LS + 1];

/* edit distance (dynamic programming with a running minimum) */
EXPORT(kernel_editdist) u32
kernel_editdist(int n)
{
	u64 s = 5;
	u32 sum = 0;
	int r, i, j;

	for (r = 0; r < n; r++) {
		for (i = 0; i < LS; i++)
			sa[i] = 'a' + rnd(&s) % 4, sb[i] = 'a' + rnd(&s) % 4;
		for (j = 0; j <= LS; j++)
			row[j] = j;
		for (i = 1; i <= LS; i++) {
			u32 diag = row[0], left = i;
			row[0] = i;
			for (j = 1; j <= LS; j++) {
				u32 up = row[j], c = diag + (sa[i - 1] != sb[j - 1]);
				if (up + 1 < c)
					c = up + 1;
				if (left + 1 < c)
					c = left + 1;
				diag = up;
				row[j] = left = c;
			}
		}
		sum += row[LS];
	}
	return sum;
}

/* ChaCha-style mixing: 32-bit adds, xors and rotates over words */
#define ROTL(x, b) (u32)(((x) << (b)) | ((x) >> (32 - (b))))
#define QR(a, b, c, d) (a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), \
                        a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))
static u32 cbuf[1 << 14];

EXPORT(kernel_chacha) u32
kernel_chacha(int n)
{
	u32 x[16], sum = 0;
	int r, blk, i;

	for (r = 0; r < n; r++)
		for (blk = 0; blk < (1 << 14) / 16; blk++) {
			for (i = 0; i < 16; i++)
				x[i] = cbuf[blk * 16 + i] ^ (u32)(i * 0x9e3779b9u + r + blk);
			for (i = 0; i < 10; i++) {
				QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
				QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
				QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
				QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
			}
			for (i = 0; i < 16; i++)
				cbuf[blk * 16 + i] += x[i];
		}
	for (i = 0; i < (1 << 14); i++)
		sum += cbuf[i];
	return sum;
}
