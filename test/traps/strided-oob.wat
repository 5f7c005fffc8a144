(module
  (memory 1)
  (global $step (mut i32) (i32.const 3))
  ;; a loop stepping by a local (strip-mined with a division per strip)
  ;; whose loads are all dead: the one past the end of memory must trap
  (func $scan (param $n i32) (local $i i32) (local $s i32)
    (local.set $s (global.get $step))
    (loop
      (drop (i32.load8_u (local.get $i)))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $s)))
                         (local.get $n)))))
  (func $_start (export "_start") (call $scan (i32.const 70000))))
