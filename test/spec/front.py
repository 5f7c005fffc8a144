#!/usr/bin/env python3
"""The spec-suite run of the front half (wasm-parse, wasm-verify).

usage: front.py SPEC_DIR BIN_DIR WORK_DIR   (test/spec/front.sh calls it)

For every *.wast in SPEC_DIR, converted by wast2json (wabt 1.0.32: its
defaults are exactly WebAssembly 2.0, SIMD included, so no --enable flag)
into WORK_DIR:
  - every module the suite expects to be valid (module, and the modules
    of assert_unlinkable / assert_uninstantiable, which is what an
    assert_trap on a module becomes) must go through
    `wasm-parse | wasm-verify`, wasm-verify must copy its input
    unchanged, and the text must round-trip: wat2wasm of our text,
    printed by wasm2wat, equals wasm2wat of the original (see
    normalise() for the differences allowed);
  - every binary assert_malformed module must be rejected by wasm-parse
    with status 1;
  - every binary assert_invalid module must be rejected by wasm-parse
    or wasm-verify with status 1;
  - every text-format assert_malformed or assert_invalid module (module
    quote ...) must be rejected by wasm-verify, which reads the text
    format, with status 1.
A status other than 0 or 1, or death by a signal, is a crash: a failure.

A file wast2json cannot convert as a whole (wabt 1.0.32 lags the spec's
text syntax in a few places) is converted one command at a time; a
module that wast2json still cannot convert has no binary to parse, so
wasm-verify checks its text (quoted modules decoded), and anything else
that still fails is counted as skipped with wabt's reason.  Nothing is
dropped silently.

Prints one row per file, the failures with their reasons, a summary by
kind of check, and last the line `N passed, M failed[, K skipped]`.
"""
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from wast import module_text, top_level

SPEC, BIN, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
PARSE = os.path.join(BIN, "wasm-parse")
VERIFY = os.path.join(BIN, "wasm-verify")
SHOW = int(os.environ.get("FRONT_SHOW", "30"))   # failures listed per file
NA = "n/a"


def run(cmd, data=None):
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def status(code):
    return "killed by signal %d" % -code if code < 0 else "status %d" % code


def head(err, n=3):
    """The first few lines of a program's standard error."""
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(l[:200] for l in lines[:n])


def normalise(text):
    """wasm2wat output of two equivalent modules, minus what may differ
    legitimately:
      - index comments (;N;): positional, not part of the module;
      - `(table 0) ` in an elem segment: flags 2/6 with table 0 are
        equivalent to flags 0/4 (active, table 0), and the canonical
        text prints the short form (no spec module needs this today);
      - runs of blanks.
    Names need no rule: wasm2wat runs with --no-debug-names, and
    wat2wasm writes no name section for our $ids."""
    text = re.sub(r"\(;\d+;\)", "", text)
    text = re.sub(r"\(table 0\) ", "", text)
    return re.sub(r"[ \t]+", " ", text)


# Text that is valid WebAssembly 2.0 but that wabt 1.0.32's wat2wasm
# rejects: the round trip of such a module is not applicable (counted
# and listed as n/a, never as passed).
WABT_LIMITS = [
    "invalid elem expression expression; must be either ref.null or ref.func",
]


def wat(path):
    code, out, err = run(["wasm2wat", "--no-check", "--no-debug-names", path])
    if code != 0:
        return None, head(err)
    return normalise(out.decode("utf-8", "replace")), None


def custom_sections(path):
    """Names of the custom sections of a binary module, `name` aside,
    in order (None if the framing is broken: the reader reported it)."""
    with open(path, "rb") as f:
        m = f.read()
    i, out = 8, []
    while i < len(m):
        sid, i = m[i], i + 1
        size = shift = 0
        while i < len(m):
            size |= (m[i] & 0x7F) << shift
            shift, i = shift + 7, i + 1
            if not m[i - 1] & 0x80:
                break
        end = i + size
        if sid == 0:
            n = shift = 0
            while i < end:
                n |= (m[i] & 0x7F) << shift
                shift, i = shift + 7, i + 1
                if not m[i - 1] & 0x80:
                    break
            name = m[i:i + n]
            if name != b"name":
                out.append(name)
        i = end
    return out


CUSTOM = re.compile(rb'^ *\(;@custom "((?:[^"\\]|\\.)*)"', re.M)


def unescape(b):
    return re.sub(rb"\\([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), b)


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return "line %d: original `%s`, ours `%s`" % (i + 1, x.strip()[:80], y.strip()[:80])
    return "lengths %d and %d lines" % (len(al), len(bl))


def check_valid(wasm, res):
    """Returns None (passed), NA, or the reason of the failure."""
    code, text, err = run([PARSE, wasm])
    if code != 0:
        return "wasm-parse rejects a valid module (%s): %s" % (status(code), head(err))
    code, out, err = run([VERIFY], text)
    if code != 0:
        return "wasm-verify rejects a valid module (%s): %s" % (status(code), head(err))
    if out != text:
        return "wasm-verify changed its input"
    res["verified"] += 1
    # wasm2wat shows no custom section: check them apart, by name
    want = custom_sections(wasm)
    got = [unescape(n) for n in CUSTOM.findall(text)]
    if want != got:
        return "custom sections: the binary has %s, our text %s" % (want[:4], got[:4])
    back = wasm + ".rt.wasm"
    code, _, err = run(["wat2wasm", "-", "-o", back], text)
    if code != 0:
        msg = err.decode("utf-8", "replace")
        if any(known in msg for known in WABT_LIMITS):
            return NA
        return "round trip: wat2wasm rejects our text: %s" % head(err)
    (a, why_a), (b, why_b) = wat(wasm), wat(back)
    if a is None:
        return "round trip: wasm2wat cannot print the original: %s" % why_a
    if b is None:
        return "round trip: wasm2wat cannot print ours: %s" % why_b
    if a != b:
        return "round trip differs: %s" % first_difference(a, b)
    res["roundtrip"] += 1
    return None


def check_text_valid(wat):
    code, out, err = run([VERIFY, wat])
    if code != 0:
        return "wasm-verify rejects a valid text module (%s): %s" % (status(code), head(err))
    return None


def check_text_rejected(wat, what):
    """A quoted module's text (wast2json writes it as it stands: a
    module or, by the text format's abbreviation, its fields alone)."""
    code, _, err = run([VERIFY, wat])
    if code == 1:
        return None
    if code != 0:
        return "wasm-verify crashed (%s): %s" % (status(code), head(err))
    return "wasm-verify accepts a%s text module" % what


def check_rejected(wasm, verify_too):
    code, text, err = run([PARSE, wasm])
    if code == 1:
        return None
    if code != 0:
        return "wasm-parse crashed (%s): %s" % (status(code), head(err))
    if not verify_too:
        return "wasm-parse accepts a malformed module"
    code, _, err = run([VERIFY], text)
    if code == 1:
        return None
    if code != 0:
        return "wasm-verify crashed (%s): %s" % (status(code), head(err))
    return "wasm-parse | wasm-verify accepts an invalid module"


# --- splitting a .wast into top-level commands, for the fallback ---

MODULE_COMMANDS = ("module", "assert_invalid", "assert_malformed",
                   "assert_unlinkable", "assert_uninstantiable")


def convert_piecewise(wast, name, tmp):
    """Converts the module-bearing commands of WAST one at a time.  Each
    goes alone into a small .wast, padded with newlines so that wabt's
    line numbers stay those of the original.  Returns the commands (as
    in wast2json's JSON) and the list of skipped ones with reasons."""
    with open(wast, encoding="utf-8", errors="surrogateescape") as f:
        src = f.read()
    cmds, skipped = [], []
    for k, (line, text) in enumerate(top_level(src)):
        m = re.match(r"\(\s*([a-z_]+)\s*(\(\s*module\b)?", text)
        if not m:
            continue
        kind = m.group(1)
        if kind not in MODULE_COMMANDS and not (kind == "assert_trap" and m.group(2)):
            continue
        piece = os.path.join(tmp, "%s.%d.wast" % (name, k))
        with open(piece, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("\n" * (line - 1) + text + "\n")
        out = os.path.join(tmp, "%s.%d.json" % (name, k))
        code, _, err = run(["wast2json", piece, "-o", out])
        if code != 0:
            why = head(err, 1).replace(piece, name + ".wast")
            wat = module_text(text)
            if kind == "module" and wat is not None:
                # no binary to parse: wasm-verify checks the module's text
                path = os.path.join(tmp, "%s.%d.wat" % (name, k))
                with open(path, "wb") as f:
                    f.write(b"\n" * (line - 1) + wat + b"\n")
                cmds.append({"type": "module_text", "line": line, "filename": os.path.basename(path),
                             "why": why})
                continue
            skipped.append("%s.wast:%d: %s: %s" % (name, line, kind, why))
            continue
        with open(out) as f:
            cmds += json.load(f)["commands"]
    return cmds, skipped


def one_file(wast):
    name = os.path.basename(wast)[:-5]
    tmp = os.path.join(WORK, name)
    os.makedirs(tmp)
    res = {"name": name, "passed": 0, "failed": 0, "na": 0, "skipped": 0,
           "why": [], "notes": [], "convert": None,
           "valid": 0, "verified": 0, "roundtrip": 0, "malformed": 0, "invalid": 0,
           "textverified": 0, "textmalformed": 0, "textinvalid": 0}
    json_path = os.path.join(tmp, name + ".json")
    code, _, err = run(["wast2json", wast, "-o", json_path])
    if code == 0:
        with open(json_path) as f:
            cmds = json.load(f)["commands"]
    else:
        res["convert"] = head(err, 1)
        cmds, skipped = convert_piecewise(wast, name, tmp)
        res["skipped"] = len(skipped)
        res["notes"] += ["skip " + s for s in skipped]
    for c in cmds:
        check(c, tmp, name, res)
    return res


def check(c, tmp, name, res):
    t, fn, line = c["type"], c.get("filename"), c.get("line")
    if not fn:
        return
    path = os.path.join(tmp, fn)
    binary = c.get("module_type", "binary") == "binary"
    if t == "module_text":
        code, out, err = run([VERIFY, path])
        if code == 0:
            res["passed"] += 1
            res["textverified"] += 1
            res["notes"].append("text %s.wast:%s: module wast2json cannot convert (%s) "
                                "checked by wasm-verify on its text" % (name, line, c["why"]))
        else:
            res["failed"] += 1
            res["why"].append("%s.wast:%s: module (text): wasm-verify %s: %s"
                              % (name, line, status(code), head(err)))
        return
    if t in ("module", "assert_unlinkable", "assert_uninstantiable"):
        kind = "valid"
        why = check_valid(path, res) if binary else check_text_valid(path)
    elif t == "assert_malformed":
        kind = "malformed" if binary else "textmalformed"
        why = check_rejected(path, False) if binary else check_text_rejected(path, " malformed")
    elif t == "assert_invalid":
        kind = "invalid" if binary else "textinvalid"
        why = check_rejected(path, True) if binary else check_text_rejected(path, "n invalid")
    else:
        return
    if why == NA:
        res["na"] += 1
        if binary:
            res["notes"].append("n/a  %s.wast:%s: round trip not applicable "
                                "(wat2wasm 1.0.32 rejects valid 2.0 text)" % (name, line))
    elif why:
        res["failed"] += 1
        res["why"].append("%s.wast:%s: %s: %s" % (name, line, t, why))
    else:
        res["passed"] += 1
        res[kind] += 1


def main():
    files = sorted(os.path.join(SPEC, f) for f in os.listdir(SPEC) if f.endswith(".wast"))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        results = list(ex.map(one_file, files))
    tot = {k: 0 for k in ("passed", "failed", "na", "skipped", "valid", "verified",
                          "roundtrip", "malformed", "invalid", "textverified", "textmalformed",
                          "textinvalid")}
    print("%-36s %7s %7s %7s %7s" % ("file", "passed", "failed", "n/a", "skipped"))
    for r in results:
        print("%-36s %7d %7d %7d %7d" % (r["name"], r["passed"], r["failed"], r["na"], r["skipped"]))
        for k in tot:
            tot[k] += r[k]
    for r in results:
        for w in r["why"][:SHOW]:
            print("FAIL " + w)
        if len(r["why"]) > SHOW:
            print("FAIL %s.wast: %d more (FRONT_SHOW=N shows more)" % (r["name"], len(r["why"]) - SHOW))
    for r in results:
        if r["convert"]:
            print("wast2json cannot convert %s.wast whole, converted command by command: %s"
                  % (r["name"], r["convert"]))
        for w in r["notes"]:
            print(w)
    print("valid modules: %d passed parse|verify, %d round-tripped; "
          "binary malformed rejected: %d; binary invalid rejected: %d"
          % (tot["verified"], tot["roundtrip"], tot["malformed"], tot["invalid"]))
    print("text-format malformed rejected by wasm-verify: %d; text-format invalid rejected: %d"
          % (tot["textmalformed"], tot["textinvalid"]))
    print("modules wast2json cannot convert, checked by wasm-verify on their text: %d"
          % tot["textverified"])
    print("not applicable: %d (round trips wat2wasm 1.0.32 cannot make, listed); "
          "skipped: %d (commands wast2json cannot convert)" % (tot["na"], tot["skipped"]))
    last = "%d passed, %d failed" % (tot["passed"], tot["failed"])
    print(last + (", %d skipped" % tot["skipped"] if tot["skipped"] else ""))
    return 1 if tot["failed"] else 0


sys.exit(main())
