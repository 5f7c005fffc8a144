; A partition of `wasm-lower --split` other than the first: no contract,
; the partition flag, a function the first partition's code calls.
define hidden i32 @forty(i8* %ctx) {
  ret i32 40
}

!llvm.module.flags = !{!0}
!0 = !{i32 1, !"wasm-aot.partition", i32 1}
