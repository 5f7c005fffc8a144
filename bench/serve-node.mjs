// The Node peer of bench/serve.py: the same .wasm handler served with a
// fresh WebAssembly.Instance and a fresh node:wasi per request, as
// wasm-serve does with its instances.  The module is compiled once.
// Standard output is captured by wrapping fd_write (node:wasi writes
// only to real descriptors); the rest of WASI is node's.  A cluster of
// WORKERS processes (one per core, as wasm-serve has one thread per
// core) shares the port.
//
//	node serve-node.mjs FILE.wasm PORT WORKERS
import cluster from 'node:cluster';
import fs from 'node:fs';
import http from 'node:http';
import { WASI } from 'node:wasi';

const [file, port, workers] = [process.argv[2], +process.argv[3], +(process.argv[4] || 1)];

if (cluster.isPrimary && workers > 1) {
	for (let i = 0; i < workers; i++)
		cluster.fork();
	let up = 0;
	cluster.on('listening', () => { if (++up === workers) console.log('listening', port); });
} else {
	const mod = new WebAssembly.Module(fs.readFileSync(file));
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => handle(req, res, Buffer.concat(chunks)));
	});
	function handle(req, res, body) {
		const q = req.url.indexOf('?');
		const wasi = new WASI({
			version: 'preview1',
			args: [file],
			env: {
				GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: req.method,
				PATH_INFO: q < 0 ? req.url : req.url.slice(0, q), QUERY_STRING: q < 0 ? '' : req.url.slice(q + 1),
				SERVER_PROTOCOL: 'HTTP/' + req.httpVersion, CONTENT_LENGTH: String(body.length),
			},
			returnOnExit: true,
		});
		const out = [];
		let inst;
		const imports = wasi.getImportObject();
		const w = imports.wasi_snapshot_preview1;
		const fd_write = w.fd_write;
		w.fd_write = (fd, iovs, n, pnw) => {
			if (fd !== 1)
				return fd_write(fd, iovs, n, pnw);
			const m = new DataView(inst.exports.memory.buffer);
			let total = 0;
			for (let i = 0; i < n; i++) {
				const p = m.getUint32(iovs + 8 * i, true), len = m.getUint32(iovs + 8 * i + 4, true);
				out.push(Buffer.from(new Uint8Array(inst.exports.memory.buffer, p, len)));
				total += len;
			}
			m.setUint32(pnw, total, true);
			return 0;
		};
		try {
			inst = new WebAssembly.Instance(mod, imports);
			wasi.start(inst);
		} catch (e) {
			res.writeHead(500, { 'content-type': 'text/plain' });
			res.end('handler trapped\n');
			return;
		}
		// the CGI header block, then the body
		const all = Buffer.concat(out);
		const end = all.indexOf('\r\n\r\n');
		const headers = {};
		let status = 200;
		for (const line of all.subarray(0, end < 0 ? 0 : end).toString().split('\r\n')) {
			const c = line.indexOf(':');
			if (c < 0)
				continue;
			const k = line.slice(0, c).trim(), v = line.slice(c + 1).trim();
			if (k.toLowerCase() === 'status')
				status = parseInt(v, 10);
			else
				headers[k] = v;
		}
		res.writeHead(end < 0 ? 502 : status, headers);
		res.end(end < 0 ? '' : all.subarray(end + 4));
	}
	server.keepAliveTimeout = 60000;
	server.listen(port, '127.0.0.1', () => { if (workers <= 1) console.log('listening', port); });
}
