;; Four adjacent i32 adds: the SLP vectoriser makes them one paddd
(module (memory 1)
  (func (export "add4")
    (i32.store offset=0 (i32.const 0) (i32.add (i32.load offset=16 (i32.const 0)) (i32.load offset=32 (i32.const 0))))
    (i32.store offset=4 (i32.const 0) (i32.add (i32.load offset=20 (i32.const 0)) (i32.load offset=36 (i32.const 0))))
    (i32.store offset=8 (i32.const 0) (i32.add (i32.load offset=24 (i32.const 0)) (i32.load offset=40 (i32.const 0))))
    (i32.store offset=12 (i32.const 0) (i32.add (i32.load offset=28 (i32.const 0)) (i32.load offset=44 (i32.const 0))))))
