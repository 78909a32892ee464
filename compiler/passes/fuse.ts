// Fusion for lower-arrays.ts: lazy arrays (shapes.ts: Arr / Tree / Affine),
// the index-space transforms that make broadcasting, transposes, expand_dims,
// squeeze, slices and reshapes free (they only rewrite the affine maps of the
// leaves), element generation (one scalar expression per output element, with
// loads of the same element shared), and the loop nests that run an index
// space: one flat loop when every leaf is row-major in the array's shape
// (decided statically when the dims are the same variables, else by a run-time
// test, else never), nested loops with incrementally computed offsets otherwise.

import type { Builder } from "../ir/builder.js";
import { isLit } from "../ir/builder.js";
import type { Atom, Attrs, DType, ElementwisePrim, Type, Var } from "../ir/syntax.js";
import { bool, lit } from "../ir/syntax.js";
import {
  type Affine,
  type Arr,
  type Tree,
  ONE,
  ZERO,
  all,
  eqDim,
  iadd,
  imul,
  iselect,
  isOne,
  product,
  scope,
  rowMajor,
  rowMajorAffine,
  sameDim,
  sameDims,
} from "./shapes.js";

// ---- keys (structural identity, for sharing offsets and loads) -------------------------

export const atomKey = (a: Atom): string => (a.kind === "var" ? a.name : `${a.value}:${a.type.dtype}`);
const affKey = (a: Affine): string => `${atomKey(a.base)}+${a.strides.map(atomKey).join(",")}`;

/** Does evaluating the tree compute anything (more than loads and index arithmetic)? */
export function computes(t: Tree): boolean {
  return t.kind === "map" || t.kind === "gather";
}

/** Applies `f` to every affine map of the tree (index-space transforms). */
export function mapAffines(t: Tree, f: (a: Affine) => Affine): Tree {
  switch (t.kind) {
    case "load":
    case "index":
      return { ...t, at: f(t.at) };
    case "scalar":
      return t;
    case "map":
      return { ...t, args: t.args.map((a) => mapAffines(a, f)) };
    case "gather":
      return { ...t, at: f(t.at), index: mapAffines(t.index, f) };
  }
}

/** The distinct affine maps of some trees, in first-use order. */
export function affinesOf(trees: readonly Tree[]): Affine[] {
  const seen = new Map<string, Affine>();
  const walk = (t: Tree) => {
    if (t.kind === "load" || t.kind === "index" || t.kind === "gather") if (!seen.has(affKey(t.at))) seen.set(affKey(t.at), t.at);
    if (t.kind === "map") t.args.forEach(walk);
    if (t.kind === "gather") walk(t.index);
  };
  trees.forEach(walk);
  return [...seen.values()];
}

// ---- arrays from buffers, scalars, elementwise primitives -----------------------------

/** A row-major buffer holding exactly an array of `dims`. */
export function bufferArr(b: Builder, buf: Var, dtype: DType, dims: readonly Atom[]): Arr {
  return { dtype, dims, tree: { kind: "load", buf, at: rowMajorAffine(b, dims) }, whole: buf };
}

/** Reads `arr` as if broadcast to `to` (already checked compatible): stride 0 on new and stretched axes. */
export function broadcastArr(b: Builder, arr: Arr, to: readonly Atom[]): Arr {
  if (sameDims(arr.dims, to)) return arr;
  const lead = to.length - arr.dims.length;
  // A size-1 axis is only ever read at index 0, so its stride may always be 0;
  // when the size is only known at run time, select it.
  const stride = (s: Atom, d: Atom, target: Atom): Atom => {
    if (sameDim(d, target) || isLit(s, 0)) return s;
    if (isLit(d, 1)) return ZERO;
    return iselect(b, isOne(b, d), ZERO, s, "stride");
  };
  const f = (a: Affine): Affine => ({
    base: a.base,
    strides: [...to.slice(0, lead).map(() => ZERO), ...a.strides.map((s, k) => stride(s, arr.dims[k], to[lead + k]))],
    rm: a.rm && [...to.slice(0, lead).map(() => ONE), ...a.rm],
  });
  return { dtype: arr.dtype, dims: to, tree: mapAffines(arr.tree, f) };
}

export function scalarArr(value: Atom, dims: readonly Atom[]): Arr {
  return { dtype: value.type.dtype, dims, tree: { kind: "scalar", value } };
}

/** An elementwise primitive on arrays (already broadcast to `dims`) and scalars, fused. */
export function mapArr(prim: ElementwisePrim, attrs: Attrs | undefined, args: readonly (Arr | Atom)[], dims: readonly Atom[], out: Type): Arr {
  const trees: Tree[] = args.map((a) => ("tree" in a ? a.tree : { kind: "scalar", value: a }));
  // cast to the same dtype and stop_gradient are the identity on values.
  if ((prim === "stop_gradient" || (prim === "cast" && "tree" in args[0] && (args[0] as Arr).dtype === out.dtype)) && "tree" in args[0]) return args[0] as Arr;
  return { dtype: out.dtype, dims, tree: { kind: "map", prim, attrs, args: trees } };
}

// ---- index-space transforms --------------------------------------------------------------

export function permuteArr(arr: Arr, perm: readonly number[]): Arr {
  const identity = perm.every((k, i) => k === i);
  if (identity) return arr;
  const f = (a: Affine): Affine => ({ base: a.base, strides: perm.map((k) => a.strides[k]), rm: null });
  return { dtype: arr.dtype, dims: perm.map((k) => arr.dims[k]), tree: mapAffines(arr.tree, f) };
}

export function insertAxisArr(arr: Arr, k: number): Arr {
  const ins = <T>(xs: readonly T[], x: T) => [...xs.slice(0, k), x, ...xs.slice(k)];
  const f = (a: Affine): Affine => ({ base: a.base, strides: ins(a.strides, ZERO), rm: a.rm && ins(a.rm, ONE) });
  return { dtype: arr.dtype, dims: ins(arr.dims, ONE), tree: mapAffines(arr.tree, f), whole: arr.whole };
}

/**
 * Drops axis k, fixing its index at `at` (take with a scalar index; squeeze
 * with at = 0 on a checked size-1 axis). Row-major layout survives when no
 * earlier axis has a stride depending on k's size: k is first, or every rm
 * entry before it is 1, or (squeeze) k's rm entry is the checked size 1.
 */
export function removeAxisArr(b: Builder, arr: Arr, k: number, at: Atom, squeezed = false): Arr {
  const del = <T>(xs: readonly T[]) => [...xs.slice(0, k), ...xs.slice(k + 1)];
  const f = (a: Affine): Affine => {
    const keepsRm = a.rm && (a.rm.slice(0, k).every((d) => isLit(d, 1)) || (squeezed && (isLit(a.rm[k], 1) || sameDim(a.rm[k], arr.dims[k]))));
    return { base: iadd(b, a.base, imul(b, at, a.strides[k], "at"), "at"), strides: del(a.strides), rm: keepsRm ? del(a.rm!) : null };
  };
  return { dtype: arr.dtype, dims: del(arr.dims), tree: mapAffines(arr.tree, f), whole: squeezed ? arr.whole : undefined };
}

/** x[.., start:start+size, ..] along axis k (bounds checked by the caller). */
export function sliceArr(b: Builder, arr: Arr, k: number, start: Atom, size: Atom): Arr {
  const f = (a: Affine): Affine => {
    const keepsRm = a.rm && a.rm.slice(0, k).every((d) => isLit(d, 1));
    return { base: iadd(b, a.base, imul(b, start, a.strides[k], "at"), "at"), strides: a.strides, rm: keepsRm ? a.rm!.map((d, j) => (j === k ? size : d)) : null };
  };
  const dims = arr.dims.map((d, j) => (j === k ? size : d));
  return { dtype: arr.dtype, dims, tree: mapAffines(arr.tree, f) };
}

/** Can `arr` be re-indexed by its row-major flat index without a run-time test? */
export function staticallyRowMajor(arr: Arr): boolean {
  return affinesOf([arr.tree]).every((a) => a.rm !== null && sameDims(a.rm, arr.dims));
}

/**
 * The same elements in a new shape of the same size. Every leaf must be
 * row-major in `arr.dims` (staticallyRowMajor, or a run-time test the caller
 * made): its element at flat position f is base + f, whatever the shape.
 */
export function reshapeArr(b: Builder, arr: Arr, dims: readonly Atom[]): Arr {
  const strides = rowMajor(b, dims);
  const f = (a: Affine): Affine => ({ base: a.base, strides, rm: dims });
  return { dtype: arr.dtype, dims, tree: mapAffines(arr.tree, f), whole: arr.whole };
}

// ---- loops ---------------------------------------------------------------------------------

/** `for i in lo..hi carry(state)`; the body gets the index and the carried values. Returns the final values. */
export function forLoop(b: Builder, hi: Atom, inits: readonly Atom[], body: (i: Var, carried: Var[]) => Atom[], hint = "i", carriedHints?: readonly string[], lo: Atom = ZERO): Atom[] {
  const index = b.fresh(hint, { dtype: "i32", rank: 0 });
  const carried = inits.map((a, k) => b.fresh(carriedHints?.[k] ?? (a.kind === "var" ? a.name : "acc"), a.type));
  const blk = scope(b, () => b.block(() => body(index, carried)));
  const outs = inits.map((a, k) => b.fresh(carriedHints?.[k] ?? (a.kind === "var" ? a.name : "acc"), a.type));
  b.emit({ kind: "for", outs, index, lo, hi, reverse: false, carried, inits: [...inits], body: blk });
  return outs;
}

const LOOP_NAMES = ["i", "j", "k", "l", "m"];

/** Where each affine of a loop nest points in the current iteration. */
export type Offsets = (a: Affine) => Atom;

/**
 * Nested loops over `axes` of an index space (outermost first), carrying
 * `state`. Each affine's offset is updated once per level, not recomputed in
 * the innermost loop. `start` are the offsets before the first of these axes.
 */
export function nest(b: Builder, dims: readonly Atom[], axes: readonly number[], affs: readonly Affine[], start: readonly Atom[], state: readonly Atom[], inner: (off: Offsets, state: Atom[]) => Atom[], depth = 0): Atom[] {
  const keys = affs.map(affKey);
  const lookup = (offs: readonly Atom[]): Offsets => (a) => {
    const j = keys.indexOf(affKey(a));
    if (j < 0) throw new Error("lower-arrays: affine map missing from the loop nest");
    return offs[j];
  };
  const rec = (j: number, offs: readonly Atom[], st: Atom[]): Atom[] => {
    if (j === axes.length) return inner(lookup(offs), st);
    const k = axes[j];
    return forLoop(
      b,
      dims[k],
      st,
      (i, carried) => rec(j + 1, offs.map((o, n) => iadd(b, o, imul(b, i, affs[n].strides[k], "at"), "at")), carried),
      LOOP_NAMES[depth + j] ?? "i",
    );
  };
  return rec(0, start, [...state]);
}

/** Is every affine row-major in `dims`? lit true / lit false when known statically, else a bool test. */
export function flatTest(b: Builder, affs: readonly Affine[], dims: readonly Atom[]): Atom {
  if (affs.some((a) => a.rm === null || a.rm.length !== dims.length)) return lit(false, bool);
  const tests: Atom[] = [];
  const seen = new Set<string>();
  for (const a of affs)
    a.rm!.forEach((d, k) => {
      const key = `${atomKey(d)}=${atomKey(dims[k])}`;
      if (seen.has(key)) return;
      seen.add(key);
      tests.push(eqDim(b, d, dims[k]));
    });
  return all(b, tests);
}

/** Generates elements of trees for the current iteration; a leaf read twice is loaded once. */
export class Elements {
  private readonly cache = new Map<string, Atom>();
  constructor(
    private readonly b: Builder,
    private readonly off: Offsets,
  ) {}

  gen(t: Tree): Atom {
    const b = this.b;
    switch (t.kind) {
      case "scalar":
        return t.value;
      case "index":
        return b.cast(this.off(t.at), t.dtype, "v");
      case "load": {
        const key = `${t.buf.name}[${affKey(t.at)}]`;
        let r = this.cache.get(key);
        if (!r) this.cache.set(key, (r = b.prim("arr_get", [t.buf, this.off(t.at)], undefined, `${t.buf.name}_v`)));
        return r;
      }
      case "map":
        return b.prim(t.prim, t.args.map((a) => this.gen(a)), t.attrs, "v");
      case "gather": {
        const i = this.gen(t.index);
        const wrapped = b.select(b.prim("lt", [i, ZERO], undefined, "neg"), iadd(b, i, t.n), i, "idx");
        const ok = b.prim("and", [b.prim("ge", [wrapped, ZERO], undefined, "ok"), b.prim("lt", [wrapped, t.n], undefined, "ok")], undefined, "ok");
        // Out of range reads element -1: the backends' bounds check reports it.
        const at = b.select(ok, iadd(b, this.off(t.at), imul(b, wrapped, t.scale, "at"), "at"), lit(-1, ZERO.type), "at");
        return b.prim("arr_get", [t.buf, at], undefined, `${t.buf.name}_v`);
      }
    }
  }
}

/**
 * Runs every element of an index space of `dims` (row-major order), carrying
 * `state`. `trees` and `extra` name the affine maps the body reads (extra: e.g.
 * the output buffer's). Emits one flat loop over the total size when every map
 * is row-major in `dims` — statically, or behind a run-time test with the
 * nested loops as the other branch.
 */
export function overElements(b: Builder, dims: readonly Atom[], trees: readonly Tree[], extra: readonly Affine[], state: readonly Atom[], inner: (el: Elements, off: Offsets, state: Atom[]) => Atom[]): Atom[] {
  const affs = [...affinesOf(trees), ...extra];
  const nested = () => nest(b, dims, dims.map((_, k) => k), affs, affs.map((a) => a.base), state, (off, st) => inner(new Elements(b, off), off, st));
  if (dims.length === 0) return nested();
  const test = flatTest(b, affs, dims);
  if (dims.length === 1 && test.kind === "lit") return nested(); // the same loop either way
  const flat = () =>
    forLoop(b, product(b, dims), state, (i, st) => {
      const keys = affs.map(affKey);
      const off: Offsets = (a) => iadd(b, affs[keys.indexOf(affKey(a))].base, i, "at");
      return inner(new Elements(b, off), off, st);
    });
  if (test.kind === "lit") return test.value ? flat() : nested();
  return ifElse(b, test, flat, nested, state.map((s) => s.type), state.map((s) => (s.kind === "var" ? s.name : "acc")));
}

/** `if c { then } else { other }` with results of the given types. */
export function ifElse(b: Builder, c: Atom, then: () => Atom[], other: () => Atom[], types: readonly Type[], hints: readonly string[]): Atom[] {
  const t = scope(b, () => b.block(then));
  const e = scope(b, () => b.block(other));
  const outs = types.map((ty, k) => b.fresh(hints[k] ?? "r", ty));
  b.emit({ kind: "if", outs, cond: c, then: t, else: e });
  return outs;
}

/** `arr` in a buffer of its own (or the one it already is). */
export function materialize(b: Builder, arr: Arr, hint: string): Arr & { whole: Var } {
  if (arr.whole) return arr as Arr & { whole: Var };
  const size = product(b, arr.dims);
  const fresh = b.prim("arr_new", [size], { dtype: arr.dtype }, hint) as Var;
  // arr_new zero-fills on every backend.
  if (arr.tree.kind === "scalar" && isLit(arr.tree.value, 0)) return bufferArr(b, fresh, arr.dtype, arr.dims) as Arr & { whole: Var };
  const out = rowMajorAffine(b, arr.dims);
  const [buf] = overElements(b, arr.dims, [arr.tree], [out], [fresh], (el, off, [cur]) => [b.prim("arr_set", [cur, off(out), el.gen(arr.tree)], undefined, hint)]);
  return { dtype: arr.dtype, dims: arr.dims, tree: { kind: "load", buf: buf as Var, at: out }, whole: buf as Var };
}


