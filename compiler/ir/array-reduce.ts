// Reductions, argmax/argmin and matmul for the reference array semantics
// (array-eval.ts).
//
// Accumulation is plain sequential (row-major order of x) in the element
// dtype: every partial sum or product goes through evalScalar, so f32 partials
// round with Math.fround and i32 partials wrap, exactly as a scalar loop over
// the same elements would. numpy sums floats pairwise and BLAS may use FMA, so
// f32 results can differ from numpy in the last bits; f64 ones rarely do.
//
// Exception, f32 matmul: each output element is acc = fma(a_l, b_l, acc) for
// l = 0, 1, .. from acc = 0, one rounding per step. That is what JAX's CPU
// backend computes (XLA's dot emitter, with LLVM contracting its mul + add
// into vfmadd) for vector·matrix products of any size, and for matrix·vector
// and small matrix·matrix products whose contraction length is below XLA's
// gemv tile width of 8 (checked against jnp.dot: scripts/golden_xla_parity.py;
// the tutorial's [4,3]@[3] and its gradient [4]@[4,3]). Longer contractions
// in XLA use vector partial sums, which this order does not reproduce.

import { type Data, type NDValue, checkAxis, dot, fmt, forEachIndex, newData, sizeOf, stridesOf } from "./array-shape.js";
import { evalScalar } from "./eval.js";
import { fma32 } from "./fma.js";
import type { Attrs, DType } from "./syntax.js";

export type ReduceOp = "reduce_sum" | "reduce_prod" | "reduce_max" | "reduce_min";

const step: Record<ReduceOp, "add" | "mul" | "max" | "min"> = { reduce_sum: "add", reduce_prod: "mul", reduce_max: "max", reduce_min: "min" };
const identity: Record<ReduceOp, number | undefined> = { reduce_sum: 0, reduce_prod: 1, reduce_max: undefined, reduce_min: undefined };
const ufunc: Record<ReduceOp, string> = { reduce_sum: "add", reduce_prod: "multiply", reduce_max: "maximum", reduce_min: "minimum" };

/** The axes a reduction removes: `axes`, or every axis when it is empty. Sorted, checked. */
export function reducedAxes(axes: readonly number[] | undefined, rank: number, what: string): number[] {
  const ks = axes && axes.length ? [...axes] : Array.from({ length: rank }, (_, k) => k);
  for (const k of ks) checkAxis(k, rank, what);
  if (new Set(ks).size !== ks.length) throw new Error(`${what}: repeated axis in [${axes}]`);
  return ks.sort((a, b) => a - b);
}

/** The result shape of reducing `axes` (size 1 there with keepdims, removed without). */
const reducedShape = (shape: readonly number[], axes: readonly number[], keepdims: boolean) =>
  keepdims ? shape.map((n, k) => (axes.includes(k) ? 1 : n)) : shape.filter((_, k) => !axes.includes(k));

/** reduce_sum/prod/max/min<axes, keepdims>(x) with numpy's shapes and empty-array rules. */
export function reduce(op: ReduceOp, x: NDValue, attrs: Attrs | undefined, dtype: DType): NDValue {
  const axes = reducedAxes(attrs?.axes, x.shape.length, op);
  const kept = reducedShape(x.shape, axes, true);
  const count = sizeOf(axes.map((k) => x.shape[k]));
  const init = identity[op];
  if (count === 0 && init === undefined) throw new Error(`zero-size array to reduction operation ${ufunc[op]} which has no identity`);
  // Output position of each x element: x's index with the reduced coordinates dropped.
  const outStrides = stridesOf(kept).map((s, k) => (axes.includes(k) ? 0 : s));
  const acc = newData(dtype, sizeOf(kept));
  const started = new Uint8Array(acc.length);
  if (init !== undefined) acc.fill(init), started.fill(1);
  forEachIndex(x.shape, (idx, flat) => {
    const o = dot(idx, outStrides);
    acc[o] = started[o] ? evalScalar(step[op], [acc[o], x.data[flat]], undefined, dtype) : x.data[flat];
    started[o] = 1;
  });
  return { data: acc, shape: reducedShape(x.shape, axes, !!attrs?.keepdims) };
}

/** argmax/argmin<axes=[k] or [] (flattened), keepdims>(x): first occurrence; a NaN wins, as in numpy. */
export function argReduce(op: "argmax" | "argmin", x: NDValue, attrs: Attrs | undefined): NDValue {
  const keepdims = !!attrs?.keepdims;
  const flatten = !attrs?.axes?.length;
  if ((attrs?.axes?.length ?? 0) > 1) throw new Error(`${op}: takes one axis or none, got [${attrs!.axes}]`);
  // The flattened case is the axis-0 case on x viewed as rank 1.
  const shape = flatten ? [sizeOf(x.shape)] : x.shape;
  const k = flatten ? 0 : checkAxis(attrs!.axes![0], x.shape.length, op);
  if (shape[k] === 0) throw new Error(`attempt to get ${op} of an empty sequence`);
  const better = op === "argmax" ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const strides = stridesOf(shape);
  const outer = shape.map((n, i) => (i === k ? 1 : n));
  const out = new Int32Array(sizeOf(outer));
  forEachIndex(outer, (idx, flat) => {
    const base = dot(idx, strides);
    let best = 0;
    let bv = x.data[base];
    for (let j = 1; j < shape[k] && !Number.isNaN(bv); j++) {
      const v = x.data[base + j * strides[k]];
      if (better(v, bv) || Number.isNaN(v)) (best = j), (bv = v);
    }
    out[flat] = best;
  });
  const outShape = flatten ? (keepdims ? x.shape.map(() => 1) : []) : reducedShape(x.shape, [k], keepdims);
  return { data: out, shape: outShape };
}

/** numpy matmul for ranks 1 and 2: a vector operand is a row (left) or column (right), then that axis is dropped. */
export function matmul(a: NDValue, b: NDValue, dtype: DType): NDValue {
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 1 || ra > 2 || rb < 1 || rb > 2) throw new Error(`matmul: supports ranks 1 and 2, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const [n, k] = ra === 2 ? a.shape : [1, a.shape[0]];
  const [k2, m] = rb === 2 ? b.shape : [b.shape[0], 1];
  if (k !== k2) throw new Error(`matmul: mismatch in core dimension 0 of operand 1: size ${k2} is different from ${k} (shapes ${fmt(a.shape)} and ${fmt(b.shape)})`);
  const out: Data = newData(dtype, n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      if (dtype === "f32") for (let l = 0; l < k; l++) s = fma32(a.data[i * k + l], b.data[l * m + j], s);
      else for (let l = 0; l < k; l++) s = evalScalar("add", [s, evalScalar("mul", [a.data[i * k + l], b.data[l * m + j]], undefined, dtype)], undefined, dtype);
      out[i * m + j] = s;
    }
  }
  const shape = [...(ra === 2 ? [n] : []), ...(rb === 2 ? [m] : [])];
  return { data: out, shape };
}
