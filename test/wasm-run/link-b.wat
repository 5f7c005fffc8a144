;; The importer: A's memory, table, global and function, its own
;; functions written into A's table.
(module
  (import "A" "mem" (memory 1))
  (import "A" "tab" (table 4 funcref))
  (import "A" "g" (global $g (mut i32)))
  (import "A" "put" (func $put (param i32) (result i32)))
  (func $eight (result i32) (i32.const 8))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "get-g") (result i32) (global.get $g))
  (func (export "set-g") (param i32) (global.set $g (local.get 0)))
  (func (export "put") (param i32) (result i32) (call $put (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
  (func (export "tab-grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
  (elem (i32.const 1) $eight))
