#!/usr/bin/env python3
"""Variant generator and runner of the fuzz smoke test (test/fuzz/smoke.sh).

usage: smoke.py SECONDS SEED ASAN_BIN CORPUS_DIR

CORPUS_DIR/wasm/*.wasm are binary seeds, CORPUS_DIR/wat/*.wat valid texts.
Until SECONDS have passed, variant i (i = 0, 1, 2, ...) is made by a
PRNG seeded from (SEED, i), so the same SEED and corpus give the same
variants whatever the timing:
  even i: a binary variant of a seed module, fed to wasm-parse; when
          wasm-parse accepts it, its text goes on to wasm-verify (the
          pipeline as it is used);
  odd i:  a text variant of a valid text, fed to wasm-verify.
A tool behaves when it exits 0, or 1 with a message on stderr.  Any
other status, a signal, a sanitizer report or a run over the time limit
is a failure: the input is saved in a directory made on demand
($TMPDIR/wasm-aot-smoke.SEED.XXXXXX, kept) and its path printed with the seed and the variant number.

Not failures, but printed for the lead: binary variants where our
verdict (parse|verify accepts or rejects) differs from wasm-validate's;
the first few are kept there too.
Last line: `N passed, M failed` (N = variants that behaved).
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helpers"))
from wasmbin import uleb  # noqa: E402

SECS, SEED, ABIN, CORPUS = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
KEEP = []             # the directory for inputs worth keeping, once made
PARSE = os.path.join(ABIN, "wasm-parse")
VERIFY = os.path.join(ABIN, "wasm-verify")
TIMEOUT = 20          # seconds per run, sanitizers included; more is a hang
MASK = (1 << 64) - 1
# Sanitizer reports exit 99, so they cannot pass for an input error (1).
ENV = dict(os.environ,
           ASAN_OPTIONS="exitcode=99:detect_leaks=0:allocator_may_return_null=1:abort_on_error=0",
           UBSAN_OPTIONS="exitcode=99:print_stacktrace=1:halt_on_error=1")
SANITIZER = re.compile(rb"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|"
                       rb"ERROR: UndefinedBehaviorSanitizer|AddressSanitizer:DEADLYSIGNAL")


class Rng:
    """splitmix64: small, fast, the same everywhere."""
    def __init__(self, seed, index):
        self.s = (seed * 0x9E3779B97F4A7C15 + index * 0xD1B54A32D192ED03 + 1) & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n if n > 0 else 0

    def pick(self, seq):
        return seq[self.below(len(seq))]


def load(kind, ext):
    d = os.path.join(CORPUS, kind)
    names = sorted(f for f in os.listdir(d) if f.endswith(ext)) if os.path.isdir(d) else []
    out = []
    for n in names:
        with open(os.path.join(d, n), "rb") as f:
            out.append(f.read())
    return out


# --- binary variants ---

def sections(m):
    """[(start, payload_start, end)] of the top-level sections, or None."""
    out, i = [], 8
    if len(m) < 8 or m[:4] != b"\0asm":
        return None
    while i < len(m):
        start, i = i, i + 1
        size = shift = 0
        while True:
            if i >= len(m) or shift > 28:
                return None
            b = m[i]
            i += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if i + size > len(m):
            return None
        out.append((start, i, i + size))
        i += size
    return out


def resize(m, secs, k, payload):
    """M with the payload of section K replaced, its size fixed."""
    start, pstart, end = secs[k]
    return m[:start + 1] + uleb(len(payload)) + payload + m[end:]


LEBS = [b"\xff\xff\xff\xff\x0f", b"\x80\x80\x80\x80\x10", b"\xff\xff\xff\xff\x7f",
        b"\x80\x80\x80\x80\x80\x00", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
        b"\x80\x80\x80\x80\x00", b"\xc0\xbb\x78", b"\x7f", b"\x40"]
BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x41, 0x0b, 0x05, 0x02, 0x03, 0x04,
         0x0c, 0x0d, 0x0e, 0x10, 0x11, 0x1c, 0x20, 0xd0, 0xd2, 0xfc, 0xfd, 0x6f, 0x70,
         0x7b, 0x7c, 0x7d, 0x7e]


def mutate_bytes(r, m, other):
    m = bytearray(m)
    op = r.below(7)
    n = len(m)
    if op == 0:                                    # truncate
        return bytes(m[:r.below(n + 1)]), "truncate"
    if op == 1:                                    # flip bits
        for _ in range(1 + r.below(8)):
            if m:
                m[r.below(len(m))] ^= 1 << r.below(8)
        return bytes(m), "bitflip"
    if op == 2:                                    # splice two modules
        a, b = r.below(n + 1), r.below(len(other) + 1)
        return bytes(m[:a]) + other[b:], "splice"
    if op == 3:                                    # LEB blow-up in place
        p = r.below(n + 1)
        return bytes(m[:p]) + r.pick(LEBS) + bytes(m[p + 1 + r.below(2):]), "leb"
    if op == 4:                                    # interesting bytes
        for _ in range(1 + r.below(4)):
            if m:
                m[r.below(len(m))] = r.pick(BYTES)
        return bytes(m), "bytes"
    if op == 5:                                    # duplicate a chunk
        a = r.below(n + 1)
        b = min(n, a + r.below(64))
        return bytes(m[:b]) + bytes(m[a:b]) + bytes(m[b:]), "dup"
    a = r.below(n + 1)                             # delete a chunk
    return bytes(m[:a]) + bytes(m[a + 1 + r.below(32):]), "delete"


def binary_variant(r, seeds):
    """A variant, and the name of its mutation.  Half of the time the
    mutation stays inside one section and the section size is fixed up,
    so that the reader gets past the section framing."""
    m, other = r.pick(seeds), r.pick(seeds)
    secs = sections(m)
    op = r.below(10)
    if secs and op < 5:
        k = r.below(len(secs))
        _, pstart, end = secs[k]
        payload, what = mutate_bytes(r, m[pstart:end], m[pstart:end])
        return resize(m, secs, k, payload), "section-" + what
    if secs and op == 5:                           # a section from another module
        osecs = sections(other)
        if osecs:
            k, j = r.below(len(secs)), r.below(len(osecs))
            s, e = osecs[j][0], osecs[j][2]
            return m[:secs[k][0]] + other[s:e] + m[secs[k][2]:], "section-swap"
    v, what = mutate_bytes(r, m, other)
    for _ in range(r.below(3)):                    # sometimes stack mutations
        v, w = mutate_bytes(r, v, other)
        what += "+" + w
    return v, what


# --- text variants ---

TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[^\s()]+|[()]')


def text_variant(r, seeds, words):
    t = r.pick(seeds)
    lines = t.split(b"\n")
    op = r.below(8)
    n = len(lines)
    if op == 0:                                    # delete lines
        a = r.below(n)
        del lines[a:a + 1 + r.below(3)]
        return b"\n".join(lines), "delete-line"
    if op == 1:                                    # duplicate a line
        a = r.below(n)
        lines.insert(r.below(n), lines[a])
        return b"\n".join(lines), "dup-line"
    if op == 2:                                    # swap two lines
        a, b = r.below(n), r.below(n)
        lines[a], lines[b] = lines[b], lines[a]
        return b"\n".join(lines), "swap-lines"
    if op == 3:                                    # truncate
        return t[:r.below(len(t) + 1)], "truncate"
    toks = [m.span() for m in TOKEN.finditer(t)]
    if not toks:
        return t, "none"
    if op == 4:                                    # swap two tokens
        (a0, a1), (b0, b1) = sorted([r.pick(toks), r.pick(toks)])
        if a1 > b0:
            return t, "none"
        return t[:a0] + t[b0:b1] + t[a1:b0] + t[a0:a1] + t[b1:], "swap-tokens"
    if op == 5:                                    # a token from elsewhere
        a0, a1 = r.pick(toks)
        return t[:a0] + r.pick(words) + t[a1:], "replace-token"
    if op == 6:                                    # change digits
        digits = [i for i in range(len(t)) if 48 <= t[i] <= 57]
        if not digits:
            return t, "none"
        v = bytearray(t)
        for _ in range(1 + r.below(3)):
            v[r.pick(digits)] = 48 + r.below(10)
        return bytes(v), "digits"
    a0, a1 = r.pick(toks)                          # a number blown up
    big = [b"4294967295", b"4294967296", b"-1", b"18446744073709551616", b"0x7fffffff",
           b"99999999999999999999999999", b"-0x8000000000000000", b"nan:0x0", b"0x1p+9999"]
    return t[:a0] + r.pick(big) + t[a1:], "big-number"


# --- running ---

def run(cmd, data):
    """(status, stderr); status None when the run took too long."""
    try:
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=ENV, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out"
    return p.returncode, p.stdout, p.stderr


def misbehaved(code, err):
    """Why a run is a failure, or None."""
    if code is None:
        return "hang: over %d s" % TIMEOUT
    if SANITIZER.search(err):
        return "sanitizer report (status %d)" % code
    if code < 0:
        return "killed by signal %d" % -code
    if code not in (0, 1):
        return "exit status %d" % code
    if code == 1 and not err.strip():
        return "status 1 without a message"
    return None


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.next = 0
        self.stats = {"run": 0, "ok": 0, "failed": 0, "rejected": 0, "accepted": 0,
                      "disagree": 0}
        self.failures = []
        self.disagreements = []


def keep(name, data):
    if not KEEP:
        KEEP.append(tempfile.mkdtemp(prefix="wasm-aot-smoke.%d." % SEED))
    path = os.path.join(KEEP[0], name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def one(i, bins, texts, words, st):
    r = Rng(SEED, i)
    if i % 2 == 0 or not texts:
        data, what = binary_variant(r, bins)
        code, out, err = run([PARSE, "-"], data)
        why, tool, ext = misbehaved(code, err), "wasm-parse", "wasm"
        ours = None
        if why is None and code == 0:
            code2, _, err2 = run([VERIFY, "-"], out)
            why, err, tool = misbehaved(code2, err2), err2, "wasm-verify"
            if why is None:
                ours = code2 == 0
                code = code2
        elif why is None:
            ours = False
    else:
        data, what = text_variant(r, texts, words)
        code, _, err = run([VERIFY, "-"], data)
        why, tool, ext, ours = misbehaved(code, err), "wasm-verify", "wat", None
    with st.lock:
        st.stats["run"] += 1
        if why:
            st.stats["failed"] += 1
            path = keep("variant-%d.%s" % (i, ext), data)
            msg = err.decode("utf-8", "replace").strip().splitlines()
            st.failures.append("FAIL variant %d (%s, seed %d): %s: %s; input %s\n     %s"
                               % (i, what, SEED, tool, why, path, " | ".join(msg[:4])[:400]))
            return
        st.stats["ok"] += 1
        st.stats["accepted" if code == 0 else "rejected"] += 1
    if ours is not None:
        theirs = run(["wasm-validate", "-"], data)
        if theirs[0] is not None and (theirs[0] == 0) != ours:
            with st.lock:
                st.stats["disagree"] += 1
                if len(st.disagreements) < 10:
                    path = keep("disagree-%d.wasm" % i, data)
                    st.disagreements.append("note variant %d (%s): ours %s, wasm-validate %s; %s"
                                            % (i, what, "accepts" if ours else "rejects",
                                               "accepts" if theirs[0] == 0 else "rejects", path))


def worker(deadline, bins, texts, words, st):
    while time.monotonic() < deadline:
        with st.lock:
            i = st.next
            st.next += 1
        one(i, bins, texts, words, st)


def main():
    bins, texts = load("wasm", ".wasm"), load("wat", ".wat")
    if not bins:
        print("skipping: no seed modules")
        return 0
    words = sorted({m.group(0) for t in texts[:200] for m in TOKEN.finditer(t)})[:5000] or [b"nop"]
    print("fuzz smoke: seed %d, %d s, %d binary seeds, %d text seeds"
          % (SEED, SECS, len(bins), len(texts)))
    st = State()
    deadline = time.monotonic() + SECS
    threads = [threading.Thread(target=worker, args=(deadline, bins, texts, words, st))
               for _ in range(os.cpu_count() or 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = st.stats
    print("variants run %d: rejected %d, accepted %d, misbehaved %d"
          % (s["run"], s["rejected"], s["accepted"], s["failed"]))
    for f in sorted(st.failures)[:30]:
        print(f)
    if s["disagree"]:
        print("verdicts differing from wasm-validate (not counted as failures): %d" % s["disagree"])
        for d in st.disagreements:
            print(d)
    if s["failed"]:
        print("inputs kept in %s; the same variants again: FUZZ_SEED=%d test/fuzz/smoke.sh"
              % (KEEP[0], SEED))
    print("%d passed, %d failed" % (s["ok"], s["failed"]))
    return 1 if s["failed"] else 0


sys.exit(main())
