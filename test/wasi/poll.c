/*
 * poll_oneoff with several subscriptions at once: clocks (relative, and
 * absolute on the realtime and monotonic clocks) beside fd readiness.
 * Standard input is a file holding "ready\n"; empty.fifo, in the
 * preopened directory, is a FIFO nobody writes to.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "rawwasi.h"

enum { EV_CLOCK, EV_READ, EV_WRITE };

struct sub {
	uint64_t userdata;
	uint8_t tag, pad[7];
	union {
		struct { uint32_t id, pad; uint64_t timeout, precision; uint16_t flags, pad2[3]; } clock;
		struct { uint32_t fd; } rw;
	} u;
};

struct event {
	uint64_t userdata;
	uint16_t error;
	uint8_t type, pad[5];
	uint64_t nbytes;
	uint16_t flags, pad2[3];
};

static struct sub
clock_sub(uint64_t ud, uint32_t id, uint64_t ns, int abs)
{
	struct sub s = {.userdata = ud, .tag = EV_CLOCK};

	s.u.clock.id = id;
	s.u.clock.timeout = ns;
	s.u.clock.flags = abs ? 1 : 0;
	return s;
}

static struct sub
fd_sub(uint64_t ud, int tag, uint32_t fd)
{
	struct sub s = {.userdata = ud, .tag = (uint8_t)tag};

	s.u.rw.fd = fd;
	return s;
}

static void
run(const char *label, struct sub *in, int n)
{
	struct event out[8];
	int32_t k, e, i;

	e = raw_poll_oneoff(in, out, n, &k);
	printf("%s: %s, %d events\n", label, errname(e), e ? 0 : k);
	for (i = 0; !e && i < k; i++)
		printf("  userdata %llu type %u error %s nbytes %llu hangup %u\n", (unsigned long long)out[i].userdata,
		       out[i].type, errname(out[i].error), (unsigned long long)out[i].nbytes, out[i].flags & 1);
}

int
main(void)
{
	struct sub s[4];
	uint64_t now;
	int fifo = open("empty.fifo", O_RDONLY | O_NONBLOCK);

	_Static_assert(sizeof(struct sub) == 48 && sizeof(struct event) == 32, "witx layout");
	s[0] = fd_sub(1, EV_READ, 0);
	s[1] = clock_sub(2, 1, 5000000000ull, 0);
	run("stdin has data, 5 s clock", s, 2);
	s[0] = fd_sub(3, EV_READ, (uint32_t)fifo);
	s[1] = clock_sub(4, 1, 1000000ull, 0);
	s[2] = clock_sub(5, 1, 3000000000ull, 0);
	run("an empty pipe, 1 ms and 3 s clocks", s, 3);
	raw_clock_time_get(0, 1, &now);
	s[0] = clock_sub(6, 0, now + 2000000ull, 1);
	run("realtime clock, absolute, 2 ms ahead", s, 1);
	raw_clock_time_get(1, 1, &now);
	s[0] = clock_sub(7, 1, now - 1000, 1);
	run("monotonic clock, absolute, in the past", s, 1);
	s[0] = fd_sub(8, EV_WRITE, 1);
	s[1] = fd_sub(9, EV_READ, 0);
	s[2] = fd_sub(10, EV_READ, 77);
	run("stdout writable, stdin readable, a bad descriptor", s, 3);
	s[0] = clock_sub(11, 9, 0, 0);
	run("an unknown clock", s, 1);
	s[0] = (struct sub){.userdata = 12, .tag = 3};
	run("an unknown subscription type", s, 1);
	run("no subscriptions", s, 0);
	return 0;
}
