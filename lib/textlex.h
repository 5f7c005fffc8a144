/* The module-text lexer and number syntax (textlex.c), for textread.c. */
#include <stddef.h>
#include <stdint.h>

#include "module.h"

enum tok { T_EOF, T_LP, T_RP, T_ATOM, T_STRING, T_CUSTOM };

struct token {
	enum tok kind;
	const char *s;  /* T_ATOM: the atom; T_STRING: after the quote; T_CUSTOM: comment body */
	size_t len;
	uint32_t line;
};

struct lexer {
	const char *p, *end, *file;
	uint32_t line;
	struct token peeked;
	int has_peek;
	struct arena *a;
};

void lex_init(struct lexer *, struct arena *, const char *file, const char *buf, size_t len);
struct token lex_next(struct lexer *);
struct token lex_peek(struct lexer *);
_Noreturn void lex_error(struct lexer *, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A string token's bytes, escapes decoded, into the arena. */
uint8_t *lex_string(struct lexer *, const struct token *, uint32_t *len);

/* Numbers; each returns 0 if the atom is not of that form or out of range. */
int num_u64(const char *s, size_t len, uint64_t *out);          /* unsigned, dec or hex */
int num_int(const char *s, size_t len, unsigned bits, uint64_t *out); /* i32/i64 literal */
int num_f32(const char *s, size_t len, uint32_t *bits);
int num_f64(const char *s, size_t len, uint64_t *bits);
