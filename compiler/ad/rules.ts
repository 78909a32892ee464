// The derivative of every primitive, stated once and read by both modes
// (Futhark's Derivatives.hs, JAX's jvp rules).
//
//  - "partials": elementwise primitives give ∂out/∂arg_k as IR built at the
//    point of use. Forward mode computes  out_dot = Σ ∂out/∂arg_k · arg_k_dot;
//    reverse mode computes  arg_k_bar += ∂out/∂arg_k · out_bar.
//  - "linear": primitives linear in their differentiable arguments give a
//    tangent rule and its transpose (select, cast, the array primitives).
//  - "zero": integer/boolean results and piecewise-constant functions.
//
// Conventions at non-differentiable points follow jax.grad (see README,
// "Derivatives at kinks"): |x|' = 1 at 0, max/min split the derivative 1/2
// each at ties, sign/floor/ceil/round/trunc/comparisons have derivative 0,
// hypot's is 1/2 each at (0, 0). Where jax writes a derivative as a quotient
// (`div(g, x)` for log, div's own rule), the rule is "custom" and divides the
// tangent or cotangent itself, so float32 results round as jax's do; a partial
// 1/x multiplied by the cotangent rounds twice. test/kinks.test.ts checks
// these points against jax.

import type { Builder } from "../ir/builder.js";
import { type Atom, type Attrs, type Prim, isFloat, lit } from "../ir/syntax.js";
import { arrayRules } from "./array-rules.js";

export type Partials = (b: Builder, x: Atom[], out: Atom, attrs: Attrs | undefined) => (Atom | null)[];

/** A linear rule: `jvp` maps argument tangents to the output tangent; `transpose` maps an output cotangent to argument cotangents. */
export interface LinearRule {
  kind: "linear";
  jvp: (b: Builder, t: (Atom | null)[], x: Atom[], attrs: Attrs | undefined) => Atom | null;
  transpose: (b: Builder, ct: Atom, x: Atom[], attrs: Attrs | undefined) => (Atom | null)[];
}

/**
 * A rule for a primitive that is neither elementwise nor linear (matmul is
 * bilinear, max-reductions choose): forward and reverse given the primal values.
 */
export interface CustomRule {
  kind: "custom";
  jvp: (b: Builder, t: (Atom | null)[], x: Atom[], out: Atom, attrs: Attrs | undefined) => Atom | null;
  vjp: (b: Builder, ct: Atom, x: Atom[], out: Atom, attrs: Attrs | undefined) => (Atom | null)[];
}

export type Rule = { kind: "partials"; partials: Partials } | LinearRule | CustomRule | { kind: "zero" };

const zero: Rule = { kind: "zero" };
const partials = (p: Partials): Rule => ({ kind: "partials", partials: p });

/** A float literal with the dtype of `like`, so f32 code stays f32. */
const c = (like: Atom, value: number) => lit(value, { dtype: like.type.dtype, rank: 0 });
const sq = (b: Builder, x: Atom) => b.mul(x, x);
const recip = (b: Builder, x: Atom) => b.div(c(x, 1), x);
const rsqrt = (b: Builder, x: Atom) => recip(b, b.prim("sqrt", [x]));
const eq0 = (b: Builder, x: Atom) => b.prim("eq", [x, c(x, 0)]);

/**
 * An elementwise rule written as jax writes `div(g, d)`: argument k's tangent
 * is divided by `denoms(x)[k]` (after `pre`, a factor applied first, as jax's
 * log10 multiplies by 1/ln 10), and so is its cotangent.
 */
function quotient(denoms: (b: Builder, x: Atom[]) => Atom[], pre?: (b: Builder, g: Atom) => Atom): Rule {
  const scale = (b: Builder, g: Atom, d: Atom) => b.div(pre ? pre(b, g) : g, d);
  return {
    kind: "custom",
    jvp: (b, ts, x) => {
      const terms = denoms(b, x).flatMap((d, k) => (ts[k] ? [scale(b, ts[k]!, d)] : []));
      return terms.length ? terms.reduce((p, q) => b.add(p, q)) : null;
    },
    vjp: (b, ct, x) => denoms(b, x).map((d) => scale(b, ct, d)),
  };
}

/**
 * jax's div: the tangent t_x / y - (t_y · x) · y^-2 and the cotangents ct / y and
 * -((ct · y^-2) · x), with y^-2 = 1 / (y · y) as integer_pow computes it.
 */
const div: CustomRule = {
  kind: "custom",
  jvp: (b, [tx, ty], [x, y]) => {
    const dx = tx ? b.div(tx, y) : null;
    const dy = ty ? b.mul(b.mul(b.neg(ty), x), recip(b, sq(b, y))) : null;
    return dx && dy ? b.add(dx, dy) : (dx ?? dy);
  },
  vjp: (b, ct, [x, y]) => [b.div(ct, y), b.neg(b.mul(b.mul(ct, recip(b, sq(b, y))), x))],
};

/** jax's _balanced_eq: 1 where x alone attains the extremum, 1/2 at a tie, 0 elsewhere. */
function balanced(b: Builder, x: Atom, out: Atom, y: Atom): Atom {
  const half = b.select(b.prim("eq", [y, out]), c(x, 0.5), c(x, 1));
  return b.select(b.prim("eq", [x, out]), half, c(x, 0));
}

export const rules: Record<Prim, Rule> = {
  add: partials((_b, [x, y]) => [c(x, 1), c(y, 1)]),
  sub: partials((_b, [x, y]) => [c(x, 1), c(y, -1)]),
  mul: partials((_b, [x, y]) => [y, x]),
  fma: partials((_b, [x, y, z]) => [y, x, c(z, 1)]),
  div,
  neg: partials((_b, [x]) => [c(x, -1)]),
  // x % y = x - trunc(x / y) * y (C fmod, JS %)
  rem: partials((b, [x, y]) => [c(x, 1), b.neg(b.prim("trunc", [b.div(x, y)]))]),
  // jax: d/dx = y x^(y-1) (NaN at x = 0, y = 0, as in jax); d/dy = log(x) x^y with log(0) read as log(1)
  pow: partials((b, [x, y], out) => [
    b.mul(y, b.prim("pow", [x, b.sub(y, c(y, 1))])),
    b.mul(b.prim("log", [b.select(b.prim("eq", [x, c(x, 0)]), c(x, 1), x)]), out),
  ]),
  // integer_pow: d/dx x^n = n x^(n-1), exact at 0
  powi: partials((b, [x], _out, a) => {
    const n = a!.exponent!;
    if (n === 0) return [c(x, 0)];
    return [b.mul(c(x, n), n === 1 ? c(x, 1) : n === 2 ? x : b.prim("powi", [x], { exponent: n - 1 }))];
  }),
  sin: partials((b, [x]) => [b.prim("cos", [x])]),
  cos: partials((b, [x]) => [b.neg(b.prim("sin", [x]))]),
  tan: partials((b, [x], out) => [b.add(c(x, 1), sq(b, out))]),
  asin: partials((b, [x]) => [rsqrt(b, b.sub(c(x, 1), sq(b, x)))]),
  acos: partials((b, [x]) => [b.neg(rsqrt(b, b.sub(c(x, 1), sq(b, x))))]),
  atan: quotient((b, [x]) => [b.add(c(x, 1), sq(b, x))]),
  atan2: partials((b, [y, x]) => {
    const r2 = b.add(sq(b, x), sq(b, y));
    return [b.div(x, r2), b.neg(b.div(y, r2))];
  }),
  sinh: partials((b, [x]) => [b.prim("cosh", [x])]),
  cosh: partials((b, [x]) => [b.prim("sinh", [x])]),
  // jax's rule (g + g·y)(1 − y), transposed: the cotangent gets d + d·y with d = 1 − y,
  // in this order so float32 results round as jax's do
  tanh: partials((b, [x], out) => {
    const d = b.sub(c(x, 1), out);
    return [b.add(d, b.mul(d, out))];
  }),
  asinh: partials((b, [x]) => [rsqrt(b, b.add(sq(b, x), c(x, 1)))]),
  acosh: partials((b, [x]) => [rsqrt(b, b.sub(sq(b, x), c(x, 1)))]),
  // jax: (1 / (1 + x)) · (g / (1 - x))
  atanh: {
    kind: "custom",
    jvp: (b, [t], [x]) => (t ? b.mul(recip(b, b.add(c(x, 1), x)), b.div(t, b.sub(c(x, 1), x))) : null),
    vjp: (b, ct, [x]) => [b.mul(recip(b, b.add(c(x, 1), x)), b.div(ct, b.sub(c(x, 1), x)))],
  },
  exp: partials((_b, _x, out) => [out]),
  expm1: partials((b, [x], out) => [b.add(out, c(x, 1))]),
  log: quotient((_b, [x]) => [x]),
  log1p: quotient((b, [x]) => [b.add(x, c(x, 1))]),
  // jnp.log2 is log(x) / log(2), jnp.log10 is log(x) · (1 / log(10))
  log2: quotient((_b, [x]) => [x], (b, g) => b.div(g, c(g, Math.LN2))),
  log10: quotient((_b, [x]) => [x], (b, g) => b.mul(g, c(g, 1 / Math.LN10))),
  sqrt: partials((b, [x], out) => [b.div(c(x, 0.5), out)]),
  cbrt: partials((b, [x], out) => [b.mul(c(x, 1 / 3), recip(b, sq(b, out)))]),
  // x / hypot, and 1/2 each at (0, 0), where jnp.hypot's max(|x|, |y|) ties
  hypot: partials((b, [x, y], out) => {
    const zero = eq0(b, out);
    const r = b.select(zero, c(out, 1), out);
    return [b.select(zero, c(x, 0.5), b.div(x, r)), b.select(zero, c(y, 0.5), b.div(y, r))];
  }),
  abs: partials((b, [x]) => [b.select(b.prim("ge", [x, c(x, 0)]), c(x, 1), c(x, -1))]),
  min: partials((b, [x, y], out) => [balanced(b, x, out, y), balanced(b, y, out, x)]),
  max: partials((b, [x, y], out) => [balanced(b, x, out, y), balanced(b, y, out, x)]),
  sign: zero, floor: zero, ceil: zero, round: zero, rint: zero, trunc: zero,
  lt: zero, le: zero, gt: zero, ge: zero, eq: zero, ne: zero, and: zero, or: zero, not: zero,
  stop_gradient: zero,
  select: {
    kind: "linear",
    jvp: (b, [, ta, tb], [cond, a]) => (ta || tb ? b.select(cond, ta ?? c(a, 0), tb ?? c(a, 0)) : null),
    transpose: (b, ct, [cond]) => [null, b.select(cond, ct, c(ct, 0)), b.select(cond, c(ct, 0), ct)],
  },
  cast: {
    kind: "linear",
    jvp: (b, [t], _x, a) => (t && isFloat({ dtype: a!.dtype!, rank: 0 }) ? b.cast(t, a!.dtype!) : null),
    transpose: (b, ct, [x]) => [isFloat(x.type) ? b.cast(ct, x.type.dtype) : null],
  },
  arr_new: zero,
  arr_len: zero,
  arr_get: {
    kind: "linear",
    jvp: (b, [ta], [, i]) => (ta ? b.prim("arr_get", [ta, i]) : null),
    // the cotangent of the array is zero except at i: built from scratch here;
    // vjp.ts accumulates it into an existing array cotangent with arr_get/arr_set
    transpose: (b, ct, [a, i]) => [b.prim("arr_set", [b.prim("arr_new", [b.prim("arr_len", [a])], { dtype: a.type.dtype }), i, ct]), null],
  },
  arr_set: {
    kind: "linear",
    jvp: (b, [ta, , tv], [a, i, val]) => {
      if (!ta && !tv) return null;
      const base = ta ?? b.prim("arr_new", [b.prim("arr_len", [a])], { dtype: a.type.dtype });
      return b.prim("arr_set", [base, i, tv ?? c(val, 0)]);
    },
    // read the element before zeroing it, so the old cotangent is dead after the write (updated in place)
    transpose: (b, ct, [, i, val]) => {
      const ctVal = b.prim("arr_get", [ct, i]);
      return [b.prim("arr_set", [ct, i, c(val, 0)]), null, ctVal];
    },
  },
  ...arrayRules,
};
