;; Symbolic names, as a person writes them: $ids on definitions and as
;; references (forward ones too), named params, locals and labels,
;; inline exports, typeuses given by (param)/(result) alone.
(module $symbolic
  (type $binop (func (param i32 i32) (result i32)))
  (import "env" "base" (global $base i32))
  (func $main (export "main") (param $n i32) (result i32)
    (local $acc i32) (local $i i32)
    global.get $base
    local.set $acc
    block $done
      loop $again
        local.get $i
        local.get $n
        i32.ge_u
        br_if $done
        local.get $acc
        local.get $i
        call $add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $again
      end $again
    end $done
    local.get $acc
    local.get $n
    i32.const 0
    call_indirect $fns (type $binop)
    global.get $count
    i32.add
  )
  (func $add (type $binop) (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add
  )
  (func $init
    i32.const 0
    i32.const 0
    i32.const 2
    memory.init $greeting
    data.drop $greeting
    elem.drop $later
    i32.const 1
    global.set $count
  )
  (table $fns (export "fns") 2 funcref)
  (memory $mem (export "mem") 1)
  (global $count (mut i32) (i32.const 0))
  (start $init)
  (elem $first (table $fns) (i32.const 0) func $add $main)
  (elem $later func $init)
  (data $greeting "hi")
)
