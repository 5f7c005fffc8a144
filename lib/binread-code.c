/*
 * Instructions in binary: function bodies and constant expressions,
 * decoded through the opcode table, and the name section.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "binread.h"
#include "diag.h"
#include "modlimits.h"

/* (prefix, code) -> op, built once from ops.h; NOPS marks a hole. */
static uint16_t op_plain[256], op_fc[32], op_fd[256];

static void
build_tables(void)
{
	static int done;
	int i;

	if (done)
		return;
	for (i = 0; i < 256; i++)
		op_plain[i] = op_fd[i] = NOPS;
	for (i = 0; i < 32; i++)
		op_fc[i] = NOPS;
	for (i = 0; i < NOPS; i++) {
		const struct opinfo *o = &opinfo[i];
		if (o->code >= (o->prefix == 0xfc ? 32u : 256u))
			die("ops.h: %s: code %u outside the decoding table", o->name, o->code);
		if (i == OP_SELECT_T || o->prefix == 0)
			op_plain[o->code] = (uint16_t)i;
		else if (o->prefix == 0xfc)
			op_fc[o->code] = (uint16_t)i;
		else
			op_fd[o->code] = (uint16_t)i;
	}
	done = 1;
}

static void
zero_byte(struct reader *r)
{
	if (bin_u8(r) != 0) {
		r->p--;
		bin_fail(r, "zero byte expected");
	}
}

static void
read_blocktype(struct reader *r, struct instr *in)
{
	const uint8_t *at = r->p;
	int64_t v;
	uint8_t b = bin_u8(r);

	if (b == T_EMPTY || valtype_name(b)) {
		in->valtype = b;
		return;
	}
	r->p = at;
	v = bin_sleb(r, 33); /* a type index, as a positive s33 */
	if (v < 0 || v > 0xffffffffll) {
		r->p = at;
		bin_fail(r, "malformed block type");
	}
	in->valtype = BT_INDEX;
	in->idx = (uint32_t)v;
}

static void
read_memarg(struct reader *r, struct instr *in)
{
	uint32_t align = bin_u32(r);

	if (align >= 32)
		bin_fail(r, "alignment 2^%u too large", align);
	in->align = (uint8_t)align;
	in->u.offset = bin_u32(r);
}

/* Immediates of one instruction, by the kind in the opcode table. */
static void
read_imm(struct reader *r, struct instr *in, enum imm kind)
{
	uint32_t i;

	switch (kind) {
	case IMM_NONE: break;
	case IMM_BLOCK: read_blocktype(r, in); break;
	case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL:
	case IMM_TABLE: case IMM_DATA: case IMM_ELEM:
		in->idx = bin_u32(r);
		break;
	case IMM_BRTABLE:
		in->n = bin_count(r, 1);
		in->targets = arena_array(r->a, in->n, sizeof *in->targets);
		for (i = 0; i < in->n; i++)
			in->targets[i] = bin_u32(r);
		in->idx = bin_u32(r);
		break;
	case IMM_CALLIND:
		in->idx = bin_u32(r);
		in->idx2 = bin_u32(r);
		break;
	case IMM_MEM: read_memarg(r, in); break;
	case IMM_MEMLANE:
		read_memarg(r, in);
		in->idx = bin_u8(r);
		break;
	case IMM_MEMIDX: zero_byte(r); break;
	case IMM_MEMCOPY: zero_byte(r); zero_byte(r); break;
	case IMM_MEMINIT:
		in->idx = bin_u32(r);
		zero_byte(r);
		break;
	case IMM_TABLEINIT: case IMM_TABLECOPY:
		in->idx = bin_u32(r);
		in->idx2 = bin_u32(r);
		break;
	case IMM_I32: in->u.i32 = (uint32_t)bin_sleb(r, 32); break;
	case IMM_I64: in->u.i64 = (uint64_t)bin_sleb(r, 64); break;
	case IMM_F32:
		if (r->end - r->p < 4)
			bin_fail(r, "unexpected end");
		memcpy(&in->u.f32, r->p, 4);
		r->p += 4;
		break;
	case IMM_F64:
		if (r->end - r->p < 8)
			bin_fail(r, "unexpected end");
		memcpy(&in->u.f64, r->p, 8);
		r->p += 8;
		break;
	case IMM_V128: case IMM_SHUFFLE:
		if (r->end - r->p < 16)
			bin_fail(r, "unexpected end");
		memcpy(instr_v128(r->a, in), r->p, 16);
		r->p += 16;
		break;
	case IMM_LANE: in->idx = bin_u8(r); break;
	case IMM_SELECTT:
		in->n = bin_count(r, 1);
		in->types = arena_alloc(r->a, in->n);
		for (i = 0; i < in->n; i++)
			in->types[i] = bin_valtype(r);
		break;
	case IMM_REFTYPE: in->valtype = bin_reftype(r); break;
	}
}

/* One instruction: opcode and immediates. */
static void
read_instr(struct reader *r, struct instr *in)
{
	const uint8_t *at = r->p;
	uint8_t b = bin_u8(r);
	uint32_t sub;
	uint16_t op;

	in->pos = (uint32_t)(at - r->base);
	if (b == 0xfc || b == 0xfd) {
		sub = bin_u32(r);
		op = b == 0xfc ? (sub < 32 ? op_fc[sub] : NOPS) : (sub < 256 ? op_fd[sub] : NOPS);
		if (op == NOPS) {
			r->p = at;
			bin_fail(r, "illegal opcode 0x%02x %u", b, sub);
		}
	} else if ((op = op_plain[b]) == NOPS) {
		r->p = at;
		bin_fail(r, "illegal opcode 0x%02x", b);
	}
	in->op = op;
	read_imm(r, in, opinfo[op].imm);
	if ((op == OP_MEMORY_INIT || op == OP_DATA_DROP) && !r->m->has_datacount) {
		r->p = at;
		bin_fail(r, "data count section required");
	}
}

/* Instructions up to the END that closes depth 0, into the arena, in
 * one pass (vec: the body is never copied whole).  Static, so that an
 * input error's longjmp loses nothing. */
static struct instr *
read_seq(struct reader *r, uint32_t *count)
{
	static _Thread_local struct vec body;
	uint32_t depth = 0;
	struct instr *in, *out;
	size_t n;

	build_tables();
	vec_reset(&body, sizeof *in);
	for (;;) {
		if (r->p >= r->end)
			bin_fail(r, "END opcode expected");
		in = vec_push(&body);
		read_instr(r, in);
		switch (in->op) {
		case OP_BLOCK: case OP_LOOP: case OP_IF:
			bin_within(r, r->base + in->pos, LIM_NESTING, ++depth, "depth of nested blocks");
			break;
		case OP_END:
			if (depth-- == 0)
				goto done;
			break;
		}
	}
done:
	out = vec_take(&body, r->a, &n);
	*count = (uint32_t)n;
	return out;
}

void
bin_expr(struct reader *r, struct expr *e)
{
	e->code = read_seq(r, &e->n);
}

void
bin_body(struct reader *r, struct func *f)
{
	f->code = read_seq(r, &f->ncode);
}

/* The name section: module name and function names are kept; the
 * spec asks that a malformed name section be ignored, not rejected. */
static void
read_funcnames(struct reader *r, struct module *m)
{
	uint32_t i, n = bin_count(r, 2);
	struct name *v = arena_array(r->a, n, sizeof *v);

	for (i = 0; i < n; i++) {
		v[i].index = bin_u32(r);
		if (i && v[i].index <= v[i - 1].index)
			bin_fail(r, "function names out of order");
		v[i].name = bin_name(r, &v[i].len);
	}
	m->funcnames = v;
	m->nfuncnames = n;
}

void
bin_names(struct reader *r, struct module *m)
{
	jmp_buf jb;
	jmp_buf *outer = diag_catcher();
	const uint8_t *end = r->end;

	diag_catch(&jb);
	if (setjmp(jb)) {
		m->funcnames = NULL;
		m->nfuncnames = 0;
		m->has_modname = 0;
		r->end = end;
		diag_catch(outer);
		return;
	}
	while (r->p < end) {
		uint8_t id = bin_u8(r);
		uint32_t size = bin_u32(r);
		if (size > (size_t)(end - r->p))
			bin_fail(r, "name subsection too long");
		r->end = r->p + size;
		if (id == 0) {
			m->modname = bin_name(r, &m->modnamelen);
			m->has_modname = 1;
		} else if (id == 1) {
			read_funcnames(r, m);
		}
		r->p = r->end;
		r->end = end;
	}
	diag_catch(outer);
}
