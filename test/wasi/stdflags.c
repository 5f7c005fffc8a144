/*
 * The host's stdout, whose fdstat the runtime keeps from the start:
 * fd_fdstat_get (fcntl F_GETFL, isatty) must still see what
 * fd_fdstat_set_flags (fcntl F_SETFL) changed, in this instance and,
 * since the host's descriptor itself changed, in the next.  Prints to
 * stderr: stdout is the file under test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	int fl = fcntl(1, F_GETFL);

	fprintf(stderr, "append before: %d; tty: %d\n", !!(fl & O_APPEND), isatty(1));
	if (fcntl(1, F_SETFL, fl | O_APPEND))
		perror("F_SETFL");
	fprintf(stderr, "append after: %d\n", !!(fcntl(1, F_GETFL) & O_APPEND));
	return 0;
}
