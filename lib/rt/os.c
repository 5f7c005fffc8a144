/*
 * The operating-system layer: every mmap, mprotect and madvise of the
 * runtime goes through here, so a port touches one file.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102   /* Linux 6.13 */
#endif

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

/* Address space, read-write, backed only where touched. */
void *
os_reserve_rw(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Make [p, p+size) of a read-write anonymous mapping fault on any
 * access: guard markers in the page tables where the kernel has them
 * (MADV_GUARD_INSTALL), which keep the mapping whole; else PROT_NONE,
 * which splits it.  Which one works is found out once.
 */
int
os_guard(void *p, size_t size)
{
	static int markers = 1;

	if (!size)
		return 0;
	if (__atomic_load_n(&markers, __ATOMIC_RELAXED)) {
		if (madvise(p, size, MADV_GUARD_INSTALL) == 0)
			return 0;
		if (errno != EINVAL)
			return -1;
		__atomic_store_n(&markers, 0, __ATOMIC_RELAXED);
	}
	return mprotect(p, size, PROT_NONE);
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

void
os_drop(void *p, size_t size)
{
	if (size && madvise(p, size, MADV_DONTNEED) != 0)
		memset(p, 0, size);
}

/* Which pages of [p, p+size) are resident: bit 0 of vec[i]. */
int
os_mincore(void *p, size_t size, unsigned char *vec)
{
	return mincore(p, size, vec);
}

/* Fault [p, p+size) in, writable, in one system call where the kernel
 * can (MADV_POPULATE_WRITE, Linux 5.14); -1 if it cannot. */
int
os_populate(void *p, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	return size ? madvise(p, size, MADV_POPULATE_WRITE) : 0;
#else
	(void)p, (void)size;
	return -1;
#endif
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
