// The `np` namespace (jax.numpy) for scalars. Each function runs directly on
// JS numbers and carries the IR of its primitive, so `grad(np.tanh)` and
// `grad(grad(np.tanh))` work without source. Inside compiled functions the
// front end maps `np.*` calls to the same primitives (compiler/frontend).

import { Builder } from "../compiler/ir/builder.js";
import { evalScalar } from "../compiler/ir/eval.js";
import type { Atom, Attrs, Prim } from "../compiler/ir/syntax.js";
import { f64, lit } from "../compiler/ir/syntax.js";
import { type TreeDef } from "./pytree.js";
import { attach, noCaptures } from "./traced.js";

const LEAF: TreeDef = { kind: "leaf" };

/** A scalar np function of `arity` arguments whose IR is `build`. */
function npFn(name: string, arity: number, build: (b: Builder, xs: Atom[]) => Atom, run: (...xs: number[]) => number) {
  const b = new Builder();
  const params = Array.from({ length: arity }, (_, k) => b.fresh(["x", "y", "z"][k], f64));
  const result = build(b, params);
  const func = { name, params, body: { stmts: b.stmts, results: [result] } };
  const f = (...xs: unknown[]) => {
    if (xs.length !== arity) throw new TypeError(`np.${name} takes ${arity} argument${arity === 1 ? "" : "s"}, got ${xs.length}`);
    for (const x of xs) if (typeof x !== "number" && typeof x !== "boolean") throw new TypeError(`np.${name}: expected a number, got ${typeof x}`);
    return run(...(xs as number[]).map(Number));
  };
  return attach(f, { func, name: `np.${name}`, arity, captures: noCaptures, out: LEAF });
}

function prim(name: string, p: Prim, arity: number, attrs?: Attrs) {
  return npFn(name, arity, (b, xs) => b.prim(p, xs, attrs, "y"), (...xs) => evalScalar(p as never, xs, attrs, "f64"));
}

const unary = (name: string, p: Prim) => prim(name, p, 1);
const binary = (name: string, p: Prim) => prim(name, p, 2);

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
    (b, [c, x, y]) => b.select(b.prim("ne", [c, lit(0)]), x, y, "y"),
    (c, x, y) => (c ? x : y),
  ),
};

/** jax.lax.stop_gradient: the identity, with a zero derivative. */
export const stopGradient = npFn("stopGradient", 1, (b, [x]) => b.prim("stop_gradient", [x], undefined, "y"), (x) => x);
