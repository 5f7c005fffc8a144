/*
 * wasm-codegen: LLVM IR (text or bitcode) to a native object, through
 * the LLVM C API only.  With -o x.so it runs wasm-link on the object.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "codegen.h"
#include "diag.h"

#define TRIPLE "x86_64-pc-linux-gnu"

extern char **environ;

enum emit { EMIT_OBJ, EMIT_ASM, EMIT_LLVM, EMIT_SO };

struct opts {
	const char *in, *out;
	int olevel;
	const char *cpu;
	const char *passes;        /* --passes: instead of -O's pipeline */
	enum emit emit;
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-codegen [-O0|-O1|-O2|-O3] [--target-cpu CPU] [--passes PIPELINE]\n"
	           "                    [-c|-S|--emit-llvm] [-o FILE] [FILE]\n"
	           "       wasm-codegen --list-cpus\n");
	exit(status);
}

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int i, forced = 0;

	o->olevel = 2;
	o->cpu = "native";
	o->emit = EMIT_OBJ;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage(stdout, 0);
		else if (!strcmp(a, "--list-cpus"))
			cpu_list(stdout), exit(0);
		else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3])
			o->olevel = a[2] - '0';
		else if (!strcmp(a, "-o") && i + 1 < argc)
			o->out = argv[++i];
		else if (!strcmp(a, "--target-cpu") && i + 1 < argc)
			o->cpu = argv[++i];
		else if (!strncmp(a, "--target-cpu=", 13))
			o->cpu = a + 13;
		else if (!strcmp(a, "--passes") && i + 1 < argc)
			o->passes = argv[++i];
		else if (!strcmp(a, "-c"))
			o->emit = EMIT_OBJ, forced = 1;
		else if (!strcmp(a, "-S"))
			o->emit = EMIT_ASM, forced = 1;
		else if (!strcmp(a, "--emit-llvm"))
			o->emit = EMIT_LLVM, forced = 1;
		else if (a[0] == '-' && a[1])
			fprintf(stderr, "wasm-codegen: unknown option %s\n", a), usage(stderr, 2);
		else if (o->in)
			usage(stderr, 2);
		else
			o->in = a;
	}
	if (!forced && o->out && endswith(o->out, ".so"))
		o->emit = EMIT_SO;
}

/* An input error without a line: "wasm-codegen: FILE: message". */
_Noreturn void
input_error(const char *file, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s: ", argv0, file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* LLVM reports some errors (bad bitcode) through the context's
 * diagnostic handler, whose default prints and exits; keep the first
 * error's text instead. */
static char *llvm_error;

static void
diagnostic(LLVMDiagnosticInfoRef di, void *unused)
{
	char *msg = LLVMGetDiagInfoDescription(di);

	if (LLVMGetDiagInfoSeverity(di) == LLVMDSError && !llvm_error)
		llvm_error = strdup(msg);
	else if (LLVMGetDiagInfoSeverity(di) == LLVMDSWarning)
		warn("%s", msg);
	LLVMDisposeMessage(msg);
}

/* Back over the digits of ":N" ending at e; NULL unless there are some. */
static const char *
back_number(const char *start, const char *e)
{
	const char *p = e;

	while (p > start && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p < e && p > start && p[-1] == ':' ? p - 1 : NULL;
}

/* LLVM's parse errors read "NAME:LINE:COL: error: MESSAGE\nSOURCE\n^";
 * report them as "wasm-codegen: FILE:LINE:COL: MESSAGE" followed by
 * LLVM's source line and caret. */
static void
parse_error(const char *file, const char *msg)
{
	const char *e = strstr(msg, ": error: "), *colon, *loc = NULL;
	int n;

	if (e && (colon = back_number(msg, e)))
		loc = back_number(msg, colon);
	if (!loc)
		input_error(file, "%s", msg);
	e += strlen(": error: ");
	n = strlen(e);
	while (n && e[n - 1] == '\n')
		n--;
	fflush(stdout);
	fprintf(stderr, "%s: %s%.*s: %.*s\n", argv0, file, (int)(e - strlen(": error: ") - loc),
	        loc, n, e);
	exit(1);
}

static LLVMModuleRef
read_module(LLVMContextRef ctx, const char *path)
{
	size_t len;
	unsigned char *data = read_file(path, &len);
	const char *name = path;
	LLVMMemoryBufferRef buf;
	LLVMModuleRef mod;
	char *msg = NULL;

	buf = LLVMCreateMemoryBufferWithMemoryRangeCopy((const char *)data, len, name);
	free(data);
	if (len >= 4 && !memcmp(LLVMGetBufferStart(buf), "BC\xc0\xde", 4)) {
		if (LLVMParseBitcodeInContext2(ctx, buf, &mod))
			input_error(name, "invalid bitcode: %s", llvm_error ? llvm_error : "?");
		LLVMDisposeMemoryBuffer(buf);
	} else if (LLVMParseIRInContext(ctx, buf, &mod, &msg)) {
		parse_error(name, msg ? msg : "invalid LLVM IR");
	}
	if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
		size_t n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = 0;
		input_error(name, "invalid module: %s", msg);
	}
	LLVMDisposeMessage(msg);
	return mod;
}

static LLVMTargetMachineRef
make_target(const struct opts *o, struct cpu *cpu)
{
	static const LLVMCodeGenOptLevel levels[] = {
		LLVMCodeGenLevelNone, LLVMCodeGenLevelLess, LLVMCodeGenLevelDefault,
		LLVMCodeGenLevelAggressive,
	};
	const char *triple = TRIPLE;
	LLVMTargetRef target;
	char *msg = NULL;

	LLVMInitializeX86TargetInfo();
	LLVMInitializeX86Target();
	LLVMInitializeX86TargetMC();
	LLVMInitializeX86AsmPrinter();
	if (!cpu_resolve(o->cpu, cpu))
		fatal("unknown CPU '%s' (see --list-cpus)", o->cpu);
	if (LLVMGetTargetFromTriple(triple, &target, &msg))
		fatal("no x86-64 target in this LLVM: %s", msg);
	return LLVMCreateTargetMachine(target, triple, cpu->name, cpu->llvm_features,
	                               levels[o->olevel], LLVMRelocPIC, LLVMCodeModelDefault);
}

/* Whether every function the module defines is marked optnone (or cold:
 * the module's trap stubs, which are small): wasm-lower
 * leaves functions with loop nests too deep to optimise (lower-loop.c)
 * to LLVM unoptimised and gives them a partition of their own.  Such a
 * module is compiled as at -O0, pass pipeline and code generator (fast
 * instruction selection and register allocation): at -O2 the analyses
 * and machine passes (dominator trees, live ranges) that run even on
 * optnone functions take 6 s for a 20,000-deep nest, -O0 2.5 s. */
static int
unoptimised(LLVMModuleRef mod)
{
	unsigned optnone = LLVMGetEnumAttributeKindForName("optnone", 7);
	unsigned cold = LLVMGetEnumAttributeKindForName("cold", 4);
	LLVMValueRef f;
	int n = 0;

	for (f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) || LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, cold))
			continue;
		if (!LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, optnone))
			return 0;
		n++;
	}
	return n > 0;
}

static void
write_out(const char *path, const char *data, size_t len)
{
	FILE *f = stdout;

	if (path && strcmp(path, "-") && !(f = fopen(path, "wb")))
		fatal_errno("%s", path);
	if (fwrite(data, 1, len, f) != len)
		fatal_errno("%s", path ? path : "standard output");
	if (f == stdout)
		close_stdout();
	else if (fclose(f))
		fatal_errno("%s", path);
}

static void
emit(LLVMModuleRef mod, LLVMTargetMachineRef tm, enum emit kind, const char *path)
{
	LLVMMemoryBufferRef buf;
	char *msg = NULL;

	if (kind == EMIT_LLVM) {
		char *s = LLVMPrintModuleToString(mod);
		write_out(path, s, strlen(s));
		LLVMDisposeMessage(s);
		return;
	}
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, kind == EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile,
	                                        &msg, &buf))
		fatal("code generation failed: %s", msg);
	write_out(path, LLVMGetBufferStart(buf), LLVMGetBufferSize(buf));
	LLVMDisposeMemoryBuffer(buf);
}

/* wasm-link beside this program, else on PATH. */
static const char *
find_linker(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 16);
	char *slash;

	if (n > 0) {
		buf[n] = 0;
		if ((slash = strrchr(buf, '/'))) {
			strcpy(slash + 1, "wasm-link");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "wasm-link";
}

static char objpath[PATH_MAX];
static volatile sig_atomic_t have_obj;

static void
remove_obj(void)
{
	if (have_obj)
		unlink(objpath);
}

/* The temporary object goes on any exit, signals included. */
static void
on_signal(int sig)
{
	remove_obj();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
make_tempobj(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	const char *tmp = getenv("TMPDIR");
	size_t i;
	int fd;

	snprintf(objpath, sizeof objpath, "%s/wasm-codegen-XXXXXX.o", tmp && *tmp ? tmp : "/tmp");
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], on_signal);
	atexit(remove_obj);
	if ((fd = mkstemps(objpath, 2)) < 0)
		fatal_errno("%s", objpath);
	have_obj = 1;
	close(fd);
}

static void
link_so(LLVMModuleRef mod, LLVMTargetMachineRef tm, const char *out)
{
	char linker[PATH_MAX];
	char *argv[6];
	pid_t pid;
	int status;

	make_tempobj();
	emit(mod, tm, EMIT_OBJ, objpath);
	argv[0] = (char *)find_linker(linker, sizeof linker);
	argv[1] = "-o";
	argv[2] = (char *)out;
	argv[3] = objpath;
	argv[4] = NULL;
	if ((errno = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)))
		fatal_errno("%s", argv[0]);
	if (waitpid(pid, &status, 0) < 0)
		fatal_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(1); /* wasm-link said why */
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct cpu cpu;
	struct snapshot before;
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMTargetMachineRef tm;
	LLVMTargetDataRef td;
	const char *name;
	char *dl;

	diag_setprog(argv[0]);
	parse_args(argc, argv, &o);
	name = o.in ? o.in : "-";
	tm = make_target(&o, &cpu);
	ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(ctx, diagnostic, NULL);
	mod = read_module(ctx, name);
	LLVMSetTarget(mod, TRIPLE);
	td = LLVMCreateTargetDataLayout(tm);
	dl = LLVMCopyStringRepOfTargetData(td);
	LLVMSetDataLayout(mod, dl);
	LLVMDisposeMessage(dl);
	contract_set_cpu(mod, name, &cpu);
	if (o.olevel > 0 && !o.passes && unoptimised(mod)) {
		o.olevel = 0;
		LLVMDisposeTargetMachine(tm);
		tm = make_target(&o, &cpu);
	}
	pipeline_prepare(mod);
	pipeline_snapshot(mod, &before);
	optimise(mod, tm, o.olevel, o.passes);
	pipeline_check(mod, &before);
	mark_cpu(mod, &cpu);
	if (o.emit == EMIT_SO)
		link_so(mod, tm, o.out);
	else
		emit(mod, tm, o.emit, o.out);
	return 0;
}
