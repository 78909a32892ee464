// Reductions for lower-arrays.ts: reduce_sum/prod/max/min, sum_like and
// argmax/argmin, each consuming a fused (lazy) input directly, so
// `sum(f(x, y))` is one loop. Three loop shapes, by which axes are reduced:
//   - all of them: one scalar accumulator over every element (the flat loop
//     when the input is row-major: the loop LLVM vectorizes);
//   - trailing ones: loops over the kept axes outside, a scalar accumulator
//     over the reduced axes inside (a row-major input collapses to 2 loops);
//   - others (e.g. axis 0 of a matrix): the output buffer accumulates while
//     the input is read in row-major order, so both are unit-stride.
// Elements combine in the input's row-major order, as the reference
// (ir/array-reduce.ts) does, so f32 and i32 partial results agree exactly.

import type { Builder } from "../ir/builder.js";
import { isLit } from "../ir/builder.js";
import type { Atom, DType } from "../ir/syntax.js";
import type { Var } from "../ir/syntax.js";
import { lit, scalar } from "../ir/syntax.js";
import { Elements, type Offsets, affinesOf, bufferArr, ifElse, materialize, nest, overElements, permuteArr, reshapeArr, staticallyRowMajor } from "./fuse.js";
import { type Affine, type Arr, ONE, ZERO, all, bufType, checkFits, checked, eqDim, iselect, isOne, product, rowMajor, sameDim } from "./shapes.js";

export type ReduceOp = "add" | "mul" | "max" | "min";

export const REDUCE_OPS = { reduce_sum: "add", reduce_prod: "mul", reduce_max: "max", reduce_min: "min" } as const;

function identity(op: ReduceOp, dtype: DType): Atom {
  const t = scalar(dtype);
  const int = dtype === "i32";
  switch (op) {
    case "add":
      return lit(0, t);
    case "mul":
      return lit(1, t);
    case "max":
      return lit(int ? -2147483648 : -Infinity, t);
    case "min":
      return lit(int ? 2147483647 : Infinity, t);
  }
}

const combine = (b: Builder, op: ReduceOp, acc: Atom, x: Atom): Atom => b.prim(op, [acc, x], undefined, "acc");

/** max/min of nothing is an error (numpy: "zero-size array ... has no identity"). */
function nonEmpty(b: Builder, op: ReduceOp, count: Atom, value: Atom): Atom {
  if (op === "add" || op === "mul") return value;
  return checked(b, b.prim("gt", [count, ZERO], undefined, "nonempty"), value, value.kind === "var" ? value.name : "n");
}

/**
 * Reduces axes `red` (sorted, non-empty) of `arr`. Returns a scalar when every
 * axis is reduced, else the result with the reduced axes kept as size 1.
 */
export function reduceAxes(b: Builder, arr: Arr, red: readonly number[], op: ReduceOp, hint: string): Atom | Arr {
  const rank = arr.dims.length;
  const init = identity(op, arr.dtype);
  const keptDims = arr.dims.map((d, k) => (red.includes(k) ? ONE : d));
  if (red.length === rank) {
    const [acc] = overElements(b, arr.dims, [arr.tree], [], [init], (el, _off, [a]) => [combine(b, op, a, el.gen(arr.tree))]);
    return nonEmpty(b, op, product(b, arr.dims), acc);
  }
  const p = red.length;
  if (red.every((k, j) => k === rank - p + j)) return suffixReduce(b, arr, p, op, init, keptDims, hint);
  // Accumulate into the output while reading the input in row-major order.
  const outStrides = rowMajor(b, keptDims).map((s, k) => (red.includes(k) ? ZERO : s));
  return accumulate(b, arr, { base: ZERO, strides: outStrides, rm: null }, keptDims, op, hint);
}

/** Reduces the last p axes: kept axes outside, a scalar accumulator inside. */
function suffixReduce(b: Builder, arr: Arr, p: number, op: ReduceOp, init: Atom, keptDims: readonly Atom[], hint: string): Arr {
  const rank = arr.dims.length;
  const kept = arr.dims.slice(0, rank - p);
  const redDims = arr.dims.slice(rank - p);
  const outer = product(b, kept, "rows");
  const inner = product(b, redDims, "cols");
  const outSize = nonEmpty(b, op, inner, outer);
  const fresh = b.prim("arr_new", [outSize], { dtype: arr.dtype }, hint);
  // A row-major input is a matrix of (kept size) × (reduced size).
  const collapse = staticallyRowMajor(arr) && rank > 2;
  const src = collapse ? reshapeArr(b, arr, [outer, inner]) : arr;
  const nKept = collapse ? 1 : rank - p;
  const kAxes = Array.from({ length: nKept }, (_, k) => k);
  const rAxes = Array.from({ length: src.dims.length - nKept }, (_, k) => nKept + k);
  const outAff: Affine = { base: ZERO, strides: [...rowMajor(b, src.dims.slice(0, kAxes.length)), ...rAxes.map(() => ZERO)], rm: null };
  const affs = [...affinesOf([src.tree]), outAff];
  const [buf] = nest(b, src.dims, kAxes, affs, affs.map((a) => a.base), [fresh], (off, [cur]) => {
    const [acc] = nest(b, src.dims, rAxes, affs, affs.map(off), [init], (off2, [a]) => [combine(b, op, a, elementAt(b, off2, src))], kAxes.length);
    return [b.prim("arr_set", [cur, off(outAff), acc], undefined, hint)];
  });
  return bufferArr(b, buf as never, arr.dtype, keptDims);
}

const elementAt = (b: Builder, off: Offsets, arr: Arr): Atom => new Elements(b, off).gen(arr.tree);

/** out[o(i)] = op(out[o(i)], x[i]) over x in row-major order, out starting at the identity. */
function accumulate(b: Builder, arr: Arr, outAff: Affine, outDims: readonly Atom[], op: ReduceOp, hint: string): Arr {
  const count = product(b, arr.dims);
  const init = identity(op, arr.dtype);
  // The (checked) first dim of the output carries the max/min emptiness check.
  const startDims = [nonEmpty(b, op, count, outDims[0]), ...outDims.slice(1)];
  const start = materialize(b, { dtype: arr.dtype, dims: startDims, tree: { kind: "scalar", value: init } }, hint);
  const [buf] = overElements(b, arr.dims, [arr.tree], [outAff], [start.whole], (el, off, [cur]) => {
    const at = off(outAff);
    const old = b.prim("arr_get", [cur, at], undefined, "acc");
    return [b.prim("arr_set", [cur, at, combine(b, op, old, el.gen(arr.tree))], undefined, hint)];
  });
  return bufferArr(b, buf as never, arr.dtype, outDims);
}

/**
 * sum_like(x, like): sums x down to like's dims — the leading axes, and axes
 * where like has size 1 and x does not. Which axes those are may only be
 * known at run time; then the output strides select 0 for them.
 */
export function sumLike(b: Builder, x: Arr, like: readonly Atom[], hint: string): Arr {
  const lead = x.dims.length - like.length;
  const red: number[] = [];
  let dynamic = false;
  const checkedLike = like.map((d, j) => {
    const n = x.dims[lead + j];
    if (sameDim(d, n)) return d;
    if (isLit(d, 1)) {
      if (!isLit(n, 1)) red.push(lead + j);
      return d;
    }
    dynamic = true;
    checkFits(b, d, n);
    return d;
  });
  for (let k = lead - 1; k >= 0; k--) red.unshift(k);
  if (!dynamic) {
    if (red.length === 0) return { ...x, dims: like };
    const r = reduceAxes(b, x, red, "add", hint);
    const out = typeof r === "object" && "tree" in r ? materialize(b, r, hint) : materialize(b, { dtype: x.dtype, dims: [ONE], tree: { kind: "scalar", value: r } }, hint);
    return bufferArr(b, out.whole, x.dtype, like);
  }
  const s = rowMajor(b, checkedLike);
  const strides = x.dims.map((_, k) => {
    if (k < lead) return ZERO;
    const d = checkedLike[k - lead];
    return isLit(d, 1) ? ZERO : iselect(b, isOne(b, d), ZERO, s[k - lead], "stride");
  });
  const sum = () => [accumulate(b, x, { base: ZERO, strides, rm: null }, checkedLike, "add", hint).whole!];
  if (lead > 0 || red.length > 0) return bufferArr(b, sum()[0] as Var, x.dtype, like);
  // Usually nothing is summed at run time (the sizes are equal): then x as it is.
  const same = all(b, like.map((d, j) => eqDim(b, d, x.dims[j])));
  const [buf] = ifElse(b, same, () => [materialize(b, x, hint).whole], sum, [bufType(x.dtype)], [hint]);
  return bufferArr(b, buf as Var, x.dtype, like);
}

/**
 * argmax/argmin along axis k (null: the flattened array): the first position
 * of the extremum; a NaN counts as the extremum (numpy). Returns a scalar for
 * the flattened array, else the result with axis k kept as size 1.
 */
export function argReduce(b: Builder, arr: Arr, k: number | null, op: "argmax" | "argmin", hint: string): Atom | Arr {
  const better = op === "argmax" ? "gt" : "lt";
  const float = arr.dtype === "f64" || arr.dtype === "f32";
  const init = [lit(0, scalar(arr.dtype)), lit(-1, scalar("i32"))];
  // Take x at position j when nothing is taken yet, or the best so far is not NaN and x beats it or is NaN.
  const step = (x: Atom, j: Atom, [bv, bi]: Atom[]): Atom[] => {
    const first = b.prim("lt", [bi, ZERO], undefined, "first");
    let beats = b.prim(better, [x, bv], undefined, "beats");
    if (float) {
      const bestIsNum = b.prim("eq", [bv, bv], undefined, "best_num");
      beats = b.prim("and", [bestIsNum, b.prim("or", [beats, b.prim("ne", [x, x], undefined, "nan")], undefined, "beats")], undefined, "beats");
    }
    const take = b.prim("or", [first, beats], undefined, "take");
    return [b.select(take, x, bv, "best"), b.select(take, j, bi, "best_at")];
  };
  if (k === null) {
    const pos: Affine = { base: ZERO, strides: rowMajor(b, arr.dims), rm: arr.dims };
    const [, bi] = overElements(b, arr.dims, [arr.tree], [pos], init, (el, off, st) => step(el.gen(arr.tree), off(pos), st));
    return checked(b, b.prim("ge", [bi, ZERO], undefined, "nonempty"), bi, "best_at");
  }
  // Axis k innermost: loops over the other axes, then along k.
  const rank = arr.dims.length;
  const perm = [...Array.from({ length: rank }, (_, j) => j).filter((j) => j !== k), k];
  const src = permuteArr(arr, perm);
  const keptDims = arr.dims.map((d, j) => (j === k ? ONE : d));
  const outer = src.dims.slice(0, rank - 1);
  const n = checked(b, b.prim("gt", [arr.dims[k], ZERO], undefined, "nonempty"), arr.dims[k], "n");
  const pos: Affine = { base: ZERO, strides: [...outer.map(() => ZERO), ONE], rm: null };
  const outAff: Affine = { base: ZERO, strides: [...rowMajor(b, outer), ZERO], rm: null };
  const affs = [...affinesOf([src.tree]), pos, outAff];
  const dims = [...outer, n];
  const fresh = b.prim("arr_new", [product(b, outer)], { dtype: "i32" }, hint);
  const kAxes = outer.map((_, j) => j);
  const [buf] = nest(b, dims, kAxes, affs, affs.map((a) => a.base), [fresh], (off, [cur]) => {
    const [, bi] = nest(b, dims, [rank - 1], affs, affs.map(off), init, (off2, st) => step(elementAt(b, off2, src), off2(pos), st), kAxes.length);
    return [b.prim("arr_set", [cur, off(outAff), bi], undefined, hint)];
  });
  return bufferArr(b, buf as never, "i32", keptDims);
}
