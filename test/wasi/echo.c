/*
 * A TCP server on the socket wasm-run hands in with --listen (the first
 * preopen, fd 3): accept one connection, answer each line upper-cased
 * (sock_recv and sock_send, then fd_read and fd_write on the same
 * connection), shut it down.  What it did goes to stdout.
 */
#include <ctype.h>
#include <unistd.h>

#include "rawwasi.h"

int
main(void)
{
	char buf[256];
	uint32_t iov[2] = {(uint32_t)(uintptr_t)buf, sizeof buf};
	uint8_t prestat[8], st[24];
	int32_t c, n, sent, i;
	uint16_t roflags;

	say("fd_prestat_get on the socket", raw_fd_prestat_get(3, prestat));
	raw_fd_fdstat_get(3, st);
	printf("%-56s %d\n", "its file type (6: socket_stream)", st[0]);
	say("sock_accept", raw_sock_accept(3, 0, &c));
	say("sock_recv", raw_sock_recv(c, iov, 1, 0, &n, &roflags));
	printf("%-56s %.*s", "  received", (int)n, buf);
	for (i = 0; i < n; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
	iov[1] = (uint32_t)n;
	say("sock_send", raw_sock_send(c, iov, 1, 0, &sent));
	printf("%-56s %d\n", "  sent bytes", sent);
	n = (int32_t)read(c, buf, sizeof buf);
	printf("%-56s %.*s", "read(2) on the connection", (int)n, buf);
	for (i = 0; i < n; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
	printf("%-56s %d\n", "write(2) on the connection", (int)write(c, buf, (size_t)n));
	say("sock_shutdown both ways", raw_sock_shutdown(c, 3));
	say("sock_shutdown with a bad how", raw_sock_shutdown(c, 0));
	say("sock_accept on the connection", raw_sock_accept(c, 0, &n));
	say("fd_close", raw_fd_close(c));
	say("fd_fdstat_set_flags non-blocking on the listener", raw_fd_fdstat_set_flags(3, 4));
	raw_fd_fdstat_get(3, st);
	printf("%-56s %d\n", "  its flags now", st[2]);
	say("sock_accept, nobody waiting", raw_sock_accept(3, 0, &n));
	return 0;
}
