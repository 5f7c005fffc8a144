/*
 * Routes and their modules.  A route is a path prefix and a module;
 * the longest prefix that matches whole path segments wins.  A module
 * is held by reference counts: the route holds its current one, each
 * worker the one it gives new requests (worker-local counts cover that
 * worker's requests, so the request path touches no shared counter).
 * SIGHUP loads every module again; requests running finish on the old
 * code, which is freed when the last of them is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "serve.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * A private copy of the .so in a memfd, which the module is loaded
 * from.  dlopen gives back the object already loaded under a name, so
 * loading the same path again on SIGHUP would keep the old code; and a
 * compiler writing a new .so over the old file in place would change
 * the code under running guests.  -1 and err if the file cannot be
 * read.
 */
static int
private_copy(const char *path, char *err, size_t errlen)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0 || (out = memfd_create("wasm-serve-module", MFD_CLOEXEC)) < 0)
		goto fail;
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n)
			goto fail;
	}
	close(in);
	return out;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return -1;
}

static struct modref *
load(const struct route *r, char *err, size_t errlen)
{
	struct modref *m = calloc(1, sizeof *m);
	char e[256], name[64];

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((m->fd = private_copy(r->path, err, errlen)) < 0) {
		free(m);
		return NULL;
	}
	snprintf(name, sizeof name, "/proc/self/fd/%d", m->fd);
	if (!(m->m = wa_module_load(name, e, sizeof e))) {
		/* the message names the copy: name the file instead */
		const char *reason = strncmp(e, name, strlen(name)) ? e : e + strlen(name) + (e[strlen(name)] == ':' ? 2 : 0);
		snprintf(err, errlen, "%s: %s", r->path, reason);
		close(m->fd);
		free(m);
		return NULL;
	}
	if (wa_module_export_func(m->m, "_start", &m->start)) {
		snprintf(err, errlen, "%s: no _start function: not a WASI command", r->path);
		wa_module_free(m->m);
		close(m->fd);
		free(m);
		return NULL;
	}
	m->refs = 1;
	return m;
}

int
routes_load(char *err, size_t errlen)
{
	int i;

	for (i = 0; i < opt.nroutes; i++)
		if (!(opt.routes[i].cur = load(&opt.routes[i], err, errlen)))
			return -1;
	return 0;
}

/* All or nothing: a module that fails to load leaves every route as it
 * was. */
int
routes_reload(void)
{
	struct modref **fresh = calloc((size_t)opt.nroutes, sizeof *fresh), *old;
	char err[300];
	int i;

	if (!fresh) {
		logmsg("reload: out of memory");
		return -1;
	}
	for (i = 0; i < opt.nroutes; i++) {
		if (!(fresh[i] = load(&opt.routes[i], err, sizeof err))) {
			logmsg("reload: %s; the modules stay as they were", err);
			while (i--)
				modref_put(fresh[i]);
			free(fresh);
			return -1;
		}
	}
	for (i = 0; i < opt.nroutes; i++) {
		pthread_mutex_lock(&lock);
		old = opt.routes[i].cur;
		opt.routes[i].cur = fresh[i];
		pthread_mutex_unlock(&lock);
		modref_put(old);
	}
	free(fresh);
	logmsg("reload: %d module%s loaded", opt.nroutes, opt.nroutes == 1 ? "" : "s");
	return 0;
}

struct modref *
modref_get(int route)
{
	struct modref *m;

	pthread_mutex_lock(&lock);
	m = opt.routes[route].cur;
	__atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
	return m;
}

void
modref_put(struct modref *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		wa_module_free(m->m);
		close(m->fd);
		free(m);
	}
}

/* The route of an absolute path: longest prefix ending at a segment
 * boundary ("/api" takes "/api" and "/api/x", not "/apix"); -1 if
 * none. */
int
route_match(const char *path, size_t len)
{
	int i, best = -1;
	size_t blen = 0;

	for (i = 0; i < opt.nroutes; i++) {
		const struct route *r = &opt.routes[i];
		size_t n = r->plen;
		if (n > len || memcmp(r->prefix, path, n))
			continue;
		if (n && n < len && r->prefix[n - 1] != '/' && path[n] != '/')
			continue;
		if (best < 0 || n > blen)
			best = i, blen = n;
	}
	return best;
}
