/* malloc, qsort, strings: the libc a typical guest uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	enum { N = 2000 };
	char **words = malloc(N * sizeof *words);
	unsigned x = 12345;
	size_t total = 0;

	for (int i = 0; i < N; i++) {
		int len = 3 + (x % 9);
		words[i] = malloc(len + 1);
		for (int k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			words[i][k] = 'a' + (x >> 16) % 26;
		}
		words[i][len] = 0;
		total += len;
	}
	qsort(words, N, sizeof *words, cmp);
	printf("%zu letters; first %s, middle %s, last %s\n", total, words[0], words[N / 2], words[N - 1]);
	char buf[64];
	snprintf(buf, sizeof buf, "%s-%s", words[1], words[2]);
	printf("joined %s (%zu)\n", buf, strlen(buf));
	for (int i = 0; i < N; i++)
		free(words[i]);
	free(words);
	return 0;
}
