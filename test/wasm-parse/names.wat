;; Names from the name section: module name, imported and defined
;; function names, every idchar, a function without a name.
(module $the-module
  (import "env" "imported" (func $imported))
  (func $plain)
  (func $sym!#$%&'*+-./:<=>?@^_`|~)
  (func (export "anon"))
  (func $last))
