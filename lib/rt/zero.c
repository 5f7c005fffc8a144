/*
 * Bringing a slot's heap back to zeros after an instance, at the cost
 * of what the guest touched, and choosing how by measurement.
 *
 * What a request that dirties N bytes costs is the guest's writes, the
 * reset, and the page faults the next request takes where the reset
 * gave pages back to the kernel.  A page fault here costs more than
 * clearing the page (the kernel clears it too, and a fault is a trip
 * through the kernel: about 1.6 us in this VM against 0.3 us for a
 * 4 KiB memset), so the pages the guest dirtied are cleared in place
 * and kept, up to the region's keep_resident bound; past it they are
 * dropped (madvise).  Which pages are dirty: mincore says which are
 * resident, and a resident page that reads as zero is left alone (what
 * the guest only read stays the kernel's shared zero page, where the
 * kernel has one; this VM's allocates a page on a read fault too),
 * counted in the bound.  A run of such pages is given back if it is
 * long enough that scanning it at every reset would cost more than the
 * system call that drops it, so that a reset costs what the last
 * request touched, not what every request before it did.
 *
 * A small heap that a slot keeps reusing is read whole instead: when
 * reading every page of it costs less than the mincore call (about
 * 1.8 us here, against 30 ns a page read: heaps up to about 240 KiB), the
 * slot's heap is made resident once (MADV_POPULATE_WRITE) and from then
 * on every reset reads each page and clears those that are not zero,
 * with no system call.  That is correct whatever is resident (every
 * page the guest can reach is looked at); residency only decides what
 * it costs, and a slot used once (100,000 live instances, each freed
 * once) never gets its heap populated.
 *
 * A slot that tracks which pages are written (wtrack.c) needs neither:
 * its reset looks at the pages marked written (by_marks) and, by
 * mincore, at what the guest grew into; reading whole is then only for
 * slots where tracking is off or was given up.
 *
 * The thresholds come from timing the operations themselves, once per
 * process, on a scratch mapping (calibrate): no fixed crossover.
 */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt.h"

/* What the operations cost on this machine, in ns (per page where
 * said), and the thresholds derived from them. */
static struct {
	double scan, memset_, fault;   /* per page */
	double madvise, mincore;       /* per call */
	uint64_t drop_clean_pages;     /* drop a clean resident run this long */
	int memset_dirty;              /* clear dirty pages in place (else drop them) */
	int vec_small;                 /* clear_run's vector loop beats memset on pages */
	int force;                     /* WASMRT_RESET: 'r'ead or 'm'incore, 0: choose */
} cost;
static pthread_once_t calibrated = PTHREAD_ONCE_INIT;
static int calibrated_done;       /* set (release) at the end of calibrate */
static int vector_clear;          /* the CPU has AVX2: clear_run may use it */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Is the page all zeros?  Reading it costs no memory, even when it is
 * the kernel's shared zero page, which a memset would replace with a
 * page of its own.  The first or last bytes decide most dirty pages at
 * once (a stack's dirty end is its last); 256 bytes at a time after
 * that. */
static int
page_is_zero_sse2(const uint8_t *p, size_t pg)
{
	const __m128i *w = (const __m128i *)p;
	size_t i;

	if (((const uint64_t *)p)[0] | ((const uint64_t *)(p + pg))[-1])
		return 0;
	for (i = 0; i < pg / 16; i += 16) {
		__m128i x = _mm_or_si128(_mm_or_si128(_mm_or_si128(w[i], w[i + 1]), _mm_or_si128(w[i + 2], w[i + 3])),
		                         _mm_or_si128(_mm_or_si128(w[i + 4], w[i + 5]), _mm_or_si128(w[i + 6], w[i + 7])));
		__m128i y = _mm_or_si128(
			_mm_or_si128(_mm_or_si128(w[i + 8], w[i + 9]), _mm_or_si128(w[i + 10], w[i + 11])),
			_mm_or_si128(_mm_or_si128(w[i + 12], w[i + 13]), _mm_or_si128(w[i + 14], w[i + 15])));
		x = _mm_or_si128(x, y);
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) != 0xffff)
			return 0;
	}
	return 1;
}

__attribute__((target("avx2"))) static int
page_is_zero_avx2(const uint8_t *p, size_t pg)
{
	const __m256i *w = (const __m256i *)p;
	size_t i;

	if (((const uint64_t *)p)[0] | ((const uint64_t *)(p + pg))[-1])
		return 0;
	for (i = 0; i < pg / 32; i += 8) {
		__m256i x = _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(w[i], w[i + 1]), _mm256_or_si256(w[i + 2], w[i + 3])),
		                            _mm256_or_si256(_mm256_or_si256(w[i + 4], w[i + 5]), _mm256_or_si256(w[i + 6], w[i + 7])));
		if (!_mm256_testz_si256(x, x))
			return 0;
	}
	return 1;
}

/* The one this CPU runs best (calibrate chooses). */
static int (*page_is_zero)(const uint8_t *, size_t) = page_is_zero_sse2;

/* n bytes (n >= 32) of val with 32-byte stores, unaligned at the
 * ends: the reset's clear of page runs (clear_run) and memory.fill
 * from FILL_MIN to FILL_MAX (rt_fill). */
__attribute__((target("avx2"))) static void
fill_avx2(uint8_t *p, int val, size_t n)
{
	__m256i v = _mm256_set1_epi8((char)val);
	uint8_t *end = p + n, *a = (uint8_t *)(((uintptr_t)p + 32) & ~(uintptr_t)31);

	_mm256_storeu_si256((__m256i *)p, v);
	for (; a + 128 <= end; a += 128) {
		_mm256_store_si256((__m256i *)a, v);
		_mm256_store_si256((__m256i *)a + 1, v);
		_mm256_store_si256((__m256i *)a + 2, v);
		_mm256_store_si256((__m256i *)a + 3, v);
	}
	for (; a + 32 <= end; a += 32)
		_mm256_store_si256((__m256i *)a, v);
	_mm256_storeu_si256((__m256i *)(end - 32), v);
}

/* Small, so that a process that resets once (wasm-run) hardly notices:
 * about 30 faults, 10 system calls and 1 MiB of memory traffic. */
#define CAL_PAGES 8
#define CAL_REPS 4

enum { SCAN, MEMSET, MADVISE, FAULT, MINCORE, CLEAR_LIBC, CLEAR_VEC };

/* One timing of operation `op` on the scratch area p (n bytes), with
 * the area made ready for it first (not timed). */
static double
time_op(int op, uint8_t *p, size_t n, size_t pg)
{
	volatile int sink = 0;
	unsigned char vec[CAL_PAGES];
	double t0;
	size_t i;

	switch (op) {
	case SCAN: memset(p, 0, n); break;
	case MADVISE: memset(p, 1, pg); break;
	case FAULT: os_drop(p, n); break;
	case CLEAR_LIBC: case CLEAR_VEC: memset(p, 1, n); break;
	}
	t0 = now_ns();
	switch (op) {
	case SCAN:
		for (i = 0; i < n; i += pg)
			sink += page_is_zero(p + i, pg);
		break;
	case MEMSET: memset(p, 1, n); break;
	case MADVISE: os_drop(p, pg); break;
	case MINCORE: sink += os_mincore(p, n, vec); break;
	case CLEAR_LIBC:
		for (i = 0; i < n; i += pg)
			memset(p + i, 0, pg);
		break;
	case CLEAR_VEC:
		for (i = 0; i < n; i += pg)
			fill_avx2(p + i, 0, pg);
		break;
	case FAULT:
		for (i = 0; i < n; i += pg)
			p[i] = 1;
		break;
	}
	(void)sink;
	return now_ns() - t0;
}

/* The least of a few timings: the machine is shared, noise only adds. */
static double
time_min(int op, uint8_t *p, size_t n, size_t pg)
{
	double best = 1e18, t;
	int r;

	for (r = 0; r < CAL_REPS; r++)
		if ((t = time_op(op, p, n, pg)) < best)
			best = t;
	return best;
}

static void
calibrate(void)
{
	size_t pg = os_pagesize(), n = CAL_PAGES * pg;
	uint8_t *p = os_reserve(n);
	const char *e;

	if (cpu_features() & WA_CPU_AVX2) {
		page_is_zero = page_is_zero_avx2;
		vector_clear = 1;
	}
	/* if there is no scratch memory: what this VM measured */
	cost.scan = 60, cost.memset_ = 300, cost.fault = 1500, cost.madvise = 400, cost.mincore = 1000;
	if (p && !os_protect_rw(p, n)) {
		cost.scan = time_min(SCAN, p, n, pg) / CAL_PAGES;
		cost.memset_ = time_min(MEMSET, p, n, pg) / CAL_PAGES;
		cost.madvise = time_min(MADVISE, p, n, pg);
		cost.mincore = time_min(MINCORE, p, n, pg);
		cost.fault = time_min(FAULT, p, n, pg) / CAL_PAGES;
		/* dirty pages one at a time, as a reset finds them */
		if (vector_clear && pg % 128 == 0)
			cost.vec_small = time_min(CLEAR_VEC, p, n, pg) < time_min(CLEAR_LIBC, p, n, pg);
	}
	os_release(p, n);
	cost.scan = cost.scan > 1 ? cost.scan : 1;
	/* the tests take each way whatever this machine would choose */
	if ((e = getenv("WASMRT_RESET")) && (!strcmp(e, "read") || !strcmp(e, "mincore")))
		cost.force = e[0];
	cost.drop_clean_pages = (uint64_t)(cost.madvise / cost.scan) + 1;
	cost.memset_dirty = cost.memset_ <= cost.fault;
	__atomic_store_n(&calibrated_done, 1, __ATOMIC_RELEASE);
}

/* calibrate, once; after that an acquire load, not a call */
static void
calibrate_once(void)
{
	if (!__atomic_load_n(&calibrated_done, __ATOMIC_ACQUIRE))
		pthread_once(&calibrated, calibrate);
}

/* A run of pages to clear or drop, joined with the next if they
 * touch: one memset (which then streams past the cache when the run is
 * long) or one madvise for many pages. */
struct run {
	uint8_t *lo, *hi;
};

struct pass {
	size_t pg;
	uint64_t keep;               /* bytes that may be kept */
	uint64_t kept;
	struct run clear, drop;
};

/*
 * Clearing a run, two ways each, whichever is faster on this machine:
 *  - a run of 2 MiB or more: in pieces of PIECE bytes, which libc's
 *    memset writes through the cache, or in one call, which past
 *    libc's threshold (about 3 MiB here) it writes around the cache
 *    with non-temporal stores.  Which is faster depends on whether the
 *    run fits in the cache, which the next request then finds warm:
 *    here 4 MiB cleared in pieces take 48 us against 112, and a
 *    request that writes and clears them 99 us against 203; at 64 MiB
 *    and more one call is 15-30% faster.
 *  - a shorter one: libc's memset, which from 2 KiB on is `rep
 *    stosb`, or a loop of 32-byte stores (AVX2): here the loop clears
 *    4 KiB in 20 ns less (a request that dirties 4 KiB, 120 ns against
 *    100) and 256 KiB in 20% less, and is slower at 1 MiB.
 * No cache size is to be trusted (this VM reports 508 MiB of L3), so
 * each thread times both ways for runs of each power-of-two size from
 * SMALL_RUN on in its first clears of that size (TRIES each,
 * alternating) and from then on takes the faster, untimed; shorter
 * runs, too quick to time one by one (a clock read costs 40 ns here),
 * take the way calibrate found faster for pages cleared one by one.
 */
#define PIECE (1u << 20)
#define SMALL_RUN (64u << 10)
#define TRIES 4

static __thread struct {
	double best[2];            /* ns per byte: memset, the other way */
	uint32_t tries[2];
} clears[64];

static void
clear_way(uint8_t *p, size_t len, int big, int way)
{
	size_t o;

	if (!way)
		memset(p, 0, len);
	else if (!big)
		fill_avx2(p, 0, len);
	else
		for (o = 0; o < len; o += PIECE)
			memset(p + o, 0, len - o < PIECE ? len - o : PIECE);
}

/* p and len are page aligned (the vector loop needs 128) */
static void
clear_run(uint8_t *p, size_t len)
{
	int cls = 63 - __builtin_clzll((unsigned long long)len), big = len >= 2 * (size_t)PIECE, way;
	double t0;

	if ((!big && !vector_clear) || (((uintptr_t)p | len) & 127)) {
		memset(p, 0, len);
		return;
	}
	if (len < SMALL_RUN) {
		/* too quick to time one by one: calibrate's choice */
		clear_way(p, len, 0, cost.vec_small);
		return;
	}
	if (clears[cls].tries[0] >= TRIES && clears[cls].tries[1] >= TRIES) {
		clear_way(p, len, big, clears[cls].best[1] < clears[cls].best[0]);
		return;
	}
	way = clears[cls].tries[1] < clears[cls].tries[0];
	t0 = now_ns();
	clear_way(p, len, big, way);
	t0 = (now_ns() - t0) / (double)len;
	if (!clears[cls].tries[way]++ || t0 < clears[cls].best[way])
		clears[cls].best[way] = t0;
}

/*
 * memory.fill's stores (memory.c).  From 2 KiB libc's memset is `rep
 * stosb`, which calibrate found slower on pages than the vector loop on
 * some machines (this VM: 4 KiB in 20 ns more); where it did, fills
 * from FILL_MIN to FILL_MAX take the loop too (a C guest's memset of a
 * buffer is a memory.fill).  Past FILL_MAX, libc (its non-temporal
 * stores for huge fills).  The first such fill calibrates, if no reset
 * has yet.
 */
#define FILL_MIN 2048u
#define FILL_MAX (256u << 10)

void
rt_fill(uint8_t *p, int val, size_t n)
{
	if (n < FILL_MIN || n >= FILL_MAX) {
		memset(p, val, n);
		return;
	}
	calibrate_once();
	if (cost.vec_small)
		fill_avx2(p, val, n);
	else
		memset(p, val, n);
}

static void
flush(struct run *r, int drop)
{
	if (r->hi > r->lo) {
		if (drop)
			os_drop(r->lo, (size_t)(r->hi - r->lo));
		else
			clear_run(r->lo, (size_t)(r->hi - r->lo));
	}
	r->lo = r->hi = NULL;
}

static void
later(struct run *r, int drop, uint8_t *a, size_t len)
{
	if (r->hi != a)
		flush(r, drop);
	if (!r->lo)
		r->lo = a;
	r->hi = a + len;
}

static void
drop_later(struct pass *s, uint8_t *a, size_t len)
{
	later(&s->drop, 1, a, len);
}

/* A dirty page: cleared in place and kept, or dropped. */
static void
dirty(struct pass *s, uint8_t *a)
{
	if (cost.memset_dirty && s->kept + s->pg <= s->keep) {
		later(&s->clear, 0, a, s->pg);
		s->kept += s->pg;
	} else {
		drop_later(s, a, s->pg);
	}
}

/* A run of n resident pages that read as zero: left as they are while
 * the budget lasts, unless the run is long enough that scanning it at
 * every reset costs more than the system call that gives it back. */
static void
clean(struct pass *s, uint8_t *a, size_t n)
{
	size_t i;

	if (n >= cost.drop_clean_pages) {
		drop_later(s, a, n * s->pg);
		return;
	}
	for (i = 0; i < n; i++) {
		if (s->kept + s->pg <= s->keep)
			s->kept += s->pg;
		else
			drop_later(s, a + i * s->pg, s->pg);
	}
}

/* A run of n resident pages: its dirty pages and clean runs. */
static void
resident_run(struct pass *s, uint8_t *a, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		if (!page_is_zero(a + i * s->pg, s->pg)) {
			dirty(s, a + i * s->pg);
			i++;
			continue;
		}
		for (j = i + 1; j < n && page_is_zero(a + j * s->pg, s->pg); j++)
			;
		clean(s, a + i * s->pg, j - i);
		i = j;
	}
}

/* The first index from i below m whose resident bit is `want`,
 * eight entries at a time where it can. */
static size_t
next_run(const unsigned char *vec, size_t i, size_t m, int want)
{
	const uint64_t ones = 0x0101010101010101u;

	while (i < m && (i & 7))
		if ((vec[i] & 1) == want)
			return i;
		else
			i++;
	for (; i + 8 <= m; i += 8) {
		uint64_t w;
		memcpy(&w, vec + i, 8);
		if ((w & ones) != (want ? 0 : ones))
			break;
	}
	for (; i < m && (vec[i] & 1) != want; i++)
		;
	return i;
}

/* The mincore pass: only resident pages are looked at.  One call covers
 * 64 MiB of heap (4 KiB pages). */
static void
by_mincore(struct pass *s, uint8_t *p, size_t npages)
{
	unsigned char vec[16384];
	size_t base, i, j;

	for (base = 0; base < npages; base += sizeof vec) {
		size_t m = npages - base < sizeof vec ? npages - base : sizeof vec;
		uint8_t *b = p + base * s->pg;
		if (os_mincore(b, m * s->pg, vec)) {
			/* cannot tell: every page is looked at */
			resident_run(s, b, m);
			continue;
		}
		for (i = next_run(vec, 0, m, 1); i < m; i = next_run(vec, j, m, 1)) {
			j = next_run(vec, i, m, 0);
			resident_run(s, b + i * s->pg, j - i);
		}
	}
}

/* The reading pass over a heap made resident: every page is looked at,
 * those that are not zero are cleared, all are kept. */
static void
by_reading(struct pass *s, uint8_t *p, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		if (!page_is_zero(p + i * s->pg, s->pg))
			later(&s->clear, 0, p + i * s->pg, s->pg);
	s->kept = (uint64_t)npages * s->pg;
}

/* The pass over a tracked heap (wtrack.c): only the pages marked
 * written are cleared; one not marked has not been writable since it
 * was last zero.  A marked page is not read first: it is private and
 * resident anyway, and clearing it costs about what reading it would
 * (the vector loop clears a page in about the time page_is_zero reads
 * a clean one). */
static void
by_marks(struct pass *s, uint8_t *p, const struct slotmem *sm)
{
	/* tracked only with pages of 1 << WT_PAGE_SHIFT (wt_reset) */
	size_t n = (size_t)(sm->wt_len >> WT_PAGE_SHIFT), w;

	for (w = 0; w * 64 < n; w++) {
		uint64_t bits = sm->wmap[w];
		while (bits) {
			dirty(s, p + (w * 64 + (size_t)__builtin_ctzll(bits)) * s->pg);
			bits &= bits - 1;
		}
	}
}

/*
 * After a mincore pass: would reading the whole heap cost less than the
 * mincore call, whatever the guest touches?  (Not "than mincore and the
 * pages it finds": a slot that once held a large dirty heap would then
 * read all of it at every reset, where mincore lets it give back what
 * later requests leave alone.)  Only while the slot may keep it all, and
 * only if dirty pages are cleared in place (else reading would fault
 * them in again every time).  The second such reset in a row makes the
 * heap resident: the slot is being reused.
 */
static void
choose_reading(struct slotmem *sm, uint8_t *p, uint64_t size, uint64_t keep, size_t npages)
{
	int cheaper = (double)npages * cost.scan <= cost.mincore;

	/* a slot that will track writes (wtrack.c) never reads it all */
	if (wt_enabled() && !sm->wt_no) {
		sm->cheap = 0;
		return;
	}
	if (cost.force)
		cheaper = cost.force == 'r';
	if (!cost.memset_dirty || size > keep || !cheaper) {
		sm->cheap = 0;
		return;
	}
	if (++sm->cheap >= 2 && !os_populate(p, (size_t)size))
		sm->full = size;
}

/*
 * Zero [p, p+size) (page aligned, size a multiple of the page size),
 * keeping at most keep bytes of it resident.  Returns the bytes kept.
 * By reading it all if the slot's heap was made resident for that (and
 * may stay so), else by mincore, which may choose reading for next time.
 */
uint64_t
zero_heap(uint8_t *p, uint64_t size, uint64_t keep, struct slotmem *sm)
{
	struct pass s = {os_pagesize(), keep, 0, {NULL, NULL}, {NULL, NULL}};
	size_t npages = (size_t)(size / s.pg);

	calibrate_once();
	if (sm->wt_len && sm->wt_len <= size) {
		/* what was written, and by mincore what it grew into */
		by_marks(&s, p, sm);
		if (size > sm->wt_len)
			by_mincore(&s, p + sm->wt_len, (size_t)((size - sm->wt_len) / s.pg));
		flush(&s.clear, 0);
		flush(&s.drop, 1);
		return s.kept;
	}
	/* tracked beyond the memory's size: cannot happen (memory does
	 * not shrink below its initial size), but then not tracked */
	wt_stop(sm, p);
	if (sm->full >= size && size <= keep) {
		by_reading(&s, p, npages);
		flush(&s.clear, 0);
		return s.kept;
	}
	sm->full = 0;
	by_mincore(&s, p, npages);
	flush(&s.clear, 0);
	flush(&s.drop, 1);
	choose_reading(sm, p, size, keep, npages);
	return s.kept;
}
