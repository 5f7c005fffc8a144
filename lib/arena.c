#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"

/* Blocks grow geometrically so a module costs O(log n) mallocs. */
enum { ARENA_MIN_BLOCK = 64 * 1024 };

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct block *head;
	size_t total;
	void **adopted;   /* heap blocks freed with the arena (vec_take) */
	size_t nadopted, capadopted;
};

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	while (a->nadopted)
		free(a->adopted[--a->nadopted]);
	free(a->adopted);
	free(a);
}

/* size bytes, 16-aligned, not cleared */
static void *
arena_raw(struct arena *a, size_t size)
{
	struct block *b = a->head;
	size_t need = (size + 15) & ~(size_t)15, bsize;
	void *p;

	if (need < size)
		fatal("out of memory (%zu bytes)", size);
	if (!b || b->size - b->used < need) {
		bsize = b ? b->size * 2 : ARENA_MIN_BLOCK;
		if (bsize < need)
			bsize = need;
		if (bsize > SIZE_MAX - sizeof *b)
			fatal("out of memory (%zu bytes)", size);
		b = xmalloc(sizeof *b + bsize);
		b->size = bsize;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	a->total += need;
	return p;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	return memset(arena_raw(a, size), 0, size);
}

void *
arena_copy(struct arena *a, const void *src, size_t n)
{
	return n ? memcpy(arena_raw(a, n), src, n) : arena_raw(a, 0);
}

void *
arena_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return arena_alloc(a, n * size);
}

void *
arena_grow(struct arena *a, void *old, size_t oldn, size_t newn, size_t size)
{
	void *p = arena_array(a, newn, size);

	if (old && oldn)
		memcpy(p, old, (oldn < newn ? oldn : newn) * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

void
arena_adopt(struct arena *a, void *p)
{
	if (a->nadopted == a->capadopted) {
		a->capadopted = a->capadopted ? 2 * a->capadopted : 16;
		a->adopted = xrealloc(a->adopted, a->capadopted * sizeof *a->adopted);
	}
	a->adopted[a->nadopted++] = p;
}

void
vec_reset(struct vec *v, size_t size)
{
	if (v->size != size) {
		free(v->p);
		v->p = NULL;
		v->cap = 0;
		v->size = size;
	}
	v->n = 0;
}

void *
vec_push(struct vec *v)
{
	void *e;

	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 256;
		if (cap > SIZE_MAX / v->size)
			fatal("out of memory (%zu x %zu bytes)", cap, v->size);
		v->p = xrealloc(v->p, cap * v->size);
		v->cap = cap;
	}
	e = (unsigned char *)v->p + v->n++ * v->size;
	memset(e, 0, v->size);
	return e;
}

/* Smaller vectors are copied: a malloc each would cost more than the
 * copy, for the millions of two-instruction constant expressions. */
enum { VEC_ADOPT_BYTES = 256 * 1024 };

void *
vec_take(struct vec *v, struct arena *a, size_t *n)
{
	size_t bytes = v->n * v->size;
	void *p;

	*n = v->n;
	if (bytes < VEC_ADOPT_BYTES) {
		p = arena_alloc(a, bytes);
		if (bytes)
			memcpy(p, v->p, bytes);
		v->n = 0;
		return p;
	}
	p = xrealloc(v->p, bytes);
	arena_adopt(a, p);
	v->p = NULL;
	v->n = v->cap = 0;
	return p;
}
