// Typing rules, one per primitive: what argument types a primitive takes and
// what it returns. verify.ts and the builder read this table; a primitive
// missing here is a compile error (Record<Prim, ...>).

import { type Attrs, type DType, type Prim, type Type, arrayOf, i32, scalar } from "./syntax.js";

export type TypeRule = (args: Type[], attrs: Attrs | undefined) => Type | string; // string = error

const numeric = (d: DType) => d === "f64" || d === "f32" || d === "i32";
const float = (d: DType) => d === "f64" || d === "f32";

function scalars(args: Type[], n: number): string | undefined {
  if (args.length !== n) return `expects ${n} argument(s), got ${args.length}`;
  for (const a of args) if (a.rank !== 0) return `expects scalars, got rank ${a.rank}`;
  return undefined;
}

/** Same-dtype scalar arguments accepted by `ok`; result has that dtype (or `out`). */
function same(n: number, ok: (d: DType) => boolean, out?: DType): TypeRule {
  return (args) => {
    const e = scalars(args, n);
    if (e) return e;
    const d = args[0].dtype;
    if (!ok(d)) return `does not accept ${d}`;
    for (const a of args) if (a.dtype !== d) return `mixes ${d} and ${a.dtype}`;
    return scalar(out ?? d);
  };
}

const floatUnary = same(1, float);
const floatBinary = same(2, float);
const numUnary = same(1, numeric);
const numBinary = same(2, numeric);
const compare = same(2, () => true, "bool");
const logic2 = same(2, (d) => d === "bool");

export const typeRules: Record<Prim, TypeRule> = {
  add: numBinary, sub: numBinary, mul: numBinary, div: floatBinary, rem: numBinary,
  neg: numUnary, pow: floatBinary,
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
    const e = scalars(args, 3);
    if (e) return e;
    if (args[0].dtype !== "bool") return "condition must be bool";
    if (args[1].dtype !== args[2].dtype) return `branches mix ${args[1].dtype} and ${args[2].dtype}`;
    return args[1];
  },
  cast: (args, attrs) => scalars(args, 1) ?? (attrs?.dtype ? scalar(attrs.dtype) : "needs a dtype"),
  stop_gradient: (args) => (args.length === 1 ? args[0] : "expects 1 argument"),
  arr_new: (args, attrs) => scalars(args, 1) ?? (args[0].dtype !== "i32" ? "length must be i32" : attrs?.dtype ? arrayOf(attrs.dtype) : "needs a dtype"),
  arr_get: (args) => (args.length !== 2 || args[0].rank !== 1 || args[1].rank !== 0 || args[1].dtype !== "i32" ? "expects (array, i32)" : scalar(args[0].dtype)),
  arr_set: (args) =>
    args.length !== 3 || args[0].rank !== 1 || args[1].dtype !== "i32" || args[2].rank !== 0 || args[2].dtype !== args[0].dtype
      ? "expects (array, i32, element)"
      : args[0],
  arr_len: (args) => (args.length !== 1 || args[0].rank !== 1 ? "expects (array)" : i32),
};

/** Result type of `prim` applied to `args`, or throws with the rule's message. */
export function resultType(prim: Prim, args: Type[], attrs?: Attrs): Type {
  const t = typeRules[prim](args, attrs);
  if (typeof t === "string") throw new Error(`IR type error: ${prim} ${t}`);
  return t;
}

