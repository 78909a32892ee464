// Run-time shapes for lower-arrays.ts: dimension arithmetic on i32 atoms,
// row-major strides, numpy broadcasting with its shape checks, and the
// lazy-array representation (Arr / Tree / Affine) the other files share.
//
// Shape errors. A mismatch the lowered code discovers (incompatible
// broadcast, matmul inner dims, reshape size, concatenate/slice/take bounds)
// must not read or write out of bounds. Rather than adding an error primitive
// to the IR, a failed check performs an out-of-bounds arr_get on an empty
// buffer, so the backends' bounds checks (the same ones every arr_get has)
// raise the error. A check is written as `n = if ok { yield d } else { fail }`
// so that the checked dimension is what the rest of the code uses: dce keeps
// the check exactly as long as anything depends on that dimension. Element
// indices that can be wrong (take/scatter_add) become -1 instead, which the
// following arr_get/arr_set rejects: no branch in inner loops.

import type { Builder } from "../ir/builder.js";
import { isLit } from "../ir/builder.js";
import type { Atom, Attrs, DType, ElementwisePrim, Prim, Var } from "../ir/syntax.js";
import { arrayOf, i32, lit } from "../ir/syntax.js";

/**
 * Where an element lives (or, for iota, its value): base + Σ index_k · strides_k
 * over the index space of the array it belongs to.
 *
 * `rm` ("row-major in"): dims for which this affine map equals
 * base + (row-major flat index) — then, whenever rm equals the array's dims at
 * run time, the element at flat position f is simply base + f. null when no
 * such dims are known (after a transpose, a gather, ...). rm has one entry
 * per axis of the index space.
 */
export interface Affine {
  readonly base: Atom;
  readonly strides: readonly Atom[];
  readonly rm: readonly Atom[] | null;
}

/**
 * A lazy array: the expression computing one element, over an index space
 * whose extents are the array's dims. Leaves read buffers (`load`, `gather`),
 * compute from the index (`index`: iota) or are scalars; `map` nodes are
 * fused elementwise primitives.
 */
export type Tree =
  | { readonly kind: "load"; readonly buf: Var; readonly at: Affine }
  | { readonly kind: "index"; readonly dtype: DType; readonly at: Affine }
  | { readonly kind: "scalar"; readonly value: Atom }
  | { readonly kind: "map"; readonly prim: ElementwisePrim; readonly attrs?: Attrs; readonly args: readonly Tree[] }
  // buf[at + wrap(index) · scale], where wrap makes negative indices count from n (numpy take)
  | { readonly kind: "gather"; readonly buf: Var; readonly at: Affine; readonly index: Tree; readonly scale: Atom; readonly n: Atom };

/** An array value during lowering: a dtype, run-time dims and a lazy element expression. */
export interface Arr {
  readonly dtype: DType;
  readonly dims: readonly Atom[];
  readonly tree: Tree;
  /** A buffer holding exactly this array, row-major, if one exists (no copy needed to pass it on). */
  readonly whole?: Var;
}

// ---- shared index computations --------------------------------------------------------------
//
// Dims, strides, sizes and shape tests are computed again and again (every
// value of an AD program broadcasts against the same few dims). They go
// through `cse`: one variable per distinct computation visible in the current
// block. Every place that opens a block (loops, branches, checks) runs its
// body in `scope`, so nothing defined inside a block is reused outside it.

const memos = new WeakMap<Builder, Map<string, Atom>[]>();

function memoStack(b: Builder): Map<string, Atom>[] {
  let s = memos.get(b);
  if (!s) memos.set(b, (s = [new Map()]));
  return s;
}

/** Runs `fn` (which builds a nested block) with its own scope of shared computations. */
export function scope<T>(b: Builder, fn: () => T): T {
  const s = memoStack(b);
  s.push(new Map());
  try {
    return fn();
  } finally {
    s.pop();
  }
}

const keyOf = (a: Atom): string => (a.kind === "var" ? a.name : `${a.value}:${a.type.dtype}`);

/** A remembered value for `key` in this scope or an enclosing one, else `make()` (remembered). */
export function memo(b: Builder, key: string, make: () => Atom): Atom {
  const s = memoStack(b);
  for (let k = s.length - 1; k >= 0; k--) {
    const r = s[k].get(key);
    if (r) return r;
  }
  const r = make();
  s[s.length - 1].set(key, r);
  return r;
}

/** b.prim, shared with an identical earlier application in scope. */
export function cse(b: Builder, p: Prim, args: Atom[], hint: string): Atom {
  if (args.every((a) => a.kind === "lit")) return b.prim(p, args, undefined, hint);
  return memo(b, `${p}(${args.map(keyOf).join(",")})`, () => b.prim(p, args, undefined, hint));
}

// ---- i32 index arithmetic: folds zeros and ones (exact for integers) ----------------------

export const ZERO = lit(0, i32);
export const ONE = lit(1, i32);

export function iadd(b: Builder, x: Atom, y: Atom, hint = "n"): Atom {
  if (isLit(x, 0)) return y;
  if (isLit(y, 0)) return x;
  return cse(b, "add", [x, y], hint);
}

export function imul(b: Builder, x: Atom, y: Atom, hint = "n"): Atom {
  if (isLit(x, 0) || isLit(y, 0)) return ZERO;
  if (isLit(x, 1)) return y;
  if (isLit(y, 1)) return x;
  return cse(b, "mul", [x, y], hint);
}

export const isOne = (b: Builder, d: Atom): Atom => cse(b, "eq", [d, ONE], "is_one");

/** c ? x : y on i32 / bool, shared. */
export function iselect(b: Builder, c: Atom, x: Atom, y: Atom, hint: string): Atom {
  if (c.kind === "lit") return c.value ? x : y;
  if (sameDim(x, y)) return x;
  return cse(b, "select", [c, x, y], hint);
}

/** Same dimension without running anything: one variable, or equal literals. */
export function sameDim(x: Atom, y: Atom): boolean {
  if (x.kind === "lit") return y.kind === "lit" && x.value === y.value;
  return y.kind === "var" && x.name === y.name;
}

export const sameDims = (xs: readonly Atom[], ys: readonly Atom[]): boolean => xs.length === ys.length && xs.every((x, k) => sameDim(x, ys[k]));

export function product(b: Builder, dims: readonly Atom[], hint = "size"): Atom {
  return dims.reduce<Atom>((acc, d) => imul(b, acc, d, hint), ONE);
}

/** Row-major strides of `dims` (the last axis has stride 1). */
export function rowMajor(b: Builder, dims: readonly Atom[]): Atom[] {
  const s = new Array<Atom>(dims.length);
  let k: Atom = ONE;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = k;
    if (i > 0) k = imul(b, k, dims[i], "stride");
  }
  return s;
}

/** The affine map of a row-major buffer holding an array of `dims`. */
export function rowMajorAffine(b: Builder, dims: readonly Atom[], base: Atom = ZERO): Affine {
  return { base, strides: rowMajor(b, dims), rm: dims };
}

// ---- checks ----------------------------------------------------------------------------

const checkNames = new WeakMap<Builder, Set<string>>();

/** The result names of the shape checks emitted through `b` (dce roots: passes/dce.ts). */
export function checkOutputs(b: Builder): Set<string> {
  let s = checkNames.get(b);
  if (!s) checkNames.set(b, (s = new Set()));
  return s;
}

/**
 * Emits `if ok { yield value } else { fail }` and returns `value` itself: once
 * the check has passed the two are equal, and keeping one variable per
 * dimension is what lets later operations see equal shapes statically.
 * The check is a root for passes/dce.ts, so it stays without being read.
 */
export function checked(b: Builder, ok: Atom, value: Atom, hint = "n"): Atom {
  if (ok.kind === "lit" && ok.value) return value;
  const out = b.fresh(`${hint}_checked`, value.type);
  checkOutputs(b).add(out.name);
  const then = scope(b, () => b.block(() => [value]));
  const fail = scope(b, () => b.block(() => {
    const empty = b.prim("arr_new", [ZERO], { dtype: value.type.dtype }, "shape_error");
    return [b.prim("arr_get", [empty, ZERO], undefined, "never")];
  }));
  b.emit({ kind: "if", outs: [out], cond: ok, then, else: fail });
  return value;
}

export function all(b: Builder, conds: Atom[]): Atom {
  return conds.reduce<Atom>((acc, c) => (acc.kind === "lit" ? (acc.value ? c : acc) : c.kind === "lit" ? (c.value ? acc : c) : cse(b, "and", [acc, c], "ok")), lit(true, { dtype: "bool", rank: 0 }));
}

export function eqDim(b: Builder, x: Atom, y: Atom): Atom {
  if (sameDim(x, y)) return lit(true, { dtype: "bool", rank: 0 });
  // One variable per unordered pair.
  const [p, q] = keyOf(x) < keyOf(y) ? [x, y] : [y, x];
  return cse(b, "eq", [p, q], "same");
}

/** d is 1 or equals n: d broadcasts to n. */
const fits = (b: Builder, d: Atom, n: Atom): Atom =>
  isLit(d, 1) || sameDim(d, n) || knownToFit(b, d, n) ? lit(true, { dtype: "bool", rank: 0 }) : cse(b, "or", [isOne(b, d), eqDim(b, d, n)], "ok");

// Facts established by passed checks: `d fits n` (d is 1 or n). A size
// broadcast with the result of an earlier broadcast it took part in then
// needs neither a new check nor a new variable.
const TRUE = lit(true, { dtype: "bool", rank: 0 });
const fitsKey = (d: Atom, n: Atom) => `fits(${keyOf(d)},${keyOf(n)})`;
const learnFits = (b: Builder, d: Atom, n: Atom) => memo(b, fitsKey(d, n), () => TRUE);
/** Checks (unless already known) that d is 1 or n; remembers it. */
export function checkFits(b: Builder, d: Atom, n: Atom): void {
  if (isLit(d, 1) || sameDim(d, n) || knownToFit(b, d, n)) return;
  checked(b, fits(b, d, n), n, "n");
  learnFits(b, d, n);
}

function knownToFit(b: Builder, d: Atom, n: Atom): boolean {
  const s = memoStack(b);
  return s.some((m) => m.has(fitsKey(d, n)));
}

/**
 * numpy broadcasting of several shapes (aligned on the right), checked:
 * each axis's size is the one size other than 1, and all others must be 1 or it.
 */
export function broadcastDims(b: Builder, shapes: (readonly Atom[])[]): Atom[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Atom[] = [];
  for (let k = 0; k < rank; k++) {
    const cands: Atom[] = [];
    for (const s of shapes) {
      const d = s[s.length - rank + k];
      if (d === undefined || isLit(d, 1) || cands.some((c) => sameDim(c, d))) continue;
      cands.push(d);
    }
    // Sizes known to fit another candidate do not decide the result.
    for (let j = cands.length - 1; j >= 0; j--) if (cands.some((c, i) => i !== j && knownToFit(b, cands[j], c))) cands.splice(j, 1);
    if (cands.length === 0) out.push(ONE);
    else if (cands.length === 1) out.push(cands[0]);
    else {
      // The same sizes broadcast together before give the same (checked) size.
      const key = `broadcast(${cands.map(keyOf).sort().join(",")})`;
      out.push(
        memo(b, key, () => {
          // The first size that is not 1 at run time; every other one must be 1 or equal it.
          let n = cands[cands.length - 1];
          for (let j = cands.length - 2; j >= 0; j--) n = iselect(b, isOne(b, cands[j]), n, cands[j], "n");
          const r = checked(b, all(b, cands.slice(1).map((c) => fits(b, c, n))), n, "n");
          cands.forEach((c) => learnFits(b, c, r));
          return r;
        }),
      );
    }
  }
  return out;
}

/** Checks that `from` broadcasts to exactly `to` (numpy's broadcast_to is one-directional). */
export function checkBroadcastTo(b: Builder, from: readonly Atom[], to: readonly Atom[]): Atom[] {
  if (from.length > to.length) throw new Error("broadcast to a lower rank");
  const lead = to.length - from.length;
  return to.map((d, k) => {
    const f = from[k - lead];
    if (k < lead || sameDim(f, d) || isLit(f, 1) || knownToFit(b, f, d)) return d;
    checked(b, fits(b, f, d), d, "n");
    learnFits(b, f, d);
    return d;
  });
}

export const bufType = (dtype: DType) => arrayOf(dtype, 1);
