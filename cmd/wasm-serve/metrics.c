/*
 * Metrics: every worker counts in its own counters (one writer each,
 * plain stores), and --metrics ADDR:PORT serves their sums as
 * Prometheus text from a thread of its own, so that a scrape never
 * waits for a busy worker.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "serve.h"

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bounds[NBUCKETS] = {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
                                          250000, 1000000};

static h2o_globalconf_t mconf;
static h2o_context_t mctx;
static h2o_accept_ctx_t maccept;
static pthread_t mthread;

void
count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static uint64_t
get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

int
metrics_worker_init(struct worker *w)
{
	w->c.by_status = calloc((size_t)(opt.nroutes + 1) * 500, sizeof *w->c.by_status);
	return w->c.by_status ? 0 : -1;
}

/* h2o's logger calls this for every response: count it, log it. */
void
request_done(struct worker *w, h2o_req_t *req)
{
	struct timeval now, *t0 = &req->timestamps.request_begin_at;
	int64_t us;
	int r = -1, b;

	gettimeofday(&now, NULL);
	us = (int64_t)(now.tv_sec - t0->tv_sec) * 1000000 + (now.tv_usec - t0->tv_usec);
	if (us < 0 || !t0->tv_sec)
		us = 0;
	access_log(w, req, (uint64_t)us);
	/* the one limit h2o enforces for us, before our handler sees it */
	if (req->res.status == 413)
		logmsg("413: request body of %.*s %.*s larger than --max-body (%llu bytes)",
		       (int)(req->input.method.len < 16 ? req->input.method.len : 16), req->input.method.base,
		       (int)(req->input.path.len < 200 ? req->input.path.len : 200), req->input.path.base,
		       (unsigned long long)opt.max_body);
	if (req->path_normalized.base)
		r = route_match(req->path_normalized.base, req->path_normalized.len);
	if (req->res.status >= 100 && req->res.status < 600)
		count(&w->c.by_status[(size_t)(r + 1) * 500 + (size_t)(req->res.status - 100)], 1);
	for (b = 0; b < NBUCKETS && (uint64_t)us > bounds[b]; b++)
		;
	count(&w->c.latency[b], 1);
	count(&w->c.latency_sum_us, (uint64_t)us);
}

/* ---- the text ---- */

struct text {
	char *p;
	size_t len, cap;
};

static void
emit(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
emit(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->p && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? 2 * t->cap : 8192;
		while (cap <= t->len + (size_t)n)
			cap *= 2;
		char *q = realloc(t->p, cap);
		if (!q)
			return;
		t->p = q, t->cap = cap;
	}
}

static uint64_t
sum(size_t off)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < nworkers; i++)
		s += get((const uint64_t *)((const char *)&workers[i].c + off));
	return s;
}

static void
requests(struct text *t)
{
	int r, st, i;

	emit(t, "# HELP wasm_serve_requests_total Responses sent, by route prefix and status.\n"
	        "# TYPE wasm_serve_requests_total counter\n");
	for (r = -1; r < opt.nroutes; r++) {
		for (st = 100; st < 600; st++) {
			uint64_t n = 0;
			for (i = 0; i < nworkers; i++)
				n += get(&workers[i].c.by_status[(size_t)(r + 1) * 500 + (size_t)(st - 100)]);
			if (n)
				emit(t, "wasm_serve_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
				     r < 0 ? "" : opt.routes[r].plen ? opt.routes[r].prefix : "/", st, (unsigned long long)n);
		}
	}
}

static void
latency(struct text *t)
{
	uint64_t cum = 0;
	int b;

	emit(t, "# HELP wasm_serve_request_duration_seconds Time from the request's first byte to its response.\n"
	        "# TYPE wasm_serve_request_duration_seconds histogram\n");
	for (b = 0; b <= NBUCKETS; b++) {
		cum += sum(offsetof(struct counters, latency) + (size_t)b * sizeof(uint64_t));
		if (b < NBUCKETS)
			emit(t, "wasm_serve_request_duration_seconds_bucket{le=\"%g\"} %llu\n", (double)bounds[b] / 1e6,
			     (unsigned long long)cum);
		else
			emit(t, "wasm_serve_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	emit(t, "wasm_serve_request_duration_seconds_sum %.6f\n",
	     (double)sum(offsetof(struct counters, latency_sum_us)) / 1e6);
	emit(t, "wasm_serve_request_duration_seconds_count %llu\n", (unsigned long long)cum);
}

static void
others(struct text *t)
{
	int k;

	emit(t, "# HELP wasm_serve_instances Instances alive now (requests in flight).\n"
	        "# TYPE wasm_serve_instances gauge\nwasm_serve_instances %llu\n",
	     (unsigned long long)sum(offsetof(struct counters, live)));
	emit(t, "# HELP wasm_serve_traps_total Handlers that trapped, by trap kind.\n"
	        "# TYPE wasm_serve_traps_total counter\n");
	for (k = 1; k < WA_NTRAPS; k++)
		if (k != WA_TRAP_EXIT)
			emit(t, "wasm_serve_traps_total{kind=\"%s\"} %llu\n", wa_trap_name((uint32_t)k),
			     (unsigned long long)sum(offsetof(struct counters, traps) + (size_t)k * sizeof(uint64_t)));
	emit(t, "# HELP wasm_serve_timeouts_total Handlers terminated at --timeout (504).\n"
	        "# TYPE wasm_serve_timeouts_total counter\nwasm_serve_timeouts_total %llu\n",
	     (unsigned long long)sum(offsetof(struct counters, timeouts)));
	emit(t, "# HELP wasm_serve_rejected_total Requests refused for --max-concurrent (503).\n"
	        "# TYPE wasm_serve_rejected_total counter\nwasm_serve_rejected_total %llu\n",
	     (unsigned long long)sum(offsetof(struct counters, rejected)));
}

static int
on_metrics(h2o_handler_t *self, h2o_req_t *req)
{
	struct text t = {0};

	(void)self;
	requests(&t);
	latency(&t);
	others(&t);
	req->res.status = 200;
	req->res.reason = "OK";
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
	               H2O_STRLIT("text/plain; version=0.0.4"));
	req->res.content_length = t.len;
	h2o_send_inline(req, t.p ? t.p : "", t.len);
	free(t.p);
	return 0;
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
	h2o_socket_t *sock;

	if (!err && (sock = h2o_evloop_socket_accept(listener)))
		h2o_accept(&maccept, sock);
}

static void *
metrics_main(void *arg)
{
	h2o_evloop_t *loop = arg;

	for (;;)
		h2o_evloop_run(loop, INT32_MAX);
	return NULL;
}

int
metrics_start(void)
{
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	h2o_handler_t *h;
	h2o_evloop_t *loop;
	h2o_socket_t *s;
	int fd = listen_metrics_fd();

	if (fd < 0)
		return 0;
	h2o_config_init(&mconf);
	mconf.server_name = h2o_iovec_init(H2O_STRLIT(SERVER_SOFTWARE));
	host = h2o_config_register_host(&mconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	h = h2o_create_handler(path, sizeof *h);
	h->on_req = on_metrics;
	loop = h2o_evloop_create();
	h2o_context_init(&mctx, loop, &mconf);
	maccept.ctx = &mctx;
	maccept.hosts = mconf.hosts;
	s = h2o_evloop_socket_create(loop, fd, H2O_SOCKET_FLAG_DONT_READ);
	h2o_socket_read_start(s, on_accept);
	if (pthread_create(&mthread, NULL, metrics_main, loop))
		return -1;
	pthread_detach(mthread);
	return 0;
}
