/*
 * contract-cpu SO: load a compiled module and print its contract's
 * cpu_features (hex) and cpu_name, as the runtime would see them.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>

#include "contract.h"

int
main(int argc, char **argv)
{
	const struct wa_contract *c;
	void *h;

	if (argc != 2 || !(h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "contract-cpu: %s\n", argc == 2 ? dlerror() : "usage: contract-cpu SO");
		return 1;
	}
	if (!(c = dlsym(h, WA_CONTRACT_SYMBOL))) {
		fprintf(stderr, "contract-cpu: %s\n", dlerror());
		return 1;
	}
	printf("%#" PRIx64 " %s\n", c->cpu_features, c->cpu_name ? c->cpu_name : "(null)");
	return 0;
}
