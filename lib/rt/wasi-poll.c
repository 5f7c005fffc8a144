/*
 * WASI poll_oneoff: clock subscriptions (relative, or absolute on any
 * of the four clocks) and fd read/write readiness, any number at once,
 * on ppoll(2).  A wait is cut into slices so that an interrupt (a
 * deadline, wa_instance_interrupt) ends a sleeping guest as it ends a
 * computing one.  An embedder's sleep hook (wa_wasi_config.sleep) takes
 * a wait with no descriptor in it instead.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

#define SUB_SIZE 48
#define EVENT_SIZE 32
#define SLICE_NS 50000000ull      /* longest uninterruptible wait: 50 ms */
/* Subscriptions one call may make: the host allocates for each. */
#define MAX_SUBS 65536

enum { EV_CLOCK, EV_FD_READ, EV_FD_WRITE };

struct sub {
	uint64_t userdata;
	uint8_t tag;
	int32_t error;               /* found before waiting */
	int pfd;                     /* index in the pollfd array, or -1 */
	uint64_t due;                /* clock: ns of monotonic time */
};

static uint64_t
now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A clock subscription's due time on the monotonic clock. */
static int32_t
clock_due(const uint8_t *s, uint64_t start, uint64_t *due)
{
	static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
	                                CLOCK_THREAD_CPUTIME_ID};
	uint32_t id;
	uint64_t timeout, t;
	uint16_t flags;

	memcpy(&id, s + 16, 4);
	memcpy(&timeout, s + 24, 8);
	memcpy(&flags, s + 40, 2);
	if (id > 3)
		return WASI_EINVAL;
	if (flags & 1) {              /* abstime: on that clock */
		t = now_ns(ids[id]);
		timeout = timeout > t ? timeout - t : 0;
	}
	*due = timeout > UINT64_MAX - start ? UINT64_MAX : start + timeout;
	return 0;
}

static uint64_t
readable_bytes(int h)
{
	struct stat st;
	int n = 0;
	off_t pos;

	if (!fstat(h, &st) && S_ISREG(st.st_mode)) {
		pos = lseek(h, 0, SEEK_CUR);
		return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
	}
	return ioctl(h, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

static void
put_event(uint8_t *o, const struct sub *s, int32_t error, uint64_t nbytes, uint16_t flags)
{
	uint16_t e = (uint16_t)error;

	memset(o, 0, EVENT_SIZE);
	memcpy(o, &s->userdata, 8);
	memcpy(o + 8, &e, 2);
	o[10] = s->tag;
	memcpy(o + 16, &nbytes, 8);
	memcpy(o + 24, &flags, 2);
}

/* Read the subscriptions: 0 or a WASI errno. *ready: one is ready now. */
static int32_t
subscribe(struct wa_vmctx *ctx, const uint8_t *in, uint32_t n, struct sub *subs, struct pollfd *pfds,
          uint32_t *npfds, uint64_t start, int *ready)
{
	uint32_t i, fd;
	struct wasi_fd tmp, *f;
	int32_t err;

	for (i = 0; i < n; i++) {
		const uint8_t *s = in + (size_t)i * SUB_SIZE;
		struct sub *u = &subs[i];
		memcpy(&u->userdata, s, 8);
		u->tag = s[8];
		u->pfd = -1;
		u->error = 0;
		if (u->tag == EV_CLOCK) {
			u->error = clock_due(s, start, &u->due);
		} else if (u->tag == EV_FD_READ || u->tag == EV_FD_WRITE) {
			memcpy(&fd, s + 16, 4);
			if (!(f = fd_get(ctx, (int32_t)fd, RIGHT_POLL_FD_READWRITE, &tmp, &err))) {
				u->error = err;
			} else if (f->kind == FD_HOST) {
				pfds[*npfds] = (struct pollfd){f->host, u->tag == EV_FD_READ ? POLLIN : POLLOUT, 0};
				u->pfd = (int)(*npfds)++;
				continue;
			}
			/* a redirected stream is always ready: its callback decides */
		} else {
			return WASI_EINVAL;
		}
		*ready |= u->error != 0 || u->tag != EV_CLOCK || u->due <= start;
	}
	return 0;
}

/* Wait until a descriptor is ready or deadline (monotonic ns) passes:
 * 0, a WASI errno, or -1 if the instance was interrupted. */
static int32_t
wait(struct wa_vmctx *ctx, struct pollfd *pfds, uint32_t npfds, uint64_t deadline, int ready)
{
	uint64_t t, left;
	struct timespec ts;
	int r;

	for (;;) {
		t = now_ns(CLOCK_MONOTONIC);
		left = ready || deadline <= t ? 0 : deadline - t;
		if (left > SLICE_NS)
			left = SLICE_NS;
		ts.tv_sec = (time_t)(left / 1000000000u);
		ts.tv_nsec = (long)(left % 1000000000u);
		r = ppoll(pfds, npfds, &ts, NULL);
		if (r < 0 && errno != EINTR)
			return wasi_errno(errno);
		if (r > 0 || ready || now_ns(CLOCK_MONOTONIC) >= deadline)
			return 0;
		if (ctx->interrupt)
			return -1;
	}
}

/* A sleep through the embedder's hook (an event loop suspends the
 * guest there instead of blocking its thread). */
static int32_t
hook_sleep(struct wa_vmctx *ctx, uint64_t deadline)
{
	const struct wa_wasi_config *c = wasi_host(ctx)->cfg;
	int32_t r;

	while (now_ns(CLOCK_MONOTONIC) < deadline)
		if ((r = c->sleep(inst_of(ctx), c->sleep_arg, deadline)))
			return r < 0 ? -r : r;
	return 0;
}

int32_t
wasi_wait_fd(struct wa_vmctx *ctx, int h, short ev)
{
	struct pollfd p = {h, ev, 0};
	struct timespec ts = {0, (long)SLICE_NS};
	int r;

	while ((r = ppoll(&p, 1, &ts, NULL)) == 0 || (r < 0 && errno == EINTR))
		if (ctx->interrupt)
			wa_trap(inst_of(ctx), WA_TRAP_INTERRUPTED);
	return r < 0 ? wasi_errno(errno) : 0;
}

static uint32_t
events(const struct sub *subs, uint32_t n, const struct pollfd *pfds, uint8_t *out)
{
	uint64_t t = now_ns(CLOCK_MONOTONIC);
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct sub *u = &subs[i];
		if (u->error) {
			put_event(out + (size_t)k++ * EVENT_SIZE, u, u->error, 0, 0);
		} else if (u->tag == EV_CLOCK) {
			if (u->due <= t)
				put_event(out + (size_t)k++ * EVENT_SIZE, u, 0, 0, 0);
		} else if (u->pfd < 0) {
			put_event(out + (size_t)k++ * EVENT_SIZE, u, 0, 0, 0);
		} else if (pfds[u->pfd].revents) {
			const struct pollfd *p = &pfds[u->pfd];
			int32_t err = p->revents & POLLNVAL ? WASI_EBADF : 0;
			uint64_t nbytes = u->tag == EV_FD_READ && !err ? readable_bytes(p->fd) : 0;
			uint16_t flags = p->revents & POLLHUP ? 1 : 0;   /* fd_readwrite_hangup */
			put_event(out + (size_t)k++ * EVENT_SIZE, u, err, nbytes, flags);
		}
	}
	return k;
}

static int32_t
poll_oneoff(struct wa_vmctx *ctx, int32_t pin, int32_t pout, int32_t n, int32_t pnevents)
{
	const uint8_t *in = gmem(ctx, (uint32_t)pin, (uint64_t)(uint32_t)n * SUB_SIZE);
	uint8_t *out = gmem(ctx, (uint32_t)pout, (uint64_t)(uint32_t)n * EVENT_SIZE);
	uint64_t start = now_ns(CLOCK_MONOTONIC), deadline = UINT64_MAX;
	struct sub *subs;
	struct pollfd *pfds;
	uint32_t i, npfds = 0, k;
	int32_t err;
	int ready = 0;

	if (n == 0 || (uint32_t)n > MAX_SUBS)
		return WASI_EINVAL;
	if (!in || !out || !gmem(ctx, (uint32_t)pnevents, 4))
		return WASI_EFAULT;
	subs = malloc((size_t)(uint32_t)n * sizeof *subs);
	pfds = malloc((size_t)(uint32_t)n * sizeof *pfds);
	if (!subs || !pfds) {
		err = WASI_ENOMEM;
		goto out;
	}
	if ((err = subscribe(ctx, in, (uint32_t)n, subs, pfds, &npfds, start, &ready)))
		goto out;
	for (i = 0; i < (uint32_t)n; i++)
		if (subs[i].tag == EV_CLOCK && !subs[i].error && subs[i].due < deadline)
			deadline = subs[i].due;
	if (!npfds && !ready && deadline != UINT64_MAX && wasi_host(ctx)->cfg->sleep)
		err = hook_sleep(ctx, deadline);
	else
		err = wait(ctx, pfds, npfds, deadline, ready);
	if (err)
		goto out;
	k = events(subs, (uint32_t)n, pfds, out);
	put32(ctx, (uint32_t)pnevents, k);
out:
	free(subs);
	free(pfds);
	if (err == -1)
		wa_trap(inst_of(ctx), WA_TRAP_INTERRUPTED);
	return err;
}

void
wasi_poll_add(struct wa_host *h)
{
	wa_host_func(h, WASI_MODULE, "poll_oneoff", "iiii:i", (void *)poll_oneoff, NULL, NULL);
}
