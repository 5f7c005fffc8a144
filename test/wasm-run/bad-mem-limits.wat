;; A.mem has 1 page now and a maximum of 4: not at least 2, and not
;; at most 3
(module (import "A" "mem" (memory 2)))
