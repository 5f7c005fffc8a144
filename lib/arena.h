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
char *arena_strndup(struct arena *, const char *s, size_t n);
size_t arena_used(const struct arena *);

/* Growable array in an arena: a vector that doubles, copying. */
void *arena_grow(struct arena *, void *old, size_t oldn, size_t newn, size_t size);

/* Plain heap helpers with the same out-of-memory behaviour. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);

#endif
