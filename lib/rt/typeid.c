/*
 * Canonical function type ids: structurally equal signatures get equal
 * ids across every module loaded into the process, so call_indirect can
 * compare one integer (contract.h, wa_func.typeid).  Ids are never
 * freed; a process sees few distinct signatures.  The first, id 0, is
 * always [] -> [] (TYPEID_VOID).
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

struct sig {
	uint32_t np, nr;
	uint8_t *bytes;              /* params then results */
	uint32_t hash;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sig *sigs;
static uint32_t nsigs, capsigs;
/* Open addressing over sigs, by hash: a module may have a million
 * distinct types, and a linear search per type would make loading it
 * quadratic.  Slots hold id + 1 (0: empty); at most half are full. */
static uint32_t *slots;
static uint32_t nslots;

int
valtype_ok(uint32_t t)
{
	return t == 0x7f || t == 0x7e || t == 0x7d || t == 0x7c || t == 0x7b || t == 0x70 || t == 0x6f;
}

static uint32_t
hash(uint32_t np, const uint8_t *p, uint32_t nr, const uint8_t *r)
{
	uint32_t h = 2166136261u ^ np, i;   /* FNV-1a */

	for (i = 0; i < np; i++)
		h = (h ^ p[i]) * 16777619u;
	h = (h ^ 0xff ^ nr) * 16777619u;
	for (i = 0; i < nr; i++)
		h = (h ^ r[i]) * 16777619u;
	return h;
}

static int
grow_slots(void)
{
	uint32_t n = nslots ? 2 * nslots : 256, i, k;
	uint32_t *v;

	if (n < nslots || !(v = calloc(n, sizeof *v)))
		return -1;
	for (i = 0; i < nsigs; i++) {
		for (k = sigs[i].hash & (n - 1); v[k]; k = (k + 1) & (n - 1))
			;
		v[k] = i + 1;
	}
	free(slots);
	slots = v, nslots = n;
	return 0;
}

/* Under the lock: sig's id, added if new; UINT32_MAX if out of memory. */
static uint32_t
intern(uint32_t np, const uint8_t *p, uint32_t nr, const uint8_t *r)
{
	uint32_t h = hash(np, p, nr, r), k;
	uint8_t *b;

	if (2 * (uint64_t)(nsigs + 1) > nslots && grow_slots())
		return UINT32_MAX;
	for (k = h & (nslots - 1); slots[k]; k = (k + 1) & (nslots - 1)) {
		const struct sig *s = &sigs[slots[k] - 1];
		if (s->hash == h && s->np == np && s->nr == nr && (!np || !memcmp(s->bytes, p, np)) &&
		    (!nr || !memcmp(s->bytes + np, r, nr)))
			return slots[k] - 1;
	}
	if (nsigs == capsigs) {
		uint32_t cap = capsigs ? 2 * capsigs : 64;
		struct sig *v = realloc(sigs, cap * sizeof *v);
		if (!v)
			return UINT32_MAX;
		sigs = v, capsigs = cap;
	}
	if (!(b = malloc(np + nr + 1)))
		return UINT32_MAX;
	/* p or r may be NULL when empty */
	if (np)
		memcpy(b, p, np);
	if (nr)
		memcpy(b + np, r, nr);
	sigs[nsigs] = (struct sig){np, nr, b, h};
	slots[k] = nsigs + 1;
	return nsigs++;
}

/* Returns UINT32_MAX on allocation failure. */
uint32_t
typeid_intern(uint32_t np, const uint8_t *p, uint32_t nr, const uint8_t *r)
{
	uint32_t id = UINT32_MAX;

	pthread_mutex_lock(&lock);
	/* [] -> [] first, so that it is TYPEID_VOID whatever comes */
	if (nsigs || intern(0, NULL, 0, NULL) == TYPEID_VOID)
		id = intern(np, p, nr, r);
	pthread_mutex_unlock(&lock);
	return id;
}

static int
letter(char c)
{
	switch (c) {
	case 'i': return 0x7f;
	case 'I': return 0x7e;
	case 'f': return 0x7d;
	case 'F': return 0x7c;
	case 'v': return 0x7b;
	case 'r': return 0x70;
	case 'e': return 0x6f;
	}
	return -1;
}

int
sig_parse(const char *sig, uint8_t *p, uint32_t *np, uint8_t *r, uint32_t *nr, uint32_t cap)
{
	uint32_t *n = np;
	uint8_t *out = p;
	int t;

	*np = *nr = 0;
	for (; *sig; sig++) {
		if (*sig == ':') {
			if (n == nr)
				return -1;
			n = nr, out = r;
			continue;
		}
		if ((t = letter(*sig)) < 0 || *n >= cap)
			return -1;
		out[(*n)++] = (uint8_t)t;
	}
	return n == nr ? 0 : -1;
}
