/* Internal to the validator (validate.c, validate-code.c). */
#include <stdint.h>

#include "module.h"

struct vctx {
	const struct module *m;
	uint8_t *refs;       /* C.refs: functions that ref.func may name */
	uint32_t func;       /* function being checked (index space) */
	uint32_t line;       /* fallback line */
};

_Noreturn void verr(const struct vctx *, const struct instr *, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void validate_code(const struct vctx *, const struct func *);
/* The type a constant expression leaves, checked against want. */
void validate_const(const struct vctx *, const struct expr *, uint8_t want, uint32_t line);
