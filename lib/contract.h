/*
 * The module contract: the sandbox ABI between wasm-lower (which emits
 * it) and the runtime (which validates every field before use).  See
 * wasm-contract(5).
 *
 * A compiled module is a shared object that exports exactly one data
 * symbol, WA_CONTRACT_SYMBOL, of type struct wa_contract.  It has no
 * undefined symbols: every runtime entry point and every import is
 * reached through the instance context (struct wa_vmctx).
 *
 * Calling convention of compiled functions (C view, x86-64 SysV):
 *   result f(struct wa_vmctx *ctx, param0, param1, ...)
 * with i32 -> int32_t, i64 -> int64_t, f32 -> float, f64 -> double,
 * v128 -> <16 x i8> (an __m128i), funcref and externref -> pointer.
 * No result: void.  One result: that value.  Several results: an LLVM
 * literal struct of them (LLVM returns it in registers or demotes it
 * to a hidden pointer; only generated code and trampolines see it).
 */
#ifndef WA_CONTRACT_H
#define WA_CONTRACT_H

#include <stdint.h>

#define WA_CONTRACT_SYMBOL "wasm_aot_contract"
/* LLVM module flag (i32: the partition's number) of the partitions of
 * `wasm-lower --split`; all but partition 0 lack the contract. */
#define WA_PARTITION_FLAG "wasm-aot.partition"
/* LLVM module flag (i32 1) of every module of a wasm module that has
 * SIMD instructions: wasm-codegen then runs the SLP vectoriser at -O2. */
#define WA_SIMD_FLAG "wasm-aot.simd"
/* The most pages a memory ever has at run time: one less than the
 * 65,536 (4 GiB) wasm allows, so that an address some access has
 * found in bounds plus a constant below 65,536 cannot pass 2^32:
 * wasm-lower folds such constants into the access's offset
 * (cmd/wasm-lower/lower-addr.c).  A module asking for more initial
 * memory is refused; memory.grow past it returns -1. */
#define WA_MEM_MAX_PAGES 65535u
#define WA_CONTRACT_MAGIC 0x544f4157u /* "WAOT" little-endian */
#define WA_ABI_VERSION 3u

/* The integrity trailer wasm-link appends to every module: the magic,
 * then the BLAKE2b-256 digest of every byte of the file before the
 * digest (wasm-contract(5)). */
#define WA_DIGEST_MAGIC "WAOTSUM1"
#define WA_DIGEST_LEN 32u
#define WA_DIGEST_TRAILER (8u + WA_DIGEST_LEN)

/* Trap codes passed to wa_rtfns.trap; wasm-run names them. */
enum wa_trap {
	WA_TRAP_NONE = 0,
	WA_TRAP_UNREACHABLE,       /* "unreachable" */
	WA_TRAP_DIV_ZERO,          /* "integer divide by zero" */
	WA_TRAP_INT_OVERFLOW,      /* "integer overflow" */
	WA_TRAP_INVALID_CONV,      /* "invalid conversion to integer" */
	WA_TRAP_MEM_OOB,           /* "out of bounds memory access" */
	WA_TRAP_TABLE_OOB,         /* "undefined element" (call_indirect index) */
	WA_TRAP_TABLE_ACCESS_OOB,  /* "out of bounds table access" */
	WA_TRAP_NULL_CALL,         /* "uninitialized element" */
	WA_TRAP_SIG_MISMATCH,      /* "indirect call type mismatch" */
	WA_TRAP_STACK_EXHAUSTED,   /* "call stack exhausted" */
	WA_TRAP_INTERRUPTED,       /* "interrupted" */
	WA_TRAP_HOST,              /* a host function failed */
	WA_TRAP_EXIT,              /* proc_exit: not a fault */
	WA_NTRAPS
};

/* Value-type bytes are the binary encodings: 0x7f i32, 0x7e i64,
 * 0x7d f32, 0x7c f64, 0x7b v128, 0x70 funcref, 0x6f externref. */

/* One value slot, as trampolines and the embedding API pass values. */
typedef union wa_val {
	int32_t i32;
	int64_t i64;
	float f32;
	double f64;
	uint8_t v128[16];
	void *ref;
	uint32_t f32_bits;
	uint64_t f64_bits;
} wa_val;

/* A function as a first-class value: what a funcref points to, what a
 * table holds, what an import resolves to.  code is called as
 * code(ctx, args...) with the native signature of the type whose
 * canonical id is typeid. */
struct wa_func {
	void *code;
	uint32_t typeid;
	uint32_t _pad;
	struct wa_vmctx *ctx;
	/* calls through the generic path (trampoline of the type) */
	void (*tramp)(struct wa_vmctx *ctx, void *code, wa_val *args);
};

/* A memory: the base never moves (reservation); size grows. */
struct wa_memory {
	uint8_t *base;         /* offset 0 */
	uint64_t size;         /* offset 8: current size in bytes */
	uint64_t max_pages;    /* the limit (declared max, runtime cap) */
	uint64_t reserved;     /* bytes reserved, accessible or not */
};

/* A table: elements are struct wa_func * (funcref) or host pointers
 * (externref); NULL is the null reference. */
struct wa_table {
	void **elems;          /* offset 0 */
	uint32_t size;         /* offset 8 */
	uint32_t max;
	uint8_t elemtype;
};

/* A global cell: 16 bytes, the value at offset 0. */
struct wa_global {
	_Alignas(16) wa_val v;
};

/* Runtime entry points, reached through ctx->rt.  All take the calling
 * instance's context first. */
struct wa_rtfns {
	void (*trap)(struct wa_vmctx *, uint32_t code, uint32_t func) __attribute__((noreturn));
	int32_t (*memory_grow)(struct wa_vmctx *, uint32_t mem, uint32_t delta_pages);
	void (*memory_init)(struct wa_vmctx *, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n);
	void (*data_drop)(struct wa_vmctx *, uint32_t seg);
	void (*memory_copy)(struct wa_vmctx *, uint32_t dst, uint32_t src, uint32_t n);
	void (*memory_fill)(struct wa_vmctx *, uint32_t dst, uint32_t val, uint32_t n);
	void (*table_init)(struct wa_vmctx *, uint32_t table, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n);
	void (*elem_drop)(struct wa_vmctx *, uint32_t seg);
	void (*table_copy)(struct wa_vmctx *, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src, uint32_t n);
	int32_t (*table_grow)(struct wa_vmctx *, uint32_t table, void *init, uint32_t delta);
	void (*table_fill)(struct wa_vmctx *, uint32_t table, uint32_t dst, void *val, uint32_t n);
	/* generic host call for imports bound to host functions that have
	 * no native code: args/results in wa_val slots */
	void (*host_call)(struct wa_vmctx *, uint32_t import_func, wa_val *args);
	/* the interrupt word was found non-zero at function entry or a
	 * loop back-edge of function FUNC: trap "interrupted" (no return),
	 * or suspend the call to the host and return when it is resumed */
	void (*interrupt)(struct wa_vmctx *, uint32_t func);
};

/*
 * The instance context.  Generated code reads these fields at these
 * fixed offsets (checked by _Static_assert below); the runtime may put
 * more after them.
 */
struct wa_vmctx {
	uint8_t *mem0_base;              /*  0: base of memory 0; invariant */
	struct wa_memory *mem0;          /*  8: memory 0 (size at +8) */
	struct wa_func **funcs;          /* 16: per function index */
	struct wa_table **tables;        /* 24: per table index */
	struct wa_global **globals;      /* 32: per global index */
	const uint32_t *typeids;         /* 40: canonical id per type index */
	const struct wa_rtfns *rt;       /* 48 */
	uintptr_t stack_limit;           /* 56: trap if sp is below this at entry */
	volatile uint32_t interrupt;     /* 64: non-zero: call rt->interrupt (WA_INTR_*) */
	uint32_t _pad;
	void *instance;                  /* 72: the runtime's own instance */
};

_Static_assert(__builtin_offsetof(struct wa_vmctx, mem0_base) == 0, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, mem0) == 8, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, funcs) == 16, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, tables) == 24, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, globals) == 32, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, typeids) == 40, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, rt) == 48, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, stack_limit) == 56, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_vmctx, interrupt) == 64, "vmctx");
_Static_assert(__builtin_offsetof(struct wa_memory, size) == 8, "memory");
_Static_assert(__builtin_offsetof(struct wa_table, size) == 8, "table");
_Static_assert(__builtin_offsetof(struct wa_func, typeid) == 8, "func");
_Static_assert(__builtin_offsetof(struct wa_func, ctx) == 16, "func");

/* ---- the contract: static, read-only data in the .so ---- */

struct wa_c_functype {
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
	/* void tramp(ctx, code, args): calls code with args[0..nparams)
	 * and stores the results to args[0..nresults) */
	void (*tramp)(struct wa_vmctx *, void *code, wa_val *args);
};

struct wa_c_limits {
	uint64_t min, max;
	uint32_t has_max;
};

struct wa_c_import {
	const char *module, *field;
	uint32_t modlen, fieldlen;
	uint32_t kind;        /* 0 func, 1 table, 2 memory, 3 global */
	uint32_t type;        /* func: type index; global: valtype; table: elemtype */
	uint32_t mut;         /* global */
	struct wa_c_limits limits; /* table, memory */
	/* func: native-signature adapter that forwards to rt->host_call
	 * with this import's function index, for generic host functions */
	void *adapter;
};

struct wa_c_export {
	const char *name;
	uint32_t namelen;
	uint32_t kind;
	uint32_t index;
};

struct wa_c_func {        /* a defined function */
	uint32_t type;
	uint32_t namelen;
	void *code;
	const char *name;     /* from the name section, or NULL */
};

struct wa_c_table {
	uint32_t elemtype;
	struct wa_c_limits limits;
};

/* A constant expression (2.0: one instruction). */
struct wa_c_const {
	uint32_t op;          /* binary opcode: 0x41..0x44, 0xfd0c (v128.const), 0xd0, 0xd2, 0x23 */
	uint32_t index;       /* ref.func / global.get index; ref.null type */
	wa_val value;
};

struct wa_c_global {
	uint32_t valtype, mut;
	struct wa_c_const init;
};

struct wa_c_data {
	uint32_t mode;        /* 0 active, 1 passive */
	uint32_t memory;
	struct wa_c_const offset;
	uint32_t len;
	const uint8_t *bytes;
};

struct wa_c_elem {
	uint32_t mode;        /* 0 active, 1 passive, 2 declarative */
	uint32_t elemtype;
	uint32_t table;
	uint32_t n;
	struct wa_c_const offset;
	const struct wa_c_const *items; /* each ref.null, ref.func or global.get */
};

enum wa_bounds {
	WA_BOUNDS_GUARD = 0,  /* reservation + guard pages, no checks */
	WA_BOUNDS_CHECK = 1,  /* explicit checks against wa_memory.size */
};

/*
 * CPU features a module may need (wa_contract.cpu_features): every
 * feature beyond x86-64's baseline that LLVM may use on its own for
 * wasm code.  wasm-codegen turns off any other feature of the target
 * CPU, so these bits say all the code needs; the runtime refuses a
 * module whose bits the machine lacks.  Bits are never reused.
 */
#define WA_CPU_SSE41 (1ull << 0)
#define WA_CPU_SSE42 (1ull << 1)
#define WA_CPU_POPCNT (1ull << 2)
#define WA_CPU_AVX (1ull << 3)
#define WA_CPU_AVX2 (1ull << 4)
#define WA_CPU_BMI1 (1ull << 5)
#define WA_CPU_BMI2 (1ull << 6)
#define WA_CPU_LZCNT (1ull << 7)
#define WA_CPU_FMA (1ull << 8)
#define WA_CPU_AVX512F (1ull << 9)
#define WA_CPU_SSSE3 (1ull << 10)
#define WA_CPU_SSE3 (1ull << 11)
#define WA_CPU_CX16 (1ull << 12)
#define WA_CPU_SAHF (1ull << 13)
#define WA_CPU_MOVBE (1ull << 14)
#define WA_CPU_F16C (1ull << 15)
#define WA_CPU_AVX512VL (1ull << 16)
#define WA_CPU_AVX512BW (1ull << 17)
#define WA_CPU_AVX512DQ (1ull << 18)
#define WA_CPU_AVX512CD (1ull << 19)
#define WA_CPU_AVX512VBMI (1ull << 20)
#define WA_CPU_AVX512VBMI2 (1ull << 21)
#define WA_CPU_AVX512VNNI (1ull << 22)
#define WA_CPU_AVX512BITALG (1ull << 23)
#define WA_CPU_AVX512VPOPCNTDQ (1ull << 24)
#define WA_CPU_GFNI (1ull << 25)
#define WA_CPU_KNOWN ((1ull << 26) - 1)

struct wa_contract {
	uint32_t magic;        /* WA_CONTRACT_MAGIC */
	uint32_t version;      /* WA_ABI_VERSION */
	uint32_t size;         /* sizeof(struct wa_contract) */
	uint32_t ntypes;
	const struct wa_c_functype *types;
	uint32_t nimports;
	uint32_t nexports;
	const struct wa_c_import *imports;
	const struct wa_c_export *exports;
	uint32_t nfuncs_imported, nfuncs;    /* nfuncs: defined */
	const struct wa_c_func *funcs;
	uint32_t ntables_imported, ntables;
	const struct wa_c_table *tables;
	uint32_t nmems_imported, nmems;
	const struct wa_c_limits *mems;
	uint32_t nglobals_imported, nglobals;
	const struct wa_c_global *globals;
	uint32_t ndata, nelem;
	const struct wa_c_data *data;
	const struct wa_c_elem *elems;
	int32_t start;                       /* function index, or -1 */
	uint32_t bounds;                     /* enum wa_bounds */
	uint64_t heap_reserve;               /* bytes reserved per memory (guard mode) */
	uint64_t heap_guard;                 /* guard bytes after it */
	uint64_t cpu_features;               /* WA_CPU_* the code needs */
	const char *cpu_name;                /* --target-cpu given to codegen */
	const char *module_name;             /* name section, or NULL */
};

/* Field numbers of cpu_features and cpu_name in the contract struct as
 * LLVM sees it (natural layout, no explicit padding fields): wasm-lower
 * emits 0 and null there, wasm-codegen rewrites both for the CPU it
 * compiles for. */
#define WA_CONTRACT_FIELD_CPU_FEATURES 29
#define WA_CONTRACT_FIELD_CPU_NAME 30
#define WA_CONTRACT_NFIELDS 32

#endif
