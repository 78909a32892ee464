// Reference semantics of every primitive on arrays, with numpy's meaning
// (see ARRAY_PRIMS in syntax.ts for the list and prims.ts for the ranks).
// Small and direct rather than fast: interp.ts runs IR with it, and the
// lowering of array primitives to loops is tested against it.
//
// Values: rank 0 is a JS number; arrays are NDValue (a row-major typed array
// and a shape). A bare typed array, as the arr_* buffer primitives make, is
// accepted as a rank-1 array. Results are NDValue (numbers for rank 0), with
// data of the result type's dtype, so storing rounds f32 and wraps i32.

import { argReduce, matmul, reduce } from "./array-reduce.js";
import {
  type Data,
  type NDValue,
  broadcastShapes,
  broadcastStrides,
  checkAxis,
  checkDims,
  dot,
  fmt,
  forEachIndex,
  isData,
  newData,
  sizeOf,
  stridesOf,
} from "./array-shape.js";
import { evalScalar } from "./eval.js";
import { type Attrs, type ElementwisePrim, type Prim, type Type, isArrayPrim, isElementwise } from "./syntax.js";

export type { NDValue } from "./array-shape.js";
export type ArrayArg = number | NDValue | Data;

/** Views any accepted value as an NDValue (a number is rank 0). */
export function toND(x: ArrayArg): NDValue {
  if (typeof x === "number") return { data: Float64Array.of(x), shape: [] };
  if (isData(x)) return { data: x, shape: [x.length] };
  if (x.data.length !== sizeOf(x.shape)) throw new Error(`array of shape ${fmt(x.shape)} has ${x.data.length} elements`);
  return x;
}

/** Applies `prim` to numbers and arrays; `out` is the result type (from prims.ts). */
export function evalArrayPrim(prim: Prim, args: ArrayArg[], attrs: Attrs | undefined, out: Type): number | NDValue {
  const xs = args.map(toND);
  const r = isElementwise(prim) ? elementwise(prim, xs, attrs, out) : structural(prim, xs, args, attrs, out);
  if (r.shape.length !== out.rank) throw new Error(`${prim}: result has shape ${fmt(r.shape)} but its type has rank ${out.rank}`);
  return r.shape.length === 0 ? r.data[0] : r;
}

/** Elementwise primitives broadcast their arguments; each element goes through evalScalar. */
function elementwise(prim: ElementwisePrim, xs: NDValue[], attrs: Attrs | undefined, out: Type): NDValue {
  const shape = xs.map((x) => x.shape).reduce(broadcastShapes, []);
  const strides = xs.map((x) => broadcastStrides(x.shape, shape));
  const data = newData(out.dtype, sizeOf(shape));
  forEachIndex(shape, (idx, flat) => {
    data[flat] = evalScalar(prim, xs.map((x, k) => x.data[dot(idx, strides[k])]), attrs, out.dtype);
  });
  return { data, shape };
}

/** An array of `shape` whose element at index i is x's element number src(i): every data movement is one. */
function gather(x: NDValue, shape: number[], out: Type, src: (idx: number[]) => number): NDValue {
  const data = newData(out.dtype, sizeOf(shape));
  forEachIndex(shape, (idx, flat) => {
    data[flat] = x.data[src(idx)];
  });
  return { data, shape };
}

/** x with the same elements in a new shape (reshape, expand_dims, squeeze, sum_like's last step). */
const withShape = (x: NDValue, shape: number[], out: Type): NDValue => {
  const data = newData(out.dtype, x.data.length);
  data.set(x.data);
  return { data, shape };
};

function broadcastTo(x: NDValue, shape: number[], out: Type): NDValue {
  const s = broadcastStrides(x.shape, shape);
  return gather(x, shape, out, (idx) => dot(idx, s));
}

/** Wraps a negative index like numpy; out of range is an error. */
function wrapIndex(i: number, n: number, axis: number): number {
  const j = i < 0 ? i + n : i;
  if (!Number.isInteger(i) || j < 0 || j >= n) throw new Error(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
  return j;
}

/** Scalar arguments that are dimensions, starts or sizes (numbers at run time). */
const ints = (args: ArrayArg[], what: string) =>
  args.map((a) => {
    if (typeof a !== "number") throw new Error(`${what}: expected a scalar argument`);
    return a;
  });

function structural(prim: Prim, xs: NDValue[], raw: ArrayArg[], attrs: Attrs | undefined, out: Type): NDValue {
  if (!isArrayPrim(prim)) throw new Error(`${prim} is not an array primitive`);
  const x = xs[0];
  const axis = () => checkAxis(attrs?.axes?.[0], x.shape.length, prim);
  switch (prim) {
    case "shape":
      return { data: Int32Array.of(x.shape[axis()]), shape: [] };
    case "full":
      return broadcastTo(x, checkDims(ints(raw.slice(1), prim), prim), out);
    case "iota": {
      const [n] = checkDims(ints(raw, prim), prim);
      const data = newData(out.dtype, n);
      for (let k = 0; k < n; k++) data[k] = k;
      return { data, shape: [n] };
    }
    case "broadcast_to":
      return broadcastTo(x, checkDims(ints(raw.slice(1), prim), prim), out);
    case "broadcast_like":
      return broadcastTo(x, xs[1].shape, out);
    case "sum_like":
      return sumLike(x, xs[1].shape, out);
    case "reduce_sum":
    case "reduce_prod":
    case "reduce_max":
    case "reduce_min":
      return reduce(prim, x, attrs, out.dtype);
    case "argmax":
    case "argmin":
      return argReduce(prim, x, attrs);
    case "matmul":
      return matmul(x, xs[1], out.dtype);
    case "transpose": {
      const perm = attrs?.perm ?? [];
      const isPerm = perm.length === x.shape.length && [...perm].sort((a, b) => a - b).every((k, i) => k === i);
      if (!isPerm) throw new Error(`transpose: [${perm}] is not a permutation of the axes of ${fmt(x.shape)}`);
      const s = stridesOf(x.shape);
      return gather(x, perm.map((k) => x.shape[k]), out, (idx) => idx.reduce((o, i, j) => o + i * s[perm[j]], 0));
    }
    case "reshape":
      return withShape(x, reshapeDims(x.shape, ints(raw.slice(1), prim)), out);
    case "expand_dims": {
      const k = checkAxis(attrs?.axes?.[0], x.shape.length + 1, prim);
      return withShape(x, [...x.shape.slice(0, k), 1, ...x.shape.slice(k)], out);
    }
    case "squeeze": {
      const axes = attrs?.axes ?? [];
      for (const k of axes) if (x.shape[checkAxis(k, x.shape.length, prim)] !== 1) throw new Error(`cannot select an axis to squeeze out which has size not equal to one (axis ${k} of shape ${fmt(x.shape)})`);
      return withShape(x, x.shape.filter((_, k) => !axes.includes(k)), out);
    }
    case "concatenate":
      return concatenate(xs, axis(), out);
    case "slice": {
      const k = axis();
      const [start, size] = ints(raw.slice(1, 3), prim);
      const n = x.shape[k];
      if (!Number.isInteger(start) || !Number.isInteger(size) || start < 0 || size < 0 || start + size > n) throw new Error(`slice [${start}, ${start + size}) is out of bounds for axis ${k} with size ${n}`);
      const s = stridesOf(x.shape);
      return gather(x, x.shape.map((m, j) => (j === k ? size : m)), out, (idx) => dot(idx, s) + start * s[k]);
    }
    case "take": {
      const k = axis();
      const idx = xs[1];
      const s = stridesOf(x.shape);
      const si = stridesOf(idx.shape);
      const r = idx.shape.length;
      const shape = [...x.shape.slice(0, k), ...idx.shape, ...x.shape.slice(k + 1)];
      // out[pre, j.., post] = x[pre, idx[j..], post]
      return gather(x, shape, out, (o) => {
        const i = wrapIndex(idx.data[dot(o.slice(k, k + r), si)], x.shape[k], k);
        return dot(o.slice(0, k), s) + i * s[k] + dot(o.slice(k + r), s.slice(k + 1));
      });
    }
    case "scatter_add":
      return scatterAdd(x, xs[1], xs[2], axis(), out);
    default:
      throw new Error(`no array semantics for ${prim satisfies never}`);
  }
}

/** reshape's target shape: one -1 is inferred; the sizes must agree. */
function reshapeDims(shape: number[], dims: number[]): number[] {
  const n = sizeOf(shape);
  const unknown = dims.filter((d) => d === -1).length;
  const bad = () => new Error(`cannot reshape array of size ${n} into shape ${fmt(dims)}`);
  if (unknown > 1) throw new Error("can only specify one unknown dimension");
  if (dims.some((d) => !Number.isInteger(d) || d < -1)) throw bad();
  const known = sizeOf(dims.filter((d) => d !== -1));
  if (unknown === 0) {
    if (known !== n) throw bad();
    return dims;
  }
  if (known === 0 || n % known !== 0) throw bad(); // numpy cannot infer -1 next to a 0 either
  return dims.map((d) => (d === -1 ? (known === 0 ? 0 : n / known) : d));
}

/** sum_like: sums x down to `like` (the transpose of broadcasting `like` to x's shape). */
function sumLike(x: NDValue, like: number[], out: Type): NDValue {
  const lead = x.shape.length - like.length;
  const compatible = lead >= 0 && like.every((n, j) => n === x.shape[lead + j] || n === 1);
  if (!compatible) throw new Error(`sum_like: cannot sum shape ${fmt(x.shape)} down to ${fmt(like)} (not broadcast-compatible)`);
  const axes = x.shape.map((_, k) => k).filter((k) => k < lead || (like[k - lead] === 1 && x.shape[k] !== 1));
  if (axes.length === 0) return withShape(x, like, out);
  return withShape(reduce("reduce_sum", x, { axes, keepdims: true }, out.dtype), like, out);
}

function concatenate(xs: NDValue[], k: number, out: Type): NDValue {
  const first = xs[0].shape;
  xs.forEach((x, a) => {
    if (x.shape.length !== first.length) throw new Error(`all the input arrays must have same number of dimensions, but the array at index 0 has ${first.length} dimension(s) and the array at index ${a} has ${x.shape.length} dimension(s)`);
    x.shape.forEach((n, j) => {
      if (j !== k && n !== first[j])
        throw new Error(`all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${j}, the array at index 0 has size ${first[j]} and the array at index ${a} has size ${n}`);
    });
  });
  const shape = first.map((n, j) => (j === k ? xs.reduce((t, x) => t + x.shape[k], 0) : n));
  const data = newData(out.dtype, sizeOf(shape));
  const s = stridesOf(shape);
  let offset = 0; // where along axis k the current input starts
  for (const x of xs) {
    forEachIndex(x.shape, (idx, flat) => {
      data[dot(idx, s) + offset * s[k]] = x.data[flat];
    });
    offset += x.shape[k];
  }
  return { data, shape };
}

/** scatter_add: base with upd[pre, j.., post] added at base[pre, idx[j..], post]; repeated indices accumulate (np.add.at). */
function scatterAdd(base: NDValue, idx: NDValue, upd: NDValue, k: number, out: Type): NDValue {
  const r = idx.shape.length;
  const shape = [...base.shape.slice(0, k), ...idx.shape, ...base.shape.slice(k + 1)];
  const us = broadcastStrides(upd.shape, shape); // np.add.at broadcasts the updates
  const s = stridesOf(base.shape);
  const si = stridesOf(idx.shape);
  const data = newData(out.dtype, base.data.length);
  data.set(base.data);
  forEachIndex(shape, (o) => {
    const i = wrapIndex(idx.data[dot(o.slice(k, k + r), si)], base.shape[k], k);
    const at = dot(o.slice(0, k), s) + i * s[k] + dot(o.slice(k + r), s.slice(k + 1));
    data[at] = evalScalar("add", [data[at], upd.data[dot(o, us)]], undefined, out.dtype);
  });
  return { data, shape: [...base.shape] };
}
