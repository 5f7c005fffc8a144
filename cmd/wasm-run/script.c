/*
 * wasm-run --script: commands on lines, one answer line each, for a
 * spec-test runner (wasm-run(1), SCRIPT MODE).
 *
 *	spectest                      register the spectest host module
 *	load ID FILE.so               instantiate; imports resolve against
 *	                              registered names
 *	register NAME ID              exports of ID importable as NAME.*
 *	invoke ID FIELD VALUE...      ok VALUE... | trap: KIND | error: ...
 *	get ID FIELD                  ok VALUE | error: ...
 *
 * A NAME, FIELD or FILE is a bare word or a double-quoted string with
 * the escapes \\, \" and \XX (a byte in hex).  A VALUE is TYPE:BITS,
 * the raw bits in 0x hex (or decimal) for i32, i64, f32, f64 and v128
 * (lane 0 least significant), or funcref:null, externref:null,
 * externref:N.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "run.h"
#include "textlex.h"

/* Instances per region: regions are added as modules come. */
#define SLOTS_PER_REGION 64

struct word {
	char *s;                    /* NUL-terminated copy (may hold NULs) */
	size_t len;
};

struct inst {
	char *id;
	struct wa_instance *I;
};

struct script {
	struct wa_region_config rcfg;
	struct wa_region **regions;
	size_t nregions;
	struct wa_host *h;
	struct wa_module **mods;
	size_t nmods;
	struct inst *insts;
	size_t ninsts;
	int spectest, wasi;
	struct wa_wasi_config wasicfg;
	char *wasi_argv[2];
};

static void *
grow(void *v, size_t n, size_t size)
{
	if (!(v = realloc(v, (n + 1) * size)))
		fatal("out of memory");
	return v;
}

/* ---- answers ---- */

static void
answer(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fflush(stdout) || ferror(stdout))
		fatal_errno("standard output");
}

/* error: MSG, on one line whatever bytes names put into MSG */
static void
answer_error(const char *msg)
{
	char buf[1024];
	size_t i;

	for (i = 0; msg[i] && i + 1 < sizeof buf; i++)
		buf[i] = (unsigned char)msg[i] < 0x20 || msg[i] == 0x7f ? '?' : msg[i];
	buf[i] = 0;
	answer("error: %s", buf);
}

/* ---- tokens ---- */

static int
bare(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_.$:/+-", c));
}

/* Split a line into tokens; -1 and a message if malformed. */
static int
tokenize(const char *p, struct word **out, size_t *n, const char **why)
{
	struct word *v = NULL;
	size_t k = 0;

	for (;;) {
		char *s;
		size_t len = 0;
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		v = grow(v, k, sizeof *v);
		if (!(s = malloc(strlen(p) + 1)))
			fatal("out of memory");
		v[k].s = s;
		v[k++].len = 0;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				int a, b;
				if (*p != '\\') {
					s[len++] = *p;
				} else if (p[1] == '\\' || p[1] == '"') {
					s[len++] = *++p;
				} else if ((a = hexval(p[1])) >= 0 && (b = hexval(p[2])) >= 0) {
					s[len++] = (char)(a * 16 + b);
					p += 2;
				} else {
					*why = "bad escape in a string";
					goto bad;
				}
			}
			if (*p++ != '"') {
				*why = "unterminated string";
				goto bad;
			}
			if (*p && *p != ' ' && *p != '\t' && *p != '\r') {
				*why = "no space after a string";
				goto bad;
			}
		} else {
			while (bare(*p))
				s[len++] = *p++;
			if (!len || (*p && *p != ' ' && *p != '\t' && *p != '\r')) {
				*why = "bad character";
				goto bad;
			}
		}
		s[len] = 0;
		v[k - 1].len = len;
	}
	*out = v, *n = k;
	return 0;
bad:
	while (k)
		free(v[--k].s);
	free(v);
	return -1;
}

/* ---- values ---- */

static const char *
type_name(uint8_t t)
{
	switch (t) {
	case 0x7f: return "i32";
	case 0x7e: return "i64";
	case 0x7d: return "f32";
	case 0x7c: return "f64";
	case 0x7b: return "v128";
	case 0x70: return "funcref";
	case 0x6f: return "externref";
	}
	return "?";
}

/* Bits of at most `bits` bits in 0x hex or decimal (integers: also
 * negative); v128 takes the hex form only. */
static int
parse_bits(const char *s, int bits, int neg_ok, uint8_t out[16])
{
	size_t n, i;
	int neg = 0;

	memset(out, 0, 16);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n = strlen(s);
		if (!n || n > (size_t)bits / 4 + 8)
			return -1;
		for (i = 0; i < n; i++) {
			int d = hexval(s[n - 1 - i]);
			if (d < 0 || (i / 2 >= (size_t)bits / 8 && d))
				return -1;
			if (i / 2 < 16)
				out[i / 2] |= (uint8_t)(d << (4 * (i % 2)));
		}
		return 0;
	}
	if (bits > 64)
		return -1;
	if (*s == '-' && neg_ok)
		neg = 1, s++;
	if (*s < '0' || *s > '9')
		return -1;
	{
		char *end;
		unsigned long long v;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (*end || errno || (bits == 32 && v > (neg ? 0x80000000ull : 0xffffffffull)) ||
		    (neg && bits == 64 && v > 0x8000000000000000ull))
			return -1;
		if (neg)
			v = -v;
		for (i = 0; i < 8; i++)
			out[i] = (uint8_t)(v >> (8 * i));
		if (bits == 32)
			memset(out + 4, 0, 4);
	}
	return 0;
}

/* TYPE:VALUE for a parameter of type t; NULL or why not. */
static const char *
parse_value(const char *s, uint8_t t, wa_val *v)
{
	const char *name = type_name(t), *val;
	size_t n = strlen(name);
	uint8_t b[16];

	memset(v, 0, sizeof *v);
	if (strncmp(s, name, n) || s[n] != ':')
		return "wrong type";
	val = s + n + 1;
	switch (t) {
	case 0x7f: case 0x7d:
		if (parse_bits(val, 32, t == 0x7f, b))
			return "bad value";
		memcpy(&v->f32_bits, b, 4);
		return NULL;
	case 0x7e: case 0x7c:
		if (parse_bits(val, 64, t == 0x7e, b))
			return "bad value";
		memcpy(&v->f64_bits, b, 8);
		return NULL;
	case 0x7b:
		if (parse_bits(val, 128, 0, b))
			return "bad value";
		memcpy(v->v128, b, 16);
		return NULL;
	case 0x6f:
		if (strcmp(val, "null")) {
			/* a host reference: N + 1, so that 0 is not null */
			if (parse_bits(val, 64, 0, b))
				return "bad value";
			memcpy(&v->f64_bits, b, 8);
			v->ref = (void *)(uintptr_t)(v->f64_bits + 1);
		}
		return NULL;
	default:
		return strcmp(val, "null") ? "only null function references can be passed" : NULL;
	}
}

static void
format_value(char *buf, size_t len, uint8_t t, const wa_val *v)
{
	int i, k;

	switch (t) {
	case 0x7f: case 0x7d: snprintf(buf, len, "%s:0x%" PRIx32, type_name(t), (uint32_t)v->f32_bits); break;
	case 0x7e: case 0x7c: snprintf(buf, len, "%s:0x%" PRIx64, type_name(t), v->f64_bits); break;
	case 0x7b:
		k = snprintf(buf, len, "v128:0x");
		for (i = 15; i >= 0; i--)
			k += snprintf(buf + k, len - (size_t)k, "%02x", v->v128[i]);
		break;
	case 0x6f:
		if (v->ref)
			snprintf(buf, len, "externref:%" PRIu64, (uint64_t)(uintptr_t)v->ref - 1);
		else
			snprintf(buf, len, "externref:null");
		break;
	default:
		if (v->ref)
			snprintf(buf, len, "funcref:0x%" PRIxPTR, (uintptr_t)v->ref);
		else
			snprintf(buf, len, "funcref:null");
	}
}

/* ---- commands ---- */

static struct wa_instance *
find_inst(struct script *S, const struct word *t)
{
	size_t i;

	for (i = S->ninsts; i-- > 0;)
		if (!strcmp(S->insts[i].id, t->s))
			return S->insts[i].I;
	return NULL;
}

static struct wa_region *
region(struct script *S, char *err, size_t errlen)
{
	struct wa_region *r;

	if (S->nregions && wa_region_free_slots(S->regions[S->nregions - 1]))
		return S->regions[S->nregions - 1];
	S->rcfg.slots = SLOTS_PER_REGION;
	if (!(r = wa_region_new(&S->rcfg, err, errlen)))
		return NULL;
	S->regions = grow(S->regions, S->nregions, sizeof *S->regions);
	S->regions[S->nregions++] = r;
	return r;
}

/* WASI only for the modules that import it. */
static void
maybe_wasi(struct script *S, const struct wa_module *m, const char *so)
{
	const struct wa_contract *c = wa_module_contract(m);
	static const char W[] = "wasi_snapshot_preview1";
	uint32_t i;

	for (i = 0; i < c->nimports && !S->wasi; i++) {
		if (c->imports[i].modlen == sizeof W - 1 && !memcmp(c->imports[i].module, W, sizeof W - 1)) {
			if (!(S->wasi_argv[0] = strdup(so)))
				fatal("out of memory");
			S->wasicfg = (struct wa_wasi_config){.argc = 1, .argv = S->wasi_argv};
			if (wa_wasi_add(S->h, &S->wasicfg, NULL, 0))
				fatal("cannot add WASI");
			S->wasi = 1;
		}
	}
}

static void
cmd_load(struct script *S, struct word *t, size_t n)
{
	struct wa_module *m;
	struct wa_region *r;
	struct wa_instance *I;
	char err[1024];

	if (n != 3)
		return answer_error("usage: load ID FILE.so");
	if (!(m = wa_module_load(t[2].s, err, sizeof err))) {
		char msg[2048];
		snprintf(msg, sizeof msg, "%s: %s", t[2].s, err);
		return answer_error(msg);
	}
	S->mods = grow(S->mods, S->nmods, sizeof *S->mods);
	S->mods[S->nmods++] = m;
	maybe_wasi(S, m, t[2].s);
	if (!(r = region(S, err, sizeof err)) || !(I = wa_instantiate(r, m, S->h, NULL, err, sizeof err)))
		return answer_error(err);
	S->insts = grow(S->insts, S->ninsts, sizeof *S->insts);
	if (!(S->insts[S->ninsts].id = strdup(t[1].s)))
		fatal("out of memory");
	S->insts[S->ninsts++].I = I;
	answer("ok");
}

static void
cmd_register(struct script *S, struct word *t, size_t n)
{
	struct wa_instance *I;

	if (n != 3)
		return answer_error("usage: register NAME ID");
	if (!(I = find_inst(S, &t[2])))
		return answer_error("no such instance");
	if (wa_host_register(S->h, t[1].s, t[1].len, I))
		return answer_error("cannot register");
	answer("ok");
}

/* The export FIELD of ID of the kind wanted; NULL after answering. */
static struct wa_instance *
export(struct script *S, struct word *t, uint32_t want, uint32_t *index)
{
	struct wa_instance *I = find_inst(S, &t[1]);
	uint32_t kind;

	if (!I)
		return answer_error("no such instance"), NULL;
	if (wa_instance_export(I, t[2].s, t[2].len, &kind, index) || kind != want)
		return answer_error(want == WA_EXTERN_FUNC ? "no such exported function" : "no such exported global"),
		       NULL;
	return I;
}

static void
answer_values(const uint8_t *types, uint32_t n, const wa_val *v)
{
	char buf[128];
	uint32_t i;

	fputs("ok", stdout);
	for (i = 0; i < n; i++) {
		format_value(buf, sizeof buf, types[i], &v[i]);
		printf(" %s", buf);
	}
	answer("%s", "");
}

static void
cmd_invoke(struct script *S, struct word *t, size_t n)
{
	const struct wa_c_functype *ft;
	struct wa_instance *I;
	uint32_t f, i;
	wa_val *args;
	const char *why;
	char msg[256];
	int code;

	if (n < 3)
		return answer_error("usage: invoke ID FIELD VALUE...");
	if (!(I = export(S, t, WA_EXTERN_FUNC, &f)))
		return;
	ft = wa_module_func_type(wa_instance_module(I), f);
	if (n - 3 != ft->nparams) {
		snprintf(msg, sizeof msg, "%u arguments expected, %zu given", ft->nparams, n - 3);
		return answer_error(msg);
	}
	if (!(args = calloc((ft->nparams > ft->nresults ? ft->nparams : ft->nresults) + 1, sizeof *args)))
		fatal("out of memory");
	for (i = 0; i < ft->nparams; i++) {
		if ((why = parse_value(t[3 + i].s, ft->params[i], &args[i]))) {
			snprintf(msg, sizeof msg, "argument %u (%s): %s, expected %s", i + 1, t[3 + i].s, why,
			         type_name(ft->params[i]));
			free(args);
			return answer_error(msg);
		}
	}
	code = wa_call(I, f, args);
	if (code == WA_TRAP_EXIT)
		answer("trap: exit %d", (int)wa_trap_info(I)->exit_code);
	else if (code)
		answer("trap: %s", wa_trap_name((uint32_t)code));
	else
		answer_values(ft->results, ft->nresults, args);
	free(args);
}

static void
cmd_get(struct script *S, struct word *t, size_t n)
{
	struct wa_instance *I;
	uint32_t g;
	uint8_t type;
	wa_val v;

	if (n != 3)
		return answer_error("usage: get ID FIELD");
	if (!(I = export(S, t, WA_EXTERN_GLOBAL, &g)))
		return;
	if (wa_instance_global(I, g, &v, &type))
		return answer_error("no such global");
	answer_values(&type, 1, &v);
}

static void
command(struct script *S, struct word *t, size_t n)
{
	if (!strcmp(t[0].s, "spectest") && n == 1) {
		if (!S->spectest && wa_spectest_add(S->h, 2))
			return answer_error("out of memory");
		S->spectest = 1;
		answer("ok");
	} else if (!strcmp(t[0].s, "load")) {
		cmd_load(S, t, n);
	} else if (!strcmp(t[0].s, "register")) {
		cmd_register(S, t, n);
	} else if (!strcmp(t[0].s, "invoke")) {
		cmd_invoke(S, t, n);
	} else if (!strcmp(t[0].s, "get")) {
		cmd_get(S, t, n);
	} else {
		answer_error("unknown command");
	}
}

int
script(const char *file, const struct wa_region_config *rcfg)
{
	struct script S = {.rcfg = *rcfg};
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, n, i;
	struct word *t;
	const char *why;

	if (!f)
		fatal_errno("%s", file);
	if (!(S.h = wa_host_new()))
		fatal("out of memory");
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#')
			continue;
		if (tokenize(line, &t, &n, &why)) {
			answer_error(why);
			continue;
		}
		if (n)
			command(&S, t, n);
		for (i = 0; i < n; i++)
			free(t[i].s);
		free(t);
	}
	if (ferror(f))
		fatal_errno("%s", file);
	free(line);
	for (i = 0; i < S.ninsts; i++) {
		wa_instance_free(S.insts[i].I);
		free(S.insts[i].id);
	}
	wa_host_free(S.h);
	for (i = 0; i < S.nregions; i++)
		wa_region_free(S.regions[i]);
	for (i = 0; i < S.nmods; i++)
		wa_module_free(S.mods[i]);
	free(S.insts);
	free(S.wasi_argv[0]);
	free(S.regions);
	free(S.mods);
	if (f != stdin)
		fclose(f);
	return 0;
}
