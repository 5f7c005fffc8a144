;; A loop with a used load and a dead one, and a dead load before a
;; possible trap: after the pipeline each keeps an anchor of its own and
;; no xor of the sinks is left (anchors.c); a double load that a multiply
;; uses needs none (the multiply keeps it whole).
(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $i))))
      (drop (i64.load offset=4 (local.get $i)))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n))))
    (local.get $s))
  (func (export "div") (param $a i32) (param $b i32) (result i32)
    (drop (f64.load (local.get $a)))
    (i32.div_u (local.get $a) (local.get $b)))
  (func (export "scale") (param $p i32) (result f64)
    (f64.mul (f64.load (local.get $p)) (f64.const 3))))
