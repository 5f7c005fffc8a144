;; memory.fill at the sizes and alignments the runtime fills with its own
;; store loop (rt_fill: 2 KiB to 256 KiB) and around them: t(dst, n)
;; surrounds [dst, dst+n) with 64 bytes of 0x5a on each side, fills it
;; with 0xa7, and returns how many bytes of [dst-64, dst+n+64) are not
;; what they should be.
(module
  (memory 5)
  (func (export "t") (param $dst i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $bad i32) (local $want i32)
    ;; the sentinel, byte by byte (not memory.fill, which is under test)
    (local.set $i (i32.sub (local.get $dst) (i32.const 64)))
    (local.set $end (i32.add (i32.add (local.get $dst) (local.get $n)) (i32.const 64)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (i32.store8 (local.get $i) (i32.const 0x5a))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (memory.fill (local.get $dst) (i32.const 0x1a7) (local.get $n))
    (local.set $i (i32.sub (local.get $dst) (i32.const 64)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $want
          (select (i32.const 0xa7) (i32.const 0x5a)
            (i32.and (i32.ge_u (local.get $i) (local.get $dst))
                     (i32.lt_u (local.get $i) (i32.add (local.get $dst) (local.get $n))))))
        (local.set $bad (i32.add (local.get $bad)
          (i32.ne (i32.load8_u (local.get $i)) (local.get $want))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $bad)))
