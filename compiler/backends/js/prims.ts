// JS lowering of every primitive, as one table so that a primitive without a
// lowering is a compile error. Each entry maps already-rendered atoms (names
// or parenthesized literals) to a JS expression computing exactly what
// eval.ts computes: results are converted to the output dtype the way
// `convert` does (i32 wraps with `| 0`, which equals convert's
// trunc-then-wrap-with-non-finite-to-0; f32 rounds with Math.fround).
// Bools are the numbers 0 / 1, as in the interpreter.
//
// arr_set is special: the emitter first binds the array to write (the input,
// or a copy of it) and passes that as args[0]; the entry is the store itself.
// Bounds checks are emitted by the emitter as a separate statement.

import { ARRAY_PRIMS, type ArrayPrim, type Attrs, type DType, type Prim, type Type } from "../../ir/syntax.js";
import { xlaF32Source } from "../../ir/xla-f32.js";

export type JsLowering = (args: string[], attrs: Attrs | undefined, out: Type) => string;

/** Converts a JS number expression to the value set of `dtype`, like eval.ts `convert`. */
export function conv(e: string, dtype: DType): string {
  switch (dtype) {
    case "f64":
      return e;
    case "f32":
      return `Math.fround(${e})`;
    case "i32":
      return /^[\w$]+$/.test(e) ? `${e} | 0` : `(${e}) | 0`;
    case "bool":
      return `((${e}) !== 0 ? 1 : 0)`;
  }
}

const un = (fn: string): JsLowering => ([x], _, t) => conv(`${fn}(${x})`, t.dtype);

// float32 tanh / log follow XLA's approximations (eval.ts `f32Impls`): the
// helper's self-contained source is pasted as an immediately called function
// expression, so generated code needs nothing but globals.
const XLA_F32_SRC = { tanh: xlaF32Source("tanh"), log: xlaF32Source("log") };
const unXla = (fn: string, prim: keyof typeof XLA_F32_SRC): JsLowering => ([x], _, t) =>
  t.dtype === "f32" ? `(${XLA_F32_SRC[prim]})(${x})` : conv(`${fn}(${x})`, t.dtype);
const bin = (fn: string): JsLowering => ([x, y], _, t) => conv(`${fn}(${x}, ${y})`, t.dtype);
const op = (o: string): JsLowering => ([x, y], _, t) => conv(`${x} ${o} ${y}`, t.dtype);
const cmp = (o: string): JsLowering => ([x, y]) => `(${x} ${o} ${y} ? 1 : 0)`;

export const ARRAY_CTOR: Record<DType, string> = { f64: "Float64Array", f32: "Float32Array", i32: "Int32Array", bool: "Uint8Array" };

export const jsPrims: Record<Prim, JsLowering> = {
  add: op("+"),
  sub: op("-"),
  mul: ([x, y], _, t) => (t.dtype === "i32" ? `Math.imul(${x}, ${y})` : conv(`${x} * ${y}`, t.dtype)),
  div: op("/"),
  // i32 remainder by zero is defined as 0 on every backend.
  rem: ([x, y], _, t) => (t.dtype === "i32" ? `(${y} === 0 ? 0 : (${x} % ${y}) | 0)` : conv(`${x} % ${y}`, t.dtype)),
  neg: ([x], _, t) => conv(`-${x}`, t.dtype),
  pow: bin("Math.pow"),
  // exact single-rounding fma (compiler/ir/fma.ts), passed in by compileJs
  fma: ([x, y, z], _, t) => `${t.dtype === "f32" ? "__fma32" : "__fma64"}(${x}, ${y}, ${z})`,
  powi: ([x], a, t) => conv(`Math.pow(${x}, ${a!.exponent!})`, t.dtype),
  sin: un("Math.sin"),
  cos: un("Math.cos"),
  tan: un("Math.tan"),
  asin: un("Math.asin"),
  acos: un("Math.acos"),
  atan: un("Math.atan"),
  atan2: bin("Math.atan2"),
  sinh: un("Math.sinh"),
  cosh: un("Math.cosh"),
  tanh: unXla("Math.tanh", "tanh"),
  asinh: un("Math.asinh"),
  acosh: un("Math.acosh"),
  atanh: un("Math.atanh"),
  exp: un("Math.exp"),
  expm1: un("Math.expm1"),
  log: unXla("Math.log", "log"),
  log1p: un("Math.log1p"),
  log2: un("Math.log2"),
  log10: un("Math.log10"),
  sqrt: un("Math.sqrt"),
  cbrt: un("Math.cbrt"),
  hypot: bin("Math.hypot"),
  abs: un("Math.abs"),
  // Keeps ±0 and NaN (unlike a naive x < 0 ? -1 : 1).
  sign: ([x], _, t) => conv(`${x} > 0 ? 1 : ${x} < 0 ? -1 : ${x}`, t.dtype),
  min: bin("Math.min"),
  max: bin("Math.max"),
  floor: un("Math.floor"),
  ceil: un("Math.ceil"),
  round: un("Math.round"),
  // Half to even: Math.round, minus one when it rounded an exact half up to an odd number.
  // Math.round is repeated rather than bound to a temporary; V8 folds the repeats.
  rint: ([x], _, t) =>
    conv(`Math.round(${x}) - ${x} === 0.5 && Math.round(${x}) % 2 !== 0 ? Math.round(${x}) - 1 : Math.round(${x})`, t.dtype),
  trunc: un("Math.trunc"),
  lt: cmp("<"),
  le: cmp("<="),
  gt: cmp(">"),
  ge: cmp(">="),
  eq: cmp("==="),
  ne: cmp("!=="),
  and: ([x, y]) => `(${x} !== 0 && ${y} !== 0 ? 1 : 0)`,
  or: ([x, y]) => `(${x} !== 0 || ${y} !== 0 ? 1 : 0)`,
  not: ([x]) => `(${x} === 0 ? 1 : 0)`,
  select: ([c, x, y], _, t) => conv(`${c} !== 0 ? ${x} : ${y}`, t.dtype),
  cast: ([x], a) => conv(x, a!.dtype!),
  // Arrays pass through (a reference; ownership.ts accounts for the alias).
  stop_gradient: ([x], _, t) => (t.rank > 0 ? x : conv(x, t.dtype)),
  arr_new: ([n], a) => `new ${ARRAY_CTOR[a!.dtype!]}(${n})`,
  arr_get: ([a, i]) => `${a}[${i}]`,
  arr_set: ([a, i, x]) => `${a}[${i}] = ${x}`,
  arr_len: ([a]) => `${a}.length`,
  ...arrayPrimsMustBeLowered(),
};

/**
 * Array primitives never reach a backend: the runtime runs
 * passes/lower-arrays.ts first, which turns them into loops over rank-1
 * buffers. Meeting one here is an internal invariant violation.
 */
function arrayPrimsMustBeLowered(): Record<ArrayPrim, JsLowering> {
  const table = {} as Record<ArrayPrim, JsLowering>;
  for (const p of ARRAY_PRIMS)
    table[p] = () => {
      throw new Error(`array primitive ${p} must be lowered by passes/lower-arrays.ts before the JS backend`);
    };
  return table;
}
