/*
 * The operating-system layer: every mmap, mprotect and madvise of the
 * runtime goes through here, so a port touches one file.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt.h"

/*
 * Zeroing dirty memory: below this many bytes memset is cheaper than
 * madvise(MADV_DONTNEED) (a system call, a TLB shootdown and later page
 * faults to bring zero pages back); above it the kernel wins because
 * it drops whole pages without touching them.  64 KiB is where the two
 * cross on the machines we measured, within a factor of two either way.
 */
#define ZERO_MEMSET_MAX (64u << 10)

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
