/* wasm-run: shared between main.c and invoke.c. */
#include "wasmrt.h"

/* --invoke: parse argument strings by the export's parameter types,
 * call, print the results; returns the trap code (0: none). */
int invoke(struct wa_instance *, const char *so, const char *name, int argc, char **argv);
_Noreturn void report_trap(struct wa_instance *, int code);
/* --script FILE: the command protocol of script.c; returns at the end */
int script(const char *file, const struct wa_region_config *);

/* Exit status after a trap: what a shell shows for SIGABRT (128 + 6),
 * so scripts see an abnormal end, while the host itself is intact. */
#define TRAP_STATUS 134

/* "wasm-run: trap: KIND in FUNCTION" on standard error. */
void print_trap(struct wa_instance *, int code);

/* The life-cycle mode (repeat.c): --repeat, --concurrent, --stats. */
struct life {
	const char *so, *invoke;
	int argc;                    /* the guest's arguments, argv[0] the .so */
	char **argv;
	long repeat, concurrent;
	int stats;
	uint64_t timeout_ns;
};

/* Runs the module as L says; returns the exit status: the first
 * non-zero status of a run (134 for a trap), else 0. */
int lifecycle(struct wa_module *, struct wa_host *, const struct wa_region_config *, const struct life *L);

/* The compile cache (cache.c): is the file a binary module, and the
 * cached .so for it, compiled by the wasm-aot beside this program if
 * it is not there yet (exits with a message on failure). */
int is_wasm(const char *path);
char *cached_so(const char *wasm, int verbose);
