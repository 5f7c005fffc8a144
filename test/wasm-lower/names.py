#!/usr/bin/env python3
"""Writes a module whose name section is hostile, for test/wasm-lower.bats.

usage: names.py OUT.wasm

Function K runs an empty loop (so that it checks the stack and the
interrupt word, and the module has the trap stubs whose names the
guest's must not take), returns K and is exported as "fK"; the name
section gives
the functions the names of NAMES below (None: no name): LLVM's own
names, the contract's, a C function the generated code calls, our own
generated names, duplicates, an empty name, blanks and quotes, a long
name, UTF-8.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helpers"))
from wasmbin import name, section, uleb, vec  # noqa: E402

NAMES = ["llvm.trap", "wasm_aot_contract", "memcpy", "dup", "dup", "", 'a b\n#%"\\c',
         "wasm_func_8", None, "wasm_tramp_0", "x" * 1000, "\u00fcn\u00efc\u00f6d\u00e9",
         "wasm:dup#3", "llvm.memcpy.p0i8.p0i8.i64", "floorf"]


n = len(NAMES)
body = [name(b"\x00\x03\x40\x0b\x41" + uleb(k) + b"\x0b") for k in range(n)]
names = [uleb(k) + name(s.encode()) for k, s in enumerate(NAMES) if s is not None]
mod = (b"\0asm\1\0\0\0" + section(1, vec([b"\x60\x00\x01\x7f"])) + section(3, vec([b"\x00"] * n))
       + section(7, vec([name(b"f%d" % k) + b"\x00" + uleb(k) for k in range(n)]))
       + section(10, vec(body))
       + section(0, name(b"name") + b"\x01" + name(vec(names))))
with open(sys.argv[1], "wb") as f:
    f.write(mod)
