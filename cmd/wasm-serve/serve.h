/*
 * wasm-serve: what its files share (wasm-serve(1)).
 *
 *	main.c     options, start-up, signals (the main thread)
 *	listen.c   listening sockets: --listen (SO_REUSEPORT), systemd's
 *	route.c    routes and their modules; reload
 *	worker.c   one event loop per thread (h2o): accept, requests
 *	guest.c    a request's instance: run, preempt, sleep, finish
 *	cgi.c      the CGI/1.1 environment; the guest's CGI header block
 *	ticker.c   time slices: the thread that preempts long-running
 *	           guests, and the timer of a resumed guest's slice
 *	log.c      error log lines and the access log
 *	metrics.c  counters and the Prometheus text
 *
 * Nothing is shared between worker threads on the request path: each
 * has its own region, hosts, jobs, counters and log buffer.
 */
#ifndef SERVE_H
#define SERVE_H

#define H2O_USE_EPOLL 1
#include <h2o.h>
#include <pthread.h>
#include <stdint.h>

#include "wasmrt.h"

#define SERVER_SOFTWARE "wasm-serve/0.1"

/* ---- options (main.c) ---- */

struct route {
	char *prefix;                /* "/api"; "" matches every path */
	size_t plen;
	char *path;                  /* the module */
	char **env, **dirs;          /* --env, --dir: global ones, then its own */
	int nenv, ndirs;
	char *argv[2];               /* the guest's: the module's path */
	struct modref *cur;          /* the module now (route.c) */
};

struct opts {
	struct route *routes;
	int nroutes;
	char **listen;
	int nlisten;
	const char *metrics;         /* ADDR:PORT or NULL */
	const char *access_log;      /* path, or NULL: stderr */
	int threads;
	uint32_t max_concurrent;
	uint64_t timeout_ns;
	uint64_t max_memory;
	uint64_t max_body;
	uint64_t max_header;         /* bytes of all request header fields */
	uint64_t max_response;       /* bytes the guest may write */
	uint64_t stack_size;
};

extern struct opts opt;
extern const char *argv0;

/* ---- listen.c ---- */
/* Listening sockets for thread t: its own SO_REUSEPORT sockets for
 * each --listen, or the descriptors systemd passed (shared). */
int listen_prepare(void);            /* -1 (reported) on failure */
int listen_fds(int t, int **fds);    /* the count */
int listen_metrics_fd(void);
int listen_parse(const char *spec, int reuseport, int port_any, int *fd, char *err, size_t errlen);

/* ---- route.c ---- */
struct modref {
	struct wa_module *m;
	int fd;                      /* the private copy it was loaded from */
	uint32_t start;              /* _start's function index */
	int refs;                    /* atomic: holders */
};

int routes_load(char *err, size_t errlen);
int routes_reload(void);             /* main thread; 0 or -1 (logged) */
struct modref *modref_get(int route);  /* the current one, a reference taken */
void modref_put(struct modref *);
int route_match(const char *path, size_t len);

/* ---- metrics.c ---- */
#define NBUCKETS 12
struct counters {
	uint64_t *by_status;         /* [route * 500 + status - 100] */
	uint64_t latency[NBUCKETS + 1];
	uint64_t latency_sum_us;
	uint64_t traps[WA_NTRAPS];
	uint64_t live;               /* instances now */
	uint64_t timeouts, rejected;
};

struct worker;
void count(uint64_t *c, uint64_t n);   /* single writer, read by others */
int metrics_worker_init(struct worker *);
void request_done(struct worker *, h2o_req_t *);  /* every response */
int metrics_start(void);

/* ---- worker.c and guest.c ---- */
enum jobstate { JOB_FREE, JOB_NEW, JOB_PREEMPTED, JOB_SLEEP };
struct wref;
struct reqtoken;

struct job {
	struct worker *w;
	struct job *next;            /* free list, run queue */
	enum jobstate state;
	h2o_req_t *req;              /* NULL once the client went away */
	struct reqtoken *tok;
	struct wa_instance *inst;
	struct wref *wref;           /* the module, as this worker holds it */
	int route;
	uint64_t reqno;              /* for the log: thread.reqno */
	uint64_t t0, deadline, wake; /* CLOCK_MONOTONIC ns */
	size_t heapi;                /* place in the sleepers' heap */
	/* stdin: the body; stdout: the response; stderr: log lines */
	const uint8_t *in;
	size_t inlen, inoff;
	uint8_t *out;
	size_t outlen, outcap;
	int outfull;
	char errline[512];
	size_t errlen, errtotal;     /* stderr: the line so far, lines logged */
	/* the CGI environment, rebuilt per request in reused buffers */
	char *envbuf;
	size_t envcap;
	char **envp;
	size_t envpcap, envc;
};

struct worker {
	int id;
	pthread_t thread;
	h2o_globalconf_t conf;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	h2o_evloop_t *loop;
	h2o_socket_t **listeners;
	int nlisteners;
	h2o_socket_t *wake;          /* eventfd: the main thread's messages */
	int wakefd;
	struct wa_region *region;
	struct wa_host **hosts;      /* per route */
	struct wa_wasi_config *wasi; /* per route */
	struct job *jobs, *free;
	uint32_t njobs, busy;
	struct job *runq, **runq_tail;  /* preempted, in turn */
	struct job **sleepers;       /* a min-heap by wake time */
	size_t nsleep;
	struct counters c;
	/* read by the ticker thread: the guest running now, and a count of
	 * runs that tells one run from the next */
	struct wa_instance *running;
	uint64_t run_seq;
	int waiting;                 /* preempted guests wait their turn */
	timer_t slice_timer;         /* ends a resumed guest's slice */
	/* set by the main thread, then the wake event */
	int reload, drain, stopped;
	uint64_t drain_at;
	struct wref **cur;           /* per route: what new requests get */
	uint64_t reqno;
	char *logbuf;
	size_t loglen, logcap;
};

extern struct worker *workers;
extern int nworkers;

int workers_start(void);
void workers_signal(int reload, int drain);
void workers_join(void);

/* guest.c */
int guest_setup(struct worker *, char *err, size_t errlen);
void guest_teardown(struct worker *);
void worker_take_modules(struct worker *);
void job_start(struct worker *, h2o_req_t *);
void job_run(struct job *);          /* one slice of a runnable job */
void job_kill(struct job *, int status, const char *why);
void send_error(h2o_req_t *, int status, const char *reason, const char *body);
uint64_t now_ns(void);
void sleepers_push(struct worker *, struct job *);
uint64_t sleepers_next(const struct worker *);
struct job *sleepers_pop_due(struct worker *, uint64_t now);

/* ---- cgi.c ---- */
int cgi_env(struct job *, h2o_req_t *, const struct route *, char **why);
/* Send the guest's output as a CGI response: 0, or -1 and *why if it
 * is not one (nothing sent). */
int cgi_respond(h2o_req_t *, const uint8_t *out, size_t len, const char **why);
const char *cgi_protocol(int version);

/* ---- ticker.c ---- */
int ticker_start(void);
void ticker_stop(void);
void ticker_poke(void);              /* a guest starts: make sure it ticks */
int slice_init(void);
int slice_timer_create(struct worker *);
void slice_arm(struct worker *);
void slice_disarm(struct worker *);

/* ---- log.c ---- */
void log_open(void);
void log_reopen(void);
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void logreq(struct job *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void access_log(struct worker *, h2o_req_t *, uint64_t us);
void log_flush(struct worker *);

#endif
