#!/usr/bin/env python3
"""Speed of the generated code: compute kernels against the peers.

usage: bench/compute.py [BIN_DIR] [RUNS]           (make bench runs it)

bench/kernels.c (freestanding C, no imports) is built with clang -O2:
natively; to wasm32 (scalar, and again with -msimd128), then compiled by
wasm-aot (-O2, default CPU) and run by `wasm-run --invoke`, run by
Node's V8, and (scalar only: wasm2c 1.0.32 has no SIMD) translated by
wabt's wasm2c and compiled natively with its runtime.
Each kernel runs RUNS times (default 5) per peer as a whole process;
the table gives the median wall time and the ratio to native.  Every
peer must print the same checksum, or the table says so.
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
KERNELS = [('sum', 6000), ('matmul', 150), ('sort', 12), ('hash', 150), ('sieve', 50)]
W2C_RT = '/usr/share/wabt/wasm2c'

NATIVE_MAIN = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
unsigned kernel_sum(int), kernel_matmul(int), kernel_sort(int), kernel_hash(int), kernel_sieve(int);
int main(int argc, char **argv) {
	static const struct { const char *name; unsigned (*f)(int); } k[] = {
		{"sum", kernel_sum}, {"matmul", kernel_matmul}, {"sort", kernel_sort},
		{"hash", kernel_hash}, {"sieve", kernel_sieve}};
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (argc == 3 && !strcmp(argv[1], k[i].name)) {
			printf("%d\n", (int)k[i].f(atoi(argv[2])));
			return 0;
		}
	return 2;
}
'''

W2C_MAIN = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
int main(int argc, char **argv) {
	Z_kernels_instance_t inst;
	static const struct { const char *name; u32 (*f)(Z_kernels_instance_t *, u32); } k[] = {
		{"sum", Z_kernelsZ_kernel_sum}, {"matmul", Z_kernelsZ_kernel_matmul},
		{"sort", Z_kernelsZ_kernel_sort}, {"hash", Z_kernelsZ_kernel_hash},
		{"sieve", Z_kernelsZ_kernel_sieve}};
	wasm_rt_init();
	Z_kernels_init_module();
	Z_kernels_instantiate(&inst);
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (argc == 3 && !strcmp(argv[1], k[i].name)) {
			printf("%d\n", (int)k[i].f(&inst, (u32)atoi(argv[2])));
			return 0;
		}
	return 2;
}
'''

NODE_MAIN = r'''
import { readFileSync } from 'node:fs';
const [wasm, name, n] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasm));
console.log(instance.exports['kernel_' + name](Number(n)) | 0);
'''


def sh(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def timed(cmd):
    """(median seconds, output) of RUNS runs of cmd."""
    ts, out = [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
        ts.append(time.perf_counter() - t0)
        out = p.stdout.strip()
    return statistics.median(ts), out


def main():
    for t in ('clang', 'wasm2c', 'node'):
        if not shutil.which(t):
            print('bench/compute.py: skipping: %s is not installed' % t)
            return
    d = tempfile.mkdtemp(prefix='wa-compute-')
    try:
        src = os.path.join(TOP, 'bench/kernels.c')
        peers = []
        # native
        main_c = os.path.join(d, 'main.c')
        with open(main_c, 'w') as f:
            f.write(NATIVE_MAIN)
        native = os.path.join(d, 'native')
        sh(['clang', '-O2', src, main_c, '-o', native])
        peers.append(('native clang -O2', lambda k, n: [native, k, str(n)]))
        # wasm, then ours
        wasm = os.path.join(d, 'kernels.wasm')
        sh(['clang', '--target=wasm32', '-O2', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry',
            '-Wl,--export-dynamic', src, '-o', wasm])
        so = os.path.join(d, 'kernels.so')
        sh([os.path.join(BIN, 'wasm-aot'), wasm, '-o', so])
        peers.append(('wasm-aot (wasm-run)',
                      lambda k, n: [os.path.join(BIN, 'wasm-run'), '--invoke', 'kernel_' + k, so, str(n)]))
        # the same without the anchors that keep unused loads (and their
        # traps): what exact semantics cost
        so_elide = os.path.join(d, 'kernels-elide.so')
        sh([os.path.join(BIN, 'wasm-aot'), '--elide-dead-loads', wasm, '-o', so_elide])
        peers.append(('wasm-aot, elide loads',
                      lambda k, n: [os.path.join(BIN, 'wasm-run'), '--invoke', 'kernel_' + k, so_elide, str(n)]))
        # the same with explicit bounds checks instead of guard pages: what
        # packing many instances (small reservations) costs in speed
        so_checked = os.path.join(d, 'kernels-checked.so')
        sh([os.path.join(BIN, 'wasm-aot'), '--bounds-checks', wasm, '-o', so_checked])
        peers.append(('wasm-aot, --bounds-checks',
                      lambda k, n: [os.path.join(BIN, 'wasm-run'), '--invoke', 'kernel_' + k, so_checked, str(n)]))
        # the same with clang's SIMD (wasm2c 1.0.32 cannot translate SIMD)
        wasm_simd = os.path.join(d, 'kernels-simd.wasm')
        sh(['clang', '--target=wasm32', '-O2', '-msimd128', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry',
            '-Wl,--export-dynamic', src, '-o', wasm_simd])
        so_simd = os.path.join(d, 'kernels-simd.so')
        sh([os.path.join(BIN, 'wasm-aot'), wasm_simd, '-o', so_simd])
        peers.append(('wasm-aot, -msimd128',
                      lambda k, n: [os.path.join(BIN, 'wasm-run'), '--invoke', 'kernel_' + k, so_simd, str(n)]))
        # V8
        mjs = os.path.join(d, 'run.mjs')
        with open(mjs, 'w') as f:
            f.write(NODE_MAIN)
        peers.append(('node (V8)', lambda k, n: ['node', '--no-warnings', mjs, wasm, k, str(n)]))
        peers.append(('node, -msimd128', lambda k, n: ['node', '--no-warnings', mjs, wasm_simd, k, str(n)]))
        # wasm2c
        w2c = os.path.join(d, 'w2c')
        os.mkdir(w2c)
        sh(['wasm2c', wasm, '-o', os.path.join(w2c, 'kernels.c')])
        with open(os.path.join(w2c, 'main.c'), 'w') as f:
            f.write(W2C_MAIN)
        w2c_bin = os.path.join(d, 'w2c-kernels')
        sh(['clang', '-O2', '-I' + W2C_RT, '-I' + w2c, os.path.join(w2c, 'kernels.c'),
            os.path.join(W2C_RT, 'wasm-rt-impl.c'), os.path.join(w2c, 'main.c'), '-lm', '-o', w2c_bin])
        peers.append(('wasm2c + clang -O2', lambda k, n: [w2c_bin, k, str(n)]))

        print('machine: %s' % machine())
        print('compute kernels, whole process, median of %d runs: seconds (ratio to native)' % RUNS)
        print()
        print('%-8s' % 'kernel' + ''.join('%22s' % p for p, _ in peers))
        bad = []
        for k, n in KERNELS:
            row, sums, base = [], set(), None
            for name, cmd in peers:
                secs, out = timed(cmd(k, n))
                sums.add(out)
                base = base or secs
                row.append('%11.3f (%5.2fx)' % (secs, secs / base))
            print('%-8s' % k + ''.join('%22s' % c for c in row))
            if len(sums) != 1:
                bad.append('%s: checksums differ: %s' % (k, ' '.join(sorted(sums))))
        print()
        for b in bad:
            print('MISMATCH ' + b)
        if not bad:
            print('all peers gave the same checksums')
        print('(node includes its start-up and compilation, about 40 ms)')
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
