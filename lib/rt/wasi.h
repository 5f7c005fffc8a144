/*
 * Shared by the WASI files: guest memory access, every pointer checked
 * against the current memory size, and the errno values
 * (wasi_snapshot_preview1's numbering).
 */
#ifndef WA_WASI_H
#define WA_WASI_H

#include <string.h>

#include "rt.h"

enum {
	WASI_ESUCCESS = 0, WASI_EACCES = 2, WASI_EAGAIN = 6, WASI_EBADF = 8, WASI_EEXIST = 20,
	WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29,
	WASI_EISDIR = 31, WASI_ENOENT = 44, WASI_ENOMEM = 48, WASI_ENOSPC = 51, WASI_ENOSYS = 52,
	WASI_ENOTDIR = 54, WASI_EPERM = 63, WASI_EPIPE = 64, WASI_ESPIPE = 70, WASI_ENOTCAPABLE = 76,
};

/* [p, p+len) of guest memory, or NULL if any of it is outside. */
static inline uint8_t *
gmem(struct wa_vmctx *ctx, uint32_t p, uint64_t len)
{
	/* p + len could wrap past 2^64 */
	if (!ctx->mem0 || len > ctx->mem0->size || p > ctx->mem0->size - len)
		return NULL;
	return ctx->mem0_base + p;
}

static inline int
put32(struct wa_vmctx *ctx, uint32_t p, uint32_t v)
{
	uint8_t *q = gmem(ctx, p, 4);

	if (!q)
		return -1;
	memcpy(q, &v, 4); /* little-endian host, like wasm */
	return 0;
}

static inline int
put64(struct wa_vmctx *ctx, uint32_t p, uint64_t v)
{
	uint8_t *q = gmem(ctx, p, 8);

	if (!q)
		return -1;
	memcpy(q, &v, 8);
	return 0;
}

static inline const struct wa_wasi_config *
wasi_cfg(struct wa_vmctx *ctx)
{
	return inst_of(ctx)->host->wasi;
}

void wasi_fd_add(struct wa_host *);
int32_t wasi_errno(int e);

#endif
