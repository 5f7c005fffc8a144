/*
 * A request's guest: a fresh instance of the route's module in a slot
 * of the worker's region, its CGI environment, the body on stdin, the
 * response captured from stdout, stderr to the log.  A job runs on its
 * worker's thread in slices: the ticker preempts a guest past its slice
 * (WA_PREEMPTED) and the worker runs it again later; a guest that
 * sleeps yields (WA_YIELDED) and sleeps in the worker's timer heap
 * instead of on the thread.  A guest past --timeout is terminated at
 * its next preemption or wake-up (504); a trap is a 500; the slot is
 * free again as soon as the guest is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define WASI_EFBIG 22
#define WASI_EIO 29
/* Lines of stderr one request may log (each up to 511 bytes); the rest
 * is dropped, and the log says so. */
#define MAX_STDERR_LINES 100

/* What a worker holds of a module: its requests are counted here, by
 * the worker alone; the shared count moves only when a worker takes or
 * drops the module. */
struct wref {
	struct modref *m;
	uint32_t jobs;
	int retired;
};

/* In the request's memory pool: told when h2o frees the request. */
struct reqtoken {
	struct job *job;
};

uint64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void
wref_drop(struct wref *r)
{
	if (!r->jobs && r->retired) {
		modref_put(r->m);
		free(r);
	}
}

/* After a reload: what new requests get from now on. */
void
worker_take_modules(struct worker *w)
{
	int i;

	for (i = 0; i < opt.nroutes; i++) {
		struct modref *m = modref_get(i);
		struct wref *r;
		if (w->cur[i] && w->cur[i]->m == m) {
			modref_put(m);
			continue;
		}
		if (!(r = calloc(1, sizeof *r))) {
			modref_put(m);
			logmsg("thread %d: out of memory taking the new modules", w->id);
			continue;
		}
		r->m = m;
		if (w->cur[i]) {
			w->cur[i]->retired = 1;
			wref_drop(w->cur[i]);
		}
		w->cur[i] = r;
	}
}

/* ---- the sleepers: a binary min-heap on min(wake, deadline) ---- */

static uint64_t
key(const struct job *j)
{
	return j->wake < j->deadline ? j->wake : j->deadline;
}

static void
heap_set(struct worker *w, size_t i, struct job *j)
{
	w->sleepers[i] = j;
	j->heapi = i;
}

void
sleepers_push(struct worker *w, struct job *j)
{
	size_t i = w->nsleep++;

	while (i && key(w->sleepers[(i - 1) / 2]) > key(j)) {
		heap_set(w, i, w->sleepers[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(w, i, j);
}

uint64_t
sleepers_next(const struct worker *w)
{
	return w->nsleep ? key(w->sleepers[0]) : UINT64_MAX;
}

struct job *
sleepers_pop_due(struct worker *w, uint64_t now)
{
	struct job *top, *last;
	size_t i = 0, c;

	if (!w->nsleep || key(w->sleepers[0]) > now)
		return NULL;
	top = w->sleepers[0];
	last = w->sleepers[--w->nsleep];
	while ((c = 2 * i + 1) < w->nsleep) {
		if (c + 1 < w->nsleep && key(w->sleepers[c + 1]) < key(w->sleepers[c]))
			c++;
		if (key(last) <= key(w->sleepers[c]))
			break;
		heap_set(w, i, w->sleepers[c]);
		i = c;
	}
	if (w->nsleep)
		heap_set(w, i, last);
	return top;
}

/* ---- the guest's standard streams ---- */

static int64_t
read_body(struct wa_instance *inst, void *arg, void *buf, uint64_t len)
{
	struct job *j = wa_instance_data(inst);
	size_t n = j->inlen - j->inoff;

	/* h2o hands us the whole body (up to --max-body) before the
	 * request, so stdin never waits for the network */
	(void)arg;
	if (n > len)
		n = (size_t)len;
	memcpy(buf, j->in + j->inoff, n);
	j->inoff += n;
	return (int64_t)n;
}

static int64_t
write_out(struct wa_instance *inst, void *arg, const void *buf, uint64_t len)
{
	struct job *j = wa_instance_data(inst);
	size_t need;

	(void)arg;
	if (len > opt.max_response - j->outlen) {
		j->outfull = 1;
		return -WASI_EFBIG;
	}
	need = j->outlen + (size_t)len;
	if (need > j->outcap) {
		size_t cap = j->outcap ? j->outcap : 4096;
		uint8_t *p;
		while (cap < need)
			cap *= 2;
		if (!(p = realloc(j->out, cap)))
			return -WASI_EIO;
		j->out = p, j->outcap = cap;
	}
	memcpy(j->out + j->outlen, buf, (size_t)len);
	j->outlen = need;
	return (int64_t)len;
}

/* stderr: whole lines to the log, tagged with the request. */
static int64_t
write_err(struct wa_instance *inst, void *arg, const void *buf, uint64_t len)
{
	struct job *j = wa_instance_data(inst);
	const char *p = buf, *end = p + len;

	(void)arg;
	for (; p < end && j->errtotal < MAX_STDERR_LINES; p++) {
		if (*p == '\n' || j->errlen == sizeof j->errline - 1) {
			logreq(j, "stderr: %.*s", (int)j->errlen, j->errline);
			j->errlen = 0;
			if (++j->errtotal == MAX_STDERR_LINES)
				logreq(j, "stderr: more than %d lines; the rest is not logged", MAX_STDERR_LINES);
			if (*p == '\n')
				continue;
		}
		/* no terminal escapes or other control bytes in the log */
		j->errline[j->errlen++] = (unsigned char)*p < 32 && *p != '\t' ? '?' : *p == 127 ? '?' : *p;
	}
	return (int64_t)len;
}

static const struct wa_wasi_stream stdin_stream = {read_body, NULL, NULL};
static const struct wa_wasi_stream stdout_stream = {NULL, write_out, NULL};
static const struct wa_wasi_stream stderr_stream = {NULL, write_err, NULL};

/* poll_oneoff with only clocks: sleep in the worker's heap, not on the
 * thread (wa_wasi_config.sleep). */
static int32_t
guest_sleep(struct wa_instance *inst, void *arg, uint64_t until)
{
	struct job *j = wa_instance_data(inst);

	(void)arg;
	j->wake = until;
	wa_yield(inst, 1);
	return 0;
}

/* ---- per worker ---- */

int
guest_setup(struct worker *w, char *err, size_t errlen)
{
	uint32_t slots = (opt.max_concurrent + (uint32_t)opt.threads - 1) / (uint32_t)opt.threads, i;
	struct wa_region_config rc = {.slots = slots, .heap_max = opt.max_memory, .stack_size = opt.stack_size};
	int r;

	if (!(w->region = wa_region_new(&rc, err, errlen)))
		return -1;
	w->hosts = calloc((size_t)opt.nroutes, sizeof *w->hosts);
	w->wasi = calloc((size_t)opt.nroutes, sizeof *w->wasi);
	w->cur = calloc((size_t)opt.nroutes, sizeof *w->cur);
	w->jobs = calloc(slots, sizeof *w->jobs);
	w->sleepers = calloc(slots, sizeof *w->sleepers);
	if (!w->hosts || !w->wasi || !w->cur || !w->jobs || !w->sleepers)
		return snprintf(err, errlen, "out of memory"), -1;
	for (r = 0; r < opt.nroutes; r++) {
		struct route *rt = &opt.routes[r];
		w->wasi[r] = (struct wa_wasi_config){
			.argc = 1, .argv = rt->argv, .envc = rt->nenv, .envp = rt->env,
			.ndirs = rt->ndirs, .dirs = rt->dirs, .sleep = guest_sleep, .sleep_arg = w,
		};
		if (!(w->hosts[r] = wa_host_new()))
			return snprintf(err, errlen, "out of memory"), -1;
		if (wa_wasi_add(w->hosts[r], &w->wasi[r], err, errlen))
			return -1;
	}
	worker_take_modules(w);
	w->njobs = slots;
	for (i = slots; i--;) {
		w->jobs[i].w = w;
		w->jobs[i].next = w->free;
		w->free = &w->jobs[i];
	}
	return 0;
}

void
guest_teardown(struct worker *w)
{
	int r;

	for (r = 0; r < opt.nroutes; r++) {
		wa_host_free(w->hosts[r]);
		if (w->cur[r]) {
			w->cur[r]->retired = 1;
			wref_drop(w->cur[r]);
		}
	}
	wa_region_free(w->region);
}

/* ---- jobs ---- */

static void
on_dispose(void *p)
{
	struct reqtoken *t = p;

	if (t->job)
		t->job->req = NULL;
}

static void
release(struct job *j)
{
	struct worker *w = j->w;

	if (j->inst) {
		wa_instance_free(j->inst);
		count(&w->c.live, (uint64_t)-1);
	}
	j->inst = NULL;
	if (j->tok)
		j->tok->job = NULL;
	j->tok = NULL;
	j->req = NULL;
	j->wref->jobs--;
	wref_drop(j->wref);
	j->wref = NULL;
	j->state = JOB_FREE;
	j->next = w->free;
	w->free = j;
	w->busy--;
}

/* An error response; what the guest's headers set is dropped. */
void
send_error(h2o_req_t *req, int status, const char *reason, const char *body)
{
	if (status != 503) {
		h2o_send_error_generic(req, status, reason, body, 0);
		return;
	}
	memset(&req->res.headers, 0, sizeof req->res.headers);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL, H2O_STRLIT("1"));
	h2o_send_error_generic(req, status, reason, body, H2O_SEND_ERROR_KEEP_HEADERS);
}

/* End a job that did not finish (timeout) or cannot go on. */
void
job_kill(struct job *j, int status, const char *why)
{
	if (j->req) {
		logreq(j, "%s", why);
		send_error(j->req, status, status == 504 ? "Gateway Timeout" : "Internal Server Error",
		           status == 504 ? "handler timed out\n" : "handler failed\n");
	}
	release(j);
}

static void
finish_output(struct job *j, int exit_code)
{
	const char *why;

	if (j->errlen) {
		logreq(j, "stderr: %.*s", (int)j->errlen, j->errline);
		j->errlen = 0;
	}
	if (j->outfull) {
		logreq(j, "response larger than --max-response (%llu bytes)", (unsigned long long)opt.max_response);
		send_error(j->req, 502, "Bad Gateway", "handler response too large\n");
	} else if (cgi_respond(j->req, j->out, j->outlen, &why)) {
		if (exit_code)
			logreq(j, "no valid CGI response (%s); exit status %d", why, exit_code);
		else
			logreq(j, "no valid CGI response: %s", why);
		send_error(j->req, 502, "Bad Gateway", "handler wrote no valid CGI response\n");
	} else if (exit_code) {
		logreq(j, "exit status %d after a valid response", exit_code);
	}
}

static void
finish(struct job *j, int code)
{
	const struct wa_trap_info *ti = wa_trap_info(j->inst);
	char fn[128];

	if (code == 0 || code == WA_TRAP_EXIT) {
		finish_output(j, code ? ti->exit_code : 0);
	} else {
		if (code > 0 && code < WA_NTRAPS)
			count(&j->w->c.traps[code], 1);
		if (ti->func >= 0 && ti->module)
			logreq(j, "trap: %s in %s", wa_trap_name((uint32_t)code),
			       wa_module_func_name(ti->module, (uint32_t)ti->func, fn, sizeof fn));
		else
			logreq(j, "trap: %s", code < 0 ? "call refused" : wa_trap_name((uint32_t)code));
		send_error(j->req, 500, "Internal Server Error", "handler trapped\n");
	}
	release(j);
}

void
job_run(struct job *j)
{
	struct worker *w = j->w;
	uint64_t t = now_ns();
	int code;

	if (!j->req) {                       /* the client went away */
		release(j);
		return;
	}
	if (t >= j->deadline) {
		count(&w->c.timeouts, 1);
		job_kill(j, 504, "timeout: terminated after --timeout");
		return;
	}
	__atomic_store_n(&w->run_seq, w->run_seq + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&w->running, j->inst, __ATOMIC_SEQ_CST);
	if (j->state == JOB_NEW) {
		ticker_poke();
		code = wa_call(j->inst, j->wref->m->start, NULL);
	} else {
		/* a guest known to be long: its own timer ends the slice, on
		 * time even when the ticker thread waits for a core */
		slice_arm(w);
		code = wa_resume(j->inst, 0);
		slice_disarm(w);
	}
	__atomic_store_n(&w->running, NULL, __ATOMIC_RELEASE);
	if (code == WA_PREEMPTED) {
		j->state = JOB_PREEMPTED;
		j->next = NULL;
		*w->runq_tail = j;
		w->runq_tail = &j->next;
	} else if (code == WA_YIELDED) {
		j->state = JOB_SLEEP;
		sleepers_push(w, j);
	} else if (!j->req) {
		release(j);
	} else {
		finish(j, code);
	}
}

/* Sum of the request's header lines as a client sent them, about. */
static size_t
header_bytes(const h2o_req_t *req)
{
	size_t i, n = req->input.method.len + req->input.path.len + 12;

	for (i = 0; i < req->headers.size; i++)
		n += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
	return n;
}

static void
reject(struct worker *w, h2o_req_t *req, int status, const char *reason, const char *body, const char *log)
{
	struct job tmp = {.w = w, .req = req};

	logreq(&tmp, "%s", log);
	if (status == 503)
		count(&w->c.rejected, 1);
	send_error(req, status, reason, body);
}

void
job_start(struct worker *w, h2o_req_t *req)
{
	int route = route_match(req->path_normalized.base, req->path_normalized.len);
	struct job *j;
	char err[256], *why = NULL;

	if (route < 0) {
		h2o_send_error_404(req, "Not Found", "no route\n", 0);
		return;
	}
	if (header_bytes(req) > opt.max_header) {
		reject(w, req, 431, "Request Header Fields Too Large", "request header fields too large\n",
		       "431: request header fields larger than --max-header");
		return;
	}
	if (!(j = w->free)) {
		reject(w, req, 503, "Service Unavailable", "server busy\n",
		       "503: --max-concurrent requests in flight on this thread");
		return;
	}
	w->free = j->next;
	w->busy++;
	j->next = NULL;
	j->req = req;
	j->route = route;
	j->wref = w->cur[route];
	j->wref->jobs++;
	j->t0 = now_ns();
	j->deadline = j->t0 + opt.timeout_ns;
	j->wake = UINT64_MAX;
	j->in = (const uint8_t *)req->entity.base;
	j->inlen = req->entity.base ? req->entity.len : 0;
	j->inoff = j->outlen = j->errlen = j->errtotal = 0;
	j->outfull = 0;
	j->reqno = ++w->reqno;
	j->tok = h2o_mem_alloc_shared(&req->pool, sizeof *j->tok, on_dispose);
	j->tok->job = j;
	j->state = JOB_NEW;
	if (cgi_env(j, req, &opt.routes[route], &why) ||
	    !(j->inst = wa_instantiate(w->region, j->wref->m->m, w->hosts[route], j, err, sizeof err))) {
		logreq(j, "cannot start the handler: %s", why ? why : err);
		send_error(req, 500, "Internal Server Error", "cannot start the handler\n");
		j->inst = NULL;
		release(j);
		return;
	}
	count(&w->c.live, 1);
	wa_wasi_set_args(j->inst, 1, opt.routes[route].argv, (int)j->envc, j->envp);
	wa_wasi_stdio_stream(j->inst, 0, &stdin_stream);
	wa_wasi_stdio_stream(j->inst, 1, &stdout_stream);
	wa_wasi_stdio_stream(j->inst, 2, &stderr_stream);
	job_run(j);
}
