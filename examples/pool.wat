;; The guest of pool.c: counts its calls in a global and in memory, and
;; scribbles the request number over a page; a fresh instance must start
;; from zero.
(module
  (memory 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "handle") (param $req i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (memory.fill (i32.const 64) (local.get $req) (i32.const 4096))
    ;; 1 if both counters say this is the first call
    (i32.and (i32.eq (global.get $calls) (i32.const 1))
             (i32.eq (i32.load (i32.const 0)) (i32.const 1)))))
