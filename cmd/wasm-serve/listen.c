/*
 * Listening sockets.  Each worker has its own socket per --listen
 * address, bound with SO_REUSEPORT, so that the kernel spreads new
 * connections over the threads and no accept lock is shared.  Under
 * systemd socket activation (LISTEN_PID, LISTEN_FDS, sd_listen_fds(3))
 * the sockets passed in are used instead, by every worker.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve.h"

#define SD_LISTEN_FDS_START 3

static int **fds;            /* per thread */
static int *nfds;
static int metrics_fd = -1;

/* ADDR:PORT (a name or a numeric address, IPv6 in brackets; PORT 0: any
 * free port) to a listening socket; port_any >= 0: that port instead. */
int
listen_parse(const char *spec, int reuseport, int port_any, int *fd, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *ai, *a;
	char host[256], port[16];
	size_t n;
	int s = -1, one = 1, e = 0;

	if (!colon || !colon[1] || (n = (size_t)(colon - spec)) >= sizeof host || strlen(colon + 1) >= sizeof port) {
		snprintf(err, errlen, "%s: expected ADDR:PORT", spec);
		return -1;
	}
	memcpy(host, spec, n);
	host[n] = 0;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = 0;
	}
	if (port_any >= 0)
		snprintf(port, sizeof port, "%d", port_any);
	else
		snprintf(port, sizeof port, "%s", colon + 1);
	if ((e = getaddrinfo(*host ? host : NULL, port, &hints, &ai))) {
		snprintf(err, errlen, "%s: %s", spec, gai_strerror(e));
		return -1;
	}
	for (a = ai; a; a = a->ai_next) {
		if ((s = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol)) < 0) {
			e = errno;
			continue;
		}
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (reuseport)
			setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
		if (!bind(s, a->ai_addr, a->ai_addrlen) && !listen(s, SOMAXCONN))
			break;
		e = errno;
		close(s);
		s = -1;
	}
	freeaddrinfo(ai);
	if (s < 0) {
		snprintf(err, errlen, "%s: %s", spec, strerror(e));
		return -1;
	}
	*fd = s;
	return 0;
}

static int
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* systemd's sockets, if they are for us: their count, else 0. */
static int
systemd_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	char *end;
	long k;
	int i;

	if (!pid || !n || strtol(pid, &end, 10) != (long)getpid() || *end)
		return 0;
	k = strtol(n, &end, 10);
	if (*end || k < 1 || k > 64)
		return 0;
	for (i = 0; i < k; i++) {
		fcntl(SD_LISTEN_FDS_START + i, F_SETFD, FD_CLOEXEC);
		fcntl(SD_LISTEN_FDS_START + i, F_SETFL, fcntl(SD_LISTEN_FDS_START + i, F_GETFL) | O_NONBLOCK);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)k;
}

static int
alloc_tables(void)
{
	int t;

	fds = calloc((size_t)opt.threads, sizeof *fds);
	nfds = calloc((size_t)opt.threads, sizeof *nfds);
	if (!fds || !nfds)
		return -1;
	for (t = 0; t < opt.threads; t++)
		if (!(fds[t] = calloc((size_t)opt.nlisten + 64, sizeof **fds)))
			return -1;
	return 0;
}

/* Every thread's sockets for one --listen: the first decides the port
 * (PORT 0: a free one), the others share it through SO_REUSEPORT. */
static int
listen_one(const char *spec, char *err, size_t errlen)
{
	int t, fd, port = -1;

	for (t = 0; t < opt.threads; t++) {
		if (listen_parse(spec, 1, port, &fd, err, errlen))
			return -1;
		if (t == 0) {
			port = bound_port(fd);
			logmsg("listening on %.*s:%d", (int)(strrchr(spec, ':') - spec), spec, port);
		}
		fds[t][nfds[t]++] = fd;
	}
	return 0;
}

int
listen_prepare(void)
{
	char err[300];
	int i, t, k;

	if (alloc_tables()) {
		logmsg("out of memory");
		return -1;
	}
	if ((k = systemd_fds()) > 0) {
		/* each worker closes its own descriptor when it drains */
		for (t = 0; t < opt.threads; t++)
			for (i = 0; i < k; i++)
				fds[t][nfds[t]++] = t ? fcntl(SD_LISTEN_FDS_START + i, F_DUPFD_CLOEXEC, 3)
				                      : SD_LISTEN_FDS_START + i;
		logmsg("listening on %d socket%s from systemd", k, k == 1 ? "" : "s");
	} else if (!opt.nlisten) {
		logmsg("nothing to listen on: give --listen ADDR:PORT, or start under systemd socket activation");
		return -1;
	}
	for (i = 0; i < opt.nlisten; i++) {
		if (listen_one(opt.listen[i], err, sizeof err)) {
			logmsg("--listen %s", err);
			return -1;
		}
	}
	if (opt.metrics) {
		if (listen_parse(opt.metrics, 0, -1, &metrics_fd, err, sizeof err)) {
			logmsg("--metrics %s", err);
			return -1;
		}
		logmsg("metrics on %.*s:%d", (int)(strrchr(opt.metrics, ':') - opt.metrics), opt.metrics,
		       bound_port(metrics_fd));
	}
	return 0;
}

int
listen_fds(int t, int **out)
{
	*out = fds[t];
	return nfds[t];
}

int
listen_metrics_fd(void)
{
	return metrics_fd;
}
