/*
 * wasm-lower: shared state of the translation from struct module to
 * LLVM IR (through the LLVM C API).  See wasm-contract(5) for the ABI.
 */
#include <stdint.h>

#include <llvm-c/Core.h>

#include "contract.h"
#include "module.h"

/* Byte offsets the generated code reads (lib/contract.h). */
enum {
	VM_MEM0_BASE = 0, VM_MEM0 = 8, VM_FUNCS = 16, VM_TABLES = 24, VM_GLOBALS = 32,
	VM_TYPEIDS = 40, VM_RT = 48, VM_STACK_LIMIT = 56, VM_INTERRUPT = 64,
	MEM_SIZE = 8, TABLE_ELEMS = 0, TABLE_SIZE = 8,
	FUNC_CODE = 0, FUNC_TYPEID = 8, FUNC_CTX = 16,
};

/* Slots of struct wa_rtfns. */
enum rtfn {
	RT_TRAP, RT_MEMORY_GROW, RT_MEMORY_INIT, RT_DATA_DROP, RT_MEMORY_COPY,
	RT_MEMORY_FILL, RT_TABLE_INIT, RT_ELEM_DROP, RT_TABLE_COPY, RT_TABLE_GROW,
	RT_TABLE_FILL, RT_HOST_CALL, RT_INTERRUPT,
};

/* Heap layout in guard mode: accesses reaching past the guard get an
 * explicit check. */
#define HEAP_RESERVE (4ull << 30)
#define HEAP_GUARD (2ull << 30)

enum frame_kind { FR_FUNC, FR_BLOCK, FR_LOOP, FR_IF, FR_ELSE };

/* lower-loop.c: a counted innermost loop, strip-mined so that its
 * interrupt check runs once per strip of iterations. */
enum strip_pred { SP_NE, SP_LT_U, SP_LT_S, SP_GT_U, SP_GT_S };

struct strip {
	uint32_t brif;             /* instruction index of the br_if back */
	uint32_t iv, bound;        /* locals: induction variable, bound */
	int bound_is_const, wide;  /* the bound is bound_const; i64 */
	uint64_t bound_const;
	int64_t step;              /* of iv per iteration (1 or -1 if step_is_local) */
	int step_is_local;         /* iv += local steplocal (or -=, step -1) */
	uint32_t steplocal;
	enum strip_pred pred;      /* the loop goes on while iv PRED bound */
	uint32_t K;                /* iterations per strip at most */
	int once;                  /* the loop runs at most K iterations: one strip */
	LLVMBasicBlockRef outer;   /* the strip header */
	LLVMValueRef j, kmax;      /* iterations done in this strip, to do */
};

struct frame {
	enum frame_kind kind;
	LLVMBasicBlockRef merge;   /* after the construct */
	LLVMBasicBlockRef header;  /* loop: the branch target */
	LLVMBasicBlockRef elsebb;  /* if: the false edge */
	LLVMValueRef *phis;        /* results at merge */
	LLVMValueRef *hphis;       /* loop: params at header */
	LLVMValueRef *params;      /* if: params, to re-push for else */
	const uint8_t *ptypes, *rtypes;
	uint32_t nparams, nresults;
	uint32_t height;           /* value stack height below the params */
	uint32_t nincoming;        /* edges into merge */
	int unreachable_outer;     /* was the code unreachable around it */
	struct strip *strip;       /* loop: strip-mined, else NULL */
};

/* lower-addr.c: what is known of an i32 value used as an address. */
#define AF_MAX 64
struct afact {
	LLVMValueRef v;
	LLVMValueRef same;         /* v equals this value (a local's) */
	LLVMValueRef base;         /* v == base + off, no wrap; base in bounds */
	uint64_t off;
	int inbounds;              /* an access at v has completed */
};

struct lower {
	const struct module *m;
	const char *file;
	int bounds_checks;
	int elide_dead_loads;       /* no anchors on guard-mode loads */
	int check_every_loop;       /* no strip mining: an interrupt check per iteration */
	LLVMContextRef C;
	LLVMModuleRef M;
	LLVMBuilderRef B;
	/* types */
	LLVMTypeRef i1, i8, i16, i32, i64, f32, f64, v128, ptr, ptrptr, voidt;
	LLVMTypeRef *functypes;    /* native type per wasm type index */
	LLVMValueRef *funcs;       /* defined functions (index - imported), see func_ref */
	const char **names;        /* their symbols, unique (names.c) */
	uint32_t *part, nparts;    /* partition of each defined function (partition.c) */
	LLVMValueRef *tramps;      /* per type */
	LLVMValueRef *adapters;    /* per imported function */
	LLVMValueRef trap_fn, interrupt_fn; /* the trap stubs, made when first needed */
	LLVMValueRef poll_fn;       /* the interrupt check of unoptimised functions */
	int unoptimised;            /* the current function is left to LLVM unoptimised */
	int simd;                   /* the module uses 128-bit SIMD (WA_SIMD_FLAG) */
	struct consts *consts;     /* contract.c: byte strings, uniqued */
	/* the function being lowered */
	const struct func *fn;
	uint32_t fidx;
	LLVMValueRef F, ctx, mem_base;
	LLVMValueRef sink32, sink64, sinkv; /* allocas: loaded values by xor (keep_load) */
	LLVMValueRef *locals;      /* allocas */
	uint8_t *localtypes;
	uint32_t nlocals;
	LLVMBasicBlockRef traps[WA_NTRAPS];
	LLVMValueRef *stack;
	uint32_t sp, stackcap;
	struct frame *frames;
	uint32_t nframes, framecap;
	int unreachable;           /* skipping dead code */
	uint32_t dead_depth;       /* blocks opened while skipping */
	const struct instr *in;    /* current instruction, for messages */
	/* lower-addr.c: facts of the current stretch of straight-line code */
	struct afact afacts[AF_MAX]; /* a ring, newest at naf - 1 */
	uint32_t naf;
	LLVMValueRef *lval;        /* per local: its value in this stretch */
	uint32_t *lepoch, epoch;   /* lval[i] is valid if lepoch[i] == epoch */
};

_Noreturn void lower_error(struct lower *, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* lower.c */
LLVMTypeRef llvm_type(struct lower *, uint8_t valtype);
LLVMTypeRef llvm_functype(struct lower *, const struct functype *);
void push(struct lower *, LLVMValueRef);
LLVMValueRef pop(struct lower *);
LLVMValueRef pop_as(struct lower *, LLVMTypeRef);
LLVMValueRef peek(struct lower *, uint32_t depth);
LLVMValueRef field(struct lower *, LLVMValueRef base, unsigned offset, LLVMTypeRef ty);
LLVMValueRef ctx_array_elem(struct lower *, unsigned offset, LLVMValueRef index);
LLVMBasicBlockRef trap_block(struct lower *, enum wa_trap);
void trap_if(struct lower *, LLVMValueRef cond, enum wa_trap);
LLVMValueRef rt_fn(struct lower *, enum rtfn, LLVMTypeRef fnty);
LLVMValueRef call_intrinsic(struct lower *, const char *name, LLVMTypeRef *tys, unsigned ntys,
                            LLVMValueRef *args, unsigned nargs);
LLVMValueRef const_i32(struct lower *, uint32_t);
LLVMValueRef const_i64(struct lower *, uint64_t);
LLVMValueRef bool_to_i32(struct lower *, LLVMValueRef);
void check_interrupt(struct lower *);
void set_func_attrs(struct lower *, LLVMValueRef fn);
void lower_module(struct lower *);
uint32_t lower_split(struct lower *, const char *dir, void (*write)(struct lower *, const char *path));
LLVMValueRef func_ref(struct lower *, uint32_t defined);

/* partition.c */
void partition(struct lower *);
void lower_dispose(struct lower *);

/* lower-ctl.c */
int lower_control(struct lower *, const struct instr *);
void ctl_begin_function(struct lower *);
void ctl_end_function(struct lower *);
LLVMValueRef emit_call(struct lower *, LLVMValueRef fn, LLVMTypeRef fnty, LLVMValueRef ctx,
                       const struct functype *);

/* lower-loop.c */
int strip_analyse(struct lower *, uint32_t loop, struct strip *);
void strip_begin(struct lower *, struct frame *);
void strip_latch(struct lower *, struct frame *);
int loops_too_deep(const struct func *);

/* lower-num.c */
int lower_numeric(struct lower *, const struct instr *);
unsigned pop_operands(struct lower *, const struct instr *, LLVMValueRef *a);
LLVMTypeRef sigtype(struct lower *, char c);
LLVMValueRef arith(struct lower *, LLVMOpcode, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef float_minmax(struct lower *, LLVMValueRef a, LLVMValueRef b, int is_max);
/* lower-mem.c */
int lower_memory(struct lower *, const struct instr *);
LLVMValueRef rt_call(struct lower *, enum rtfn, LLVMTypeRef ret, LLVMValueRef *args, unsigned n);
int keep_load(struct lower *, LLVMValueRef load, uint64_t offset, unsigned size);
void sink_begin(struct lower *);
LLVMValueRef sink_value(struct lower *);
void anchor(struct lower *, LLVMValueRef);
LLVMValueRef mem_address(struct lower *, LLVMValueRef addr32, uint64_t offset, unsigned size);
/* lower-addr.c */
void addr_begin_function(struct lower *);
void addr_end_function(struct lower *);
void addr_forget(struct lower *);
void addr_local_get(struct lower *, uint32_t local, LLVMValueRef);
void addr_local_set(struct lower *, uint32_t local, LLVMValueRef);
void addr_add(struct lower *, LLVMValueRef r, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef addr_fold(struct lower *, LLVMValueRef addr32, uint64_t *off);
void addr_accessed(struct lower *, LLVMValueRef addr32);
/* lower-ref.c */
int lower_variable(struct lower *, const struct instr *);
/* lower-simd.c */
int lower_simd(struct lower *, const struct instr *);

/* names.c */
void name_functions(struct lower *);
void set_symbol(LLVMValueRef, const char *name);

/* contract.c */
void emit_contract(struct lower *);
LLVMValueRef emit_trampoline(struct lower *, uint32_t type);
LLVMValueRef emit_adapter(struct lower *, uint32_t import_func);
