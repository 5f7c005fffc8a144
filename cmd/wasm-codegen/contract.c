/*
 * Rewrites the contract's cpu_features and cpu_name fields: wasm-lower
 * cannot know the CPU, so it leaves 0 and null there.  A partition of
 * `wasm-lower --split` other than the first has no contract; every
 * object gets the CPU in a section of its own, which wasm-link compares
 * across the objects it joins (cmd/wasm-link/objects.c).
 */
#include <string.h>

#include "codegen.h"
#include "contract.h"
#include "diag.h"

void
contract_set_cpu(LLVMModuleRef mod, const char *file, const struct cpu *cpu)
{
	LLVMValueRef g = LLVMGetNamedGlobal(mod, WA_CONTRACT_SYMBOL), init, name, str;
	LLVMValueRef fields[WA_CONTRACT_NFIELDS];
	LLVMTypeRef ty, fty;
	LLVMContextRef ctx = LLVMGetModuleContext(mod);
	unsigned i, n;

	if (!g && LLVMGetModuleFlag(mod, WA_PARTITION_FLAG, strlen(WA_PARTITION_FLAG)))
		return;
	if (!g || !(init = LLVMGetInitializer(g)))
		input_error(file, "no %s global with an initializer: not a wasm-lower module",
		            WA_CONTRACT_SYMBOL);
	ty = LLVMTypeOf(init);
	if (LLVMGetTypeKind(ty) != LLVMStructTypeKind ||
	    (n = LLVMCountStructElementTypes(ty)) != WA_CONTRACT_NFIELDS)
		input_error(file, "%s does not have the contract's %d fields",
		            WA_CONTRACT_SYMBOL, WA_CONTRACT_NFIELDS);
	if (!LLVMIsAConstantStruct(init)) /* e.g. zeroinitializer */
		input_error(file, "%s is not initialised field by field", WA_CONTRACT_SYMBOL);
	for (i = 0; i < n; i++)
		fields[i] = LLVMGetOperand(init, i);
	fty = LLVMStructGetTypeAtIndex(ty, WA_CONTRACT_FIELD_CPU_FEATURES);
	if (LLVMGetTypeKind(fty) != LLVMIntegerTypeKind || LLVMGetIntTypeWidth(fty) != 64)
		input_error(file, "contract field cpu_features is not an i64");
	fields[WA_CONTRACT_FIELD_CPU_FEATURES] = LLVMConstInt(fty, cpu->features, 0);

	fty = LLVMStructGetTypeAtIndex(ty, WA_CONTRACT_FIELD_CPU_NAME);
	if (LLVMGetTypeKind(fty) != LLVMPointerTypeKind)
		input_error(file, "contract field cpu_name is not a pointer");
	str = LLVMConstStringInContext(ctx, cpu->contract_name, strlen(cpu->contract_name), 0);
	name = LLVMAddGlobal(mod, LLVMTypeOf(str), "wasm_aot_cpu_name");
	LLVMSetInitializer(name, str);
	LLVMSetGlobalConstant(name, 1);
	LLVMSetLinkage(name, LLVMPrivateLinkage);
	LLVMSetUnnamedAddress(name, LLVMGlobalUnnamedAddr);
	fields[WA_CONTRACT_FIELD_CPU_NAME] = LLVMConstPointerCast(name, fty);

	if (LLVMGetStructName(ty))
		init = LLVMConstNamedStruct(ty, fields, n);
	else
		init = LLVMConstStructInContext(ctx, fields, n, LLVMIsPackedStruct(ty));
	LLVMSetInitializer(g, init);
}

/* The section .wasm_aot.cpu: the features as an i64, then the name. */
void
mark_cpu(LLVMModuleRef mod, const struct cpu *cpu)
{
	LLVMContextRef ctx = LLVMGetModuleContext(mod);
	LLVMValueRef f[2], init, g;

	f[0] = LLVMConstInt(LLVMInt64TypeInContext(ctx), cpu->features, 0);
	f[1] = LLVMConstStringInContext(ctx, cpu->contract_name, strlen(cpu->contract_name), 0);
	init = LLVMConstStructInContext(ctx, f, 2, 1);
	g = LLVMAddGlobal(mod, LLVMTypeOf(init), "wasm_aot_cpu_mark");
	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetLinkage(g, LLVMInternalLinkage);
	LLVMSetSection(g, ".wasm_aot.cpu");
	LLVMSetAlignment(g, 1);
}
