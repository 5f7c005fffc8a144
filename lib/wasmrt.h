/*
 * libwasmrt: the embedding API of the wasm-aot runtime (wasmrt(3)).
 *
 * A region holds a fixed number of instance slots reserved once.  A
 * module is a compiled .so whose contract has been validated.  A host
 * object collects host functions (and WASI) that imports resolve to.
 * An instance is a module instantiated into a slot of a region.
 *
 *	struct wa_region *r = wa_region_new(NULL, err, sizeof err);
 *	struct wa_module *m = wa_module_load("x.so", err, sizeof err);
 *	struct wa_host *h = wa_host_new();
 *	wa_wasi_add(h, &(struct wa_wasi_config){.argc = 1, .argv = av}, err, sizeof err);
 *	struct wa_instance *i = wa_instantiate(r, m, h, NULL, err, sizeof err);
 *	uint32_t f;
 *	wa_module_export_func(m, "_start", &f);
 *	int trap = wa_call(i, f, NULL);
 *
 * Functions that can fail for reasons of input return NULL or -1 and
 * write a one-line message into err (errlen bytes; err may be NULL).
 * Calls into the guest return WA_TRAP_NONE or the trap code.
 */
#ifndef WASMRT_H
#define WASMRT_H

#include <stddef.h>
#include <stdint.h>

#include "contract.h"

struct wa_region;
struct wa_module;
struct wa_host;
struct wa_instance;

/* ---- regions ---- */

struct wa_region_config {
	uint32_t slots;          /* instances the region can hold (1) */
	uint64_t heap_reserve;   /* bytes reserved per heap (4 GiB) */
	uint64_t heap_guard;     /* inaccessible bytes after it (2 GiB) */
	uint64_t heap_max;       /* runtime cap on any memory, bytes (4 GiB) */
	uint64_t stack_size;     /* usable guest stack per slot (1 MiB) */
	uint64_t ctx_size;       /* per-slot context area (81 MiB, lazily backed) */
	uint64_t table_max;      /* elements of all the tables an instance makes
	                          * or grows, together (2^26: 512 MiB) */
	/* Heap bytes a slot keeps resident between instances (no limit):
	 * what a guest dirtied is cleared in place, so that the next
	 * request takes no page faults there; past this bound it is given
	 * back to the kernel.  Below a page (1): keep nothing. */
	uint64_t keep_resident;
	/* Slots for modules compiled with --bounds-checks only (0: for
	 * any module, guard-page slots): a heap reserves heap_reserve and
	 * a small guard (64 KiB) and never changes protection, so that the
	 * whole region is one kernel mapping where the kernel has guard
	 * markers (Linux 6.13), about two per slot elsewhere. */
	uint32_t bounds_checked;
};

/* cfg NULL or fields 0: defaults (above). */
struct wa_region *wa_region_new(const struct wa_region_config *cfg, char *err, size_t errlen);
void wa_region_free(struct wa_region *);
/* Slots still free. */
uint32_t wa_region_free_slots(struct wa_region *);
/* Set cfg's layout (bounds_checked, heap_reserve, heap_guard,
 * ctx_size) for the smallest slots that hold instances of m: for a
 * module compiled with --bounds-checks, a heap of its maximum memory
 * (capped by cfg->heap_max if set); the other fields stay as given. */
void wa_region_fit(struct wa_region_config *cfg, const struct wa_module *m);

/* ---- modules ---- */

struct wa_module *wa_module_load(const char *path, char *err, size_t errlen);
void wa_module_free(struct wa_module *);
const struct wa_contract *wa_module_contract(const struct wa_module *);
/* Index of the exported function NAME in the function index space. */
int wa_module_export_func(const struct wa_module *, const char *name, uint32_t *func);
/* Type of function FUNC (params/results are value-type bytes). */
const struct wa_c_functype *wa_module_func_type(const struct wa_module *, uint32_t func);
/* Name of function FUNC: the name section's, else "wasm_func_N"
 * (the symbol name); written to buf. */
const char *wa_module_func_name(const struct wa_module *, uint32_t func, char *buf, size_t len);

/*
 * Integrity and signatures.  Every module ends with an integrity digest
 * that wasm-link records; wa_module_load refuses a file that does not
 * match it before the dynamic loader reads it.  A host that runs only
 * modules signed by keys it trusts uses wa_module_load_signed: SIG is
 * the minisign signature file (NULL: PATH.minisig, what `minisign -Sm
 * PATH` writes), and the signature must be by one of KEYS.
 * wa_module_check makes the same checks without loading (KEYS NULL:
 * the digest alone).  A key is minisign's public key: the text of a
 * .pub file, or its base64 line.
 */
struct wa_keys;
struct wa_keys *wa_keys_new(void);
int wa_keys_add(struct wa_keys *, const char *key, char *err, size_t errlen);
int wa_keys_add_file(struct wa_keys *, const char *path, char *err, size_t errlen);
void wa_keys_free(struct wa_keys *);
struct wa_module *wa_module_load_signed(const char *path, const char *sig, const struct wa_keys *keys,
                                        char *err, size_t errlen);
int wa_module_check(const char *path, const char *sig, const struct wa_keys *keys, char *err, size_t errlen);

/* ---- host functions ---- */

/*
 * A generic host function: args holds the parameters in slots
 * 0..nparams and receives the results in slots 0..nresults.  To fail,
 * call wa_trap(inst, code).
 */
typedef void (*wa_host_fn)(struct wa_instance *, void *data, wa_val *args);

struct wa_host *wa_host_new(void);
/* Frees the host's tables and memories and the instances kept after a
 * failed instantiation: after the other instances created with it,
 * before their region. */
void wa_host_free(struct wa_host *);
/*
 * Register MODULE.FIELD with signature SIG: parameter letters, ':',
 * result letters; i i32, I i64, f f32, F f64, v v128, r funcref,
 * e externref ("iiii:i").  Either native (called directly by guest code
 * as native(struct wa_vmctx *ctx, params...), ctx->instance being the
 * wa_instance) or fn (called through the module's import adapter).
 * Returns -1 on a bad signature.
 */
int wa_host_func(struct wa_host *, const char *module, const char *field, const char *sig,
                 void *native, wa_host_fn fn, void *data);
/* Imports from MODULE that match no registered field bind to fn. */
void wa_host_default(struct wa_host *, const char *module, wa_host_fn fn, void *data);
/* A host global MODULE.FIELD of value type VALTYPE (a byte). */
int wa_host_global(struct wa_host *, const char *module, const char *field, uint8_t valtype,
                   int mut, wa_val init);
/* A host table of ELEMTYPE (0x70 funcref, 0x6f externref) and a host
 * memory (a guard-mode reservation of its own), MIN elements or pages,
 * at most MAX (WA_NO_MAX: no maximum); imports of any instance created
 * with this host share them.  -1 on bad limits or out of memory. */
#define WA_NO_MAX UINT32_MAX
int wa_host_table(struct wa_host *, const char *module, const char *field, uint8_t elemtype,
                  uint32_t min, uint32_t max);
int wa_host_memory(struct wa_host *, const char *module, const char *field, uint32_t min, uint32_t max);

/* ---- linking instances ---- */

/* Import and export kinds (their binary encodings). */
enum { WA_EXTERN_FUNC = 0, WA_EXTERN_TABLE = 1, WA_EXTERN_MEMORY = 2, WA_EXTERN_GLOBAL = 3 };

/*
 * Make the exports of INST, which was instantiated with this host,
 * importable as NAME.FIELD by the instances created with it afterwards
 * (NAME: len bytes, any bytes).  A registered name hides host entries
 * of the same module name and earlier registrations of that name.
 * Functions are shared (called with their own instance's context),
 * globals, tables and memories are the same objects on both sides.
 * The instances linked this way, and those importing host tables or
 * memories, form the host's link group: one thread at a time may run
 * them, and INST must outlive the instances that import from it.
 * Returns -1 if INST belongs to another host, or on out of memory.
 */
int wa_host_register(struct wa_host *, const char *name, size_t len, struct wa_instance *inst);

/*
 * The spectest module of the WebAssembly spec tests: print, print_i32,
 * print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64 (they
 * write their arguments to file descriptor FD, as "42 : i32" lines;
 * FD < 0: nothing), global_i32 and global_i64 (666), global_f32 and
 * global_f64 (666.6), table (10 funcref, at most 20), memory (1 page,
 * at most 2).
 */
int wa_spectest_add(struct wa_host *, int fd);

/* ---- WASI (wasi_snapshot_preview1) ---- */

struct wa_wasi_config {
	int argc;
	char **argv;             /* argv[0] is the program name */
	int envc;
	char **envp;             /* "NAME=VALUE" */
	int ndirs;
	char **dirs;             /* "HOST" or "HOST::GUEST": preopened directories */
	int nsockets;
	const int *sockets;      /* listening sockets the host hands in */
	unsigned flags;          /* WA_WASI_* */
	uint32_t max_fds;        /* files one instance may hold open (1024) */
	/*
	 * If set, a poll_oneoff with nothing but clocks to wait for (a
	 * sleep) calls this instead of blocking the thread: until is the
	 * CLOCK_MONOTONIC time in ns the wait ends.  It runs inside the
	 * guest's call and may wa_yield (a server's event loop goes on and
	 * resumes the guest when the time has come); called again if it
	 * returns early.  Returns 0 or a negative WASI errno, which
	 * poll_oneoff returns.
	 */
	int32_t (*sleep)(struct wa_instance *, void *arg, uint64_t until);
	void *sleep_arg;
};

/* Resolve paths by a component-by-component walk even where the kernel
 * has openat2 with RESOLVE_BENEATH (Linux 5.6+), which is used
 * otherwise. */
#define WA_WASI_WALK 1u

/*
 * Add the wasi_snapshot_preview1 functions to a host.  The preopens are
 * opened now, in order: the guest sees the directories from fd 3, then
 * the sockets.  cfg is kept by reference and must outlive the
 * instances; the host closes the directories it opened when it is
 * freed (the sockets stay the caller's).  -1 if a directory cannot be
 * opened.
 */
int wa_wasi_add(struct wa_host *, const struct wa_wasi_config *cfg, char *err, size_t errlen);

/*
 * Per-instance settings, for a server that gives every instance its own
 * request: they hold until the instance is reset or freed, and are gone
 * after.  Arguments and environment in place of the host's (the arrays
 * must outlive the instance's calls):
 */
int wa_wasi_set_args(struct wa_instance *, int argc, char **argv, int envc, char **envp);

/*
 * Standard stream FD (0, 1 or 2) to host descriptor HOSTFD (not closed
 * by us), or to callbacks.  read and write return the bytes done (0 at
 * the end of input) or a negative WASI errno (-29 EIO, ...); they run on
 * the guest's stack, inside its call, and may call wa_yield (a server
 * suspends a guest that reads a body that has not arrived) or wa_trap.
 * A callback stream is a pipe to the guest: neither seekable nor a
 * terminal.
 */
struct wa_wasi_stream {
	int64_t (*read)(struct wa_instance *, void *arg, void *buf, uint64_t len);
	int64_t (*write)(struct wa_instance *, void *arg, const void *buf, uint64_t len);
	void *arg;
};
int wa_wasi_stdio_fd(struct wa_instance *, int fd, int hostfd);
int wa_wasi_stdio_stream(struct wa_instance *, int fd, const struct wa_wasi_stream *);

/*
 * A memory buffer as a stream: output appends to data (malloc'd, grown
 * as needed, at most max bytes: past that a write fails with EFBIG),
 * input reads from data[off, len).  The embedder frees data.
 */
struct wa_wasi_buffer {
	uint8_t *data;
	uint64_t len, cap, off, max;
};
int wa_wasi_stdio_buffer(struct wa_instance *, int fd, struct wa_wasi_buffer *);

/* ---- instances ---- */

/*
 * Take a free slot, resolve imports, initialise, run the start
 * function.  Messages: "unlinkable: unknown import M.F",
 * "unlinkable: incompatible import type for M.F", and, when an element
 * or data segment is out of bounds or the start function traps,
 * "uninstantiable: trap: KIND".  As WebAssembly 2.0 says, segments
 * written before the failing one stay written, and so an instance that
 * fails after linking to the host's objects or other instances is kept
 * (unreachable but alive: tables may hold its functions) until the
 * host is freed.
 */
struct wa_instance *wa_instantiate(struct wa_region *, struct wa_module *, struct wa_host *,
                                   void *userdata, char *err, size_t errlen);
/* Back to the freshly instantiated state (start function run again). */
int wa_instance_reset(struct wa_instance *, char *err, size_t errlen);
void wa_instance_free(struct wa_instance *);
void *wa_instance_data(const struct wa_instance *);
void wa_instance_set_data(struct wa_instance *, void *);
struct wa_module *wa_instance_module(const struct wa_instance *);
/* The base of memory 0 (its size in *size), all of it writable by the
 * caller and by system calls; wa_memory_ptr makes only a range so. */
uint8_t *wa_instance_memory(const struct wa_instance *, uint64_t *size);
/* The size of memory 0 in bytes, 0 if there is none. */
uint64_t wa_memory_size(const struct wa_instance *);
/*
 * Bounds-checked access to memory 0 for host functions: the pointer to
 * [addr, addr+len), or NULL if that is not all inside the memory; read
 * or write len bytes there, 0, or -1 (nothing copied) if out of bounds.
 * A pointer stays valid while the instance lives: memory grows in place.
 */
void *wa_memory_ptr(struct wa_instance *, uint32_t addr, uint64_t len);
int wa_memory_read(struct wa_instance *, uint32_t addr, void *buf, uint64_t len);
int wa_memory_write(struct wa_instance *, uint32_t addr, const void *buf, uint64_t len);
/* Ask a running instance to stop (any thread): trap "interrupted"
 * (it wins over a preemption asked at the same time). */
void wa_instance_interrupt(struct wa_instance *);
/* Export NAME (len bytes) of an instance: its kind (WA_EXTERN_*) and
 * index in that kind's index space (for a function, what wa_call
 * takes); -1 if there is none. */
int wa_instance_export(const struct wa_instance *, const char *name, size_t len, uint32_t *kind,
                       uint32_t *index);
/* Value and value type of global G (global index space); -1 if out of
 * range. */
int wa_instance_global(const struct wa_instance *, uint32_t g, wa_val *v, uint8_t *valtype);
/* Interrupt the instance once ns nanoseconds from now have passed (a
 * watchdog thread does it, started on first use); 0 cancels, and so do
 * reset and free.  Setting a deadline clears a pending interrupt.
 * Returns -1 if the watchdog cannot be started. */
int wa_instance_set_deadline(struct wa_instance *, uint64_t ns);

/*
 * Call function FUNC (function index space) with args[0..nparams);
 * results come back in args[0..nresults).  args must have
 * max(nparams, nresults) slots (may be NULL if both are 0).
 * Returns WA_TRAP_NONE or the trap code; wa_trap_info() tells more.
 */
int wa_call(struct wa_instance *, uint32_t func, wa_val *args);

struct wa_trap_info {
	uint32_t code;           /* enum wa_trap */
	int64_t func;            /* function index it happened in, or -1 */
	uintptr_t pc;            /* native address */
	int32_t exit_code;       /* WA_TRAP_EXIT: the proc_exit code */
	/* the module func indexes: a call can trap in another instance's
	 * code through linked functions or tables; NULL if func is -1 */
	const struct wa_module *module;
};
const struct wa_trap_info *wa_trap_info(const struct wa_instance *);
/* "integer divide by zero", ...; "trap N" if unknown. */
const char *wa_trap_name(uint32_t code);

/*
 * Yield and resume.  From a host function the guest called (directly,
 * not inside a nested wa_call), wa_yield(inst, value) suspends the whole
 * call: the wa_call or wa_resume running it returns WA_YIELDED, and
 * wa_instance_yielded() gives the value.  wa_resume(inst, answer)
 * continues the call, on any thread, wa_yield returning answer in the
 * host function; it returns as wa_call does (0, a trap code, or
 * WA_YIELDED again), the results in the args array given to wa_call,
 * which must stay valid until then.  A suspended instance refuses new
 * calls (-1) until resumed to the end; reset and free discard the
 * suspended call.
 */
#define WA_YIELDED 0x100
uint64_t wa_yield(struct wa_instance *, uint64_t value);
int wa_resume(struct wa_instance *, uint64_t value);
/* 1 and the value passed to wa_yield if the instance is suspended
 * (value 0 if preempted). */
int wa_instance_yielded(const struct wa_instance *, uint64_t *value);

/*
 * Preemption, for an embedder that runs many guests on one thread (a
 * server's event loop): from any thread (also a signal handler),
 * wa_instance_preempt asks the call the instance is running to suspend
 * at its next function entry or loop back-edge.  That wa_call or
 * wa_resume returns WA_PREEMPTED, and the call is suspended as by
 * wa_yield: wa_resume(inst, 0) continues it.  Only an outermost call
 * made by the embedder is suspended: a request that finds the instance
 * in its start function or in a call nested in a host function is
 * dropped.  A request made while the instance runs nothing applies to
 * its next call.  Costs nothing until asked: the guest tests the
 * interrupt word it tests for wa_instance_interrupt anyway.
 */
#define WA_PREEMPTED 0x101
void wa_instance_preempt(struct wa_instance *);

/* From a host function: end the current call with trap CODE. */
_Noreturn void wa_trap(struct wa_instance *, uint32_t code);
/* From a host function: end the current call with WA_TRAP_EXIT. */
_Noreturn void wa_exit(struct wa_instance *, int32_t code);

#endif
