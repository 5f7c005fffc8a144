/* A guest for the capture test: its arguments, REQUEST from the
 * environment, then standard input, each on a line of its own. */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	const char *r = getenv("REQUEST");
	char buf[256];
	size_t n;
	int i;

	for (i = 0; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	printf("REQUEST=%s\n", r ? r : "(unset)");
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		fwrite(buf, 1, n, stdout);
	fprintf(stderr, "to stderr\n");
	return 0;
}
