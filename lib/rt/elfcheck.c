/*
 * A look at the file before dlopen: the dynamic loader trusts an ELF
 * file's headers, so a truncated .so maps segments past the end of the
 * file and the process dies of SIGBUS inside dlopen.  Checking that the
 * headers describe an x86-64 shared object whose loadable segments lie
 * inside the file turns that into a message.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

/* Program headers we read at most; a compiled module has a handful. */
#define MAX_PHDRS 64

static int
read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t got = pread(fd, buf, n, off);

	return got == (ssize_t)n ? 0 : -1;
}

static int
check_phdrs(int fd, const Elf64_Ehdr *eh, uint64_t size, char *err, size_t errlen)
{
	Elf64_Phdr ph[MAX_PHDRS];
	int i, nload = 0;

	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS ||
	    eh->e_phoff > size || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff ||
	    read_at(fd, ph, eh->e_phnum * sizeof(Elf64_Phdr), (off_t)eh->e_phoff)) {
		rt_err(err, errlen, "damaged ELF file: bad program headers");
		return -1;
	}
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
elf_precheck(const char *path, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	struct stat st;
	int fd, r = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rt_err(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || read_at(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		rt_err(err, errlen, "not an ELF shared object");
	else if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		rt_err(err, errlen, "not an x86-64 ELF file");
	else if (eh.e_type != ET_DYN)
		rt_err(err, errlen, "not a shared object");
	else
		r = check_phdrs(fd, &eh, (uint64_t)st.st_size, err, errlen);
	close(fd);
	return r;
}
