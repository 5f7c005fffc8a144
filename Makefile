# wasm-aot: a plain Makefile.  See config.mk for paths and flags.
include config.mk

# C tools: every cmd/NAME/ with a main.c; wasm-aot is a shell script.
CTOOLS = $(notdir $(patsubst %/main.c,%,$(wildcard cmd/*/main.c)))
TOOLS = $(CTOOLS) wasm-aot

LIBSRC = $(wildcard lib/*.c)
RTSRC = $(wildcard lib/rt/*.c) $(wildcard lib/rt/*.S)
LIBWASM = $(O)/libwasm.a
LIBWASMRT = $(O)/libwasmrt.a
# Freestanding support code linked into every compiled module (wasm-link).
BUILTINSSRC = $(wildcard lib/builtins/*.c)
LIBBUILTINS = $(O)/libwabuiltins.a
BUILTINS_CFLAGS = -std=c11 -O2 -fPIC -ffreestanding -fno-builtin -fno-stack-protector \
	-fvisibility=hidden -ffunction-sections -Wall -Wextra

# Per-tool link flags.
LIBS_wasm-lower = $(LLVM_LIBS)
# the integrity digest is the runtime's (lib/rt/digest.c)
LIBS_wasm-link = $(LIBWASMRT) -lsodium
LIBS_wasm-codegen = $(LLVM_LIBS) -lpthread
# --host libraries call the API (wa_*) inside wasm-run: the whole
# archive, so that functions wasm-run does not call itself are there too
LIBS_wasm-run = -Wl,--whole-archive $(LIBWASMRT) -Wl,--no-whole-archive -lsodium -ldl -lpthread -lm \
	-Wl,--export-dynamic-symbol=wa_*
LIBS_wasm-serve = $(LIBWASMRT) $(H2O_LIBS) -lsodium -ldl -lpthread -lm
CFLAGS_wasm-serve = $(H2O_CFLAGS)
# the compile cache keys on the version (cmd/wasm-run/cache.c)
CFLAGS_wasm-run = -DWA_VERSION='"$(VERSION)"'

CFLAGS_wasm-lower = $(LLVM_CFLAGS)
CFLAGS_wasm-codegen = $(LLVM_CFLAGS)
CFLAGS_wasm-link = -DWA_BUILTINS_BUILD='"$(abspath $(LIBBUILTINS))"' \
	-DWA_BUILTINS_INSTALL='"$(LIBDIR)/wasm-aot/libwabuiltins.a"'

all: $(addprefix $(BIN)/,$(TOOLS)) $(LIBBUILTINS) $(LIBWASMRT)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CFLAGS_$(word 2,$(subst /, ,$<))) -Ilib -MMD -MP -c -o $@ $<

$(O)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ilib -c -o $@ $<

$(LIBWASM): $(LIBSRC:%.c=$(O)/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(O)/builtins/%.o: lib/builtins/%.c
	@mkdir -p $(@D)
	$(CC) $(BUILTINS_CFLAGS) -c -o $@ $<

$(LIBBUILTINS): $(BUILTINSSRC:lib/builtins/%.c=$(O)/builtins/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBWASMRT): $(patsubst %,$(O)/%.o,$(basename $(RTSRC)))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

.SECONDEXPANSION:
$(addprefix $(BIN)/,$(CTOOLS)): $(BIN)/%: $$(addprefix $(O)/,$$(subst .c,.o,$$(wildcard cmd/$$*/*.c))) $(LIBWASM) $$(if $$(filter wasm-run wasm-link wasm-serve,$$*),$(LIBWASMRT))
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_$*) $(LIBWASM) -lm

# wasm-link links the archive into every module it makes.
$(BIN)/wasm-link: | $(LIBBUILTINS)

$(BIN)/wasm-aot: cmd/wasm-aot/wasm-aot.sh
	@mkdir -p $(@D)
	cp $< $@ && chmod +x $@

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# The demo of the README: a C program compiled to wasm by clang, then by us.
demo: all
	test/demo.sh

# The whole test suite: bats files per tool and end to end, the spec
# suite, the fuzz smoke test.  The last line is the summary.
check: all
	test/run-all.sh "$(SPEC_DIR)"

spectest: all
	test/spec/run.sh "$(SPEC_DIR)"

test-update: all
	UPDATE_GOLDEN=1 bats test/*.bats

VERSION = 0.1

# The tools, the builtins archive every module links with, the runtime
# library for embedders (wasmrt.h, libwasmrt.a, wasmrt.pc) and the
# manual pages of sections 1, 3 and 5.
install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/wasm-aot $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR)/wasm-aot $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man5
	cp $(addprefix $(BIN)/,$(TOOLS)) $(DESTDIR)$(BINDIR)/
	cp $(LIBBUILTINS) $(DESTDIR)$(LIBDIR)/wasm-aot/
	cp $(LIBWASMRT) $(DESTDIR)$(LIBDIR)/
	cp lib/wasmrt.h lib/contract.h $(DESTDIR)$(INCDIR)/wasm-aot/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' lib/wasmrt.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/wasmrt.pc
	for s in 1 3 5; do \
		for m in man/*.$$s; do [ ! -f "$$m" ] || cp "$$m" $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done; \
	done

# Fuzzing (fuzz/README).  Every fuzz/NAME_fuzz.c is a libFuzzer target,
# linked with the front-half library; FUZZ_SRC_NAME and FUZZ_LIBS_NAME
# add the sources and libraries it needs besides.  `make fuzz` builds
# them and runs each for FUZZ_SECONDS, then the differential run against
# V8 (fuzz/run.sh); `make fuzz-build` only builds.  Each source is
# compiled once, instrumented, into $(O)/fuzz/obj.
FUZZ_CC = clang -std=c11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -D_GNU_SOURCE -Ilib
FUZZ_SAN = address,undefined
FUZZ_TARGETS = $(patsubst fuzz/%_fuzz.c,%,$(wildcard fuzz/*_fuzz.c))
FUZZ_SECONDS = 60
LOWERSRC = $(filter-out %/main.c,$(wildcard cmd/wasm-lower/*.c))
FUZZ_SRC_lower = $(LOWERSRC)
FUZZ_LIBS_lower = $(LLVM_LIBS)
# structure-aware mutation: a custom mutator on the wasm-lower target
FUZZ_SRC_mutate = fuzz/lower_fuzz.c $(LOWERSRC)
FUZZ_LIBS_mutate = $(LLVM_LIBS)
# the WASI host functions: the runtime, and a guest our own tools compile
FUZZ_SRC_wasi = $(RTSRC)
FUZZ_LIBS_wasi = -lsodium -ldl -lpthread
# the runtime's .so loader (ELF precheck, digest, signatures, contract)
FUZZ_SRC_load = $(RTSRC)
FUZZ_LIBS_load = -lsodium -ldl -lpthread

fuzz: all fuzz-build
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_TARGETS:%=$(O)/fuzz/%_fuzz)

$(O)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) $(LLVM_CFLAGS) $(FUZZ_DEFS) -MMD -MP -c -o $@ $<

$(O)/fuzz/obj/%.o: %.S
	@mkdir -p $(@D)
	$(FUZZ_CC) -c -o $@ $<

$(O)/fuzz/libwasm.a: $(LIBSRC:%.c=$(O)/fuzz/obj/%.o)
	rm -f $@ && ar rcs $@ $^

# the objects of FUZZ_SRC_$(1) (a function: a % in the rule would be
# replaced by the stem)
fuzz_objs = $(patsubst %,$(O)/fuzz/obj/%.o,$(basename $(FUZZ_SRC_$(1))))
# kept: make would delete them as intermediate files, to rebuild them next time
.SECONDARY: $(patsubst %,$(O)/fuzz/obj/%.o,$(basename $(wildcard fuzz/*.c) $(LOWERSRC) $(RTSRC)))
$(O)/fuzz/%_fuzz: $(O)/fuzz/obj/fuzz/%_fuzz.o $$(call fuzz_objs,$$*) $(O)/fuzz/libwasm.a
	$(FUZZ_CC) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $(filter %.o,$^) $(O)/fuzz/libwasm.a \
		$(FUZZ_LIBS_$*) -lm

# The WASI target runs a guest that our own tools compile.
$(O)/fuzz/obj/fuzz/wasi_fuzz.o: FUZZ_DEFS = -DWA_FUZZ_GUEST='"$(abspath $(O)/fuzz/wasi_guest.so)"'
$(O)/fuzz/wasi_fuzz: $(O)/fuzz/wasi_guest.so
$(O)/fuzz/wasi_guest.so: fuzz/wasi_guest.wat $(addprefix $(BIN)/,$(TOOLS)) $(LIBBUILTINS)
	@mkdir -p $(@D)
	wat2wasm $< -o $(O)/fuzz/wasi_guest.wasm
	$(BIN)/wasm-aot $(O)/fuzz/wasi_guest.wasm -o $@

# Benchmarks: every executable bench/*.sh and bench/*.py, each printing
# its tables (and drawing its plots) with the machine named.
bench: all $(O)/bench/lifecycle
	@for b in bench/*.sh bench/*.py; do \
		if [ -x "$$b" ]; then echo "=== $$b"; "$$b" || exit 1; echo; fi; \
	done

$(O)/bench/lifecycle: bench/lifecycle.c lib/wasmrt.h lib/contract.h lib/rt/rt.h $(LIBWASMRT)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -o $@ bench/lifecycle.c $(LIBWASMRT) -lsodium -ldl -lpthread -lm

clean:
	rm -rf $(O) $(BIN)

.PHONY: all demo check spectest test-update install clean fuzz fuzz-build bench
