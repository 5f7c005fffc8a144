(type (func (param i32) (result i32)))
(func $id (type 0) local.get 0)
(export "id" (func $id))
