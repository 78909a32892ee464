// Per-primitive lowering of the array primitives for lower-arrays.ts. Most
// are free: they only transform the lazy array (fuse.ts) — broadcasts,
// transpose, expand_dims, squeeze, slice, take with a scalar index, reshape of
// row-major data, iota, full, shape. The rest emit loops: reductions
// (reduce.ts), matmul, concatenate, take with an index array (a lazy gather),
// scatter_add.

import type { Builder } from "../ir/builder.js";
import { isLit } from "../ir/builder.js";
import type { ArrayPrim, Atom, Attrs, Type, Var } from "../ir/syntax.js";
import { lit } from "../ir/syntax.js";
import {
  type Elements,
  broadcastArr,
  bufferArr,
  computes,
  forLoop,
  insertAxisArr,
  materialize,
  overElements,
  permuteArr,
  removeAxisArr,
  reshapeArr,
  scalarArr,
  sliceArr,
  staticallyRowMajor,
} from "./fuse.js";
import { REDUCE_OPS, argReduce, reduceAxes, sumLike } from "./reduce.js";
import { type Affine, type Arr, ONE, ZERO, all, checkBroadcastTo, checked, eqDim, iadd, imul, product, rowMajor, sameDims } from "./shapes.js";

export type Value = Arr | Atom;
export const isArr = (x: Value): x is Arr => "tree" in x;

const arr = (x: Value): Arr => {
  if (!isArr(x)) throw new Error("lower-arrays: expected an array");
  return x;
};
const atom = (x: Value): Atom => {
  if (isArr(x)) throw new Error("lower-arrays: expected a scalar");
  return x;
};

/**
 * Broadcasts to `to` (checked). A computed input that certainly expands (new
 * leading axes, or a size-1 axis against a larger one) is materialized first,
 * so its elements are not recomputed per copy; one that only may expand (sizes
 * known at run time) stays fused: recomputing is then the rare case.
 */
export function broadcastChecked(b: Builder, x: Arr, to: readonly Atom[], hint: string): Arr {
  if (sameDims(x.dims, to)) return x;
  const dims = checkBroadcastTo(b, x.dims, to);
  return broadcastArr(b, computes(x.tree) && expands(x.dims, to) ? materialize(b, x, hint) : x, dims);
}

function expands(from: readonly Atom[], to: readonly Atom[]): boolean {
  const lead = to.length - from.length;
  return to.some((d, k) => !isLit(d, 1) && (k < lead || isLit(from[k - lead], 1)));
}

/** A scalar (rank 0) as an array of `dims`: keepdims results. */
const boxed = (b: Builder, v: Atom, dims: Atom[], hint: string): Arr => {
  const buf = b.prim("arr_new", [ONE], { dtype: v.type.dtype }, hint);
  const set = b.prim("arr_set", [buf, ZERO, v], undefined, hint) as Var;
  return bufferArr(b, set, v.type.dtype, dims);
};

/** Drops size-1 axes `axes` of a keepdims result (always a buffer or a view: free). */
const dropAxes = (b: Builder, x: Arr, axes: readonly number[]): Arr => {
  let r = x;
  for (const k of [...axes].sort((p, q) => q - p)) r = removeAxisArr(b, r, k, ZERO, true);
  return r;
};

export function lowerArrayPrim(b: Builder, prim: ArrayPrim, args: Value[], attrs: Attrs | undefined, out: Type, hint: string): Value {
  const axes = attrs?.axes ?? [];
  // Scalars where arrays are allowed: a rank-0 array (reductions of one are the identity).
  const x0 = args[0];
  if (x0 && !isArr(x0) && prim !== "full" && prim !== "iota") {
    switch (prim) {
      case "argmax":
      case "argmin":
        return ZERO;
      case "reduce_sum":
      case "reduce_prod":
      case "reduce_max":
      case "reduce_min":
      case "transpose":
      case "squeeze":
      case "sum_like":
        return x0;
      default:
        args = [scalarArr(x0, []), ...args.slice(1)];
    }
  }
  switch (prim) {
    case "shape":
      return arr(args[0]).dims[axes[0]];
    case "full":
      return scalarArr(atom(args[0]), args.slice(1).map(atom));
    case "iota": {
      const n = atom(args[0]);
      return { dtype: out.dtype, dims: [n], tree: { kind: "index", dtype: out.dtype, at: { base: ZERO, strides: [ONE], rm: [n] } } };
    }
    case "broadcast_to":
      return broadcastChecked(b, arr(args[0]), args.slice(1).map(atom), hint);
    case "broadcast_like":
      return broadcastChecked(b, arr(args[0]), arr(args[1]).dims, hint);
    case "sum_like": {
      const x = arr(args[0]);
      if (isArr(args[1])) return sumLike(b, x, args[1].dims, hint);
      return reduceAxes(b, x, x.dims.map((_, k) => k), "add", hint);
    }
    case "reduce_sum":
    case "reduce_prod":
    case "reduce_max":
    case "reduce_min": {
      const x = arr(args[0]);
      const red = axes.length ? [...axes].sort((p, q) => p - q) : x.dims.map((_, k) => k);
      const r = reduceAxes(b, x, red, REDUCE_OPS[prim], hint);
      if (!isArr(r)) return attrs?.keepdims ? boxed(b, r, x.dims.map(() => ONE), hint) : r;
      return attrs?.keepdims ? r : dropAxes(b, r, red);
    }
    case "argmax":
    case "argmin": {
      const x = arr(args[0]);
      const r = argReduce(b, x, axes.length ? axes[0] : null, prim, hint);
      if (!isArr(r)) return attrs?.keepdims ? boxed(b, r, x.dims.map(() => ONE), hint) : r;
      return attrs?.keepdims ? r : dropAxes(b, r, [axes[0]]);
    }
    case "matmul":
      return matmul(b, arr(args[0]), arr(args[1]), hint);
    case "transpose":
      return permuteArr(arr(args[0]), attrs!.perm!);
    case "reshape":
      return reshape(b, arr(args[0]), args.slice(1).map(atom), hint);
    case "expand_dims":
      return insertAxisArr(arr(args[0]), axes[0]);
    case "squeeze": {
      const x = arr(args[0]);
      let r = x;
      for (const k of [...axes].sort((p, q) => q - p)) {
        const d = x.dims[k];
        const at = isLit(d, 1) ? ZERO : checked(b, b.prim("eq", [d, ONE], undefined, "is_one"), ZERO, "at");
        r = removeAxisArr(b, r, k, at, true);
      }
      return r;
    }
    case "concatenate":
      return concatenate(b, args.map(arr), axes[0], hint);
    case "slice": {
      const x = arr(args[0]);
      const k = axes[0];
      const [start, size] = [atom(args[1]), atom(args[2])];
      const ok = all(b, [b.prim("ge", [start, ZERO], undefined, "ok"), b.prim("ge", [size, ZERO], undefined, "ok"), b.prim("le", [iadd(b, start, size, "end"), x.dims[k]], undefined, "ok")]);
      return sliceArr(b, x, k, start, checked(b, ok, size, "n"));
    }
    case "take":
      return take(b, arr(args[0]), args[1], axes[0], hint);
    case "scatter_add":
      // a scalar update (a rank-1 base at a scalar index: the transpose of x[i]) is a rank-0 array
      return scatterAdd(b, arr(args[0]), args[1], isArr(args[2]) ? args[2] : scalarArr(atom(args[2]), []), axes[0], hint);
  }
}

// ---- reshape --------------------------------------------------------------------------------

function reshape(b: Builder, x: Arr, dims: Atom[], hint: string): Arr {
  const size = product(b, x.dims);
  const unknown = dims.findIndex((d) => isLit(d, -1));
  if (unknown >= 0) {
    // i32 has no division in the IR: divide in f64 (exact below 2^31); 0 / 0 gives 0.
    const known = product(b, dims.filter((_, k) => k !== unknown), "known");
    const q = b.prim("div", [b.cast(size, "f64", "size_f"), b.cast(known, "f64", "known_f")], undefined, "n_f");
    dims = dims.map((d, k) => (k === unknown ? b.cast(q, "i32", "n") : d));
  }
  const ok = eqDim(b, product(b, dims, "new_size"), size);
  if (dims.length) dims = [checked(b, ok, dims[0], "n"), ...dims.slice(1)];
  if (sameDims(dims, x.dims)) return x;
  return reshapeArr(b, x.whole || staticallyRowMajor(x) ? x : materialize(b, x, hint), dims);
}

// ---- matmul -----------------------------------------------------------------------------

/** A buffer view (load leaf) of x, materializing anything computed. */
function view(b: Builder, x: Arr, hint: string): { buf: Var; at: Affine } {
  const t = x.tree.kind === "load" ? x.tree : materialize(b, x, hint).tree;
  if (t.kind !== "load") throw new Error("lower-arrays: materialized array is not a load");
  return t;
}

/** Element idx of a view; `from` (optional) is a precomputed offset for the leading indices. */
const get = (b: Builder, v: { buf: Var; at: Affine }, idx: Atom[], from?: { offset: Atom; axes: number }) => {
  const start = from?.axes ?? 0;
  const at = idx.slice(start).reduce((o, i, k) => iadd(b, o, imul(b, i, v.at.strides[start + k], "at"), "at"), from?.offset ?? v.at.base);
  return b.prim("arr_get", [v.buf, at], undefined, `${v.buf.name}_v`);
};
/** The offset of a view's row i (computed once per row, outside the inner loops). */
const rowOf = (b: Builder, v: { buf: Var; at: Affine }, i: Atom) => ({ offset: iadd(b, v.at.base, imul(b, i, v.at.strides[0], "row"), "row"), axes: 1 });

/**
 * numpy matmul for ranks 1 and 2, loops ordered so the innermost one walks
 * the output and the right operand with unit stride (i-l-j for matrix ·
 * matrix). Each output element still sums its products in order l = 0, 1, ..
 * starting from 0, as the reference does (f32: with `fma`, one rounding per
 * step, as XLA's dot kernels).
 */
function matmul(b: Builder, x: Arr, y: Arr, hint: string): Value {
  const A = view(b, x, "lhs");
  const B = view(b, y, "rhs");
  const k1 = x.dims[x.dims.length - 1];
  const k2 = y.dims[0];
  const k = checked(b, eqDim(b, k1, k2), k1, "n");
  const zero = lit(0, { dtype: x.dtype, rank: 0 });
  const fma =
    x.dtype === "f32"
      ? (acc: Atom, p: Atom, q: Atom) => b.prim("fma", [p, q, acc], undefined, "acc")
      : (acc: Atom, p: Atom, q: Atom) => b.prim("add", [acc, b.prim("mul", [p, q], undefined, "prod")], undefined, "acc");
  const rx = x.dims.length, ry = y.dims.length;
  if (rx === 1 && ry === 1) return forLoop(b, k, [zero], (l, [s]) => [fma(s, get(b, A, [l]), get(b, B, [l]))], "l", ["acc"])[0];
  if (rx === 2 && ry === 1) {
    const n = x.dims[0];
    const fresh = b.prim("arr_new", [n], { dtype: x.dtype }, hint);
    const [buf] = forLoop(b, n, [fresh], (i, [c]) => {
      const row = rowOf(b, A, i);
      const [s] = forLoop(b, k, [zero], (l, [acc]) => [fma(acc, get(b, A, [i, l], row), get(b, B, [l]))], "l", ["acc"]);
      return [b.prim("arr_set", [c, i, s], undefined, hint)];
    });
    return bufferArr(b, buf as Var, x.dtype, [n]);
  }
  // Rows of the output accumulate row l of y scaled by x[.., l].
  const n = rx === 2 ? x.dims[0] : ONE;
  const m = y.dims[1];
  const fresh = b.prim("arr_new", [imul(b, n, m, "size")], { dtype: x.dtype }, hint);
  const rows = (i: Atom | null, c0: Atom): Atom => {
    const rowA = i ? rowOf(b, A, i) : undefined;
    const row = i ? imul(b, i, m, "row") : ZERO;
    return forLoop(b, k, [c0], (l, [c1]) => {
      const a = get(b, A, i ? [i, l] : [l], rowA);
      const rowB = rowOf(b, B, l);
      return forLoop(b, m, [c1], (j, [c]) => {
        const at = iadd(b, row, j, "at");
        return [b.prim("arr_set", [c, at, fma(b.prim("arr_get", [c, at], undefined, "acc"), a, get(b, B, [l, j], rowB))], undefined, hint)];
      }, "j");
    }, "l")[0];
  };
  const buf = rx === 2 ? forLoop(b, n, [fresh], (i, [c]) => [rows(i, c)])[0] : rows(null, fresh);
  return bufferArr(b, buf as Var, x.dtype, rx === 2 ? [n, m] : [m]);
}

// ---- concatenate, take, scatter_add ---------------------------------------------------------

function concatenate(b: Builder, xs: Arr[], k: number, hint: string): Arr {
  const first = xs[0];
  // Other axes must match exactly: the checked sizes are the output's.
  const dims = first.dims.map((d, j) => (j === k ? xs.reduce<Atom>((t, x) => iadd(b, t, x.dims[k], "n"), ZERO) : checked(b, all(b, xs.map((x) => eqDim(b, x.dims[j], d))), d, "n")));
  const fresh = b.prim("arr_new", [product(b, dims)], { dtype: first.dtype }, hint);
  const strides = rowMajor(b, dims);
  let start: Atom = ZERO;
  let buf: Atom = fresh;
  for (const x of xs) {
    // Along axis 0 each input is one contiguous run of the output.
    const out: Affine = { base: imul(b, start, strides[k], "at"), strides, rm: k === 0 ? [x.dims[0], ...dims.slice(1)] : null };
    [buf] = overElements(b, x.dims, [x.tree], [out], [buf], (el, off, [c]) => [b.prim("arr_set", [c, off(out), el.gen(x.tree)], undefined, hint)]);
    start = iadd(b, start, x.dims[k], "start");
  }
  return bufferArr(b, buf as Var, first.dtype, dims);
}

/** Wraps a negative index (numpy) and checks it: the checked index is what gets used. */
function wrapIndex(b: Builder, i: Atom, n: Atom): Atom {
  const w = b.select(b.prim("lt", [i, ZERO], undefined, "neg"), iadd(b, i, n, "idx"), i, "idx");
  const ok = b.prim("and", [b.prim("ge", [w, ZERO], undefined, "ok"), b.prim("lt", [w, n], undefined, "ok")], undefined, "ok");
  return checked(b, ok, w, "idx");
}

/** Moves an index array into the index space [pre (k axes), its axes, post (p axes)]. */
function spread(idx: Arr, k: number, p: number): Arr {
  let r = idx;
  for (let j = 0; j < k; j++) r = insertAxisArr(r, 0);
  for (let j = 0; j < p; j++) r = insertAxisArr(r, r.dims.length);
  return r;
}

function take(b: Builder, x: Arr, idx: Value, k: number, hint: string): Arr {
  if (!isArr(idx)) return removeAxisArr(b, x, k, wrapIndex(b, idx, x.dims[k]));
  const v = view(b, x, hint);
  const post = x.dims.length - k - 1;
  const index = computes(idx.tree) && post > 0 ? materialize(b, idx, "idx") : idx;
  const strides = [...v.at.strides.slice(0, k), ...index.dims.map(() => ZERO), ...v.at.strides.slice(k + 1)];
  return {
    dtype: x.dtype,
    dims: [...x.dims.slice(0, k), ...index.dims, ...x.dims.slice(k + 1)],
    tree: { kind: "gather", buf: v.buf, at: { base: v.at.base, strides, rm: null }, index: spread(index, k, post).tree, scale: v.at.strides[k], n: x.dims[k] },
  };
}

/** base with upd added at idx along axis k; repeated indices accumulate in row-major order (np.add.at). */
function scatterAdd(b: Builder, base: Arr, idx: Value, upd: Arr, k: number, hint: string): Arr {
  const start = materialize(b, base, hint);
  const s = rowMajor(b, base.dims);
  const pre = base.dims.slice(0, k);
  const post = base.dims.slice(k + 1);
  if (!isArr(idx)) {
    const i = wrapIndex(b, idx, base.dims[k]);
    const space = [...pre, ...post];
    const u = broadcastChecked(b, upd, space, "upd");
    const at: Affine = { base: imul(b, i, s[k], "at"), strides: [...s.slice(0, k), ...s.slice(k + 1)], rm: null };
    const [buf] = overElements(b, space, [u.tree], [at], [start.whole], (el, off, [c]) => {
      const o = off(at);
      return [b.prim("arr_set", [c, o, b.prim("add", [b.prim("arr_get", [c, o], undefined, "old"), el.gen(u.tree)], undefined, "v")], undefined, hint)];
    });
    return bufferArr(b, buf as Var, base.dtype, base.dims);
  }
  const space = [...pre, ...idx.dims, ...post];
  const u = broadcastChecked(b, upd, space, "upd");
  const index = spread(computes(idx.tree) ? materialize(b, idx, "idx") : idx, k, post.length);
  const at: Affine = { base: ZERO, strides: [...s.slice(0, k), ...idx.dims.map(() => ZERO), ...s.slice(k + 1)], rm: null };
  const n = base.dims[k];
  const [buf] = overElements(b, space, [u.tree, index.tree], [at], [start.whole], (el: Elements, off, [c]) => {
    const i = el.gen(index.tree);
    const w = b.select(b.prim("lt", [i, ZERO], undefined, "neg"), iadd(b, i, n, "idx"), i, "idx");
    const ok = b.prim("and", [b.prim("ge", [w, ZERO], undefined, "ok"), b.prim("lt", [w, n], undefined, "ok")], undefined, "ok");
    // Out of range writes element -1: the backends' bounds check reports it.
    const o = b.select(ok, iadd(b, off(at), imul(b, w, s[k], "at"), "at"), lit(-1, ZERO.type), "at");
    return [b.prim("arr_set", [c, o, b.prim("add", [b.prim("arr_get", [c, o], undefined, "old"), el.gen(u.tree)], undefined, "v")], undefined, hint)];
  });
  return bufferArr(b, buf as Var, base.dtype, base.dims);
}
