/*
 * wasm-link: objects from wasm-codegen to a self-contained shared
 * object, through the system linker, then checked: the only exported
 * symbol is the contract and no symbol is left undefined.
 */
#include <errno.h>
#include <limits.h>
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

#ifndef WA_BUILTINS_BUILD
#define WA_BUILTINS_BUILD ""
#endif
#ifndef WA_BUILTINS_INSTALL
#define WA_BUILTINS_INSTALL "/usr/local/lib/wasm-aot/libwabuiltins.a"
#endif

static char scriptpath[PATH_MAX], outpath[PATH_MAX];
static int keep_out;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-link [-v] [--builtins FILE] -o OUT.so OBJECT...\n");
	exit(status);
}

static void
cleanup(void)
{
	if (scriptpath[0])
		unlink(scriptpath);
	if (outpath[0] && !keep_out)
		unlink(outpath);
}

static const char *
builtins(const char *given)
{
	const char *env = getenv("WA_BUILTINS");

	if (given)
		return given;
	if (env && *env)
		return env;
	if (*WA_BUILTINS_BUILD && access(WA_BUILTINS_BUILD, R_OK) == 0)
		return WA_BUILTINS_BUILD;
	if (access(WA_BUILTINS_INSTALL, R_OK) == 0)
		return WA_BUILTINS_INSTALL;
	fatal("cannot find libwabuiltins.a (looked in %s and %s; set WA_BUILTINS)",
	      *WA_BUILTINS_BUILD ? WA_BUILTINS_BUILD : "(no build tree)", WA_BUILTINS_INSTALL);
}

/* The version script that keeps every symbol but the contract local. */
static const char *
write_script(void)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(scriptpath, sizeof scriptpath, "%s/wasm-link-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(scriptpath)) < 0 || !(f = fdopen(fd, "w")))
		fatal_errno("%s", scriptpath);
	fprintf(f, "{ global: %s; local: *; };\n", WA_CONTRACT_SYMBOL);
	if (fclose(f))
		fatal_errno("%s", scriptpath);
	return scriptpath;
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
	if (waitpid(pid, &status, 0) < 0)
		fatal_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fatal("%s failed", argv[0]);
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *given = NULL, *vs;
	char **objs = xcalloc(argc + 1, sizeof *objs), **cmd;
	int nobjs = 0, verbose = 0, i, n = 0;
	char vsarg[PATH_MAX + 32];

	diag_setprog(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(stdout, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--builtins") && i + 1 < argc)
			given = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (argv[i][0] == '-')
			fprintf(stderr, "wasm-link: unknown option %s\n", argv[i]), usage(stderr, 2);
		else
			objs[nobjs++] = argv[i];
	}
	if (!out || !nobjs)
		usage(stderr, 2);
	for (i = 0; i < nobjs; i++)
		if (access(objs[i], R_OK))
			fatal_errno("%s", objs[i]);
	atexit(cleanup);
	vs = write_script();
	snprintf(vsarg, sizeof vsarg, "--version-script=%s", vs);
	snprintf(outpath, sizeof outpath, "%s", out);

	cmd = xcalloc(nobjs + 16, sizeof *cmd);
	cmd[n++] = "ld.lld";
	cmd[n++] = "-shared";
	cmd[n++] = "-o";
	cmd[n++] = (char *)out;
	cmd[n++] = "-z"; cmd[n++] = "noexecstack";
	cmd[n++] = "-z"; cmd[n++] = "now";
	cmd[n++] = "--no-undefined";
	cmd[n++] = "-Bsymbolic";
	cmd[n++] = vsarg;
	for (i = 0; i < nobjs; i++)
		cmd[n++] = objs[i];
	cmd[n++] = (char *)builtins(given);
	cmd[n] = NULL;
	run(cmd, verbose);
	if (check_shared_object(out) < 0)
		exit(1);
	keep_out = 1;
	return 0;
}
