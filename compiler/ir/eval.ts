// Reference semantics of every primitive on scalars, as plain JS functions.
// The IR interpreter (interp.ts) uses this table; both backends are tested
// against it. i32 results wrap to 32 bits; f32 results round to float32.

import { fma32, fma64 } from "./fma.js";
import { type Attrs, type DType, type ElementwisePrim, type Prim, isElementwise } from "./syntax.js";
import { xlaLogF32, xlaTanhF32 } from "./xla-f32.js";

type ScalarPrim = ElementwisePrim;
export type ScalarImpl = (a: number[], attrs: Attrs | undefined) => number;

const b = (x: boolean) => (x ? 1 : 0);

/** Round half to even, like numpy's `round` / C's `rint`. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const scalarImpls: Record<ScalarPrim, ScalarImpl> = {
  add: ([x, y]) => x + y,
  sub: ([x, y]) => x - y,
  mul: ([x, y]) => x * y,
  div: ([x, y]) => x / y,
  rem: ([x, y]) => x % y,
  neg: ([x]) => -x,
  pow: ([x, y]) => Math.pow(x, y),
  fma: ([x, y, z]) => fma64(x, y, z), // float32: fma32 in evalScalar
  powi: ([x], attrs) => Math.pow(x, attrs!.exponent!),
  sin: ([x]) => Math.sin(x),
  cos: ([x]) => Math.cos(x),
  tan: ([x]) => Math.tan(x),
  asin: ([x]) => Math.asin(x),
  acos: ([x]) => Math.acos(x),
  atan: ([x]) => Math.atan(x),
  atan2: ([y, x]) => Math.atan2(y, x),
  sinh: ([x]) => Math.sinh(x),
  cosh: ([x]) => Math.cosh(x),
  tanh: ([x]) => Math.tanh(x),
  asinh: ([x]) => Math.asinh(x),
  acosh: ([x]) => Math.acosh(x),
  atanh: ([x]) => Math.atanh(x),
  exp: ([x]) => Math.exp(x),
  expm1: ([x]) => Math.expm1(x),
  log: ([x]) => Math.log(x),
  log1p: ([x]) => Math.log1p(x),
  log2: ([x]) => Math.log2(x),
  log10: ([x]) => Math.log10(x),
  sqrt: ([x]) => Math.sqrt(x),
  cbrt: ([x]) => Math.cbrt(x),
  hypot: ([x, y]) => Math.hypot(x, y),
  abs: ([x]) => Math.abs(x),
  sign: ([x]) => (x > 0 ? 1 : x < 0 ? -1 : x), // keeps ±0 and NaN, like jnp.sign
  min: ([x, y]) => Math.min(x, y),
  max: ([x, y]) => Math.max(x, y),
  floor: ([x]) => Math.floor(x),
  ceil: ([x]) => Math.ceil(x),
  round: ([x]) => Math.round(x), // JS Math.round: halves go up
  rint: ([x]) => rint(x), // np.round: halves go to even
  trunc: ([x]) => Math.trunc(x),
  lt: ([x, y]) => b(x < y),
  le: ([x, y]) => b(x <= y),
  gt: ([x, y]) => b(x > y),
  ge: ([x, y]) => b(x >= y),
  eq: ([x, y]) => b(x === y),
  ne: ([x, y]) => b(x !== y),
  and: ([x, y]) => b(x !== 0 && y !== 0),
  or: ([x, y]) => b(x !== 0 || y !== 0),
  not: ([x]) => b(x === 0),
  select: ([c, x, y]) => (c !== 0 ? x : y),
  cast: ([x], attrs) => convert(x, attrs!.dtype!),
  stop_gradient: ([x]) => x,
};

/** Converts a JS number to the value set of `dtype` (i32 truncates toward zero and wraps). */
export function convert(x: number, dtype: DType): number {
  switch (dtype) {
    case "f64":
      return x;
    case "f32":
      return Math.fround(x);
    case "i32":
      return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case "bool":
      return b(x !== 0);
    default:
      throw new Error(`unknown dtype ${dtype as string}`);
  }
}

/**
 * float32 primitives whose value is not "the float64 result rounded to
 * float32": JAX's CPU backend (XLA) computes float32 tanh and log with its
 * own FMA-contracted approximations, reproduced bit for bit in xla-f32.ts.
 * Both backends use the same functions (JS pastes their source, LLVM emits
 * the same operations: backends/llvm/xla-f32.ts).
 */
export const f32Impls: Partial<Record<ScalarPrim, (x: number) => number>> = {
  tanh: xlaTanhF32,
  log: xlaLogF32,
};

/** Applies `prim` with the given result dtype, so i32 arithmetic wraps and f32 rounds. */
export function evalScalar(prim: ScalarPrim, args: number[], attrs: Attrs | undefined, out: DType): number {
  if (out === "f32") {
    const f = f32Impls[prim];
    if (f) return f(Math.fround(args[0]));
  }
  if (prim === "mul" && out === "i32") return Math.imul(args[0], args[1]);
  if (prim === "rem" && out === "i32" && args[1] === 0) return 0; // defined as 0 on every backend
  if (prim === "fma" && out === "f32") return fma32(args[0], args[1], args[2]);
  return convert(scalarImpls[prim](args, attrs), out);
}

export function isScalarPrim(p: Prim): p is ScalarPrim {
  return isElementwise(p);
}
