/*
 * Signed modules, in minisign's format: a compiled module is native
 * code the host will run, so a host that loads modules it did not
 * compile itself can insist that each carries a signature by a key it
 * trusts (`minisign -Sm app.so` writes app.so.minisig).  Ed25519 and
 * BLAKE2b are libsodium's.
 *
 * A public key (.pub) is an untrusted comment line, then base64 of
 * "Ed", an 8-byte key id and the 32-byte public key.  A signature
 * (.minisig) is an untrusted comment line; base64 of "ED" (the file
 * prehashed with BLAKE2b-512, minisign's default) or "Ed" (the file
 * itself, legacy), the key id and the 64-byte signature; a line
 * "trusted comment: TEXT"; and base64 of the 64-byte signature of
 * signature || TEXT.  Both signatures must verify, as minisign -V has
 * it.  Every line and length is checked; nothing here trusts the files.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define KEYID_LEN 8
#define UNTRUSTED "untrusted comment: "
#define TRUSTED "trusted comment: "
/* What a signature file may hold: minisign's own limit on the trusted
 * comment is 8 KiB. */
#define MAX_SIGFILE (64u << 10)

struct key {
	uint8_t id[KEYID_LEN];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

struct wa_keys {
	struct key *v;
	size_t n;
};

/* The key id as minisign prints it: a little-endian 64-bit number in
 * hexadecimal, without leading zeros (its "%" PRIX64). */
static void
keyid_hex(const uint8_t id[KEYID_LEN], char out[2 * KEYID_LEN + 1])
{
	char full[2 * KEYID_LEN + 1];
	int i;

	for (i = 0; i < KEYID_LEN; i++)
		snprintf(full + 2 * i, 3, "%02X", id[KEYID_LEN - 1 - i]);
	for (i = 0; i < 2 * KEYID_LEN - 1 && full[i] == '0'; i++)
		;
	memcpy(out, full + i, sizeof full - (size_t)i);
}

/* The next line of [*p, end): its start and length (no newline, no
 * CR); NULL at the end. */
static const char *
line(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*p = nl ? nl + 1 : end;
	*len = (size_t)((nl ? nl : end) - s);
	if (*len && s[*len - 1] == '\r')
		(*len)--;
	return s;
}

/* base64 of exactly n bytes, else -1. */
static int
unbase64(const char *s, size_t len, uint8_t *out, size_t n)
{
	size_t got;
	const char *end;

	if (sodium_base642bin(out, n, s, len, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) ||
	    end != s + len || got != n)
		return -1;
	return 0;
}

struct wa_keys *
wa_keys_new(void)
{
	crypto_ready();
	return calloc(1, sizeof(struct wa_keys));
}

void
wa_keys_free(struct wa_keys *k)
{
	if (k)
		free(k->v);
	free(k);
}

int
wa_keys_add(struct wa_keys *k, const char *text, char *err, size_t errlen)
{
	const char *p = text, *end = text + strlen(text), *s;
	uint8_t raw[2 + KEYID_LEN + crypto_sign_PUBLICKEYBYTES];
	struct key *v;
	size_t len;

	/* the key line: the first that is not a comment */
	while ((s = line(&p, end, &len)) && (!len || (len >= sizeof UNTRUSTED - 1 &&
	       !memcmp(s, UNTRUSTED, sizeof UNTRUSTED - 1))))
		;
	if (!s || unbase64(s, len, raw, sizeof raw) || memcmp(raw, "Ed", 2)) {
		rt_err(err, errlen, "not a minisign public key");
		return -1;
	}
	if (!(v = realloc(k->v, (k->n + 1) * sizeof *v))) {
		rt_err(err, errlen, "out of memory");
		return -1;
	}
	k->v = v;
	memcpy(v[k->n].id, raw + 2, KEYID_LEN);
	memcpy(v[k->n].pk, raw + 2 + KEYID_LEN, sizeof v->pk);
	k->n++;
	return 0;
}

/* A small text file, NUL-terminated; NULL (and why) if it cannot be
 * read or is larger than max. */
char *
read_small_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		rt_err(err, errlen, "cannot open: %m");
		return NULL;
	}
	if (!(buf = malloc(max + 1))) {
		fclose(f);
		rt_err(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		if (n > max)
			rt_err(err, errlen, "larger than %zu bytes", max);
		else
			rt_err(err, errlen, "cannot read: %m");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

int
wa_keys_add_file(struct wa_keys *k, const char *path, char *err, size_t errlen)
{
	char e[128], *text;
	size_t len;
	int r;

	if (!(text = read_small_file(path, 4096, &len, e, sizeof e))) {
		rt_err(err, errlen, "%s: %s", path, e);
		return -1;
	}
	/* a NUL inside would hide the rest from the parser */
	if (strlen(text) != len)
		r = -1, snprintf(e, sizeof e, "not a minisign public key");
	else
		r = wa_keys_add(k, text, e, sizeof e);
	if (r)
		rt_err(err, errlen, "%s: %s", path, e);
	free(text);
	return r;
}

/* The parts of a .minisig file. */
struct sig {
	uint8_t raw[2 + KEYID_LEN + crypto_sign_BYTES];   /* algorithm, key id, signature */
	const char *comment;                               /* the trusted comment's text */
	size_t commentlen;
	uint8_t global[crypto_sign_BYTES];                 /* of signature || comment */
};

static int
minisig_parse(struct sig *S, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *s;
	size_t n;

	if (!(s = line(&p, end, &n)) || n < sizeof UNTRUSTED - 1 || memcmp(s, UNTRUSTED, sizeof UNTRUSTED - 1))
		return -1;
	if (!(s = line(&p, end, &n)) || unbase64(s, n, S->raw, sizeof S->raw) ||
	    (memcmp(S->raw, "ED", 2) && memcmp(S->raw, "Ed", 2)))
		return -1;
	if (!(s = line(&p, end, &n)) || n < sizeof TRUSTED - 1 || memcmp(s, TRUSTED, sizeof TRUSTED - 1))
		return -1;
	S->comment = s + sizeof TRUSTED - 1;
	S->commentlen = n - (sizeof TRUSTED - 1);
	if (!(s = line(&p, end, &n)) || unbase64(s, n, S->global, sizeof S->global))
		return -1;
	return 0;
}

static const struct key *
find_key(const struct wa_keys *k, const uint8_t id[KEYID_LEN])
{
	size_t i;

	for (i = 0; k && i < k->n; i++)
		if (!memcmp(k->v[i].id, id, KEYID_LEN))
			return &k->v[i];
	return NULL;
}

/* Both signatures of S by key, over buf. */
static int
verify(const struct sig *S, const struct key *key, const uint8_t *buf, size_t len)
{
	const uint8_t *sig = S->raw + 2 + KEYID_LEN;
	uint8_t h[crypto_generichash_BYTES_MAX], *m;
	int r;

	if (S->raw[1] == 'D') {
		crypto_generichash(h, sizeof h, buf, len, NULL, 0);
		r = crypto_sign_verify_detached(sig, h, sizeof h, key->pk);
	} else {
		r = crypto_sign_verify_detached(sig, buf, len, key->pk);
	}
	if (r)
		return -1;
	/* the trusted comment is signed with the signature */
	if (!(m = malloc(crypto_sign_BYTES + S->commentlen)))
		return -2;
	memcpy(m, sig, crypto_sign_BYTES);
	memcpy(m + crypto_sign_BYTES, S->comment, S->commentlen);
	r = crypto_sign_verify_detached(S->global, m, crypto_sign_BYTES + S->commentlen, key->pk);
	free(m);
	return r ? -3 : 0;
}

int
sig_check(const struct wa_keys *keys, const uint8_t *buf, size_t len, const char *text, size_t textlen,
          const char *sigpath, char *err, size_t errlen)
{
	const struct key *key;
	char hex[2 * KEYID_LEN + 1];
	struct sig S;

	crypto_ready();
	if (minisig_parse(&S, text, textlen)) {
		rt_err(err, errlen, "%s: not a minisign signature", sigpath);
		return -1;
	}
	if (!(key = find_key(keys, S.raw + 2))) {
		keyid_hex(S.raw + 2, hex);
		rt_err(err, errlen, "signed by key %s, which is not trusted", hex);
		return -1;
	}
	switch (verify(&S, key, buf, len)) {
	case 0:
		return 0;
	case -2:
		rt_err(err, errlen, "out of memory");
		return -1;
	case -3:
		rt_err(err, errlen, "%s: the trusted comment does not match its signature", sigpath);
		return -1;
	default:
		rt_err(err, errlen, "the signature does not match the file (changed since it was signed)");
		return -1;
	}
}
