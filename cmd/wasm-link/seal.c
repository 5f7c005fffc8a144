/*
 * The integrity trailer (contract.h, wasm-contract(5)): wasm-link ends
 * every module it writes with the magic and the BLAKE2b-256 digest of
 * every byte before the digest, which the runtime checks before the
 * dynamic loader reads the file; --check checks it too.  The digest
 * code is the runtime's (lib/rt/digest.c), so both sides agree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "link.h"
#include "rt/rt.h"

/* Append the trailer to path, replacing one that is there. */
void
seal_file(const char *path)
{
	size_t len;
	unsigned char *buf = read_file(path, &len), *t;
	int fd;

	if (digest_present(buf, len))
		len -= WA_DIGEST_TRAILER;
	buf = xrealloc(buf, len + WA_DIGEST_TRAILER);
	t = buf + len;
	memcpy(t, WA_DIGEST_MAGIC, sizeof WA_DIGEST_MAGIC - 1);
	digest_compute(buf, len + sizeof WA_DIGEST_MAGIC - 1, t + sizeof WA_DIGEST_MAGIC - 1);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		fatal_errno("%s", path);
	if (pwrite(fd, t, WA_DIGEST_TRAILER, (off_t)len) != WA_DIGEST_TRAILER ||
	    ftruncate(fd, (off_t)(len + WA_DIGEST_TRAILER)) || close(fd))
		fatal_errno("%s", path);
	free(buf);
}

/* 0 if buf ends with a matching trailer; else says why, -1. */
int
check_digest(const char *path, const unsigned char *buf, size_t len)
{
	char err[256];

	if (!digest_check(buf, len, err, sizeof err))
		return 0;
	fprintf(stderr, "%s: %s: %s\n", argv0, path, err);
	return -1;
}
