/*
 * Write tracking of a reused slot's heap: which of its pages anything
 * may have written since they were last all zero, so that a reset
 * looks at those alone, with no system call.
 *
 * Without it a reset finds the dirty pages with mincore (a system call,
 * about 1.8 us here, and then every resident page read) or, for a small
 * heap, by reading every page (about 30 ns a page: 1 us for hello's
 * 128 KiB, a third of its whole life cycle, nearly all of it spent on
 * pages no request writes).  So at the second reset in a row of a slot
 * holding the same heap layout (wt_reset; a slot used once never pays
 * for this), its initial memory, all zero at that moment, is made
 * read-only.  The first write to one of its pages, by the guest, the
 * runtime or the host, faults; the fault handler (trap.c, through
 * wt_fault) makes that page writable and marks it in the slot's map.  A
 * reset then reads the marked pages only (zero.c): an unmarked page has
 * not been writable since it was last zero.  Marks stay: a slot that
 * keeps serving one module learns in its first requests which pages
 * they write, and takes no fault after that.  Memory the guest grows
 * into is not tracked (zero.c reads what of it is resident).
 *
 * What the kernel writes into guest memory (read(2) into a guest
 * buffer) would fail with EFAULT on a read-only page instead of
 * faulting, so every range the runtime hands out for that is made
 * writable first (wt_prepare: gmem in wasi.h, wa_memory_ptr,
 * wa_instance_memory).
 *
 * Each run of writable pages is a mapping of its own in the kernel: a
 * slot whose marks would make more than WT_MAX_RUNS runs, or that would
 * take all tracked slots past WT_BUDGET mappings, or whose mprotect
 * fails, is made read-write throughout and not tracked again until it
 * holds another layout.  WASMRT_WRITE_TRACK=0 turns tracking off.
 *
 * The fault handler finds the slot from the address alone (host code
 * may write outside any wa_call), through a table of live regions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rt.h"

#define WT_MAX_RUNS 16
#define WT_MAX_PAGES (1u << 16)  /* 256 MiB of 4 KiB pages: an 8 KiB map */
#define MAX_REGIONS 256
/* Mappings all tracked slots together may add: a quarter of the
 * default vm.max_map_count (65,530), the rest left to the process. */
#define WT_BUDGET 16384

static uint64_t total_runs;

static struct wa_region *regions[MAX_REGIONS];
static int off_env = -1;

int
rt_env_zero(const char *name, int *cache)
{
	int v = __atomic_load_n(cache, __ATOMIC_RELAXED);

	if (v < 0) {
		const char *e = getenv(name);
		v = e && !strcmp(e, "0");
		__atomic_store_n(cache, v, __ATOMIC_RELAXED);
	}
	return v;
}

int
wt_enabled(void)
{
	return !rt_env_zero("WASMRT_WRITE_TRACK", &off_env);
}

/* A region joins the table when it is made, leaves before it goes;
 * one that finds the table full is not tracked. */
void
wt_region_add(struct wa_region *r)
{
	int i;

	for (i = 0; i < MAX_REGIONS; i++) {
		struct wa_region *none = NULL;
		if (__atomic_compare_exchange_n(&regions[i], &none, r, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
			r->tracked = 1;
			return;
		}
	}
}

void
wt_region_remove(struct wa_region *r)
{
	int i;

	for (i = 0; i < MAX_REGIONS; i++)
		if (__atomic_load_n(&regions[i], __ATOMIC_RELAXED) == r)
			__atomic_store_n(&regions[i], NULL, __ATOMIC_RELEASE);
	for (i = 0; r->mem && i < (int)r->cfg.slots; i++) {
		if (r->mem[i].wt_len)
			__atomic_fetch_sub(&total_runs, r->mem[i].wt_runs + 1, __ATOMIC_RELAXED);
		free(r->mem[i].wmap);
	}
}

/* Read-write throughout, tracking off.  Joining the runs back into one
 * mapping needs no new kernel mapping: this cannot run out of them. */
void
wt_stop(struct slotmem *sm, uint8_t *heap)
{
	if (!sm->wt_len)
		return;
	os_protect_rw(heap, (size_t)sm->wt_len);
	__atomic_fetch_sub(&total_runs, sm->wt_runs + 1, __ATOMIC_RELAXED);
	sm->wt_len = 0;
	sm->wt_runs = 0;
}

/* The slot holds something else now: start afresh. */
void
wt_forget(struct slotmem *sm, uint8_t *heap)
{
	wt_stop(sm, heap);
	sm->wt_uses = 0;
	sm->wt_no = 0;
}

/*
 * At each reset or free of a slot's instance, its heap zero again in
 * [0, len) and read-write: the second in a row of the same layout
 * starts tracking it (a slot used once never pays for it): read-only,
 * no page marked.  Nothing if the region is not in the table, the map
 * cannot be had, or tracking this slot failed before.
 */
void
wt_reset(struct wa_region *r, struct slotmem *sm, uint8_t *heap, uint64_t len)
{
	size_t pg = os_pagesize();
	uint64_t npages = len / pg, words = (npages + 63) / 64;

	if (sm->wt_len || sm->wt_no || ++sm->wt_uses < 2)
		return;
	if (!r->tracked || pg != 1u << WT_PAGE_SHIFT || !len || len % pg || npages > WT_MAX_PAGES || !wt_enabled() ||
	    __atomic_load_n(&total_runs, __ATOMIC_RELAXED) >= WT_BUDGET) {
		sm->wt_no = 1;
		return;
	}
	if (sm->wmap_words < words) {
		uint64_t *m = realloc(sm->wmap, (size_t)words * sizeof *m);
		if (!m) {
			sm->wt_no = 1;
			return;
		}
		sm->wmap = m;
		sm->wmap_words = (uint32_t)words;
	}
	memset(sm->wmap, 0, (size_t)words * sizeof *sm->wmap);
	if (mprotect(heap, (size_t)len, PROT_READ)) {
		os_protect_rw(heap, (size_t)len);
		sm->wt_no = 1;
		return;
	}
	__atomic_fetch_add(&total_runs, 1, __ATOMIC_RELAXED);
	sm->wt_runs = 0;
	sm->wt_len = len;
}

/* Mark pages [lo, hi) of the slot's tracked heap and make them
 * writable; if that would make too many runs, or mprotect fails,
 * tracking stops instead: the whole heap is writable either way. */
static void
mark(struct slotmem *sm, uint8_t *heap, uint64_t lo, uint64_t hi)
{
	const size_t pg = (size_t)1 << WT_PAGE_SHIFT;
	uint64_t i, first = hi, runs = sm->wt_runs;

	/* each page marked joins the runs beside it or starts one */
	for (i = lo; i < hi; i++) {
		int left, right;
		if (wt_marked(sm, i))
			continue;
		first = first < i ? first : i;
		left = i > 0 && wt_marked(sm, i - 1);
		right = (i + 1) * pg < sm->wt_len && wt_marked(sm, i + 1);
		runs = runs + 1 - (uint64_t)left - (uint64_t)right;
		sm->wmap[i / 64] |= 1ull << (i % 64);
	}
	if (first == hi)
		return;
	if (runs > sm->wt_runs)
		__atomic_fetch_add(&total_runs, runs - sm->wt_runs, __ATOMIC_RELAXED);
	else
		__atomic_fetch_sub(&total_runs, sm->wt_runs - runs, __ATOMIC_RELAXED);
	sm->wt_runs = (uint32_t)runs;
	if (runs > WT_MAX_RUNS || __atomic_load_n(&total_runs, __ATOMIC_RELAXED) > WT_BUDGET ||
	    mprotect(heap + first * pg, (size_t)((hi - first) * pg), PROT_READ | PROT_WRITE)) {
		wt_stop(sm, heap);
		sm->wt_no = 1;
	}
}

/* Make [off, off+len) of a slot's heap writable if it is tracked. */
void
wt_prepare_slow(struct slotmem *sm, uint8_t *heap, uint64_t off, uint64_t len)
{
	uint64_t end;

	if (!len || off >= sm->wt_len)
		return;
	end = len < sm->wt_len - off ? off + len : sm->wt_len;
	mark(sm, heap, off >> WT_PAGE_SHIFT, (end + (1u << WT_PAGE_SHIFT) - 1) >> WT_PAGE_SHIFT);
}

/*
 * From the SIGSEGV handler: if a is in a read-only page of a tracked
 * heap, make it writable, mark it and return 1 (the write is then
 * retried); else 0.  Only the thread that holds the slot writes to it,
 * so its map needs no lock.
 */
int
wt_fault(uintptr_t a)
{
	int i, e;

	for (i = 0; i < MAX_REGIONS; i++) {
		struct wa_region *r = __atomic_load_n(&regions[i], __ATOMIC_ACQUIRE);
		uintptr_t base, off;
		struct slotmem *sm;
		uint8_t *heap;
		uint32_t slot;

		if (!r || a < (uintptr_t)r->base || a - (uintptr_t)r->base >= r->size)
			continue;
		base = (uintptr_t)r->base;
		slot = (uint32_t)((a - base) / r->slot_size);
		off = (a - base) % r->slot_size;
		sm = &r->mem[slot];
		heap = r->base + (size_t)slot * r->slot_size + r->heap_off;
		if (off < r->heap_off || off - r->heap_off >= sm->wt_len)
			return 0;
		off -= r->heap_off;
		if (wt_marked(sm, off >> WT_PAGE_SHIFT))
			return 0;       /* writable already: not ours */
		e = errno;          /* the interrupted code's */
		mark(sm, heap, off >> WT_PAGE_SHIFT, (off >> WT_PAGE_SHIFT) + 1);
		errno = e;
		return 1;
	}
	return 0;
}
