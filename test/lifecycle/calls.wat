;; The guest of calls.c: every way a call into the guest can end.
(module
  (import "env" "back" (func $back (param i32) (result i32)))
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (memory 1)
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "boom") unreachable)
  (func (export "oob") (result i32) (i32.load (i32.const -4)))
  (func $rec (export "rec") (param i32) (result i32)
    (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "spin") (loop $l (br $l)))
  ;; the host calls back in (env.back decides how)
  (func (export "viaback") (param i32) (result i32) (call $back (local.get 0)))
  ;; two host calls that may yield; the sum of their answers
  (func (export "waits") (param i32) (result i32)
    (i32.add (call $wait (local.get 0)) (call $wait (i32.add (local.get 0) (i32.const 1)))))
  ;; yields, then traps
  (func (export "waitboom") (drop (call $wait (i32.const 7))) unreachable))
