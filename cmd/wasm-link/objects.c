/*
 * The objects wasm-link joins must be compiled for one CPU: only the
 * partition with the contract records the CPU's features there, so a
 * partition compiled for more features would use what the contract does
 * not promise.  wasm-codegen writes the CPU into a section .wasm_aot.cpu
 * of every object (the features as a 64-bit number, then the CPU's
 * name); the linker drops the section (--gc-sections).  Objects without
 * it (or that are not ELF) are left to the linker.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "link.h"

#define CPU_SECTION ".wasm_aot.cpu"

/* The .wasm_aot.cpu bytes of the relocatable object in buf, NULL if
 * none; *len its size. */
static const unsigned char *
cpu_section(const unsigned char *buf, size_t size, size_t *len)
{
	const Elf64_Ehdr *eh = (const void *)buf;
	const Elf64_Shdr *sh, *names;
	size_t i;

	if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_REL ||
	    eh->e_shentsize != sizeof *sh || eh->e_shoff > size ||
	    (uint64_t)eh->e_shnum * sizeof *sh > size - eh->e_shoff || eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const void *)(buf + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	if (names->sh_offset > size || names->sh_size > size - names->sh_offset)
		return NULL;
	for (i = 0; i < eh->e_shnum; i++) {
		uint64_t off = sh[i].sh_name;
		if (off >= names->sh_size || names->sh_size - off < sizeof CPU_SECTION ||
		    memcmp(buf + names->sh_offset + off, CPU_SECTION, sizeof CPU_SECTION))
			continue;
		if (sh[i].sh_type != SHT_PROGBITS || sh[i].sh_offset > size ||
		    sh[i].sh_size > size - sh[i].sh_offset || sh[i].sh_size < 9)
			return NULL;
		*len = sh[i].sh_size;
		return buf + sh[i].sh_offset;
	}
	return NULL;
}

/* Refuse objects compiled for different CPUs, naming two of them. */
void
check_objects(char **objs, int n)
{
	unsigned char *first = NULL, *buf;
	const unsigned char *s;
	const char *firstname = NULL;
	size_t size, len, firstlen = 0;
	int i;

	for (i = 0; i < n; i++) {
		buf = read_file(objs[i], &size);
		if (!(s = cpu_section(buf, size, &len)) || !memchr(s + 8, 0, len - 8)) {
			free(buf);
			continue;
		}
		if (!first) {
			first = xmalloc(len);
			memcpy(first, s, firstlen = len);
			firstname = objs[i];
		} else if (len != firstlen || memcmp(s, first, len)) {
			fatal("%s is compiled for CPU %s, %s for %s: compile every part with the same "
			      "--target-cpu", firstname, (const char *)first + 8, objs[i], (const char *)s + 8);
		}
		free(buf);
	}
	free(first);
}
