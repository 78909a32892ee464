// The `np` namespace (jax.numpy) outside compiled code. Each function carries
// IR built per signature, so `grad(np.tanh)`, `grad(grad(np.tanh))` and
// `jit(np.maximum)` work without source; on JS numbers it runs directly.
// Inside compiled functions the front end maps `np.*` calls to the same
// primitives (compiler/frontend).

import { Builder } from "../compiler/ir/builder.js";
import { evalScalar } from "../compiler/ir/eval.js";
import type { Atom, Attrs, DType, ElementwisePrim } from "../compiler/ir/syntax.js";
import { lit } from "../compiler/ir/syntax.js";
import { evalTraced } from "./eager.js";
import { type CallSig, promote } from "./signature.js";
import { attach, noCaptures, perSignature } from "./traced.js";

const LEAF = { kind: "leaf" } as const;
const FLOAT_ONLY = new Set(["div", "pow", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "hypot", "floor", "ceil", "round", "rint", "trunc"]);

/**
 * An elementwise np function of `arity` arguments: `build` emits its IR given
 * the dtype the arguments `promoted` promote to; `run` is its value on numbers.
 */
function npFn(
  name: string,
  arity: number,
  floatOnly: boolean,
  build: (b: Builder, xs: Atom[], d: DType) => Atom,
  run: (...xs: number[]) => number,
  promoted: number[] = Array.from({ length: arity }, (_, k) => k),
) {
  const who = `np.${name}`;
  const instantiate = perSignature((sig: CallSig) => {
    for (const d of sig.defs.slice(0, arity)) {
      if (d.kind !== "leaf") throw new TypeError(`${who}: expected numbers or arrays, got a pytree`);
    }
    const leaves = sig.leaves.slice(0, arity);
    const dtype = promote(promoted.map((k) => leaves[k]), floatOnly);
    const b = new Builder();
    const params = leaves.map((l, k) => b.fresh(["x", "y", "z"][k], l.type));
    const result = build(b, params, dtype);
    return { func: { name, params, body: { stmts: b.stmts, results: [result] } }, out: LEAF };
  });
  const traced = { name: who, arity, paramNames: ["x", "y", "z"].slice(0, arity), captures: noCaptures, instantiate };
  const f = (...xs: unknown[]) => {
    if (xs.length !== arity) throw new TypeError(`${who} takes ${arity} argument${arity === 1 ? "" : "s"}, got ${xs.length}`);
    if (xs.every((x) => typeof x === "number")) return run(...(xs as number[]));
    return evalTraced(traced, xs, who);
  };
  return attach(f, traced);
}

function prim(name: string, p: ElementwisePrim, arity: number, attrs?: Attrs) {
  const floatOnly = FLOAT_ONLY.has(p) || p === "powi";
  return npFn(name, arity, floatOnly, (b, xs, d) => b.prim(p, xs.map((x) => b.cast(x, d)), attrs, "y"), (...xs) => evalScalar(p, xs, attrs, "f64"));
}

const unary = (name: string, p: ElementwisePrim) => prim(name, p, 1);
const binary = (name: string, p: ElementwisePrim) => prim(name, p, 2);

export const np = {
  pi: Math.PI,
  e: Math.E,
  inf: Infinity,
  nan: NaN,
  sin: unary("sin", "sin"),
  cos: unary("cos", "cos"),
  tan: unary("tan", "tan"),
  arcsin: unary("arcsin", "asin"),
  arccos: unary("arccos", "acos"),
  arctan: unary("arctan", "atan"),
  arctan2: binary("arctan2", "atan2"),
  sinh: unary("sinh", "sinh"),
  cosh: unary("cosh", "cosh"),
  tanh: unary("tanh", "tanh"),
  arcsinh: unary("arcsinh", "asinh"),
  arccosh: unary("arccosh", "acosh"),
  arctanh: unary("arctanh", "atanh"),
  exp: unary("exp", "exp"),
  expm1: unary("expm1", "expm1"),
  log: unary("log", "log"),
  log1p: unary("log1p", "log1p"),
  log2: unary("log2", "log2"),
  log10: unary("log10", "log10"),
  sqrt: unary("sqrt", "sqrt"),
  cbrt: unary("cbrt", "cbrt"),
  abs: unary("abs", "abs"),
  sign: unary("sign", "sign"),
  floor: unary("floor", "floor"),
  ceil: unary("ceil", "ceil"),
  round: unary("round", "rint"),
  trunc: unary("trunc", "trunc"),
  negative: unary("negative", "neg"),
  add: binary("add", "add"),
  subtract: binary("subtract", "sub"),
  multiply: binary("multiply", "mul"),
  divide: binary("divide", "div"),
  power: binary("power", "pow"),
  hypot: binary("hypot", "hypot"),
  maximum: binary("maximum", "max"),
  minimum: binary("minimum", "min"),
  square: prim("square", "powi", 1, { exponent: 2 }),
  where: npFn(
    "where",
    3,
    false,
    (b, [c, x, y], d) => b.select(c.type.dtype === "bool" ? c : b.prim("ne", [c, lit(0, { dtype: c.type.dtype, rank: 0 })]), b.cast(x, d), b.cast(y, d), "y"),
    (c, x, y) => (c ? x : y),
    [1, 2],
  ),
};

/** jax.lax.stop_gradient: the identity, with a zero derivative. */
export const stopGradient = npFn("stopGradient", 1, false, (b, [x]) => b.prim("stop_gradient", [x], undefined, "y"), (x) => x, []);
