/*
 * wasm-link: objects from wasm-codegen to a self-contained shared
 * object, through the system linker (ld.lld, else cc), then checked:
 * the only exported symbol is the contract, no symbol is left
 * undefined, no library is needed.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "contract.h"
#include "diag.h"
#include "link.h"

extern char **environ;

/* The build tree's archive (an absolute path, so that O= and BIN= do
 * not matter) and the installed one; the Makefile sets both. */
#ifndef WA_BUILTINS_BUILD
#define WA_BUILTINS_BUILD ""
#endif
#ifndef WA_BUILTINS_INSTALL
#define WA_BUILTINS_INSTALL "/usr/local/lib/wasm-aot/libwabuiltins.a"
#endif

/* Linker flags, in -Wl, form: commas separate the words.  The version
 * script keeps every symbol but the contract local. */
static const char *const ldflags[] = {
	"-z,noexecstack", "-z,now", "-z,relro", "--no-undefined", "-Bsymbolic",
	"--gc-sections", "--build-id", "--hash-style=gnu",
};

static char scriptpath[PATH_MAX], outpath[PATH_MAX];
static volatile sig_atomic_t have_script, keep_out;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-link [-v] [--builtins FILE] -o OUT.so OBJECT...\n"
	           "       wasm-link --check SO...\n"
	           "       wasm-link --seal SO...\n"
	           "       wasm-link --print-builtins\n");
	exit(status);
}

/* Temporaries and a refused output go on any exit, signals included. */
static void
cleanup(void)
{
	if (have_script)
		unlink(scriptpath);
	if (outpath[0] && !keep_out)
		unlink(outpath);
}

static void
on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* An installed copy relative to this program (BINDIR/../lib/wasm-aot),
 * so that an installed tree can move; NULL if there is none. */
static const char *
beside_exe(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 64);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = 0;
	if (!(slash = strrchr(buf, '/')))
		return NULL;
	strcpy(slash, "/../lib/wasm-aot/libwabuiltins.a");
	return access(buf, R_OK) == 0 ? buf : NULL;
}

/* --builtins, then $WA_BUILTINS, then an installed copy beside this
 * program, then the build tree's, then the configured install path. */
static const char *
builtins(const char *given)
{
	const char *env = getenv("WA_BUILTINS"), *p;

	if (given)
		return given;
	if (env && *env)
		return env;
	if ((p = beside_exe()))
		return p;
	if (*WA_BUILTINS_BUILD && access(WA_BUILTINS_BUILD, R_OK) == 0)
		return WA_BUILTINS_BUILD;
	if (access(WA_BUILTINS_INSTALL, R_OK) == 0)
		return WA_BUILTINS_INSTALL;
	fatal("cannot find libwabuiltins.a (looked beside the program, in %s and in %s; "
	      "set WA_BUILTINS)", *WA_BUILTINS_BUILD ? WA_BUILTINS_BUILD : "(no build tree)",
	      WA_BUILTINS_INSTALL);
}

static void
write_script(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	size_t i;
	int fd;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], on_signal);
	atexit(cleanup);
	snprintf(scriptpath, sizeof scriptpath, "%s/wasm-link-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(scriptpath)) < 0)
		fatal_errno("%s", scriptpath);
	have_script = 1;
	if (!(f = fdopen(fd, "w")))
		fatal_errno("%s", scriptpath);
	fprintf(f, "{ global: %s; local: *; };\n", WA_CONTRACT_SYMBOL);
	if (fclose(f))
		fatal_errno("%s", scriptpath);
}

static int
on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(buf, sizeof buf, "%.*s/%s", (int)(end - p), end == p ? "." : p, name);
		if (access(buf, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* $WA_LINKER, else ld.lld if installed, else cc. */
static const char *
linker(void)
{
	const char *env = getenv("WA_LINKER");

	if (env && *env)
		return env;
	return on_path("ld.lld") ? "ld.lld" : "cc";
}

/* The linker's command line: a linker proper (ld.lld, ld, ld.gold)
 * takes the flags as they are, a compiler driver behind -Wl, and
 * without its start files and libraries. */
static char **
link_command(const char *out, char **objs, int nobjs, const char *archive)
{
	char **cmd = xcalloc(nobjs + 32, sizeof *cmd), *w;
	const char *ld = linker(), *base = strrchr(ld, '/');
	int lld = !strncmp(base ? base + 1 : ld, "ld", 2), n = 0, i;
	size_t k;

	cmd[n++] = (char *)ld;
	cmd[n++] = "-shared";
	if (!lld)
		cmd[n++] = "-nostdlib";
	for (k = 0; k < sizeof ldflags / sizeof ldflags[0]; k++) {
		if (!lld) {
			w = xmalloc(strlen(ldflags[k]) + 5);
			cmd[n++] = strcat(strcpy(w, "-Wl,"), ldflags[k]);
			continue;
		}
		w = strcpy(xmalloc(strlen(ldflags[k]) + 1), ldflags[k]);
		for (cmd[n++] = w; (w = strchr(w, ',')); cmd[n++] = ++w)
			*w = 0;
	}
	w = xmalloc(strlen(scriptpath) + 32);
	sprintf(w, "%s--version-script=%s", lld ? "" : "-Wl,", scriptpath);
	cmd[n++] = w;
	cmd[n++] = "-o";
	cmd[n++] = (char *)out;
	for (i = 0; i < nobjs; i++)
		cmd[n++] = objs[i];
	cmd[n++] = (char *)archive;
	cmd[n] = NULL;
	return cmd;
}

static void
run(char **argv, int verbose)
{
	pid_t pid;
	int status, i;

	if (verbose) {
		for (i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	if ((errno = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)))
		fatal_errno("%s", argv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fatal_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fatal("%s failed", argv[0]);
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *given = NULL;
	char **objs = xcalloc(argc + 1, sizeof *objs);
	int nobjs = 0, verbose = 0, print = 0, check = 0, seal = 0, bad = 0, i;

	diag_setprog(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(stdout, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--builtins") && i + 1 < argc)
			given = argv[++i];
		else if (!strcmp(argv[i], "--check"))
			check = 1;
		else if (!strcmp(argv[i], "--seal"))
			seal = 1;
		else if (!strcmp(argv[i], "--print-builtins"))
			print = 1;
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (argv[i][0] == '-')
			fprintf(stderr, "wasm-link: unknown option %s\n", argv[i]), usage(stderr, 2);
		else
			objs[nobjs++] = argv[i];
	}
	if (print) {
		printf("%s\n", builtins(given));
		close_stdout();
		return 0;
	}
	if (check && !seal && nobjs && !out) {
		for (i = 0; i < nobjs; i++)
			bad |= check_shared_object(objs[i], 1);
		return bad ? 1 : 0;
	}
	if (seal && !check && nobjs && !out) {
		for (i = 0; i < nobjs; i++)
			seal_file(objs[i]);
		return 0;
	}
	if (!out || !nobjs || check || seal)
		usage(stderr, 2);
	for (i = 0; i < nobjs; i++)
		if (access(objs[i], R_OK))
			fatal_errno("%s", objs[i]);
	given = builtins(given);
	write_script();
	snprintf(outpath, sizeof outpath, "%s", out);
	run(link_command(out, objs, nobjs, given), verbose);
	if (check_shared_object(out, 0) < 0)
		exit(1);
	seal_file(out);
	keep_out = 1;
	return 0;
}
