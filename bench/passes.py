#!/usr/bin/env python3
"""The LLVM pass pipeline of wasm-codegen: compile time against run time.

usage: bench/passes.py [--callgrind] [--compile-only] [BIN_DIR] [RUNS] [NAME=PIPELINE|NAME=@FILE...]

For each candidate pipeline (the ones below, or those given as
NAME=PIPELINE, any text of LLVM's new pass manager that `wasm-codegen
--passes` takes), on the same IR (wasm-lower's, made once):

  compile: CPU seconds (user + system) of `wasm-codegen -c -O2 --passes P`,
           median of RUNS (with --callgrind: the instructions it runs,
           counted once by valgrind's callgrind, which a busy machine
           does not disturb, but about 50 times slower), on bench/kernels.c (clang -O2 to wasm32, as
           bench/compute.py builds it), a module of bench/gen-big.py
           (4 units of 60 functions) and test/e2e/rust/collections.rs
           (when rustc is there; with --callgrind, only the kernels and
           one unit of gen-big.py);
  run:     the kernels of bench/compute.py, each timed as compute.py
           times it (median of RUNS runs at its n less the median at
           n = 0, whole processes), as a geometric mean of the ratios
           to native clang -O2 built in the same run, and each kernel's
           ratio.

-O2 with --passes keeps -O2's code generator and SLP vectoriser
setting, so only the IR pipeline differs.  The machine is shared: read
the compile figures as a comparison within one run.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import machine

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'bench'))
OPTS = [a for a in sys.argv[1:] if a.startswith('--')]
ARGS = [a for a in sys.argv[1:] if '=' not in a and not a.startswith('--')]
PIPES = [a for a in sys.argv[1:] if '=' in a and not a.startswith('--')]
BIN = os.path.abspath(ARGS[0]) if ARGS else os.path.join(TOP, 'bin')
RUNS = int(ARGS[1]) if len(ARGS) > 1 else 3
sys.argv[1:] = []          # compute.py reads its own arguments at import
import compute             # noqa: E402  (its kernel list and native main)

CANDIDATES = [
    ('O2', 'default<O2>'),
    ('O3', 'default<O3>'),
    ('O1', 'default<O1>'),
]


def instructions(cmd):
    """Instructions run by cmd, counted by callgrind."""
    p = subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null'] + cmd,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if 'Collected :' in line:
            return int(line.split(':')[1])
    raise RuntimeError('no count from callgrind')


def cpu(cmd):
    """CPU seconds (user + system) of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def kernel_time(cmd, n):
    """compute.py's measure: median at n less median at n = 0."""
    def wall(m):
        t0 = time.perf_counter()
        subprocess.run(cmd(m), check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t0
    full = statistics.median(wall(n) for _ in range(RUNS))
    base = statistics.median(wall(0) for _ in range(RUNS))
    return max(full - base, 1e-6)


def inputs(d, small):
    """(name, wasm) of the modules to compile (small: kernels and one
    unit of gen-big.py, for callgrind's sake)."""
    src = os.path.join(TOP, 'bench/kernels.c')
    out = []
    k = os.path.join(d, 'kernels.wasm')
    subprocess.run(['clang', '--target=wasm32', '-O2', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry',
                    '-Wl,--export-dynamic', src, '-o', k], check=True)
    out.append(('kernels', k))
    g = os.path.join(d, 'big')
    units = '1' if small else '4'
    subprocess.run([sys.executable, os.path.join(TOP, 'bench/gen-big.py'), g, units, '60'], check=True)
    big = os.path.join(d, 'big.wasm')
    subprocess.run(['clang', '--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-nostartfiles',
                    '-Wl,--no-entry', '-Wl,--export-all'] +
                   sorted(os.path.join(g, f) for f in os.listdir(g) if f.endswith('.c')) + ['-o', big],
                   check=True)
    out.append(('gen-big %sx60' % units, big))
    if small:
        return out
    rustc = '/usr/bin/rustc' if os.path.exists('/usr/bin/rustc') else shutil.which('rustc')
    if rustc:
        coll = os.path.join(d, 'collections.wasm')
        r = subprocess.run([rustc, '--target', 'wasm32-wasi', '-O',
                            os.path.join(TOP, 'test/e2e/rust/collections.rs'), '-o', coll],
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            out.append(('collections.rs', coll))
    return out


def lower(wasm, ll):
    tool = lambda t: os.path.join(BIN, t)
    p = subprocess.run([tool('wasm-parse'), wasm], check=True, stdout=subprocess.PIPE)
    v = subprocess.run([tool('wasm-verify')], input=p.stdout, check=True, stdout=subprocess.PIPE)
    subprocess.run([tool('wasm-lower'), '-o', ll], input=v.stdout, check=True)


def main():
    for t in ('clang',):
        if not shutil.which(t):
            print('bench/passes.py: skipping: %s is not installed' % t)
            return 0
    cands = [tuple(a.split('=', 1)) for a in PIPES] or CANDIDATES
    cands = [(n, open(p[1:]).read().strip() if p.startswith('@') else p) for n, p in cands]
    grind = '--callgrind' in OPTS
    d = tempfile.mkdtemp(prefix='wa-passes-')
    try:
        mods = inputs(d, grind)
        lls = []
        for name, wasm in mods:
            ll = os.path.join(d, os.path.basename(wasm) + '.ll')
            lower(wasm, ll)
            lls.append((name, ll))
        main_c = os.path.join(d, 'main.c')
        with open(main_c, 'w') as f:
            f.write(compute.NATIVE_MAIN)
        native = os.path.join(d, 'native')
        subprocess.run(['clang', '-O2', os.path.join(TOP, 'bench/kernels.c'), main_c, '-o', native],
                       check=True)
        codegen, run = os.path.join(BIN, 'wasm-codegen'), os.path.join(BIN, 'wasm-run')
        print('machine: %s; load average %s' % (machine(), ' '.join(open('/proc/loadavg').read().split()[:3])))
        print('compile: %s of wasm-codegen -c; run: kernels of compute.py,'
              ' ratio to native clang -O2 (median of %d runs at n less at 0)'
              % ('10^9 instructions (callgrind)' if grind else 'CPU seconds (median of %d)' % RUNS, RUNS))
        print()
        rows = []
        for cname, pipe in cands:
            ct = []
            for name, ll in lls:
                cmd = [codegen, '-c', '-O2', '--passes', pipe, '-o', os.path.join(d, 'x.o'), ll]
                ct.append(instructions(cmd) / 1e9 if grind else
                          statistics.median(cpu(cmd) for _ in range(RUNS)))
            if '--compile-only' in OPTS:
                rows.append((cname, pipe, ct, [1]))
                print('%s: compile %s' % (cname, ' '.join('%.2f' % c for c in ct)), flush=True)
                continue
            so = os.path.join(d, cname + '.so')
            subprocess.run([codegen, '-O2', '--passes', pipe, '-o', so, lls[0][1]], check=True)
            ratios = []
            for k, n in compute.KERNELS:
                mine = kernel_time(lambda m: [run, '--invoke', 'kernel_' + k, so, str(m)], n)
                nat = kernel_time(lambda m: [native, k, str(m)], n)
                ratios.append(mine / nat)
            rows.append((cname, pipe, ct, ratios))
            print('%s: compile %s; run geomean %.2fx' % (cname, ' '.join('%.2f' % c for c in ct),
                                                         statistics.geometric_mean(ratios)), flush=True)
        print()
        print('%-8s' % 'pipeline' + ''.join('%16s' % ('compile ' + n)[:16] for n, _ in lls) +
              '%10s' % 'run gm' + ''.join('%10s' % k[:9] for k, _ in compute.KERNELS))
        for cname, pipe, ct, ratios in rows:
            print('%-8s' % cname + ''.join('%16.2f' % c for c in ct) +
                  '%9.2fx' % statistics.geometric_mean(ratios) + ''.join('%9.2fx' % r for r in ratios))
        print()
        for cname, pipe, _, _ in rows:
            print('%-8s %s' % (cname, pipe))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
