#include <stdint.h>
#include <stdio.h>

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

struct cpu {
	char *name;           /* LLVM CPU name */
	const char *contract_name; /* what the contract records */
	char *llvm_features;  /* LLVM feature string */
	uint64_t features;    /* WA_CPU_* bits for the contract */
};

int cpu_resolve(const char *want, struct cpu *);
void cpu_list(FILE *);

/* passes.c */
int slp_wanted(LLVMModuleRef, int olevel);
void optimise_setup(int slp, const char *passes);
void optimise(LLVMModuleRef, LLVMTargetMachineRef, int olevel, const char *passes, int slp);

/* contract.c: record the CPU in the module's contract. */
void contract_set_cpu(LLVMModuleRef, const char *file, const struct cpu *);
void mark_cpu(LLVMModuleRef, const struct cpu *);

/* check.c: what the pass pipeline must preserve. */
struct snapshot {
	unsigned attrs;       /* sandbox attributes every function has */
	char **external;      /* external functions called */
	size_t nexternal;
};

void pipeline_prepare(LLVMModuleRef);
void pipeline_snapshot(LLVMModuleRef, struct snapshot *);
void pipeline_check(LLVMModuleRef, const struct snapshot *);

/* anchors.c: after the pipeline, each load that reaches a sink gets an
 * anchor of its own and the sinks go; maxbits: the widest vector
 * register (128, 256, 512). */
void anchors_rewrite(LLVMModuleRef, unsigned maxbits);

/* main.c: "wasm-codegen: FILE: message", exit 1. */
_Noreturn void input_error(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
