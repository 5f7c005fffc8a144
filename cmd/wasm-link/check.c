/*
 * The checks wasm-link makes on what the linker wrote: no undefined
 * symbol, and a contract with the right size, magic and version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "diag.h"
#include "link.h"

/* Returns 0 if the .so is acceptable; otherwise prints why, returns -1. */
int
check_shared_object(const char *path)
{
	size_t len, i, undefined = 0;
	unsigned char *buf = read_file(path, &len);
	const struct wa_contract *c = NULL;
	struct elf e;
	int found = 0, ok = 0;

	if (elf_open(&e, buf, len) < 0) {
		fprintf(stderr, "%s: %s: not an x86-64 ELF shared object with dynamic symbols\n", argv0, path);
		goto out;
	}
	for (i = 1; i < e.nsyms; i++) {
		const char *name = elf_symname(&e, i);
		if (!name) {
			fprintf(stderr, "%s: %s: symbol %zu has a bad name\n", argv0, path, i);
			goto out;
		}
		if (e.syms[i].st_shndx == SHN_UNDEF) {
			fprintf(stderr, "%s: %s: undefined symbol: %s\n", argv0, path, name);
			undefined++;
		} else if (!strcmp(name, WA_CONTRACT_SYMBOL)) {
			found = 1;
			if (e.syms[i].st_size != sizeof *c) {
				fprintf(stderr, "%s: %s: %s has size %lu, expected %zu\n", argv0, path,
				        name, (unsigned long)e.syms[i].st_size, sizeof *c);
				goto out;
			}
			c = (const void *)elf_symdata(&e, i);
		}
	}
	if (undefined)
		goto out;
	if (!found) {
		fprintf(stderr, "%s: %s: no %s symbol: not a wasm-lower module\n", argv0, path, WA_CONTRACT_SYMBOL);
		goto out;
	}
	if (!c) {
		fprintf(stderr, "%s: %s: %s lies outside the file\n", argv0, path, WA_CONTRACT_SYMBOL);
		goto out;
	}
	{
		struct wa_contract copy;
		memcpy(&copy, c, sizeof copy);
		if (copy.magic != WA_CONTRACT_MAGIC || copy.version != WA_ABI_VERSION ||
		    copy.size != sizeof copy) {
			fprintf(stderr, "%s: %s: contract magic 0x%08x version %u size %u, expected 0x%08x %u %zu\n",
			        argv0, path, copy.magic, copy.version, copy.size, WA_CONTRACT_MAGIC,
			        WA_ABI_VERSION, sizeof copy);
			goto out;
		}
	}
	ok = 1;
out:
	free(buf);
	return ok ? 0 : -1;
}
