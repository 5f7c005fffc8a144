#!/usr/bin/env python3
"""Differential execution against V8: random modules from `wasm-opt -ttf`
compiled by our pipeline and run by wasm-run, and run by node.

usage: diff.py SECONDS SEED BIN_DIR [KEEP_DIR]

Until SECONDS have passed, module i (i = 0, 1, ...) is made from bytes
of a PRNG seeded with (SEED, i) by `wasm-opt -ttf --denan` with one of
the FEATURES sets below, so the same SEED gives the same modules
whatever the timing.  It is compiled with `wasm-aot` at one of the
BUILDS (optimisation level, bounds-check mode), and both sides run it
with the same logging imports (shim.wat, one wasm module for both:
each log prints its value through spectest's print functions): ours
with `wasm-run --script` (load, then invoke each export), V8 through
node.mjs.  Every exported function whose signature JavaScript can call
(no v128) is called, in order, with zero arguments.  Compared, line by
line: the logs (values compared by their bits), each call's results
(bits) or trap, instantiation's outcome.  Trap messages are compared by
kind (TRAPS: V8 and we name a few differently).

A difference, a crash, a compile failure of a valid module, or a run
over TIMEOUT on our side is a finding: the module and both outputs are
kept in KEEP_DIR (default: a new $TMPDIR/wasm-aot-diff.SEED.XXXXXX).
Prints counts, the findings, and last `N passed, M failed`.
"""
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time

# imported (test/fuzz.bats tests its comparison), it takes no arguments
if __name__ == "__main__":
    if len(sys.argv) < 4:
        print("usage: diff.py SECONDS SEED BIN_DIR [KEEP_DIR]", file=sys.stderr)
        sys.exit(2)
    SECS, SEED, BIN = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    KEEP = [sys.argv[4]] if len(sys.argv) > 4 else []
else:
    SECS, SEED, BIN, KEEP = 0.0, 0, "", []
HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 60

BASE20 = ["--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
          "--enable-multivalue", "--enable-mutable-globals"]
# wasm-opt 108's reference types are those of the GC proposal (typed
# references, funcref a subtype of externref): not WebAssembly 2.0, so
# left out.
FEATURES = [
    ("mvp", ["--mvp-features"]),
    ("2.0", ["--mvp-features"] + BASE20),
    ("2.0+simd", ["--mvp-features"] + BASE20 + ["--enable-simd"]),
    ("2.0+simd,no-oob", ["--mvp-features"] + BASE20 + ["--enable-simd", "--no-fuzz-oob"]),
]
BUILDS = [("-O2", []), ("-O0", []), ("-O2 bounds", ["--bounds-checks"]), ("-O1", [])]

# Trap kinds: ours (wasm-run) and V8's messages, mapped to one name.
TRAPS = [
    (r"unreachable", "unreachable"),
    # V8 says "remainder by zero" for i32/i64.rem_* by 0; the spec (and we)
    # "integer divide by zero"
    (r"divide by zero|remainder by zero", "integer divide by zero"),
    (r"integer overflow|divide result unrepresentable|float unrepresentable|"
     r"invalid conversion to integer", "integer overflow or invalid conversion"),
    (r"out of bounds memory|memory access out of bounds", "out of bounds memory access"),
    (r"undefined element|out of bounds table|table index is out of bounds",
     "out of bounds table access"),
    (r"uninitialized element|indirect call type mismatch|null function|signature mismatch",
     "null or mistyped indirect call"),
    (r"call stack exhausted|Maximum call stack", "call stack exhausted"),
    (r"data segment|element segment|segment.*out of bounds", "segment out of bounds"),
]


def trap_kind(msg):
    for pat, name in TRAPS:
        if re.search(pat, msg, re.I):
            return name
    return "other: " + msg


def run(cmd, data=None, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b""
    return p.returncode, p.stdout


# --- the module's exports, from our own text of it ---

TYPE = re.compile(r"^  \(type \(;(\d+);\) \(func(.*)\)\)$")
IMPORT = re.compile(r"^  \(import \"[^\"]*\" \"[^\"]*\" \(func (?:\$\S+ )?\(;\d+;\) \(type (\d+)\)")
FUNC = re.compile(r"^  \(func (?:\$\S+ )?\(;(\d+);\) \(type (\d+)\)")
EXPORT = re.compile(r"^  \(export \"((?:[^\"\\]|\\.)*)\" \(func (\d+)\)\)$")


def types_of(sig):
    params = re.search(r"\(param ([^)]*)\)", sig)
    results = re.search(r"\(result ([^)]*)\)", sig)
    return (params.group(1).split() if params else [], results.group(1).split() if results else [])


def plan(text):
    """[(name, params, results)] of the exports JavaScript can call."""
    types, functype, nimported = {}, {}, 0
    out = []
    for line in text.splitlines():
        m = TYPE.match(line)
        if m:
            types[int(m.group(1))] = types_of(m.group(2))
            continue
        m = IMPORT.match(line)
        if m:
            functype[nimported] = int(m.group(1))
            nimported += 1
            continue
        m = FUNC.match(line)
        if m:
            functype[int(m.group(1))] = int(m.group(2))
            continue
        m = EXPORT.match(line)
        if m and "\\" not in m.group(1):
            params, results = types[functype[int(m.group(2))]]
            if "v128" not in params + results:
                out.append((m.group(1), params, results))
    return out


# --- normalising both sides' output ---

def log_value(v, t):
    """A logged value by its bits: spectest prints decimals (%.9g for f32,
    %.17g for f64), node prints JavaScript numbers; both round-trip."""
    if t in ("f32", "f64"):
        x = float(v)
        if x != x:
            return "nan"
        return struct.pack("<f" if t == "f32" else "<d", x).hex()
    return str(int(v))


def normalise(out):
    lines = []
    for line in out.decode("utf-8", "replace").splitlines():
        m = re.match(r"^(\S+) : (i32|i64|f32|f64)$", line)
        if m:
            lines.append("log %s %s" % (m.group(2), log_value(m.group(1), m.group(2))))
        elif line.startswith("trap: "):
            lines.append("trap " + trap_kind(line[6:]))
        elif line.startswith("error: "):
            lines.append("error " + trap_kind(line[7:]))
        else:
            lines.append(re.sub(r"funcref:0x[0-9a-f]+", "funcref:nonnull", line))
    return lines


# --- one module ---

class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.next = 0
        self.n = {"modules": 0, "same": 0, "calls": 0, "logs": 0, "traps": 0, "findings": 0,
                  "skipped": 0}
        self.findings = []


KEEP_LOCK = threading.Lock()


def keep(name, files):
    with KEEP_LOCK:
        if not KEEP:
            KEEP.append(tempfile.mkdtemp(prefix="wasm-aot-diff.%d." % SEED))
    os.makedirs(KEEP[0], exist_ok=True)
    for suffix, data in files:
        with open(os.path.join(KEEP[0], name + suffix), "wb") as f:
            f.write(data)
    return os.path.join(KEEP[0], name)


# The bits of a NaN logged as an integer (a v128 lane, a reinterpret):
# (width, exponent mask, quiet bit, canonical NaNs).  An operation on a
# NaN whose payload is not canonical may return any arithmetic NaN (the
# spec leaves the payload open): we pass the input's payload on, V8
# returns the canonical NaN.  --denan does not reach v128 constants, so
# such lanes do occur.
NAN_BITS = {
    "i64": (0x7ff0000000000000, 0x0008000000000000, (0x7ff8000000000000, 0xfff8000000000000), 64),
    "i32": (0x7f800000, 0x00400000, (0x7fc00000, 0xffc00000), 32),
}


def arithmetic_nan(bits, t):
    exp, quiet, _, _ = NAN_BITS[t]
    return bits & exp == exp and bits & quiet


def same_line(x, y):
    """Equal, or two logged integers that are both arithmetic NaNs of
    their width, one of them the canonical NaN: a payload the spec does
    not fix.  (A wrong integer that happens to be exactly a canonical
    NaN's bits, -2^51 or 0x7ff8000000000000, would be missed.)"""
    if x == y:
        return True
    a, b = x.split(), y.split()
    if len(a) != 3 or len(b) != 3 or a[0] != "log" or a[:2] != b[:2] or a[1] not in NAN_BITS:
        return False
    _, _, canon, width = NAN_BITS[a[1]]
    u, v = int(a[2]) % (1 << width), int(b[2]) % (1 << width)
    return bool(arithmetic_nan(u, a[1]) and arithmetic_nan(v, a[1]) and (u in canon or v in canon))


def same_output(a, b):
    return len(a) == len(b) and all(same_line(x, y) for x, y in zip(a, b))


def first_difference(a, b):
    for k in range(max(len(a), len(b))):
        x = a[k] if k < len(a) else "(nothing)"
        y = b[k] if k < len(b) else "(nothing)"
        if not same_line(x, y):
            return "line %d: ours `%s`, V8 `%s`" % (k + 1, x, y)
    return ""


def one(i, tmp, shim_so, shim_wasm, st):
    r = random.Random(SEED * 1000003 + i)
    fname, fflags = FEATURES[i % len(FEATURES)]
    bname, bflags = BUILDS[(i // len(FEATURES)) % len(BUILDS)]
    base = os.path.join(tmp, "m%d" % i)
    with open(base + ".dat", "wb") as f:
        f.write(bytes(r.getrandbits(8) for _ in range(r.randint(64, 16384))))
    code, out = run(["wasm-opt", base + ".dat", "-ttf", "--denan"] + fflags + ["-o", base + ".wasm"])
    if code != 0:
        with st.lock:
            st.n["skipped"] += 1
        return
    what = "module %d (%s, %s, seed %d)" % (i, fname, bname, SEED)
    finding = None
    code, text = run([os.path.join(BIN, "wasm-parse"), base + ".wasm"])
    calls = plan(text.decode("utf-8", "replace")) if code == 0 else []
    opt = bname.split()[0]
    if code != 0:
        finding = "wasm-parse rejects it: " + text.decode("utf-8", "replace")[:300]
    else:
        code, msg = run([os.path.join(BIN, "wasm-aot"), opt] + bflags +
                        ["-o", base + ".so", base + ".wasm"], timeout=300)
        if code != 0:
            finding = "wasm-aot fails (%s): %s" % (code, msg.decode("utf-8", "replace")[:300])
    if finding is None:
        script = ["spectest", "load s %s" % shim_so, "register fuzzing-support s",
                  "load m %s" % (base + ".so")]
        for name, params, _ in calls:
            script.append("invoke m \"%s\"%s" % (name, "".join(" %s:0" % t for t in params)))
        with open(base + ".script", "w") as f:
            f.write("\n".join(script) + "\n")
        with open(base + ".plan", "w") as f:
            json.dump(calls, f)
        code, ours = run([os.path.join(BIN, "wasm-run"), "--script", base + ".script"])
        code2, v8 = run(["node", os.path.join(HERE, "node.mjs"), shim_wasm, base + ".wasm",
                         base + ".plan"])
        if code is None:
            finding = "wasm-run over %d s" % TIMEOUT
        elif code != 0:
            finding = "wasm-run exits %d: %s" % (code, ours.decode("utf-8", "replace")[-300:])
        elif code2 is None or code2 != 0:
            with st.lock:
                st.n["skipped"] += 1   # node could not run it: nothing to compare
            return
        else:
            a = normalise(ours)[3:]    # after spectest, load s, register: "ok" each
            b = normalise(v8)
            if normalise(ours)[:3] != ["ok", "ok", "ok"]:
                finding = "the shim does not load: %s" % normalise(ours)[:3]
            elif not same_output(a, b):
                finding = "outputs differ: " + first_difference(a, b)
            with st.lock:
                st.n["calls"] += len(calls)
                st.n["logs"] += sum(1 for x in a if x.startswith("log "))
                st.n["traps"] += sum(1 for x in a if x.startswith("trap "))
    with st.lock:
        st.n["modules"] += 1
        if finding is None:
            st.n["same"] += 1
            return
        st.n["findings"] += 1
    files = [(".wasm", open(base + ".wasm", "rb").read())]
    for suffix in (".script", ".plan"):
        if os.path.exists(base + suffix):
            files.append((suffix, open(base + suffix, "rb").read()))
    if finding.startswith("outputs differ"):
        files += [(".ours", ours), (".v8", v8)]
    path = keep("module-%d" % i, files)
    with st.lock:
        st.findings.append("FINDING %s: %s; kept as %s.*" % (what, finding, path))


def worker(deadline, tmp, shim_so, shim_wasm, st):
    while time.monotonic() < deadline:
        with st.lock:
            i = st.next
            st.next += 1
        one(i, tmp, shim_so, shim_wasm, st)
        for ext in (".dat", ".wasm", ".so", ".script", ".plan"):
            try:
                os.remove(os.path.join(tmp, "m%d%s" % (i, ext)))
            except OSError:
                pass


def main():
    for tool in ("wasm-opt", "node", "wat2wasm"):
        if subprocess.run(["sh", "-c", "command -v " + tool], stdout=subprocess.DEVNULL).returncode:
            print("skipping: %s is not installed" % tool)
            return 0
    st = State()
    with tempfile.TemporaryDirectory(prefix="wasm-aot-diff.") as tmp:
        shim_wasm, shim_so = os.path.join(tmp, "shim.wasm"), os.path.join(tmp, "shim.so")
        subprocess.run(["wat2wasm", os.path.join(HERE, "shim.wat"), "-o", shim_wasm], check=True)
        subprocess.run([os.path.join(BIN, "wasm-aot"), "-o", shim_so, shim_wasm], check=True)
        print("differential run against V8 (node %s, %s): seed %d, %d s"
              % (subprocess.run(["node", "--version"], stdout=subprocess.PIPE).stdout.decode().strip(),
                 subprocess.run(["wasm-opt", "--version"], stdout=subprocess.PIPE).stdout.decode().strip(),
                 SEED, SECS))
        deadline = time.monotonic() + SECS
        threads = [threading.Thread(target=worker, args=(deadline, tmp, shim_so, shim_wasm, st))
                   for _ in range(os.cpu_count() or 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    n = st.n
    print("modules %d (and %d wasm-opt or node could not make or run): %d the same, %d findings; "
          "export calls compared %d, logs %d, traps %d"
          % (n["modules"], n["skipped"], n["same"], n["findings"], n["calls"], n["logs"], n["traps"]))
    for f in sorted(st.findings)[:30]:
        print(f)
    if n["findings"]:
        print("the same modules again: fuzz/diff/diff.py SECONDS %d BIN_DIR" % SEED)
    print("%d passed, %d failed" % (n["same"], n["findings"]))
    return 1 if n["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
