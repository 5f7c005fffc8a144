#include "module.h"

const struct opinfo opinfo[NOPS] = {
#define OP(id, name, pre, code, imm, sig, aux) [OP_##id] = {name, pre, code, imm, sig, aux},
#include "ops.h"
#undef OP
};
