// float32 tanh and log exactly as JAX computes them on an x86-64 CPU.
//
// XLA's CPU backend does not call libm for float32 tanh / log: it expands
// them into its own rational / polynomial approximations (XLA's
// `EmitFastTanh` in xla/service/llvm_ir/math_ops.cc and the Eigen/Cephes
// `plog` float kernel), and LLVM then contracts every `a*b + c` of those
// expansions into a hardware FMA (vfmadd*ss) on CPUs with FMA3. The
// constants and the operation order below are read off the optimized LLVM
// IR and the object code XLA (jaxlib 0.10.2) emits for `jnp.tanh` /
// `jnp.log` on float32 (XLA_FLAGS=--xla_dump_to=... ; see
// scripts/golden_xla_parity.py). Every step rounds to float32 exactly where
// that code does: `fma` is one rounding, everything else rounds per op.
//
// Each function is self-contained (no references outside its own body), so
// the JS backend can paste its source into generated code
// (`xlaF32Source`) and compute bit-identical results to the interpreter.
// float64 is unaffected: with jax_enable_x64 XLA calls accurate libm-style
// routines, which tsgrad matches with Math.*.

/** Float32 tanh, as XLA's CPU backend computes it (with FMA contraction). */
export function xlaTanhF32(x: number): number {
  // fma(a, b, c) rounded once to float32, for float32 a, b, c: a*b is exact
  // in float64, and a float64 sum rounds to float32 correctly unless it lands
  // exactly on a float32 midpoint while the exact sum does not (then the
  // TwoSum error term breaks the tie).
  const fma = (a: number, b: number, c: number): number => {
    const p = a * b;
    const s = p + c;
    const r = Math.fround(s);
    if (s === r || s !== s || s === Infinity || s === -Infinity) return r;
    const bb = s - p;
    const e = (p - (s - bb)) + (c - bb);
    if (e === 0) return r;
    const h = s - r;
    const o = r + 2 * h; // the other float32 neighbour, if s is their midpoint
    if (Math.fround(o) !== o) return r;
    return e > 0 === h > 0 ? o : r;
  };
  const ax = Math.abs(x);
  if (ax < 0.00039999998989515007) return x; // float32(4e-4): tanh(x) = x
  if (ax >= 20) return x > 0 ? 1 : -1; // copysign(1, x); NaN falls through
  const MAX = 7.998811721801758; // float32 bits 0x40FFF644
  const c = x < -MAX ? -MAX : x > MAX ? MAX : x; // NaN stays NaN
  const x2 = Math.fround(c * c);
  // Numerator: c * (a1 + a3 x² + … + a13 x¹²), Horner with one fma per step.
  let p = fma(x2, -2.7607683663038313e-16, 2.0001879384549948e-13);
  p = fma(x2, p, -8.604671836165423e-11);
  p = fma(x2, p, 5.122297253024044e-8);
  p = fma(x2, p, 0.000014857223504805006);
  p = fma(x2, p, 0.0006372619536705315);
  p = fma(x2, p, 0.004893524572253227);
  const num = Math.fround(c * p);
  // Denominator: b0 + b2 x² + b4 x⁴ + b6 x⁶.
  let q = fma(x2, 0.0000011982583600911312, 0.00011853470641653985);
  q = fma(x2, q, 0.0022684347350150347);
  q = fma(x2, q, 0.0048935250379145145);
  return Math.fround(num / q);
}

/** Float32 natural log, as XLA's CPU backend computes it (Cephes/Eigen plog with FMA contraction). */
export function xlaLogF32(x: number): number {
  const fma = (a: number, b: number, c: number): number => {
    const p = a * b;
    const s = p + c;
    const r = Math.fround(s);
    if (s === r || s !== s || s === Infinity || s === -Infinity) return r;
    const bb = s - p;
    const e = (p - (s - bb)) + (c - bb);
    if (e === 0) return r;
    const h = s - r;
    const o = r + 2 * h;
    if (Math.fround(o) !== o) return r;
    return e > 0 === h > 0 ? o : r;
  };
  // XLA runs float32 code with denormals-are-zero: a subnormal x is ±0 here.
  if (x < 1.1754943508222875e-38 && x > -1.1754943508222875e-38) return -Infinity; // ±0 (and subnormals) → -inf
  if (!(x > 0)) return NaN; // negative or NaN
  if (x === Infinity) return Infinity;
  const v = x;
  // frexp: v = m * 2^k with m in [0.5, 1) (exact power-of-two scaling).
  let k = Math.floor(Math.log2(v)) + 1;
  let m = v / Math.pow(2, k);
  if (m >= 1) {
    m /= 2;
    k += 1;
  } else if (m < 0.5) {
    m *= 2;
    k -= 1;
  }
  // m < sqrt(1/2): use 2m - 1 and k - 1, so the argument lies in [sqrt(1/2) - 1, sqrt(2) - 1).
  const small = m < 0.7071067690849304;
  const e = small ? k - 1 : k;
  const t = Math.fround(Math.fround(m - 1) + (small ? m : 0));
  const t2 = Math.fround(t * t);
  const t3 = Math.fround(t2 * t);
  let y = fma(t, 0.07037683576345444, -0.11514610052108765);
  let y1 = fma(t, -0.12420140951871872, 0.14249323308467865);
  let y2 = fma(t, 0.2000071406364441, -0.24999994039535522);
  y = fma(y, t, 0.11676998436450958);
  y1 = fma(y1, t, -0.16668057441711426);
  y2 = fma(y2, t, 0.3333333134651184);
  y = fma(y, t3, y1);
  y = fma(y, t3, y2);
  y = fma(y, t3, Math.fround(e * -0.00021219444170128554)); // y*t³ + e*q1, contracted
  let r = fma(t2, -0.5, t); // t - t²/2, contracted
  r = Math.fround(r + y);
  return fma(e, 0.693359375, r); // + e*q2, contracted
}

/** Source text of the helper for `prim` (for backends that paste it into generated code). */
export function xlaF32Source(prim: "tanh" | "log"): string {
  return (prim === "tanh" ? xlaTanhF32 : xlaLogF32).toString();
}
