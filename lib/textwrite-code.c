/* Instructions in canonical text: one a line, indented by depth. */
#include <inttypes.h>
#include <string.h>

#include "textwrite.h"

static void
put_u(FILE *f, uint64_t v)
{
	char buf[24], *p = buf + sizeof buf;

	*--p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	fputs(p, f);
}

static void
put_memarg(FILE *f, const struct instr *in)
{
	if (in->u.offset) {
		fputs(" offset=", f);
		put_u(f, in->u.offset);
	}
	if (in->align != opinfo[in->op].aux) {
		fputs(" align=", f);
		put_u(f, (uint64_t)1 << in->align);
	}
}

static void
put_blocktype(FILE *f, const struct blocktype *bt)
{
	if (bt->is_index)
		fprintf(f, " (type %u)", bt->index);
	else if (bt->valtype != T_EMPTY)
		fprintf(f, " (result %s)", valtype_name(bt->valtype));
}

static void
put_v128(FILE *f, const uint8_t *b)
{
	int i;

	fputs(" i32x4", f);
	for (i = 0; i < 4; i++) {
		uint32_t w;
		memcpy(&w, b + 4 * i, 4);
		fprintf(f, " 0x%08" PRIx32, w);
	}
}

void
tw_instr(FILE *f, const struct instr *in)
{
	const struct opinfo *o = &opinfo[in->op];
	uint32_t i;

	fputs(o->name, f);
	switch (o->imm) {
	case IMM_NONE: case IMM_MEMIDX: case IMM_MEMCOPY:
		break;
	case IMM_BLOCK: put_blocktype(f, &in->bt); break;
	case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL: case IMM_TABLE:
	case IMM_DATA: case IMM_ELEM: case IMM_MEMINIT: case IMM_LANE:
		putc(' ', f);
		put_u(f, in->idx);
		break;
	case IMM_BRTABLE:
		for (i = 0; i < in->n; i++) {
			putc(' ', f);
			put_u(f, in->targets[i]);
		}
		putc(' ', f);
		put_u(f, in->idx);
		break;
	case IMM_CALLIND:
		if (in->idx2)
			fprintf(f, " %u", in->idx2);
		fprintf(f, " (type %u)", in->idx);
		break;
	case IMM_MEM: put_memarg(f, in); break;
	case IMM_MEMLANE:
		put_memarg(f, in);
		fprintf(f, " %u", in->idx);
		break;
	case IMM_TABLEINIT: fprintf(f, " %u %u", in->idx2, in->idx); break;
	case IMM_TABLECOPY: fprintf(f, " %u %u", in->idx, in->idx2); break;
	case IMM_I32: fprintf(f, " %" PRId32, (int32_t)in->u.i32); break;
	case IMM_I64: fprintf(f, " %" PRId64, (int64_t)in->u.i64); break;
	case IMM_F32: putc(' ', f); tw_f32(f, in->u.f32); break;
	case IMM_F64: putc(' ', f); tw_f64(f, in->u.f64); break;
	case IMM_V128: put_v128(f, in->u.v128); break;
	case IMM_SHUFFLE:
		for (i = 0; i < 16; i++)
			fprintf(f, " %u", in->u.v128[i]);
		break;
	case IMM_SELECTT:
		if (!in->n)
			fputs(" (result)", f);
		for (i = 0; i < in->n; i++)
			fprintf(f, " (result %s)", valtype_name(in->types[i]));
		break;
	case IMM_REFTYPE:
		fputs(in->valtype == T_FUNCREF ? " func" : " extern", f);
		break;
	}
}

static void
indent(FILE *f, uint32_t depth)
{
	static const char spaces[] = "                                                                ";
	uint32_t n = 4 + 2 * depth;

	while (n > sizeof spaces - 1) {
		fputs(spaces, f);
		n -= sizeof spaces - 1;
	}
	fwrite(spaces, 1, n, f);
}

/* The body without the function's final END. */
void
tw_body(FILE *f, const struct instr *code, uint32_t n)
{
	uint32_t i, depth = 0;

	for (i = 0; i + 1 < n; i++) {
		uint16_t op = code[i].op;
		if ((op == OP_END || op == OP_ELSE) && depth > 0)
			depth--;
		indent(f, depth);
		tw_instr(f, &code[i]);
		putc('\n', f);
		if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF || op == OP_ELSE)
			depth++;
	}
}

/* A constant expression: one instruction folded, otherwise flat in a
 * group named keyword (or bare, for globals). */
void
tw_expr(FILE *f, const struct expr *e, const char *keyword)
{
	uint32_t i, n = e->n ? e->n - 1 : 0;

	if (n == 1 && opinfo[e->code[0].op].imm != IMM_BLOCK) {
		fputs(" (", f);
		tw_instr(f, &e->code[0]);
		putc(')', f);
		return;
	}
	if (keyword)
		fprintf(f, " (%s", keyword);
	for (i = 0; i < n; i++) {
		putc(' ', f);
		tw_instr(f, &e->code[i]);
	}
	if (keyword)
		putc(')', f);
}
