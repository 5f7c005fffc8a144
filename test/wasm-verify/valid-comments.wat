;; A hand-written module: comments, free whitespace, no index comments,
;; names with escapes, a custom section carried as a comment.
(module $demo
	(type (func (param i32) (result i32)))   ;; type 0
  (func $id\2fx (type 0) (param i32) (result i32)
    (; a block comment (; nested ;) spanning
       lines ;)
    local.get 0)
  (export "id" (func 0))

  (;@custom "note" (after export) "hi\3b\00";)
)
