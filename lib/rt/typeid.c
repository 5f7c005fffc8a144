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
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sig void_sig[1] = {{0, 0, (uint8_t *)""}};
static struct sig *sigs = void_sig;
static uint32_t nsigs = 1, capsigs;

int
valtype_ok(uint32_t t)
{
	return t == 0x7f || t == 0x7e || t == 0x7d || t == 0x7c || t == 0x7b || t == 0x70 || t == 0x6f;
}

/* Returns UINT32_MAX on allocation failure. */
uint32_t
typeid_intern(uint32_t np, const uint8_t *p, uint32_t nr, const uint8_t *r)
{
	uint32_t i, id = UINT32_MAX;
	uint8_t *b;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nsigs; i++) {
		if (sigs[i].np == np && sigs[i].nr == nr && !memcmp(sigs[i].bytes, p, np) &&
		    !memcmp(sigs[i].bytes + np, r, nr)) {
			id = i;
			goto out;
		}
	}
	if (nsigs >= capsigs) {
		uint32_t cap = capsigs ? 2 * capsigs : 64;
		struct sig *v = realloc(sigs == void_sig ? NULL : sigs, cap * sizeof *v);
		if (!v)
			goto out;
		if (sigs == void_sig)
			v[0] = void_sig[0];
		sigs = v, capsigs = cap;
	}
	if (!(b = malloc(np + nr + 1)))
		goto out;
	if (np) /* p and r may be NULL when empty; memcpy must not see NULL */
		memcpy(b, p, np);
	if (nr)
		memcpy(b + np, r, nr);
	sigs[nsigs] = (struct sig){np, nr, b};
	id = nsigs++;
out:
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
