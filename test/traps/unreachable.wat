(module
  (func $boom (unreachable))
  (func $_start (export "_start") (call $boom)))
