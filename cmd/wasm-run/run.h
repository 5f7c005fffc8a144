/* wasm-run: shared between main.c and invoke.c. */
#include "wasmrt.h"

/* --invoke: parse argument strings by the export's parameter types,
 * call, print the results; returns the trap code (0: none). */
int invoke(struct wa_instance *, const char *so, const char *name, int argc, char **argv);
_Noreturn void report_trap(struct wa_instance *, int code);
/* --script FILE: the command protocol of script.c; returns at the end */
int script(const char *file, const struct wa_region_config *);
