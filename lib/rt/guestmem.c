/*
 * Bounds-checked access to an instance's memory for host functions: a
 * guest hands the host addresses and lengths, and nothing the guest
 * says may make the host touch memory outside the guest's.
 */
#include <string.h>

#include "rt.h"

uint64_t
wa_memory_size(const struct wa_instance *I)
{
	return I->ctx.mem0 ? I->ctx.mem0->size : 0;
}

static uint8_t *
range(struct wa_instance *I, uint32_t addr, uint64_t len)
{
	const struct wa_memory *m = I->ctx.mem0;

	/* len is the caller's 64-bit number: addr + len could wrap */
	if (!m || len > m->size || addr > m->size - len)
		return NULL;
	return I->ctx.mem0_base + addr;
}

/* The caller may write through it and hand it to the kernel to write:
 * writable now, if its slot tracks writes (wtrack.c). */
void *
wa_memory_ptr(struct wa_instance *I, uint32_t addr, uint64_t len)
{
	uint8_t *p = range(I, addr, len);

	if (p)
		wt_prepare(I->ctx.mem0, addr, len);
	return p;
}

int
wa_memory_read(struct wa_instance *I, uint32_t addr, void *buf, uint64_t len)
{
	const void *p = range(I, addr, len);

	if (!p)
		return -1;
	if (len)
		memcpy(buf, p, len);
	return 0;
}

int
wa_memory_write(struct wa_instance *I, uint32_t addr, const void *buf, uint64_t len)
{
	void *p = wa_memory_ptr(I, addr, len);

	if (!p)
		return -1;
	if (len)
		memcpy(p, buf, len);
	return 0;
}
