/* A C program for the round-trip test: calls through pointers, a
 * switch that becomes br_table, floats, strings, memory and the libc. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef double (*op_fn)(double, double);

static double add(double a, double b) { return a + b; }
static double mul(double a, double b) { return a * b; }
static double hyp(double a, double b) { return sqrt(a * a + b * b); }

static const op_fn ops[] = {add, mul, hyp};

static int
classify(unsigned c)
{
	switch (c % 9) {
	case 0: return 3;
	case 1: return 1;
	case 2: return 4;
	case 3: return 1;
	case 4: return 5;
	case 5: return 9;
	case 6: return 2;
	default: return 6;
	}
}

static int
cmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	float v[64];
	char buf[128];
	double acc = 0.5;
	long long h = 1469598103934665603LL;
	int i;

	for (i = 0; i < 64; i++)
		v[i] = (float)classify((unsigned)(i * 7 + argc)) / 3.0f - NAN * (i == 65);
	qsort(v, 64, sizeof v[0], cmp);
	for (i = 0; i < 64; i++)
		acc = ops[i % 3](acc, v[i]);
	snprintf(buf, sizeof buf, "%s: %.6g %g", argv[0], acc, -INFINITY);
	for (i = 0; buf[i]; i++)
		h = (h ^ buf[i]) * 1099511628211LL;
	printf("%s %lld %zu\n", buf, h, strlen(buf));
	return 0;
}
