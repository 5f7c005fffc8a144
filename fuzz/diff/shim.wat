;; The logging imports of wasm-opt -ttf modules ("fuzzing-support"),
;; the same for both sides of the differential run (fuzz/diff/diff.py):
;; each log-T prints its argument through spectest's print functions,
;; which wasm-run --script provides and the node harness defines; a v128
;; is printed as its two i64 lanes (JavaScript cannot take a v128, a
;; wasm function can).
(module
  (import "spectest" "print_i32" (func $i32 (param i32)))
  (import "spectest" "print_i64" (func $i64 (param i64)))
  (import "spectest" "print_f32" (func $f32 (param f32)))
  (import "spectest" "print_f64" (func $f64 (param f64)))
  (func (export "log-i32") (param i32) local.get 0 call $i32)
  (func (export "log-i64") (param i64) local.get 0 call $i64)
  (func (export "log-f32") (param f32) local.get 0 call $f32)
  (func (export "log-f64") (param f64) local.get 0 call $f64)
  (func (export "log-v128") (param v128)
    local.get 0
    i64x2.extract_lane 0
    call $i64
    local.get 0
    i64x2.extract_lane 1
    call $i64))
