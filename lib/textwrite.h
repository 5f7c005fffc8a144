/* Internal to the text writer (textwrite.c, textwrite-code.c). */
#include <stdint.h>
#include <stdio.h>

#include "module.h"

void tw_id(FILE *, const char *s, uint32_t len);
void tw_string(FILE *, const uint8_t *s, uint32_t len, int in_comment);
void tw_f32(FILE *, uint32_t bits);
void tw_f64(FILE *, uint64_t bits);
void tw_instr(FILE *, const struct instr *);
void tw_body(FILE *, const struct instr *code, uint32_t n);
void tw_expr(FILE *, const struct expr *, const char *keyword);
