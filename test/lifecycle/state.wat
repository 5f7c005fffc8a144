;; The guest of many.c: per-instance state in a global and in memory.
(module
  (memory 1)
  (global $id (mut i32) (i32.const 0))
  ;; remember id: in the global, and spread over a page of memory
  (func (export "set") (param $id i32)
    (global.set $id (local.get $id))
    (memory.fill (i32.const 4096) (i32.and (local.get $id) (i32.const 255)) (i32.const 4096))
    (i32.store (i32.const 16) (local.get $id)))
  ;; id back, or -1 if the memory no longer agrees with the global
  (func (export "get") (result i32)
    (if (result i32) (i32.and
          (i32.eq (i32.load (i32.const 16)) (global.get $id))
          (i32.eq (i32.load8_u (i32.const 8191)) (i32.and (global.get $id) (i32.const 255))))
      (then (global.get $id)) (else (i32.const -1))))
  ;; traps (unreachable) when id is a multiple of ten, else returns 2 * id
  (func (export "request") (result i32)
    (if (i32.eqz (i32.rem_u (global.get $id) (i32.const 10))) (then unreachable))
    (i32.mul (global.get $id) (i32.const 2)))
  ;; sum of every byte of the memory: 0 in a fresh instance
  (func (export "sum") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 65536))))
    (local.get $s)))
