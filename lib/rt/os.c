/*
 * The operating-system layer: every mmap, mprotect and madvise of the
 * runtime goes through here, so a port touches one file.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt.h"

/*
 * Zeroing dirty memory: a run of dirty pages up to this size is cleared
 * with memset, a longer one dropped with madvise(MADV_DONTNEED).  Timed
 * on a reset after the guest dirtied N bytes (bench/lifecycle, 2-core
 * AMD EPYC VM): memset costs about 9 us per MiB, madvise about 60 us per
 * MiB (a system call, TLB shootdowns, freeing the pages) and the next
 * request then faults the pages in again, so memset is faster at every
 * size; madvise is kept for long runs only to give the memory back, so
 * that an idle slot does not hold more than this much of a big heap.
 */
#define ZERO_MEMSET_MAX (2u << 20)

size_t
os_pagesize(void)
{
	static size_t pg;

	if (!pg)
		pg = (size_t)sysconf(_SC_PAGESIZE);
	return pg;
}

uint64_t
os_round_page(uint64_t n)
{
	uint64_t pg = os_pagesize();

	return (n + pg - 1) & ~(pg - 1);
}

/* Address space only: MAP_NORESERVE so that reserving 6 GiB per heap
 * does not count against overcommit limits until pages are touched. */
void *
os_reserve(size_t size)
{
	void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void
os_release(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

int
os_protect_rw(void *p, size_t size)
{
	return size ? mprotect(p, size, PROT_READ | PROT_WRITE) : 0;
}

int
os_protect_none(void *p, size_t size)
{
	return size ? mprotect(p, size, PROT_NONE) : 0;
}

/* Make [p, p+size) read as zeros again.  p is page aligned. */
void
os_zero(void *p, size_t size)
{
	size_t pg = os_pagesize(), whole = size & ~(pg - 1);

	if (size <= ZERO_MEMSET_MAX || madvise(p, whole, MADV_DONTNEED) != 0) {
		memset(p, 0, size);
		return;
	}
	memset((uint8_t *)p + whole, 0, size - whole);
}

void
os_drop(void *p, size_t size)
{
	if (size && madvise(p, size, MADV_DONTNEED) != 0)
		memset(p, 0, size);
}

/* Is the page all zeros?  Reading it costs no memory, even when it is
 * the kernel's shared zero page, which a memset would replace with a
 * page of its own. */
static int
page_is_zero(const uint8_t *p, size_t pg)
{
	const uint64_t *w = (const uint64_t *)p;
	size_t i;

	for (i = 0; i < pg / 8; i += 4)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3])
			return 0;
	return 1;
}

/* Zero a run of resident pages: memset where it is not zero already
 * (what the guest only read stays the shared zero page), or madvise. */
static void
zero_run(uint8_t *p, size_t size, size_t pg)
{
	size_t off;

	if (size > ZERO_MEMSET_MAX && madvise(p, size, MADV_DONTNEED) == 0)
		return;
	for (off = 0; off < size; off += pg)
		if (!page_is_zero(p + off, pg))
			memset(p + off, 0, pg);
}

/*
 * Zero only the pages of [p, p+size) that are in use: mincore says
 * which are resident (a page the guest never touched is not, and reads
 * as zero already).  A run of resident pages is zeroed page by page
 * where it is not zero if it is small, dropped with madvise if it is
 * large (ZERO_MEMSET_MAX).
 */
void
os_zero_dirty(void *p, size_t size)
{
	size_t pg = os_pagesize(), n = size / pg, i, j, base;
	unsigned char vec[4096];

	for (base = 0; base < n; base += sizeof vec) {
		size_t m = n - base < sizeof vec ? n - base : sizeof vec;
		uint8_t *b = (uint8_t *)p + base * pg;
		if (mincore(b, m * pg, vec) != 0) {
			os_zero(b, m * pg);
			continue;
		}
		for (i = 0; i < m; i = j) {
			if (!(vec[i] & 1)) {
				j = i + 1;
				continue;
			}
			for (j = i; j < m && (vec[j] & 1); j++)
				;
			zero_run(b + i * pg, (j - i) * pg, pg);
		}
	}
	if (size % pg)
		memset((uint8_t *)p + n * pg, 0, size % pg);
}

int
os_map_file(void *p, size_t size, int fd)
{
	return size && mmap(p, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED ? -1
	                                                                                                    : 0;
}

int
os_map_none(void *p, size_t size)
{
	return size && mmap(p, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
	                       MAP_FAILED
	           ? -1
	           : 0;
}
