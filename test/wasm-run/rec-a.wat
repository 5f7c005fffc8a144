;; Recursion across two instances: A's pong calls through its table,
;; where B puts its ping, which calls A's pong.
(module
  (type $t (func (param i32) (result i32)))
  (table (export "t") 1 funcref)
  (func (export "pong") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))))
