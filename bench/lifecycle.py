#!/usr/bin/env python3
"""The per-request life cycle: our runtime against Node's V8, same run.

usage: bench/lifecycle.py [BIN_DIR] [BUILD_DIR]     (make bench runs it)

Builds the modules (hello.c by clang; an empty export; modules whose
initial heap is 0 to 4 MiB, dense or sparse; one that dirties N bytes of
its heap), runs build/bench/lifecycle (bench/lifecycle.c, on the
embedding API) and bench/lifecycle-node.mjs, and prints:

  (a) load + one-slot region + instantiate hello
  (b) instantiate hello in an existing region
  (c) instantiate with dense and sparse initial heaps, 0 to 4 MiB
  (d) call round trip to an empty export; beside it the guest's code
      called directly (no wa_call) and an empty C function, same loop
  (e) first run of hello (WASI output to /dev/null)
  (f) reset of hello
  (g) a request that dirties 4 KiB to 256 MiB of heap (the guest's writes,
      with the faults it takes, and the reset), against writing and
      clearing as much natively; with no keep_resident bound and with
      nothing kept (every dirty page given back, as madvise does)
  (h) complete life cycles per second, one and two threads
  (i) resident memory per live idle instance

Times are medians (and 99th percentiles) of many runs, in microseconds
(nanoseconds for the call).  Plots of (c), (g) and (h) go to
BUILD_DIR/bench/*.svg when gnuplot is there.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from benchlib import machine

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(TOP, 'bin')
BUILD = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(TOP, 'build')
LC = os.path.join(BUILD, 'bench', 'lifecycle')
OUT = os.path.join(BUILD, 'bench')
SIZES = [0, 1 << 19, 1 << 20, 2 << 20, 3 << 20, 4 << 20]
DIRTY = [4 << 10, 64 << 10, 512 << 10] + [(1 << 20) << k for k in range(9)]   # 4 KiB .. 256 MiB
N = int(os.environ.get('BENCH_RUNS', '2000'))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def measure(args):
    """{name: (median, p99)} from the lifecycle program."""
    res = {}
    for line in sh([LC] + [str(a) for a in args]).splitlines():
        name, a, b = line.split()
        res[name] = (float(a), float(b))
    return res


def heap_wat(size, sparse):
    """A module whose initial memory holds `size` bytes of data: every
    byte non-zero (dense), or one 4 KiB page in eight (sparse)."""
    pages = max(1, (size + 65535) // 65536)
    segs = []
    if size:
        if sparse:
            for off in range(0, size, 32768):
                segs.append('(data (i32.const %d) "%s")' % (off, 'x' * 4096))
        else:
            for off in range(0, size, 65536):
                segs.append('(data (i32.const %d) "%s")' % (off, 'x' * min(65536, size - off)))
    return '(module (memory %d) %s (func (export "nop")))' % (pages, ' '.join(segs))


def dirty_wat(n):
    """A module whose heap is n bytes and a page, and whose export dirty(n)
    writes n bytes of it."""
    return '''(module (memory %d)
  (func (export "dirty") (param $n i32)
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))))''' % (n // 65536 + 1)


def aot(wat_text, d, name):
    wat, wasm, so = (os.path.join(d, name + e) for e in ('.wat', '.wasm', '.so'))
    with open(wat, 'w') as f:
        f.write(wat_text)
    sh(['wat2wasm', wat, '-o', wasm])
    sh([os.path.join(BIN, 'wasm-aot'), wasm, '-o', so])
    return wasm, so


def us(ns):
    return ns / 1000.0


def size_name(n):
    return '%d MiB' % (n >> 20) if n >= 1 << 20 else '%d KiB' % (n >> 10)


def plot(name, title, xlabel, ylabel, series, style='linespoints', logxy=False):
    """series: [(label, [(x, y)...])]; writes OUT/name.svg"""
    if not shutil.which('gnuplot'):
        return None
    path = os.path.join(OUT, name + '.svg')
    data = os.path.join(OUT, name + '.dat')
    with open(data, 'w') as f:
        for label, pts in series:
            f.write('# %s\n' % label)
            for x, y in pts:
                f.write('%s %s\n' % (x, y))
            f.write('\n\n')
    plots = ', '.join('"%s" index %d using 1:2 with %s title "%s"' % (data, i, style, label)
                      for i, (label, _) in enumerate(series))
    script = ('set terminal svg size 720,480 font "sans,11"; set output "%s"; set title "%s"; '
              'set xlabel "%s"; set ylabel "%s"; set grid; set key outside bottom center; '
              '%s; %s; plot %s\n'
              % (path, title, xlabel, ylabel, 'set logscale xy' if logxy else 'set yrange [0:*]',
                 'set style data histogram; set style fill solid 0.6; set boxwidth 0.6'
                 if style == 'boxes' else '', plots))
    subprocess.run(['gnuplot'], input=script, text=True, check=True)
    return path


def main():
    for t in ('clang', 'wat2wasm'):
        if not shutil.which(t):
            print('bench/lifecycle.py: skipping: %s is not installed' % t)
            return
    if not os.path.exists(LC):
        sys.exit('bench/lifecycle.py: %s is not built (make bench builds it)' % LC)
    os.makedirs(OUT, exist_ok=True)
    d = tempfile.mkdtemp(prefix='wa-lifecycle-')
    try:
        hello_wasm = os.path.join(d, 'hello.wasm')
        sh(['clang', '--target=wasm32-wasi', '--sysroot=/usr', '-O2',
            os.path.join(TOP, 'test/e2e/c/hello.c'), '-o', hello_wasm])
        hello = os.path.join(d, 'hello.so')
        sh([os.path.join(BIN, 'wasm-aot'), hello_wasm, '-o', hello])
        nop_wasm, nop = aot('(module (func (export "nop")))', d, 'nop')
        dirty = {n: aot(dirty_wat(n), d, 'dirty%d' % n)[1] for n in DIRTY}
        heaps = {}
        for size in SIZES:
            for sparse in (0, 1):
                heaps[size, sparse] = aot(heap_wat(size, sparse), d, 'heap%d%s' % (size, 'sp' * sparse))

        r = {}
        r.update(measure(['load', hello, max(N // 10, 100)]))
        r.update(measure(['inst', hello, N]))
        r.update(measure(['call', nop, 1000000]))
        r.update(measure(['run', hello, N]))
        for n in DIRTY:
            r.update(measure(['dirty', dirty[n], max(N // 10, 100), 0, n]))
            r.update(measure(['dirty', dirty[n], max(N // 10, 100), 1, n]))
        for size in SIZES:
            for sparse in (0, 1):
                r.update(measure(['heap', heaps[size, sparse][1], max(N // 10, 100),
                                  '%d_%s' % (size, 'sparse' if sparse else 'dense')]))
        r.update(measure(['cycles', hello, 2, 1]))
        r.update(measure(['cycles', hello, 2, 2]))
        r.update(measure(['rss', hello, 1000]))

        node = {}
        if shutil.which('node'):
            out = sh(['node', '--no-warnings', '--expose-gc',
                      os.path.join(TOP, 'bench/lifecycle-node.mjs'), hello_wasm, nop_wasm,
                      str(max(N // 4, 100))])
            for line in out.splitlines():
                name, a, b = line.split()
                node[name] = (float(a), float(b))

        print('machine: %s' % machine())
        print('median and 99th percentile of %d runs unless said; times in microseconds' % N)
        print()
        print('%-44s %10s %10s %12s %9s' % ('', 'median', 'p99', 'node (V8)', 'V8/ours'))

        def row(label, ours, peer=None, scale=us, fmt='%10.2f'):
            m, p = ours
            cols = ('%-44s ' + fmt + ' ' + fmt) % (label, scale(m), scale(p))
            if peer:
                cols += (' ' + fmt.replace('10', '12') + ' %9.1f') % (scale(peer[0]), peer[0] / m)
            print(cols)

        row('(a) load + region + instantiate hello', r['load_region_instantiate'])
        row('(b) instantiate hello, existing region', r['instantiate'], node.get('instantiate'))
        row('    destroy hello', r['destroy'])
        for size in SIZES:
            for kind in ('dense', 'sparse'):
                row('(c) instantiate, %4d KiB heap, %s' % (size // 1024, kind),
                    r['instantiate_%d_%s' % (size, kind)])
                row('    the same, slot held another module', r['instantiate_cold_%d_%s' % (size, kind)])
        row('(d) call round trip, empty export (ns)', r['call'], node.get('call'), scale=lambda x: x)
        row('    of it: the guest code called directly', r['call_guest_direct'], scale=lambda x: x)
        row('    of it: an empty C function, same loop', r['call_empty_c'], scale=lambda x: x)
        row('(e) first run of hello', r['first_run'], node.get('first_run'))
        row('(f) reset of hello', r['reset'])
        row('    life cycle: instantiate, run, destroy', r['lifecycle'], node.get('lifecycle'))
        c1, c2 = r['cycles_per_second_1'][0], r['cycles_per_second_2'][0]
        print('%-44s %10.0f' % ('(h) life cycles per second, 1 thread', c1))
        print('%-44s %10.0f' % ('(h) life cycles per second, 2 threads', c2))
        if 'lifecycle' in node:
            v8 = 1e9 / node['lifecycle'][0]
            print('%-44s %10s %10s %12.0f %9s' % ('    node (V8), 1 thread (ours/V8: %.0f)' % (c1 / v8),
                                                 '', '', v8, ''))
        print('%-44s %10.0f %10s %12s' % ('(i) resident bytes per live idle instance', r['rss_per_instance'][0],
                                          '', '%.0f' % node['rss_per_instance'][0]
                                          if 'rss_per_instance' in node else ''))
        print()
        print('(g) a request that dirties its heap of N bytes (and a page), steady state: the guest')
        print('    writes them (memory.fill),')
        print('    taking the faults the last reset left it, then the reset; medians, microseconds;')
        print('    faults: the mean per request, counted over all of them (no system call between two)')
        print('%10s %11s %9s %8s | %11s %9s %8s | %11s %7s %7s' % (
            'N', 'request', 'reset', 'faults', 'keep none', 'reset', 'faults', '2 memsets',
            'ratio', 'none'))
        for n in DIRTY:
            k0, k1 = '%d_keep0' % n, '%d_keep1' % n
            nat = r['native_two_memsets_%d' % n][0]
            print('%10s %11.1f %9.1f %8.0f | %11.1f %9.1f %8.0f | %11.1f %7.2f %7.2f' % (
                size_name(n), us(r['request_dirty_' + k0][0]), us(r['reset_dirty_' + k0][0]),
                r['faults_dirty_' + k0][0], us(r['request_dirty_' + k1][0]), us(r['reset_dirty_' + k1][0]),
                r['faults_dirty_' + k1][0], us(nat), r['request_dirty_' + k0][0] / nat,
                r['request_dirty_' + k1][0] / nat))
        print('    ratio: request / 2 memsets (target <= 1.3); none: the same with keep_resident')
        print('    at nothing, every dirty page given back at reset and faulted in again')
        print()
        plots = [
            plot('instantiate-heap', 'Instantiation time against initial heap size',
                 'initial heap (MiB)', 'instantiate (us, median)',
                 [('dense, slot reused', [(s / 1048576, us(r['instantiate_%d_dense' % s][0])) for s in SIZES]),
                  ('sparse (one page in eight), slot reused',
                   [(s / 1048576, us(r['instantiate_%d_sparse' % s][0])) for s in SIZES]),
                  ('dense, slot held another module',
                   [(s / 1048576, us(r['instantiate_cold_%d_dense' % s][0])) for s in SIZES]),
                  ('sparse, slot held another module',
                   [(s / 1048576, us(r['instantiate_cold_%d_sparse' % s][0])) for s in SIZES])]),
            plot('reset-dirty', 'A request that dirties N bytes: guest writes + reset (+ faults)',
                 'bytes dirtied', 'microseconds per request (median)',
                 [('wasm-aot, pages kept resident (default)',
                   [(n, us(r['request_dirty_%d_keep0' % n][0])) for n in DIRTY]),
                  ('wasm-aot, nothing kept (madvise, faults again)',
                   [(n, us(r['request_dirty_%d_keep1' % n][0])) for n in DIRTY]),
                  ('native: memset to write, memset to clear',
                   [(n, us(r['native_two_memsets_%d' % n][0])) for n in DIRTY])], logxy=True),
            plot('cycles', 'Complete life cycles of hello per second',
                 'threads', 'life cycles per second',
                 [('wasm-aot', [(1, c1), (2, c2)])] +
                 ([('node (V8)', [(1, 1e9 / node['lifecycle'][0])])] if 'lifecycle' in node else []),
                 style='linespoints'),
        ]
        for p in plots:
            if p:
                print('plot: %s' % p)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    main()
