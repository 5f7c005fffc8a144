#!/usr/bin/env python3
"""Writes large or extreme WebAssembly binary modules, for the limit
tests (test/limits.bats) and the resource benchmark (bench/limits.py).

usage: mkmod.py KIND N [OUT]      (OUT default: standard output)

KIND:
  types N       N function types [] -> [] (and one function using type 0)
  dtypes N      N distinct function types (params spelled in base 4)
  imports N     N imported functions "m" "fI" of type [] -> []
  funcs N       N functions [] -> [], each `nop`
  globals N     N immutable i32 globals
  exports N     N exported functions named "eI" (all function 0)
  elems N       N passive element segments of one function each
  datas N       N passive data segments of one byte each
  params N      one type of N i32 parameters
  results N     one type of N i32 results
  locals N      one function with N i32 locals (one group)
  nest N        one function of N nested blocks
  nops N        one function of N nops (N instructions + end)
  mix N         one function of about N instructions: local.get 0,
                local.get 1, i32.add, local.set 0, repeated
  tables N      N tables of funcref
  elemitems N   one passive element segment of N functions (all function 0)
  table N       a table of minimum N funcref
  memory N      a memory of minimum N pages (no maximum)
  brtable N     one function with a br_table of N targets
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helpers"))
from wasmbin import name, section, uleb, vec  # noqa: E402


def module(*secs):
    return b"\0asm\1\0\0\0" + b"".join(s for s in secs if s)


VOID = b"\x60\x00\x00"


def types(items):
    return section(1, vec(items))


def funcsec(tys):
    return section(3, uleb(len(tys)) + b"".join(uleb(t) for t in tys))


def code(bodies):
    out = []
    for locals_, instrs in bodies:
        b = locals_ + instrs + b"\x0b"
        out.append(uleb(len(b)) + b)
    return section(10, vec(out))


def one_func(instrs, locals_=b"\x00", ty=VOID, extra_types=()):
    return module(types([ty] + list(extra_types)), funcsec([0]), code([(locals_, instrs)]))


def make(kind, n):
    if kind == "types":
        return module(section(1, uleb(n) + VOID * n), funcsec([0]), code([(b"\x00", b"")]))
    if kind == "dtypes":
        ts = []
        for i in range(n):
            ps, k = bytearray(), i
            while True:
                ps.append(0x7F - (k & 3))
                k >>= 2
                if not k:
                    break
            ts.append(b"\x60" + uleb(len(ps)) + bytes(ps) + b"\x00")
        return module(section(1, vec(ts)), funcsec([0]), code([(b"\x00", b"")]))
    if kind == "imports":
        ims = [name("m") + name("f%d" % i) + b"\x00\x00" for i in range(n)]
        return module(types([VOID]), section(2, vec(ims)))
    if kind == "funcs":
        return module(types([VOID]), funcsec([0] * n), code([(b"\x00", b"\x01")] * n))
    if kind == "globals":
        g = b"\x7f\x00\x41\x00\x0b"
        return module(section(6, uleb(n) + g * n))
    if kind == "exports":
        ex = [name("e%d" % i) + b"\x00\x00" for i in range(n)]
        return module(types([VOID]), funcsec([0]), section(7, vec(ex)), code([(b"\x00", b"")]))
    if kind == "elems":
        return module(types([VOID]), funcsec([0]), section(9, uleb(n) + b"\x01\x00\x01\x00" * n),
                      code([(b"\x00", b"")]))
    if kind == "datas":
        return module(section(5, b"\x01\x00\x01"), section(12, uleb(n)),
                      section(11, uleb(n) + b"\x01\x01\x2a" * n))
    if kind == "params":
        return module(types([b"\x60" + uleb(n) + b"\x7f" * n + b"\x00"]))
    if kind == "results":
        return module(types([b"\x60\x00" + uleb(n) + b"\x7f" * n]))
    if kind == "locals":
        return one_func(b"", b"\x01" + uleb(n) + b"\x7f")
    if kind == "nest":
        return one_func(b"\x02\x40" * n + b"\x0b" * n)
    if kind == "nops":
        return one_func(b"\x01" * n)
    if kind == "mix":
        return one_func(b"\x20\x00\x20\x01\x6a\x21\x00" * (n // 4), b"\x01\x02\x7f")
    if kind == "tables":
        return module(section(4, uleb(n) + b"\x70\x00\x00" * n))
    if kind == "elemitems":
        return module(types([VOID]), funcsec([0]), section(9, b"\x01\x01\x00" + uleb(n) + b"\x00" * n),
                      code([(b"\x00", b"")]))
    if kind == "table":
        return module(section(4, b"\x01\x70\x00" + uleb(n)))
    if kind == "memory":
        return module(section(5, b"\x01\x00" + uleb(n)))
    if kind == "brtable":
        return one_func(b"\x02\x40\x41\x00\x0e" + uleb(n) + b"\x00" * n + b"\x00\x0b")
    sys.exit("mkmod.py: unknown kind " + kind)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: mkmod.py KIND N [OUT]")
    data = make(sys.argv[1], int(sys.argv[2]))
    if len(sys.argv) == 4:
        with open(sys.argv[3], "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)


main()
