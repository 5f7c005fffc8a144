// The per-request life cycle in Node's V8, the peer of bench/lifecycle:
// each module compiled once, then new WebAssembly.Instance, call, drop.
// usage: node lifecycle-node.mjs HELLO.wasm NOP.wasm RUNS
// Prints one line per measurement, "name median_ns p99_ns", in ns.
import { readFileSync, openSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [hello, nop, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 1000);
const now = () => process.hrtime.bigint();

function stats(name, xs) {
	xs.sort((a, b) => a - b);
	const med = xs[Math.floor(xs.length / 2)];
	const p99 = xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
	console.log(`${name} ${med} ${p99}`);
}

const helloMod = new WebAssembly.Module(readFileSync(hello));
const nopMod = new WebAssembly.Module(readFileSync(nop));
const devnull = openSync('/dev/null', 'w');

// (b) instantiate hello in a warm engine (WASI imports made once)
{
	const wasi = new WASI({ version: 'preview1', args: ['hello'], env: {}, stdout: devnull });
	const imports = wasi.getImportObject();
	const xs = [];
	for (let i = 0; i < runs; i++) {
		const t0 = now();
		const inst = new WebAssembly.Instance(helloMod, imports);
		xs.push(Number(now() - t0));
		if (!inst) throw new Error('no instance');
		// dropped instances keep their memory reservations until a
		// collection: collect now and then (outside the timed part), or
		// V8 runs out of address space
		if (global.gc && i % 50 == 49) global.gc();
	}
	stats('instantiate', xs);
}

// (d) call round trip to an empty export
{
	const inst = new WebAssembly.Instance(nopMod, {});
	const f = inst.exports.nop;
	const n = 1000000;
	for (let i = 0; i < n; i++) f();
	const xs = [];
	for (let r = 0; r < 21; r++) {
		const t0 = now();
		for (let i = 0; i < n; i++) f();
		xs.push(Number(now() - t0) / n);
	}
	stats('call', xs);
}

// (e) first run of hello, output to /dev/null; (h) whole life cycles
{
	const xs = [], ys = [];
	for (let i = 0; i < runs; i++) {
		const t0 = now();
		const wasi = new WASI({ version: 'preview1', args: ['hello'], env: {}, stdout: devnull,
			returnOnExit: true });
		const inst = new WebAssembly.Instance(helloMod, wasi.getImportObject());
		const t1 = now();
		wasi.start(inst);
		const t2 = now();
		xs.push(Number(t2 - t1));
		ys.push(Number(t2 - t0));
		if (global.gc && i % 50 == 49) global.gc();
	}
	stats('first_run', xs);
	stats('lifecycle', ys);
}

// (i) memory per live idle instance: resident set growth over N instances
{
	const n = Math.min(200, runs);
	const keep = [];
	if (global.gc) global.gc();
	const r0 = process.memoryUsage().rss;
	for (let i = 0; i < n; i++) {
		const wasi = new WASI({ version: 'preview1', args: ['hello'], env: {}, stdout: devnull });
		keep.push(new WebAssembly.Instance(helloMod, wasi.getImportObject()));
	}
	const r1 = process.memoryUsage().rss;
	console.log(`rss_per_instance ${Math.round((r1 - r0) / n)} ${keep.length}`);
}
