/* 128-bit SIMD. */
#include "lower.h"

int
lower_simd(struct lower *L, const struct instr *in)
{
	(void)L;
	(void)in;
	return 0;
}
