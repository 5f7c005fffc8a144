/*
 * wasm-codegen: LLVM IR (text or bitcode) to a native object, through
 * the LLVM C API only.  With -o x.so it runs wasm-link on the object.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
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

#include "arena.h"
#include "codegen.h"
#include "contract.h"
#include "diag.h"

#define TRIPLE "x86_64-pc-linux-gnu"

extern char **environ;

enum emit { EMIT_OBJ, EMIT_ASM, EMIT_LLVM, EMIT_SO };

struct opts {
	const char **ins;          /* the inputs (none: standard input) */
	int nin;
	const char *out;
	int olevel;
	int jobs;                  /* -j: threads for several inputs (0: CPUs) */
	const char *cpu;
	const char *passes;        /* --passes: instead of -O's pipeline */
	enum emit emit;
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: wasm-codegen [-O0|-O1|-O2|-O3] [--target-cpu CPU] [--passes PIPELINE]\n"
	           "                    [-c|-S|--emit-llvm] [-o FILE] [FILE]\n"
	           "       wasm-codegen [-O0|-O1|-O2|-O3] [--target-cpu CPU] [--passes PIPELINE]\n"
	           "                    [-c|-S] [-j N] FILE...\n"
	           "       wasm-codegen --list-cpus\n");
	exit(status);
}

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int
jobs_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || end == s || n < 1 || n > 1024) {
		fprintf(stderr, "wasm-codegen: -j needs a number from 1 to 1024\n");
		usage(stderr, 2);
	}
	return (int)n;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int i, forced = 0;

	o->ins = xmalloc((size_t)argc * sizeof *o->ins);
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
		else if (!strcmp(a, "-j") && i + 1 < argc)
			o->jobs = jobs_arg(argv[++i]);
		else if (!strncmp(a, "-j", 2) && a[2])
			o->jobs = jobs_arg(a + 2);
		else if (!strcmp(a, "-c"))
			o->emit = EMIT_OBJ, forced = 1;
		else if (!strcmp(a, "-S"))
			o->emit = EMIT_ASM, forced = 1;
		else if (!strcmp(a, "--emit-llvm"))
			o->emit = EMIT_LLVM, forced = 1;
		else if (a[0] == '-' && a[1])
			fprintf(stderr, "wasm-codegen: unknown option %s\n", a), usage(stderr, 2);
		else
			o->ins[o->nin++] = a;
	}
	if (!forced && o->out && endswith(o->out, ".so"))
		o->emit = EMIT_SO;
	if (o->nin > 1 && o->out) {
		fprintf(stderr, "wasm-codegen: -o names one output; with several inputs each goes beside its input\n");
		usage(stderr, 2);
	}
	if (o->nin > 1 && o->emit == EMIT_LLVM) {
		fprintf(stderr, "wasm-codegen: --emit-llvm takes one input\n");
		usage(stderr, 2);
	}
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
static __thread char *llvm_error;

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
read_module(LLVMContextRef ctx, const char *path, size_t *size)
{
	size_t len;
	unsigned char *data = read_file(path, &len);
	const char *name = path;
	LLVMMemoryBufferRef buf;
	LLVMModuleRef mod;
	char *msg = NULL;

	*size = len;
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

static void
init_target(const struct opts *o, struct cpu *cpu)
{
	LLVMInitializeX86TargetInfo();
	LLVMInitializeX86Target();
	LLVMInitializeX86TargetMC();
	LLVMInitializeX86AsmPrinter();
	if (!cpu_resolve(o->cpu, cpu))
		fatal("unknown CPU '%s' (see --list-cpus)", o->cpu);
}

static LLVMTargetMachineRef
make_target(int olevel, const struct cpu *cpu)
{
	static const LLVMCodeGenOptLevel levels[] = {
		LLVMCodeGenLevelNone, LLVMCodeGenLevelLess, LLVMCodeGenLevelDefault,
		LLVMCodeGenLevelAggressive,
	};
	const char *triple = TRIPLE;
	LLVMTargetRef target;
	char *msg = NULL;

	if (LLVMGetTargetFromTriple(triple, &target, &msg))
		fatal("no x86-64 target in this LLVM: %s", msg);
	return LLVMCreateTargetMachine(target, triple, cpu->name, cpu->llvm_features,
	                               levels[olevel], LLVMRelocPIC, LLVMCodeModelDefault);
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

/* One input: read in the main thread, compiled in any. */
struct unit {
	const char *in;
	char *out;
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	int olevel;
	int slp;
	size_t size;              /* of the input, to start the largest first */
};

static void
load_unit(struct unit *u, const struct opts *o, const struct cpu *cpu, const char *dl)
{
	u->ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(u->ctx, diagnostic, NULL);
	u->mod = read_module(u->ctx, u->in, &u->size);
	LLVMSetTarget(u->mod, TRIPLE);
	LLVMSetDataLayout(u->mod, dl);
	contract_set_cpu(u->mod, u->in, cpu);
	u->olevel = o->olevel;
	if (o->olevel > 0 && !o->passes && unoptimised(u->mod))
		u->olevel = 0;
	u->slp = slp_wanted(u->mod, u->olevel);
}

static void
compile_unit(struct unit *u, const struct opts *o, const struct cpu *cpu)
{
	LLVMTargetMachineRef tm = make_target(u->olevel, cpu);
	struct snapshot before;

	pipeline_prepare(u->mod);
	pipeline_snapshot(u->mod, &before);
	optimise(u->mod, tm, u->olevel, o->passes, u->slp);
	pipeline_check(u->mod, &before);
	if (u->olevel > 0)
		anchors_rewrite(u->mod, cpu->features & WA_CPU_AVX512F ? 512 : cpu->features & WA_CPU_AVX ? 256 : 128);
	mark_cpu(u->mod, cpu);
	if (o->emit == EMIT_SO)
		link_so(u->mod, tm, u->out);
	else
		emit(u->mod, tm, o->emit, u->out);
	LLVMDisposeTargetMachine(tm);
	LLVMDisposeModule(u->mod);
	LLVMContextDispose(u->ctx);
	u->mod = NULL;
}

/* FILE.bc (or .ll, or anything) gives FILE.o (.s with -S). */
static char *
output_beside(const char *in, enum emit kind)
{
	size_t n = strlen(in);
	char *out;

	if (endswith(in, ".bc") || endswith(in, ".ll"))
		n -= 3;
	out = xmalloc(n + 3);
	memcpy(out, in, n);
	strcpy(out + n, kind == EMIT_ASM ? ".s" : ".o");
	return out;
}

/* The threads of several inputs take the next unit, largest first. */
struct work {
	struct unit *units;
	int n, next;
	const struct opts *o;
	const struct cpu *cpu;
	pthread_mutex_t lock;
};

static void *
worker(void *arg)
{
	struct work *w = arg;

	for (;;) {
		int i;
		pthread_mutex_lock(&w->lock);
		i = w->next < w->n ? w->next++ : -1;
		pthread_mutex_unlock(&w->lock);
		if (i < 0)
			return NULL;
		compile_unit(&w->units[i], w->o, w->cpu);
	}
}

static int
by_size_desc(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;

	return (x->size < y->size) - (x->size > y->size);
}

/* The SLP setting is the process's: every unit must agree. */
static int
common_slp(const struct unit *u, int n)
{
	int i, slp = -1;
	const char *first = NULL;

	for (i = 0; i < n; i++) {
		if (u[i].slp < 0)
			continue;
		if (slp >= 0 && u[i].slp != slp)
			input_error(u[i].in, "needs the SLP vectoriser %s, unlike %s (wasm SIMD in one module "
			            "only): compile them in separate runs", u[i].slp ? "on" : "off", first);
		slp = u[i].slp, first = u[i].in;
	}
	return slp;
}

static void
compile_all(struct unit *units, int n, const struct opts *o, const struct cpu *cpu)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nthreads = o->jobs ? o->jobs : cpus > 0 ? (int)cpus : 1, i;
	struct work w = {units, n, 0, o, cpu, PTHREAD_MUTEX_INITIALIZER};
	pthread_t *tids;

	nthreads = nthreads < n ? nthreads : n;
	qsort(units, (size_t)n, sizeof *units, by_size_desc);
	if (nthreads <= 1) {
		worker(&w);
		return;
	}
	/* an error in one thread ends the process without running the
	 * exit handlers under the others' feet */
	diag_fast_exit(1);
	tids = xmalloc((size_t)nthreads * sizeof *tids);
	for (i = 0; i < nthreads; i++)
		if ((errno = pthread_create(&tids[i], NULL, worker, &w)))
			fatal_errno("pthread_create");
	for (i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	diag_fast_exit(0);
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct cpu cpu;
	struct unit *units;
	LLVMTargetMachineRef tm;
	LLVMTargetDataRef td;
	char *dl;
	int i, n;

	diag_setprog(argv[0]);
	parse_args(argc, argv, &o);
	init_target(&o, &cpu);
	tm = make_target(o.olevel, &cpu);
	td = LLVMCreateTargetDataLayout(tm);
	dl = LLVMCopyStringRepOfTargetData(td);
	LLVMDisposeTargetData(td);
	LLVMDisposeTargetMachine(tm);
	n = o.nin ? o.nin : 1;
	units = xcalloc((size_t)n, sizeof *units);
	for (i = 0; i < n; i++) {
		units[i].in = o.nin ? o.ins[i] : "-";
		units[i].out = o.nin > 1 ? output_beside(o.ins[i], o.emit) : (char *)o.out;
		load_unit(&units[i], &o, &cpu, dl);
	}
	LLVMDisposeMessage(dl);
	optimise_setup(common_slp(units, n), o.passes);
	compile_all(units, n, &o, &cpu);
	return 0;
}
