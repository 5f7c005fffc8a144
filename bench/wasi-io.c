/*
 * The WASI benchmark's program (bench/wasi.py), built natively and for
 * wasm32-wasi from this one source:
 *	wasi-io read FILE         read FILE in 64 KiB chunks; print bytes, sum
 *	wasi-io walk DIR          walk DIR (opendir, readdir, stat); print
 *	                          files, directories, bytes
 * Each prints, last, the seconds its work took ("time S"), which the
 * benchmark reads beside the whole process's time.
 *	wasi-io open N FILE       open FILE N times and leave it open
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned long files, dirs;
static unsigned long long bytes;

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
readfile(const char *path)
{
	static unsigned char buf[64 << 10];
	unsigned long long total = 0;
	unsigned sum = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return perror(path), 1;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		total += (unsigned long long)n;
		sum += buf[0] + buf[n - 1];
	}
	close(fd);
	printf("%llu bytes, sum %u\n", total, sum);
	return n < 0;
}

static void
walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[4096];

	if (!d)
		return;
	dirs++;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path);
		} else {
			files++;
			bytes += (unsigned long long)st.st_size;
		}
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	double t0 = now();
	int r;

	if (argc == 3 && !strcmp(argv[1], "read")) {
		r = readfile(argv[2]);
		printf("time %.6f\n", now() - t0);
		return r;
	}
	if (argc == 3 && !strcmp(argv[1], "walk")) {
		walk(argv[2]);
		printf("%lu files, %lu directories, %llu bytes\n", files, dirs, bytes);
		printf("time %.6f\n", now() - t0);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "open")) {
		for (int i = atoi(argv[2]); i > 0; i--)
			if (open(argv[3], O_RDONLY) < 0)
				return perror(argv[3]), 1;
		return 0;
	}
	fprintf(stderr, "usage: wasi-io read FILE | walk DIR | open N FILE\n");
	return 2;
}
