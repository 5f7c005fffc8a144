/* Arguments, environment, exit status. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	const char *v = getenv("WA_TEST_VAR");
	printf("WA_TEST_VAR=%s\n", v ? v : "(unset)");
	fflush(stdout);
	return argc > 3 ? 3 : 0;
}
