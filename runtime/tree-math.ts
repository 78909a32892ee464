// Eager arithmetic on pytrees of numbers, NDArrays and typed arrays, for
// checkGrads (check.ts): x + eps·v, central differences, inner products,
// random directions. A result leaf has the kind and dtype of the leaf it came
// from (float32 stays float32, so finite differences see float32 rounding as
// JAX's do); numbers stay numbers. Everything here runs in JS: these are a few
// passes over the arguments, not worth a kernel.

import { config } from "./config.js";
import { NDArray } from "./ndarray.js";
import { flatten, treeKey, unflatten } from "./pytree.js";
import { describe } from "./signature.js";

type FloatName = "f32" | "f64";

/** The elements of a leaf, as numbers (booleans as 0 / 1). */
export function leafValues(x: unknown): ArrayLike<number> {
  if (typeof x === "number") return [x];
  if (typeof x === "boolean") return [x ? 1 : 0];
  if (x instanceof NDArray) return x.data;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return x as unknown as ArrayLike<number>;
  throw new TypeError(`expected a number or an array, got ${describe(x)}`);
}

/** A leaf of `like`'s kind, shape and dtype holding `values`. */
export function leafLike(like: unknown, values: ArrayLike<number>): unknown {
  if (typeof like === "number") return values[0];
  if (typeof like === "boolean") return values[0] !== 0;
  if (like instanceof NDArray) {
    const C = like.data.constructor as new (v: ArrayLike<number>) => NDArray["data"];
    return new NDArray(new C(values), [...like.shape], like.dtype);
  }
  const C = (like as Float64Array).constructor as new (v: ArrayLike<number>) => Float64Array;
  return new C(values);
}

/** The float dtype a leaf is computed in: numbers take the default float, as in kernels. */
export function leafDtype(x: unknown): FloatName | "int" {
  if (typeof x === "number") return config.enableX64 ? "f64" : "f32";
  if (x instanceof NDArray) return x.dtype === "float64" ? "f64" : x.dtype === "float32" ? "f32" : "int";
  if (x instanceof Float64Array) return "f64";
  if (x instanceof Float32Array) return "f32";
  return "int";
}

export const isFloatLeaf = (x: unknown): boolean => leafDtype(x) !== "int";

/** Applies `fn` elementwise to corresponding leaves; the trees must have the same structure. */
export function treeMap(fn: (...xs: number[]) => number, ...trees: unknown[]): unknown {
  const flat = trees.map((t) => flatten(t));
  const key = treeKey(flat[0].def);
  for (const f of flat) if (treeKey(f.def) !== key) throw new TypeError("tree-math: the pytrees have different structures");
  const out = flat[0].leaves.map((x, k) => {
    const vals = flat.map((f) => leafValues(f.leaves[k]));
    const n = vals[0].length;
    for (const v of vals) if (v.length !== n) throw new RangeError("tree-math: corresponding leaves have different sizes");
    const r = new Float64Array(n);
    const args = new Array<number>(vals.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < vals.length; j++) args[j] = vals[j][i];
      r[i] = fn(...args);
    }
    return leafLike(x, r);
  });
  return unflatten(flat[0].def, out);
}

export const treeAdd = (a: unknown, b: unknown): unknown => treeMap((x, y) => x + y, a, b);
export const treeSub = (a: unknown, b: unknown): unknown => treeMap((x, y) => x - y, a, b);
export const treeScale = (a: unknown, s: number): unknown => treeMap((x) => x * s, a);
/** a - b with inf - inf = 0 where they are equal (JAX's _safe_subtract). */
export const treeSafeSub = (a: unknown, b: unknown): unknown => treeMap((x, y) => (x === y ? 0 : x - y), a, b);

/** Σ over corresponding leaves of their dot products, in float64. */
export function treeVdot(a: unknown, b: unknown): number {
  const fa = flatten(a).leaves;
  const fb = flatten(b).leaves;
  if (fa.length !== fb.length) throw new TypeError("tree-math: the pytrees have different numbers of leaves");
  let s = 0;
  fa.forEach((x, k) => {
    const u = leafValues(x);
    const v = leafValues(fb[k]);
    for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  });
  return s;
}

/**
 * numpy's legacy `np.random.RandomState(seed).randn`: MT19937 seeded by
 * init_genrand, doubles from two 32-bit draws, the polar Box–Muller method
 * with its cached second value. checkGrads draws the directions JAX's
 * check_grads draws, so a check here and in JAX probe the same directions.
 */
export function normalRng(seed = 0): () => number {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
  }
  let pos = 624;
  const int32 = (): number => {
    if (pos >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      pos = 0;
    }
    let y = mt[pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const double = () => ((int32() >>> 5) * 67108864 + (int32() >>> 6)) / 9007199254740992;
  let cached: number | null = null;
  return () => {
    if (cached !== null) {
      const g = cached;
      cached = null;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * double() - 1;
      x2 = 2 * double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    cached = f * x1;
    return f * x2;
  };
}

/** A tree like `tree` with standard-normal float leaves (JAX's rand_like). */
export function treeRandLike(rng: () => number, tree: unknown): unknown {
  return treeMap(() => rng(), tree);
}

/** A tree like `tree` that is zero except in leaf `keep` (for checking one argument at a time). */
export function treeOnlyLeaf(tree: unknown, keep: number): unknown {
  const { leaves, def } = flatten(tree);
  return unflatten(def, leaves.map((x, k) => (k === keep ? x : leafLike(x, new Float64Array(leafValues(x).length)))));
}
