/*
 * The module-text lexer: parentheses, atoms (keywords, numbers, $ids),
 * strings, and comments, skipped except for (;@custom ...;) which
 * carries a custom section.  Also the WAT number syntax, exactly:
 * integers with range checks, hexadecimal floats rounded by hand to
 * nearest-even (so f32 is never rounded twice), decimal floats through
 * strtod/strtof, inf, nan and nan:0xPAYLOAD.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "textlex.h"

void
lex_init(struct lexer *lx, struct arena *a, const char *file, const char *buf, size_t len)
{
	memset(lx, 0, sizeof *lx);
	lx->p = buf;
	lx->end = buf + len;
	lx->file = file;
	lx->line = 1;
	lx->a = a;
}

void
lex_error(struct lexer *lx, uint32_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	error_line(lx->file, line, "%s", msg);
}

static int
atom_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '(' && c != ')' && c != '"' && c != ';';
}

/* An atom holding a character that is no idchar (',' ';' '[' ']' '{'
 * '}') or running into a string is a reserved token: malformed, as in
 * "data\"a\"" or "$a,b". */
static void
reserved(struct lexer *lx, const struct token *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (strchr(",[]{}", t->s[i]))
			lex_error(lx, t->line, "'%.*s' is not a token ('%c' is reserved)",
			          (int)(t->len > 40 ? 40 : t->len), t->s, t->s[i]);
	if (lx->p < lx->end && *lx->p == '"')
		lex_error(lx, t->line, "no space between '%.*s' and a string", (int)(t->len > 40 ? 40 : t->len), t->s);
}

/* Skip a block comment starting at p ("(;"), nesting; returns its end. */
static const char *
skip_block_comment(struct lexer *lx, const char *p)
{
	uint32_t depth = 0, start = lx->line;

	while (p < lx->end) {
		if (p + 1 < lx->end && p[0] == '(' && p[1] == ';') {
			depth++;
			p += 2;
		} else if (p + 1 < lx->end && p[0] == ';' && p[1] == ')') {
			p += 2;
			if (--depth == 0)
				return p;
		} else {
			if (*p == '\n')
				lx->line++;
			p++;
		}
	}
	lex_error(lx, start, "unterminated block comment");
}

static struct token
scan(struct lexer *lx)
{
	struct token t = {T_EOF, NULL, 0, 0};
	const char *p = lx->p;

	for (;;) {
		while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			if (*p == '\n')
				lx->line++;
			p++;
		}
		if (p + 1 < lx->end && p[0] == ';' && p[1] == ';') {
			/* to the end of the line: U+0A, U+0D or both */
			while (p < lx->end && *p != '\n' && *p != '\r')
				p++;
			continue;
		}
		if (p + 1 < lx->end && p[0] == '(' && p[1] == ';') {
			const char *start = p;
			uint32_t line = lx->line;
			p = skip_block_comment(lx, p);
			if (p - start > 12 && !memcmp(start, "(;@custom ", 10)) {
				t.kind = T_CUSTOM, t.s = start + 10, t.len = (size_t)(p - 2 - (start + 10));
				t.line = line;
				lx->p = p;
				return t;
			}
			continue;
		}
		break;
	}
	t.line = lx->line;
	if (p >= lx->end) {
		lx->p = p;
		return t;
	}
	if (*p == '(' || *p == ')') {
		t.kind = *p == '(' ? T_LP : T_RP;
		t.s = p;
		t.len = 1;
		lx->p = p + 1;
		return t;
	}
	if (*p == '"') {
		const char *s = ++p;
		while (p < lx->end && *p != '"') {
			if (*p == '\n')
				lex_error(lx, t.line, "newline in string");
			if (*p == '\\' && p + 1 < lx->end)
				p++;
			p++;
		}
		if (p >= lx->end)
			lex_error(lx, t.line, "unterminated string");
		t.kind = T_STRING, t.s = s, t.len = (size_t)(p - s);
		/* the text is Unicode: escapes aside, a string's bytes are UTF-8 */
		if (!utf8_valid((const uint8_t *)s, t.len))
			lex_error(lx, t.line, "malformed UTF-8 encoding in a string");
		lx->p = ++p;
		if (p < lx->end && (*p == '"' || atom_char((unsigned char)*p)))
			lex_error(lx, t.line, "no space between a string and what follows it");
		return t;
	}
	if (!atom_char((unsigned char)*p))
		lex_error(lx, t.line, "unexpected character 0x%02x", (unsigned char)*p);
	t.kind = T_ATOM;
	t.s = p;
	while (p < lx->end && atom_char((unsigned char)*p))
		p++;
	t.len = (size_t)(p - t.s);
	lx->p = p;
	reserved(lx, &t);
	return t;
}

struct token
lex_next(struct lexer *lx)
{
	if (lx->has_peek) {
		lx->has_peek = 0;
		return lx->peeked;
	}
	return scan(lx);
}

struct token
lex_peek(struct lexer *lx)
{
	if (!lx->has_peek) {
		lx->peeked = scan(lx);
		lx->has_peek = 1;
	}
	return lx->peeked;
}

int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
put_utf8(uint8_t *out, uint32_t *n, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (uint8_t)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (uint8_t)(0xc0 | cp >> 6);
		out[(*n)++] = (uint8_t)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (uint8_t)(0xe0 | cp >> 12);
		out[(*n)++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (uint8_t)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (uint8_t)(0xf0 | cp >> 18);
		out[(*n)++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (uint8_t)(0x80 | (cp & 0x3f));
	}
}

uint8_t *
lex_string(struct lexer *lx, const struct token *t, uint32_t *len)
{
	uint8_t *out;
	const char *p = t->s, *end = t->s + t->len;
	uint32_t n = 0;

	if (t->len > UINT32_MAX) /* a length is 32 bits */
		lex_error(lx, t->line, "string of %zu bytes, longer than 4 GiB", t->len);
	out = arena_alloc(lx->a, t->len + 1);

	while (p < end) {
		char c = *p++;
		if (c != '\\') {
			out[n++] = (uint8_t)c;
			continue;
		}
		if (p >= end)
			lex_error(lx, t->line, "bad escape in string");
		c = *p++;
		switch (c) {
		case 't': out[n++] = '\t'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case '"': case '\'': case '\\': out[n++] = (uint8_t)c; break;
		case 'u': {
			uint32_t cp = 0;
			if (p >= end || *p++ != '{')
				lex_error(lx, t->line, "bad \\u escape");
			while (p < end && *p != '}') {
				int h = hexval(*p++);
				if (h < 0 || cp > 0x10ffff)
					lex_error(lx, t->line, "bad \\u escape");
				cp = cp * 16 + (uint32_t)h;
			}
			if (p >= end || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
				lex_error(lx, t->line, "bad \\u escape");
			p++;
			put_utf8(out, &n, cp);
			break;
		}
		default: {
			int h1 = hexval(c), h2 = p < end ? hexval(*p) : -1;
			if (h1 < 0 || h2 < 0)
				lex_error(lx, t->line, "bad escape \\%c in string", c);
			p++;
			out[n++] = (uint8_t)(h1 * 16 + h2);
		}
		}
	}
	*len = n;
	return out;
}

static int
digit_of(char c, int hex)
{
	return hex ? hexval(c) >= 0 : c >= '0' && c <= '9';
}

/* Copy of an atom without underscores, which must sit between two
 * digits of the literal's base (hex once "0x" is seen: 1_e5 is not a
 * number, 0xf_f and 0x1p1_0 are). */
static int
strip(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;
	int hex = 0;

	if (len >= size)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == 'x' && i > 0 && s[i - 1] == '0')
			hex = 1;
		if (s[i] == '_') {
			if (i == 0 || i + 1 == len || !digit_of(s[i - 1], hex) || !digit_of(s[i + 1], hex))
				return 0;
			continue;
		}
		buf[n++] = s[i];
	}
	buf[n] = 0;
	return 1;
}

/* A copy of the atom without its underscores, in small if it fits:
 * literals may be long (309 decimal digits for the largest double). */
static char *
stripped(const char *s, size_t len, char *small, size_t size)
{
	char *buf = len < size ? small : xmalloc(len + 1);

	if (!strip(s, len, buf, len + 1)) {
		if (buf != small)
			free(buf);
		return NULL;
	}
	return buf;
}

static int
u64_of(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10, d;

	if (!*p)
		return 0;
	if (p[0] == '0' && p[1] == 'x') {
		base = 16;
		p += 2;
		if (!*p)
			return 0;
	}
	for (; *p; p++) {
		d = hexval(*p);
		if (d < 0 || d >= base)
			return 0;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return 0;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 1;
}

int
num_u64(const char *s, size_t len, uint64_t *out)
{
	char small[128], *buf = stripped(s, len, small, sizeof small);
	int ok;

	if (!buf)
		return 0;
	ok = u64_of(buf, out);
	if (buf != small)
		free(buf);
	return ok;
}

int
num_int(const char *s, size_t len, unsigned bits, uint64_t *out)
{
	int neg = 0;
	uint64_t v, max = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;

	if (len && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++, len--;
	}
	if (!num_u64(s, len, &v))
		return 0;
	if (neg) {
		if (v > (1ull << (bits - 1)))
			return 0;
		v = (uint64_t)0 - v;
	} else if (v > max) {
		return 0;
	}
	*out = bits == 64 ? v : v & max;
	return 1;
}

/* Hexadecimal float to bits, P mantissa bits (incl. hidden), E exponent
 * bits; rounds to nearest, ties to even; 0 on overflow or bad syntax. */
static int
hexfloat(const char *p, int neg, int P, int E, uint64_t *bits)
{
	uint64_t mant = 0;
	int exp2 = 0, sticky = 0, seen_point = 0, any = 0, d;
	const int bias = (1 << (E - 1)) - 1, emin = 1 - bias, emax = bias;
	long e = 0;
	int esign = 1, msb, keep, shift, E2;
	uint64_t m;

	for (; *p && *p != 'p' && *p != 'P'; p++) {
		if (*p == '.') {
			if (seen_point)
				return 0;
			seen_point = 1;
			continue;
		}
		if ((d = hexval(*p)) < 0)
			return 0;
		any = 1;
		if (mant >> 56) {
			sticky |= d != 0;
			if (!seen_point)
				exp2 += 4;
		} else {
			mant = mant * 16 + (uint64_t)d;
			if (seen_point)
				exp2 -= 4;
		}
	}
	if (!any)
		return 0;
	if (*p) {
		p++;
		if (*p == '+' || *p == '-')
			esign = *p++ == '-' ? -1 : 1;
		if (!*p)
			return 0;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return 0;
			if (e < 100000)
				e = e * 10 + (*p - '0');
		}
	}
	exp2 += (int)(esign * e);
	if (mant == 0) {
		*bits = (uint64_t)neg << (P - 1 + E);
		return 1;
	}
	msb = 63 - __builtin_clzll(mant);
	E2 = msb + exp2;
	keep = E2 >= emin ? P : P - (emin - E2);
	shift = msb + 1 - keep;
	if (keep < 0 || shift > 64) {
		m = 0; /* below half the smallest subnormal */
	} else if (shift > 0) {
		uint64_t rem = shift == 64 ? mant : mant & ((1ull << shift) - 1);
		uint64_t half = 1ull << (shift - 1);
		m = shift == 64 ? 0 : mant >> shift;
		if (rem > half || (rem == half && (sticky || (m & 1))))
			m++;
	} else {
		m = mant << -shift;
	}
	if (keep == P && m >> P) { /* rounding carried into a new bit */
		m >>= 1;
		E2++;
	}
	if (E2 >= emin && keep == P) {
		if (E2 > emax)
			return 0;
		m = (m & ((1ull << (P - 1)) - 1)) | ((uint64_t)(E2 + bias) << (P - 1));
	}
	*bits = m | ((uint64_t)neg << (P - 1 + E));
	return 1;
}

/* Shared float syntax: sign, inf, nan[:0xN], hex, decimal; p stripped. */
static int
float_of(char *p, int P, int E, uint64_t *bits)
{
	int neg = 0;
	uint64_t expmask = ((1ull << E) - 1) << (P - 1), payload;

	if (!*p)
		return 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!strcmp(p, "inf")) {
		*bits = expmask | ((uint64_t)neg << (P - 1 + E));
		return 1;
	}
	if (!strncmp(p, "nan", 3)) {
		payload = 1ull << (P - 2);
		if (p[3] == ':') {
			if (strncmp(p + 4, "0x", 2) || !u64_of(p + 4, &payload) ||
			    payload == 0 || payload >> (P - 1))
				return 0;
		} else if (p[3]) {
			return 0;
		}
		*bits = expmask | payload | ((uint64_t)neg << (P - 1 + E));
		return 1;
	}
	if (p[0] == '0' && p[1] == 'x')
		return hexfloat(p + 2, neg, P, E, bits);
	{
		char *end;
		size_t i;
		for (i = 0; p[i]; i++)
			if (!strchr("0123456789.eE+-", p[i]))
				return 0;
		if (!(p[0] >= '0' && p[0] <= '9'))
			return 0;
		errno = 0;
		if (P == 24) {
			float f = strtof(p, &end);
			uint32_t u;
			if (*end || isinf(f))
				return 0;
			memcpy(&u, &f, 4);
			*bits = u | ((uint64_t)neg << 31);
		} else {
			double d = strtod(p, &end);
			uint64_t u;
			if (*end || isinf(d))
				return 0;
			memcpy(&u, &d, 8);
			*bits = u | ((uint64_t)neg << 63);
		}
		return 1;
	}
}

static int
parse_float(const char *s, size_t len, int P, int E, uint64_t *bits)
{
	char small[256], *buf = stripped(s, len, small, sizeof small);
	int ok;

	if (!buf)
		return 0;
	ok = float_of(buf, P, E, bits);
	if (buf != small)
		free(buf);
	return ok;
}

int
num_f32(const char *s, size_t len, uint32_t *bits)
{
	uint64_t b;

	if (!parse_float(s, len, 24, 8, &b))
		return 0;
	*bits = (uint32_t)b;
	return 1;
}

int
num_f64(const char *s, size_t len, uint64_t *bits)
{
	return parse_float(s, len, 53, 11, bits);
}
