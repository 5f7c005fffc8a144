/*
 * Worker threads: one h2o event loop each, on its own listening
 * sockets, with its own region of instance slots.  h2o owns sockets,
 * HTTP/1.1 and HTTP/2 and the loop; a request that reaches us becomes a
 * job (guest.c).  Between two turns of the loop the worker runs what
 * the loop made runnable: guests whose sleep is over, then one time
 * slice of the guest that has waited longest since its preemption, so
 * that a new request never waits for more than one slice of the slow
 * ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "serve.h"

struct worker *workers;
int nworkers;

static h2o_globalconf_t conf;
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cond = PTHREAD_COND_INITIALIZER;
static int started, start_failed;

/* How long a draining worker waits for idle keep-alive connections to
 * go once it has no request left, before it closes them itself. */
#define DRAIN_GRACE_NS 1000000000ull

/* How long one turn of the loop runs preempted guests before it looks
 * at its sockets again: about one time slice (ticker.c). */
#define RUNQ_BUDGET_NS 500000ull

static void
on_accept(h2o_socket_t *listener, const char *err)
{
	struct worker *w = listener->data;
	h2o_socket_t *sock;
	int i;

	if (err)
		return;
	/* a few at a time, so that one busy listener does not starve the
	 * connections already open */
	for (i = 0; i < 16 && (sock = h2o_evloop_socket_accept(listener)); i++)
		h2o_accept(&w->accept, sock);
}

static void
stop_listening(struct worker *w)
{
	int i;

	for (i = 0; i < w->nlisteners; i++) {
		h2o_socket_read_stop(w->listeners[i]);
		/* a systemd socket is shared: only our own are closed */
		h2o_socket_close(w->listeners[i]);
	}
	w->nlisteners = 0;
}

/* Messages from the main thread: reload, drain. */
static void
on_wake(h2o_socket_t *sock, const char *err)
{
	struct worker *w = sock->data;

	if (err) {
		logmsg("thread %d: wake: %s", w->id, err);
		return;
	}
	h2o_buffer_consume(&sock->input, sock->input->size);
	if (__atomic_exchange_n(&w->reload, 0, __ATOMIC_ACQ_REL))
		worker_take_modules(w);
	if (__atomic_load_n(&w->drain, __ATOMIC_ACQUIRE) == 1) {
		w->drain = 2;
		w->drain_at = now_ns();
		stop_listening(w);
		h2o_context_request_shutdown(&w->ctx);
	}
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;
	job_start(H2O_STRUCT_FROM_MEMBER(struct worker, ctx, req->conn->ctx), req);
	return 0;
}

/* Every response, ours and h2o's own (400, 413...), when it is done. */
static void
on_log(h2o_logger_t *self, h2o_req_t *req)
{
	(void)self;
	request_done(H2O_STRUCT_FROM_MEMBER(struct worker, ctx, req->conn->ctx), req);
}

static int
drained(struct worker *w)
{
	if (w->drain != 2 || w->busy)
		return 0;
	if (h2o_linklist_is_empty(&w->ctx.http1._conns) && h2o_linklist_is_empty(&w->ctx.http2._conns))
		return 1;
	return now_ns() - w->drain_at > DRAIN_GRACE_NS;
}

/* How long the loop may wait for I/O: not past the first sleeper's
 * wake-up, not at all if a preempted guest waits. */
static int32_t
loop_wait(struct worker *w)
{
	uint64_t t, wake;

	if (w->runq)
		return 0;
	if (w->drain == 2)
		return 100;
	if (!w->nsleep)
		return INT32_MAX;
	t = now_ns();
	wake = sleepers_next(w);
	if (wake <= t)
		return 0;
	return (int32_t)((wake - t + 999999) / 1000000 < 1000 ? (wake - t + 999999) / 1000000 : 1000);
}

static void
run_ready(struct worker *w)
{
	struct job *j;
	uint64_t t = now_ns();

	while ((j = sleepers_pop_due(w, t)))
		job_run(j);
	/* preempted guests, in turn, for about one slice in all: a guest
	 * preempted by mistake (its thread lost its core) just finishes */
	while ((j = w->runq)) {
		w->runq = j->next;
		if (!w->runq)
			w->runq_tail = &w->runq;
		j->next = NULL;
		job_run(j);
		if (now_ns() - t >= RUNQ_BUDGET_NS)
			break;
	}
	if (w->waiting != (w->runq != NULL))
		__atomic_store_n(&w->waiting, w->runq != NULL, __ATOMIC_RELAXED);
}

static int
worker_setup(struct worker *w, char *err, size_t errlen)
{
	int *fds, n, i;

	w->loop = h2o_evloop_create();
	h2o_context_init(&w->ctx, w->loop, &conf);
	w->accept.ctx = &w->ctx;
	w->accept.hosts = conf.hosts;
	if (metrics_worker_init(w)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (guest_setup(w, err, errlen))
		return -1;
	if (slice_timer_create(w)) {
		snprintf(err, errlen, "timer_create: %s", strerror(errno));
		return -1;
	}
	n = listen_fds(w->id, &fds);
	if (!(w->listeners = calloc((size_t)n + 1, sizeof *w->listeners))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		h2o_socket_t *s = h2o_evloop_socket_create(w->loop, fds[i], H2O_SOCKET_FLAG_DONT_READ);
		s->data = w;
		h2o_socket_read_start(s, on_accept);
		w->listeners[w->nlisteners++] = s;
	}
	if ((w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return -1;
	}
	w->wake = h2o_evloop_socket_create(w->loop, w->wakefd, 0);
	w->wake->data = w;
	h2o_socket_read_start(w->wake, on_wake);
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char err[256];
	int ok = !worker_setup(w, err, sizeof err);

	if (!ok)
		logmsg("thread %d: %s", w->id, err);
	pthread_mutex_lock(&start_lock);
	started++;
	start_failed |= !ok;
	pthread_cond_broadcast(&start_cond);
	pthread_mutex_unlock(&start_lock);
	if (!ok)
		return NULL;
	while (!drained(w)) {
		h2o_evloop_run(w->loop, loop_wait(w));
		run_ready(w);
		log_flush(w);
	}
	guest_teardown(w);
	log_flush(w);
	__atomic_store_n(&w->stopped, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* h2o's configuration, shared read-only by the threads: one handler
 * for every path (routing is ours: route.c), and a logger that sees
 * every response, h2o's own errors included. */
static void
configure(void)
{
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	h2o_handler_t *h;
	h2o_logger_t *l;

	h2o_config_init(&conf);
	conf.server_name = h2o_iovec_init(H2O_STRLIT(SERVER_SOFTWARE));
	conf.max_request_entity_size = opt.max_body;
	host = h2o_config_register_host(&conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	h = h2o_create_handler(path, sizeof *h);
	h->on_req = on_req;
	l = h2o_create_logger(path, sizeof *l);
	l->log_access = on_log;
	l = h2o_create_logger(&host->fallback_path, sizeof *l);
	l->log_access = on_log;
}

int
workers_start(void)
{
	int i;

	configure();
	if (slice_init())
		return -1;
	if (!(workers = calloc((size_t)opt.threads, sizeof *workers)))
		return -1;
	nworkers = opt.threads;
	for (i = 0; i < nworkers; i++) {
		workers[i].id = i;
		workers[i].runq_tail = &workers[i].runq;
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) {
			logmsg("cannot start thread %d: %s", i, strerror(errno));
			return -1;
		}
	}
	pthread_mutex_lock(&start_lock);
	while (started < nworkers)
		pthread_cond_wait(&start_cond, &start_lock);
	pthread_mutex_unlock(&start_lock);
	return start_failed ? -1 : 0;
}

void
workers_signal(int reload, int drain)
{
	uint64_t one = 1;
	int i;

	for (i = 0; i < nworkers; i++) {
		if (reload)
			__atomic_store_n(&workers[i].reload, 1, __ATOMIC_RELEASE);
		if (drain && !workers[i].drain)
			__atomic_store_n(&workers[i].drain, 1, __ATOMIC_RELEASE);
		if (write(workers[i].wakefd, &one, sizeof one) < 0 && errno != EAGAIN)
			logmsg("cannot wake thread %d: %s", i, strerror(errno));
	}
}

void
workers_join(void)
{
	int i;

	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
}
