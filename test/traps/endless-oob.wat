(module
  (memory 1)
  ;; a loop whose only way out is an interrupt, with a dead load that
  ;; walks off the end of memory: the load must trap, not the deadline
  ;; (its value reaches the interrupt check's slow path, not a return)
  (func $walk (local $i i32)
    (loop
      (drop (i32.load (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br 0)))
  (func $_start (export "_start") (call $walk)))
