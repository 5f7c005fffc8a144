/* The readers' implementation limits: see modlimits.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "modlimits.h"

static const char *const names[NLIMITS] = {
#define X(id, name, dflt) name,
	WA_LIMITS(X)
#undef X
};

static const uint64_t defaults[NLIMITS] = {
#define X(id, name, dflt) dflt,
	WA_LIMITS(X)
#undef X
};

uint64_t limits[NLIMITS] = {
#define X(id, name, dflt) dflt,
	WA_LIMITS(X)
#undef X
};

void
limits_lift(void)
{
	int k;

	for (k = 0; k < NLIMITS; k++)
		limits[k] = UINT64_MAX;
}

void
limit_usage(FILE *f)
{
	int k, col = 2;

	fprintf(f, "limits (--limit NAME=N, --no-limits), with their defaults:\n ");
	for (k = 0; k < NLIMITS; k++) {
		int n = fprintf(f, " %s=%" PRIu64, names[k], defaults[k]);
		col += n;
		if (col > 64 && k + 1 < NLIMITS) {
			fprintf(f, "\n ");
			col = 2;
		}
	}
	fputc('\n', f);
}

/* "NAME=N" into the limits; 0 if it is not such an argument. */
static int
set(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *end;
	uint64_t v;
	int k;

	if (!eq || eq[1] < '0' || eq[1] > '9')
		return 0;
	errno = 0;
	v = strtoull(eq + 1, &end, 10);
	if (*end || errno)
		return 0;
	for (k = 0; k < NLIMITS; k++) {
		if (strlen(names[k]) == (size_t)(eq - arg) && !memcmp(names[k], arg, (size_t)(eq - arg))) {
			limits[k] = v;
			return 1;
		}
	}
	return 0;
}

int
limit_option(int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;

	if (!strcmp(a, "--no-limits")) {
		limits_lift();
		return 1;
	}
	if (!strcmp(a, "--limit")) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "%s: option --limit needs NAME=N\n", argv0);
			limit_usage(stderr);
			exit(2);
		}
		v = argv[++*i];
	} else if (!strncmp(a, "--limit=", 8)) {
		v = a + 8;
	} else {
		return 0;
	}
	if (!set(v)) {
		fprintf(stderr, "%s: bad limit '%s'\n", argv0, v);
		limit_usage(stderr);
		exit(2);
	}
	return 1;
}

const char *
limit_exceeded(enum limit k, uint64_t n, const char *what, char *buf, size_t size)
{
	if (n <= limits[k])
		return NULL;
	snprintf(buf, size, "%s: %" PRIu64 " is over the limit of %" PRIu64 " (--limit %s=N raises it)",
	         what, n, limits[k], names[k]);
	return buf;
}
