;; A runaway loop: only a deadline ends it.
(module (func (export "_start") (loop $l (br $l))))
