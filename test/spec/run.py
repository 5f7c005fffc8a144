#!/usr/bin/env python3
"""The spec-suite run of the whole toolkit: every command of every file.

usage: run.py SPEC_DIR BIN_DIR WORK_DIR      (test/spec/run.sh calls it)

Each SPEC_DIR/*.wast is converted by wast2json (wabt 1.0.32, whose
defaults are WebAssembly 2.0) into WORK_DIR.  Every module the commands
need is compiled by the pipeline, `wasm-parse | wasm-verify | wasm-lower
| wasm-codegen -o m.so`, all files' modules in parallel.  Then the file's
commands, in order, become one script for `wasm-run --script` (see
wasm-run(1)): load, register, invoke, get.  Its answers, one line per
command, are checked:

  module                 loads (counted as a command that passes)
  register, action       succeed
  assert_return          results equal, bit for bit; nan:canonical and
                         nan:arithmetic by their patterns; v128 lane by
                         lane; null and non-null references
  assert_trap            the call traps, and the trap's name matches the
                         expected message (one is a prefix of the other);
                         on a module: instantiation fails with that trap
  assert_exhaustion      the call traps with "call stack exhausted"
  assert_unlinkable      loading fails as unlinkable
  assert_uninstantiable  loading fails with a trap
  assert_invalid         (binary) wasm-parse or wasm-verify says status 1
  assert_malformed       (binary) wasm-parse says status 1
  assert_malformed/invalid of a text-format module (module quote ...):
                         wasm-verify, which reads the text format, says
                         status 1

A file wast2json cannot convert whole is converted one command at a time;
a module that wast2json still cannot convert is read by our own text
reader (wasm-verify reads the text format) when it can; what remains is
skipped with wabt's reason, and every command that needed that module
fails.  Nothing is dropped silently.  test/spec/skip.txt lists the
assertions that are known not to pass (FILE:LINE reason); they are
reported as skipped, never as passed.

Prints one row per file (passed, failed, n/a, skipped), the failures,
the lists, and last `N passed, M failed[, K skipped]`; status 1 on any
failure.  SPEC_JOBS sets the parallelism (default: the CPU count),
SPEC_SHOW how many failures per file are listed (default 20),
SPEC_ONLY=a,b runs only those files (names without .wast).
"""
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from wast import module_name, module_text, top_level

SPEC, BIN, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = int(os.environ.get("SPEC_JOBS", "0")) or os.cpu_count() or 2
SHOW = int(os.environ.get("SPEC_SHOW", "20"))
ONLY = [s for s in os.environ.get("SPEC_ONLY", "").split(",") if s]
TOOL = {t: os.path.join(BIN, t) for t in
        ("wasm-parse", "wasm-verify", "wasm-lower", "wasm-codegen", "wasm-run")}


def run(cmd, data=None, timeout=600):
    try:
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -999, b"", b"timed out after %d s" % timeout


def first_line(err):
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return lines[0][:300] if lines else ""


def status(code):
    if code == -999:
        return "timed out"
    return "killed by signal %d" % -code if code < 0 else "status %d" % code


# ---- converting ----

def forms(text):
    """The parenthesised forms directly inside text (one form)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "(":
            depth += 1
            if depth == 2:
                start = i
        elif c == ")":
            if depth == 2:
                out.append(text[start:i + 1])
            depth -= 1
        i += 1
    return out


CONST_TYPE = [(r"\(\s*(i32|i64|f32|f64|v128)\.const", None), (r"\(\s*ref\.null\s+func", "funcref"),
              (r"\(\s*ref\.null\s+extern", "externref"), (r"\(\s*ref\.extern", "externref"),
              (r"\(\s*ref\.func", "funcref")]


def const_type(form):
    for pat, t in CONST_TYPE:
        m = re.match(pat, form)
        if m:
            return t or m.group(1)
    return "i32"


ZERO = {"v128": "(v128.const i64x2 0 0)", "funcref": "(ref.null func)",
        "externref": "(ref.null extern)"}


def stub(text):
    """A module that has what the command's action names, with the types
    its arguments and expected results show, for wast2json to convert
    the command alone."""
    fs = forms(text)
    name = ""
    m = re.match(r"\(\s*register\s+\"(?:[^\"\\]|\\.)*\"\s+(\$[^\s()]+)", text)
    if m:
        return "(module %s)" % m.group(1)
    if re.match(r"\(\s*(invoke|get)\b", text):
        fs = [text]
    if not fs:
        return "(module)"
    act = fs[0]
    m = re.match(r'\(\s*(invoke|get)\s+(\$[^\s()"]+\s+)?("(?:[^"\\]|\\.)*")', act)
    if not m:
        return "(module)"
    name = (m.group(2) or "").strip()
    field = m.group(3)
    args = [const_type(a) for a in forms(act)]
    results = [const_type(r) for r in fs[1:]]
    if m.group(1) == "get":
        t = results[0] if results else "i32"
        return "(module %s (global (export %s) %s %s))" % (
            name, field, t, ZERO.get(t, "(%s.const 0)" % t))
    return "(module %s (func (export %s) (param %s) (result %s) unreachable))" % (
        name, field, " ".join(args), " ".join(results))


def convert_piecewise(wast, name, tmp, res):
    """The commands of WAST converted one at a time (each alone in a
    file, padded with newlines so that line numbers stay).  A module
    wast2json rejects is handed to our own text reader instead."""
    with open(wast, encoding="utf-8", errors="surrogateescape") as f:
        src = f.read()
    cmds = []
    for k, (line, text) in enumerate(top_level(src)):
        piece = os.path.join(tmp, "%s.p%d.wast" % (name, k))
        kind = re.match(r"\(\s*([a-z_]+)", text)
        kind = kind.group(1) if kind else "?"
        # an action needs a module with that export before it for
        # wast2json to accept it: a stub module
        pad = stub(text) if kind != "module" else ""
        with open(piece, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(pad + "\n" * (line - 1) + text + "\n")
        out = os.path.join(tmp, "%s.p%d.json" % (name, k))
        code, _, err = run(["wast2json", piece, "-o", out])
        if code == 0:
            with open(out) as f:
                got = json.load(f)["commands"]
            cmds += got[1:] if pad else got
            continue
        why = first_line(err).replace(piece, name + ".wast")
        body = module_text(text) if kind == "module" else None
        if body is not None:
            # our text reader: the module as it stands in the .wast
            wat = os.path.join(tmp, "%s.p%d.wat" % (name, k))
            with open(wat, "wb") as f:
                f.write(b"\n" * (line - 1) + body + b"\n")
            c = {"type": "module", "line": line, "filename": os.path.basename(wat), "ours": True}
            if module_name(text):
                c["name"] = module_name(text)
            cmds.append(c)
            res["notes"].append("%s.wast:%d: module read by our text reader (wast2json: %s)"
                                % (name, line, why))
            continue
        cmds.append({"type": "unconvertible", "line": line, "kind": kind, "why": why})
    return cmds


def convert(wast, res):
    name = os.path.basename(wast)[:-5]
    tmp = os.path.join(WORK, name)
    os.makedirs(tmp)
    out = os.path.join(tmp, name + ".json")
    code, _, err = run(["wast2json", wast, "-o", out])
    if code == 0:
        with open(out) as f:
            return tmp, json.load(f)["commands"]
    res["convert"] = first_line(err)
    return tmp, convert_piecewise(wast, name, tmp, res)


# ---- compiling ----

def compile_module(tmp, c):
    """Compiles c's module to a .so; returns (path, None) or (None, why)."""
    src = os.path.join(tmp, c["filename"])
    so = src + ".so"
    if src.endswith(".wat"):
        front = "%s %s" % (TOOL["wasm-verify"], q(src))
    else:
        front = "%s %s | %s" % (TOOL["wasm-parse"], q(src), TOOL["wasm-verify"])
    cmd = "set -o pipefail 2>/dev/null; %s | %s | %s -o %s" % (
        front, TOOL["wasm-lower"], TOOL["wasm-codegen"], q(so))
    code, _, err = run(["bash", "-c", cmd])
    if code != 0:
        return None, "compile: %s: %s" % (status(code), first_line(err))
    return so, None


def q(s):
    return "'" + s.replace("'", "'\\''") + "'"


def rejected(tmp, c):
    """assert_invalid / assert_malformed: None if rejected with status 1
    by wasm-parse (or, for invalid, wasm-verify); a text-format module
    by wasm-verify."""
    path = os.path.join(tmp, c["filename"])
    if c.get("module_type", "binary") != "binary":
        code, _, err = run([TOOL["wasm-verify"], path])
        if code == 1:
            return None
        if code != 0:
            return "wasm-verify: %s: %s" % (status(code), first_line(err))
        return "wasm-verify accepted a %s text module" % (
            "malformed" if c["type"] == "assert_malformed" else "invalid")
    code, out, err = run([TOOL["wasm-parse"], path])
    if code == 1:
        return None
    if code != 0:
        return "wasm-parse: %s: %s" % (status(code), first_line(err))
    if c["type"] == "assert_malformed":
        return "wasm-parse accepted a malformed module"
    code, _, err = run([TOOL["wasm-verify"]], data=out)
    if code == 1:
        return None
    if code != 0:
        return "wasm-verify: %s: %s" % (status(code), first_line(err))
    return "wasm-verify accepted an invalid module"


# ---- values ----

def quote(s):
    out = '"'
    for b in s.encode("utf-8", "surrogatepass"):
        ch = chr(b)
        out += ch if (ch.isalnum() and b < 128) or ch in "_-." else "\\%02x" % b
    return out + '"'


LANE = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}


def arg_token(a):
    t = a["type"]
    if t == "v128":
        bits = LANE[a["lane_type"]]
        v = 0
        for i, x in enumerate(a["value"]):
            v |= (int(x) & ((1 << bits) - 1)) << (i * bits)
        return "v128:0x%x" % v
    if t in ("funcref", "externref"):
        val = a.get("value", "null")
        return "%s:%s" % (t, "null" if val == "null" else val)
    return "%s:0x%x" % (t, int(a["value"]))


def float_ok(bits, width, want):
    exp_mask = 0x7f800000 if width == 32 else 0x7ff0000000000000
    quiet = 0x00400000 if width == 32 else 0x0008000000000000
    mant = (1 << (23 if width == 32 else 52)) - 1
    is_nan = (bits & exp_mask) == exp_mask and bits & mant
    if want == "nan:canonical":
        return is_nan and (bits & mant) == quiet
    if want == "nan:arithmetic":
        return is_nan and bits & quiet
    return bits == int(want)


def result_ok(tok, e):
    """Does the result token tok match the expected value e?"""
    t = e["type"]
    if ":" not in tok:
        return False
    rt, rv = tok.split(":", 1)
    if rt != t:
        return False
    if t in ("funcref", "externref"):
        want = e.get("value")
        if want is None:
            return rv != "null"
        if want == "null":
            return rv == "null"
        return t == "funcref" and rv != "null" or rv == want
    try:
        v = int(rv, 0)
    except ValueError:
        return False
    if t in ("i32", "i64"):
        return v == int(e["value"])
    if t in ("f32", "f64"):
        return float_ok(v, 32 if t == "f32" else 64, e["value"])
    if t == "v128":
        lt = e["lane_type"]
        bits = LANE[lt]
        for i, x in enumerate(e["value"]):
            lane = (v >> (i * bits)) & ((1 << bits) - 1)
            if lt in ("f32", "f64"):
                if not float_ok(lane, bits, x):
                    return False
            elif lane != int(x) & ((1 << bits) - 1):
                return False
        return True
    return False


def show_expected(es):
    out = []
    for e in es:
        if e["type"] == "v128":
            out.append("v128 %s [%s]" % (e["lane_type"], " ".join(e["value"])))
        else:
            out.append("%s:%s" % (e["type"], e.get("value", "non-null")))
    return " ".join(out) or "(nothing)"


def trap_matches(got, want):
    return bool(got) and (want.startswith(got) or got.startswith(want))


# ---- one file ----

def load_skips():
    skips = {}
    try:
        with open(os.path.join(HERE, "skip.txt")) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    where, _, why = line.partition(" ")
                    skips[where] = why.strip()
    except OSError:
        pass
    return skips


SKIPS = load_skips()


class File:
    def __init__(self, wast):
        self.name = os.path.basename(wast)[:-5]
        self.wast = wast
        self.res = {"name": self.name, "passed": 0, "failed": 0, "na": 0, "skipped": 0,
                    "why": [], "notes": [], "convert": None, "secs": 0.0}
        self.tmp, self.cmds = None, []

    def fail(self, c, why):
        where = "%s.wast:%s" % (self.name, c.get("line"))
        if where in SKIPS:
            self.res["skipped"] += 1
            self.res["notes"].append("skip %s: %s (%s)" % (where, SKIPS[where], why))
            return
        self.res["failed"] += 1
        self.res["why"].append("%s: %s: %s" % (where, c["type"], why))

    def ok(self, c):
        where = "%s.wast:%s" % (self.name, c.get("line"))
        if where in SKIPS:
            self.res["notes"].append("note %s is in skip.txt but passes" % where)
        self.res["passed"] += 1


def plan(f):
    """Converts a file; returns the modules to compile."""
    f.tmp, f.cmds = convert(f.wast, f.res)
    return [(f, c) for c in f.cmds if c.get("filename") and
            c["type"] in ("module", "assert_unlinkable", "assert_uninstantiable")
            and c.get("module_type", "binary") == "binary"
            or c.get("ours")]


def execute(f, sos):
    """Runs the file's commands through wasm-run --script; checks."""
    t0 = time.time()
    script, checks = ["spectest"], []
    current, n = None, 0
    named = {}
    for c in f.cmds:
        t = c["type"]
        if t == "unconvertible":
            f.res["skipped"] += 1
            f.res["notes"].append("skip %s.wast:%d: %s: wast2json cannot convert it: %s"
                                  % (f.name, c["line"], c["kind"], c["why"]))
            if c["kind"] == "module":
                current = None
            continue
        if t in ("assert_malformed", "assert_invalid"):
            why = rejected(f.tmp, c)
            f.fail(c, why) if why else f.ok(c)
            continue
        if t in ("module", "assert_unlinkable", "assert_uninstantiable"):
            so, why = sos.get(id(c), (None, "not compiled"))
            if so is None:
                f.fail(c, why)
                if t == "module":
                    current = None
                continue
            n += 1
            mid = "m%d" % n
            script.append("load %s %s" % (mid, quote(so)))
            checks.append((c, mid))
            if t == "module":
                current = mid
                if c.get("name"):
                    named[c["name"]] = mid
            continue
        if t == "register":
            mid = named.get(c["name"]) if c.get("name") else current
            if mid is None:
                f.fail(c, "no module to register")
                continue
            script.append("register %s %s" % (quote(c["as"]), mid))
            checks.append((c, mid))
            continue
        if t in ("action", "assert_return", "assert_trap", "assert_exhaustion"):
            a = c["action"]
            mid = named.get(a["module"]) if a.get("module") else current
            if mid is None:
                f.fail(c, "its module did not load")
                continue
            if a["type"] == "invoke":
                script.append("invoke %s %s %s" % (mid, quote(a["field"]),
                                                   " ".join(arg_token(x) for x in a["args"])))
            else:
                script.append("get %s %s" % (mid, quote(a["field"])))
            checks.append((c, mid))
            continue
        f.res["notes"].append("%s.wast:%s: command %s not understood" % (f.name, c.get("line"), t))
        f.fail(c, "command type %s not understood" % t)
    path = os.path.join(f.tmp, f.name + ".script")
    with open(path, "w") as out:
        out.write("\n".join(script) + "\n")
    code, out, err = run([TOOL["wasm-run"], "--script", path], timeout=600)
    lines = out.decode("utf-8", "replace").splitlines()
    if not lines or lines[0] != "ok":
        for c, _ in checks:
            f.fail(c, "wasm-run --script: %s: %s" % (status(code), first_line(err)))
        return
    lines = lines[1:]
    for i, (c, mid) in enumerate(checks):
        if i >= len(lines):
            f.fail(c, "no answer: wasm-run --script ended (%s: %s)" % (status(code), first_line(err)))
            continue
        check(f, c, lines[i])
    f.res["secs"] = time.time() - t0


def check(f, c, line):
    t = c["type"]
    if t in ("module", "register", "action"):
        if line == "ok" or line.startswith("ok "):
            f.ok(c)
        else:
            f.fail(c, "got %r" % line)
    elif t == "assert_return":
        if not (line == "ok" or line.startswith("ok ")):
            f.fail(c, "expected %s, got %r" % (show_expected(c["expected"]), line))
            return
        got = line.split()[1:]
        es = c["expected"]
        if len(got) == len(es) and all(result_ok(g, e) for g, e in zip(got, es)):
            f.ok(c)
        else:
            f.fail(c, "%s: expected %s, got %s" % (c["action"]["field"], show_expected(es),
                                                   " ".join(got) or "(nothing)"))
    elif t in ("assert_trap", "assert_exhaustion"):
        want = c.get("text", "call stack exhausted")
        if t == "assert_exhaustion":
            want = "call stack exhausted"
        if line.startswith("trap: ") and trap_matches(line[6:], want):
            f.ok(c)
        else:
            f.fail(c, "expected trap %r, got %r" % (want, line))
    elif t == "assert_unlinkable":
        if line.startswith("error: unlinkable"):
            f.ok(c)
        else:
            f.fail(c, "expected unlinkable (%s), got %r" % (c.get("text"), line))
    elif t == "assert_uninstantiable":
        want = c.get("text", "")
        got = line[len("error: uninstantiable: trap: "):] \
            if line.startswith("error: uninstantiable: trap: ") else None
        if got is not None and trap_matches(got, want):
            f.ok(c)
        else:
            f.fail(c, "expected uninstantiable (%s), got %r" % (want, line))


def main():
    t0 = time.time()
    files = sorted(os.path.join(SPEC, f) for f in os.listdir(SPEC) if f.endswith(".wast"))
    if ONLY:
        files = [f for f in files if os.path.basename(f)[:-5] in ONLY]
    fs = [File(w) for w in files]
    with ThreadPoolExecutor(max_workers=JOBS) as ex:
        todo = [m for ms in ex.map(plan, fs) for m in ms]
        sos = {}
        for (f, c), r in zip(todo, ex.map(lambda fc: compile_module(fc[0].tmp, fc[1]), todo)):
            sos[id(c)] = r
        t1 = time.time()
        list(ex.map(lambda f: execute(f, sos), fs))
    t2 = time.time()
    tot = {k: 0 for k in ("passed", "failed", "na", "skipped")}
    print("%-34s %7s %7s %7s %7s" % ("file", "passed", "failed", "n/a", "skipped"))
    for f in fs:
        r = f.res
        print("%-34s %7d %7d %7d %7d" % (r["name"], r["passed"], r["failed"], r["na"], r["skipped"]))
        for k in tot:
            tot[k] += r[k]
    for f in fs:
        for w in f.res["why"][:SHOW]:
            print("FAIL " + w)
        if len(f.res["why"]) > SHOW:
            print("FAIL %s.wast: %d more (SPEC_SHOW=N shows more)" % (f.name, len(f.res["why"]) - SHOW))
    for f in fs:
        if f.res["convert"]:
            print("wast2json cannot convert %s.wast whole, converted command by command: %s"
                  % (f.name, f.res["convert"]))
        for w in f.res["notes"]:
            print(w)
    print("%d modules compiled in %.0f s, commands run in %.0f s (%d jobs); %d not applicable"
          % (len(todo), t1 - t0, t2 - t1, JOBS, tot["na"]))
    last = "%d passed, %d failed" % (tot["passed"], tot["failed"])
    print(last + (", %d skipped" % tot["skipped"] if tot["skipped"] else ""))
    return 1 if tot["failed"] else 0


sys.exit(main())
