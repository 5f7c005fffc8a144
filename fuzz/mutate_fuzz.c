/*
 * Structure-aware mutation of valid modules, as a libFuzzer custom
 * mutator over module text, for the wasm-lower target (lower_fuzz.c's
 * LLVMFuzzerTestOneInput, linked in beside this file).  Byte-level
 * mutations of a module rarely leave it valid, so wasm-lower, which
 * only sees valid modules, would see few; these mostly keep it valid:
 *
 *   - an instruction becomes another of the same stack signature and
 *     immediate kind (i32.add -> i32.rotl, f64.load -> i64.load with
 *     the alignment kept natural), or unreachable (the stack after it
 *     is polymorphic, so the body stays valid);
 *   - a constant, a memory offset or a lane becomes an edge value
 *     (0, -1, INT_MIN, NaNs with payloads, infinities, 0xffffffff ...);
 *   - a local.get/set/tee or global.get names another variable of the
 *     same type;
 *   - "T.const K; drop" or a nop is inserted, an instruction deleted or
 *     two swapped (these may break validity: the verifier then says so).
 *
 * The input is read with the text reader; one mutation is applied to
 * the struct module; the canonical text is written back.  Input that
 * does not read (a crossover gone wrong) gets libFuzzer's byte-level
 * mutation instead.  Seeds: the valid modules of the spec suite as
 * text (fuzz/run.sh).
 * corpus: wat
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "module.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	uint64_t z;

	rng += 0x9E3779B97F4A7C15ull;
	z = rng;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return n ? (uint32_t)(z % n) : 0;
}

static const uint64_t edges[] = {
	0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
	0xfffffffe, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffffffffffull, 0xfffffffffffffffeull,
	/* f32 and f64 bit patterns: NaNs (quiet, signalling, payloads), infinities, -0, subnormals */
	0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x7f800000, 0xff800000, 0x00000001, 0x80000000,
	0x3f800000, 0x4f000000, 0xcf000000, 0x5f000000,
	0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull, 0x7ff4000000000000ull,
	0x7ff0000000000000ull, 0xfff0000000000000ull, 0x0000000000000001ull, 0x41e0000000000000ull,
	0xc1e0000000000000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
};

static uint64_t
edge(void)
{
	uint64_t v = edges[rnd(sizeof edges / sizeof edges[0])];

	return rnd(4) ? v : v + rnd(5) - 2;
}

/* A function with a body, or NULL. */
static struct func *
some_func(struct module *m)
{
	if (!m->nfuncs)
		return NULL;
	return &m->funcs[rnd(m->nfuncs)];
}

/* Another op of the same signature and immediate kind, or op itself. */
static uint16_t
same_shape(uint16_t op)
{
	const struct opinfo *o = &opinfo[op];
	uint16_t pick = op, i, n = 0;

	if (o->sig[0] == '*')
		return op;
	for (i = 0; i < NOPS; i++) {
		const struct opinfo *c = &opinfo[i];
		if (c->imm == o->imm && !strcmp(c->sig, o->sig) && rnd(++n) == 0)
			pick = i;
	}
	return pick;
}

static int
structured(uint16_t op)
{
	return op == OP_BLOCK || op == OP_LOOP || op == OP_IF || op == OP_ELSE || op == OP_END;
}

/* The type of local x of f. */
static uint8_t
local_type(const struct module *m, const struct func *f, uint32_t x)
{
	const struct functype *t = f->type < m->ntypes ? &m->types[f->type] : NULL;
	uint32_t np = t ? t->nparams : 0;

	if (x < np)
		return t->params[x];
	return x - np < f->nlocals ? f->locals[x - np] : 0;
}

/* Another local of f of the same type as local x. */
static uint32_t
same_local(const struct module *m, const struct func *f, uint32_t x)
{
	const struct functype *t = f->type < m->ntypes ? &m->types[f->type] : NULL;
	uint32_t n = (t ? t->nparams : 0) + f->nlocals, i, k = 0, pick = x;
	uint8_t want = local_type(m, f, x);

	for (i = 0; i < n; i++)
		if (local_type(m, f, i) == want && rnd(++k) == 0)
			pick = i;
	return pick;
}

/* Inserts count instructions at position at of f's body. */
static struct instr *
insert(struct arena *a, struct func *f, uint32_t at, uint32_t count)
{
	struct instr *code = arena_array(a, (size_t)f->ncode + count, sizeof *code);

	memcpy(code, f->code, at * sizeof *code);
	memcpy(code + at + count, f->code + at, (f->ncode - at) * sizeof *code);
	f->code = code;
	f->ncode += count;
	return code + at;
}

static void
mutate_instr(struct module *m, struct func *f, struct instr *in)
{
	const struct opinfo *o = &opinfo[in->op];

	switch (rnd(3) ? o->imm : IMM_NONE) {
	case IMM_I32: in->u.i32 = (uint32_t)edge(); return;
	case IMM_I64: in->u.i64 = edge(); return;
	case IMM_F32: in->u.f32 = (uint32_t)edge(); return;
	case IMM_F64: in->u.f64 = edge(); return;
	case IMM_V128:
		in->u.v128[rnd(16)] = (uint8_t)edge();
		return;
	case IMM_MEM: case IMM_MEMLANE:
		if (rnd(2)) {
			in->u.offset = (uint32_t)edge();
			return;
		}
		break;
	case IMM_LOCAL:
		in->idx = same_local(m, f, in->idx);
		return;
	default:
		break;
	}
	if (!structured(in->op) && !rnd(8)) {
		memset(in, 0, sizeof *in);
		in->op = OP_UNREACHABLE;
		return;
	}
	in->op = same_shape(in->op);
	if (in->align > opinfo[in->op].aux)
		in->align = opinfo[in->op].aux;
}

/* One mutation of the module; 0 if none applied. */
static int
mutate_module(struct arena *a, struct module *m)
{
	struct func *f = some_func(m);
	struct instr *in, tmp;
	uint32_t i;

	if (!f || f->ncode < 1)
		return 0;
	i = rnd(f->ncode - 1); /* not the final end */
	switch (rnd(10)) {
	case 0: /* T.const K; drop */
		in = insert(a, f, i, 2);
		memset(in, 0, 2 * sizeof *in);
		in[0].op = rnd(2) ? OP_I32_CONST : OP_I64_CONST;
		in[0].u.i64 = edge();
		in[1].op = OP_DROP;
		return 1;
	case 1: /* delete one */
		if (structured(f->code[i].op) || f->ncode < 2)
			return 0;
		memmove(f->code + i, f->code + i + 1, (f->ncode - i - 1) * sizeof *f->code);
		f->ncode--;
		return 1;
	case 2: /* swap two neighbours */
		if (i + 2 >= f->ncode || structured(f->code[i].op) || structured(f->code[i + 1].op))
			return 0;
		tmp = f->code[i], f->code[i] = f->code[i + 1], f->code[i + 1] = tmp;
		return 1;
	default:
		mutate_instr(m, f, &f->code[i]);
		return 1;
	}
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct arena *a = arena_new();
	char *text = NULL, *copy = malloc(size + 1);
	size_t len = 0, out = 0;
	FILE *volatile f = NULL; /* set after setjmp, read after longjmp */
	jmp_buf jb;

	rng = seed;
	memcpy(copy, data, size);
	copy[size] = 0;
	diag_catch(&jb);
	if (!setjmp(jb)) {
		struct module *m = read_text(a, "mutate.wat", copy, size);
		int k, n = 1 + (int)rnd(3);
		for (k = 0; k < n; k++)
			mutate_module(a, m);
		if ((f = open_memstream(&text, &len))) {
			write_text(m, f);
			fclose(f);
			f = NULL;
			if (len <= max_size) {
				memcpy(data, text, len);
				out = len;
			}
		}
	}
	diag_catch(NULL);
	if (f)
		fclose(f);
	free(text);
	free(copy);
	arena_free(a);
	return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
