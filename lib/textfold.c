/*
 * Folded instructions, (op imm* operand*), (block ..), (loop ..),
 * (if .. (then ..) (else ..)), flattened into the flat instruction
 * list the rest of the toolchain sees: operands first, then the
 * instruction; blocks get their END.  The canonical text is flat; this
 * is for hand-written modules and constant expressions.
 */
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "textread.h"

static struct token
next(struct parser *P)
{
	return lex_next(&P->lx);
}

static struct token
peek(struct parser *P)
{
	return lex_peek(&P->lx);
}

void
tr_emit_end(struct parser *P, uint32_t line)
{
	struct instr *end = tr_slot(P);

	memset(end, 0, sizeof *end);
	end->op = OP_END;
	end->pos = line;
}

/* Closes a folded block: its END, and its label (never below zero,
 * whatever stray flat `end`s did before). */
static void
fold_end(struct parser *P, uint32_t line)
{
	tr_emit_end(P, line);
	if (P->nlabels > 0)
		tr_pop_label(P);
}

static struct fold *
push_fold(struct parser *P, uint8_t state)
{
	struct fold *f;

	if (P->nfolds == P->capfolds) {
		if (P->capfolds >= UINT32_MAX / 2) /* with the limits lifted */
			ERR(P, P->lx.line, "folded instructions nested too deeply");
		P->folds = arena_grow(P->a, P->folds, P->nfolds, P->capfolds ? 2 * (size_t)P->capfolds : 16,
		                      sizeof *P->folds);
		P->capfolds = P->capfolds ? 2 * P->capfolds : 16;
	}
	f = &P->folds[P->nfolds++];
	memset(f, 0, sizeof *f);
	f->state = state;
	return f;
}

/* After '(': the instruction's keyword and immediates, and a frame. */
static void
open_fold(struct parser *P)
{
	struct token t = next(P);
	struct fold *f;

	if (tok_is(&t, "block") || tok_is(&t, "loop")) {
		tr_instr(P, &t, tr_slot(P)); /* emitted now; pushes its label */
		push_fold(P, F_BODY);
	} else if (tok_is(&t, "if")) {
		f = push_fold(P, F_COND);
		tr_instr(P, &t, &f->in);
		/* the condition is outside the if: its label opens at (then */
		f->label = P->labels[P->nlabels - 1].id;
		f->labellen = P->labels[P->nlabels - 1].len;
		tr_pop_label(P);
	} else {
		f = push_fold(P, F_OPERANDS);
		tr_instr(P, &t, &f->in);
	}
}

/* The group after '(' inside an if: (then, (else, or an operand. */
static void
if_group(struct parser *P, struct fold *f, const struct token *t)
{
	struct token kw = peek(P);

	if (f->state == F_COND && tok_is(&kw, "then")) {
		struct token id = {T_ATOM, f->label, f->labellen, kw.line};
		next(P);
		*tr_slot(P) = f->in;
		tr_push_label(P, f->label ? &id : NULL);
		f->state = F_THEN;
	} else if (f->state == F_AFTER_THEN && tok_is(&kw, "else")) {
		struct instr *in = tr_slot(P);
		next(P);
		memset(in, 0, sizeof *in);
		in->op = OP_ELSE;
		in->pos = kw.line;
		f->state = F_ELSE;
	} else if (f->state == F_COND) {
		open_fold(P);
	} else {
		ERR(P, t->line, "expected (then ...) or (else ...) in a folded if");
	}
}

/* A folded instruction, its '(' read: flattened into the body
 * instructions, operands first.  An explicit stack, not recursion, so
 * no nesting depth can exhaust the C stack. */
void
tr_folded(struct parser *P)
{
	uint32_t base = P->nfolds;
	struct token t;

	open_fold(P);
	while (P->nfolds > base) {
		struct fold *f = &P->folds[P->nfolds - 1];
		uint8_t st = f->state;
		t = next(P);
		if (t.kind == T_LP) {
			if (st == F_COND || st == F_AFTER_THEN || st == F_AFTER_ELSE)
				if_group(P, f, &t);
			else
				open_fold(P);
		} else if (t.kind == T_RP) {
			if (st == F_OPERANDS) {
				*tr_slot(P) = f->in;
				P->nfolds--;
			} else if (st == F_THEN || st == F_ELSE) {
				f->state = st == F_THEN ? F_AFTER_THEN : F_AFTER_ELSE;
			} else if (st == F_COND) {
				ERR(P, t.line, "a folded if needs (then ...)");
			} else {
				fold_end(P, t.line);
				P->nfolds--;
			}
		} else if (t.kind == T_ATOM && (st == F_BODY || st == F_THEN || st == F_ELSE)) {
			tr_instr(P, &t, tr_slot(P));
		} else {
			ERR(P, t.line, "unexpected %s in a folded instruction",
			    t.kind == T_EOF ? "end of file" : "token");
		}
	}
}

