/*
 * Heap images.  A module whose data segments put much into its initial
 * memory gets, once, a memory file (memfd) holding that initial memory;
 * pages no segment writes stay holes in it.  Instantiation then maps the file
 * privately over the heap, one system call whatever the size, and the
 * guest's writes go to copy-on-write pages of its own; a reset drops
 * those and the image shows through again.  A module with little data
 * (hello has about 2 KiB in 23 segments) is cheaper to instantiate by
 * copying it: its image is the segments already applied, in order, to a
 * few runs of bytes (segments a few bytes apart share one), copied with
 * a memcpy each.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt.h"

#define PAGE (64u << 10)

/* Below this many bytes of active data, copying beats mapping. */
#define IMAGE_MIN (64u << 10)

/* Segments closer than this share a run (its gap copied as zeros). */
#define RUN_GAP 64u

struct dseg {
	uint64_t off, end;           /* end can be 2^32 */
};

static int
by_off(const void *a, const void *b)
{
	const struct dseg *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

/* The copy runs of the active segments, which are in bounds with
 * constant offsets (build checked): sorted, neighbours joined, then
 * every segment applied in order to the runs' bytes. */
static struct heapimg *
build_runs(const struct wa_contract *c)
{
	struct heapimg *img = calloc(1, sizeof *img);
	struct dseg *v = calloc(c->ndata + 1, sizeof *v);
	uint64_t total = 0;
	uint32_t i, n = 0, k;

	if (!img || !v)
		goto fail;
	for (i = 0; i < c->ndata; i++)
		if (c->data[i].mode == 0 && c->data[i].len)
			v[n++] = (struct dseg){(uint32_t)c->data[i].offset.value.i32,
			                      (uint64_t)(uint32_t)c->data[i].offset.value.i32 + c->data[i].len};
	qsort(v, n, sizeof *v, by_off);
	for (i = k = 0; i < n; i++) {
		if (k && v[i].off <= v[k - 1].end + RUN_GAP) {
			v[k - 1].end = v[i].end > v[k - 1].end ? v[i].end : v[k - 1].end;
			continue;
		}
		v[k++] = v[i];
	}
	for (i = 0; i < k; i++)
		total += v[i].end - v[i].off;
	if (!(img->runs = calloc(k + 1, sizeof *img->runs)) || !(img->bytes = calloc(total + 1, 1)))
		goto fail;
	for (i = 0, total = 0; i < k; i++) {
		img->runs[i] = (struct datarun){(uint32_t)v[i].off, (uint32_t)(v[i].end - v[i].off), img->bytes + total};
		total += v[i].end - v[i].off;
	}
	img->nruns = k;
	for (i = 0; i < c->ndata; i++) {
		const struct wa_c_data *d = &c->data[i];
		uint32_t off = (uint32_t)d->offset.value.i32, r;
		if (d->mode != 0 || !d->len)
			continue;
		for (r = 0; (uint64_t)img->runs[r].off + img->runs[r].len < (uint64_t)off + d->len; r++)
			;
		memcpy(img->bytes + (img->runs[r].bytes - img->bytes) + (off - img->runs[r].off), d->bytes, d->len);
	}
	img->fd = -1;
	free(v);
	return img;
fail:
	if (img) {
		free(img->runs);
		free(img->bytes);
	}
	free(img);
	free(v);
	return NULL;
}

static atomic_uint_fast64_t next_id = 1;

/* The image, or NULL when the module should copy its segments (little
 * data, no memory of its own, offsets that are not constants, segments
 * out of bounds: those fail instantiation on the copying path). */
static struct heapimg *
build(const struct wa_module *m)
{
	const struct wa_contract *c = m->c;
	struct heapimg *img;
	uint64_t size, total = 0;
	uint32_t i;
	int fd;

	if (c->nmems_imported || c->nmems != 1)
		return NULL;
	size = c->mems[0].min * PAGE;
	for (i = 0; i < c->ndata; i++) {
		const struct wa_c_data *d = &c->data[i];
		if (d->mode != 0)
			continue;
		if (d->offset.op != 0x41 || (uint64_t)(uint32_t)d->offset.value.i32 + d->len > size)
			return NULL;
		total += d->len;
	}
	if (total < IMAGE_MIN)
		return build_runs(c);
	if ((fd = memfd_create("wasm-heap", MFD_CLOEXEC)) < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size))
		goto fail;
	for (i = 0; i < c->ndata; i++) {
		const struct wa_c_data *d = &c->data[i];
		const uint8_t *p = d->bytes, *end = d->bytes + d->len;
		off_t off = (uint32_t)d->offset.value.i32;
		if (d->mode != 0)
			continue;
		/* written in order (a later segment overwrites an earlier one);
		 * whole zero pages of a segment are left as they are only if no
		 * earlier segment wrote there, so write everything */
		while (p < end) {
			ssize_t n = pwrite(fd, p, (size_t)(end - p), off);
			if (n <= 0)
				goto fail;
			p += n, off += n;
		}
	}
	if (!(img = calloc(1, sizeof *img)))
		goto fail;
	img->fd = fd;
	img->size = size;
	img->id = atomic_fetch_add(&next_id, 1);
	return img;
fail:
	close(fd);
	return NULL;
}

/* Built by the first instantiation; after that, read without a lock. */
const struct heapimg *
module_heap_image(struct wa_module *m)
{
	if (__atomic_load_n(&m->img_done, __ATOMIC_ACQUIRE))
		return m->img;
	pthread_mutex_lock(&m->img_lock);
	if (!m->img_done) {
		m->img = build(m);
		__atomic_store_n(&m->img_done, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&m->img_lock);
	return m->img;
}

void
module_heap_image_free(struct wa_module *m)
{
	if (m->img) {
		if (m->img->fd >= 0)
			close(m->img->fd);
		free(m->img->runs);
		free(m->img->bytes);
		free(m->img);
		m->img = NULL;
	}
}
