/*
 * Internal to the text writer (textwrite.c, textwrite-code.c).
 * Output goes through one large buffer of our own: the text of a big
 * module is tens of megabytes written a few bytes at a time, and a
 * stdio call per token costs more than decoding the binary.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "module.h"

enum { OUTBUF = 1 << 18 };

struct out {
	char *p, *end;
	FILE *f;
	char buf[OUTBUF];
};

void out_flush(struct out *);
void out_u(struct out *, uint64_t);
void out_i(struct out *, int64_t);

static inline void
out_c(struct out *o, char c)
{
	if (o->p == o->end)
		out_flush(o);
	*o->p++ = c;
}

static inline void
out_mem(struct out *o, const char *s, size_t n)
{
	if (n > (size_t)(o->end - o->p)) {
		out_flush(o);
		if (n > OUTBUF) {
			fwrite(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->p, s, n);
	o->p += n;
}

static inline void
out_s(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

void tw_id(struct out *, const char *s, uint32_t len);
void tw_string(struct out *, const uint8_t *s, uint32_t len, int in_comment);
void tw_f32(struct out *, uint32_t bits);
void tw_f64(struct out *, uint64_t bits);
void tw_instr(struct out *, const struct instr *);
void tw_body(struct out *, const struct instr *code, uint32_t n);
void tw_expr(struct out *, const struct expr *, const char *keyword);
