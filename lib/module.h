/*
 * The in-memory module: what wasm-parse builds from a binary, what the
 * text reader builds from module text, and what wasm-verify, the text
 * writer and wasm-lower walk.  Everything lives in one arena (arena.h)
 * and is freed with it.  Index spaces follow the spec: imports come
 * first in the function, table, memory and global spaces.
 */
#ifndef WA_MODULE_H
#define WA_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

/* value types, by their binary encoding */
enum {
	T_I32 = 0x7f,
	T_I64 = 0x7e,
	T_F32 = 0x7d,
	T_F64 = 0x7c,
	T_V128 = 0x7b,
	T_FUNCREF = 0x70,
	T_EXTERNREF = 0x6f,
	T_EMPTY = 0x40, /* empty block type */
};

enum imm {
	IMM_NONE,
	IMM_BLOCK,     /* block type: blocktype */
	IMM_LABEL,     /* br, br_if: idx */
	IMM_BRTABLE,   /* br_table: targets (n), default idx */
	IMM_FUNC,      /* call, ref.func: idx */
	IMM_CALLIND,   /* call_indirect: idx = type, idx2 = table */
	IMM_LOCAL,     /* idx */
	IMM_GLOBAL,    /* idx */
	IMM_TABLE,     /* idx = table */
	IMM_MEM,       /* memarg: align (log2), offset; mem 0 */
	IMM_MEMLANE,   /* memarg + lane */
	IMM_MEMIDX,    /* memory.size/grow/fill: memory index (0) */
	IMM_MEMCOPY,   /* memory.copy: two memory indices (0 0) */
	IMM_MEMINIT,   /* memory.init: idx = data segment, memory 0 */
	IMM_DATA,      /* data.drop: idx */
	IMM_ELEM,      /* elem.drop: idx */
	IMM_TABLEINIT, /* table.init: idx = elem segment, idx2 = table */
	IMM_TABLECOPY, /* table.copy: idx = destination, idx2 = source */
	IMM_I32,
	IMM_I64,
	IMM_F32,       /* bits in u32 */
	IMM_F64,       /* bits in u64 */
	IMM_V128,      /* bytes in v128 */
	IMM_LANE,      /* lane */
	IMM_SHUFFLE,   /* 16 lane indices in v128 */
	IMM_SELECTT,   /* select with types: types (n) */
	IMM_REFTYPE,   /* ref.null: valtype = reference type */
};

enum op {
#define OP(id, name, pre, code, imm, sig, aux) OP_##id,
#include "ops.h"
#undef OP
	NOPS
};

struct opinfo {
	const char *name;
	uint8_t prefix;
	uint32_t code;
	enum imm imm;
	const char *sig;
	uint8_t aux;
};
extern const struct opinfo opinfo[NOPS];

/* Block type: T_EMPTY, a value type, or a type index (is_index).  In
 * an instruction it is packed into valtype and idx (instr_bt). */
struct blocktype {
	uint8_t is_index;
	uint8_t valtype;
	uint32_t index;
};

/*
 * One instruction in 24 bytes: a big module holds millions, and memory
 * per instruction bounds what one huge function costs the tools.  What
 * does not fit (a v128 literal, br_table targets, select types) hangs
 * off a pointer into the arena.
 */
struct instr {
	uint16_t op;         /* enum op */
	uint8_t align;       /* memarg alignment (log2) */
	uint8_t valtype;     /* IMM_REFTYPE; IMM_BLOCK: T_EMPTY, a value type, or BT_INDEX */
	uint32_t pos;        /* line in module text, byte offset in a binary (module.text) */
	uint32_t idx;        /* index, lane, label depth, default label; IMM_BLOCK: type index */
	union {
		uint32_t idx2;   /* second index */
		uint32_t n;      /* count of targets / types */
	};
	union {
		union {
			uint64_t offset;   /* memarg offset */
			uint32_t i32;
			uint64_t i64;
			uint32_t f32;      /* raw bits */
			uint64_t f64;      /* raw bits */
			uint8_t *v128;     /* 16 bytes, little-endian lanes (instr_v128) */
		} u;
		uint32_t *targets;     /* br_table: n targets */
		uint8_t *types;        /* select t*: n types */
	};
};

enum { BT_INDEX = 0 }; /* instr.valtype of a block whose type is instr.idx */

static inline struct blocktype
instr_bt(const struct instr *in)
{
	struct blocktype bt = {in->valtype == BT_INDEX, in->valtype, in->idx};

	return bt;
}

static inline void
instr_set_bt(struct instr *in, const struct blocktype *bt)
{
	in->valtype = bt->is_index ? BT_INDEX : bt->valtype;
	in->idx = bt->is_index ? bt->index : 0;
}

struct functype {
	uint32_t nparams, nresults;
	uint8_t *params, *results;
};

struct limits {
	uint64_t min, max;
	uint8_t has_max;
	uint32_t line;  /* in module text, 0 if from binary */
};

struct tabletype {
	uint8_t elemtype; /* T_FUNCREF or T_EXTERNREF */
	struct limits lim;
};

struct globaltype {
	uint8_t valtype;
	uint8_t mut;
};

/* A constant expression: one instruction then `end` in 2.0 (the
 * text may hold more; the verifier decides). */
struct expr {
	struct instr *code;
	uint32_t n;
};

enum extkind { EXT_FUNC = 0, EXT_TABLE = 1, EXT_MEMORY = 2, EXT_GLOBAL = 3 };

struct import {
	char *module, *field;
	uint32_t modlen, fieldlen; /* names may hold any byte */
	uint8_t kind;              /* enum extkind */
	uint32_t type;             /* EXT_FUNC: type index */
	struct tabletype table;
	struct limits mem;
	struct globaltype global;
	uint32_t line;
};

struct export {
	char *name;
	uint32_t namelen;
	uint8_t kind;
	uint32_t index;
	uint32_t line;
};

struct func {
	uint32_t type;       /* type index */
	uint32_t nlocals;    /* declared locals, not counting params */
	uint8_t *locals;     /* their types, expanded */
	struct instr *code;  /* body, ending with the function's END */
	uint32_t ncode;
	uint32_t line;
	uint32_t offset;
};

struct global {
	struct globaltype type;
	struct expr init;
	uint32_t line;
};

enum segmode { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARATIVE };

struct elem {
	uint8_t mode;       /* enum segmode */
	uint8_t type;       /* T_FUNCREF or T_EXTERNREF */
	uint32_t table;     /* active only */
	struct expr offset; /* active only */
	uint32_t n;
	uint8_t use_exprs;  /* items as expressions, not function indices */
	uint32_t *funcs;    /* !use_exprs: n function indices */
	struct expr *exprs; /* use_exprs: n expressions */
	uint32_t line;
};

struct data {
	uint8_t mode;       /* SEG_ACTIVE or SEG_PASSIVE */
	uint32_t memory;
	struct expr offset;
	uint8_t *bytes;
	uint32_t len;
	uint32_t line;
};

/* Custom section other than "name", carried along verbatim.  after is
 * the id of the section it followed (0 if it came first). */
struct custom {
	char *name;
	uint32_t namelen;
	uint8_t *bytes;
	uint32_t len;
	uint8_t after;
};

struct name {
	uint32_t index;
	char *name;
	uint32_t len;
};

struct module {
	struct arena *arena;
	const char *filename;
	uint8_t text;            /* read from text: instr.pos is a line, else an offset */

	struct functype *types;  uint32_t ntypes;
	struct import *imports;  uint32_t nimports;
	/* function index space: imported first, then defined */
	uint32_t nfuncs_imported, ntables_imported, nmems_imported, nglobals_imported;
	struct func *funcs;      uint32_t nfuncs;   /* defined functions only */
	struct tabletype *tables; uint32_t ntables; /* defined only */
	struct limits *mems;     uint32_t nmems;    /* defined only */
	struct global *globals;  uint32_t nglobals; /* defined only */
	struct export *exports;  uint32_t nexports;
	uint8_t has_start;       uint32_t start; uint32_t start_line;
	struct elem *elems;      uint32_t nelems;
	uint8_t has_datacount;   uint32_t datacount;
	struct data *datas;      uint32_t ndatas;
	struct custom *customs;  uint32_t ncustoms;

	/* name section */
	char *modname;           uint32_t modnamelen; uint8_t has_modname;
	struct name *funcnames;  uint32_t nfuncnames; /* sorted by index */

	/* import_of[kind][i]: the import that is the i-th of its kind, so
	 * the index-space helpers cost O(1) however many imports there are
	 * (mod_index, run by the readers) */
	uint32_t *import_of[4];
};

/* 16 zeroed bytes in the arena for a v128 immediate. */
uint8_t *instr_v128(struct arena *, struct instr *);

/* Builds import_of; the readers call it on the module they return. */
void mod_index(struct module *);

/* Index-space helpers: type of function / table / memory / global
 * number i across imports and definitions; NULL if out of range. */
const struct functype *mod_functype(const struct module *, uint32_t func);
const struct tabletype *mod_table(const struct module *, uint32_t table);
const struct limits *mod_memory(const struct module *, uint32_t mem);
const struct globaltype *mod_global(const struct module *, uint32_t global);
uint32_t mod_nfuncs(const struct module *);   /* imported + defined */
uint32_t mod_ntables(const struct module *);
uint32_t mod_nmems(const struct module *);
uint32_t mod_nglobals(const struct module *);
const char *mod_funcname(const struct module *, uint32_t func, uint32_t *len);
const char *valtype_name(uint8_t t);  /* "i32", ..., "funcref"; NULL if not one */
int utf8_valid(const uint8_t *s, size_t n); /* well-formed UTF-8 (binread.c) */

/*
 * Readers and writer.  Readers report the first error through diag.h
 * (which exits with status 1) and return a complete module otherwise.
 */
struct module *read_binary(struct arena *, const char *filename,
                           const uint8_t *buf, size_t len);
struct module *read_text(struct arena *, const char *filename,
                         const char *buf, size_t len);
/* Writes the canonical text (wasm-module(5)). */
void write_text(const struct module *, FILE *out);

/* Validation (wasm-verify): reports the first error through diag.h. */
void validate(const struct module *);

#endif
