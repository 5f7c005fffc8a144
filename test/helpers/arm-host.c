/* A --host library for test/helpers.bats: env.arm sets the calling
 * instance's interrupt word and returns, so that the runtime helper the
 * guest calls right after (no loop header or function entry between)
 * starts with an interrupt pending. */
#include "wasmrt.h"

int wasm_run_host(struct wa_host *h);

static void
arm(struct wa_instance *I, void *data, wa_val *args)
{
	(void)data, (void)args;
	wa_instance_interrupt(I);
}

int
wasm_run_host(struct wa_host *h)
{
	return wa_host_func(h, "env", "arm", ":", NULL, arm, NULL);
}
