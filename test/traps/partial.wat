;; Stores made before an out-of-bounds trap stay in memory, as the
;; spec says, in the shapes LLVM would otherwise combine: neighbouring
;; constant stores (one wide store at -O2), a counted store loop and a
;; loop over two arrays (vectorised at -O2), and a loop whose load
;; runs off the end after its store.  partial.script calls each so
;; that it traps and reads the memory back; only --bounds-checks keeps
;; this exact at -O2 (wasm-aot(1)).
(module
  (memory (export "memory") 1)
  (func (export "pair") (param $a i32)
    (i32.store (local.get $a) (i32.const 7))
    (i32.store offset=4 (local.get $a) (i32.const 8)))
  (func (export "quad") (param $a i32)
    (i64.store (local.get $a) (i64.const 1))
    (i64.store offset=8 (local.get $a) (i64.const 2))
    (i64.store offset=16 (local.get $a) (i64.const 3))
    (i64.store offset=24 (local.get $a) (i64.const 4)))
  ;; a[i] = i for i < n, as clang -O2 writes it: a pointer and a counter
  (func (export "count") (param $a i32) (param $n i32)
    (local $i i32)
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (loop $l
        (i32.store (local.get $a) (local.get $i))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br_if $l (i32.ne (local.get $n)
                          (local.tee $i (i32.add (local.get $i) (i32.const 1)))))))))
  ;; a[i] = i; b[i] = -i
  (func (export "two") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (loop $l
        (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))
                   (local.get $i))
        (i32.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))
                   (i32.sub (i32.const 0) (local.get $i)))
        (br_if $l (i32.ne (local.get $n)
                          (local.tee $i (i32.add (local.get $i) (i32.const 1)))))))))
  ;; a[i] = 1 + b[i]: the load of b[i] runs off the end first
  (func (export "copy") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (loop $l
        (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))
                   (i32.add (i32.const 1)
                            (i32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
        (br_if $l (i32.ne (local.get $n)
                          (local.tee $i (i32.add (local.get $i) (i32.const 1)))))))))
  (func (export "ld") (param $a i32) (result i32) (i32.load (local.get $a))))
