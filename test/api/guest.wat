;; The guest of test/api/all-host.c: wasm-run --host all-host.so
;; --invoke run guest.so makes it call env.selftest, in which the host
;; library uses the whole embedding API, this module instantiated again
;; in a region of its own among the rest.
(module
  (import "env" "selftest" (func $selftest (result i32)))
  (import "env" "pause" (func $pause (param i32) (result i32)))
  (import "env" "fail" (func $fail))
  (import "env" "leave" (func $leave (param i32)))
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (import "env" "g" (global $g i32))
  (import "env" "t" (table 1 funcref))
  (memory (export "memory") 1)
  (data (i32.const 16) "guest data")
  (global (export "seven") i32 (i32.const 7))
  (func (export "run") (result i32) (call $selftest))
  (func (export "pause") (param i32) (result i32) (call $pause (local.get 0)))
  (func (export "fail") (call $fail))
  (func (export "leave") (param i32) (call $leave (local.get 0)))
  (func (export "twice") (param i32) (result i32) (call $twice (local.get 0)))
  (func (export "g") (result i32) (global.get $g))
  (func (export "spin") (loop $l (br $l))))
