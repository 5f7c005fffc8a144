/* A --host library for wasm-run: registers env.now, a native host
 * function returning 21, and env.add, a generic one. */
#include <stdint.h>

#include "wasmrt.h"

int wasm_run_host(struct wa_host *h);

static int64_t
now(struct wa_vmctx *ctx)
{
	(void)ctx;
	return 21;
}

static void
add(struct wa_instance *inst, void *data, wa_val *args)
{
	(void)inst, (void)data;
	args[0].i32 = args[0].i32 + args[1].i32;
}

int
wasm_run_host(struct wa_host *h)
{
	return wa_host_func(h, "env", "now", ":I", (void *)now, NULL, NULL) ||
	       wa_host_func(h, "env", "add", "ii:i", NULL, add, NULL) ? -1 : 0;
}
