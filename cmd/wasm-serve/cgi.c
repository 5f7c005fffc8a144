/*
 * The guest interface: CGI/1.1 (RFC 3875) over WASI.  The request goes
 * into the environment (meta-variables) and stdin; the guest writes a
 * CGI header block and the body to stdout.  No HTTP parsing here: h2o
 * parsed the request; the header block is CGI's own small format.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* Longest header block a guest may write before its blank line. */
#define MAX_CGI_HEADER (64u << 10)

/* ---- the environment ---- */

struct envb {
	struct job *j;
	size_t len, n;               /* bytes, variables */
	int oom;
};

static void
grow(struct envb *e, size_t extra)
{
	struct job *j = e->j;
	size_t cap = j->envcap ? j->envcap : 4096;
	char *p;

	if (e->len + extra <= j->envcap)
		return;
	while (cap < e->len + extra)
		cap *= 2;
	if (!(p = realloc(j->envbuf, cap))) {
		e->oom = 1;
		return;
	}
	j->envbuf = p, j->envcap = cap;
}

/* Append to the variable being built. */
static void
put(struct envb *e, const char *s, size_t n)
{
	grow(e, n + 1);
	if (e->oom)
		return;
	memcpy(e->j->envbuf + e->len, s, n);
	e->len += n;
}

/* Start a variable; its offset goes in envp until the end. */
static void
begin(struct envb *e)
{
	struct job *j = e->j;

	if (e->n + 2 > j->envpcap) {
		size_t cap = j->envpcap ? 2 * j->envpcap : 64;
		char **p = realloc(j->envp, cap * sizeof *p);
		if (!p) {
			e->oom = 1;
			return;
		}
		j->envp = p, j->envpcap = cap;
	}
	if (!e->oom)
		j->envp[e->n++] = (char *)(uintptr_t)e->len;
}

static void
end(struct envb *e)
{
	put(e, "", 1);
}

static void
var(struct envb *e, const char *name, const char *val, size_t vlen)
{
	begin(e);
	put(e, name, strlen(name));
	put(e, "=", 1);
	put(e, val, vlen);
	end(e);
}

static void
vars(struct envb *e, const char *name, const char *val)
{
	var(e, name, val, strlen(val));
}

/* NAME_ADDR and NAME_PORT of a socket address; the address also in
 * host (INET6_ADDRSTRLEN bytes). */
static void
addr_vars(struct envb *e, struct sockaddr *sa, const char *addr, const char *port, char *host)
{
	char num[8];
	unsigned p = 0;

	host[0] = 0;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s->sin_addr, host, INET6_ADDRSTRLEN);
		p = ntohs(s->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s->sin6_addr, host, INET6_ADDRSTRLEN);
		p = ntohs(s->sin6_port);
	}
	snprintf(num, sizeof num, "%u", p);
	vars(e, addr, host);
	vars(e, port, num);
}

/* HTTP_NAME for a header: upper case, '-' as '_'. */
static void
header_name(struct envb *e, const h2o_iovec_t *name)
{
	size_t i;
	char c;

	put(e, "HTTP_", 5);
	for (i = 0; i < name->len; i++) {
		c = name->base[i];
		c = c == '-' ? '_' : c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		put(e, &c, 1);
	}
}

static int
same_name(const h2o_header_t *a, const h2o_header_t *b)
{
	return a->name == b->name || h2o_memis(a->name->base, a->name->len, b->name->base, b->name->len);
}

/*
 * One HTTP_* variable per header name, repeated fields joined with ", "
 * (cookies with "; ") as RFC 3875 4.1.18 says.  Content-Type and
 * Content-Length have their own variables; Proxy is left out (a guest
 * must not take it for HTTP_PROXY, "httpoxy").
 */
static void
header_vars(struct envb *e, const h2o_req_t *req)
{
	size_t i, k;

	for (i = 0; i < req->headers.size; i++) {
		const h2o_header_t *h = &req->headers.entries[i];
		int seen = 0;
		if (h->name == &H2O_TOKEN_CONTENT_TYPE->buf || h->name == &H2O_TOKEN_CONTENT_LENGTH->buf ||
		    h2o_lcstris(h->name->base, h->name->len, H2O_STRLIT("proxy")))
			continue;
		for (k = 0; k < i && !seen; k++)
			seen = same_name(&req->headers.entries[k], h);
		if (seen)
			continue;
		begin(e);
		header_name(e, h->name);
		put(e, "=", 1);
		put(e, h->value.base, h->value.len);
		for (k = i + 1; k < req->headers.size; k++) {
			if (!same_name(&req->headers.entries[k], h))
				continue;
			if (h->name == &H2O_TOKEN_COOKIE->buf)
				put(e, "; ", 2);
			else
				put(e, ", ", 2);
			put(e, req->headers.entries[k].value.base, req->headers.entries[k].value.len);
		}
		end(e);
	}
}

const char *
cgi_protocol(int version)
{
	return version >= 0x200 ? "HTTP/2" : version == 0x100 ? "HTTP/1.0" : "HTTP/1.1";
}

/* SERVER_NAME: the Host the client asked for, without its port; else
 * the address it reached. */
static void
server_name(struct envb *e, const h2o_req_t *req, const char *local)
{
	const char *a = req->authority.base;
	size_t n = req->authority.len, i;

	if (n && a[0] == '[') {
		for (i = 0; i < n && a[i] != ']'; i++)
			;
		n = i < n ? i + 1 : n;
	} else {
		for (i = 0; i < n && a[i] != ':'; i++)
			;
		n = i;
	}
	if (n)
		var(e, "SERVER_NAME", a, n);
	else
		vars(e, "SERVER_NAME", local);
}

static void
content_vars(struct envb *e, const h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
	char num[24];

	if (i >= 0)
		var(e, "CONTENT_TYPE", req->headers.entries[i].value.base, req->headers.entries[i].value.len);
	if (req->entity.base) {
		snprintf(num, sizeof num, "%zu", req->entity.len);
		vars(e, "CONTENT_LENGTH", num);
	}
}

static void
path_vars(struct envb *e, const h2o_req_t *req, const struct route *r)
{
	const h2o_iovec_t *p = &req->path_normalized;
	size_t plen = r->plen && r->prefix[r->plen - 1] == '/' ? r->plen - 1 : r->plen;

	var(e, "SCRIPT_NAME", r->prefix, plen);
	var(e, "PATH_INFO", p->base + plen, p->len - plen);
	if (req->query_at != SIZE_MAX)
		var(e, "QUERY_STRING", req->path.base + req->query_at + 1, req->path.len - req->query_at - 1);
	else
		var(e, "QUERY_STRING", "", 0);
	var(e, "REQUEST_URI", req->path.base, req->path.len);
}

/* The connection's local address: libh2o asks the kernel each time (it
 * keeps only the peer's), so each thread keeps the answers of recent
 * connections, by connection id (ids are consecutive: few collide). */
#define LOCAL_CACHE 256

static void
local_addr(h2o_conn_t *conn, struct sockaddr_storage *ss)
{
	static __thread struct {
		uint64_t id;
		struct sockaddr_in6 sa;  /* big enough for both families */
	} cache[LOCAL_CACHE];
	size_t k = conn->id % LOCAL_CACHE;

	if (cache[k].id != conn->id + 1) {
		memset(ss, 0, sizeof *ss);
		conn->callbacks->get_sockname(conn, (struct sockaddr *)ss);
		memcpy(&cache[k].sa, ss, sizeof cache[k].sa);
		cache[k].id = conn->id + 1;
		return;
	}
	memset(ss, 0, sizeof *ss);
	memcpy(ss, &cache[k].sa, sizeof cache[k].sa);
}

int
cgi_env(struct job *j, h2o_req_t *req, const struct route *r, char **why)
{
	struct envb e = {.j = j};
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN];
	size_t i;

	/* the operator's first: a guest's getenv finds the first of a name */
	for (i = 0; i < (size_t)r->nenv; i++) {
		begin(&e);
		put(&e, r->env[i], strlen(r->env[i]));
		end(&e);
	}
	vars(&e, "GATEWAY_INTERFACE", "CGI/1.1");
	vars(&e, "SERVER_SOFTWARE", SERVER_SOFTWARE);
	vars(&e, "SERVER_PROTOCOL", cgi_protocol(req->version));
	var(&e, "REQUEST_METHOD", req->method.base, req->method.len);
	path_vars(&e, req, r);
	content_vars(&e, req);
	memset(&ss, 0, sizeof ss);
	req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	addr_vars(&e, (struct sockaddr *)&ss, "REMOTE_ADDR", "REMOTE_PORT", host);
	local_addr(req->conn, &ss);
	addr_vars(&e, (struct sockaddr *)&ss, "SERVER_ADDR", "SERVER_PORT", host);
	server_name(&e, req, host);
	/* h2o keeps Host (HTTP/2's :authority) out of the header list */
	if (req->authority.len)
		var(&e, "HTTP_HOST", req->authority.base, req->authority.len);
	header_vars(&e, req);
	if (e.oom) {
		*why = "out of memory for the CGI environment";
		return -1;
	}
	for (i = 0; i < e.n; i++)
		j->envp[i] = j->envbuf + (uintptr_t)j->envp[i];
	j->envp[e.n] = NULL;
	j->envc = e.n;
	return 0;
}

/* ---- the response ---- */

static const char *
reason_of(int status)
{
	static const struct {
		int status;
		const char *reason;
	} t[] = {
		{200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"},
		{301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"}, {304, "Not Modified"},
		{307, "Temporary Redirect"}, {308, "Permanent Redirect"}, {400, "Bad Request"},
		{401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
		{409, "Conflict"}, {410, "Gone"}, {413, "Content Too Large"}, {415, "Unsupported Media Type"},
		{418, "I'm a teapot"}, {422, "Unprocessable Content"}, {429, "Too Many Requests"},
		{500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
		{503, "Service Unavailable"}, {504, "Gateway Timeout"},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		if (t[i].status == status)
			return t[i].reason;
	return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
}

static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Headers the server owns, not the guest: framing and the connection. */
static int
hop_by_hop(const char *n, size_t len)
{
	static const char *const names[] = {"connection", "transfer-encoding", "content-length", "keep-alive",
	                                    "upgrade", "te", "trailer", "proxy-connection"};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (h2o_lcstris(n, len, names[i], strlen(names[i])))
			return 1;
	return 0;
}

struct cgihdr {
	int status, has_type, has_location;
	const char *reason;
	size_t reasonlen;
};

/* One "Name: value" line (without its end): 0, or -1 and *why. */
static int
header_line(h2o_req_t *req, const char *s, size_t n, struct cgihdr *h, const char **why)
{
	size_t k = 0, v, e;
	char *orig, *lower;

	while (k < n && tchar((unsigned char)s[k]))
		k++;
	if (k == 0 || k == n || s[k] != ':')
		return *why = "a header line is not \"Name: value\"", -1;
	for (v = k + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
		;
	for (e = n; e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
		;
	for (size_t i = v; i < e; i++)
		if (((unsigned char)s[i] < 32 && s[i] != '\t') || s[i] == 127)
			return *why = "a control character in a header value", -1;
	if (h2o_lcstris(s, k, H2O_STRLIT("status"))) {
		if (e - v < 3 || s[v] < '1' || s[v] > '5' || s[v + 1] < '0' || s[v + 1] > '9' || s[v + 2] < '0' ||
		    s[v + 2] > '9' || (e - v > 3 && s[v + 3] != ' '))
			return *why = "Status is not \"NNN reason\" with NNN from 100 to 599", -1;
		h->status = (s[v] - '0') * 100 + (s[v + 1] - '0') * 10 + (s[v + 2] - '0');
		h->reason = e - v > 4 ? s + v + 4 : NULL;
		h->reasonlen = e - v > 4 ? e - v - 4 : 0;
		return 0;
	}
	if (hop_by_hop(s, k))
		return 0;
	h->has_type |= h2o_lcstris(s, k, H2O_STRLIT("content-type"));
	h->has_location |= h2o_lcstris(s, k, H2O_STRLIT("location"));
	/* lower case, as HTTP/2 needs and h2o's tokens are; HTTP/1 shows
	 * the guest's spelling (orig_name) */
	orig = h2o_strdup(&req->pool, s, k).base;
	lower = h2o_strdup(&req->pool, s, k).base;
	h2o_strtolower(lower, k);
	h2o_add_header_by_str(&req->pool, &req->res.headers, lower, k, 1, orig,
	                      h2o_strdup(&req->pool, s + v, e - v).base, e - v);
	return 0;
}

/*
 * The guest's output: header lines ending in LF or CRLF, a blank line,
 * the body.  A document response has Content-Type (status 200 unless
 * Status says otherwise); a redirect has Location (302 unless Status
 * says otherwise); Status alone is allowed too.
 */
int
cgi_respond(h2o_req_t *req, const uint8_t *out, size_t len, const char **why)
{
	const char *s = (const char *)out, *nl;
	size_t off = 0, n, lim = len < MAX_CGI_HEADER ? len : MAX_CGI_HEADER;
	struct cgihdr h = {0};

	for (;;) {
		if (!(nl = memchr(s + off, '\n', lim - off))) {
			*why = len ? "no blank line ends the header block" : "no output";
			return -1;
		}
		n = (size_t)(nl - (s + off));
		if (n && s[off + n - 1] == '\r')
			n--;
		if (!n)
			break;
		if (header_line(req, s + off, n, &h, why))
			return -1;
		off = (size_t)(nl - s) + 1;
	}
	off = (size_t)(nl - s) + 1;
	if (!h.status && !h.has_type && !h.has_location) {
		*why = "no Content-Type, Status or Location";
		return -1;
	}
	req->res.status = h.status ? h.status : h.has_location && !h.has_type ? 302 : 200;
	req->res.reason = h.reason ? h2o_strdup(&req->pool, h.reason, h.reasonlen).base : reason_of(req->res.status);
	req->res.content_length = len - off;
	h2o_send_inline(req, s + off, len - off);
	return 0;
}
