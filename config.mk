# Paths and flags.  Override on the command line: make PREFIX=/opt/wasm-aot

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCDIR = $(PREFIX)/include
MANDIR = $(PREFIX)/share/man

CC = cc
LLVM_CONFIG = llvm-config
CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS = -D_GNU_SOURCE
LDFLAGS =

LLVM_CFLAGS = $(shell $(LLVM_CONFIG) --cflags)
LLVM_LIBS = $(shell $(LLVM_CONFIG) --ldflags) $(shell $(LLVM_CONFIG) --libs)

# Where object files and binaries go; the sanitizer build overrides both.
O = build
BIN = bin

# The WebAssembly core spec test suite (a directory of .wast files).
SPEC_DIR = ../shared/testsuite/core

# wasm-serve's HTTP library: libh2o built on its own event loop
# (Debian's libh2o-evloop-dev).
H2O_CFLAGS = $(shell pkg-config --cflags libh2o-evloop 2>/dev/null) -DH2O_USE_EPOLL=1
H2O_LIBS = $(shell pkg-config --libs libh2o-evloop 2>/dev/null || echo -lh2o-evloop)
