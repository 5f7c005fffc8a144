;; Folded instructions, as people write them: operands inside the
;; operator's parentheses, structured if with then and else.
(module
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac (i64.sub (local.get $n) (i64.const 1)))))))
  (func $count (param $n i32) (result i32)
    (local $i i32)
    (block $done (result i32)
      (loop $next
        (br_if $done (local.get $i) (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))
      (unreachable)))
  (memory 1)
  (func (param $p i32)
    (i32.store offset=4 (local.get $p) (i32.load8_u (local.get $p)))
    (drop (select (i32.const 1) (i32.const 2) (local.get $p)))
    (if (local.get $p) (then nop))
    local.get $p
    local.get $p
    (if (param i32)
      (then drop)
      (else drop)))
  (global $g i32 (i32.const 3))
)
