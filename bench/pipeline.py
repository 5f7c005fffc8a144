#!/usr/bin/env python3
"""Compile time and memory of each pipeline stage, against wasm2c + clang.

usage: bench/pipeline.py [BIN_DIR] [RUNS] [MODULE...]   (make bench runs it)

MODULE: hello, rust, 1mb, 5mb (default all).

Modules: test/e2e/c/hello.c (clang -O2 to wasm32-wasi); a Rust program,
test/e2e/rust/collections.rs (Debian's rustc -O -g to wasm32-wasi, so
most of its bytes are debug info, as a user's build would have), when
rustc is there; and two generated C programs (bench/gen-big.py, a fixed
seed) of about 1 MB and 5 MB of code section, built once into
build/bench/ and rebuilt when gen-big.py changes.

Table 1: each stage at -O0, -O1 and -O2, as wasm-aot runs them (parse,
verify, lower --split into partitions, wasm-codegen on all partitions in
one process with -j 1 (one after the other), wasm-link): median wall time
of RUNS runs (default 3) and the peak resident memory of the stage.  Table 2: the whole `wasm-aot` at each level with -j 1
and -j 2, against wabt's wasm2c followed by `clang -O2 -c` of its output
(the peer's link step left out), the same modules, the same run.  Then
`wasm-run hello.so` against node running hello.wasm through node:wasi,
whole processes.
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import code_size, machine

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(TOP, 'bin')
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
ONLY = set(sys.argv[3:])
CACHE = os.path.join(TOP, 'build', 'bench')
W2C_RT = '/usr/share/wabt/wasm2c'
LEVELS = ('-O0', '-O1', '-O2')
WASI_CC = ['clang', '--target=wasm32-wasi', '--sysroot=/usr']

NODE_RUNNER = """import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const wasi = new WASI({ version: 'preview1', args: process.argv.slice(2), env: {} });
const m = await WebAssembly.compile(readFileSync(process.argv[2]));
const inst = await WebAssembly.instantiate(m, wasi.getImportObject());
wasi.start(inst);
"""


def tool(t):
    return os.path.join(BIN, t)


def run(cmd):
    """Runs cmd (a list): (wall seconds, peak resident MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    t = time.perf_counter() - t0
    if status != 0:
        sys.exit('bench/pipeline.py: failed (status %d): %s' % (status, ' '.join(cmd)))
    return t, ru.ru_maxrss / 1024.0


def median_run(cmds, runs):
    """cmds (a list of commands, run one after the other) runs times:
    (median of the summed wall time, largest peak resident MB)."""
    times, peak = [], 0.0
    for _ in range(runs):
        total = 0.0
        for c in cmds:
            t, m = run(c)
            total += t
            peak = max(peak, m)
        times.append(total)
    return statistics.median(times), peak


def big_module(units, funcs):
    """build/bench/bigU.wasm: gen-big.py's program of units * funcs
    functions, built once (a few minutes) and kept."""
    os.makedirs(CACHE, exist_ok=True)
    wasm = os.path.join(CACHE, 'big%d.wasm' % units)
    stamp_file = wasm + '.stamp'
    stamp = '%d %s %d %d' % (os.path.getsize(os.path.join(TOP, 'bench/gen-big.py')),
                             int(os.path.getmtime(os.path.join(TOP, 'bench/gen-big.py'))), units, funcs)
    if os.path.exists(wasm) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return wasm
    print('building %s (%d units of %d generated C functions; once)' % (wasm, units, funcs), flush=True)
    src = tempfile.mkdtemp(prefix='wa-big-')
    try:
        subprocess.run([sys.executable, os.path.join(TOP, 'bench/gen-big.py'), src, str(units), str(funcs)],
                       check=True)
        cs = sorted(glob.glob(os.path.join(src, '*.c')))
        procs = []
        for c in cs:
            procs.append(subprocess.Popen(WASI_CC + ['-O2', '-c', c, '-o', c + '.o']))
            if len(procs) >= (os.cpu_count() or 1):
                if procs.pop(0).wait():
                    sys.exit('bench/pipeline.py: clang failed')
        if any(p.wait() for p in procs):
            sys.exit('bench/pipeline.py: clang failed')
        subprocess.run(WASI_CC + ['-nostartfiles', '-Wl,--no-entry', '-Wl,--export-all', '-Wl,--strip-debug'] +
                       [c + '.o' for c in cs] + ['-lm', '-o', wasm], check=True)
    finally:
        shutil.rmtree(src, ignore_errors=True)
    with open(stamp_file, 'w') as f:
        f.write(stamp)
    return wasm


def modules(d):
    """[(name, wasm path)] of the modules this machine can build (those
    named on the command line, if any)."""
    want = lambda key: not ONLY or key in ONLY
    progs = []
    if want('hello'):
        hello = os.path.join(d, 'hello.wasm')
        subprocess.run(WASI_CC + ['-O2', os.path.join(TOP, 'test/e2e/c/hello.c'), '-o', hello], check=True)
        progs.append(('hello', hello))
    # Debian's rustc (with libstd-rust-dev-wasm32), not a rustup one
    rustc = '/usr/bin/rustc' if os.path.exists('/usr/bin/rustc') else shutil.which('rustc')
    if rustc and want('rust'):
        rs = os.path.join(d, 'collections.wasm')
        r = subprocess.run([rustc, '--target', 'wasm32-wasi', '-O', '-g',
                            os.path.join(TOP, 'test/e2e/rust/collections.rs'), '-o', rs],
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            progs.append(('rust -g', rs))
    if want('1mb'):
        progs.append(('1 MB code', big_module(2, 1000)))
    if want('5mb'):
        progs.append(('5 MB code', big_module(10, 1000)))
    return progs


def front_stages(wasm, d):
    """[(stage, seconds, peak MB)] of the stages before code generation,
    which do not depend on the level; leaves d/parts."""
    wat1, wat2, parts = (os.path.join(d, n) for n in ('parsed.wat', 'module.wat', 'parts'))
    rows = [('wasm-parse',) + median_run([[tool('wasm-parse'), '--strip-custom', '-o', wat1, wasm]], RUNS),
            ('wasm-verify',) + median_run([[tool('wasm-verify'), '-o', wat2, wat1]], RUNS)]
    os.mkdir(parts)
    rows.append(('wasm-lower --split',) + median_run([[tool('wasm-lower'), '--split', parts, wat2]], RUNS))
    return rows


def back_stages(d, level):
    """[(stage, seconds, peak MB)] of code generation (the partitions one
    after the other, in one process) and linking at one level."""
    bcs = sorted(glob.glob(os.path.join(d, 'parts', 'p*.bc')))
    objs = [b[:-3] + '.o' for b in bcs]
    if len(bcs) == 1:
        codegen = [tool('wasm-codegen'), '-c', level, '-o', objs[0], bcs[0]]
    else:
        codegen = [tool('wasm-codegen'), '-c', level, '-j', '1'] + bcs
    return [('wasm-codegen %s' % level,) + median_run([codegen], RUNS),
            ('wasm-link (%s objects)' % level,) +
            median_run([[tool('wasm-link'), '-o', os.path.join(d, 'm.so')] + objs], RUNS)]


def peer(wasm, d):
    """wasm2c then clang -O2 -c: (seconds, peak MB), or None if wasm2c
    cannot translate the module."""
    c = os.path.join(d, 'w2c.c')
    if subprocess.run(['wasm2c', wasm, '-o', c], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        return None
    return median_run([['wasm2c', wasm, '-o', c],
                       ['clang', '-O2', '-c', '-I', W2C_RT, c, '-o', os.path.join(d, 'w2c.o')]], RUNS)


def main():
    if not os.path.isdir(BIN):
        sys.exit('bench/pipeline.py: no %s (run make first)' % BIN)
    for t in ('clang', 'wasm2c'):
        if not shutil.which(t):
            print('bench/pipeline.py: skipping: %s is not installed' % t)
            return
    d = tempfile.mkdtemp(prefix='wa-bench-')
    try:
        progs = modules(d)
        print('machine: %s, load average %s' % (machine(), ' '.join(open('/proc/loadavg').read().split()[:3])))
        print('modules: ' + ', '.join('%s %.2f MB (code %.2f MB)' % (n, os.path.getsize(w) / 1e6,
                                                                       code_size(w) / 1e6) for n, w in progs))
        print()
        print('1. stages as wasm-aot runs them, one after the other (codegen: every partition in '
              'turn, one process): median wall s of %d runs, peak resident MB' % RUNS)
        names = [n for n, _ in progs]
        print('%-28s' % 'stage' + ''.join('%20s' % n for n in names))
        dirs = []
        for name, wasm in progs:
            dirs.append(os.path.join(d, name.replace(' ', '_')))
            os.mkdir(dirs[-1])
        rows = [front_stages(w, sub) for (_, w), sub in zip(progs, dirs)]
        for level in LEVELS:
            for r, sub in zip(rows, dirs):
                r.extend(back_stages(sub, level))
        for i in range(len(rows[0])):
            print('%-28s' % rows[0][i][0] + ''.join('%11.3f %5.0f MB' % (r[i][1], r[i][2]) for r in rows))
        print('%-28s' % 'partitions' + ''.join('%20d' % len(glob.glob(os.path.join(sub, 'parts', '*.bc')))
                                                for sub in dirs))
        print()
        print('2. whole compile: wasm-aot -jN (wall s, median of %d) against wasm2c + clang -O2 -c' % RUNS)
        print('%-26s' % 'command' + ''.join('%20s' % n for n in names))
        w2c = []
        for name, wasm in progs:
            sub = os.path.join(d, name.replace(' ', '_') + '-w2c')
            os.mkdir(sub)
            w2c.append(peer(wasm, sub))
        for level in LEVELS:
            for j in ('1', '2'):
                cells = []
                for (name, wasm), p in zip(progs, w2c):
                    so = os.path.join(d, 'aot.so')
                    t, m = median_run([[tool('wasm-aot'), level, '-j', j, wasm, '-o', so]], RUNS)
                    ratio = ' %5.2fx' % (t / p[0]) if p else '   n/a'
                    cells.append('%12.3f%s' % (t, ratio))
                print('%-26s' % ('wasm-aot %s -j %s' % (level, j)) + ''.join('%20s' % c for c in cells))
        print('%-26s' % 'wasm2c + clang -O2 -c' +
              ''.join('%20s' % ('%12.3f' % p[0] if p else 'n/a') for p in w2c))
        print('(ratio: wasm-aot time / wasm2c + clang time; n/a: wasm2c cannot translate the module)')
        print()

        if progs[0][0] != 'hello':
            return
        hello = progs[0][1]
        so = os.path.join(d, 'hello.so')
        subprocess.run([tool('wasm-aot'), hello, '-o', so], check=True)
        n = 4 * RUNS
        ours = median_run([[tool('wasm-run'), so]], n)[0]
        print('3. whole process: run hello, median of %d runs' % n)
        print('%-40s %10s %8s' % ('', 'ms', 'ratio'))
        print('%-40s %10.2f %8.2f' % ('wasm-run hello.so', ours * 1e3, 1.0))
        if shutil.which('node'):
            mjs = os.path.join(d, 'run.mjs')
            with open(mjs, 'w') as f:
                f.write(NODE_RUNNER)
            node = median_run([['node', '--no-warnings', mjs, hello]], n)[0]
            print('%-40s %10.2f %8.2f' % ('node (V8, node:wasi) hello.wasm', node * 1e3, node / ours))
        else:
            print('node: not installed')
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    main()
