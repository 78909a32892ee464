// LLVM IR for float32 tanh and log, operation for operation what
// compiler/ir/xla-f32.ts computes (which is what XLA's CPU backend computes
// for JAX): every `fma` there is an llvm.fma.f32 here (one rounding), every
// other step one float32 instruction. llc runs with -fp-contract=off, so
// nothing else gets fused. Constants are the float32 values of xla-f32.ts.

import type { LLModule, Value } from "./module.js";

function fma(m: LLModule, a: Value, b: Value, c: Value): Value {
  const f = m.L.Intrinsic.getDeclaration(m.mod, m.L.Intrinsic.fma, [m.f32]);
  return m.b.CreateCall(f, [a, b, c]);
}

/** Horner steps acc = fma(x, acc, c) for each c (acc starts as fma(x, c0, c1)). */
function horner(m: LLModule, x: Value, cs: number[]): Value {
  let acc = fma(m, x, m.f(m.f32, cs[0]), m.f(m.f32, cs[1]));
  for (const c of cs.slice(2)) acc = fma(m, x, acc, m.f(m.f32, c));
  return acc;
}

/** xlaTanhF32 for a float32 value. */
export function emitXlaTanhF32(m: LLModule, x: Value): Value {
  const b = m.b;
  const c = (v: number) => m.f(m.f32, v);
  const ax = m.callIntrinsic("fabs", [x]);
  const MAX = 7.998811721801758;
  const lo = b.CreateSelect(b.CreateFCmpOLT(x, c(-MAX)), c(-MAX), x);
  const cl = b.CreateSelect(b.CreateFCmpOGT(lo, c(MAX)), c(MAX), lo);
  const x2 = b.CreateFMul(cl, cl);
  const p = horner(m, x2, [
    -2.7607683663038313e-16, 2.0001879384549948e-13, -8.604671836165423e-11, 5.122297253024044e-8, 0.000014857223504805006,
    0.0006372619536705315, 0.004893524572253227,
  ]);
  const num = b.CreateFMul(cl, p);
  const q = horner(m, x2, [0.0000011982583600911312, 0.00011853470641653985, 0.0022684347350150347, 0.0048935250379145145]);
  const r = b.CreateFDiv(num, q);
  const small = b.CreateSelect(b.CreateFCmpOLT(ax, c(0.00039999998989515007)), x, r);
  const one = m.callIntrinsic("copysign", [c(1), x]);
  return b.CreateSelect(b.CreateFCmpOGE(ax, c(20)), one, small);
}

/** xlaLogF32 for a float32 value. */
export function emitXlaLogF32(m: LLModule, x: Value): Value {
  const b = m.b;
  const c = (v: number) => m.f(m.f32, v);
  const i = (v: number) => m.int32(v);
  // frexp of a positive normal x: x = mant * 2^k, mant in [0.5, 1).
  const bits = b.CreateBitCast(x, m.i32);
  const k = b.CreateSIToFP(b.CreateSub(b.CreateLShr(bits, i(23)), i(126)), m.f32);
  const mant = b.CreateBitCast(b.CreateOr(b.CreateAnd(bits, i(0x807fffff)), i(0x3f000000)), m.f32);
  const small = b.CreateFCmpOLT(mant, c(0.7071067690849304));
  const e = b.CreateFSub(k, b.CreateSelect(small, c(1), c(0)));
  const t = b.CreateFAdd(b.CreateFSub(mant, c(1)), b.CreateSelect(small, mant, c(0)));
  const t2 = b.CreateFMul(t, t);
  const t3 = b.CreateFMul(t2, t);
  let y = horner(m, t, [0.07037683576345444, -0.11514610052108765, 0.11676998436450958]);
  const y1 = horner(m, t, [-0.12420140951871872, 0.14249323308467865, -0.16668057441711426]);
  const y2 = horner(m, t, [0.2000071406364441, -0.24999994039535522, 0.3333333134651184]);
  y = fma(m, y, t3, y1);
  y = fma(m, y, t3, y2);
  y = fma(m, y, t3, b.CreateFMul(e, c(-0.00021219444170128554)));
  let r = fma(m, t2, c(-0.5), t);
  r = b.CreateFAdd(r, y);
  r = fma(m, e, c(0.693359375), r);
  // Special cases, as xlaLogF32: |x| below the smallest normal (denormals are zero) → -inf,
  // negative or NaN → NaN, +inf → +inf.
  const tiny = b.CreateFCmpOLT(m.callIntrinsic("fabs", [x]), c(1.1754943508222875e-38));
  const invalid = b.CreateFCmpULE(x, c(0));
  const inf = b.CreateFCmpOEQ(x, c(Infinity));
  return b.CreateSelect(tiny, c(-Infinity), b.CreateSelect(invalid, c(NaN), b.CreateSelect(inf, c(Infinity), r)));
}
