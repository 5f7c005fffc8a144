#!/usr/bin/env python3
"""Generates the C source of the large benchmark module of bench/front.sh.

usage: gen-big.py OUTDIR UNITS FUNCS_PER_UNIT

Writes OUTDIR/u0.c ... : deterministic (fixed PRNG seed), compiled by
clang for wasm32-wasi.  The code is meant to look like what real C
programs give: a bytecode interpreter with large switches (as in sqlite's
VDBE), hashing and string loops, open-addressing hash tables, float
kernels, record copies and comparisons, calls between functions,
constant tables in data segments.
"""
import os
import sys

OUT, UNITS, FUNCS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
MASK = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]


HEADER = """#include <stdint.h>
#include <string.h>
#include <math.h>
struct rec { int32_t id; int64_t key; double w; char name[24]; struct rec *next; };
struct tab { uint32_t mask, used; uint64_t *keys; int64_t *vals; };
"""


def hashfn(r, name, callee):
    c1, c2, c3, rot = r.next() & 0xffffffff, r.next() & 0xffff, r.next() | 1, 1 + r.below(31)
    call = ("\t\tif ((h & 0x%x) == 0) h += %s(a + j, n - j, h);\n" % (r.next() & 0xff, callee)
            if callee else "")
    return """uint32_t %s(const uint32_t *a, int n, uint32_t k)
{
	uint32_t h = 0x%xu ^ k;
	for (int j = 0; j < n; j++) {
		h ^= a[j] + 0x%xu;
		h = (h << %d) | (h >> %d);
		h *= 0x%xu;
%s	}
	return h ^ (h >> %d);
}
""" % (name, c1, c2, rot, 32 - rot, c3 & 0xffffffff, call, 1 + r.below(20))


def vm(r, name, callee):
    cases = []
    ops = ["sp[-2] = sp[-2] + sp[-1]; sp--;", "sp[-2] = sp[-2] - sp[-1]; sp--;",
           "sp[-2] = sp[-2] * sp[-1]; sp--;", "if (sp[-1]) sp[-2] /= sp[-1]; sp--;",
           "sp[-1] = -sp[-1];", "*sp++ = (int64_t)code[pc++] << %d;",
           "*sp++ = mem[code[pc++] & 255];", "mem[code[pc++] & 255] = *--sp;",
           "if (*--sp) pc += code[pc]; else pc++;", "sp[-1] = sp[-1] >> (code[pc++] & 63);",
           "sp[-2] = sp[-2] < sp[-1]; sp--;", "sp[-1] ^= 0x%x;", "sp[-1] = ~sp[-1];",
           "*sp = sp[-1]; sp++;", "{ int64_t t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; }",
           "sp[-2] = sp[-2] %% (sp[-1] | 1); sp--;"]
    if callee:
        ops.append("sp[-1] += %s(code + pc, mem, sp[-1] & 7);" % callee)
    for k in range(8 + r.below(40)):
        op = r.pick(ops)
        if "%" in op and "%%" not in op:
            op = op % (r.below(60) if "<<" in op else r.next() & 0xffff)
        op = op.replace("%%", "%")
        cases.append("\t\tcase %d: %s break;" % (k, op))
    return """int64_t %s(const uint8_t *code, int64_t *mem, int depth)
{
	int64_t stack[64], *sp = stack + 2;
	int pc = 0;
	if (depth > 4)
		return 0;
	stack[0] = stack[1] = 0;
	for (int steps = 0; steps < 1000; steps++) {
		if (sp < stack + 2 || sp > stack + 60)
			return -1;
		switch (code[pc++]) {
%s
		default: return sp[-1];
		}
	}
	return sp[-1];
}
""" % (name, "\n".join(cases))


def floats(r, name, callee):
    coef = ", ".join("%.17g" % ((r.next() % 2000000 - 1000000) / 123457.0)
                     for _ in range(4 + r.below(8)))
    call = "\t\tif (s > %d.0) s = %s(x + i, n - i, s * 0.5);\n" % (r.below(1000), callee) \
        if callee else ""
    return """static const double %s_c[] = { %s };
double %s(const double *x, int n, double s)
{
	for (int i = 0; i < n; i++) {
		double p = 0, t = x[i];
		for (unsigned k = 0; k < sizeof %s_c / sizeof %s_c[0]; k++)
			p = p * t + %s_c[k];
		s += p > 0 ? sqrt(p) : -fabs(p) * 0.5;
		if (s != s)
			s = 0;
%s	}
	return s / (n + 1);
}
""" % (name, coef, name, name, name, name, call)


def table(r, name, callee):
    return """int64_t %s(struct tab *t, uint64_t key, int64_t val, int insert)
{
	uint32_t i = (uint32_t)(key * 0x%xull >> %d) & t->mask;
	for (uint32_t probe = 0; probe <= t->mask; probe++, i = (i + probe) & t->mask) {
		if (t->keys[i] == key) {
			if (insert)
				t->vals[i] = val;
			return t->vals[i];
		}
		if (t->keys[i] == 0) {
			if (!insert || t->used * 4 >= t->mask * 3)
				return -1;
			t->keys[i] = key;
			t->vals[i] = val;
			t->used++;
			return val;
		}
	}
	return -2;
}
""" % (name, r.next() | 1, 32 + r.below(16))


def records(r, name, callee):
    f = r.pick(["id", "key", "w"])
    return """int %s(struct rec *a, const struct rec *b, const char *s)
{
	int n = 0;
	for (; a && b; a = a->next, b = b->next) {
		if (a->%s < b->%s || (a->%s == b->%s && strcmp(a->name, b->name) < 0)) {
			memcpy(a->name, b->name, sizeof a->name);
			a->w += b->w * %d.25;
			n++;
		} else if (s && strncmp(a->name, s, %d) == 0) {
			a->key ^= (int64_t)strlen(s) << %d;
			n += 2;
		}
	}
	return n;
}
""" % (name, f, f, f, f, r.below(100), 1 + r.below(20), r.below(40))


def text(r, name, callee):
    return """int %s(char *dst, const char *src, int n)
{
	int j = 0, words = 0, in = 0;
	for (int i = 0; i < n && src[i]; i++) {
		char c = src[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (c == '%c')
			c = '%c';
		if (c == ' ' || c == '\\t') {
			in = 0;
		} else if (!in) {
			in = 1;
			words++;
		}
		if (j < %d)
			dst[j++] = c;
	}
	dst[j] = 0;
	return words * %d + j;
}
""" % (name, chr(33 + r.below(90)).replace("'", "x").replace("\\", "y"),
       chr(33 + r.below(90)).replace("'", "x").replace("\\", "y"), 64 + r.below(4000),
       1 + r.below(9))


KINDS = [("h", hashfn), ("vm", vm), ("fl", floats), ("tb", table), ("rc", records),
         ("tx", text)]


def main():
    os.makedirs(OUT, exist_ok=True)
    r = Rng(20261123)
    for u in range(UNITS):
        src = [HEADER]
        last = {}
        for i in range(FUNCS):
            prefix, gen = KINDS[r.below(2) if r.below(3) == 0 else r.below(len(KINDS))]
            name = "%s_%d_%d" % (prefix, u, i)
            callee = last.get(prefix) if r.below(2) else None
            src.append(gen(r, name, callee))
            last[prefix] = name
        blob = ", ".join(str(r.below(256)) for _ in range(4096))
        src.append("const unsigned char blob_%d[] = { %s };\n" % (u, blob))
        with open(os.path.join(OUT, "u%d.c" % u), "w") as f:
            f.write("\n".join(src))


main()
