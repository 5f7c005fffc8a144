/*
 * Arena allocation for short-lived filters: allocate from one arena per
 * module and free it whole.  Out of memory ends the program with a
 * message (diag.h); callers never check for NULL.
 */
#ifndef WA_ARENA_H
#define WA_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *);
void *arena_alloc(struct arena *, size_t size);          /* zeroed, 16-aligned */
void *arena_array(struct arena *, size_t n, size_t size); /* checks n * size overflow */
void *arena_copy(struct arena *, const void *src, size_t n); /* n bytes of src, 16-aligned */
char *arena_strndup(struct arena *, const char *s, size_t n);
size_t arena_used(const struct arena *);

/* Growable array in an arena: a vector that doubles, copying. */
void *arena_grow(struct arena *, void *old, size_t oldn, size_t newn, size_t size);

/*
 * A vector built on the heap and handed to an arena when complete, for
 * sequences as long as the input (function bodies): it grows with
 * realloc, which moves large blocks by remapping pages rather than by
 * copying them, and pages not yet written cost no memory; once done, a
 * large vector is trimmed and adopted by the arena, a small one copied
 * into it.  So a body of n elements costs about n elements, never the
 * two or three copies a doubling arena array leaves behind.  Keep the
 * struct where an input error's longjmp cannot lose it (a static): the
 * next use starts over with vec_reset.
 */
struct vec {
	void *p;
	size_t n, cap, size;
};
void vec_reset(struct vec *, size_t size);
void *vec_push(struct vec *);               /* a new zeroed element */
void *vec_take(struct vec *, struct arena *, size_t *n); /* the elements, now the arena's */
void arena_adopt(struct arena *, void *p);  /* p (malloc'd) is freed with the arena */

/* Plain heap helpers with the same out-of-memory behaviour. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);

#endif
