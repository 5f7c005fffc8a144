/*
 * The integrity digest of a compiled module.  wasm-link ends every .so
 * it writes with a trailer of WA_DIGEST_TRAILER bytes:
 *
 *	"WAOTSUM1"  BLAKE2b-256 of every byte of the file before the digest
 *
 * (the magic included).  The dynamic loader reads an ELF file by its
 * headers and ignores bytes after what they describe, so the trailer
 * changes nothing for it; but the loader trusts those headers and the
 * relocations they lead to, and one changed byte in .rela.dyn makes it
 * write wherever the byte points.  So the runtime and wasm-link --check
 * recompute the digest before anything reads the file as ELF: a file
 * damaged after wasm-link wrote it (a bit flipped, a copy cut short, a
 * stray edit) is refused with a message.  The digest guards against
 * damage, not against an attacker, who can recompute it: that is what
 * signatures are for (sign.c).
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "rt.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
init(void)
{
	/* picks the fastest implementations; -1 only without entropy,
	 * which hashing and verifying do not need */
	if (sodium_init() < 0)
		return;
}

void
crypto_ready(void)
{
	pthread_once(&once, init);
}

void
digest_compute(const uint8_t *buf, size_t len, uint8_t out[WA_DIGEST_LEN])
{
	crypto_ready();
	crypto_generichash(out, WA_DIGEST_LEN, buf, len, NULL, 0);
}

/* 1 if buf ends with a trailer (whether or not its digest matches). */
int
digest_present(const uint8_t *buf, size_t len)
{
	return len >= WA_DIGEST_TRAILER &&
	       !memcmp(buf + len - WA_DIGEST_TRAILER, WA_DIGEST_MAGIC, sizeof WA_DIGEST_MAGIC - 1);
}

int
digest_check(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	uint8_t d[WA_DIGEST_LEN];

	if (!digest_present(buf, len)) {
		rt_err(err, errlen, "damaged, or not made by wasm-link: no integrity digest at the end of the file");
		return -1;
	}
	digest_compute(buf, len - WA_DIGEST_LEN, d);
	if (sodium_memcmp(d, buf + len - WA_DIGEST_LEN, WA_DIGEST_LEN)) {
		rt_err(err, errlen, "damaged: the file does not match its integrity digest (changed since wasm-link wrote it)");
		return -1;
	}
	return 0;
}
