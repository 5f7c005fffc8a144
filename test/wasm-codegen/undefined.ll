@wasm_aot_contract = constant { i32, i32, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i64, i64, i64, i8*, i8* } { i32 1414480215, i32 3, i32 184, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 0, i32 0, i8* bitcast (i32 ()* @answer to i8*), i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 -1, i32 0, i64 4294967296, i64 2147483648, i64 0, i8* null, i8* null }

declare i32 @host_function_nobody_defines()

define internal i32 @answer() {
  %r = call i32 @host_function_nobody_defines()
  ret i32 %r
}
