/*
 * A look at the file before dlopen: the dynamic loader trusts an ELF
 * file's headers, so a truncated .so maps segments past the end of the
 * file and the process dies of SIGBUS inside dlopen.  Checking that the
 * headers describe an x86-64 shared object whose loadable segments lie
 * inside the file turns that into a message.  (The integrity digest,
 * digest.c, is checked first; this also catches a file someone sealed
 * by hand.)
 */
#include <elf.h>
#include <string.h>

#include "rt.h"

/* Program headers we read at most; a compiled module has a handful. */
#define MAX_PHDRS 64

static int
check_phdrs(const uint8_t *buf, const Elf64_Ehdr *eh, uint64_t size, char *err, size_t errlen)
{
	Elf64_Phdr ph[MAX_PHDRS];
	int i, nload = 0;

	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS ||
	    eh->e_phoff > size || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff) {
		rt_err(err, errlen, "damaged ELF file: bad program headers");
		return -1;
	}
	memcpy(ph, buf + eh->e_phoff, eh->e_phnum * sizeof(Elf64_Phdr)); /* unaligned in a hostile file */
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD && ph[i].p_type != PT_DYNAMIC)
			continue;
		nload += ph[i].p_type == PT_LOAD;
		if (ph[i].p_offset > size || ph[i].p_filesz > size - ph[i].p_offset) {
			rt_err(err, errlen, "damaged ELF file: segment %d lies past the end of the file (truncated?)", i);
			return -1;
		}
	}
	if (!nload) {
		rt_err(err, errlen, "damaged ELF file: nothing to load");
		return -1;
	}
	return 0;
}

int
elf_precheck(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	Elf64_Ehdr eh;

	if (len < sizeof eh || memcmp(buf, ELFMAG, SELFMAG)) {
		rt_err(err, errlen, "not an ELF shared object");
		return -1;
	}
	memcpy(&eh, buf, sizeof eh);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		rt_err(err, errlen, "not an x86-64 ELF file");
	else if (eh.e_type != ET_DYN)
		rt_err(err, errlen, "not a shared object");
	else
		return check_phdrs(buf, &eh, len, err, errlen);
	return -1;
}
