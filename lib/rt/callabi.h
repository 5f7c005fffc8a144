/*
 * What the call fast path (wa_call in switch.S) knows of C structures:
 * field offsets, checked against the structures by call.c, and the
 * constants it uses.  Plain #defines: the assembler includes this.
 */
#ifndef WA_CALLABI_H
#define WA_CALLABI_H

/* struct wa_vmctx (contract.h) */
#define CTX_FUNCS 16
#define CTX_INTERRUPT 64

/* struct wa_func (contract.h) */
#define FUNC_CODE 0
#define FUNC_TYPEID 8
#define FUNC_CTX 16
#define FUNC_TRAMP 24

/* struct wa_instance (rt.h): the block after ctx */
#define I_HOST_SP 80
#define I_STACK_HI 88
#define I_NFUNCS 96
#define I_DEPTH 100
#define I_YIELDED 104
#define I_LINKED 108
#define I_RESUMED 112
#define I_TRAP_CODE 120

/* TYPEID_VOID (rt.h) and WA_TRAP_INTERRUPTED (contract.h) */
#define CALL_TYPEID_VOID 0
#define CALL_TRAP_INTERRUPTED 11

#endif
