/*
 * Just enough ELF64 to check a shared object we produced: its dynamic
 * symbols, and the bytes of one symbol.  Every offset is checked
 * against the file size.
 */
#include <elf.h>
#include <string.h>

#include "link.h"

static int
in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->len && len <= e->len - off;
}

/* 0 if the file is an x86-64 ELF64 shared object with a symbol table. */
int
elf_open(struct elf *e, const unsigned char *buf, size_t len)
{
	const Elf64_Ehdr *eh = (const void *)buf;
	const Elf64_Shdr *sh;
	unsigned i;

	memset(e, 0, sizeof *e);
	e->buf = buf;
	e->len = len;
	if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return -1;
	if (eh->e_type != ET_DYN || eh->e_machine != EM_X86_64 ||
	    eh->e_shentsize != sizeof *sh || !in_file(e, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof *sh))
		return -1;
	sh = (const void *)(buf + eh->e_shoff);
	e->sh = sh;
	e->nsh = eh->e_shnum;
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_DYNAMIC) {
			if (sh[i].sh_entsize != sizeof(Elf64_Dyn) ||
			    !in_file(e, sh[i].sh_offset, sh[i].sh_size))
				return -1;
			e->dyn = (const void *)(buf + sh[i].sh_offset);
			e->ndyn = sh[i].sh_size / sizeof(Elf64_Dyn);
		}
		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		if (sh[i].sh_entsize != sizeof(Elf64_Sym) || sh[i].sh_link >= eh->e_shnum ||
		    !in_file(e, sh[i].sh_offset, sh[i].sh_size) ||
		    !in_file(e, sh[sh[i].sh_link].sh_offset, sh[sh[i].sh_link].sh_size))
			return -1;
		e->syms = (const void *)(buf + sh[i].sh_offset);
		e->nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
		e->strs = (const char *)buf + sh[sh[i].sh_link].sh_offset;
		e->strslen = sh[sh[i].sh_link].sh_size;
	}
	return e->syms ? 0 : -1;
}

/* A string of .dynstr, NULL if it is not inside it. */
const char *
elf_str(const struct elf *e, uint64_t off)
{
	if (off >= e->strslen || !memchr(e->strs + off, 0, e->strslen - off))
		return NULL;
	return e->strs + off;
}

const char *
elf_symname(const struct elf *e, size_t i)
{
	return elf_str(e, e->syms[i].st_name);
}

/* The file bytes behind a defined symbol, NULL if not in the file. */
const unsigned char *
elf_symdata(const struct elf *e, size_t i)
{
	const Elf64_Sym *s = &e->syms[i];
	const Elf64_Shdr *sh;

	if (s->st_shndx == SHN_UNDEF || s->st_shndx >= e->nsh)
		return NULL;
	sh = &e->sh[s->st_shndx];
	if (sh->sh_type == SHT_NOBITS || s->st_value < sh->sh_addr ||
	    s->st_size > sh->sh_size || s->st_value - sh->sh_addr > sh->sh_size - s->st_size)
		return NULL;
	if (!in_file(e, sh->sh_offset + (s->st_value - sh->sh_addr), s->st_size))
		return NULL;
	return e->buf + sh->sh_offset + (s->st_value - sh->sh_addr);
}
