// Operators outside compiled code. The build step rewrites an arithmetic or
// comparison operator whose operands it cannot prove to be numbers into a
// call here (`1 - targets` → `op.sub(1, targets)`), so module-level code and
// direct calls of array functions give JAX's eager results on NDArrays. For
// anything else each function is the JS operator itself (strings concatenate,
// `undefined + 1` is NaN), and numbers take the first branch, which V8
// inlines: a number-only helper pays a type check per operator, nothing more
// (and none where the build step proves its operands are numbers).
//
// `%` is JS's remainder (sign of the dividend) on arrays too, as `%` in
// compiled code is; `**` with an integer exponent is JAX's integer_pow.

import { NDArray } from "./ndarray.js";
import { np, npPrim } from "./np.js";

const less = npPrim("less", "lt", 2);
const lessEqual = npPrim("less_equal", "le", 2);
const greater = npPrim("greater", "gt", 2);
const greaterEqual = npPrim("greater_equal", "ge", 2);
const remainder = npPrim("remainder", "rem", 2);

const isArr = (x: unknown): boolean => x instanceof NDArray;

/** integer_pow per exponent, made once (each carries its IR per signature). */
const integerPows = new Map<number, (x: unknown) => unknown>();

function power(a: unknown, b: unknown): unknown {
  if (typeof b === "number" && Number.isInteger(b) && Math.abs(b) < 2 ** 31 && isArr(a)) {
    if (b === 1) return a;
    let f = integerPows.get(b);
    if (!f) integerPows.set(b, (f = npPrim(`integer_pow_${b}`, "powi", 1, { exponent: b })));
    return f(a);
  }
  return np.power(a, b);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// Each operator is a tiny function that V8 inlines at its call site: the number case inline, everything else
// in a separate function (a big body would stop the inlining and cost a number-only helper ~10x).
export const op = {
  add: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a + b : addSlow(a, b)),
  sub: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a - b : subSlow(a, b)),
  mul: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a * b : mulSlow(a, b)),
  div: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a / b : divSlow(a, b)),
  rem: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a % b : remSlow(a, b)),
  pow: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a ** b : powSlow(a, b)),
  lt: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a < b : ltSlow(a, b)),
  le: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a <= b : leSlow(a, b)),
  gt: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a > b : gtSlow(a, b)),
  ge: (a: any, b: any): any => (typeof a === "number" && typeof b === "number" ? a >= b : geSlow(a, b)),
  neg: (a: any): any => (typeof a === "number" ? -a : negSlow(a)),
  pos: (a: any): any => (typeof a === "number" ? a : posSlow(a)),
  /** `x[i]`: numpy indexing on an NDArray (a number for rank 1, the i-th sub-array otherwise); anything else as JS. */
  index: (a: any, i: any): any => (a instanceof NDArray && typeof i === "number" ? ndIndex(a, i) : a[i]),
};

function addSlow(a: any, b: any): any {
  return typeof a !== "string" && typeof b !== "string" && (isArr(a) || isArr(b)) ? np.add(a, b) : a + b;
}
function subSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? np.subtract(a, b) : a - b;
}
function mulSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? np.multiply(a, b) : a * b;
}
function divSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? np.divide(a, b) : a / b;
}
function remSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? remainder(a, b) : a % b;
}
function powSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? power(a, b) : a ** b;
}
function ltSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? less(a, b) : a < b;
}
function leSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? lessEqual(a, b) : a <= b;
}
function gtSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? greater(a, b) : a > b;
}
function geSlow(a: any, b: any): any {
  return isArr(a) || isArr(b) ? greaterEqual(a, b) : a >= b;
}
function negSlow(a: any): any {
  return isArr(a) ? np.negative(a) : -a;
}
function posSlow(a: any): any {
  return isArr(a) ? a : +a;
}


/** x[i] of numpy: negative i counts from the end; out of range or non-integer is an error, as in JAX. */
function ndIndex(a: NDArray, i: number): unknown {
  const n = a.shape[0];
  if (a.shape.length === 0) throw new TypeError("tsgrad: a 0-d array cannot be indexed");
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`tsgrad: index ${i} is out of bounds for an axis of size ${n}`);
  const k = i < 0 ? i + n : i;
  if (a.shape.length === 1) return a.dtype === "bool" ? a.data[k] !== 0 : a.data[k];
  const rest = a.shape.slice(1);
  const size = rest.reduce((p, q) => p * q, 1);
  return new NDArray(a.data.slice(k * size, (k + 1) * size), rest, a.dtype);
}
