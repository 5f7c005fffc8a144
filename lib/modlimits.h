/*
 * Implementation limits of the readers (wasm-parse, wasm-verify,
 * wasm-lower): how many types, functions, imports ... a module may
 * have, how large a function body may be, how deep its blocks nest.
 * The defaults are the limits of the WebAssembly JavaScript API (what
 * every browser accepts), so a module that runs in V8 compiles here,
 * and a hostile module cannot make a tool spend time and memory far
 * beyond what real ones need.  A module over a limit is refused like a
 * malformed one: "prog: file: 0xOFFSET: message" or "file:LINE:",
 * status 1, the message naming the limit and the option that raises it.
 */
#ifndef WA_MODLIMITS_H
#define WA_MODLIMITS_H

#include <stdint.h>
#include <stdio.h>

/*
 * X(ID, name, default).  Where the JS API sets no limit the default is
 * ours:
 *   elem-segments  the JS API bounds the entries of a table
 *                  initialisation by 10,000,000; the segments too
 *   module-locals  locals are kept expanded, a byte each, and 8 bytes
 *                  of a body can declare 50,000: this bounds what a
 *                  small module can make a reader allocate
 *   nesting        deeper than any compiler's output, far below what
 *                  the body size allows (2.5 million), so the
 *                  per-block state of the verifier, wasm-lower and
 *                  LLVM stays small
 */
#define WA_LIMITS(X) \
	X(MODULE_SIZE, "module-size", 1073741824)  /* bytes of a binary module */ \
	X(TYPES, "types", 1000000) \
	X(FUNCTIONS, "functions", 1000000)         /* defined */ \
	X(IMPORTS, "imports", 100000) \
	X(EXPORTS, "exports", 100000) \
	X(GLOBALS, "globals", 1000000)             /* defined */ \
	X(DATA_SEGMENTS, "data-segments", 100000) \
	X(ELEM_SEGMENTS, "elem-segments", 10000000) \
	X(ELEM_ITEMS, "elem-items", 10000000)      /* in one element segment */ \
	X(TABLES, "tables", 100000)                /* imported and defined */ \
	X(TABLE_SIZE, "table-size", 10000000)      /* a table's minimum size */ \
	X(MEMORY_PAGES, "memory-pages", 65536)     /* a memory's minimum size */ \
	X(PARAMS, "params", 1000)                  /* of a function or block type */ \
	X(RESULTS, "results", 1000) \
	X(LOCALS, "locals", 50000)                 /* of a function, parameters included */ \
	X(MODULE_LOCALS, "module-locals", 33554432) /* declared, all functions together */ \
	X(BODY_SIZE, "body-size", 7654321)         /* bytes of a body; instructions in text */ \
	X(NESTING, "nesting", 100000)              /* blocks, loops and ifs in a function */

enum limit {
#define X(id, name, dflt) LIM_##id,
	WA_LIMITS(X)
#undef X
	NLIMITS
};

extern uint64_t limits[NLIMITS];

/* Lifts every limit (up to what the format and memory allow). */
void limits_lift(void);
/*
 * The command-line options --limit NAME=N, --limit=NAME=N and
 * --no-limits at argv[*i]: 1 if it was one (*i then at its last
 * word), 0 if not.  A bad one is a usage error: message, exit 2.
 */
int limit_option(int argc, char **argv, int *i);
/* The options and every limit with its default, for usage messages. */
void limit_usage(FILE *);

/* n against limit k: the text of the error ("WHAT: N is over the limit
 * of L (--limit NAME=N)") in buf, or NULL if n is within it. */
const char *limit_exceeded(enum limit k, uint64_t n, const char *what, char *buf, size_t size);

#endif
