#!/usr/bin/env python3
"""The spec-suite run of the front half (wasm-parse, wasm-verify).

usage: front.py SPEC_DIR BIN_DIR

For every *.wast in SPEC_DIR, converted by wast2json into a temporary
directory:
  - every module the suite expects to be valid (module, and the modules
    of assert_unlinkable / assert_uninstantiable) must go through
    `wasm-parse | wasm-verify`, and its text must round-trip: wat2wasm
    of our text, printed by wasm2wat, equals wasm2wat of the original
    (names and index comments aside, see normalise());
  - every binary assert_malformed module must be rejected by wasm-parse
    with status 1 (text-format ones are not applicable: counted apart);
  - every binary assert_invalid module must be rejected by wasm-parse
    or wasm-verify with status 1.
A status other than 0 or 1, or death by a signal, is a crash: a failure.
Prints one row per file and the line `N passed, M failed`.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

SPEC, BIN = sys.argv[1], sys.argv[2]
PARSE = os.path.join(BIN, "wasm-parse")
VERIFY = os.path.join(BIN, "wasm-verify")


def run(cmd, data=None):
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def normalise(text):
    """wasm2wat output of two equivalent modules: drop what may differ
    legitimately. Index comments and names (ours come back as ids,
    theirs may come from a name section), the explicit `(table 0)` of
    an elem segment (binary flags 2/6 with table 0 vs flags 0/4)."""
    text = re.sub(r"\(;\d+;\)", "", text)
    text = re.sub(r"\$[^\s()]+", "$", text)
    text = re.sub(r"\(table 0\) ", "", text)
    return re.sub(r"[ \t]+", " ", text)


# Text that is valid WebAssembly 2.0 but that wabt 1.0.32's wat2wasm
# rejects: the round trip of such a module is not applicable (counted
# and reported as n/a, never as passed).
WABT_LIMITS = [
    "invalid elem expression expression; must be either ref.null or ref.func",
]
NOT_APPLICABLE = "n/a"


def wat(path):
    code, out, err = run(["wasm2wat", "--no-check", "--no-debug-names", path])
    return normalise(out.decode("utf-8", "replace")) if code == 0 else None


def check_valid(tmp, wasm):
    code, text, err = run([PARSE, wasm])
    if code != 0:
        return "wasm-parse failed (%d): %s" % (code, err.decode(errors="replace").strip()[:300])
    code, out, err = run([VERIFY], text)
    if code != 0:
        return "wasm-verify failed (%d): %s" % (code, err.decode(errors="replace").strip()[:300])
    if out != text:
        return "wasm-verify changed its input"
    back = wasm + ".rt.wasm"
    code, _, err = run(["wat2wasm", "-", "-o", back], text)
    if code != 0:
        msg = err.decode(errors="replace")
        for known in WABT_LIMITS:
            if known in msg:
                return NOT_APPLICABLE
        return "wat2wasm rejects our text: %s" % msg.strip()[:300]
    a, b = wat(wasm), wat(back)
    if a is None or b is None or a != b:
        return "round trip differs"
    return None


def check_rejected(wasm, verify_too):
    code, text, err = run([PARSE, wasm])
    if code == 1:
        return None
    if code != 0:
        return "wasm-parse crashed or exited %d: %s" % (code, err.decode(errors="replace").strip()[:200])
    if not verify_too:
        return "wasm-parse accepted a malformed module"
    code, _, err = run([VERIFY], text)
    if code == 1:
        return None
    if code != 0:
        return "wasm-verify crashed or exited %d" % code
    return "accepted an invalid module"


def one_file(wast):
    name = os.path.basename(wast)[:-5]
    tmp = tempfile.mkdtemp(prefix="front-")
    try:
        json_path = os.path.join(tmp, name + ".json")
        code, _, err = run(["wast2json", wast, "-o", json_path])
        if code != 0:
            reason = err.decode(errors="replace").strip().splitlines()
            return name, None, reason[0] if reason else "wast2json failed"
        with open(json_path) as f:
            cmds = json.load(f)["commands"]
        res = {"passed": 0, "failed": 0, "na": 0, "why": [], "notes": []}
        for c in cmds:
            t = c["type"]
            fn = c.get("filename")
            if not fn:
                continue
            path = os.path.join(tmp, fn)
            line = c.get("line")
            if t in ("module", "assert_unlinkable", "assert_uninstantiable"):
                if c.get("module_type", "binary") != "binary":
                    continue
                why = check_valid(tmp, path)
            elif t == "assert_malformed":
                if c.get("module_type") != "binary":
                    res["na"] += 1
                    continue
                why = check_rejected(path, False)
            elif t == "assert_invalid":
                if c.get("module_type") != "binary":
                    res["na"] += 1
                    continue
                why = check_rejected(path, True)
            else:
                continue
            if why == NOT_APPLICABLE:
                res["na"] += 1
                res["notes"].append("%s.wast:%s: round trip not applicable (wabt limitation)" % (name, line))
            elif why:
                res["failed"] += 1
                res["why"].append("%s.wast:%s: %s" % (name, line, why))
            else:
                res["passed"] += 1
        return name, res, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not os.path.isdir(SPEC):
        print("skipping: spec suite directory %s not found" % SPEC)
        return 0
    files = sorted(os.path.join(SPEC, f) for f in os.listdir(SPEC) if f.endswith(".wast"))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        results = list(ex.map(one_file, files))
    passed = failed = na = 0
    unconverted = []
    print("%-32s %7s %7s %7s" % ("file", "passed", "failed", "n/a"))
    for name, res, reason in results:
        if res is None:
            unconverted.append((name, reason))
            continue
        print("%-32s %7d %7d %7d" % (name, res["passed"], res["failed"], res["na"]))
        passed += res["passed"]
        failed += res["failed"]
        na += res["na"]
    for name, res, _ in results:
        if res:
            for w in res["why"][:int(os.environ.get("FRONT_SHOW", "20"))]:
                print("FAIL " + w)
    for name, res, _ in results:
        if res:
            for w in res["notes"]:
                print("n/a  " + w)
    for name, reason in unconverted:
        print("not converted by wast2json: %s.wast: %s" % (name, reason))
    print("%d not applicable (text-format assertions, wabt limits), %d files not convertible" % (na, len(unconverted)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
