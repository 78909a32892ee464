// erf_inv as JAX computes it on CPU, bit for bit, in float32 and float64.
//
// JAX lowers lax.erf_inv to chlo.erf_inv, which StableHLO expands into a
// polynomial in w = -log1p(-x^2) (Giles' approximation). XLA's CPU backend then
// emits log1p itself (a Cephes rational for |x| < sqrt(2)-1, log(1+x) above),
// where float32 `log` is XLA's inlined polynomial and float64 `log` is glibc's.
// LLVM contracts every single-use `a*b + c` into an FMA; the fma32/fma64 calls
// below sit exactly where the compiled kernels (x86-64, FMA3) use vfmadd.

import { fma32, fma64 } from "../compiler/ir/fma.js";
import { glibcLog } from "./libm_log.js";

const fround = Math.fround;

const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);
function f32FromBits(bits: number): number {
  f32u[0] = bits;
  return f32[0];
}

// Cephes log1p rational approximation used by XLA for |x| < sqrt(2) - 1.
const LOG1P_NUM = [
  4.5270000862445199635215e-5, 4.9854102823193375972212e-1, 6.5787325942061044846969e0,
  2.9911919328553073277375e1, 6.0949667980987787057556e1, 5.7112963590585538103336e1,
  2.0039553499201281259648e1,
];
const LOG1P_DEN = [
  1, 1.5062909083469192043167e1, 8.3047565967967209469434e1, 2.2176239823732856465394e2,
  3.0909872225312059774938e2, 2.1642788614495947685003e2, 6.0118660497603843919306e1,
];
const LOG1P_SMALL = 0.4142135623730950488; // sqrt(2) - 1
const LOG1P_NUM32 = LOG1P_NUM.map(fround);
const LOG1P_DEN32 = LOG1P_DEN.map(fround);
const LOG1P_SMALL32 = fround(LOG1P_SMALL);

// ---------------------------------------------------------------- float32 --

const FLT_MIN = f32FromBits(0x00800000);
const SQRT_HALF32 = f32FromBits(0x3f3504f3);
// XLA's float32 log polynomial (Cephes logf style), by bit pattern.
const L0 = f32FromBits(0x3d9021bb), L1 = f32FromBits(0xbdebd1b8);
const L2 = f32FromBits(0xbdfe5d4f), L3 = f32FromBits(0x3e11e9bf);
const L4 = f32FromBits(0x3e4cceac), L5 = f32FromBits(0xbe7ffffc);
const L6 = f32FromBits(0x3def251a), L7 = f32FromBits(0xbe2aae50);
const L8 = f32FromBits(0x3eaaaaaa);
const LN2_LO32 = f32FromBits(0xb95e8083), LN2_HI32 = f32FromBits(0x3f318000);

/** XLA CPU's float32 log (inlined in its log1p intrinsic). */
export function logF32(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  // x = 2^e * mant with mant in [0.5, 1); fold mant < sqrt(1/2) into [sqrt(1/2), sqrt(2)).
  f32[0] = x > FLT_MIN ? x : FLT_MIN;
  const bits = f32u[0];
  f32u[0] = (bits & 0x807fffff) | 0x3f000000;
  const mant = f32[0];
  let e = fround(((bits >>> 23) - 127) + 1);
  const small = mant < SQRT_HALF32;
  if (small) e = fround(e - 1);
  const r = fround(fround(mant - 1) + (small ? mant : 0));
  const r2 = fround(r * r);
  const r3 = fround(r2 * r);
  const pa = fma32(fma32(r, L0, L1), r, L6);
  const pb = fma32(fma32(r, L2, L3), r, L7);
  const pc = fma32(fma32(r, L4, L5), r, L8);
  const poly = fma32(fma32(pa, r3, pb), r3, pc);
  const tail = fma32(poly, r3, fround(e * LN2_LO32));
  const head = fma32(-0.5, r2, r);
  return fma32(e, LN2_HI32, fround(head + tail));
}

/** Rational part of XLA's log1p for small |x|, with fma as `fma`, rounding as `rnd`. */
function log1pSmall(x: number, num: number[], den: number[], fma: (a: number, b: number, c: number) => number,
  rnd: (v: number) => number): number {
  const x2 = rnd(x * x);
  const zero = rnd(x * 0); // XLA evaluates the polynomials as ((0*x + c0)*x + c1)...
  let d = rnd(zero + den[0]);
  let n = rnd(zero + num[0]);
  for (let i = 1; i < 7; i++) {
    d = fma(d, x, den[i]);
    n = fma(n, x, num[i]);
  }
  const q = rnd(n / d);
  const t = rnd(rnd(x * x2) * q);
  return rnd(x + fma(-0.5, x2, t));
}

/** XLA CPU's float32 log1p. */
export function log1pF32(x: number): number {
  if (Math.abs(x) < LOG1P_SMALL32) return log1pSmall(x, LOG1P_NUM32, LOG1P_DEN32, fma32, fround);
  return logF32(fround(x + 1));
}

// Giles' single-precision erfinv coefficients, for w < 5 and w >= 5.
const ERFINV32_LT5 = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
  -0.00417768164, 0.246640727, 1.50140941,
].map(fround);
const ERFINV32_GE5 = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
  0.00943887047, 1.00167406, 2.83297682,
].map(fround);

/** erf_inv for a float32 value, as JAX/XLA computes it in float32. */
export function erfinvF32(x: number): number {
  const l = log1pF32(fround(x * -x)); // l = -w
  const lt5 = l > -5;
  const c = lt5 ? ERFINV32_LT5 : ERFINV32_GE5;
  const w = lt5 ? fround(-2.5 - l) : fround(fround(Math.sqrt(-l)) - 3);
  let p = fma32(c[0], w, c[1]);
  for (let i = 2; i < 9; i++) p = fma32(w, p, c[i]);
  return fround(x * (Math.abs(x) === 1 ? Infinity : p));
}

// ---------------------------------------------------------------- float64 --

/** XLA CPU's float64 log1p: Cephes rational near 0, glibc log(1 + x) elsewhere. */
export function log1pF64(x: number): number {
  if (Math.abs(x) < LOG1P_SMALL) return log1pSmall(x, LOG1P_NUM, LOG1P_DEN, fma64, (v) => v);
  return glibcLog(x + 1);
}

// Giles' double-precision erfinv coefficients for w < 6.25, w < 16, w >= 16.
// prettier-ignore
const W_LT_625 = [
  -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
  1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
  6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
  2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
  1.051212273321532285e-9, -4.1126339803469836976e-9, -2.9070369957882005086e-8,
  4.2347877827932403518e-7, -1.3654692000834678645e-6, -1.3882523362786468719e-5,
  0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
  0.24015818242558961693, 1.6536545626831027356,
];
// prettier-ignore
const W_LT_16 = [
  2.2137376921775787049e-9, 9.0756561938885390979e-8, -2.7517406297064545428e-7,
  1.8239629214389227755e-8, 1.5027403968909827627e-6, -4.013867526981545969e-6,
  2.9234449089955446044e-6, 1.2475304481671778723e-5, -4.7318229009055733981e-5,
  6.8284851459573175448e-5, 2.4031110387097893999e-5, -0.0003550375203628474796,
  0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
  -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
  3.0838856104922207635,
];
// prettier-ignore
const W_GE_16 = [
  -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-9,
  -3.7894654401267369937e-9, 7.6157012080783393804e-9, -1.4960026627149240478e-8,
  2.9147953450901080826e-8, -6.7711997758452339498e-8, 2.2900482228026654717e-7,
  -9.9298272942317002539e-7, 4.5260625972231537039e-6, -1.9681778105531670567e-5,
  7.5995277030017761139e-5, -0.00021503011930044477347, -0.00013871931833623122026,
  1.0103004648645343977, 4.8499064014085844221,
];

/** erf_inv for a float64 value, as JAX/XLA computes it in float64. */
export function erfinvF64(x: number): number {
  const l = log1pF64(x * -x); // l = -w
  const lt625 = l > -6.25;
  const lt16 = l > -16;
  // The three polynomials have 23, 19 and 17 terms; shorter ones start later.
  const c = lt625 ? W_LT_625 : lt16 ? W_LT_16 : W_GE_16;
  const w = lt625 ? -3.125 - l : Math.sqrt(-l) - (lt16 ? 3.25 : 5);
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = fma64(p, w, c[i]);
  return x * (Math.abs(x) === 1 ? Infinity : p);
}
