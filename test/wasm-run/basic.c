/*
 * A hand-made module for wasm-run's tests, written before the compiler
 * existed: C functions that follow the calling convention (first
 * argument the instance context) and a contract written out by hand.
 * Build: cc -shared -fPIC -O1 -I lib basic.c -o basic.so
 * -DBREAK_xxx builds a damaged variant the runtime must refuse.
 */
#include <stdint.h>

#include "contract.h"

enum { F_FD_WRITE, F_PROC_EXIT, F_ARGS_SIZES, F_ARGS_GET, NIMPORTED };
enum {
	F_ADD = NIMPORTED, F_DIV, F_RECURSE, F_DEEP, F_OOB, F_UNREACH, F_START, F_ADDL, F_FMUL,
	F_FDIV32, F_TWO, F_GROW, F_SIZE, F_DISPATCH, F_GGET, F_FPE, F_FILLOOB, F_TGROW, NFUNCS
};
enum { T_IIII_I, T_I_V, T_II_I, T_L_L, T_I_I, T_V_V, T_LL_L, T_DD_D, T_FF_F, T_V_IL, T_V_I, NTYPES };

typedef struct wa_vmctx X;

#define FN(i) (ctx->funcs[i]->code)
#define TRAP(c) ctx->rt->trap(ctx, (c), UINT32_MAX) /* no index: found by address */

static int32_t
add(X *ctx, int32_t a, int32_t b)
{
	return a + b;
}

static int32_t
divide(X *ctx, int32_t a, int32_t b)
{
	if (b == 0)
		TRAP(WA_TRAP_DIV_ZERO);
	if (a == INT32_MIN && b == -1)
		TRAP(WA_TRAP_INT_OVERFLOW);
	return a / b;
}

/* The prologue check generated code has, then a call the C compiler
 * cannot turn into a loop (through the function table). */
static int64_t
recurse(X *ctx, int64_t n)
{
	int64_t (*self)(X *, int64_t) = (int64_t (*)(X *, int64_t))FN(F_RECURSE);

	if ((uintptr_t)__builtin_frame_address(0) < ctx->stack_limit)
		TRAP(WA_TRAP_STACK_EXHAUSTED);
	return self(ctx, n + 1) + 1;
}

/* No prologue check: runs into the guard page below the stack. */
static int64_t
deep(X *ctx, int64_t n)
{
	int64_t (*self)(X *, int64_t) = (int64_t (*)(X *, int64_t))FN(F_DEEP);
	volatile char pad[512];

	pad[0] = (char)n;
	return self(ctx, n + 1) + pad[0];
}

/* An access far past the end of memory, inside the heap guard. */
static int32_t
oob(X *ctx, int32_t addr)
{
	return *(volatile int32_t *)(ctx->mem0_base + (uint32_t)addr + 0x10000000u);
}

static void
unreach(X *ctx)
{
	TRAP(WA_TRAP_UNREACHABLE);
}

static void
write_str(X *ctx, uint32_t at, uint32_t len)
{
	int32_t (*fd_write)(X *, int32_t, int32_t, int32_t, int32_t) = FN(F_FD_WRITE);
	uint32_t *iov = (uint32_t *)(ctx->mem0_base + 1024);

	iov[0] = at, iov[1] = len;
	fd_write(ctx->funcs[F_FD_WRITE]->ctx, 1, 1024, 1, 1032);
}

/* Greets, echoes its arguments one per line, and exits with N if an
 * argument is exit=N. */
static void
start(X *ctx)
{
	int32_t (*sizes)(X *, int32_t, int32_t) = FN(F_ARGS_SIZES);
	int32_t (*get)(X *, int32_t, int32_t) = FN(F_ARGS_GET);
	void (*proc_exit)(X *, int32_t) = FN(F_PROC_EXIT);
	uint8_t *m = ctx->mem0_base;
	uint32_t argc, i, *argv, len;

	write_str(ctx, 16, 30);
	sizes(ctx->funcs[F_ARGS_SIZES]->ctx, 2048, 2052);
	argc = *(uint32_t *)(m + 2048);
	get(ctx->funcs[F_ARGS_GET]->ctx, 4096, 8192);
	argv = (uint32_t *)(m + 4096);
	for (i = 0; i < argc; i++) {
		const char *s = (const char *)m + argv[i];
		for (len = 0; s[len]; len++)
			;
		m[argv[i] + len] = '\n';
		write_str(ctx, argv[i], len + 1);
		m[argv[i] + len] = 0;
		if (s[0] == 'e' && s[1] == 'x' && s[2] == 'i' && s[3] == 't' && s[4] == '=') {
			int32_t n = 0;
			for (s += 5; *s >= '0' && *s <= '9'; s++)
				n = n * 10 + (*s - '0');
			proc_exit(ctx->funcs[F_PROC_EXIT]->ctx, n);
		}
	}
}

static int64_t addl(X *ctx, int64_t a, int64_t b) { return a + b; }
static double fmul(X *ctx, double a, double b) { return a * b; }
static float fdiv32(X *ctx, float a, float b) { return a / b; }

struct two { int32_t a; int64_t b; };
static struct two two(X *ctx) { return (struct two){-7, 1ll << 40}; }

static int32_t grow(X *ctx, int32_t n) { return ctx->rt->memory_grow(ctx, 0, (uint32_t)n); }
static int32_t size(X *ctx) { return (int32_t)(ctx->mem0->size >> 16); }

/* call_indirect (type (i32 i32) -> i32) of table 0 entry i with 7, 2 */
static int32_t
dispatch(X *ctx, int32_t i)
{
	struct wa_table *t = ctx->tables[0];
	struct wa_func *f;

	if ((uint32_t)i >= t->size)
		TRAP(WA_TRAP_TABLE_OOB);
	if (!(f = t->elems[i]))
		TRAP(WA_TRAP_NULL_CALL);
	if (f->typeid != ctx->typeids[T_II_I])
		TRAP(WA_TRAP_SIG_MISMATCH);
	return ((int32_t (*)(X *, int32_t, int32_t))f->code)(f->ctx, 7, 2);
}

static int32_t gget(X *ctx) { return ctx->globals[0]->v.i32; }

/* A real idiv by zero: SIGFPE in guest code. */
static int32_t
fpe(X *ctx, int32_t a, int32_t b)
{
	volatile int32_t x = a, y = b;

	return x / y;
}

/* memory.fill through the runtime, out of bounds: trap in the runtime */
static void fill_oob(X *ctx) { ctx->rt->memory_fill(ctx, 65530, 0, 100); }

/* table.grow of table 0 by n null elements */
static int32_t tgrow(X *ctx, int32_t n) { return ctx->rt->table_grow(ctx, 0, (void *)0, (uint32_t)n); }

/* ---- trampolines, one per type ---- */
typedef void *P;
static void t_iiii_i(X *c, P f, wa_val *a) { a[0].i32 = ((int32_t (*)(X *, int32_t, int32_t, int32_t, int32_t))f)(c, a[0].i32, a[1].i32, a[2].i32, a[3].i32); }
static void t_i_v(X *c, P f, wa_val *a) { ((void (*)(X *, int32_t))f)(c, a[0].i32); }
static void t_ii_i(X *c, P f, wa_val *a) { a[0].i32 = ((int32_t (*)(X *, int32_t, int32_t))f)(c, a[0].i32, a[1].i32); }
static void t_l_l(X *c, P f, wa_val *a) { a[0].i64 = ((int64_t (*)(X *, int64_t))f)(c, a[0].i64); }
static void t_i_i(X *c, P f, wa_val *a) { a[0].i32 = ((int32_t (*)(X *, int32_t))f)(c, a[0].i32); }
static void t_v_v(X *c, P f, wa_val *a) { ((void (*)(X *))f)(c); }
static void t_ll_l(X *c, P f, wa_val *a) { a[0].i64 = ((int64_t (*)(X *, int64_t, int64_t))f)(c, a[0].i64, a[1].i64); }
static void t_dd_d(X *c, P f, wa_val *a) { a[0].f64 = ((double (*)(X *, double, double))f)(c, a[0].f64, a[1].f64); }
static void t_ff_f(X *c, P f, wa_val *a) { a[0].f32 = ((float (*)(X *, float, float))f)(c, a[0].f32, a[1].f32); }
static void t_v_il(X *c, P f, wa_val *a) { struct two r = ((struct two (*)(X *))f)(c); a[0].i32 = r.a; a[1].i64 = r.b; }
static void t_v_i(X *c, P f, wa_val *a) { a[0].i32 = ((int32_t (*)(X *))f)(c); }

/* Adapters would forward to ctx->rt->host_call; every import here is
 * bound to native WASI code, so they are never called. */
static void adapter(X *ctx) { TRAP(WA_TRAP_HOST); }

#define I 0x7f
#define L 0x7e
#define F 0x7d
#define D 0x7c
#ifdef BREAK_TYPE
#undef I
#define I 0x55
#endif
static const uint8_t p_iiii[] = {I, I, I, I}, p_i[] = {I}, p_ii[] = {I, I}, p_l[] = {L}, p_ll[] = {L, L},
                     p_dd[] = {D, D}, p_ff[] = {F, F}, r_i[] = {0x7f}, r_l[] = {L}, r_d[] = {D}, r_f[] = {F},
                     r_il[] = {0x7f, L};

static const struct wa_c_functype types[NTYPES] = {
	[T_IIII_I] = {4, 1, p_iiii, r_i, t_iiii_i},
	[T_I_V] = {1, 0, p_i, 0, t_i_v},
	[T_II_I] = {2, 1, p_ii, r_i, t_ii_i},
	[T_L_L] = {1, 1, p_l, r_l, t_l_l},
	[T_I_I] = {1, 1, p_i, r_i, t_i_i},
	[T_V_V] = {0, 0, 0, 0, t_v_v},
	[T_LL_L] = {2, 1, p_ll, r_l, t_ll_l},
	[T_DD_D] = {2, 1, p_dd, r_d, t_dd_d},
	[T_FF_F] = {2, 1, p_ff, r_f, t_ff_f},
	[T_V_IL] = {0, 2, 0, r_il, t_v_il},
	[T_V_I] = {0, 1, 0, r_i, t_v_i},
};

#define W "wasi_snapshot_preview1"
static const struct wa_c_import imports[] = {
	{W, "fd_write", 22, 8, 0, T_IIII_I, 0, {0, 0, 0}, (void *)adapter},
	{W, "proc_exit", 22, 9, 0, T_I_V, 0, {0, 0, 0}, (void *)adapter},
	{W, "args_sizes_get", 22, 14, 0, T_II_I, 0, {0, 0, 0}, (void *)adapter},
	{W, "args_get", 22, 8, 0, T_II_I, 0, {0, 0, 0}, (void *)adapter},
};

#define FUNC(t, f, name) {t, sizeof name - 1, (void *)f, name}
static const struct wa_c_func funcs[NFUNCS - NIMPORTED] = {
	FUNC(T_II_I, add, "add"),
	FUNC(T_II_I, divide, "divide"),
	FUNC(T_L_L, recurse, "recurse"),
	FUNC(T_L_L, deep, "deep"),
	FUNC(T_I_I, oob, "load"),
	FUNC(T_V_V, unreach, "boom"),
	FUNC(T_V_V, start, "_start"),
	FUNC(T_LL_L, addl, "addl"),
	FUNC(T_DD_D, fmul, "fmul"),
	FUNC(T_FF_F, fdiv32, "fdiv32"),
	FUNC(T_V_IL, two, "two"),
	FUNC(T_I_I, grow, "grow"),
	FUNC(T_V_I, size, "size"),
	FUNC(T_I_I, dispatch, "dispatch"),
	FUNC(T_V_I, gget, "gget"),
	{T_II_I, 0, (void *)fpe, 0}, /* no name: reported as wasm_func_N */
	FUNC(T_V_V, fill_oob, "fill"),
	FUNC(T_I_I, tgrow, "tgrow"),
};

#ifdef BREAK_INDEX
#define BAD_INDEX 999
#else
#define BAD_INDEX F_ADD
#endif
#define EXPORT(name, f) {name, sizeof name - 1, 0, f}
#ifdef LONG_NAME
/* an export name of 1,000,000 bytes: more than the limit of 100,000 */
static const char long_name[1000001] = {[0 ... 999999] = 'a'};
#endif
static const struct wa_c_export exports[] = {
	EXPORT("add", BAD_INDEX), EXPORT("divide", F_DIV), EXPORT("recurse", F_RECURSE), EXPORT("deep", F_DEEP),
	EXPORT("load", F_OOB), EXPORT("unreachable", F_UNREACH), EXPORT("_start", F_START),
	EXPORT("addl", F_ADDL), EXPORT("fmul", F_FMUL), EXPORT("fdiv32", F_FDIV32), EXPORT("two", F_TWO),
	EXPORT("grow", F_GROW), EXPORT("size", F_SIZE), EXPORT("dispatch", F_DISPATCH), EXPORT("gget", F_GGET),
	EXPORT("fpe", F_FPE), EXPORT("fill", F_FILLOOB), EXPORT("tgrow", F_TGROW),
#ifdef LONG_NAME
	{long_name, sizeof long_name - 1, 0, F_ADD},
#endif
};

static const struct wa_c_table tables[] = {{0x70, {4, 100, 1}}};
static const struct wa_c_limits mems[] = {{1, 2, 1}};
#ifdef MANY_GLOBALS
/* more than a context area of 4 MiB held (the JS API allows 1,000,000) */
static const struct wa_c_global globals[MANY_GLOBALS] = {[0 ... MANY_GLOBALS - 1] = {0x7f, 1, {0x41, 0, {.i32 = 42}}}};
#else
static const struct wa_c_global globals[] = {{0x7f, 1, {0x41, 0, {.i32 = 42}}}};
#endif
static const char hello[] = "hello from a hand-made module\n";
static const struct wa_c_data data[] = {{0, 0, {0x41, 0, {.i32 = 16}}, sizeof hello - 1, (const uint8_t *)hello}};
static const struct wa_c_const items[] = {{0xd2, F_ADD, {0}}, {0xd2, F_DIV, {0}}, {0xd2, F_UNREACH, {0}}};
static const struct wa_c_elem elems[] = {{0, 0x70, 0, 3, {0x41, 0, {.i32 = 0}}, items}};

#define N(a) (uint32_t)(sizeof a / sizeof a[0])
__attribute__((visibility("default"))) const struct wa_contract wasm_aot_contract = {
#ifdef BREAK_MAGIC
	.magic = 0x464c457f,
#else
	.magic = WA_CONTRACT_MAGIC,
#endif
#ifdef BREAK_VERSION
	.version = 9999, /* no runtime supports it */
#else
	.version = WA_ABI_VERSION,
#endif
	.size = sizeof(struct wa_contract),
	.ntypes = NTYPES,
#ifdef BREAK_PTR
	.types = (const struct wa_c_functype *)0x1000,
#else
	.types = types,
#endif
#ifdef BREAK_ALIGN
	/* inside the object, but not where a struct wa_c_import can be */
	.nimports = N(imports), .nexports = N(exports), .imports = (const struct wa_c_import *)((const char *)imports + 4),
	.exports = exports,
#else
	.nimports = N(imports), .nexports = N(exports), .imports = imports, .exports = exports,
#endif
	.nfuncs_imported = NIMPORTED, .nfuncs = N(funcs), .funcs = funcs,
#ifdef MANY_TABLES
	.ntables = 200000, .tables = tables, /* more than the limit: refused before the array is read */
#else
	.ntables = N(tables), .tables = tables,
#endif
	.nmems = N(mems), .mems = mems,
	.nglobals = N(globals), .globals = globals,
	.ndata = N(data), .nelem = N(elems), .data = data, .elems = elems,
	.start = -1,
	.bounds = WA_BOUNDS_GUARD,
	.heap_reserve = 4ull << 30,
	.heap_guard = 2ull << 30,
#ifdef BREAK_CPU
	.cpu_features = 1ull << 40,
#else
	.cpu_features = 0,
#endif
	.cpu_name = "x86-64",
	.module_name = "basic",
};
