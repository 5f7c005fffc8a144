/* Internal to the validator (validate.c, validate-code.c). */
#include <stdint.h>

#include "module.h"

/* Everything the validator allocates lives in the module's arena: an
 * error may longjmp out (diag_catch), and freeing the arena frees all. */
struct stacks;

struct vctx {
	const struct module *m;
	uint8_t *refs;       /* C.refs: functions that ref.func may name */
	/* the index spaces, imports first, so a lookup costs O(1) however
	 * many imports there are (mod_functype() walks the imports) */
	const struct functype **functypes; uint32_t nfuncs;  /* NULL: unknown type */
	const struct tabletype **tables;   uint32_t ntables;
	const struct globaltype **globals; uint32_t nglobals;
	struct stacks *st;   /* the checker's stacks, kept from one function to the next */
	uint32_t func;       /* function being checked (index space) */
	uint32_t line;       /* fallback line */
};

_Noreturn void verr(const struct vctx *, const struct instr *, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void validate_code(struct vctx *, const struct func *);
/* The type a constant expression leaves, checked against want. */
void validate_const(const struct vctx *, const struct expr *, uint8_t want, uint32_t line);

/* Lookups in the index spaces; NULL if out of range. */
const struct functype *v_functype(const struct vctx *, uint32_t func);
const struct tabletype *v_table(const struct vctx *, uint32_t table);
const struct globaltype *v_global(const struct vctx *, uint32_t global);
