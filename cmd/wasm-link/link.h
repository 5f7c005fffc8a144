#include <elf.h>
#include <stddef.h>

struct elf {
	const unsigned char *buf;
	size_t len;
	const Elf64_Shdr *sh;
	size_t nsh;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strs;      /* .dynstr */
	size_t strslen;
	const Elf64_Dyn *dyn;  /* .dynamic, NULL if none */
	size_t ndyn;
};

int elf_open(struct elf *, const unsigned char *buf, size_t len);
const char *elf_symname(const struct elf *, size_t i);
const unsigned char *elf_symdata(const struct elf *, size_t i);
const char *elf_str(const struct elf *, uint64_t off);

/* check.c */
int check_shared_object(const char *path, int sealed);

/* seal.c: the integrity trailer */
void seal_file(const char *path);
int check_digest(const char *path, const unsigned char *buf, size_t len);
