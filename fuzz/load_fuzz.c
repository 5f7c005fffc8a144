/*
 * libFuzzer target for the .so loader of the runtime: the checks a
 * module file goes through before and after the dynamic loader.
 *
 * An input is a module file (a compiled .so, mutated).  It goes
 * through what wa_module_load does before dlopen: the ELF precheck and
 * the integrity digest.  Damage is what those catch, so a mutated file
 * never reaches dlopen in the runtime; to fuzz the contract reader
 * behind them anyway, the target then loads the file itself, as the
 * dynamic loader would but in plain memory and with every offset
 * checked: PT_LOAD segments copied to their addresses in one buffer,
 * R_X86_64_RELATIVE, _64, _GLOB_DAT and _JUMP_SLOT relocations
 * applied, the contract symbol found in .dynsym.  That contract goes
 * to the runtime's validator (module_from_contract, what wa_module_load
 * runs on a dlopen'ed object) and, if it passes, is instantiated (data
 * and element segments, globals, tables, imports against WASI) and
 * freed; nothing of the module's code runs.
 *
 * An input that starts with "untrusted comment:" is a minisign
 * signature instead, checked against a fixed key and message: the
 * signature parser (sign.c) is fuzzed by the same target.
 *
 * Anything but a clean refusal or a clean instantiation (a crash, a
 * sanitizer report, a leak) is a finding.
 *
 * corpus: load
 * fuzz-options: -rss_limit_mb=4096
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rt/rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The image a module may need: larger inputs are refused like a file
 * that does not fit in memory. */
#define MAX_IMAGE (64u << 20)
#define MAX_SEGS 16

struct image {
	uint8_t *base;               /* the address vaddr 0 maps to */
	uint8_t *mem;
	uint64_t lo, hi;             /* vaddr span */
	struct seg seg[MAX_SEGS];
	int nseg;
	const Elf64_Ehdr *eh;
};

/* [v, v+n) of vaddrs inside the image: its address, else NULL. */
static uint8_t *
at(struct image *im, uint64_t v, uint64_t n)
{
	if (v < im->lo || v > im->hi || n > im->hi - v)
		return NULL;
	return im->base + v;
}

static int
map_segments(struct image *im, const uint8_t *d, size_t size)
{
	Elf64_Phdr ph;
	uint64_t lo = UINT64_MAX, hi = 0;
	int i, pass;

	/* two passes: the span, then the copies */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < im->eh->e_phnum; i++) {
			memcpy(&ph, d + im->eh->e_phoff + (size_t)i * sizeof ph, sizeof ph);
			if (ph.p_type != PT_LOAD)
				continue;
			if (ph.p_filesz > ph.p_memsz || ph.p_memsz > MAX_IMAGE || ph.p_vaddr > MAX_IMAGE ||
			    ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
				return -1;
			if (!pass) {
				lo = ph.p_vaddr < lo ? ph.p_vaddr : lo;
				hi = ph.p_vaddr + ph.p_memsz > hi ? ph.p_vaddr + ph.p_memsz : hi;
				continue;
			}
			if (im->nseg == MAX_SEGS)
				return -1;
			memcpy(im->base + ph.p_vaddr, d + ph.p_offset, ph.p_filesz);
			if (ph.p_flags & PF_R)
				im->seg[im->nseg++] = (struct seg){(uintptr_t)(im->base + ph.p_vaddr),
				                                   (uintptr_t)(im->base + ph.p_vaddr + ph.p_memsz),
				                                   !!(ph.p_flags & PF_X)};
		}
		if (!pass) {
			if (lo >= hi || hi - lo > MAX_IMAGE)
				return -1;
			im->mem = mmap(NULL, hi - lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (im->mem == MAP_FAILED)
				return im->mem = NULL, -1;
			im->base = im->mem - lo;
			im->lo = lo, im->hi = hi;
		}
	}
	return 0;
}

/* The section header of type t (the first), else NULL. */
static const Elf64_Shdr *
section(const uint8_t *d, size_t size, const Elf64_Ehdr *eh, uint32_t t, Elf64_Shdr *out)
{
	uint32_t i;

	if (eh->e_shentsize != sizeof *out || eh->e_shoff > size ||
	    (uint64_t)eh->e_shnum * sizeof *out > size - eh->e_shoff)
		return NULL;
	for (i = 0; i < eh->e_shnum; i++) {
		memcpy(out, d + eh->e_shoff + (size_t)i * sizeof *out, sizeof *out);
		if (out->sh_type == t)
			return out->sh_offset <= size && out->sh_size <= size - out->sh_offset ? out : NULL;
	}
	return NULL;
}

/* Dynamic symbol i's value, or -1 if it is not defined. */
static int
symbol(const uint8_t *d, const Elf64_Shdr *sym, uint64_t i, Elf64_Sym *s)
{
	if (i >= sym->sh_size / sizeof *s)
		return -1;
	memcpy(s, d + sym->sh_offset + i * sizeof *s, sizeof *s);
	return s->st_shndx == SHN_UNDEF ? -1 : 0;
}

/* Every relocation of the .rela sections, as the loader would. */
static int
relocate(struct image *im, const uint8_t *d, size_t size, const Elf64_Shdr *sym)
{
	Elf64_Shdr sh;
	Elf64_Rela r;
	Elf64_Sym s;
	uint64_t i, k, v;
	uint8_t *p;

	if (im->eh->e_shentsize != sizeof sh || im->eh->e_shoff > size ||
	    (uint64_t)im->eh->e_shnum * sizeof sh > size - im->eh->e_shoff)
		return -1;
	for (k = 0; k < im->eh->e_shnum; k++) {
		memcpy(&sh, d + im->eh->e_shoff + k * sizeof sh, sizeof sh);
		if (sh.sh_type != SHT_RELA)
			continue;
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
			return -1;
		for (i = 0; i + sizeof r <= sh.sh_size; i += sizeof r) {
			memcpy(&r, d + sh.sh_offset + i, sizeof r);
			if (!(p = at(im, r.r_offset, 8)))
				return -1;
			switch (ELF64_R_TYPE(r.r_info)) {
			case R_X86_64_RELATIVE:
				v = (uint64_t)(uintptr_t)im->base + (uint64_t)r.r_addend;
				break;
			case R_X86_64_64: case R_X86_64_GLOB_DAT: case R_X86_64_JUMP_SLOT:
				if (!sym || symbol(d, sym, ELF64_R_SYM(r.r_info), &s))
					return -1;
				v = (uint64_t)(uintptr_t)im->base + s.st_value +
				    (ELF64_R_TYPE(r.r_info) == R_X86_64_64 ? (uint64_t)r.r_addend : 0);
				break;
			case R_X86_64_NONE:
				continue;
			default:
				return -1;
			}
			memcpy(p, &v, 8);
		}
	}
	return 0;
}

/* The contract symbol's address in the image, else NULL. */
static const struct wa_contract *
find_contract(struct image *im, const uint8_t *d, size_t size, const Elf64_Shdr *sym)
{
	Elf64_Shdr str;
	Elf64_Sym s;
	const char *name;
	uint64_t i;

	/* section() checked that the headers lie inside the file */
	if (!sym || sym->sh_link >= im->eh->e_shnum)
		return NULL;
	memcpy(&str, d + im->eh->e_shoff + (size_t)sym->sh_link * sizeof str, sizeof str);
	if (str.sh_offset > size || str.sh_size > size - str.sh_offset)
		return NULL;
	for (i = 1; i < sym->sh_size / sizeof s; i++) {
		if (symbol(d, sym, i, &s) || s.st_name >= str.sh_size)
			continue;
		name = (const char *)d + str.sh_offset + s.st_name;
		if (memchr(name, 0, str.sh_size - s.st_name) && !strcmp(name, WA_CONTRACT_SYMBOL))
			return (const struct wa_contract *)at(im, s.st_value, sizeof(struct wa_contract));
	}
	return NULL;
}

/* The contract passed: instantiate and free (no code runs: the start
 * function, if any, is not called). */
static void
instantiate(struct wa_module *m)
{
	static struct wa_region *r;
	static struct wa_host *h;
	static char *argv[] = {"fuzz", NULL};
	static struct wa_wasi_config w = {.argc = 1, .argv = argv};
	struct wa_instance *I;
	char err[256];

	if (!r) {
		r = wa_region_new(NULL, err, sizeof err);
		h = wa_host_new();
		if (h && wa_wasi_add(h, &w, err, sizeof err))
			h = NULL;
	}
	if (!r || !h || m->c->start >= 0)
		return;
	if ((I = wa_instantiate(r, m, h, NULL, err, sizeof err)))
		wa_instance_free(I);
}

static void
load(const uint8_t *d, size_t size)
{
	struct image im = {0};
	Elf64_Ehdr eh;
	Elf64_Shdr symsh;
	const Elf64_Shdr *sym;
	const struct wa_contract *c;
	struct wa_module *m;
	char err[256];

	if (elf_precheck(d, size, err, sizeof err))
		return;
	digest_check(d, size, err, sizeof err);   /* refuses nearly every input; go on */
	memcpy(&eh, d, sizeof eh);                 /* elf_precheck: it is there */
	im.eh = &eh;
	sym = section(d, size, &eh, SHT_DYNSYM, &symsh);
	if (!map_segments(&im, d, size) && !relocate(&im, d, size, sym) && (c = find_contract(&im, d, size, sym)) &&
	    (m = module_from_contract(c, im.seg, im.nseg, err, sizeof err))) {
		instantiate(m);
		wa_module_free(m);
	}
	if (im.mem)
		munmap(im.mem, im.hi - im.lo);
}

/* A signature over a fixed message, checked against a fixed key. */
static void
signature(const uint8_t *d, size_t size)
{
	static struct wa_keys *k;
	char err[256];

	if (!k) {
		k = wa_keys_new();
		wa_keys_add(k, "RWSmWYHoEJm+nfHe+3MKBax0MDwpljdzclVaOxl6hygVL2bHvbRA0HlL", err, sizeof err);
	}
	sig_check(k, (const uint8_t *)"message", 7, (const char *)d, size, "fuzz.minisig", err, sizeof err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sig[] = "untrusted comment:";

	if (size >= sizeof sig - 1 && !memcmp(data, sig, sizeof sig - 1))
		signature(data, size);
	else
		load(data, size);
	return 0;
}
