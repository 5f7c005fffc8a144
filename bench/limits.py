#!/usr/bin/env python3
"""Time and memory of the front half and wasm-lower on extreme modules.

usage: bench/limits.py [BIN_DIR] [CASE...]     (make bench runs it)

Each case is a module written by test/limits/mkmod.py (KIND N): many
imports, types, functions, globals, exports, or one huge function (past the default body size: every stage runs
with --no-limits).  For
each stage (wasm-parse on the binary, wasm-verify and wasm-lower on the
text wasm-parse wrote) the table gives the median wall time of RUNS runs
(environment, default 3), the median CPU time (user + system: the
machine is shared, and CPU time moves less with its load than wall
time does) and the largest maximum resident set size (getrusage of the
child, as /usr/bin/time -v reports it); for the
one-function cases also bytes of peak memory per instruction.  A stage
that runs over LIMIT_SECONDS (default 300) is stopped and shown as such.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import machine  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MKMOD = os.path.join(TOP, "test", "limits", "mkmod.py")
RUNS = int(os.environ.get("RUNS", "3"))
# the one-function cases are past the default body size; tools built
# before the limits existed take no such option (NOLIMITS= for them)
NOLIMITS = os.environ.get("NOLIMITS", "--no-limits").split()
LIMIT = float(os.environ.get("LIMIT_SECONDS", "300"))

# (kind, n, instructions in the one function or None)
CASES = [
    ("imports", 100000, None),
    ("types", 1000000, None),
    ("dtypes", 100000, None),
    ("funcs", 100000, None),
    ("globals", 1000000, None),
    ("exports", 100000, None),
    ("nops", 16 * 1000 * 1000, 16 * 1000 * 1000 + 1),
    ("mix", 2 * 1000 * 1000, 2 * 1000 * 1000 + 1),
]


def measure(cmd, stdin_path, out_path):
    """Runs cmd RUNS times; (median wall s or None, median CPU s, max RSS
    bytes, status)."""
    times, cpu, rss, status = [], [], 0, 0
    for _ in range(RUNS):
        with open(stdin_path, "rb") as fin, open(out_path, "wb") as fout:
            t = time.monotonic()
            p = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL)
            deadline = t + LIMIT
            while True:
                pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    p.kill()
                    pid, st, ru = os.wait4(p.pid, 0)
                    p.returncode = -9
                    return None, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, \
                        "killed after %.0f s" % LIMIT
                time.sleep(0.01)
            secs = time.monotonic() - t
        rss = max(rss, ru.ru_maxrss * 1024)
        status = os.waitstatus_to_exitcode(st)
        times.append(secs)
        cpu.append(ru.ru_utime + ru.ru_stime)
        if status != 0:
            break
    return statistics.median(times), statistics.median(cpu), rss, status


def main():
    args = sys.argv[1:]
    bin_dir = os.path.join(TOP, "bin")
    if args and os.path.isdir(args[0]):
        bin_dir = args.pop(0)
    cases = [c for c in CASES if not args or c[0] in args]
    print("extreme modules: %s; load average %s" % (machine(), open("/proc/loadavg").read().split()[:3]))
    print("%-16s %8s %-12s %9s %9s %10s %9s" % ("case", "wasm MB", "stage", "wall s", "CPU s",
                                                "max RSS MB", "B/instr"))
    with tempfile.TemporaryDirectory() as tmp:
        for kind, n, ninstr in cases:
            wasm, wat, out = (os.path.join(tmp, "m." + e) for e in ("wasm", "wat", "out"))
            subprocess.run([sys.executable, MKMOD, kind, str(n), wasm], check=True)
            size = os.path.getsize(wasm) / 1e6
            stages = [("wasm-parse", [os.path.join(bin_dir, "wasm-parse")] + NOLIMITS, wasm, wat),
                      ("wasm-verify", [os.path.join(bin_dir, "wasm-verify")] + NOLIMITS, wat, out),
                      ("wasm-lower", [os.path.join(bin_dir, "wasm-lower")] + NOLIMITS, wat, out)]
            for stage, cmd, src, dst in stages:
                secs, cpu, rss, status = measure(cmd, src, dst)
                per = "%9.0f" % (rss / ninstr) if ninstr else "%9s" % "-"
                what = ("%9.2f %9.2f" % (secs, cpu)) if secs is not None and status == 0 else \
                       ("%19s" % ("status %s" % status if secs is not None else status))
                print("%-16s %8.1f %-12s %s %10.0f %s" % ("%s %d" % (kind, n), size, stage, what,
                                                           rss / 1e6, per), flush=True)
                if stage == "wasm-parse" and status != 0:
                    break
    print("(medians of %d runs; max RSS of the child as getrusage reports it; "
          "B/instr: max RSS / instructions in the one function)" % RUNS)


main()
