#!/usr/bin/env python3
"""Time of each pipeline stage, .so size, and whole-process run time.

usage: bench/pipeline.py [BIN_DIR] [RUNS]        (make bench runs it)

Programs: test/e2e/c/hello.c (clang -O2 to wasm32-wasi), and a larger
one, test/e2e/rust/collections.rs (Debian's rustc -O to wasm32-wasi),
when rustc is there.  Each stage (wasm-parse, wasm-verify, wasm-lower, wasm-codegen
-O2 with wasm-link) runs RUNS times (default 5) on files, and the table
gives the median wall time.  Then `wasm-run hello.so` against `node`
running the same hello.wasm through node:wasi (compile, instantiate,
run), both whole processes, median of 4 * RUNS runs, in the same run.
"""
import os
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

NODE_RUNNER = """import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const wasi = new WASI({ version: 'preview1', args: process.argv.slice(2), env: {} });
const m = await WebAssembly.compile(readFileSync(process.argv[2]));
const inst = await WebAssembly.instantiate(m, wasi.getImportObject());
wasi.start(inst);
"""


def timed(cmd, runs, **kw):
    """Median wall time of runs runs of cmd (a list), in seconds."""
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def stages(wasm, d):
    """(stage, seconds) for each stage of the pipeline on wasm."""
    tool = lambda t: os.path.join(BIN, t)
    wat, ll, so = (os.path.join(d, 'm' + e) for e in ('.wat', '.ll', '.so'))
    subprocess.run([tool('wasm-parse'), wasm, '-o', wat], check=True)
    subprocess.run([tool('wasm-lower'), wat, '-o', ll], check=True)
    rows = [
        ('wasm-parse', timed([tool('wasm-parse'), wasm, '-o', wat], RUNS)),
        ('wasm-verify', timed([tool('wasm-verify'), wat, '-o', os.devnull], RUNS)),
        ('wasm-lower', timed([tool('wasm-lower'), wat, '-o', ll], RUNS)),
        ('wasm-codegen -O2 (+ wasm-link)', timed([tool('wasm-codegen'), '-O2', '-o', so, ll], RUNS)),
    ]
    rows.append(('total', sum(t for _, t in rows)))
    return rows, os.path.getsize(so)


def main():
    if not os.path.isdir(BIN):
        sys.exit('bench/pipeline.py: no %s (run make first)' % BIN)
    for t in ('clang',):
        if not shutil.which(t):
            print('bench/pipeline.py: skipping: %s is not installed' % t)
            return
    d = tempfile.mkdtemp(prefix='wa-bench-')
    try:
        progs = []
        hello = os.path.join(d, 'hello.wasm')
        subprocess.run(['clang', '--target=wasm32-wasi', '--sysroot=/usr', '-O2',
                        os.path.join(TOP, 'test/e2e/c/hello.c'), '-o', hello], check=True)
        progs.append(('hello.c', hello))
        # Debian's rustc (with libstd-rust-dev-wasm32), not a rustup one
        rustc = '/usr/bin/rustc' if os.path.exists('/usr/bin/rustc') else shutil.which('rustc')
        if rustc:
            coll = os.path.join(d, 'collections.wasm')
            r = subprocess.run([rustc, '--target', 'wasm32-wasi', '-O',
                                os.path.join(TOP, 'test/e2e/rust/collections.rs'), '-o', coll],
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                progs.append(('collections.rs', coll))
        print('machine: %s' % machine())
        print('pipeline stages, median of %d runs (seconds)' % RUNS)
        print()
        sizes = {}
        table = {}
        for name, wasm in progs:
            sub = os.path.join(d, name)
            os.mkdir(sub)
            rows, sizes[name] = stages(wasm, sub)
            table[name] = rows
        names = [n for n, _ in progs]
        print('%-32s' % 'stage' + ''.join('%16s' % n for n in names))
        for i, (stage, _) in enumerate(table[names[0]]):
            print('%-32s' % stage + ''.join('%16.3f' % table[n][i][1] for n in names))
        print('%-32s' % '.wasm size (bytes)' + ''.join('%16d' % os.path.getsize(w) for _, w in progs))
        print('%-32s' % '.so size (bytes)' + ''.join('%16d' % sizes[n] for n in names))
        print()

        so = os.path.join(d, 'hello.so')
        subprocess.run([os.path.join(BIN, 'wasm-aot'), hello, '-o', so], check=True)
        n = 4 * RUNS
        ours = timed([os.path.join(BIN, 'wasm-run'), so], n)
        print('whole process: run hello, median of %d runs' % n)
        print('%-40s %10s %8s' % ('', 'ms', 'ratio'))
        print('%-40s %10.2f %8.2f' % ('wasm-run hello.so', ours * 1e3, 1.0))
        if shutil.which('node'):
            mjs = os.path.join(d, 'run.mjs')
            with open(mjs, 'w') as f:
                f.write(NODE_RUNNER)
            node = timed(['node', '--no-warnings', mjs, hello], n)
            print('%-40s %10.2f %8.2f' % ('node (V8, node:wasi) hello.wasm', node * 1e3, node / ours))
        else:
            print('node: not installed')
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    main()
