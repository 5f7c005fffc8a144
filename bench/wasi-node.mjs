// Run a WASI program under Node's V8 with node:wasi: wasi-node.mjs
// PROGRAM.wasm DIR ARGS...  (DIR preopened as ".", the guest's cwd)
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [wasm, dir, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['wasi-io', ...args], preopens: { '.': dir } });
const { instance } = await WebAssembly.instantiate(readFileSync(wasm), wasi.getImportObject());
process.exitCode = wasi.start(instance);
