/*
 * Run many times in one process (wasm-run --repeat): each instance
 * opens files and leaves them open, and renumbers one onto standard
 * input; the next instance must find its standard input as it was and
 * get the same descriptor numbers again.
 */
#include <fcntl.h>
#include <unistd.h>

#include "rawwasi.h"

int
main(void)
{
	uint8_t st[24];
	int a = open("in.txt", O_RDONLY), b = open("in.txt", O_RDONLY);

	raw_fd_fdstat_get(0, st);
	printf("stdin's file type before: %d; opened %d %d", st[0], a, b);
	printf("; renumber onto stdin: %s", errname(raw_fd_renumber(b, 0)));
	raw_fd_fdstat_get(0, st);
	printf("; its type now: %d\n", st[0]);
	return a < 0 || b < 0;
}
