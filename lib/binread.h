/* Internal to the binary reader (binread.c, binread-code.c). */
#include <stddef.h>
#include <stdint.h>

#include "module.h"

struct reader {
	const uint8_t *base, *p, *end;
	const char *file;
	struct arena *a;
	struct module *m;
	uint64_t nlocals; /* locals declared so far, against a limit */
};

_Noreturn void bin_fail(struct reader *, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint8_t bin_u8(struct reader *);
uint64_t bin_uleb(struct reader *, unsigned bits);
int64_t bin_sleb(struct reader *, unsigned bits);
uint32_t bin_u32(struct reader *);
uint32_t bin_count(struct reader *, size_t minsize);
/* n against an implementation limit (modlimits.h); over it, an error at
 * `at` (where the count was read) naming what (a printf format). */
void bin_within(struct reader *, const uint8_t *at, int limit, uint64_t n, const char *what, ...)
	__attribute__((format(printf, 5, 6)));
char *bin_name(struct reader *, uint32_t *len);
uint8_t bin_valtype(struct reader *);
uint8_t bin_reftype(struct reader *);

void bin_expr(struct reader *, struct expr *);
void bin_body(struct reader *, struct func *);
void bin_names(struct reader *, struct module *);
