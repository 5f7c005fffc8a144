; A module shaped like wasm-lower's output: one function and a contract
; with the 32 fields of struct wa_contract (lib/contract.h).
@wasm_aot_contract = constant { i32, i32, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i64, i64, i64, i8*, i8* } { i32 1414480215, i32 3, i32 184, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 -1, i32 0, i64 4294967296, i64 2147483648, i64 0, i8* null, i8* null }

define internal i32 @answer(i8* %ctx) {
  ret i32 42
}
