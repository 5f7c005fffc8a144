#!/usr/bin/env python3
"""Speed of the generated code: compute kernels against the peers.

usage: bench/compute.py [BIN_DIR] [RUNS] [KERNEL,...]   (make bench runs it)

bench/kernels.c (freestanding C, no imports) is built with clang -O2:
natively; to wasm32 (scalar, and again with -msimd128), then compiled by
wasm-aot (-O2, for this CPU, and for x86-64-v2) and run by `wasm-run
--invoke`, run by Node's V8, and (scalar only: wasm2c 1.0.32 has no
SIMD) translated by wabt's wasm2c and compiled natively with its runtime.
Each kernel runs RUNS times (default 5) per peer as a whole process with
its repetition count n, and RUNS times with n = 0; the table gives the
difference of the medians (the kernel's own time: no process start, no
compilation, no set-up) and the ratio to native, with the geometric
mean of the ratios last.  Every peer must print the same checksum, or
the table says so.  A comma-separated list of kernel names (third
argument) runs only those, for A/B comparisons of one kernel.
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
# hash runs long (0.85 s natively): at 150 repetitions (0.2 s) the spread
# of node's start-up (0.19-0.34 s at n = 0, one run to the next) made V8
# look 0.78x native; at 600 node, native and wasm-aot are within 3%.
ALL_KERNELS = [('sum', 6000), ('matmul', 150), ('sort', 12), ('hash', 600), ('sieve', 50),
           ('stencil1d', 3000), ('jacobi2d', 3000), ('heat3d', 2500), ('matmulf', 150),
           ('trisolve', 3000), ('floyd', 25), ('editdist', 40), ('chacha', 1500)]
ONLY = sys.argv[3].split(',') if len(sys.argv) > 3 else None
KERNELS = [(k, n) for k, n in ALL_KERNELS if not ONLY or k in ONLY]
W2C_RT = '/usr/share/wabt/wasm2c'

NATIVE_MAIN = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
unsigned %(decls)s;
int main(int argc, char **argv) {
	static const struct { const char *name; unsigned (*f)(int); } k[] = {%(table)s};
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (argc == 3 && !strcmp(argv[1], k[i].name)) {
			printf("%%d\n", (int)k[i].f(atoi(argv[2])));
			return 0;
		}
	return 2;
}
''' % {'decls': ', '.join('kernel_%s(int)' % k for k, _ in ALL_KERNELS),
       'table': ', '.join('{"%s", kernel_%s}' % (k, k) for k, _ in ALL_KERNELS)}

W2C_MAIN = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
int main(int argc, char **argv) {
	Z_kernels_instance_t inst;
	static const struct { const char *name; u32 (*f)(Z_kernels_instance_t *, u32); } k[] = {%(table)s};
	wasm_rt_init();
	Z_kernels_init_module();
	Z_kernels_instantiate(&inst);
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (argc == 3 && !strcmp(argv[1], k[i].name)) {
			printf("%%d\n", (int)k[i].f(&inst, (u32)atoi(argv[2])));
			return 0;
		}
	return 2;
}
''' % {'table': ', '.join('{"%s", Z_kernelsZ_kernel_%s}' % (k, k) for k, _ in ALL_KERNELS)}

NODE_MAIN = r'''
import { readFileSync } from 'node:fs';
const [wasm, name, n] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasm));
console.log(instance.exports['kernel_' + name](Number(n)) | 0);
'''


def sh(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def wall(cmd):
    """(seconds, output) of one run of cmd."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return time.perf_counter() - t0, p.stdout.strip()


def timed(cmd, n):
    """(seconds, output): the median of RUNS runs of cmd(n) less the
    median of RUNS runs of cmd(0), so that process start, compilation
    (node) and the kernel's set-up are left out."""
    full = [wall(cmd(n)) for _ in range(RUNS)]
    base = [wall(cmd(0))[0] for _ in range(RUNS)]
    return max(statistics.median(t for t, _ in full) - statistics.median(base), 1e-6), full[-1][1]


def build(d):
    """The peers: (name, function from kernel and n to a command)."""
    src = os.path.join(TOP, 'bench/kernels.c')
    aot, run = os.path.join(BIN, 'wasm-aot'), os.path.join(BIN, 'wasm-run')
    peers = []
    main_c = os.path.join(d, 'main.c')
    with open(main_c, 'w') as f:
        f.write(NATIVE_MAIN)
    native = os.path.join(d, 'native')
    sh(['clang', '-O2', src, main_c, '-o', native])
    peers.append(('native clang -O2', lambda k, n: [native, k, str(n)]))
    wasm, wasm_simd = os.path.join(d, 'kernels.wasm'), os.path.join(d, 'kernels-simd.wasm')
    flags = ['--target=wasm32', '-O2', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry', '-Wl,--export-dynamic']
    sh(['clang'] + flags + [src, '-o', wasm])
    sh(['clang'] + flags + ['-msimd128', src, '-o', wasm_simd])

    def ours(name, wasm_file, opts):
        so = os.path.join(d, 'k%d.so' % len(peers))
        sh([aot] + opts + [wasm_file, '-o', so])
        peers.append((name, lambda k, n: [run, '--invoke', 'kernel_' + k, so, str(n)]))
    ours('wasm-aot', wasm, [])
    # a portable build, and one without the sinks that keep unused loads
    # (and their traps): what exact semantics cost
    ours('wasm-aot x86-64-v2', wasm, ['--target-cpu', 'x86-64-v2'])
    ours('wasm-aot, elide loads', wasm, ['--elide-dead-loads'])
    # explicit bounds checks instead of guard pages: what packing many
    # instances (small reservations) costs in speed
    ours('wasm-aot, --bounds-checks', wasm, ['--bounds-checks'])
    ours('wasm-aot, -msimd128', wasm_simd, [])
    mjs = os.path.join(d, 'run.mjs')
    with open(mjs, 'w') as f:
        f.write(NODE_MAIN)
    peers.append(('node (V8)', lambda k, n: ['node', '--no-warnings', mjs, wasm, k, str(n)]))
    peers.append(('node, -msimd128', lambda k, n: ['node', '--no-warnings', mjs, wasm_simd, k, str(n)]))
    # wasm2c 1.0.32 cannot translate SIMD
    w2c = os.path.join(d, 'w2c')
    os.mkdir(w2c)
    sh(['wasm2c', wasm, '-o', os.path.join(w2c, 'kernels.c')])
    with open(os.path.join(w2c, 'main.c'), 'w') as f:
        f.write(W2C_MAIN)
    w2c_bin = os.path.join(d, 'w2c-kernels')
    sh(['clang', '-O2', '-I' + W2C_RT, '-I' + w2c, os.path.join(w2c, 'kernels.c'),
        os.path.join(W2C_RT, 'wasm-rt-impl.c'), os.path.join(w2c, 'main.c'), '-lm', '-o', w2c_bin])
    peers.append(('wasm2c + clang -O2', lambda k, n: [w2c_bin, k, str(n)]))
    return peers


def main():
    for t in ('clang', 'wasm2c', 'node'):
        if not shutil.which(t):
            print('bench/compute.py: skipping: %s is not installed' % t)
            return 0
    d = tempfile.mkdtemp(prefix='wa-compute-')
    try:
        peers = build(d)
        print('machine: %s; load average %s' % (machine(), ' '.join(open('/proc/loadavg').read().split()[:3])))
        print('compute kernels: seconds of the kernel (median of %d runs at n less median at n = 0,'
              ' whole processes), ratio to native' % RUNS)
        print()
        print('%-10s' % 'kernel' + ''.join('%22s' % p for p, _ in peers))
        bad, ratios = [], [[] for _ in peers]
        for k, n in KERNELS:
            row, sums, base = [], set(), None
            for i, (name, cmd) in enumerate(peers):
                secs, out = timed(lambda m: cmd(k, m), n)
                sums.add(out)
                base = base or secs
                ratios[i].append(secs / base)
                row.append('%11.3f (%5.2fx)' % (secs, secs / base))
            print('%-10s' % k + ''.join('%22s' % c for c in row), flush=True)
            if len(sums) != 1:
                bad.append('%s: checksums differ: %s' % (k, ' '.join(sorted(sums))))
        print('%-10s' % 'geomean' + ''.join('%22s' % ('(%5.2fx)' % statistics.geometric_mean(r))
                                            for r in ratios))
        print()
        for b in bad:
            print('MISMATCH ' + b)
        if not bad:
            print('all peers gave the same checksums')
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
