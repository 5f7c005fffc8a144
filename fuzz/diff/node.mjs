// The V8 side of the differential run (fuzz/diff/diff.py).
// usage: node node.mjs SHIM.wasm MODULE.wasm PLAN.json
// PLAN: [[export name, [param types], [result types]], ...], called in
// order with zero arguments.  Prints what wasm-run --script prints for
// the same commands: "V : T" for each log, then "ok RESULTS" or
// "trap: MESSAGE" per call (results as TYPE:0xBITS); the module's
// instantiation as "ok" or "error: MESSAGE".
import fs from 'fs';

const [shimPath, modPath, planPath] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planPath, 'utf8'));
const lines = [];
const p = (s) => lines.push(s);
// a float as text keeps the sign of zero (`${-0}` is "0"), as the
// runtime's spectest printers do
const num = (x) => (Object.is(x, -0) ? '-0' : `${x}`);
const spectest = {
  print_i32: (x) => p(`${x} : i32`),
  print_i64: (x) => p(`${x} : i64`),
  print_f32: (x) => p(`${num(x)} : f32`),
  print_f64: (x) => p(`${num(x)} : f64`),
};
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);

function bits(v, t) {
  switch (t) {
    case 'i32': return 'i32:0x' + (v >>> 0).toString(16);
    case 'i64': return 'i64:0x' + BigInt.asUintN(64, v).toString(16);
    case 'f32': f32[0] = v; return 'f32:0x' + u32[0].toString(16);
    case 'f64': f64[0] = v; return 'f64:0x' + u64[0].toString(16);
    default: return t + ':' + (v === null ? 'null' : 'nonnull');
  }
}

function message(e) {
  return (e && e.message ? e.message : String(e)).split('\n')[0];
}

function flush() {
  fs.writeSync(1, lines.join('\n') + (lines.length ? '\n' : ''));
}

let inst;
try {
  const shim = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(shimPath)), { spectest });
  inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(modPath)),
    { 'fuzzing-support': shim.exports });
  p('ok');
} catch (e) {
  p('error: ' + message(e));
  flush();
  process.exit(0);
}
for (const [name, params, results] of plan) {
  const args = params.map((t) => (t === 'i64' ? 0n : t.endsWith('ref') ? null : 0));
  try {
    let r = inst.exports[name](...args);
    if (results.length === 1) r = [r];
    p('ok' + results.map((t, i) => ' ' + bits(r[i], t)).join(''));
  } catch (e) {
    p('trap: ' + (e instanceof RangeError ? 'call stack exhausted' : message(e)));
  }
}
flush();
