// Typing rules, one per primitive: what argument types a primitive takes and
// what it returns. verify.ts and the builder read this table; a primitive
// missing here is a compile error (Record<Prim, ...>).

import { type ArrayPrim, type Attrs, type DType, type Prim, type Type, arrayOf, i32, scalar } from "./syntax.js";

export type TypeRule = (args: Type[], attrs: Attrs | undefined) => Type | string; // string = error

const numeric = (d: DType) => d === "f64" || d === "f32" || d === "i32";
const float = (d: DType) => d === "f64" || d === "f32";

function scalars(args: Type[], n: number): string | undefined {
  if (args.length !== n) return `expects ${n} argument(s), got ${args.length}`;
  for (const a of args) if (a.rank !== 0) return `expects scalars, got rank ${a.rank}`;
  return undefined;
}

/** The rank numpy broadcasting gives `args` (shapes are checked at run time). */
const broadcastRank = (args: Type[]) => Math.max(0, ...args.map((a) => a.rank));

/** Elementwise: same-dtype arguments accepted by `ok`, broadcast together; result dtype is theirs (or `out`). */
function same(n: number, ok: (d: DType) => boolean, out?: DType): TypeRule {
  return (args) => {
    if (args.length !== n) return `expects ${n} argument(s), got ${args.length}`;
    const d = args[0].dtype;
    if (!ok(d)) return `does not accept ${d}`;
    for (const a of args) if (a.dtype !== d) return `mixes ${d} and ${a.dtype}`;
    return { dtype: out ?? d, rank: broadcastRank(args) };
  };
}

const dims = (args: Type[], from: number) => args.slice(from).every((a) => a.rank === 0 && a.dtype === "i32");
const axesOf = (attrs: Attrs | undefined) => attrs?.axes ?? [];
const validAxes = (axes: readonly number[], rank: number) => axes.every((k) => Number.isInteger(k) && k >= 0 && k < rank) && new Set(axes).size === axes.length;

function reduce(floatOnly: boolean, outDtype?: DType): TypeRule {
  return ([x, ...rest], attrs) => {
    if (!x || rest.length) return "expects one array";
    if (floatOnly && !numeric(x.dtype)) return `does not accept ${x.dtype}`;
    const axes = axesOf(attrs);
    if (!validAxes(axes, Math.max(x.rank, 1))) return `axes [${axes}] out of range for rank ${x.rank}`;
    const removed = axes.length === 0 ? x.rank : axes.length;
    return { dtype: outDtype ?? x.dtype, rank: attrs?.keepdims ? x.rank : x.rank - removed };
  };
}

const floatUnary = same(1, float);
const floatBinary = same(2, float);
const numUnary = same(1, numeric);
const numBinary = same(2, numeric);
const compare = same(2, () => true, "bool");
const logic2 = same(2, (d) => d === "bool");

/** Typing of the array primitives (see ARRAY_PRIMS in syntax.ts for their meaning). */
const arrayRules: Record<ArrayPrim, TypeRule> = {
  shape: ([x], a) => (x && x.rank > 0 && validAxes(axesOf(a), x.rank) && axesOf(a).length === 1 ? i32 : "expects an array and one axis"),
  full: (args) => (args.length >= 1 && args[0].rank === 0 && dims(args, 1) ? { dtype: args[0].dtype, rank: args.length - 1 } : "expects (scalar, i32 dims...)"),
  iota: (args, a) => (args.length === 1 && args[0].dtype === "i32" && args[0].rank === 0 && a?.dtype ? arrayOf(a.dtype) : "expects (i32 length) and a dtype"),
  broadcast_to: (args) => (args.length >= 1 && dims(args, 1) && args.length - 1 >= args[0].rank ? { dtype: args[0].dtype, rank: args.length - 1 } : "expects (x, i32 dims...) with at least x's rank"),
  broadcast_like: ([x, like]) => (x && like && like.rank >= x.rank ? { dtype: x.dtype, rank: like.rank } : "expects (x, like) with like's rank at least x's"),
  sum_like: ([x, like]) => (x && like && like.rank <= x.rank ? { dtype: x.dtype, rank: like.rank } : "expects (x, like) with like's rank at most x's"),
  reduce_sum: reduce(true),
  reduce_prod: reduce(true),
  reduce_max: reduce(true),
  reduce_min: reduce(true),
  argmax: reduce(true, "i32"),
  argmin: reduce(true, "i32"),
  matmul: ([a, b, ...rest]) => {
    if (!a || !b || rest.length) return "expects two arrays";
    if (a.dtype !== b.dtype || !float(a.dtype)) return `expects two float arrays of one dtype, got ${a.dtype} and ${b.dtype}`;
    if (a.rank < 1 || b.rank < 1 || a.rank > 2 || b.rank > 2) return `supports ranks 1 and 2, got ${a.rank} and ${b.rank}`;
    return { dtype: a.dtype, rank: a.rank + b.rank - 2 };
  },
  transpose: ([x], a) => {
    const perm = a?.perm ?? [];
    return x && perm.length === x.rank && validAxes(perm, x.rank) ? x : "expects a permutation of the axes";
  },
  reshape: (args) => (args.length >= 1 && dims(args, 1) ? { dtype: args[0].dtype, rank: args.length - 1 } : "expects (x, i32 dims...)"),
  expand_dims: ([x], a) => (x && axesOf(a).length === 1 && validAxes(axesOf(a), x.rank + 1) ? { dtype: x.dtype, rank: x.rank + 1 } : "expects one axis in [0, rank]"),
  squeeze: ([x], a) => (x && validAxes(axesOf(a), x.rank) ? { dtype: x.dtype, rank: x.rank - axesOf(a).length } : "expects axes of x"),
  concatenate: (args, a) => {
    if (args.length < 1) return "expects at least one array";
    const t = args[0];
    if (!args.every((x) => x.dtype === t.dtype && x.rank === t.rank)) return "expects arrays of one dtype and rank";
    return t.rank > 0 && axesOf(a).length === 1 && validAxes(axesOf(a), t.rank) ? t : "expects one axis of the arrays";
  },
  slice: ([x, start, size], a) =>
    x && x.rank > 0 && dims([start, size].filter(Boolean), 0) && start && size && axesOf(a).length === 1 && validAxes(axesOf(a), x.rank) ? x : "expects (x, i32 start, i32 size) and one axis",
  take: ([x, idx], a) =>
    x && idx && x.rank > 0 && idx.dtype === "i32" && axesOf(a).length === 1 && validAxes(axesOf(a), x.rank)
      ? { dtype: x.dtype, rank: x.rank - 1 + idx.rank }
      : "expects (x, i32 indices) and one axis",
  scatter_add: ([base, idx, upd], a) =>
    base && idx && upd && idx.dtype === "i32" && upd.dtype === base.dtype && upd.rank === base.rank - 1 + idx.rank && axesOf(a).length === 1 && validAxes(axesOf(a), base.rank)
      ? base
      : "expects (base, i32 indices, updates shaped like take(base, indices)) and one axis",
};

export const typeRules: Record<Prim, TypeRule> = {
  add: numBinary, sub: numBinary, mul: numBinary, div: floatBinary, rem: numBinary,
  neg: numUnary, pow: floatBinary, fma: same(3, float),
  powi: (args, attrs) => (attrs?.exponent === undefined || !Number.isInteger(attrs.exponent) ? "needs an integer exponent" : floatUnary(args, attrs)),
  sin: floatUnary, cos: floatUnary, tan: floatUnary, asin: floatUnary, acos: floatUnary, atan: floatUnary,
  atan2: floatBinary, sinh: floatUnary, cosh: floatUnary, tanh: floatUnary, asinh: floatUnary,
  acosh: floatUnary, atanh: floatUnary, exp: floatUnary, expm1: floatUnary, log: floatUnary,
  log1p: floatUnary, log2: floatUnary, log10: floatUnary, sqrt: floatUnary, cbrt: floatUnary,
  hypot: floatBinary, abs: numUnary, sign: numUnary, min: numBinary, max: numBinary,
  floor: floatUnary, ceil: floatUnary, round: floatUnary, rint: floatUnary, trunc: floatUnary,
  lt: compare, le: compare, gt: compare, ge: compare, eq: compare, ne: compare,
  and: logic2, or: logic2, not: same(1, (d) => d === "bool"),
  select: (args) => {
    if (args.length !== 3) return `expects 3 arguments, got ${args.length}`;
    if (args[0].dtype !== "bool") return "condition must be bool";
    if (args[1].dtype !== args[2].dtype) return `branches mix ${args[1].dtype} and ${args[2].dtype}`;
    return { dtype: args[1].dtype, rank: broadcastRank(args) };
  },
  cast: (args, attrs) => (args.length !== 1 ? "expects 1 argument" : attrs?.dtype ? { dtype: attrs.dtype, rank: args[0].rank } : "needs a dtype"),
  stop_gradient: (args) => (args.length === 1 ? args[0] : "expects 1 argument"),
  arr_new: (args, attrs) => scalars(args, 1) ?? (args[0].dtype !== "i32" ? "length must be i32" : attrs?.dtype ? arrayOf(attrs.dtype) : "needs a dtype"),
  arr_get: (args) => (args.length !== 2 || args[0].rank !== 1 || args[1].rank !== 0 || args[1].dtype !== "i32" ? "expects (array, i32)" : scalar(args[0].dtype)),
  arr_set: (args) =>
    args.length !== 3 || args[0].rank !== 1 || args[1].dtype !== "i32" || args[2].rank !== 0 || args[2].dtype !== args[0].dtype
      ? "expects (array, i32, element)"
      : args[0],
  arr_len: (args) => (args.length !== 1 || args[0].rank !== 1 ? "expects (array)" : i32),
  ...arrayRules,
};

/** Result type of `prim` applied to `args`, or throws with the rule's message. */
export function resultType(prim: Prim, args: Type[], attrs?: Attrs): Type {
  const t = typeRules[prim](args, attrs);
  if (typeof t === "string") throw new Error(`IR type error: ${prim} ${t}`);
  return t;
}

