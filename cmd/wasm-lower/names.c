/*
 * Symbol names of the defined functions.  The name section may hold
 * anything: the names of LLVM intrinsics (llvm.trap), of the contract
 * (wasm_aot_contract), of the C functions the generated code calls
 * (memcpy, fmodf, the builtins), empty names, duplicates, any byte.
 * So every guest name goes under the prefix "wasm:", which no C
 * identifier, no LLVM name and none of our own names (wasm_func_N,
 * wasm_tramp_T, wasm_import_adapter_N) can begin with:
 *
 *   wasm:NAME          the name is unique, short, and every byte of it
 *                      prints as itself (UTF-8 included)
 *   wasm:ESCAPED#N     otherwise: bytes that would not print or would
 *                      confuse a reader (blanks, controls, '#', '%',
 *                      quotes, backslash, broken UTF-8) as %HH, cut to
 *                      MAX_SYMBOL_NAME bytes, made unique by the index N
 *   wasm_func_N        no name
 *
 * The two named forms cannot meet: only the second holds a '#'.  The
 * runtime's trap messages use the raw name from the contract, not this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "lower.h"

/* Longer names are cut (with the #N suffix): perf and gdb show the
 * head, and a hostile 1 MB name should not become a 1 MB symbol. */
enum { MAX_SYMBOL_NAME = 256 };

static uint32_t
hash(const char *s, uint32_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Whether byte c of a name prints as itself in a symbol. */
static int
plain_byte(unsigned char c, int utf8)
{
	if (c >= 0x80)
		return utf8;
	return c > ' ' && c < 0x7f && c != '#' && c != '%' && c != '"' && c != '\\';
}

static int
plain_name(const char *s, uint32_t len)
{
	int utf8 = utf8_valid((const uint8_t *)s, len);
	uint32_t i;

	if (len == 0 || len > MAX_SYMBOL_NAME)
		return 0;
	for (i = 0; i < len; i++)
		if (!plain_byte((unsigned char)s[i], utf8))
			return 0;
	return 1;
}

/* dup[i]: defined function i shares its name with another defined
 * function (a hash set over the names: linear in their number). */
static uint8_t *
duplicates(const struct module *m)
{
	uint8_t *dup = xcalloc(m->nfuncs + 1, 1);
	uint32_t nslots = 16, mask, i, h, *slots;

	while (nslots < 2 * (uint64_t)m->nfuncs)
		nslots *= 2;
	mask = nslots - 1;
	slots = xcalloc(nslots, sizeof *slots);
	for (i = 0; i < m->nfuncs; i++) {
		uint32_t len, olen;
		const char *name = mod_funcname(m, m->nfuncs_imported + i, &len), *other;
		if (!name)
			continue;
		for (h = hash(name, len) & mask; slots[h]; h = (h + 1) & mask) {
			other = mod_funcname(m, m->nfuncs_imported + slots[h] - 1, &olen);
			if (olen == len && !memcmp(other, name, len)) {
				dup[i] = dup[slots[h] - 1] = 1;
				break;
			}
		}
		if (!slots[h])
			slots[h] = i + 1;
	}
	free(slots);
	return dup;
}

/* "wasm:" + the name, %-escaped and cut, + "#INDEX", into buf. */
static void
escaped(char *buf, const char *s, uint32_t len, uint32_t idx)
{
	static const char hex[] = "0123456789abcdef";
	int utf8 = utf8_valid((const uint8_t *)s, len);
	char *p = buf + sprintf(buf, "wasm:");
	uint32_t i;

	for (i = 0; i < len && p - buf < 5 + MAX_SYMBOL_NAME; i++) {
		unsigned char c = (unsigned char)s[i];
		if (plain_byte(c, utf8)) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	sprintf(p, "#%u", idx);
}

/* LLVM renames a symbol that is taken ("x" becomes "x.1"): by the
 * scheme above that cannot happen, and it would be a bug if it did. */
void
set_symbol(LLVMValueRef v, const char *name)
{
	size_t n = strlen(name), got;
	const char *s;

	LLVMSetValueName2(v, name, n);
	s = LLVMGetValueName2(v, &got);
	if (got != n || memcmp(s, name, n))
		die("symbol %s taken (given %.*s)", name, (int)got, s);
}

void
name_functions(struct lower *L)
{
	const struct module *m = L->m;
	uint8_t *dup = duplicates(m);
	/* prefix, the name at 3 bytes a byte at most, '#', an index, NUL */
	char *buf = xmalloc(5 + MAX_SYMBOL_NAME + 3 + 12 + 1);
	uint32_t i, len;

	for (i = 0; i < m->nfuncs; i++) {
		uint32_t idx = m->nfuncs_imported + i;
		const char *name = mod_funcname(m, idx, &len);
		if (!name)
			sprintf(buf, "wasm_func_%u", idx);
		else if (!dup[i] && plain_name(name, len))
			sprintf(buf, "wasm:%.*s", (int)len, name);
		else
			escaped(buf, name, len, idx);
		set_symbol(L->funcs[i], buf);
	}
	free(buf);
	free(dup);
}
