#include <stdint.h>
#include <stdio.h>

#include <llvm-c/Core.h>

struct cpu {
	char *name;           /* LLVM CPU name */
	char *llvm_features;  /* LLVM feature string */
	uint64_t features;    /* WA_CPU_* bits for the contract */
};

int cpu_resolve(const char *want, struct cpu *);
void cpu_list(FILE *);

/* contract.c: record the CPU in the module's contract. */
void contract_set_cpu(LLVMModuleRef, const char *file, const struct cpu *);
