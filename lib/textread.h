/*
 * The text reader's internals, shared by textread.c (module fields,
 * instructions) and textfold.c (folded instructions).
 */
#ifndef WA_TEXTREAD_H
#define WA_TEXTREAD_H

#include "textlex.h"

/* Inline type uses that match no type yet get these provisional
 * indices; at the end they are resolved against all explicit types and
 * appended after them, as in the text format's definition. */
enum { IMPLICIT_TYPE = 0xf0000000u };

/* A type use (type N) (param ..) (result ..) whose N was not defined
 * yet: the match is checked once all types are known. */
struct typecheck {
	struct functype ft;
	uint32_t index, line;
};

/* An open folded instruction: what its ')' or next group means. */
enum foldstate {
	F_OPERANDS,  /* (op imm* folded*): op is emitted at ')' */
	F_BODY,      /* (block ..) (loop ..): instructions, END at ')' */
	F_COND,      /* (if bt folded* (then ..) (else ..)?): the condition */
	F_THEN, F_AFTER_THEN, F_ELSE, F_AFTER_ELSE,
};

struct fold {
	uint8_t state;
	struct instr in;       /* F_OPERANDS, F_COND: the instruction to emit */
	const char *label;     /* F_COND: the if's $label, opened at (then */
	uint32_t labellen;
};

struct label {
	const char *id;  /* the $id after block/loop/if, or NULL */
	uint32_t len;
	int64_t shadowed; /* position of the enclosing label of the same id, or -1 */
};

enum { LABEL_CLOSED = UINT32_MAX };

struct parser {
	struct lexer lx;
	struct module *m;
	struct arena *a;
	const char *buf;            /* the whole text, for the prescan */
	size_t len;
	struct names ns[NNS];       /* $ids of definitions, per index space */
	int prescanned;
	struct names locals;        /* of the function being read */
	struct names *paramnames;   /* set while reading a function's header */
	struct label *labels;       /* open blocks, the function's first */
	uint32_t nlabels, caplabels;
	struct names labelids;      /* label $id -> innermost open position */
	struct fold *folds;         /* open folded instructions (textread.c: folded) */
	uint32_t nfolds, capfolds;
	struct functype *implicit;  /* inline types, see IMPLICIT_TYPE */
	uint32_t nimplicit;
	struct typecheck *checks;   /* (type N) uses naming a later type */
	uint32_t nchecks;
	struct vec *body;           /* instructions, one body at a time */
	uint64_t nlocals;           /* locals declared so far, all functions */
};

#define ERR(P, line, ...) lex_error(&(P)->lx, (line), __VA_ARGS__)

/* n against an implementation limit (modlimits.h); over it, an error at
 * line naming what (a printf format). */
void tr_within(struct parser *, uint32_t line, int limit, uint64_t n, const char *what, ...)
	__attribute__((format(printf, 5, 6)));

/* textread.c */
void tr_instr(struct parser *, const struct token *, struct instr *);
struct instr *tr_slot(struct parser *);
void tr_push_label(struct parser *, const struct token *id);
void tr_pop_label(struct parser *);
/* textfold.c */
void tr_emit_end(struct parser *, uint32_t line);
void tr_folded(struct parser *);

#endif
