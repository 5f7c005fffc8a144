/*
 * Internals of libwasmrt shared between its files.  The public API is
 * lib/wasmrt.h; the ABI with generated code is lib/contract.h.
 */
#ifndef WA_RT_H
#define WA_RT_H

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>

#include "contract.h"
#include "wasmrt.h"

/* ---- os.c: the only place that talks to the kernel about memory ---- */
size_t os_pagesize(void);
void *os_reserve(size_t size);                 /* PROT_NONE, no backing */
void *os_reserve_rw(size_t size);              /* read-write, no backing */
int os_guard(void *p, size_t size);            /* any access faults */
void os_release(void *p, size_t size);
int os_protect_rw(void *p, size_t size);
int os_protect_none(void *p, size_t size);
void os_drop(void *p, size_t size);            /* madvise(MADV_DONTNEED) */
int os_mincore(void *p, size_t size, unsigned char *vec);
int os_populate(void *p, size_t size);         /* fault in, writable */
int os_map_file(void *p, size_t size, int fd); /* private RW, fixed */
int os_map_none(void *p, size_t size);         /* back to a bare reservation */
uint64_t os_round_page(uint64_t n);

/* ---- err.c ---- */
void rt_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- cpu.c ---- */
uint64_t cpu_features(void);
const char *cpu_feature_name(uint64_t bit);
const char *cpu_feature_names(uint64_t bits, char *buf, size_t size);

/* ---- typeid.c: canonical function type ids, process-wide ---- */
/* The id of [] -> [], the type of most exports a host calls: wa_call
 * calls such a function's code directly, with no trampoline. */
#define TYPEID_VOID 0u
uint32_t typeid_intern(uint32_t np, const uint8_t *p, uint32_t nr, const uint8_t *r);
int valtype_ok(uint32_t t);
/* "ii:i" -> bytes; -1 if malformed */
int sig_parse(const char *sig, uint8_t *p, uint32_t *np, uint8_t *r, uint32_t *nr, uint32_t cap);

/* ---- elfcheck.c: headers sane and inside the file, before dlopen ---- */
int elf_precheck(const uint8_t *buf, size_t len, char *err, size_t errlen);

/* ---- digest.c: the integrity trailer (contract.h) ---- */
void crypto_ready(void);                       /* sodium_init, once */
void digest_compute(const uint8_t *buf, size_t len, uint8_t out[WA_DIGEST_LEN]);
int digest_present(const uint8_t *buf, size_t len);
int digest_check(const uint8_t *buf, size_t len, char *err, size_t errlen);

/* ---- sign.c: minisign signatures ---- */
/* 0 if sig (siglen bytes, a .minisig file's text) is a good signature
 * of buf by one of keys; else -1 and why. */
int sig_check(const struct wa_keys *keys, const uint8_t *buf, size_t len, const char *sig, size_t siglen,
              const char *sigpath, char *err, size_t errlen);

/* ---- modfile.c: reading a module file before dlopen ---- */
struct modfile {
	int fd;                      /* the file, or a sealed memfd copy */
	const uint8_t *buf;          /* its bytes, read (malloc'd) */
	size_t len;
	char dlpath[64];             /* what to dlopen for the copy; "" for the path */
	struct stat st;              /* the file as it was opened */
};
/* A small file's text, NUL-terminated (sign.c); NULL and why if it
 * cannot be read or is longer than max. */
char *read_small_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* Read and check path (ELF headers, digest, and if keys the signature
 * in the file sigpath, which must then be given); with copy (always
 * with keys), into a sealed memory file that dlopen is to map. */
int modfile_open(struct modfile *, const char *path, const char *sigpath, const struct wa_keys *keys, int copy,
                 char *err, size_t errlen);
/* After dlopen of the path: still the file that was checked? */
int modfile_same(const struct modfile *, const char *path);
void modfile_unmap(struct modfile *);          /* frees the bytes; the fd stays */
void modfile_close(struct modfile *);

/* ---- module.c ---- */
#define CTX_NARRAYS 9                /* arrays in an instance's context area */
/* Context area bytes kept, past those arrays, for what an instance
 * allocates later (inst_alloc: WASI's per-instance state). */
#define CTX_SLACK 4096
/* A loaded object's readable segment (x: executable). */
struct seg {
	uintptr_t lo, hi;
	int x;
};
/* A module from contract c inside segs, validated as wa_module_load
 * does, without dlopen (fuzz/load_fuzz.c); wa_module_free frees it. */
struct wa_module *module_from_contract(const struct wa_contract *c, const struct seg *segs, int nseg, char *err,
                                       size_t errlen);

/* Implementation limits (those of the WebAssembly JS API, as the
 * compiler's lib/limits.h has them): a contract counting more is
 * refused.  Functions and globals are the defined ones (imports are
 * bounded by MAX_IMPORTS), tables imported and defined together. */
enum {
	MAX_TYPES = 1000000, MAX_FUNCS = 1000000, MAX_IMPORTS = 100000, MAX_EXPORTS = 100000,
	MAX_GLOBALS = 1000000, MAX_DATA = 100000, MAX_ELEMS = 10000000, MAX_TABLES = 100000,
	MAX_PARAMS = 1000, MAX_TABLE_SIZE = 10000000, MAX_PAGES = 65536, MAX_NAME = 100000,
};


struct codeent {
	uintptr_t code;
	uint32_t func;               /* function index (imports counted) */
};

struct wa_module {
	uint64_t id;                 /* unique in the process, never reused */
	void *dl;
	char *path;
	const struct wa_contract *c;
	uint32_t *typeids;           /* canonical id per type index */
	uint32_t nfuncs, ntables, nglobals, nmems; /* imported + defined */
	uint32_t *import_of_func;    /* imported function i -> import index */
	uint32_t *import_of_table;
	uint32_t *export_order;      /* export indices sorted by name */
	uint32_t *import_of_global;
	struct codeent *bycode;      /* defined functions sorted by code */
	uint32_t nbycode;
	uintptr_t text_lo, text_hi;  /* executable span of the object */
	pthread_mutex_t img_lock;
	int img_done;
	struct heapimg *img;         /* heapimg.c; NULL: copy the segments */
	uint64_t ctx_need;           /* context area bytes an instance takes */
	uint64_t ctx_off[CTX_NARRAYS], ctx_end; /* its arrays there (instance.c) */
	int memfd;                   /* the sealed copy loaded (modfile.c), or -1 */
};

/* ---- heapimg.c ---- */
struct datarun {
	uint32_t off, len;
	const uint8_t *bytes;
};

/* The initial memory a module's data segments make: a file to map (much
 * data), or runs of bytes to copy (little). */
struct heapimg {
	int fd;                      /* memfd: the initial memory; -1: runs */
	uint64_t size;               /* bytes: the initial pages */
	uint64_t id;                 /* unique in the process */
	struct datarun *runs;        /* fd -1: copy these over zeros */
	uint32_t nruns;
	uint8_t *bytes;              /* what the runs point into */
};

const struct heapimg *module_heap_image(struct wa_module *);
void module_heap_image_free(struct wa_module *);

int module_pc_in_code(const struct wa_module *, uintptr_t pc);
int64_t module_func_at(const struct wa_module *, uintptr_t pc);
uint32_t module_func_typeidx(const struct wa_module *, uint32_t func);
void module_global_type(const struct wa_module *, uint32_t g, uint8_t *valtype, uint8_t *mut);
/* export NAME (len bytes): its kind and index; -1 if none */
int module_export(const struct wa_module *, const char *name, size_t len, uint32_t *kind, uint32_t *index);

/* ---- memories and tables: the public object generated code reads,
 * first, then what import matching and fault handling need ---- */
struct rt_memory {
	struct wa_memory m;
	uint64_t guard;              /* inaccessible bytes after the reservation */
	uint64_t decl_max;           /* the declared maximum, in pages ... */
	int has_max;                 /* ... if there is one */
	int always_rw;               /* the whole reservation is read-write
	                              * (bounds-checked slots): grow maps nothing */
	struct slotmem *sm;          /* its slot's record (wtrack.c), or NULL */
};

struct rt_table {
	struct wa_table t;
	uint64_t decl_max;
	int has_max;
};

/* ---- hostfn.c ---- */
/* the kinds are those of imports and exports (WA_EXTERN_*) */
enum { HOST_FUNC, HOST_TABLE, HOST_MEMORY, HOST_GLOBAL, HOST_ANY = 0xff };

/* Table growth beyond this many elements fails (returns -1), so a guest
 * cannot make the host allocate without bound; the JS API's limit. */
#define TABLE_CAP 10000000u

struct hostent {
	char *module, *field;
	uint32_t kind;
	uint32_t typeid;             /* HOST_FUNC */
	void *native;
	wa_host_fn fn;
	void *data;
	uint8_t valtype, mut;        /* HOST_GLOBAL */
	struct wa_global *cell;
	struct rt_table *table;      /* HOST_TABLE */
	struct rt_memory *mem;       /* HOST_MEMORY */
};

struct hostdefault {
	char *module;
	wa_host_fn fn;
	void *data;
};

struct wa_host {
	struct hostent *v;
	uint32_t n, cap;
	struct hostdefault *defaults;
	uint32_t ndefaults;
	struct wasi_host *wasi;      /* wasi.h; NULL: no WASI */
	struct hostreg *regs;        /* registered instances, latest last */
	uint32_t nregs;
	/* the link group: instances that share objects through this host
	 * (link.c); one thread at a time runs them */
	struct wa_instance **group;
	uint32_t ngroup, groupcap;
	/* link.c: imports resolved per module, valid while gen is what it
	 * was; gen changes whenever what an import resolves to can */
	uint64_t gen;
	struct linkcache *cache;     /* read without a lock, added under it */
	pthread_mutex_t cache_lock;
};

struct hostreg {
	char *name;
	size_t len;
	struct wa_instance *inst;
};

/* A resolved generic binding of an imported function. */
struct binding {
	wa_host_fn fn;
	void *data;
};

const struct hostent *host_lookup(const struct wa_host *, const char *module, uint32_t modlen,
                                  const char *field, uint32_t fieldlen, uint32_t kind);
const struct hostdefault *host_default(const struct wa_host *, const char *module, uint32_t modlen);
void host_call(struct wa_vmctx *ctx, uint32_t func, wa_val *args);

void host_free_table(struct rt_table *);
void host_free_memory(struct rt_memory *);

/* ---- link.c: imports from registered instances and host objects ---- */
void link_cache_free(struct wa_host *);
int link_imports(struct wa_instance *, char *err, size_t errlen);
int link_join(struct wa_instance *);
void link_leave(struct wa_instance *);
void link_set_stack_limit(struct wa_instance *, uintptr_t limit);
/* for the fault handler: the instance reachable from I whose module
 * holds pc (NULL if none); whether address a is in a reachable heap
 * or its guard */
struct wa_instance *link_code_owner(struct wa_instance *I, uintptr_t pc);
int link_in_heap(struct wa_instance *I, uintptr_t a);

/* ---- region.c ---- */
struct wa_region {
	struct wa_region_config cfg;
	uint8_t *base;
	size_t size, slot_size;
	size_t ctx_off, heap_off, sguard_off, stack_off, stack_top; /* within a slot */
	size_t sguard_size;
	size_t stack_margin;
	uint64_t keep;               /* cfg.keep_resident, 0 meaning no limit */
	uint32_t hint;               /* where region_take looks first */
	uint8_t *busy;               /* per slot, taken by compare-and-swap */
	struct slotmem *mem;         /* per slot */
	int tracked;                 /* in wtrack.c's table */
};

/* What a slot's heap holds between instances, so that the next
 * instance of the same module needs no system call: the bytes at its
 * start that are read-write (all zero, or the image), and the image
 * mapped there (0: none, anonymous memory). */
struct slotmem {
	uint64_t rw;
	uint64_t img;
	uint64_t hi;                 /* no resident page past this offset */
	uint64_t full;               /* zero.c: [0, full) was made resident:
	                              * a reset reads it all, no mincore */
	uint32_t cheap;              /* zero.c: resets in a row that could
	                              * have read it all for less */
	int guarded;                 /* bounds-checked slots: guards set up */
	uint64_t wt_len;             /* wtrack.c: [0, wt_len) is tracked: read-only
	                              * but for the pages marked in wmap */
	uint64_t *wmap;
	uint32_t wmap_words, wt_runs;
	uint64_t recs_mod;           /* instance.c: the module (id) whose defined
	                              * functions' records the free slot holds */
	uint64_t recs_end;           /* how far they reach in the context area */
	uint32_t wt_uses;            /* resets in a row of the same layout */
	int wt_no;                   /* tracking it failed: not again */
	void **tab_spare;            /* instance.c: the last instance's first
	                              * table's elements, kept for the next */
	uint64_t tab_spare_n;        /* ... how many it has room for */
};

/* Is the environment variable `name` "0" (a switch the tests use to
 * turn a mechanism off)?  Read once; *cache starts at -1. */
int rt_env_zero(const char *name, int *cache);

/* ---- wtrack.c: write tracking of a reused slot's heap ---- */
int wt_enabled(void);
void wt_region_add(struct wa_region *);
void wt_region_remove(struct wa_region *);
void wt_reset(struct wa_region *, struct slotmem *, uint8_t *heap, uint64_t len);
void wt_stop(struct slotmem *, uint8_t *heap);
void wt_forget(struct slotmem *, uint8_t *heap);
void wt_prepare_slow(struct slotmem *, uint8_t *heap, uint64_t off, uint64_t len);
int wt_fault(uintptr_t addr);       /* the SIGSEGV handler's: 1 if handled */

#define WT_PAGE_SHIFT 12          /* tracked only where pages are 4 KiB */

static inline int
wt_marked(const struct slotmem *sm, uint64_t page)
{
	return (int)(sm->wmap[page / 64] >> (page % 64) & 1);
}

/* [off, off+len) of the memory made writable, if its slot tracks it;
 * a range within one page marked already (most) costs a few loads */
static inline void
wt_prepare(const struct wa_memory *m, uint64_t off, uint64_t len)
{
	struct slotmem *sm = ((const struct rt_memory *)m)->sm;

	if (sm && off < sm->wt_len) {
		if (len && (off >> WT_PAGE_SHIFT) == ((off + len - 1) >> WT_PAGE_SHIFT) &&
		    wt_marked(sm, off >> WT_PAGE_SHIFT))
			return;
		wt_prepare_slow(sm, m->base, off, len);
	}
}

/* ---- zero.c: the heap back to zeros, keeping at most `keep` bytes of
 * it resident; returns the bytes kept.  sm: the slot's record, which
 * says how the last resets went ---- */
uint64_t zero_heap(uint8_t *p, uint64_t size, uint64_t keep, struct slotmem *sm);
void rt_fill(uint8_t *p, int val, size_t n);

/* A free slot's index, marked busy; -1 if none, -2 if its guards
 * could not be set up. */
int region_take(struct wa_region *);
void region_give(struct wa_region *, uint32_t slot);
uint8_t *region_slot(const struct wa_region *, uint32_t slot);

/* ---- instance.c ---- */
/* n bytes of the instance's context area, zeroed, freed with the
 * instance; NULL if the area is full */
struct wa_instance;
void *inst_alloc(struct wa_instance *, size_t n);

struct wa_instance {
	struct wa_vmctx ctx;         /* first: ctx and instance share an address */
	/* What a call sets up and the call fast path (wa_call in switch.S)
	 * reads and writes at fixed offsets (callabi.h; call.c checks them) */
	void *host_sp;               /* where a trap goes back to */
	uint8_t *stack_hi;           /* the own stack's top */
	uint32_t nfuncs;             /* mod->nfuncs, for wa_call's check */
	uint32_t depth;              /* nested wa_call */
	int yielded;
	int linked;                  /* in host->group */
	int resumed;                 /* a resumed call runs (yield.c) */
	struct wa_trap_info trap;
	/* the rest only C reads */
	struct wa_region *region;
	uint32_t slot;
	struct wa_module *mod;
	struct wa_host *host;
	void *userdata;
	uint8_t *heap;
	uint64_t heap_reserve, heap_guard;
	uint64_t heap_init;          /* bytes accessible after instantiation */
	const struct heapimg *img;   /* the heap is this image: mapped, or
	                              * its runs copied (heapimg.c) */
	uint8_t *stack_lo, *sguard_lo;
	uintptr_t own_limit;         /* stack_limit for the own stack */
	struct rt_memory mem;        /* the defined memory */
	struct wa_func *funcrecs;    /* one per function index */
	struct rt_table *tabrecs;    /* defined tables */
	struct wa_global *cells;     /* defined globals */
	struct binding *bindings;    /* per imported function */
	uint8_t *data_dropped, *elem_dropped;
	uint64_t table_elems;        /* made or grown, against cfg.table_max */
	uint8_t *bump, *bump_lo, *bump_hi; /* context area allocator */
	void *guest_sp;              /* yield.c: the suspended call */
	int in_start;                /* running the start function: not preemptible */
	uint64_t yield_value, resume_value;
	struct wasi_inst *wasi;      /* wasi.h; NULL until needed */
	int zombie;                  /* failed, kept alive: other instances
	                              * may hold references to it */
	uint64_t host_gen;           /* host->gen when its imports were bound */
	int renewable;               /* set up whole: a reset may renew it */
};

/*
 * The context area an instance of a module at every limit above needs
 * (inst_ctx_need: function pointers and records, table pointers and
 * records, global pointers and cells, bindings of imported functions,
 * dropped flags of segments, alignment): about 81 MiB.  The default
 * context area is this big, so that any module the runtime loads can
 * be instantiated; it is address space, backed only where an instance
 * writes.
 */
#define CTX_NEED_MAX ((uint64_t)(MAX_FUNCS + MAX_IMPORTS) * (sizeof(struct wa_func *) + sizeof(struct wa_func)) + \
	(uint64_t)MAX_TABLES * (sizeof(struct wa_table *) + sizeof(struct rt_table)) + \
	(uint64_t)(MAX_GLOBALS + MAX_IMPORTS) * sizeof(struct wa_global *) + \
	(uint64_t)MAX_GLOBALS * sizeof(struct wa_global) + \
	(uint64_t)MAX_IMPORTS * sizeof(struct binding) + MAX_DATA + MAX_ELEMS + \
	sizeof(struct wa_instance) + 16 * 16 + CTX_SLACK)

static inline struct wa_instance *
inst_of(struct wa_vmctx *ctx)
{
	return ctx->instance;
}

/* ---- wasi*.c ---- */
struct wasi_host;
void wasi_host_free(struct wasi_host *);
void wasi_inst_teardown(struct wa_instance *);  /* at reset and free */

/* ---- yield.c: the interrupt word's bits (ctx.interrupt); set from any
 * thread with an atomic or ---- */
#define INTR_STOP 1u                 /* trap "interrupted" */
#define INTR_PREEMPT 2u              /* suspend the call: WA_PREEMPTED */
void rt_interrupt(struct wa_vmctx *, uint32_t func);

/* ---- deadline.c ---- */
void deadline_cancel(struct wa_instance *);    /* on free and reset */

/* ---- trap.c and switch.S ---- */
extern const struct wa_rtfns rt_fns;
void trap_init(void);                          /* handlers, once per process */
void trap_thread_init(void);                   /* sigaltstack, once per thread */
/* the instance of the innermost wa_call on this thread (traps go back
 * there), and the one whose stack the thread runs on (NULL while that
 * is rt_current's: wa_call's fast path leaves it so).  rt_current is
 * RT_UNREADY until trap_thread_init has given the thread its alternate
 * signal stack, so that wa_call's fast path tests one word: NULL means
 * both "no call runs here" and "ready".  Read it with rt_running(). */
extern __thread struct wa_instance *rt_current, *rt_stack;
#define RT_UNREADY ((struct wa_instance *)(uintptr_t)1)
static inline struct wa_instance *
rt_running(void)
{
	return rt_current == RT_UNREADY ? NULL : rt_current;
}
static inline struct wa_instance *
rt_stack_owner(void)
{
	return rt_stack ? rt_stack : rt_running();
}
_Noreturn void rt_trap_at(struct wa_instance *, uint32_t code, uintptr_t pc);
/* For the helpers generated code calls (memory.c, table.c): the
 * caller's address names the trapping function; rt_poll traps
 * "interrupted" between two chunks of a long operation if asked to. */
#define RT_CALLER ((uintptr_t)__builtin_return_address(0) - 1)
#define RT_TRAP(ctx, code) rt_trap_at(inst_of(ctx), (code), RT_CALLER)
static inline void
rt_poll(struct wa_vmctx *ctx, uintptr_t pc)
{
	if (ctx->interrupt)
		rt_trap_at(inst_of(ctx), WA_TRAP_INTERRUPTED, pc);
}
/* ... in wasm function func (function index space), as generated code
 * names it; a func that is not a defined function's counts as unknown */
_Noreturn void rt_trap_in(struct wa_instance *, uint32_t code, uintptr_t pc, uint32_t func);

/* wa_call: its fast path is in switch.S, the rest in call.c */
int wa_call_general(struct wa_instance *, uint32_t func, wa_val *args);
/* Call fn(ctx, code, args) on stack sp (NULL: the current one), saving
 * the host context in *save.  Returns 0, or the code given to wa_leave. */
uint32_t wa_enter(void **save, void *sp, void *fn, void *ctx, void *code, wa_val *args);
_Noreturn void wa_leave(void *saved, uint32_t code);
/* Save this context in *save and continue the one saved at `to`, which
 * returns code; returns when something switches back here. */
uint32_t wa_swap(void **save, void *to, uint32_t code);

/* ---- memory.c, table.c: runtime entry points ---- */
int32_t rt_memory_grow(struct wa_vmctx *, uint32_t mem, uint32_t delta);
void rt_memory_init(struct wa_vmctx *, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n);
void rt_data_drop(struct wa_vmctx *, uint32_t seg);
void rt_memory_copy(struct wa_vmctx *, uint32_t dst, uint32_t src, uint32_t n);
void rt_memory_fill(struct wa_vmctx *, uint32_t dst, uint32_t val, uint32_t n);
void rt_table_init(struct wa_vmctx *, uint32_t t, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n);
void rt_elem_drop(struct wa_vmctx *, uint32_t seg);
void rt_table_copy(struct wa_vmctx *, uint32_t dt, uint32_t st, uint32_t dst, uint32_t src, uint32_t n);
int32_t rt_table_grow(struct wa_vmctx *, uint32_t t, void *init, uint32_t delta);
void rt_table_fill(struct wa_vmctx *, uint32_t t, uint32_t dst, void *val, uint32_t n);
/* where an instance of the module keeps its arrays in its context area,
 * and how many bytes it takes (m->ctx_off, ctx_end, ctx_need) */
void inst_ctx_layout(struct wa_module *);
/* an element-segment item as a reference (instance.c) */
void *inst_elem_item(struct wa_instance *, const struct wa_c_const *);


#endif
