;; Each run: grows memory from 2 to 32 pages, checks that every byte of
;; it reads zero (a fresh instance), then dirties all of it but the
;; first 16 bytes and prints 1 if it was clean, 0 if not.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory 2)
  (func (export "_start") (local $i i32) (local $s i32) (local $n i32)
    (drop (memory.grow (i32.const 30)))
    (local.set $n (i32.mul (memory.size) (i32.const 65536)))
    (loop $l
      (local.set $s (i32.or (local.get $s) (i32.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (memory.fill (i32.const 16) (i32.const 0xab) (i32.sub (local.get $n) (i32.const 16)))
    (i32.store8 (i32.const 8) (select (i32.const 49) (i32.const 48) (i32.eqz (local.get $s))))
    (i32.store8 (i32.const 9) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 8))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))))
