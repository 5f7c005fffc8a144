/* Instructions in canonical text: one a line, indented by depth. */
#include <string.h>

#include "textwrite.h"

void
out_flush(struct out *o)
{
	if (o->p > o->buf)
		fwrite(o->buf, 1, (size_t)(o->p - o->buf), o->f);
	o->p = o->buf;
}

/* Decimal, two digits at a time: integers are most of the text. */
void
out_u(struct out *o, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char buf[24], *p = buf + sizeof buf;

	while (v >= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	out_mem(o, p, (size_t)(buf + sizeof buf - p));
}

void
out_i(struct out *o, int64_t v)
{
	if (v < 0) {
		out_c(o, '-');
		out_u(o, -(uint64_t)v);
	} else {
		out_u(o, (uint64_t)v);
	}
}

static void
sp_u(struct out *o, uint64_t v)
{
	out_c(o, ' ');
	out_u(o, v);
}

/* Instruction names with their lengths, computed once. */
static const char *
opname(uint16_t op, size_t *len)
{
	static uint8_t lens[NOPS];
	static int done;
	int i;

	if (!done) {
		for (i = 0; i < NOPS; i++)
			lens[i] = (uint8_t)strlen(opinfo[i].name);
		done = 1;
	}
	*len = lens[op];
	return opinfo[op].name;
}

static void
put_memarg(struct out *o, const struct instr *in)
{
	if (in->u.offset) {
		out_mem(o, " offset=", 8);
		out_u(o, in->u.offset);
	}
	if (in->align != opinfo[in->op].aux) {
		out_mem(o, " align=", 7);
		out_u(o, (uint64_t)1 << (in->align & 63));
	}
}

static void
put_valtype(struct out *o, uint8_t t)
{
	const char *s = valtype_name(t);

	out_s(o, s ? s : "<bad type>");
}

static void
put_blocktype(struct out *o, const struct instr *in)
{
	struct blocktype b = instr_bt(in), *bt = &b;

	if (bt->is_index) {
		out_mem(o, " (type ", 7);
		out_u(o, bt->index);
		out_c(o, ')');
	} else if (bt->valtype != T_EMPTY) {
		out_mem(o, " (result ", 9);
		put_valtype(o, bt->valtype);
		out_c(o, ')');
	}
}

static void
put_v128(struct out *o, const uint8_t *b)
{
	static const char hex[] = "0123456789abcdef";
	char buf[4 * 11], *p = buf;
	int i, k;

	out_mem(o, " i32x4", 6);
	for (i = 0; i < 4; i++) {
		*p++ = ' ';
		*p++ = '0';
		*p++ = 'x';
		for (k = 3; k >= 0; k--) {
			*p++ = hex[b[4 * i + k] >> 4];
			*p++ = hex[b[4 * i + k] & 15];
		}
	}
	out_mem(o, buf, (size_t)(p - buf));
}

static void
put_selectt(struct out *o, const struct instr *in)
{
	uint32_t i;

	if (!in->n)
		out_mem(o, " (result)", 9);
	for (i = 0; i < in->n; i++) {
		out_mem(o, " (result ", 9);
		put_valtype(o, in->types[i]);
		out_c(o, ')');
	}
}

/* Immediates that are plain indices, in text order. */
static void
put_indices(struct out *o, const struct instr *in, enum imm kind)
{
	uint32_t i;

	switch (kind) {
	case IMM_BRTABLE:
		for (i = 0; i < in->n; i++)
			sp_u(o, in->targets[i]);
		sp_u(o, in->idx);
		break;
	case IMM_CALLIND:
		if (in->idx2)
			sp_u(o, in->idx2);
		out_mem(o, " (type ", 7);
		out_u(o, in->idx);
		out_c(o, ')');
		break;
	case IMM_TABLEINIT:
		sp_u(o, in->idx2);
		sp_u(o, in->idx);
		break;
	case IMM_TABLECOPY:
		sp_u(o, in->idx);
		sp_u(o, in->idx2);
		break;
	default:
		sp_u(o, in->idx);
		break;
	}
}

void
tw_instr(struct out *o, const struct instr *in)
{
	enum imm kind = opinfo[in->op].imm;
	size_t len;
	const char *name = opname(in->op, &len);
	int i;

	out_mem(o, name, len);
	switch (kind) {
	case IMM_NONE: case IMM_MEMIDX: case IMM_MEMCOPY:
		break;
	case IMM_BLOCK: put_blocktype(o, in); break;
	case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL: case IMM_TABLE:
	case IMM_DATA: case IMM_ELEM: case IMM_MEMINIT: case IMM_LANE:
	case IMM_BRTABLE: case IMM_CALLIND: case IMM_TABLEINIT: case IMM_TABLECOPY:
		put_indices(o, in, kind);
		break;
	case IMM_MEM: put_memarg(o, in); break;
	case IMM_MEMLANE:
		put_memarg(o, in);
		sp_u(o, in->idx);
		break;
	case IMM_I32: out_c(o, ' '); out_i(o, (int32_t)in->u.i32); break;
	case IMM_I64: out_c(o, ' '); out_i(o, (int64_t)in->u.i64); break;
	case IMM_F32: out_c(o, ' '); tw_f32(o, in->u.f32); break;
	case IMM_F64: out_c(o, ' '); tw_f64(o, in->u.f64); break;
	case IMM_V128: put_v128(o, in->u.v128); break;
	case IMM_SHUFFLE:
		for (i = 0; i < 16; i++)
			sp_u(o, in->u.v128[i]);
		break;
	case IMM_SELECTT: put_selectt(o, in); break;
	case IMM_REFTYPE:
		out_s(o, in->valtype == T_FUNCREF ? " func" : " extern");
		break;
	}
}

/* Indentation stops growing at MAX_INDENT levels: without a limit a
 * body of deeply nested blocks would make output quadratic in its
 * size (readers ignore whitespace, so nothing is lost). */
enum { MAX_INDENT = 32 };  /* 68 columns: deeper nests are unreadable anyway */

static void
indent(struct out *o, uint32_t depth)
{
	static char spaces[4 + 2 * MAX_INDENT];

	if (spaces[0] != ' ')
		memset(spaces, ' ', sizeof spaces);
	if (depth > MAX_INDENT)
		depth = MAX_INDENT;
	out_mem(o, spaces, 4 + 2 * (size_t)depth);
}

/* The body without the function's final END. */
void
tw_body(struct out *o, const struct instr *code, uint32_t n)
{
	uint32_t i, depth = 0;

	for (i = 0; i + 1 < n; i++) {
		uint16_t op = code[i].op;
		if ((op == OP_END || op == OP_ELSE) && depth > 0)
			depth--;
		indent(o, depth);
		tw_instr(o, &code[i]);
		out_c(o, '\n');
		if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF || op == OP_ELSE)
			depth++;
	}
}

/* A constant expression: one instruction folded, otherwise flat in a
 * group named keyword (or bare, for globals). */
void
tw_expr(struct out *o, const struct expr *e, const char *keyword)
{
	uint32_t i, n = e->n ? e->n - 1 : 0;

	if (n == 1 && opinfo[e->code[0].op].imm != IMM_BLOCK) {
		out_mem(o, " (", 2);
		tw_instr(o, &e->code[0]);
		out_c(o, ')');
		return;
	}
	if (keyword) {
		out_mem(o, " (", 2);
		out_s(o, keyword);
	}
	for (i = 0; i < n; i++) {
		out_c(o, ' ');
		tw_instr(o, &e->code[i]);
	}
	if (keyword)
		out_c(o, ')');
}
