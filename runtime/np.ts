// The `np` namespace (jax.numpy) outside compiled code. Each function carries
// IR built per signature, so `grad(np.tanh)`, `grad(grad(np.tanh))` and
// `jit(np.maximum)` work without source; on JS numbers it runs directly.
// Inside compiled functions the front end maps `np.*` calls to the same
// primitives (compiler/frontend).

import { Builder } from "../compiler/ir/builder.js";
import { evalScalar } from "../compiler/ir/eval.js";
import type { Atom, Attrs, DType, ElementwisePrim } from "../compiler/ir/syntax.js";
import { i32, lit } from "../compiler/ir/syntax.js";
import { NDArray } from "./ndarray.js";
import { evalTraced } from "./eager.js";
import { EAGER_NP, eagerFunction, eagerNp } from "./np-eager.js";
import { type CallSig, defaultFloat, promote } from "./signature.js";
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

/** An elementwise np function applying one primitive, with JAX's promotion (also the eager operators' arrays path, ops.ts). */
export function npPrim(name: string, p: ElementwisePrim, arity: number, attrs?: Attrs) {
  return prim(name, p, arity, attrs);
}

function prim(name: string, p: ElementwisePrim, arity: number, attrs?: Attrs) {
  const floatOnly = FLOAT_ONLY.has(p) || p === "powi";
  return npFn(name, arity, floatOnly, (b, xs, d) => b.prim(p, xs.map((x) => b.cast(x, d)), attrs, "y"), (...xs) => evalScalar(p, xs, attrs, "f64"));
}

const unary = (name: string, p: ElementwisePrim) => prim(name, p, 1);
const binary = (name: string, p: ElementwisePrim) => prim(name, p, 2);

export const np: Record<string, any> = {
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

// ---- array constructors and a few reductions, eager outside compiled code ------------------

const ND_DTYPE = { f64: "float64", f32: "float32", i32: "int32", bool: "bool" } as const;
type NDName = "float64" | "float32" | "int32" | "bool";
const IR_DTYPE: Record<NDName, DType> = { float64: "f64", float32: "f32", int32: "i32", bool: "bool" };

/** np.array: nested numbers or booleans (or an NDArray / typed array) → NDArray; numbers take the default float dtype. */
export function array(x: unknown, dtype?: NDName): NDArray {
  if (x instanceof NDArray) return dtype && dtype !== x.dtype ? castArray(x, dtype) : x;
  if (ArrayBuffer.isView(x)) return array(Array.from(x as Float64Array), dtype ?? (x instanceof Float32Array ? "float32" : x instanceof Int32Array ? "int32" : "float64"));
  const shape: number[] = [];
  for (let y: unknown = x; Array.isArray(y); y = y[0]) shape.push(y.length);
  const flat: unknown[] = [];
  const walk = (y: unknown, depth: number) => {
    if (depth === shape.length) {
      if (typeof y !== "number" && typeof y !== "boolean") throw new TypeError(`np.array: expected numbers or booleans, got ${typeof y}`);
      flat.push(y);
      return;
    }
    if (!Array.isArray(y) || y.length !== shape[depth]) throw new TypeError(`np.array: ragged nested arrays (expected length ${shape[depth]} at depth ${depth})`);
    y.forEach((z) => walk(z, depth + 1));
  };
  walk(x, 0);
  const allBool = flat.length > 0 && flat.every((v) => typeof v === "boolean");
  const d: NDName = dtype ?? (allBool ? "bool" : (ND_DTYPE[defaultFloat()] as NDName));
  const C = { float64: Float64Array, float32: Float32Array, int32: Int32Array, bool: Uint8Array }[d];
  return new NDArray(C.from(flat.map(Number)), shape, d);
}

function castArray(x: NDArray, dtype: NDName): NDArray {
  const C = { float64: Float64Array, float32: Float32Array, int32: Int32Array, bool: Uint8Array }[dtype];
  const data = dtype === "bool" ? Uint8Array.from(x.data, (v) => (v !== 0 ? 1 : 0)) : C.from(x.data as Float64Array);
  return new NDArray(data, [...x.shape], dtype);
}

export function zeros(shape: number | number[], dtype?: NDName): NDArray {
  const s = typeof shape === "number" ? [shape] : shape;
  const d = dtype ?? (ND_DTYPE[defaultFloat()] as NDName);
  const C = { float64: Float64Array, float32: Float32Array, int32: Int32Array, bool: Uint8Array }[d];
  return new NDArray(new C(s.reduce((a, b) => a * b, 1)), [...s], d);
}

export function ones(shape: number | number[], dtype?: NDName): NDArray {
  const z = zeros(shape, dtype);
  z.data.fill(1);
  return z;
}

/** A non-elementwise np function: IR built per signature from `build`; eager on arrays through the interpreter. */
function npOp(name: string, arity: number, build: (b: Builder, xs: Atom[]) => Atom) {
  const who = `np.${name}`;
  const instantiate = perSignature((sig: CallSig) => {
    const b = new Builder();
    const params = sig.leaves.slice(0, arity).map((l, k) => b.fresh(["x", "y", "z"][k], l.type));
    const dtype = promote(sig.leaves.slice(0, arity), true);
    const result = build(b, params.map((p) => b.cast(p, dtype)));
    return { func: { name, params, body: { stmts: b.stmts, results: [result] } }, out: LEAF };
  });
  const traced = { name: who, arity, paramNames: ["x", "y", "z"].slice(0, arity), captures: noCaptures, instantiate };
  return attach((...xs: unknown[]) => {
    // the options compiled code takes too (np.sum(x, 1, true), np.sum(x, { axis: 0 })): the front end's table
    if (xs.length > arity) return eagerNp(name, xs);
    if (xs.length !== arity) throw new TypeError(`${who} takes ${arity} argument${arity === 1 ? "" : "s"}, got ${xs.length}`);
    return evalTraced(traced, xs, who);
  }, traced);
}

const flatten1 = (b: Builder, x: Atom) => (x.type.rank === 1 ? x : b.prim("reshape", [x, lit(-1, i32)]));

Object.assign(np, {
  array,
  zeros,
  ones,
  vdot: npOp("vdot", 2, (b, [x, y]) => b.prim("reduce_sum", [b.mul(flatten1(b, x), flatten1(b, y))], { axes: [] })),
  dot: npOp("dot", 2, (b, [x, y]) => (x.type.rank === 0 || y.type.rank === 0 ? b.mul(x, y) : b.prim("matmul", [x, y]))),
  sum: npOp("sum", 1, (b, [x]) => b.prim("reduce_sum", [x], { axes: [] })),
});

// everything else of jax.numpy that compiled code has, through the front end (np-eager.ts)
for (const name of EAGER_NP) {
  if (!(name in np)) np[name] = eagerFunction(name);
}
