#!/usr/bin/env python3
"""WASI file I/O against native C and Node's node:wasi.

usage: bench/wasi.py [BIN_DIR] [RUNS]            (make bench runs it)

bench/wasi-io.c, built natively and to wasm32-wasi (clang -O2), then
compiled by wasm-aot and run by wasm-run, and run by Node's V8 with
node:wasi, does the same work in each:
  read   a 256 MiB file in 64 KiB chunks (from the page cache: a run
         before the timed ones reads it in)
  walk   a tree of 10,000 files in 100 directories: opendir, readdir and
         stat on each
Each runs RUNS times (default 5) as a whole process.  The table gives
medians: the program's own time for its work, the whole process's wall
time, and throughput as a ratio to native (higher is better).  Every
peer must print the same result line.  Last, the reset cost of an
instance that opened no file and of one that left ten open, from
`wasm-run --repeat 2000 --stats`.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import machine

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(TOP, 'bin')
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
FILE_MB = 256


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def build(tmp):
    src = os.path.join(TOP, 'bench', 'wasi-io.c')
    sh(['clang', '-O2', src, '-o', os.path.join(tmp, 'native')])
    sh(['clang', '--target=wasm32-wasi', '--sysroot=/usr', '-O2', src, '-o', os.path.join(tmp, 'io.wasm')])
    sh([os.path.join(BIN, 'wasm-aot'), os.path.join(tmp, 'io.wasm'), '-o', os.path.join(tmp, 'io.so')])


def data(tmp):
    d = os.path.join(tmp, 'data')
    os.makedirs(os.path.join(d, 'tree'))
    block = os.urandom(1 << 20)
    with open(os.path.join(d, 'big'), 'wb') as f:
        for _ in range(FILE_MB):
            f.write(block)
    for i in range(100):
        sub = os.path.join(d, 'tree', 'd%03d' % i)
        os.mkdir(sub)
        for k in range(100):
            with open(os.path.join(sub, 'f%03d' % k), 'w') as f:
                f.write('x' * (i + k))
    return d


def peers(tmp, d):
    node = shutil.which('node')
    p = [('native C', lambda a: [os.path.join(tmp, 'native')] + a),
         ('wasm-aot', lambda a: [os.path.join(BIN, 'wasm-run'), '--dir', '.', os.path.join(tmp, 'io.so')] + a)]
    if node:
        mjs = os.path.join(TOP, 'bench', 'wasi-node.mjs')
        p.append(('node:wasi', lambda a: [node, '--no-warnings', mjs, os.path.join(tmp, 'io.wasm'), '.'] + a))
    return p


def measure(cmd, cwd):
    """(work seconds, wall seconds, result line) of one run"""
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    work = float(re.search(r'^time ([0-9.]+)$', out, re.M).group(1))
    result = out.splitlines()[0]
    return work, wall, result


def table(tmp, d):
    rows = []
    for what, args, amount, unit in [('read 256 MiB', ['read', 'big'], FILE_MB, 'MiB/s'),
                                     ('walk 10,000 files', ['walk', 'tree'], 10000, 'files/s')]:
        base = None
        results = set()
        for name, cmd in peers(tmp, d):
            measure(cmd(args), d)      # warm up: page cache, dentries
            runs = [measure(cmd(args), d) for _ in range(RUNS)]
            work = statistics.median(r[0] for r in runs)
            wall = statistics.median(r[1] for r in runs)
            results.update(r[2] for r in runs)
            rate = amount / work
            base = base or rate
            rows.append((what, name, work, wall, rate, unit, rate / base))
        if len(results) != 1:
            rows.append((what, 'RESULTS DIFFER: ' + ' | '.join(sorted(results)), 0, 0, 0, '', 0))
    return rows


def resets(tmp, d):
    out = {}
    for n in (0, 10):
        cmd = [os.path.join(BIN, 'wasm-run'), '--dir', '.', '--repeat', '2000', '--stats',
               os.path.join(tmp, 'io.so'), 'open', str(n), 'big']
        err = subprocess.run(cmd, cwd=d, check=True, capture_output=True, text=True).stderr
        out[n] = float(re.search(r'^reset\s+([0-9.]+)', err, re.M).group(1))
    return out


def main():
    tmp = tempfile.mkdtemp(prefix='wasi-bench.')
    try:
        build(tmp)
        d = data(tmp)
        rows = table(tmp, d)
        r = resets(tmp, d)
    finally:
        shutil.rmtree(tmp)
    print('WASI file I/O (%s)' % machine())
    print('median of %d runs; work: the program\'s own time; ratio: throughput / native' % RUNS)
    print('%-18s %-10s %10s %10s %14s %8s' % ('workload', 'peer', 'work s', 'process s', 'throughput', 'ratio'))
    for what, name, work, wall, rate, unit, ratio in rows:
        if not unit:
            print('%-18s %s' % (what, name))
            continue
        print('%-18s %-10s %10.4f %10.4f %8.0f %-7s %7.2fx' % (what, name, work, wall, rate, unit, ratio))
    print()
    print('reset of an instance (wasm-run --repeat 2000 --stats, median):')
    print('  that opened no file   %6.2f us' % r[0])
    print('  that left 10 open     %6.2f us' % r[10])


if __name__ == '__main__':
    main()
