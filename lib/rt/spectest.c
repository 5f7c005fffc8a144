/*
 * The spectest host module that the WebAssembly spec tests import
 * (as the reference interpreter defines it: its print functions write
 * each argument as "VALUE : TYPE" on a line of its own).
 */
#include <inttypes.h>
#include <stdio.h>

#include "rt.h"

struct printer {
	const char *name, *sig;
};

static const struct printer printers[] = {
	{"print", ":"},
	{"print_i32", "i:"},
	{"print_i64", "I:"},
	{"print_f32", "f:"},
	{"print_f64", "F:"},
	{"print_i32_f32", "if:"},
	{"print_f64_f64", "FF:"},
};

/* data: (fd + 1) << 3 | the printer's index */
static void
print_args(struct wa_instance *I, void *data, wa_val *args)
{
	intptr_t d = (intptr_t)data;
	int fd = (int)(d >> 3) - 1, i;
	const char *s;

	(void)I;
	if (fd < 0)
		return;
	for (s = printers[d & 7].sig, i = 0; *s != ':'; s++, i++) {
		switch (*s) {
		case 'i': dprintf(fd, "%" PRId32 " : i32\n", args[i].i32); break;
		case 'I': dprintf(fd, "%" PRId64 " : i64\n", args[i].i64); break;
		case 'f': dprintf(fd, "%.9g : f32\n", (double)args[i].f32); break;
		case 'F': dprintf(fd, "%.17g : f64\n", args[i].f64); break;
		}
	}
}

int
wa_spectest_add(struct wa_host *h, int fd)
{
	intptr_t i, f = fd < 0 ? 0 : (intptr_t)fd + 1;
	wa_val k;

	for (i = 0; i < (intptr_t)(sizeof printers / sizeof *printers); i++)
		if (wa_host_func(h, "spectest", printers[i].name, printers[i].sig, NULL, print_args,
		                 (void *)(f << 3 | i)))
			return -1;
	k.i64 = 0, k.i32 = 666;
	if (wa_host_global(h, "spectest", "global_i32", 0x7f, 0, k))
		return -1;
	k.i64 = 666;
	if (wa_host_global(h, "spectest", "global_i64", 0x7e, 0, k))
		return -1;
	k.i64 = 0, k.f32 = 666.6f;
	if (wa_host_global(h, "spectest", "global_f32", 0x7d, 0, k))
		return -1;
	k.f64 = 666.6;
	if (wa_host_global(h, "spectest", "global_f64", 0x7c, 0, k))
		return -1;
	if (wa_host_table(h, "spectest", "table", 0x70, 10, 20) || wa_host_memory(h, "spectest", "memory", 1, 2))
		return -1;
	return 0;
}
