/*
 * A wasm-serve handler in C: any WASI program is one.  The request is
 * in the environment (CGI/1.1) and on stdin; the response is a CGI
 * header block, a blank line and the body on stdout.
 *
 *	clang --target=wasm32-wasi --sysroot=/usr -O2 hello.c -o hello.wasm
 *	wasm-aot hello.wasm -o hello.so
 *	wasm-serve --listen 127.0.0.1:8080 hello.so
 *	curl 'http://127.0.0.1:8080/?name=you'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
	const char *q = getenv("QUERY_STRING");
	const char *name = q && !strncmp(q, "name=", 5) ? q + 5 : "world";

	printf("Content-Type: text/plain\r\n\r\n");
	printf("Hello, %s!\n", name);
	return 0;
}
