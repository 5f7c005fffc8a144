/*
 * wasm-run --invoke: values on the command line and on standard output.
 *
 * Arguments, by the parameter's type:
 *   i32, i64   decimal (optionally negative) or 0x hexadecimal; any value
 *              that fits signed or unsigned
 *   f32, f64   what strtod reads: decimal, hexadecimal (0x1.8p3), inf,
 *              nan; and nan:0xPAYLOAD for a NaN with that payload
 *   funcref, externref   only null
 * Results, one per line:
 *   i32, i64   signed decimal
 *   f32, f64   the shortest %g form that reads back to the same bits
 *              (at most 9 or 17 digits), inf, -inf, nan, -nan, or
 *              nan:0xPAYLOAD / -nan:0xPAYLOAD for a non-canonical NaN
 *   v128       i32x4 and four 0x-prefixed 8-digit hex lanes
 *   references null, or ref:0xADDRESS
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "run.h"

static _Noreturn void
bad(const char *name, uint32_t i, const char *s, const char *why)
{
	fprintf(stderr, "%s: --invoke %s: argument %u (%s): %s\n", argv0, name, i + 1, s, why);
	exit(2);
}

/* An integer of `bits` bits: signed or unsigned range; -1 if bad. */
static int
parse_int(const char *s, int bits, uint64_t *out)
{
	const char *p = s;
	int neg = *p == '-';
	unsigned long long v;
	char *end;
	int base = 10;

	p += neg || *p == '+';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	if (!*p || *p == '-' || *p == '+' || *p == ' ')
		return -1;
	errno = 0;
	v = strtoull(p, &end, base);
	if (*end || errno)
		return -1;
	if (bits == 32 && v > (neg ? 0x80000000ull : 0xffffffffull))
		return -1;
	if (bits == 64 && neg && v > 0x8000000000000000ull)
		return -1;
	*out = neg ? -(uint64_t)v : v;
	return 0;
}

/* nan:0xPAYLOAD with a sign; -1 if s is not of that form */
static int
parse_nan(const char *s, int bits, uint64_t *out)
{
	int neg = *s == '-';
	uint64_t pay, mant = bits == 32 ? 0x7fffffull : 0xfffffffffffffull;
	char *end;

	s += neg || *s == '+';
	if (strncmp(s, "nan:0x", 6))
		return -1;
	errno = 0;
	pay = strtoull(s + 6, &end, 16);
	if (*end || errno || !pay || pay > mant)
		return -1;
	if (bits == 32)
		*out = (neg ? 0x80000000ull : 0) | 0x7f800000ull | pay;
	else
		*out = (neg ? 0x8000000000000000ull : 0) | 0x7ff0000000000000ull | pay;
	return 0;
}

static void
parse_arg(const char *name, uint32_t i, uint8_t t, const char *s, wa_val *v)
{
	uint64_t u;
	char *end;

	memset(v, 0, sizeof *v);
	switch (t) {
	case 0x7f:
	case 0x7e:
		if (parse_int(s, t == 0x7f ? 32 : 64, &u))
			bad(name, i, s, t == 0x7f ? "not an i32" : "not an i64");
		if (t == 0x7f)
			v->i32 = (int32_t)(uint32_t)u;
		else
			v->i64 = (int64_t)u;
		return;
	case 0x7d:
	case 0x7c:
		if (!parse_nan(s, t == 0x7d ? 32 : 64, &u)) {
			if (t == 0x7d)
				v->f32_bits = (uint32_t)u;
			else
				v->f64_bits = u;
			return;
		}
		errno = 0;
		if (t == 0x7d)
			v->f32 = strtof(s, &end);
		else
			v->f64 = strtod(s, &end);
		if (!*s || *end)
			bad(name, i, s, t == 0x7d ? "not an f32" : "not an f64");
		return;
	case 0x70:
	case 0x6f:
		if (strcmp(s, "null"))
			bad(name, i, s, "only null references can be passed");
		return;
	}
	bad(name, i, s, "v128 arguments are not supported");
}

static void
print_float(double d, uint64_t bits, int is32)
{
	uint64_t sign = is32 ? bits >> 31 : bits >> 63;
	uint64_t pay = is32 ? bits & 0x7fffff : bits & 0xfffffffffffffull;
	uint64_t quiet = is32 ? 0x400000 : 0x8000000000000ull;
	char buf[64];
	int p;

	if (isnan(d)) {
		if (pay == quiet)
			printf("%snan\n", sign ? "-" : "");
		else
			printf("%snan:0x%" PRIx64 "\n", sign ? "-" : "", pay);
		return;
	}
	if (isinf(d)) {
		printf("%sinf\n", sign ? "-" : "");
		return;
	}
	for (p = 1; p < (is32 ? 9 : 17); p++) {
		snprintf(buf, sizeof buf, "%.*g", p, d);
		if (is32 ? strtof(buf, NULL) == (float)d : strtod(buf, NULL) == d)
			break;
	}
	printf("%.*g\n", p, d);
}

static void
print_result(uint8_t t, const wa_val *v)
{
	uint32_t w[4];

	switch (t) {
	case 0x7f: printf("%" PRId32 "\n", v->i32); break;
	case 0x7e: printf("%" PRId64 "\n", v->i64); break;
	case 0x7d: print_float(v->f32, v->f32_bits, 1); break;
	case 0x7c: print_float(v->f64, v->f64_bits, 0); break;
	case 0x7b:
		memcpy(w, v->v128, 16);
		printf("i32x4 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 "\n", w[0], w[1], w[2], w[3]);
		break;
	default:
		if (v->ref)
			printf("ref:%p\n", v->ref);
		else
			printf("null\n");
	}
}

int
invoke(struct wa_instance *I, const char *so, const char *name, int argc, char **argv)
{
	struct wa_module *m = wa_instance_module(I);
	const struct wa_c_functype *t;
	uint32_t f, i, n;
	wa_val *args;
	int code;

	if (wa_module_export_func(m, name, &f)) {
		fprintf(stderr, "%s: %s: no exported function %s\n", argv0, so, name);
		exit(1);
	}
	t = wa_module_func_type(m, f);
	if ((uint32_t)argc != t->nparams) {
		fprintf(stderr, "%s: --invoke %s: %u arguments expected, %d given\n", argv0, name, t->nparams, argc);
		exit(2);
	}
	n = t->nparams > t->nresults ? t->nparams : t->nresults;
	if (!(args = calloc(n + 1, sizeof *args)))
		fatal("out of memory");
	for (i = 0; i < t->nparams; i++)
		parse_arg(name, i, t->params[i], argv[i], &args[i]);
	if ((code = wa_call(I, f, args)) != 0)
		return code;
	for (i = 0; i < t->nresults; i++)
		print_result(t->results[i], &args[i]);
	free(args);
	return 0;
}
