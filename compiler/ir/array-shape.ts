// Shapes, strides and numpy broadcasting for the reference array semantics
// (array-eval.ts). Arrays are row-major; an index is a list of coordinates.

import type { DType } from "./syntax.js";

export type Data = Float64Array | Float32Array | Int32Array | Uint8Array;

/** An array value: row-major `data` of `shape`'s size. bool arrays are Uint8Array (0 / 1). */
export interface NDValue {
  data: Data;
  shape: number[];
}

export function newData(dtype: DType, n: number): Data {
  switch (dtype) {
    case "f64":
      return new Float64Array(n);
    case "f32":
      return new Float32Array(n);
    case "i32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
    default:
      throw new Error(`unknown dtype ${dtype as string}`);
  }
}

export const isData = (x: unknown): x is Data => ArrayBuffer.isView(x) && !(x instanceof DataView);

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** "[2,3]", the form every error message uses. */
export const fmt = (shape: readonly number[]): string => `[${shape.join(",")}]`;

/** Row-major strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = k;
    k *= shape[i];
  }
  return s;
}

export const dot = (idx: readonly number[], strides: readonly number[]): number => {
  let o = 0;
  for (let i = 0; i < idx.length; i++) o += idx[i] * strides[i];
  return o;
};

/** Calls `fn` on every index of `shape` in row-major order (`flat` counts them). The index array is reused. */
export function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
}

/** numpy's broadcast of two shapes: align on the right; sizes must match or one be 1. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`cannot broadcast shapes ${fmt(a)} and ${fmt(b)}`);
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/**
 * Strides that read an array of shape `from` as if broadcast to `to`: 0 on
 * leading and stretched axes. Throws unless `from` broadcasts to exactly `to`
 * (numpy's broadcast_to is one-directional).
 */
export function broadcastStrides(from: readonly number[], to: readonly number[]): number[] {
  const lead = to.length - from.length;
  const s = stridesOf(from);
  if (lead < 0) throw new Error(`cannot broadcast shape ${fmt(from)} to ${fmt(to)}`);
  return to.map((n, i) => {
    if (i < lead) return 0;
    const m = from[i - lead];
    if (m === n) return m === 1 ? 0 : s[i - lead];
    if (m === 1) return 0;
    throw new Error(`cannot broadcast shape ${fmt(from)} to ${fmt(to)}`);
  });
}

/** Checks an axis attribute against a rank (the typing rules check it too; this guards direct calls). */
export function checkAxis(k: number | undefined, rank: number, what: string): number {
  if (k === undefined || !Number.isInteger(k) || k < 0 || k >= rank) throw new Error(`${what}: axis ${k} is out of bounds for array of dimension ${rank}`);
  return k;
}

/** Checks that run-time dimensions are non-negative integers. */
export function checkDims(dims: readonly number[], what: string): number[] {
  for (const d of dims) {
    if (!Number.isInteger(d)) throw new Error(`${what}: dimension ${d} is not an integer`);
    if (d < 0) throw new Error(`${what}: negative dimensions are not allowed`);
  }
  return [...dims];
}
