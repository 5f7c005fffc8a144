/*
 * The handler of test/wasm-serve.bats: a CGI program that does what
 * PATH_INFO says, to exercise every path of the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int count;                /* must be 1 in every request */

static void
text(void)
{
	printf("Content-Type: text/plain\r\n\r\n");
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static long
query_num(long dflt)
{
	const char *q = getenv("QUERY_STRING");

	return q && *q ? atol(q) : dflt;
}

int
main(void)
{
	const char *p = getenv("PATH_INFO");
	char **e, buf[4096];
	size_t n, total = 0;

	if (!p)
		p = "";
	if (!strcmp(p, "/env")) {
		text();
		for (e = environ; *e; e++)
			printf("%s\n", *e);
	} else if (!strcmp(p, "/echo")) {
		text();
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
			fwrite(buf, 1, n, stdout);
			total += n;
		}
	} else if (!strcmp(p, "/length")) {
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			total += n;
		text();
		printf("%zu\n", total);
	} else if (!strcmp(p, "/trap")) {
		text();
		fflush(stdout);
		__builtin_trap();
	} else if (!strcmp(p, "/divzero")) {
		volatile int z = 0;
		text();
		printf("%ld\n", query_num(7) / z);
	} else if (!strcmp(p, "/loop")) {
		for (;;)
			count++;
	} else if (!strcmp(p, "/alloc")) {
		long mib = query_num(1);
		char *m = malloc((size_t)mib << 20);
		if (!m) {
			printf("Status: 507 Insufficient Storage\r\nContent-Type: text/plain\r\n\r\nno memory for %ld MiB\n", mib);
			return 0;
		}
		memset(m, 1, (size_t)mib << 20);
		text();
		/* the bytes are used, so the allocation is not optimised away */
		printf("allocated %ld MiB (%d)\n", mib, m[((size_t)mib << 20) - 1]);
	} else if (!strcmp(p, "/nohdr")) {
		printf("just a body, no header\n");
	} else if (!strcmp(p, "/badhdr")) {
		printf("Content-Type text/plain\r\n\r\nbody\n");
	} else if (!strcmp(p, "/status")) {
		printf("Status: 201 Made It\r\nContent-Type: text/plain\r\nX-Test: one\r\nX-Test: two\r\n\r\ncreated\n");
	} else if (!strcmp(p, "/redirect")) {
		printf("Location: http://example.org/there\r\n\r\n");
	} else if (!strcmp(p, "/count")) {
		count++;
		text();
		printf("%d\n", count);
	} else if (!strcmp(p, "/sleep")) {
		usleep((useconds_t)query_num(50) * 1000);
		text();
		printf("slept\n");
	} else if (!strcmp(p, "/spin")) {
		double end = now() + (double)query_num(50) / 1000;
		long rounds = 0;
		while (now() < end)
			rounds++;
		text();
		printf("spun %s\n", rounds > 0 ? "yes" : "no");
	} else if (!strcmp(p, "/stderr")) {
		fprintf(stderr, "first line\nsecond line\n");
		text();
		printf("logged\n");
	} else if (!strcmp(p, "/exit3")) {
		text();
		printf("bye\n");
		exit(3);
	} else if (!strcmp(p, "/exit3-nohdr")) {
		exit(3);
	} else if (!strcmp(p, "/big")) {
		long k = query_num(1024), i;
		text();
		for (i = 0; i < k; i++)
			putchar('a' + (int)(i % 26));
	} else if (!strcmp(p, "/file")) {
		FILE *f = fopen("/data/greeting.txt", "r");
		text();
		if (!f) {
			printf("cannot open\n");
			return 0;
		}
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			fwrite(buf, 1, n, stdout);
	} else {
		printf("Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno such test: %s\n", p);
	}
	return 0;
}
