; Intrinsics that LLVM lowers to library calls on some CPUs (rounding
; without SSE4.1, large or variable-length memory operations): linked
; against libwabuiltins.a, the .so must have no undefined symbol.
@wasm_aot_contract = constant { i32, i32, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i32, i32, i8*, i8*, i32, i32, i64, i64, i64, i8*, i8* } { i32 1414480215, i32 3, i32 184, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i32 0, i32 0, i8* null, i8* null, i32 -1, i32 0, i64 4294967296, i64 2147483648, i64 0, i8* null, i8* null }

define internal void @rounding(double* %pd, float* %pf, <4 x float>* %pv, <2 x double>* %pw) #0 {
  %d = load double, double* %pd, align 1
  %f = load float, float* %pf, align 1
  %d1 = call double @llvm.floor.f64(double %d)
  %d2 = call double @llvm.ceil.f64(double %d1)
  %d3 = call double @llvm.trunc.f64(double %d2)
  %d4 = call double @llvm.nearbyint.f64(double %d3)
  %d5 = call double @llvm.rint.f64(double %d4)
  %d6 = call double @llvm.roundeven.f64(double %d5)
  %d7 = call double @llvm.sqrt.f64(double %d6)
  %d8 = call double @llvm.minnum.f64(double %d7, double %d)
  %d9 = call double @llvm.maxnum.f64(double %d8, double %d)
  store double %d9, double* %pd, align 1
  %f1 = call float @llvm.floor.f32(float %f)
  %f2 = call float @llvm.ceil.f32(float %f1)
  %f3 = call float @llvm.trunc.f32(float %f2)
  %f4 = call float @llvm.nearbyint.f32(float %f3)
  %f5 = call float @llvm.rint.f32(float %f4)
  %f6 = call float @llvm.roundeven.f32(float %f5)
  %f7 = call float @llvm.sqrt.f32(float %f6)
  %f8 = call float @llvm.minnum.f32(float %f7, float %f)
  %f9 = call float @llvm.maxnum.f32(float %f8, float %f)
  store float %f9, float* %pf, align 1
  %v = load <4 x float>, <4 x float>* %pv, align 1
  %v1 = call <4 x float> @llvm.floor.v4f32(<4 x float> %v)
  %v2 = call <4 x float> @llvm.nearbyint.v4f32(<4 x float> %v1)
  store <4 x float> %v2, <4 x float>* %pv, align 1
  %w = load <2 x double>, <2 x double>* %pw, align 1
  %w1 = call <2 x double> @llvm.ceil.v2f64(<2 x double> %w)
  %w2 = call <2 x double> @llvm.trunc.v2f64(<2 x double> %w1)
  store <2 x double> %w2, <2 x double>* %pw, align 1
  ret void
}

define internal void @memory(i8* %dst, i8* %src, i64 %n, i8 %c) #0 {
  call void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %n, i1 false)
  call void @llvm.memmove.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %n, i1 false)
  call void @llvm.memset.p0i8.i64(i8* %dst, i8 %c, i64 %n, i1 false)
  call void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 65536, i1 false)
  ret void
}

@keep = internal global [2 x i8*] [i8* bitcast (void (double*, float*, <4 x float>*, <2 x double>*)* @rounding to i8*), i8* bitcast (void (i8*, i8*, i64, i8)* @memory to i8*)]
@llvm.used = appending global [1 x i8*] [i8* bitcast ([2 x i8*]* @keep to i8*)], section "llvm.metadata"

declare double @llvm.floor.f64(double)
declare double @llvm.ceil.f64(double)
declare double @llvm.trunc.f64(double)
declare double @llvm.nearbyint.f64(double)
declare double @llvm.rint.f64(double)
declare double @llvm.roundeven.f64(double)
declare double @llvm.sqrt.f64(double)
declare double @llvm.minnum.f64(double, double)
declare double @llvm.maxnum.f64(double, double)
declare float @llvm.floor.f32(float)
declare float @llvm.ceil.f32(float)
declare float @llvm.trunc.f32(float)
declare float @llvm.nearbyint.f32(float)
declare float @llvm.rint.f32(float)
declare float @llvm.roundeven.f32(float)
declare float @llvm.sqrt.f32(float)
declare float @llvm.minnum.f32(float, float)
declare float @llvm.maxnum.f32(float, float)
declare <4 x float> @llvm.floor.v4f32(<4 x float>)
declare <4 x float> @llvm.nearbyint.v4f32(<4 x float>)
declare <2 x double> @llvm.ceil.v2f64(<2 x double>)
declare <2 x double> @llvm.trunc.v2f64(<2 x double>)
declare void @llvm.memcpy.p0i8.p0i8.i64(i8*, i8*, i64, i1)
declare void @llvm.memmove.p0i8.p0i8.i64(i8*, i8*, i64, i1)
declare void @llvm.memset.p0i8.i64(i8*, i8, i64, i1)

attributes #0 = { nounwind "frame-pointer"="all" "no-builtins" "probe-stack"="inline-asm" }
