#!/usr/bin/env python3
"""wasm-serve against its peers, in one run, with wrk.

usage: bench/serve.py [BIN_DIR] [BUILD_DIR]     (make bench runs it)

Servers, each with as many threads or processes as there are CPUs:
  wasm-serve   a fresh instance of examples/serve/hello.c per request
  node         Node serving the same .wasm: a fresh WebAssembly.Instance
               and node:wasi per request (bench/serve-node.mjs, a cluster)
  h2o          Debian's h2o serving the same bytes as a static file: an
               HTTP response with no sandbox at all

Tables (medians of RUNS runs of SECS seconds; wrk with one thread and
CONNS connections, on the same machine):
  (a) hello: requests/s, p50 and p99 latency, server CPU time per request
      (all the server's threads, from /proc/PID/task/*/schedstat, so
      that wrk sharing the cores does not count), ratios to h2o and Node
  (b) a handler that traps on one request in ten (wasm-serve and Node)
  (c) fast requests beside 50 ms handlers: the fast ones' p50 and p99,
      alone and with SLOW connections asking for 50 ms of computing
  (d) latency against offered load: wrk's closed loop at 1 to 64
      connections; p50 and p99 against the throughput reached, plotted
      to BUILD_DIR/bench/serve-latency.svg when gnuplot is there
Environment: BENCH_SERVE_SECS (default 5), BENCH_SERVE_RUNS (3).
"""
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import machine

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(TOP, 'bin')
BUILD = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(TOP, 'build')
OUT = os.path.join(BUILD, 'bench')
SECS = int(os.environ.get('BENCH_SERVE_SECS', '5'))
RUNS = int(os.environ.get('BENCH_SERVE_RUNS', '3'))
CPUS = os.cpu_count() or 1
CONNS = 32
SLOW = 2

TRAP_C = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
	const char *q = getenv("QUERY_STRING");
	if (q && !strcmp(q, "trap"))
		__builtin_trap();
	printf("Content-Type: text/plain\r\n\r\nHello, world!\n");
	return 0;
}
'''

SPIN_C = r'''
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}
int main(void)
{
	const char *q = getenv("QUERY_STRING");
	double end = now() + (q && *q ? atof(q) : 0) / 1000;
	long n = 0;
	while (now() < end)
		n++;
	printf("Content-Type: text/plain\r\n\r\nHello, world!\n");
	return 0;
}
'''

# one request in ten traps
TRAP_LUA = '''
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then return wrk.format(nil, "/?trap") end
  return wrk.format(nil, "/")
end
'''


def sh(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw).stdout.decode()


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, proc, secs=30):
    t = time.time() + secs
    while time.time() < t:
        if proc.poll() is not None:
            raise RuntimeError('server exited: %s' % proc.args)
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError('server did not listen: %s' % proc.args)


def pids_of(pid):
    """pid and its descendants (Node's cluster workers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir('/proc/%d/task' % p):
                with open('/proc/%d/task/%s/children' % (p, t)) as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def cpu_ns(pid):
    """CPU time of every thread of pid and its descendants, ns."""
    total = 0
    for p in pids_of(pid):
        try:
            for t in os.listdir('/proc/%d/task' % p):
                with open('/proc/%d/task/%s/schedstat' % (p, t)) as f:
                    total += int(f.read().split()[0])
        except OSError:
            pass
    return total


class Server:
    def __init__(self, name, args, port, env=None):
        self.name, self.port = name, port
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, env=env, start_new_session=True)
        wait_port(port, self.proc)

    def url(self, path='/'):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    def stop(self):
        # the whole session: Node's cluster workers too
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def lat_ms(s):
    m = re.match(r'([\d.]+)(us|ms|s)', s)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == 'us' else v * 1000 if m.group(2) == 's' else v


def wrk(url, conns, secs, script=None):
    args = ['wrk', '-t1', '-c%d' % conns, '-d%ds' % secs, '--latency']
    if script:
        args += ['-s', script]
    out = sh(*args, url)
    res = {'rps': float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))}
    res['n'] = int(re.search(r'(\d+) requests in', out).group(1))
    res['p50'] = lat_ms(re.search(r'\s50%\s+(\S+)', out).group(1))
    res['p99'] = lat_ms(re.search(r'\s99%\s+(\S+)', out).group(1))
    m = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    res['non2xx'] = int(m.group(1)) if m else 0
    m = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    res['errors'] = sum(int(x) for x in m.groups()) if m else 0
    return res


def measure(server, path='/', conns=CONNS, secs=SECS, script=None):
    """One wrk run; adds the server's CPU time per request (us)."""
    c0 = cpu_ns(server.proc.pid)
    r = wrk(server.url(path), conns, secs, script)
    r['cpu_us'] = (cpu_ns(server.proc.pid) - c0) / 1000 / max(r['n'], 1)
    return r


def median_of(fn, runs=RUNS):
    rs = [fn() for _ in range(runs)]
    return {k: statistics.median(r[k] for r in rs) for k in rs[0]}


def build(tmp):
    cc = ['clang', '--target=wasm32-wasi', '--sysroot=/usr', '-O2']
    sh(*cc, os.path.join(TOP, 'examples/serve/hello.c'), '-o', tmp + '/hello.wasm')
    for name, src in (('trap', TRAP_C), ('spin', SPIN_C)):
        with open('%s/%s.c' % (tmp, name), 'w') as f:
            f.write(src)
        sh(*cc, '%s/%s.c' % (tmp, name), '-o', '%s/%s.wasm' % (tmp, name))
    for name in ('hello', 'trap', 'spin'):
        sh(os.path.join(BIN, 'wasm-aot'), '%s/%s.wasm' % (tmp, name), '-o', '%s/%s.so' % (tmp, name))
    # the static file: what the C handler's body is
    os.makedirs(tmp + '/www')
    with open(tmp + '/www/index.txt', 'w') as f:
        f.write('Hello, world!\n')
    with open(tmp + '/trap.lua', 'w') as f:
        f.write(TRAP_LUA)


def start_wasm(tmp, so, extra=()):
    port = free_port()
    return Server('wasm-serve', [os.path.join(BIN, 'wasm-serve'), '--listen', '127.0.0.1:%d' % port,
                                 '--access-log', 'none', '--threads', str(CPUS)] + list(extra) + [so], port)


def start_node(tmp, wasm):
    port = free_port()
    env = dict(os.environ, NODE_NO_WARNINGS='1')
    return Server('node', ['node', os.path.join(TOP, 'bench/serve-node.mjs'), wasm, str(port), str(CPUS)], port, env)


def start_h2o(tmp):
    port = free_port()
    conf = tmp + '/h2o.conf'
    with open(conf, 'w') as f:
        f.write('num-threads: %d\nlisten:\n  host: 127.0.0.1\n  port: %d\n'
                'file.index: [ "index.txt" ]\nhosts:\n  default:\n    paths:\n      /:\n'
                '        file.dir: %s/www\n' % (CPUS, port, tmp))
    return Server('h2o', ['h2o', '-c', conf], port)


def row(name, r, extra=''):
    print('| %-12s | %9.0f | %8.2f | %8.2f | %8.1f |%s' % (name, r['rps'], r['p50'], r['p99'], r['cpu_us'], extra))


def interleaved(servers, fn, runs=RUNS):
    """Medians of fn(server) per server, the servers taking turns in
    every round, so that a change in the machine's load falls on all."""
    rs = {s.name: [] for s in servers}
    for s in servers:
        fn(s, 1)                   # warm up
    for _ in range(runs):
        for s in servers:
            rs[s.name].append(fn(s, SECS))
    return {n: {k: statistics.median(r[k] for r in v) for k in v[0]} for n, v in rs.items()}


def table_hello(tmp):
    print('\n(a) hello: %d connections, %d s, median of %d runs' % (CONNS, SECS, RUNS))
    print('| server       |  req/s    | p50 ms   | p99 ms   | CPU us/req |')
    print('|---|---|---|---|---|')
    servers = []
    try:
        servers = [start_h2o(tmp), start_wasm(tmp, tmp + '/hello.so'), start_node(tmp, tmp + '/hello.wasm')]
        res = interleaved(servers, lambda s, secs: measure(s, secs=secs))
    finally:
        for s in servers:
            s.stop()
    for n in ('h2o', 'wasm-serve', 'node'):
        row(n, res[n])
    w, h, n = res['wasm-serve'], res['h2o'], res['node']
    print('\nwasm-serve CPU per request / h2o static: %.2fx (target <= 2x)' % (w['cpu_us'] / h['cpu_us']))
    print('wasm-serve throughput / Node per-request instance: %.1fx (target >= 20x)' % (w['rps'] / n['rps']))
    print('CPU per request, Node / wasm-serve: %.1fx' % (n['cpu_us'] / w['cpu_us']))
    return res


def table_trap(tmp):
    print('\n(b) one request in ten traps (500): %d connections, median of %d runs' % (CONNS, RUNS))
    print('| server       |  req/s    | p50 ms   | p99 ms   | CPU us/req | non-2xx share |')
    print('|---|---|---|---|---|---|')
    servers = []
    try:
        servers = [start_wasm(tmp, tmp + '/trap.so'), start_node(tmp, tmp + '/trap.wasm')]
        res = interleaved(servers, lambda s, secs: measure(s, secs=secs, script=tmp + '/trap.lua'))
    finally:
        for s in servers:
            s.stop()
    for n in ('wasm-serve', 'node'):
        row(n, res[n], ' %.3f |' % (res[n]['non2xx'] / max(res[n]['n'], 1)))


def table_mix(tmp):
    print('\n(c) fast requests beside 50 ms handlers: fast ones on %d connections; '
          '%d connections asking for 50 ms each; median of %d runs' % (CONNS // 4, SLOW, RUNS))
    print('| server       | fast alone p50 | p99 ms | beside 50 ms: p50 | p99 ms | fast req/s | 50 ms req/s |')
    print('|---|---|---|---|---|---|---|')
    for start in (lambda: start_wasm(tmp, tmp + '/spin.so'), lambda: start_node(tmp, tmp + '/spin.wasm')):
        s = start()
        try:
            measure(s, secs=1, conns=CONNS // 4)
            alone = median_of(lambda: measure(s, conns=CONNS // 4))

            def mixed():
                slow = subprocess.Popen(['wrk', '-t1', '-c%d' % SLOW, '-d%ds' % (SECS + 2), s.url('/?50')],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                time.sleep(1)
                r = measure(s, conns=CONNS // 4)
                out = slow.communicate()[0].decode()
                r['slow_rps'] = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
                return r
            m = median_of(mixed)
            print('| %-12s | %14.2f | %6.2f | %17.2f | %6.2f | %10.0f | %11.1f |' % (
                s.name, alone['p50'], alone['p99'], m['p50'], m['p99'], m['rps'], m['slow_rps']))
        finally:
            s.stop()
    print('(target: wasm-serve fast p99 < 2 ms beside the 50 ms handlers)')


def table_curve(tmp):
    conns = [1, 2, 4, 8, 16, 32, 64]
    print('\n(d) latency against offered load (closed loop: wrk at 1 to 64 connections, %d s each)' % max(SECS // 2, 2))
    print('| server       | conns | req/s | p50 ms | p99 ms |')
    print('|---|---|---|---|---|')
    data = {}
    for start in (lambda: start_h2o(tmp), lambda: start_wasm(tmp, tmp + '/hello.so'),
                  lambda: start_node(tmp, tmp + '/hello.wasm')):
        s = start()
        try:
            measure(s, secs=1)
            for c in conns:
                r = measure(s, conns=c, secs=max(SECS // 2, 2))
                data.setdefault(s.name, []).append((r['rps'], r['p50'], r['p99']))
                print('| %-12s | %5d | %7.0f | %6.2f | %6.2f |' % (s.name, c, r['rps'], r['p50'], r['p99']))
        finally:
            s.stop()
    plot(data)


def plot(data):
    if not shutil.which('gnuplot'):
        print('(gnuplot is not installed: no plot)')
        return
    os.makedirs(OUT, exist_ok=True)
    files = []
    for name, pts in data.items():
        fn = os.path.join(OUT, 'serve-%s.dat' % name)
        with open(fn, 'w') as f:
            for rps, p50, p99 in pts:
                f.write('%f %f %f\n' % (rps, p50, p99))
        files.append((name, fn))
    svg = os.path.join(OUT, 'serve-latency.svg')
    plots = ', '.join("'%s' u 1:3 w lp t '%s p99', '%s' u 1:2 w lp dt 2 t '%s p50'" % (fn, n, fn, n)
                      for n, fn in files)
    script = ("set terminal svg size 800,500; set output '%s'; set logscale xy; "
              "set xlabel 'throughput reached (requests/s)'; set ylabel 'latency (ms)'; "
              "set title 'latency against offered load (wrk, 1-64 connections)'; set key left top; plot %s"
              % (svg, plots))
    subprocess.run(['gnuplot', '-e', script], check=False)
    print('plot: %s' % svg)


def main():
    for tool in ('wrk', 'h2o', 'node', 'clang'):
        if not shutil.which(tool):
            print('skipping: %s is not installed' % tool)
            return
    print('wasm-serve against h2o (static file) and Node (fresh instance per request)')
    print('machine: %s' % machine())
    with open('/proc/loadavg') as f:
        print('load average at start: %s' % ' '.join(f.read().split()[:3]))
    tmp = tempfile.mkdtemp(prefix='serve-bench.')
    try:
        build(tmp)
        table_hello(tmp)
        table_trap(tmp)
        table_mix(tmp)
        table_curve(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with open('/proc/loadavg') as f:
        print('\nload average at end: %s' % ' '.join(f.read().split()[:3]))


if __name__ == '__main__':
    main()
