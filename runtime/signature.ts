// What the compiler knows about a call: the pytree structure of each
// argument and, per leaf, its dtype and rank (shapes are not part of it: one
// kernel serves every size). Leaves are JS numbers and booleans (weakly typed
// scalars, as Python scalars in JAX), NDArrays and typed arrays.

import type { DType as IRDType, Type } from "../compiler/ir/syntax.js";
import { config } from "./config.js";
import { NDArray } from "./ndarray.js";
import { type TreeDef, flatten, leafPaths, treeKey } from "./pytree.js";

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** How a leaf came in, so results come back in the same kind (typed-array gradients as typed arrays). */
export type LeafKind = "number" | "boolean" | "ndarray" | "typed";

export interface LeafSig {
  readonly type: Type;
  readonly kind: LeafKind;
  /** JS numbers are weakly typed: they take the dtype of the arrays they meet. */
  readonly weak: boolean;
}

export interface CallSig {
  /** Structure of each positional argument. */
  readonly defs: TreeDef[];
  /** Every leaf of the positional arguments, in order. */
  readonly leaves: LeafSig[];
  /** The leaves as values, in order (numbers, typed arrays, NDArrays). */
  readonly values: unknown[];
  readonly key: string;
}

const ND_TO_IR: Record<string, IRDType | undefined> = { float64: "f64", float32: "f32", int32: "i32", bool: "bool" };

export function defaultFloat(): IRDType {
  return config.enableX64 ? "f64" : "f32";
}

export function leafSig(x: unknown, path: string, who: string): LeafSig {
  if (typeof x === "number") return { type: { dtype: defaultFloat(), rank: 0 }, kind: "number", weak: true };
  if (typeof x === "boolean") return { type: { dtype: "bool", rank: 0 }, kind: "boolean", weak: false };
  if (x instanceof NDArray) {
    const dtype = ND_TO_IR[x.dtype];
    if (!dtype) throw new TypeError(`${who}: ${path}: arrays of dtype ${x.dtype} are not supported (use float32, float64, int32 or bool)`);
    return { type: { dtype, rank: x.shape.length }, kind: "ndarray", weak: false };
  }
  if (x instanceof Float64Array) return { type: { dtype: "f64", rank: 1 }, kind: "typed", weak: false };
  if (x instanceof Float32Array) return { type: { dtype: "f32", rank: 1 }, kind: "typed", weak: false };
  if (x instanceof Int32Array) return { type: { dtype: "i32", rank: 1 }, kind: "typed", weak: false };
  throw new TypeError(`${who}: ${path}: expected a number, an array or a pytree of them, got ${describe(x)}`);
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "function") return "a function";
  if (typeof x === "string") return `string ${JSON.stringify(x)}`;
  return typeof x === "object" ? `an object of class ${(x as object).constructor?.name ?? "Object"}` : `${typeof x} ${String(x)}`;
}

/** The signature of a call with positional `args` (names used in error messages). */
export function callSig(args: unknown[], names: string[], who: string): CallSig {
  const defs: TreeDef[] = [];
  const values: unknown[] = [];
  const leaves: LeafSig[] = [];
  let key = "";
  args.forEach((a, k) => {
    const start = values.length;
    const { def } = flatten(a, values);
    defs.push(def);
    key += def.kind === "leaf" ? "*|" : `${treeKey(def)}|`;
    for (let j = start; j < values.length; j++) {
      // the leaf's path is only worked out for an error message
      const l = leafSigOrNull(values[j]) ?? leafSig(values[j], leafPaths(def, names[k] ?? `args[${k}]`)[j - start], who);
      leaves.push(l);
      key += `${l.type.dtype}${l.type.rank}${l.weak ? "w" : ""},`;
    }
  });
  return { defs, leaves, values, key };
}

const F64_1: LeafSig = { type: { dtype: "f64", rank: 1 }, kind: "typed", weak: false };
const F32_1: LeafSig = { type: { dtype: "f32", rank: 1 }, kind: "typed", weak: false };
const I32_1: LeafSig = { type: { dtype: "i32", rank: 1 }, kind: "typed", weak: false };
const WEAK: Record<string, LeafSig> = {
  f64: { type: { dtype: "f64", rank: 0 }, kind: "number", weak: true },
  f32: { type: { dtype: "f32", rank: 0 }, kind: "number", weak: true },
};

/** The common leaves without allocating; null for anything that needs checking. */
function leafSigOrNull(x: unknown): LeafSig | null {
  if (typeof x === "number") return WEAK[defaultFloat()];
  if (x instanceof NDArray) {
    const dtype = ND_TO_IR[x.dtype];
    return dtype ? { type: { dtype, rank: x.shape.length }, kind: "ndarray", weak: false } : null;
  }
  if (x instanceof Float64Array) return F64_1;
  if (x instanceof Float32Array) return F32_1;
  if (x instanceof Int32Array) return I32_1;
  return null;
}

const FLOAT_RANK: Record<string, number> = { bool: 0, i32: 1, f32: 2, f64: 3 };

/**
 * JAX's type promotion for an elementwise operation, with JS numbers as weak
 * floats: arrays keep their float dtype against numbers (float32 * 2.0 is
 * float32); numbers against int or bool arrays give the default float
 * (`1 - targets` on a bool array is a float array); float32 with float64 gives
 * float64. JS cannot tell 2 from 2.0, so a number never counts as an integer.
 */
export function promote(leaves: LeafSig[], floatOnly: boolean): IRDType {
  const strong = leaves.filter((l) => !l.weak).map((l) => l.type.dtype);
  const weak = leaves.some((l) => l.weak);
  let d: IRDType = strong.reduce<IRDType>((a, b) => (FLOAT_RANK[b] > FLOAT_RANK[a] ? b : a), strong[0] ?? defaultFloat());
  if (weak && (d === "i32" || d === "bool")) d = defaultFloat();
  if (floatOnly && (d === "i32" || d === "bool")) d = defaultFloat();
  return d;
}
