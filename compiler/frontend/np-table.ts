// `np.*` on arrays (jax.numpy semantics), composed from IR primitives so that
// values and gradients come out the way jax's do (np-ops.ts): mean = sum ·
// (1 / count), sigmoid = 1 / (1 + exp(-x)) (0 where exp(-x) overflows),
// logaddexp = amax + log1p(exp(-|a - b|)) with the derivative of jax's custom
// JVP, logsumexp with a stop_gradient'ed max, clip = minimum(maximum(x, lo), hi). Axes, keepdims,
// and dtypes must be compile-time constants; sizes may be run-time values.
// Reductions take `axis`/`keepdims` positionally or as an options object.

import { type Prim, i32, lit } from "../ir/syntax.js";
import { arith, power } from "./arith.js";
import { dimsOf, sizeOf, stackVals } from "./lower-array.js";
import {
  type Impl, ARITH_BINARY, FLOAT_BINARY, FLOAT_UNARY, NUM_BINARY, NUM_UNARY, arange, arg, argReduce, axesArg,
  castTo, clip, concatenate, dtypeArg, eye, fill, linspace, listArg, logaddexp, logsumexp, matmul, mean, opt,
  ravel, reduce, scalarLit, shapeArg, sigmoid, stack, take, transpose, where,
} from "./np-ops.js";
import { floatOf, floatUnary, numericOf, promoteArgs } from "./promote.js";
import { list } from "./value.js";

export type { NpCall } from "./np-ops.js";

const unaryF = (p: Prim): Impl => (L, c) => floatUnary(L, p, arg(L, c, 0));
const unaryN = (p: Prim): Impl => (L, c) => L.aprim(p, [numericOf(L, arg(L, c, 0))]);
const binaryN = (p: Prim): Impl => (L, c) => L.aprim(p, promoteArgs(L, [arg(L, c, 0), arg(L, c, 1)]));
const binaryF = (p: Prim): Impl => (L, c) => L.aprim(p, promoteArgs(L, [arg(L, c, 0), arg(L, c, 1)], true));
const reduction = (p: "reduce_sum" | "reduce_prod" | "reduce_max" | "reduce_min"): Impl => (L, c) => reduce(L, c, p, arg(L, c, 0), opt(c, 1, "axis"), opt(c, 2, "keepdims"));

export const NP_ARRAY_FUNCS: Record<string, Impl> = {
  ...Object.fromEntries(Object.entries(FLOAT_UNARY).map(([k, p]) => [k, unaryF(p)])),
  ...Object.fromEntries(Object.entries(NUM_UNARY).map(([k, p]) => [k, unaryN(p)])),
  ...Object.fromEntries(Object.entries(NUM_BINARY).map(([k, p]) => [k, binaryN(p)])),
  ...Object.fromEntries(Object.entries(FLOAT_BINARY).map(([k, p]) => [k, binaryF(p)])),
  ...Object.fromEntries(Object.entries(ARITH_BINARY).map(([k, op]) => [k, ((L, c) => arith(L, op, arg(L, c, 0), arg(L, c, 1))) as Impl])),
  power: (L, c) => power(L, arg(L, c, 0), arg(L, c, 1)),
  square: (L, c) => power(L, arg(L, c, 0), lit(2)),
  where,
  clip,
  array: (L, c) => {
    const x = c.args[0];
    const d = dtypeArg(L, c, 1);
    if (x?.kind === "list") return stackVals(L, c.node, x.items, d);
    const a = arg(L, c, 0);
    return d ? castTo(L, a, d) : a;
  },
  stack,
  zeros: (L, c) => fill(L, shapeArg(L, c, 0), lit(0), dtypeArg(L, c, 1) ?? L.defaultFloat),
  ones: (L, c) => fill(L, shapeArg(L, c, 0), lit(1), dtypeArg(L, c, 1) ?? L.defaultFloat),
  full: (L, c) => fill(L, shapeArg(L, c, 0), arg(L, c, 1), dtypeArg(L, c, 2)),
  zerosLike: (L, c) => L.aprim("broadcast_like", [scalarLit(0, arg(L, c, 0).type.dtype), arg(L, c, 0)]),
  onesLike: (L, c) => L.aprim("broadcast_like", [scalarLit(1, arg(L, c, 0).type.dtype), arg(L, c, 0)]),
  fullLike: (L, c) => L.aprim("broadcast_like", [castTo(L, arg(L, c, 1), arg(L, c, 0).type.dtype), arg(L, c, 0)]),
  arange,
  linspace,
  eye,
  sum: reduction("reduce_sum"),
  prod: reduction("reduce_prod"),
  max: reduction("reduce_max"),
  amax: reduction("reduce_max"),
  min: reduction("reduce_min"),
  amin: reduction("reduce_min"),
  mean: (L, c) => mean(L, c, arg(L, c, 0), opt(c, 1, "axis"), opt(c, 2, "keepdims")),
  argmax: (L, c) => argReduce(L, c, "argmax", arg(L, c, 0), opt(c, 1, "axis"), opt(c, 2, "keepdims")),
  argmin: (L, c) => argReduce(L, c, "argmin", arg(L, c, 0), opt(c, 1, "axis"), opt(c, 2, "keepdims")),
  dot: (L, c) => matmul(L, c, arg(L, c, 0), arg(L, c, 1), true),
  matmul: (L, c) => matmul(L, c, arg(L, c, 0), arg(L, c, 1), false),
  vdot: (L, c) => {
    const [a, b] = promoteArgs(L, [arg(L, c, 0), arg(L, c, 1)]);
    const p = L.aprim("mul", [a, b]);
    return p.type.rank === 0 ? p : L.aprim("reduce_sum", [p], { axes: [] });
  },
  outer: (L, c) => {
    const [a, b] = promoteArgs(L, [arg(L, c, 0), arg(L, c, 1)]);
    const col = L.aprim("expand_dims", [a.type.rank === 0 ? a : ravel(L, a)], { axes: [a.type.rank === 0 ? 0 : 1] });
    const row = L.aprim("expand_dims", [b.type.rank === 0 ? b : ravel(L, b)], { axes: [0] });
    return L.aprim("mul", [col, row]); // broadcasting: (n,1) * (1,m)
  },
  transpose: (L, c) => transpose(L, c, arg(L, c, 0), opt(c, 1, "axes")),
  reshape: (L, c) => L.aprim("reshape", [arg(L, c, 0), ...shapeArg(L, c, 1)]),
  ravel: (L, c) => ravel(L, arg(L, c, 0)),
  expandDims: (L, c) => {
    const x = arg(L, c, 0);
    const axes = axesArg(L, c, opt(c, 1, "axis") ?? lit(0), x.type.rank + 1);
    if (axes === null || axes === "all" || axes.length !== 1) return axes === null ? lit(NaN) : L.report(c.node, "staticValue", "one axis of np.expandDims");
    return L.aprim("expand_dims", [x], { axes });
  },
  squeeze: (L, c) => {
    const x = arg(L, c, 0);
    const axisVal = opt(c, 1, "axis");
    if (axisVal === undefined) return L.report(c.node, "staticValue", "the axis of np.squeeze (sizes are only known at run time)");
    const axes = axesArg(L, c, axisVal, x.type.rank);
    if (axes === null || axes === "all") return lit(NaN);
    return L.aprim("squeeze", [x], { axes });
  },
  concatenate: (L, c) => concatenate(L, c, listArg(L, c, 0), opt(c, 1, "axis")),
  take: (L, c) => take(L, c, arg(L, c, 0), arg(L, c, 1), opt(c, 2, "axis")),
  logaddexp: (L, c) => logaddexp(L, arg(L, c, 0), arg(L, c, 1)),
  sigmoid: (L, c) => sigmoid(L, arg(L, c, 0)),
  softplus: (L, c) => {
    const x = floatOf(L, arg(L, c, 0));
    return logaddexp(L, x, scalarLit(0, x.type.dtype));
  },
  logsumexp: (L, c) => logsumexp(L, c, arg(L, c, 0), opt(c, 1, "axis"), opt(c, 2, "keepdims")),
  size: (L, c) => {
    const x = arg(L, c, 0);
    return x.type.rank === 0 ? lit(1, i32) : sizeOf(L, x);
  },
  shape: (L, c) => list(dimsOf(L, arg(L, c, 0))),
  ndim: (L, c) => lit(arg(L, c, 0).type.rank),
};
// Aliases in the other spellings users write (snake_case, jax names).
const ALIASES: Record<string, string> = {
  zeros_like: "zerosLike", ones_like: "onesLike", full_like: "fullLike", expand_dims: "expandDims", asarray: "array",
};
for (const [a, b] of Object.entries(ALIASES)) NP_ARRAY_FUNCS[a] = NP_ARRAY_FUNCS[b];

/** Array methods (`x.sum(1)`, `x.reshape(2, 3)`) as np functions of the receiver. */
export const ARRAY_METHODS: Record<string, string> = {
  sum: "sum", prod: "prod", max: "max", min: "min", mean: "mean", argmax: "argmax", argmin: "argmin",
  reshape: "reshape", transpose: "transpose", dot: "dot", ravel: "ravel", flatten: "ravel", squeeze: "squeeze", take: "take",
  clip: "clip", round: "round",
};
