/*
 * Logs.  The error log is standard error, one line per event, each
 * written with one write(2) so that threads' lines do not mix.  The
 * access log is Combined Log Format plus the duration in microseconds,
 * for every response (h2o's own errors included); each worker formats
 * into its own buffer and writes it out once per turn of its loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "serve.h"

#define LOGBUF_FLUSH (16u << 10)   /* write out past this many bytes */

static int accfd = 2;              /* -1: no access log */

void
log_open(void)
{
	int fd;

	if (!opt.access_log || !strcmp(opt.access_log, "-")) {
		accfd = 2;
	} else if (!strcmp(opt.access_log, "none")) {
		accfd = -1;
	} else if ((fd = open(opt.access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "%s: --access-log %s: %s\n", argv0, opt.access_log, strerror(errno));
		exit(1);
	} else {
		accfd = fd;
	}
}

/* SIGHUP: a rotated log file is opened again under its name; the
 * descriptor number stays, so the workers need not know. */
void
log_reopen(void)
{
	int fd;

	if (accfd <= 2)
		return;
	if ((fd = open(opt.access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		logmsg("reopening %s: %s", opt.access_log, strerror(errno));
		return;
	}
	dup3(fd, accfd, O_CLOEXEC);
	close(fd);
}

static void
vline(const char *pre, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "%s: %s", argv0, pre);

	if (n < 0 || (size_t)n >= sizeof buf)
		n = 0;
	n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof buf - 1)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0) {
		/* nowhere to say it */
	}
}

void
logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

/* A line about a request: its number (thread.count), method and path,
 * so that the guest's stderr and the server's verdict go together. */
void
logreq(struct job *j, const char *fmt, ...)
{
	char pre[320];
	const h2o_req_t *r = j->req;
	va_list ap;

	if (r)
		snprintf(pre, sizeof pre, "request %d.%llu %.*s %.*s: ", j->w->id, (unsigned long long)j->reqno,
		         (int)(r->input.method.len < 16 ? r->input.method.len : 16), r->input.method.base,
		         (int)(r->input.path.len < 200 ? r->input.path.len : 200), r->input.path.base);
	else
		snprintf(pre, sizeof pre, "request %d.%llu: ", j->w->id, (unsigned long long)j->reqno);
	va_start(ap, fmt);
	vline(pre, fmt, ap);
	va_end(ap);
}

static void
reserve(struct worker *w, size_t n)
{
	size_t cap = w->logcap ? w->logcap : 2 * LOGBUF_FLUSH;
	char *p;

	if (w->loglen + n <= w->logcap)
		return;
	while (cap < w->loglen + n)
		cap *= 2;
	if ((p = realloc(w->logbuf, cap)))
		w->logbuf = p, w->logcap = cap;
}

static void
out(struct worker *w, const char *s, size_t n)
{
	reserve(w, n);
	if (w->loglen + n <= w->logcap) {
		memcpy(w->logbuf + w->loglen, s, n);
		w->loglen += n;
	}
}

/* A field in quotes, with '"', '\' and control bytes as \xNN. */
static void
quoted(struct worker *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', 0, 0};
	size_t i;

	out(w, "\"", 1);
	if (!s) {
		out(w, "-", 1);
		n = 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 32 || c >= 127 || c == '"' || c == '\\') {
			e[2] = hex[c >> 4], e[3] = hex[c & 15];
			out(w, e, 4);
		} else {
			out(w, (const char *)&c, 1);
		}
	}
	out(w, "\"", 1);
}

static void
header(struct worker *w, h2o_req_t *req, const h2o_token_t *t)
{
	ssize_t i = h2o_find_header(&req->headers, t, -1);

	if (i < 0)
		quoted(w, NULL, 0);
	else
		quoted(w, req->headers.entries[i].value.base, req->headers.entries[i].value.len);
}

void
access_log(struct worker *w, h2o_req_t *req, uint64_t us)
{
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN] = "-", buf[256], line[600];
	int n;

	if (accfd < 0)
		return;
	memset(&ss, 0, sizeof ss);
	if (req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss)) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
	}
	if (!req->processed_at.str)
		h2o_get_timestamp(req->conn->ctx, &req->pool, &req->processed_at);
	n = snprintf(buf, sizeof buf, "%s - - [%s] ", host, req->processed_at.str->log);
	out(w, buf, (size_t)n);
	n = snprintf(line, sizeof line, "%.*s %.*s %s", (int)(req->input.method.len < 32 ? req->input.method.len : 32),
	             req->input.method.base ? req->input.method.base : "-",
	             (int)(req->input.path.len < 512 ? req->input.path.len : 512),
	             req->input.path.base ? req->input.path.base : "", cgi_protocol(req->version));
	quoted(w, line, n > 0 ? (size_t)n < sizeof line ? (size_t)n : sizeof line - 1 : 0);
	n = snprintf(buf, sizeof buf, " %d %zu ", req->res.status, req->bytes_sent);
	out(w, buf, (size_t)n);
	header(w, req, H2O_TOKEN_REFERER);
	out(w, " ", 1);
	header(w, req, H2O_TOKEN_USER_AGENT);
	n = snprintf(buf, sizeof buf, " %llu\n", (unsigned long long)us);
	out(w, buf, (size_t)n);
	if (w->loglen >= LOGBUF_FLUSH)
		log_flush(w);
}

void
log_flush(struct worker *w)
{
	size_t off = 0;
	ssize_t n;

	while (off < w->loglen && accfd >= 0) {
		n = write(accfd, w->logbuf + off, w->loglen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	w->loglen = 0;
}
