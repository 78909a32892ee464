source_filename = "tsgrad"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @tsgk_saxpy(double* noalias nocapture readonly %in, double* noalias nocapture writeonly %out, double* noalias nocapture readonly %buf.0, double* noalias nocapture readonly %buf.1, double* noalias nocapture readonly %buf.2, i8* noalias nocapture %outs) local_unnamed_addr {
entry:
  %arena = alloca i8*, align 8
  store i8* null, i8** %arena, align 8
  %na = load double, double* %in, align 8
  %0 = tail call double @llvm.fabs.f64(double %na)
  %1 = fcmp olt double %0, 0x43E0000000000000
  %2 = select i1 %1, double %na, double 0.000000e+00
  %3 = fptosi double %2 to i64
  %4 = trunc i64 %3 to i32
  %5 = bitcast double %na to i64
  %6 = lshr i64 %5, 52
  %7 = and i64 %6, 2047
  %8 = add nsw i64 %7, -1075
  %9 = icmp ult i64 %8, 32
  %10 = select i1 %9, i64 %8, i64 32
  %11 = shl i64 %5, %10
  %12 = trunc i64 %11 to i32
  %13 = icmp slt i64 %5, 0
  %14 = sub i32 0, %12
  %15 = select i1 %13, i32 %14, i32 %12
  %16 = fcmp olt double %0, 0x7FF0000000000000
  %17 = select i1 %16, i32 %15, i32 0
  %18 = select i1 %1, i32 %4, i32 %17
  %19 = getelementptr inbounds double, double* %in, i64 3
  %a.len = load double, double* %19, align 8
  %20 = fptosi double %a.len to i32
  %21 = getelementptr inbounds double, double* %in, i64 4
  %b.len = load double, double* %21, align 8
  %22 = fptosi double %b.len to i32
  %23 = getelementptr inbounds double, double* %in, i64 5
  %c.len = load double, double* %23, align 8
  %24 = fptosi double %c.len to i32
  %25 = icmp sgt i32 %18, -1
  br i1 %25, label %len.ok, label %exit

exit:                                             ; preds = %index.ok, %for.body2, %for.join, %len.ok, %entry
  %status = phi i32 [ 2, %entry ], [ 3, %len.ok ], [ %spec.select, %for.join ], [ 1, %for.body2 ], [ 1, %index.ok ]
  call void @tsg_arena_free(i8** nonnull %arena)
  ret i32 %status

len.ok:                                           ; preds = %entry
  %26 = zext i32 %18 to i64
  %27 = shl nuw nsw i64 %26, 3
  %28 = call i8* @tsg_alloc(i8** nonnull %arena, i64 %27)
  %.not = icmp eq i8* %28, null
  br i1 %.not, label %exit, label %alloc.ok

alloc.ok:                                         ; preds = %len.ok
  %29 = bitcast i8* %28 to double*
  %30 = icmp eq i32 %18, 0
  %31 = icmp sle i32 %18, %20
  %32 = icmp sle i32 %18, %22
  %33 = and i1 %31, %32
  %34 = icmp sle i32 %18, %24
  %35 = and i1 %34, %33
  %36 = or i1 %30, %35
  br i1 %36, label %for.head.preheader, label %for.body2.preheader

for.body2.preheader:                              ; preds = %alloc.ok
  %37 = zext i32 %24 to i64
  %38 = zext i32 %22 to i64
  %wide.trip.count = zext i32 %20 to i64
  br label %for.body2

for.head.preheader:                               ; preds = %alloc.ok
  %.not16 = icmp eq i32 %18, 0
  br i1 %.not16, label %for.join, label %for.body.preheader

for.body.preheader:                               ; preds = %for.head.preheader
  %min.iters.check = icmp ult i32 %18, 4
  br i1 %min.iters.check, label %for.body.preheader23, label %vector.ph

vector.ph:                                        ; preds = %for.body.preheader
  %n.vec = and i64 %26, 4294967292
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %39 = getelementptr inbounds double, double* %buf.0, i64 %index
  %40 = bitcast double* %39 to <2 x double>*
  %wide.load = load <2 x double>, <2 x double>* %40, align 8
  %41 = getelementptr inbounds double, double* %39, i64 2
  %42 = bitcast double* %41 to <2 x double>*
  %wide.load18 = load <2 x double>, <2 x double>* %42, align 8
  %43 = getelementptr inbounds double, double* %buf.1, i64 %index
  %44 = bitcast double* %43 to <2 x double>*
  %wide.load19 = load <2 x double>, <2 x double>* %44, align 8
  %45 = getelementptr inbounds double, double* %43, i64 2
  %46 = bitcast double* %45 to <2 x double>*
  %wide.load20 = load <2 x double>, <2 x double>* %46, align 8
  %47 = getelementptr inbounds double, double* %buf.2, i64 %index
  %48 = bitcast double* %47 to <2 x double>*
  %wide.load21 = load <2 x double>, <2 x double>* %48, align 8
  %49 = getelementptr inbounds double, double* %47, i64 2
  %50 = bitcast double* %49 to <2 x double>*
  %wide.load22 = load <2 x double>, <2 x double>* %50, align 8
  %51 = fmul <2 x double> %wide.load, %wide.load19
  %52 = fmul <2 x double> %wide.load18, %wide.load20
  %53 = fadd <2 x double> %51, %wide.load21
  %54 = fadd <2 x double> %52, %wide.load22
  %55 = getelementptr inbounds double, double* %29, i64 %index
  %56 = bitcast double* %55 to <2 x double>*
  store <2 x double> %53, <2 x double>* %56, align 8
  %57 = getelementptr inbounds double, double* %55, i64 2
  %58 = bitcast double* %57 to <2 x double>*
  store <2 x double> %54, <2 x double>* %58, align 8
  %index.next = add nuw i64 %index, 4
  %59 = icmp eq i64 %index.next, %n.vec
  br i1 %59, label %middle.block, label %vector.body, !llvm.loop !0

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n.vec, %26
  br i1 %cmp.n, label %for.join, label %for.body.preheader23

for.body.preheader23:                             ; preds = %for.body.preheader, %middle.block
  %indvars.iv10.ph = phi i64 [ 0, %for.body.preheader ], [ %n.vec, %middle.block ]
  br label %for.body

for.join:                                         ; preds = %index.ok7, %for.body, %middle.block, %for.head.preheader
  %60 = sitofp i32 %18 to double
  store double %60, double* %out, align 8
  %res.ptrs = alloca i8*, align 8
  %res.bytes = alloca i64, align 8
  %61 = getelementptr inbounds double, double* %out, i64 1
  store double %60, double* %61, align 8
  store i8* %28, i8** %res.ptrs, align 8
  store i64 %27, i64* %res.bytes, align 8
  %62 = call i32 @tsg_results(i8** nonnull %arena, i8* %outs, i32 1, i8** nonnull %res.ptrs, i64* nonnull %res.bytes)
  %63 = icmp eq i32 %62, 0
  %spec.select = select i1 %63, i32 0, i32 3
  br label %exit

for.body:                                         ; preds = %for.body.preheader23, %for.body
  %indvars.iv10 = phi i64 [ %indvars.iv.next11, %for.body ], [ %indvars.iv10.ph, %for.body.preheader23 ]
  %64 = getelementptr inbounds double, double* %buf.0, i64 %indvars.iv10
  %65 = load double, double* %64, align 8
  %66 = getelementptr inbounds double, double* %buf.1, i64 %indvars.iv10
  %67 = load double, double* %66, align 8
  %68 = getelementptr inbounds double, double* %buf.2, i64 %indvars.iv10
  %69 = load double, double* %68, align 8
  %70 = fmul double %65, %67
  %71 = fadd double %70, %69
  %72 = getelementptr inbounds double, double* %29, i64 %indvars.iv10
  store double %71, double* %72, align 8
  %indvars.iv.next11 = add nuw nsw i64 %indvars.iv10, 1
  %exitcond14.not = icmp eq i64 %indvars.iv.next11, %26
  br i1 %exitcond14.not, label %for.join, label %for.body, !llvm.loop !2

for.body2:                                        ; preds = %for.body2.preheader, %index.ok7
  %indvars.iv = phi i64 [ 0, %for.body2.preheader ], [ %indvars.iv.next, %index.ok7 ]
  %exitcond.not = icmp eq i64 %indvars.iv, %wide.trip.count
  br i1 %exitcond.not, label %exit, label %index.ok

index.ok:                                         ; preds = %for.body2
  %73 = icmp ult i64 %indvars.iv, %38
  %74 = icmp ult i64 %indvars.iv, %37
  %or.cond = select i1 %73, i1 %74, i1 false
  br i1 %or.cond, label %index.ok7, label %exit

index.ok7:                                        ; preds = %index.ok
  %75 = getelementptr inbounds double, double* %buf.0, i64 %indvars.iv
  %76 = load double, double* %75, align 8
  %77 = getelementptr inbounds double, double* %buf.1, i64 %indvars.iv
  %78 = load double, double* %77, align 8
  %79 = fmul double %76, %78
  %80 = getelementptr inbounds double, double* %buf.2, i64 %indvars.iv
  %81 = load double, double* %80, align 8
  %82 = fadd double %79, %81
  %83 = getelementptr inbounds double, double* %29, i64 %indvars.iv
  store double %82, double* %83, align 8
  %indvars.iv.next = add nuw nsw i64 %indvars.iv, 1
  %exitcond9.not = icmp eq i64 %indvars.iv.next, %26
  br i1 %exitcond9.not, label %for.join, label %for.body2
}

declare void @tsg_arena_free(i8**) local_unnamed_addr

; Function Attrs: mustprogress nofree nosync nounwind readnone speculatable willreturn
declare double @llvm.fabs.f64(double) #0

declare noalias i8* @tsg_alloc(i8**, i64) local_unnamed_addr

declare i32 @tsg_results(i8**, i8*, i32, i8**, i64*) local_unnamed_addr

; Function Attrs: nofree nosync nounwind
define i32 @tsgk_dot(double* noalias nocapture readonly %in, double* noalias nocapture writeonly %out, double* noalias nocapture readonly %buf.0, double* noalias nocapture readonly %buf.1) local_unnamed_addr #1 {
entry:
  %na = load double, double* %in, align 8
  %0 = tail call double @llvm.fabs.f64(double %na)
  %1 = fcmp olt double %0, 0x43E0000000000000
  %2 = select i1 %1, double %na, double 0.000000e+00
  %3 = fptosi double %2 to i64
  %4 = trunc i64 %3 to i32
  %5 = bitcast double %na to i64
  %6 = lshr i64 %5, 52
  %7 = and i64 %6, 2047
  %8 = add nsw i64 %7, -1075
  %9 = icmp ult i64 %8, 32
  %10 = select i1 %9, i64 %8, i64 32
  %11 = shl i64 %5, %10
  %12 = trunc i64 %11 to i32
  %13 = icmp slt i64 %5, 0
  %14 = sub i32 0, %12
  %15 = select i1 %13, i32 %14, i32 %12
  %16 = fcmp olt double %0, 0x7FF0000000000000
  %17 = select i1 %16, i32 %15, i32 0
  %18 = select i1 %1, i32 %4, i32 %17
  %19 = getelementptr inbounds double, double* %in, i64 2
  %a.len = load double, double* %19, align 8
  %20 = fptosi double %a.len to i32
  %21 = getelementptr inbounds double, double* %in, i64 3
  %b.len = load double, double* %21, align 8
  %22 = fptosi double %b.len to i32
  %23 = icmp slt i32 %18, 1
  %24 = icmp sle i32 %18, %20
  %25 = icmp sle i32 %18, %22
  %26 = and i1 %24, %25
  %27 = or i1 %23, %26
  br i1 %27, label %for.head.preheader, label %for.body2.preheader

for.body2.preheader:                              ; preds = %entry
  %28 = zext i32 %18 to i64
  %umin = call i32 @llvm.umin.i32(i32 %22, i32 %20)
  %29 = add nsw i32 %18, -1
  %umin9 = call i32 @llvm.umin.i32(i32 %umin, i32 %29)
  %.not = icmp eq i32 %umin9, %20
  %.not14 = icmp eq i32 %umin9, %22
  %brmerge = select i1 %.not, i1 true, i1 %.not14
  br label %for.body2

for.head.preheader:                               ; preds = %entry
  %30 = icmp sgt i32 %18, 0
  br i1 %30, label %for.body.preheader, label %for.join

for.body.preheader:                               ; preds = %for.head.preheader
  %wide.trip.count = zext i32 %18 to i64
  %min.iters.check = icmp ult i32 %18, 4
  br i1 %min.iters.check, label %for.body.preheader21, label %vector.ph

vector.ph:                                        ; preds = %for.body.preheader
  %n.vec = and i64 %wide.trip.count, 4294967292
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %vec.phi = phi <2 x double> [ <double 0.000000e+00, double -0.000000e+00>, %vector.ph ], [ %41, %vector.body ]
  %vec.phi17 = phi <2 x double> [ <double -0.000000e+00, double -0.000000e+00>, %vector.ph ], [ %42, %vector.body ]
  %31 = getelementptr inbounds double, double* %buf.0, i64 %index
  %32 = bitcast double* %31 to <2 x double>*
  %wide.load = load <2 x double>, <2 x double>* %32, align 8
  %33 = getelementptr inbounds double, double* %31, i64 2
  %34 = bitcast double* %33 to <2 x double>*
  %wide.load18 = load <2 x double>, <2 x double>* %34, align 8
  %35 = getelementptr inbounds double, double* %buf.1, i64 %index
  %36 = bitcast double* %35 to <2 x double>*
  %wide.load19 = load <2 x double>, <2 x double>* %36, align 8
  %37 = getelementptr inbounds double, double* %35, i64 2
  %38 = bitcast double* %37 to <2 x double>*
  %wide.load20 = load <2 x double>, <2 x double>* %38, align 8
  %39 = fmul <2 x double> %wide.load, %wide.load19
  %40 = fmul <2 x double> %wide.load18, %wide.load20
  %41 = fadd reassoc <2 x double> %vec.phi, %39
  %42 = fadd reassoc <2 x double> %vec.phi17, %40
  %index.next = add nuw i64 %index, 4
  %43 = icmp eq i64 %index.next, %n.vec
  br i1 %43, label %middle.block, label %vector.body, !llvm.loop !4

middle.block:                                     ; preds = %vector.body
  %bin.rdx = fadd reassoc <2 x double> %42, %41
  %44 = call reassoc double @llvm.vector.reduce.fadd.v2f64(double -0.000000e+00, <2 x double> %bin.rdx)
  %cmp.n = icmp eq i64 %n.vec, %wide.trip.count
  br i1 %cmp.n, label %for.join, label %for.body.preheader21

for.body.preheader21:                             ; preds = %for.body.preheader, %middle.block
  %indvars.iv10.ph = phi i64 [ 0, %for.body.preheader ], [ %n.vec, %middle.block ]
  %.ph = phi double [ 0.000000e+00, %for.body.preheader ], [ %44, %middle.block ]
  br label %for.body

exit:                                             ; preds = %for.body2, %for.join
  %status = phi i32 [ 0, %for.join ], [ 1, %for.body2 ]
  ret i32 %status

for.join:                                         ; preds = %index.ok5, %for.body, %middle.block, %for.head.preheader
  %45 = phi double [ 0.000000e+00, %for.head.preheader ], [ %44, %middle.block ], [ %tsg.red, %for.body ], [ %tsg.red6, %index.ok5 ]
  store double %45, double* %out, align 8
  br label %exit

for.body:                                         ; preds = %for.body.preheader21, %for.body
  %indvars.iv10 = phi i64 [ %indvars.iv.next11, %for.body ], [ %indvars.iv10.ph, %for.body.preheader21 ]
  %46 = phi double [ %tsg.red, %for.body ], [ %.ph, %for.body.preheader21 ]
  %47 = getelementptr inbounds double, double* %buf.0, i64 %indvars.iv10
  %48 = load double, double* %47, align 8
  %49 = getelementptr inbounds double, double* %buf.1, i64 %indvars.iv10
  %50 = load double, double* %49, align 8
  %51 = fmul double %48, %50
  %tsg.red = fadd reassoc double %46, %51
  %indvars.iv.next11 = add nuw nsw i64 %indvars.iv10, 1
  %exitcond13.not = icmp eq i64 %indvars.iv.next11, %wide.trip.count
  br i1 %exitcond13.not, label %for.join, label %for.body, !llvm.loop !5

for.body2:                                        ; preds = %for.body2.preheader, %index.ok5
  %indvars.iv = phi i64 [ 0, %for.body2.preheader ], [ %indvars.iv.next, %index.ok5 ]
  %52 = phi double [ 0.000000e+00, %for.body2.preheader ], [ %tsg.red6, %index.ok5 ]
  br i1 %brmerge, label %exit, label %index.ok5

index.ok5:                                        ; preds = %for.body2
  %53 = getelementptr inbounds double, double* %buf.0, i64 %indvars.iv
  %54 = load double, double* %53, align 8
  %55 = getelementptr inbounds double, double* %buf.1, i64 %indvars.iv
  %56 = load double, double* %55, align 8
  %57 = fmul double %54, %56
  %tsg.red6 = fadd reassoc double %52, %57
  %indvars.iv.next = add nuw nsw i64 %indvars.iv, 1
  %exitcond.not = icmp eq i64 %indvars.iv.next, %28
  br i1 %exitcond.not, label %for.join, label %for.body2
}

; Function Attrs: nofree nosync nounwind readnone speculatable willreturn
declare i32 @llvm.umin.i32(i32, i32) #2

; Function Attrs: nofree nosync nounwind readnone willreturn
declare double @llvm.vector.reduce.fadd.v2f64(double, <2 x double>) #3

attributes #0 = { mustprogress nofree nosync nounwind readnone speculatable willreturn }
attributes #1 = { nofree nosync nounwind }
attributes #2 = { nofree nosync nounwind readnone speculatable willreturn }
attributes #3 = { nofree nosync nounwind readnone willreturn }

!0 = distinct !{!0, !1}
!1 = !{!"llvm.loop.isvectorized", i32 1}
!2 = distinct !{!2, !3, !1}
!3 = !{!"llvm.loop.unroll.runtime.disable"}
!4 = distinct !{!4, !1}
!5 = distinct !{!5, !3, !1}
