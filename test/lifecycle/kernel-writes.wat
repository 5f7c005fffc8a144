;; Writes to its memory by everything but the guest: the runtime copies a
;; data segment in at instantiation, the kernel reads 3 bytes of standard
;; input into a page nothing else writes (fd_read); prints both.  Run
;; with --repeat, every request must print "data:" and its own 3 bytes,
;; also once the slot tracks which pages are written (lib/rt/wtrack.c)
;; and those pages start read-only.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0x8000) "data:")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 0x13000))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 16) (i32.const 0x8000))
    (i32.store (i32.const 20) (i32.const 5))
    (i32.store (i32.const 24) (i32.const 0x13000))
    (i32.store (i32.const 28) (i32.load (i32.const 8)))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 12)))))
