; Recursion the optimiser could turn into a loop: self recursion with an
; accumulator, and mutual recursion through calls in tail position.
; Every call must stay a call, so that the stack check traps.
@wasm_aot_contract = constant { i32, i32, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i64, i64, i64, i8*, i8* } { i32 1414480215, i32 3, i32 184, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 -1, i32 0, i64 4294967296, i64 2147483648, i64 0, i8* null, i8* null }

define internal i64 @count(i8* %ctx, i64 %n) #0 {
  %m = add i64 %n, 1
  %r = call i64 @count(i8* %ctx, i64 %m)
  %s = add i64 %r, 1
  ret i64 %s
}

define internal i64 @ping(i8* %ctx, i64 %n) #0 {
  %r = call i64 @pong(i8* %ctx, i64 %n)
  ret i64 %r
}

define internal i64 @pong(i8* %ctx, i64 %n) #0 {
  %m = sub i64 %n, 1
  %r = call i64 @ping(i8* %ctx, i64 %m)
  ret i64 %r
}

@keep = internal global [2 x i8*] [i8* bitcast (i64 (i8*, i64)* @count to i8*), i8* bitcast (i64 (i8*, i64)* @ping to i8*)]
@llvm.used = appending global [1 x i8*] [i8* bitcast ([2 x i8*]* @keep to i8*)], section "llvm.metadata"

attributes #0 = { nounwind "frame-pointer"="all" "no-builtins" "probe-stack"="inline-asm" }
