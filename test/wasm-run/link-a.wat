;; The exporter of test/wasm-run/link.script: a memory, a table, a
;; mutable global and functions that use them.
(module
  (memory (export "mem") 1 4)
  (table (export "tab") 4 8 funcref)
  (global (export "g") (mut i32) (i32.const 7))
  (global (export "k") i64 (i64.const -2))
  (func $seven (export "seven") (result i32) (i32.const 7))
  ;; stores x at address 0 of its own memory, returns x + 1
  (func (export "put") (param i32) (result i32)
    (i32.store (i32.const 0) (local.get 0))
    (i32.add (local.get 0) (i32.const 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "get-g") (result i32) (global.get 0))
  (func (export "set-g") (param i32) (global.set 0 (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
  (func (export "tab-size") (result i32) (table.size 0))
  (elem (i32.const 0) $seven))
