/* The module-text lexer and number syntax (textlex.c), for textread.c. */
#ifndef WA_TEXTLEX_H
#define WA_TEXTLEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* Whether t is the keyword word. */
static inline int
tok_is(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	return t->kind == T_ATOM && t->len == n && !memcmp(t->s, word, n);
}

void lex_init(struct lexer *, struct arena *, const char *file, const char *buf, size_t len);
struct token lex_next(struct lexer *);
struct token lex_peek(struct lexer *);
_Noreturn void lex_error(struct lexer *, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A string token's bytes, escapes decoded, into the arena. */
uint8_t *lex_string(struct lexer *, const struct token *, uint32_t *len);

/* Numbers; each returns 0 if the atom is not of that form or out of range. */
int hexval(int c);                                              /* 0..15, or -1 */
int num_u64(const char *s, size_t len, uint64_t *out);          /* unsigned, dec or hex */
int num_int(const char *s, size_t len, unsigned bits, uint64_t *out); /* i32/i64 literal */
int num_f32(const char *s, size_t len, uint32_t *bits);
int num_f64(const char *s, size_t len, uint64_t *bits);

/*
 * Name tables ($ids) for the text reader (textnames.c): one per index
 * space, hashed, so symbolic references cost O(1) however many there are.
 */
struct names {
	struct arena *a;     /* everything lives in it: an error may longjmp away */
	struct name *v;      /* index and $id (without the '$'), pointing into the text */
	uint32_t n, cap;
	uint32_t *slots;     /* open addressing over v: position + 1, 0 empty */
	uint32_t nslots;
};

/* Index spaces with $ids at module level. */
enum { NS_FUNC, NS_TABLE, NS_MEM, NS_GLOBAL, NS_TYPE, NS_ELEM, NS_DATA, NNS };

void names_clear(struct names *);
/* Adds id (given with its '$') for index; 0 if the id already names
 * another index, 1 otherwise (adding it again for the same index is a no-op). */
int names_add(struct names *, const char *id, size_t len, uint32_t index);
/* Makes id name index, returning the index it named before or -1. */
int64_t names_set(struct names *, const char *id, size_t len, uint32_t index);
/* The index an id names, or -1. */
int64_t names_find(const struct names *, const char *id, size_t len);
/* Collects every module-level definition's $id with its index, so
 * references may come before definitions.  Run on the first miss. */
void names_prescan(struct names ns[NNS], struct lexer *);

#endif
