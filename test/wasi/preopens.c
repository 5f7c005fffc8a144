/* The preopens, in order from fd 3, as fd_prestat_get and
 * fd_prestat_dir_name give them; then a file read through each guest
 * path given as an argument (wasi-libc maps it to its preopen). */
#include <stdlib.h>

#include "rawwasi.h"

int
main(int argc, char **argv)
{
	uint8_t pre[8];
	char name[256];
	uint32_t len;
	int32_t fd, e;
	int i;

	for (fd = 3; !(e = raw_fd_prestat_get(fd, pre)); fd++) {
		memcpy(&len, pre + 4, 4);
		if (len >= sizeof name || raw_fd_prestat_dir_name(fd, name, (int32_t)len))
			return 1;
		printf("fd %d: %.*s\n", fd, (int)len, name);
		if (len > 0)
			printf("  name into a buffer one byte short: %s\n", errname(raw_fd_prestat_dir_name(fd, name, (int32_t)len - 1)));
	}
	printf("fd %d: %s\n", fd, errname(e));
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		char line[128] = "";
		if (f && fgets(line, sizeof line, f))
			printf("%s: %s", argv[i], line);
		else
			printf("%s: cannot read\n", argv[i]);
		if (f)
			fclose(f);
	}
	return 0;
}
