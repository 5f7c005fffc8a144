(module
  ;; 65,536 pages of initial memory: more than the runtime gives
  (memory 65536))
