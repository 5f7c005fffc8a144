/*
 * Deadlines: one watchdog thread per process, started on first use,
 * interrupts every instance whose deadline has passed.  Setting and
 * cancelling a deadline takes one mutex; calls without a deadline
 * never touch any of this.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "rt.h"

struct pending {
	struct wa_instance *inst;
	uint64_t when;               /* CLOCK_MONOTONIC ns */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static struct pending *v;
static size_t n, cap;
static int started;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *
watchdog(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		uint64_t t = now_ns(), next = UINT64_MAX;
		size_t i;
		for (i = 0; i < n;) {
			if (v[i].when <= t) {
				wa_instance_interrupt(v[i].inst);
				v[i] = v[--n];
				continue;
			}
			next = v[i].when < next ? v[i].when : next;
			i++;
		}
		if (next == UINT64_MAX) {
			pthread_cond_wait(&wake, &lock);
		} else {
			struct timespec ts = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
			pthread_cond_timedwait(&wake, &lock, &ts);
		}
	}
	return NULL;
}

static int
start(void)
{
	pthread_condattr_t a;
	pthread_t t;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &a);
	pthread_condattr_destroy(&a);
	if (pthread_create(&t, NULL, watchdog, NULL))
		return -1;
	pthread_detach(t);
	started = 1;
	return 0;
}

/* Under the lock: forget I's deadline and any interrupt it caused. */
static void
drop(struct wa_instance *I)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].inst == I) {
			v[i] = v[--n];
			break;
		}
	}
}

int
wa_instance_set_deadline(struct wa_instance *I, uint64_t ns)
{
	int r = 0;

	pthread_mutex_lock(&lock);
	drop(I);
	I->ctx.interrupt = 0;
	if (ns) {
		if (!started && start()) {
			r = -1;
		} else if (n == cap) {
			size_t c = cap ? 2 * cap : 16;
			struct pending *p = realloc(v, c * sizeof *p);
			if (!p)
				r = -1;
			else
				v = p, cap = c;
		}
		if (!r) {
			uint64_t t = now_ns();
			/* saturated: a deadline centuries away must not wrap to now */
			v[n++] = (struct pending){I, ns > UINT64_MAX - t ? UINT64_MAX - 1 : t + ns};
			pthread_cond_signal(&wake);
		}
	}
	pthread_mutex_unlock(&lock);
	return r;
}

void
deadline_cancel(struct wa_instance *I)
{
	if (!started)
		return;
	pthread_mutex_lock(&lock);
	drop(I);
	pthread_mutex_unlock(&lock);
}
