;; The guest of preempt.c: spins until the host writes a non-zero word
;; at address 0 (which it does only once the spin was preempted), then
;; returns how many rounds it made, and a sum over a loop.
(module
  (memory (export "memory") 1)
  (func (export "spin") (result i32)
    (local $n i32)
    (block $out
      (loop $again
        (br_if $out (i32.load (i32.const 0)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $n))
  (func (export "sum") (param $k i32) (result i32)
    (local $s i32)
    (block $out
      (loop $again
        (br_if $out (i32.eqz (local.get $k)))
        (local.set $s (i32.add (local.get $s) (local.get $k)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $again)))
    (local.get $s)))
