/*
 * Time slices.  A guest runs on its worker's event-loop thread; one
 * that computes longer than a slice would hold up every other
 * connection of that thread.  The ticker thread looks at each worker
 * every TICK and preempts a guest that has had more than SLICE of CPU
 * time (wa_instance_preempt: the guest suspends at its next loop
 * back-edge or call); the worker then serves its connections and gives
 * the guest its next slice later.  The workers only store what runs:
 * no system call, no lock per request.  With no guest
 * running for a while the ticker sleeps until a worker pokes it.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

#define SLICE_NS 500000ull      /* a guest runs this long before others' turn */
#define TICK_NS 250000ull       /* so it runs between SLICE and SLICE + TICK */
/* While every guest the ticker sees is new (short requests), it looks
 * only this often: a guest found running at two looks in a row, or one
 * preempted and waiting, brings back the fast ticks.  A long guest's
 * first slice can so be 2 ms, its others are half a millisecond. */
#define SLOW_TICK_NS 1000000ull
#define IDLE_NS 100000000ull    /* nothing running this long: sleep */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int asleep, stop;
static pthread_t thread;

/* What the ticker knows of a worker's current run. */
struct seen {
	uint64_t seq;                /* the run it saw last */
	uint64_t cpu;                /* the thread's CPU time then */
	uint64_t used;               /* CPU time the run has had since */
	clockid_t clock;             /* the worker thread's CPU clock */
	int have_clock;
};

static struct seen *seen;

static uint64_t
cpu_ns(struct seen *s, struct worker *w)
{
	struct timespec t;

	if (!s->have_clock) {
		if (pthread_getcpuclockid(w->thread, &s->clock))
			return 0;
		s->have_clock = 1;
	}
	if (clock_gettime(s->clock, &t))
		return 0;
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * One look at every worker.  A run is preempted once it has had SLICE
 * of its thread's CPU time, counted from the first look that saw it:
 * CPU time, not wall time, so that a thread the kernel took off its
 * core is not blamed for it.  Returns 0 if no guest runs, 1 if only new
 * ones do, 2 if a guest ran through two looks or waits preempted.
 */
static int
look(void)
{
	int i, state = 0;

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		struct seen *s = &seen[i];
		struct wa_instance *in = __atomic_load_n(&w->running, __ATOMIC_SEQ_CST);
		uint64_t seq = __atomic_load_n(&w->run_seq, __ATOMIC_RELAXED), cpu;
		if (__atomic_load_n(&w->waiting, __ATOMIC_RELAXED))
			state = 2;
		if (!in)
			continue;
		state = state ? state : 1;
		if (seq != s->seq) {
			s->seq = seq, s->cpu = UINT64_MAX, s->used = 0;
			continue;
		}
		state = 2;
		cpu = cpu_ns(s, w);
		if (s->cpu != UINT64_MAX)
			s->used += cpu - s->cpu;
		s->cpu = cpu;
		/* a guest that finished since we read it gets a spurious
		 * request, which its next call drops or obeys: harmless */
		if (s->used >= SLICE_NS)
			wa_instance_preempt(in);
	}
	return state;
}

static void *
ticker(void *arg)
{
	uint64_t idle = 0, tick = SLOW_TICK_NS;
	struct timespec ts;
	int state;

	(void)arg;
	/* On time even on a busy machine, where allowed (CAP_SYS_NICE):
	 * the lowest real-time priority, for a thread that sleeps but for a
	 * few microseconds a tick.  Else it runs as the workers do. */
	{
		struct sched_param sp = {.sched_priority = 1};
		pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	}
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		ts.tv_sec = 0;
		ts.tv_nsec = (long)tick;
		nanosleep(&ts, NULL);
		state = look();
		idle = state ? 0 : idle + tick;
		tick = state == 2 ? TICK_NS : SLOW_TICK_NS;
		if (idle < IDLE_NS)
			continue;
		/* Dekker's order against ticker_poke: say we sleep, then look
		 * again; a worker stores what it runs, then reads asleep */
		pthread_mutex_lock(&lock);
		__atomic_store_n(&asleep, 1, __ATOMIC_SEQ_CST);
		if (look())
			asleep = 0;
		while (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST) && !stop)
			pthread_cond_wait(&wake, &lock);
		pthread_mutex_unlock(&lock);
		idle = 0;
	}
	return NULL;
}

/* A worker has stored the guest it starts: one load unless the ticker
 * sleeps. */
void
ticker_poke(void)
{
	if (!__atomic_load_n(&asleep, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&lock);
	asleep = 0;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

int
ticker_start(void)
{
	if (!(seen = calloc((size_t)nworkers, sizeof *seen)))
		return -1;
	return pthread_create(&thread, NULL, ticker, NULL) ? -1 : 0;
}

void
ticker_stop(void)
{
	pthread_mutex_lock(&lock);
	stop = 1;
	asleep = 0;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/*
 * The slice timer of a resumed guest.  A guest that was preempted once
 * is a long one; each of its later slices is ended by a timer of the
 * worker's own, whose signal goes to the worker's thread, so that the
 * slice ends on time even when the ticker thread waits for a core.  Two
 * system calls per slice of a long guest; short guests never arm it.
 */
#define SLICE_SIGNAL (SIGRTMIN + 1)

static __thread struct worker *self;

static void
on_slice(int sig, siginfo_t *si, void *uc)
{
	struct wa_instance *in;

	(void)sig, (void)si, (void)uc;
	if (self && (in = __atomic_load_n(&self->running, __ATOMIC_RELAXED)))
		wa_instance_preempt(in);
}

/* Once, before the workers start. */
int
slice_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_slice;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(SLICE_SIGNAL, &sa, NULL);
}

/* In the worker's thread. */
int
slice_timer_create(struct worker *w)
{
	struct sigevent ev;

	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SLICE_SIGNAL;
	ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	self = w;
	return timer_create(CLOCK_MONOTONIC, &ev, &w->slice_timer);
}

void
slice_arm(struct worker *w)
{
	struct itimerspec it = {{0, 0}, {0, (long)SLICE_NS}};

	timer_settime(w->slice_timer, 0, &it, NULL);
}

void
slice_disarm(struct worker *w)
{
	struct itimerspec it = {{0, 0}, {0, 0}};

	timer_settime(w->slice_timer, 0, &it, NULL);
}
