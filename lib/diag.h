/*
 * Diagnostics: the three kinds of failure.
 *   input errors   prog: file:line: message        exit 1
 *                  prog: file: 0xOFFSET: message   exit 1 (binaries)
 *   system errors  prog: message: strerror         exit 1
 *   internal bugs  prog: file.c:123: internal error: message, abort()
 *   usage errors   exit 2 (usage())
 * A library user (a fuzzer, the runtime) may catch input errors instead
 * of exiting: diag_catch() arms a jmp_buf, and the message is kept in
 * diag_message(); both are per thread.
 */
#ifndef WA_DIAG_H
#define WA_DIAG_H

#include <setjmp.h>
#include <stdint.h>

extern const char *argv0;

void diag_setprog(const char *argv0);
_Noreturn void error_line(const char *file, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void error_offset(const char *file, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatal_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define die(...) die_at(__FILE__, __LINE__, __VA_ARGS__)
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* on: input and system errors end the process with _exit(1), not
 * exit(1): for a program whose other threads may be inside a library
 * whose exit handlers would pull state from under them. */
void diag_fast_exit(int on);

/* Catching input errors: set with diag_catch(&jb) before setjmp(jb);
 * diag_catch(NULL) restores exiting.  The jmp_buf and the message are
 * the calling thread's. */
void diag_catch(jmp_buf *jb);
jmp_buf *diag_catcher(void);
const char *diag_message(void);

/* Standard output can fail: flush and check it, exit 1 on error. */
void close_stdout(void);

/* Read a whole file ("-" or NULL is standard input). */
unsigned char *read_file(const char *path, size_t *len);

#endif
