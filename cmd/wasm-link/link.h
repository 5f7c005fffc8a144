#include <elf.h>
#include <stddef.h>

struct elf {
	const unsigned char *buf;
	size_t len;
	const Elf64_Shdr *sh;
	size_t nsh;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strs;
	size_t strslen;
};

int elf_open(struct elf *, const unsigned char *buf, size_t len);
const char *elf_symname(const struct elf *, size_t i);
const unsigned char *elf_symdata(const struct elf *, size_t i);

/* check.c */
int check_shared_object(const char *path);
