// Derivative rules of the array primitives (the elementwise ones are in
// rules.ts and broadcast). Structural primitives are linear: a tangent rule and
// its transpose. matmul (bilinear) and the max/min reductions (which choose)
// have custom rules. Conventions follow jax.lax: reduce_max splits the
// derivative evenly between tied maxima.

import type { Builder } from "../ir/builder.js";
import type { Atom, ArrayPrim, Attrs } from "../ir/syntax.js";
import { i32, lit } from "../ir/syntax.js";
import type { CustomRule, LinearRule, Rule } from "./rules.js";

const zero: Rule = { kind: "zero" };

const linear = (jvp: LinearRule["jvp"], transpose: LinearRule["transpose"]): LinearRule => ({ kind: "linear", jvp, transpose });
/** A rule linear in argument 0 only; the other arguments are shapes or indices. */
const linear0 = (apply: (b: Builder, t: Atom, x: Atom[], a: Attrs | undefined) => Atom, transpose: (b: Builder, ct: Atom, x: Atom[], a: Attrs | undefined) => Atom) =>
  linear(
    (b, [t], x, a) => (t ? apply(b, t, x, a) : null),
    (b, ct, x, a) => [transpose(b, ct, x, a), ...x.slice(1).map(() => null)],
  );

const axesOf = (a: Attrs | undefined) => a?.axes ?? [];

/** The axes a reduction removed, in increasing order (all of them when `axes` is empty). */
function reducedAxes(x: Atom, a: Attrs | undefined): number[] {
  const axes = axesOf(a);
  return (axes.length ? [...axes] : Array.from({ length: x.type.rank }, (_, k) => k)).sort((p, q) => p - q);
}

/** Puts back the axes a reduction without keepdims removed, so `y` broadcasts against `x`. */
function keepDims(b: Builder, y: Atom, x: Atom, a: Attrs | undefined): Atom {
  if (a?.keepdims) return y;
  for (const k of reducedAxes(x, a)) y = b.prim("expand_dims", [y], { axes: [k] });
  return y;
}

const dimsOf = (b: Builder, x: Atom): Atom[] => Array.from({ length: x.type.rank }, (_, k) => b.prim("shape", [x], { axes: [k] }, "n"));
const zerosLike = (b: Builder, x: Atom): Atom => b.prim("broadcast_like", [lit(0, { dtype: x.type.dtype, rank: 0 }), x], undefined, "zeros");
const swap2 = (b: Builder, x: Atom) => b.prim("transpose", [x], { perm: [1, 0] });
const outer = (b: Builder, u: Atom, v: Atom) => b.prim("matmul", [b.prim("expand_dims", [u], { axes: [1] }), b.prim("expand_dims", [v], { axes: [0] })]);

/** matmul's transposes for ranks 1 and 2 (numpy semantics): the cotangents of a and b. */
function matmulVjp(b: Builder, ct: Atom, [x, y]: Atom[]): [Atom, Atom] {
  const rx = x.type.rank, ry = y.type.rank;
  if (rx === 2 && ry === 2) return [b.prim("matmul", [ct, swap2(b, y)]), b.prim("matmul", [swap2(b, x), ct])];
  if (rx === 2 && ry === 1) return [outer(b, ct, y), b.prim("matmul", [ct, x])];
  if (rx === 1 && ry === 2) return [b.prim("matmul", [y, ct]), outer(b, x, ct)];
  return [b.mul(ct, y), b.mul(ct, x)]; // vector · vector
}

const matmul: CustomRule = {
  kind: "custom",
  jvp: (b, [tx, ty], [x, y]) => {
    const a = tx ? b.prim("matmul", [tx, y]) : null;
    const c = ty ? b.prim("matmul", [x, ty]) : null;
    return a && c ? b.add(a, c) : (a ?? c);
  },
  vjp: (b, ct, xs) => matmulVjp(b, ct, xs),
};

/**
 * jax's _reduce_chooser_jvp_rule: the tangent averages over the positions
 * attaining the extremum, sum(t · hit) / count; its transpose (ct / count) · hit.
 */
function chooser(): CustomRule {
  const hits = (b: Builder, x: Atom, out: Atom, a: Attrs | undefined) =>
    b.cast(b.prim("eq", [x, b.prim("broadcast_like", [keepDims(b, out, x, a), x])]), x.type.dtype);
  const count = (b: Builder, hit: Atom, x: Atom, a: Attrs | undefined) => b.prim("reduce_sum", [hit], a);
  return {
    kind: "custom",
    jvp: (b, [t], [x], out, a) => {
      if (!t) return null;
      const hit = hits(b, x, out, a);
      return b.div(b.prim("reduce_sum", [b.mul(t, hit)], a), count(b, hit, x, a));
    },
    vjp: (b, ct, [x], out, a) => {
      const hit = hits(b, x, out, a);
      return [b.mul(b.prim("broadcast_like", [keepDims(b, b.div(ct, count(b, hit, x, a)), x, a), x]), hit)];
    },
  };
}

/**
 * The product of the other elements of each reduced group, exact where x has
 * zeros (jax's reduce_prod rule multiplies the others too) and differentiable
 * again there. With P the product of the group's nonzero elements and Z that
 * of its zeros (1 without any): Z · (P / x) at a nonzero element; at a zero,
 * P when it is the only one, (S - x) · P beside exactly one other (S the sum of
 * the zeros: the other zero, as a value to differentiate), 0 beside more.
 */
function othersProduct(b: Builder, x: Atom, a: Attrs | undefined): Atom {
  const keep = { axes: reducedAxes(x, a), keepdims: true };
  const spread = (y: Atom) => b.prim("broadcast_like", [y, x]);
  const [zero, one] = [0, 1].map((v) => lit(v, { dtype: x.type.dtype, rank: 0 }));
  const isZero = b.prim("eq", [x, zero]);
  const safe = b.select(isZero, one, x);
  const P = spread(b.prim("reduce_prod", [safe], keep));
  const Z = spread(b.prim("reduce_prod", [b.select(isZero, x, one)], keep));
  const S = spread(b.prim("reduce_sum", [b.select(isZero, x, zero)], keep));
  const zeros = spread(b.prim("reduce_sum", [b.cast(isZero, "i32")], keep));
  const beside = b.select(b.prim("eq", [zeros, lit(2, i32)]), b.mul(b.sub(S, x), P), zero);
  const atZero = b.select(b.prim("eq", [zeros, lit(1, i32)]), P, beside);
  return b.select(isZero, atZero, b.mul(Z, b.div(P, safe)));
}

export const arrayRules: Record<ArrayPrim, Rule> = {
  shape: zero,
  iota: zero,
  argmax: zero,
  argmin: zero,
  full: linear(
    (b, [t], x) => (t ? b.prim("full", [t, ...x.slice(1)]) : null),
    (b, ct, x) => [b.prim("reduce_sum", [ct], { axes: [] }), ...x.slice(1).map(() => null)],
  ),
  broadcast_to: linear0(
    (b, t, x) => b.prim("broadcast_to", [t, ...x.slice(1)]),
    (b, ct, [x]) => b.prim("sum_like", [ct, x]),
  ),
  broadcast_like: linear0(
    (b, t, [, like]) => b.prim("broadcast_like", [t, like]),
    (b, ct, [x]) => b.prim("sum_like", [ct, x]),
  ),
  sum_like: linear0(
    (b, t, [, like]) => b.prim("sum_like", [t, like]),
    (b, ct, [x]) => b.prim("broadcast_like", [ct, x]),
  ),
  reduce_sum: linear0(
    (b, t, _x, a) => b.prim("reduce_sum", [t], a),
    (b, ct, [x], a) => b.prim("broadcast_like", [keepDims(b, ct, x, a), x]),
  ),
  // d prod = Σ dx_i · (the product of the others)
  reduce_prod: {
    kind: "custom",
    jvp: (b, [t], [x], _out, a) => (t ? b.prim("reduce_sum", [b.mul(t, othersProduct(b, x, a))], a) : null),
    vjp: (b, ct, [x], _out, a) => [b.mul(b.prim("broadcast_like", [keepDims(b, ct, x, a), x]), othersProduct(b, x, a))],
  },
  reduce_max: chooser(),
  reduce_min: chooser(),
  matmul,
  transpose: linear0(
    (b, t, _x, a) => b.prim("transpose", [t], a),
    (b, ct, _x, a) => {
      const perm = a!.perm!;
      const inverse = perm.map((_, k) => perm.indexOf(k));
      return b.prim("transpose", [ct], { perm: inverse });
    },
  ),
  reshape: linear0(
    (b, t, x) => b.prim("reshape", [t, ...x.slice(1)]),
    (b, ct, [x]) => b.prim("reshape", [ct, ...dimsOf(b, x)]),
  ),
  expand_dims: linear0(
    (b, t, _x, a) => b.prim("expand_dims", [t], a),
    (b, ct, _x, a) => b.prim("squeeze", [ct], a),
  ),
  squeeze: linear0(
    (b, t, _x, a) => b.prim("squeeze", [t], a),
    (b, ct, [x], a) => {
      let y = ct;
      for (const k of [...axesOf(a)].sort((p, q) => p - q)) y = b.prim("expand_dims", [y], { axes: [k] });
      return b.prim("reshape", [y, ...dimsOf(b, x)]);
    },
  ),
  concatenate: linear(
    (b, ts, xs, a) => (ts.some(Boolean) ? b.prim("concatenate", ts.map((t, k) => t ?? zerosLike(b, xs[k])), a) : null),
    (b, ct, xs, a) => {
      const axis = axesOf(a)[0];
      let start: Atom = lit(0, i32);
      return xs.map((x) => {
        const size = b.prim("shape", [x], { axes: [axis] }, "n");
        const part = b.prim("slice", [ct, start, size], a);
        start = b.add(start, size);
        return part;
      });
    },
  ),
  slice: linear0(
    (b, t, [, start, size], a) => b.prim("slice", [t, start, size], a),
    (b, ct, [x, start, size], a) => {
      const idx = b.add(b.prim("iota", [size], { dtype: "i32" }), start);
      return b.prim("scatter_add", [zerosLike(b, x), idx, ct], a);
    },
  ),
  take: linear0(
    (b, t, [, idx], a) => b.prim("take", [t, idx], a),
    (b, ct, [x, idx], a) => b.prim("scatter_add", [zerosLike(b, x), idx, ct], a),
  ),
  scatter_add: linear(
    (b, [tb, , tu], [base, idx, upd], a) => (tb || tu ? b.prim("scatter_add", [tb ?? zerosLike(b, base), idx, tu ?? zerosLike(b, upd)], a) : null),
    (b, ct, [, idx], a) => [ct, null, b.prim("take", [ct, idx], a)],
  ),
};
