/*
 * The checks wasm-link makes on what the linker wrote, whatever the
 * linker and its flags: no undefined symbol, no needed library, no
 * text relocation, no constructor or destructor, the contract the only
 * exported symbol, and a contract with the right size, magic and
 * version.  The runtime checks
 * again; this is the early, clear refusal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "diag.h"
#include "link.h"

static const char *file;

static int
refuse(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", argv0, file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* The dynamic section: nothing to load, nothing to patch in text,
 * nothing that runs when the runtime dlopens the module. */
static int
check_dynamic(const struct elf *e)
{
	const char *name;
	size_t i;
	int bad = 0, init = 0;

	for (i = 0; i < e->ndyn && e->dyn[i].d_tag != DT_NULL; i++) {
		switch (e->dyn[i].d_tag) {
		case DT_NEEDED:
			name = elf_str(e, e->dyn[i].d_un.d_val);
			bad = refuse("needs the library %s", name ? name : "(bad name)");
			break;
		case DT_TEXTREL:
			bad = refuse("has text relocations");
			break;
		case DT_INIT: case DT_FINI: case DT_PREINIT_ARRAY:
		case DT_INIT_ARRAY: case DT_FINI_ARRAY:
			init = 1;
			break;
		case DT_FLAGS:
			if (e->dyn[i].d_un.d_val & DF_TEXTREL)
				bad = refuse("has text relocations");
			break;
		}
	}
	if (init)
		bad = refuse("has code that runs when it is loaded or unloaded");
	return bad;
}

static int
check_contract(const struct elf *e, size_t i)
{
	const unsigned char *p = elf_symdata(e, i);
	struct wa_contract c;

	if (e->syms[i].st_size != sizeof c)
		return refuse("%s has size %lu, expected %zu", WA_CONTRACT_SYMBOL,
		              (unsigned long)e->syms[i].st_size, sizeof c);
	if (!p)
		return refuse("%s lies outside the file", WA_CONTRACT_SYMBOL);
	memcpy(&c, p, sizeof c);
	if (c.magic != WA_CONTRACT_MAGIC || c.version != WA_ABI_VERSION || c.size != sizeof c)
		return refuse("contract magic 0x%08x version %u size %u, expected 0x%08x %u %zu",
		              c.magic, c.version, c.size, WA_CONTRACT_MAGIC, WA_ABI_VERSION, sizeof c);
	return 0;
}

/* Every dynamic symbol: defined, and local but for the contract. */
static int
check_symbols(const struct elf *e)
{
	size_t i, contract = 0;
	int bad = 0;

	for (i = 1; i < e->nsyms; i++) {
		const char *name = elf_symname(e, i);
		unsigned bind = ELF64_ST_BIND(e->syms[i].st_info);
		if (!name)
			return refuse("dynamic symbol %zu has a bad name", i);
		if (e->syms[i].st_shndx == SHN_UNDEF)
			bad = refuse("undefined symbol: %s", name);
		else if (!strcmp(name, WA_CONTRACT_SYMBOL))
			contract = i;
		else if (bind == STB_GLOBAL || bind == STB_WEAK)
			bad = refuse("exports %s; only %s may be exported", name, WA_CONTRACT_SYMBOL);
	}
	if (bad)
		return bad;
	if (!contract)
		return refuse("no %s symbol: not a wasm-lower module", WA_CONTRACT_SYMBOL);
	return check_contract(e, contract);
}

/* Returns 0 if the .so is acceptable; otherwise prints why, returns -1.
 * sealed: it must end with a matching integrity trailer (--check); a
 * damaged file goes no further. */
int
check_shared_object(const char *path, int sealed)
{
	size_t len;
	unsigned char *buf = read_file(path, &len);
	struct elf e;
	int bad;

	file = path;
	if (sealed && check_digest(path, buf, len)) {
		free(buf);
		return -1;
	}
	if (elf_open(&e, buf, len) < 0)
		bad = refuse("not an x86-64 ELF shared object with dynamic symbols");
	else
		bad = check_dynamic(&e) | check_symbols(&e);
	free(buf);
	return bad ? -1 : 0;
}
