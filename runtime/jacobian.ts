// jax.jacfwd, jax.jacrev and jax.hessian. Each returns a function carrying a
// Traced, so they nest (hessian = jacfwd(jacrev(f))) and compose with grad/jit.
//
// The basis is swept inside one kernel, not by one call per basis vector:
// jacfwd emits, per differentiated input leaf of n elements, a `for` loop over
// k < n whose body inlines the JVP of f with the one-hot tangent e_k (built
// from iota == k) and adds the tangent of each output into row k of a zero
// accumulator (scatter_add, which lowers to an in-place add into a buffer the
// loop carries). jacrev does the same over the elements of each output leaf
// with the VJP and one-hot cotangents. Scalar leaves need no loop: one JVP
// with tangent 1 (or one VJP with cotangent 1) is their Jacobian.
//
// Shapes follow JAX: the Jacobian of an output leaf of shape O with respect to
// an input leaf of shape I has shape O + I; the result is a pytree of the
// output's structure whose leaves are pytrees of the input's structure (a
// tuple of them when argnums is an array).

import { inlineFunc, jvpOf, vjpOf } from "../compiler/ad/grad.js";
import { Builder } from "../compiler/ir/builder.js";
import { dce } from "../compiler/ir/dce.js";
import { type Atom, BUFFER_PRIMS, type DType, type Func, type Stmt, type Var, i32, isFloat, lit } from "../compiler/ir/syntax.js";
import { type TreeDef, leafCount, leafPaths } from "./pytree.js";
import type { CallSig } from "./signature.js";
import { type Instance, type Traced, perSignature } from "./traced.js";
import { callable, leafRange, normalizeArgnums, trace } from "./transforms.js";
import type { Argnums, HessianOf, JacobianOf, Transformed } from "./api-types.js";

type Fn = (...args: any[]) => any;
type Mode = "fwd" | "rev";

const BUFFER = new Set<string>(BUFFER_PRIMS);
const list = (items: TreeDef[]): TreeDef => ({ kind: "list", items });

/** jax.jacfwd: the Jacobian by forward mode (one JVP per input element, in one kernel). */
export function jacfwd<F extends Fn>(f: F): Transformed<F, JacobianOf<F, 0>>;
export function jacfwd<F extends Fn, const A extends Argnums>(f: F, argnums: A): Transformed<F, JacobianOf<F, A>>;
export function jacfwd(f: Fn, argnums?: Argnums): Fn;
export function jacfwd(f: Fn, argnums?: number | number[]): Fn {
  return callable(jacTraced(trace(f, "jacfwd"), argnums, "fwd", "jacfwd"), "jacfwd");
}

/** jax.jacrev: the Jacobian by reverse mode (one VJP per output element, in one kernel). */
export function jacrev<F extends Fn>(f: F): Transformed<F, JacobianOf<F, 0>>;
export function jacrev<F extends Fn, const A extends Argnums>(f: F, argnums: A): Transformed<F, JacobianOf<F, A>>;
export function jacrev(f: Fn, argnums?: Argnums): Fn;
export function jacrev(f: Fn, argnums?: number | number[]): Fn {
  return callable(jacTraced(trace(f, "jacrev"), argnums, "rev", "jacrev"), "jacrev");
}

/** jax.hessian: jacfwd(jacrev(f)), forward-over-reverse. */
export function hessian<F extends Fn>(f: F): Transformed<F, HessianOf<F, 0>>;
export function hessian<F extends Fn, const A extends Argnums>(f: F, argnums: A): Transformed<F, HessianOf<F, A>>;
export function hessian(f: Fn, argnums?: number | number[]): Fn {
  const h = jacfwd(jacrev(f, argnums), argnums);
  const t = trace(h, "hessian");
  return callable({ ...t, name: `hessian(${trace(f, "hessian").name})` }, "hessian");
}

/** Replaces every leaf of `def` by `sub`: the output structure whose leaves are input structures. */
function nest(def: TreeDef, sub: TreeDef): TreeDef {
  switch (def.kind) {
    case "leaf":
      return sub;
    case "none":
      return def;
    case "list":
      return list(def.items.map((d) => nest(d, sub)));
    case "dict":
      return { kind: "dict", keys: def.keys, items: def.items.map((d) => nest(d, sub)) };
  }
}

function jacTraced(t: Traced, argnums: number | number[] | undefined, mode: Mode, who: string): Traced {
  const { nums, tuple } = normalizeArgnums(t, argnums, who);
  const instantiate = perSignature((sig): Instance => {
    const inner = t.instantiate(sig);
    const f = inner.func;
    const leaves = nums.flatMap((k) => leafRange(sig, k));
    const paths = nums.flatMap((k) => leafPaths(sig.defs[k], t.paramNames[k] ?? `args[${k}]`));
    leaves.forEach((p, j) => {
      if (!isFloat(f.params[p].type)) throw new TypeError(`${who}(${t.name}): ${paths[j]} has dtype ${f.params[p].type.dtype}; differentiation needs float inputs`);
    });
    const outPaths = leafPaths(inner.out, "output");
    f.body.results.forEach((r, j) => {
      if (!isFloat(r.type)) throw new TypeError(`${who}(${t.name}): ${outPaths[j]} has dtype ${r.type.dtype}; Jacobians need float outputs`);
    });
    const jac = mode === "fwd" ? forwardJacobian(f, leaves) : reverseJacobian(f, leaves);
    const inTree = tuple ? list(nums.map((k) => sig.defs[k])) : sig.defs[nums[0]];
    return { func: { ...jac, name: `${mode === "fwd" ? "jacfwd" : "jacrev"}_${f.name}` }, out: nest(inner.out, inTree) };
  });
  return { name: `${who}(${t.name})`, arity: t.arity, paramNames: t.paramNames, captures: t.captures, instantiate };
}

// ---- IR construction ------------------------------------------------------------------

const dimsOf = (b: Builder, x: Atom): Atom[] => Array.from({ length: x.type.rank }, (_, k) => b.prim("shape", [x], { axes: [k] }, "n"));
const product = (b: Builder, dims: Atom[]): Atom => dims.reduce((n, d) => b.mul(n, d, "size"), lit(1, i32));

/** The one-hot array e_k with `like`'s shape and dtype: (iota(n) == k) cast and reshaped. */
function oneHot(b: Builder, k: Atom, n: Atom, dims: Atom[], dtype: DType): Atom {
  const e = b.cast(b.prim("eq", [b.prim("iota", [n], { dtype: "i32" }), k]), dtype, "basis");
  return dims.length === 1 ? e : b.prim("reshape", [e, ...dims], undefined, "basis");
}

/**
 * Row k of each accumulator (shapes [n, ...]) gets `rows(k)[j]`, for k < n:
 * a loop carrying the accumulators, updated by scatter_add.
 */
function sweep(b: Builder, n: Atom, accDims: Atom[][], types: { dtype: DType; rank: number }[], rows: (k: Var) => Atom[]): Atom[] {
  const inits = types.map((ty, j) => b.prim("full", [lit(0, { dtype: ty.dtype, rank: 0 }), n, ...accDims[j]], undefined, "jac"));
  const k = b.fresh("k", i32);
  const carried = types.map((ty) => b.fresh("jac", { dtype: ty.dtype, rank: ty.rank + 1 }));
  const body = b.block(() =>
    rows(k).map((row, j) =>
      row.type.rank > 0
        ? b.prim("scatter_add", [carried[j], k, row], { axes: [0] }, "jac")
        : // a scalar row goes in as a one-element update at a one-element index (the lowering wants an array update)
          b.prim("scatter_add", [carried[j], b.prim("full", [k, lit(1, i32)]), b.prim("full", [row, lit(1, i32)])], { axes: [0] }, "jac"),
    ),
  );
  const { hoisted, rest } = hoistInvariants(body.stmts, [k, ...carried]);
  for (const s of hoisted) b.emit(s);
  const outs = carried.map((c) => b.fresh("jac", c.type));
  b.emit({ kind: "for", outs, index: k, lo: lit(0, i32), hi: n, reverse: false, carried, inits, body: { stmts: rest, results: body.results } });
  return outs;
}

/**
 * Moves the primitives of a loop body that do not depend on the loop's index
 * or carried values out of the loop: the inlined JVP/VJP recomputes f's primal
 * values in every iteration otherwise, so jacrev would cost n forward passes.
 * Primitives are pure; buffer primitives stay (they allocate or update in place).
 */
function hoistInvariants(stmts: Stmt[], loopVars: Var[]): { hoisted: Stmt[]; rest: Stmt[] } {
  const variant = new Set(loopVars.map((x) => x.name));
  const hoisted: Stmt[] = [];
  const rest: Stmt[] = [];
  for (const s of stmts) {
    const invariant = s.kind === "prim" && !BUFFER.has(s.prim) && s.args.every((a) => a.kind === "lit" || !variant.has(a.name));
    if (invariant) hoisted.push(s);
    else {
      rest.push(s);
      for (const o of s.outs) variant.add(o.name);
    }
  }
  return { hoisted, rest };
}

/** [n, ...rest] accumulated over a basis of shape `dims` → dims + rest, or rest + dims when `basisLast`. */
function unflattenBasis(b: Builder, acc: Atom, basisDims: Atom[], restDims: Atom[], basisLast: boolean): Atom {
  const r = basisDims.length;
  const s = restDims.length;
  const shaped = r === 1 ? acc : b.prim("reshape", [acc, ...basisDims, ...restDims], undefined, "jac");
  if (!basisLast || s === 0) return shaped;
  const perm = [...Array.from({ length: s }, (_, i) => r + i), ...Array.from({ length: r }, (_, i) => i)];
  return b.prim("transpose", [shaped], { perm }, "jac");
}

/** (params) → J[j][i] for every result j and differentiated parameter i, by JVPs. */
function forwardJacobian(f: Func, leaves: number[]): Func {
  const b = new Builder();
  const params = f.params.map((p) => b.fresh(p.name, p.type));
  const nres = f.body.results.length;
  const primal = inlineFunc(b, f, params); // output shapes, for the accumulators
  const outDims = primal.map((y) => dimsOf(b, y));
  const cols = leaves.map((p) => {
    const x = params[p];
    const jv = jvpOf(f, [p]);
    if (x.type.rank === 0) return inlineFunc(b, jv, [...params, lit(1, x.type)]).slice(nres);
    const inDims = dimsOf(b, x);
    const n = product(b, inDims);
    const accs = sweep(b, n, outDims, primal.map((y) => y.type), (k) => {
      const e = oneHot(b, k, n, inDims, x.type.dtype);
      return inlineFunc(b, jv, [...params, e]).slice(nres);
    });
    return accs.map((acc, j) => unflattenBasis(b, acc, inDims, outDims[j], true));
  });
  // results ordered by output leaf, then by input leaf
  const results = primal.flatMap((_, j) => cols.map((c) => c[j]));
  return dce({ name: `jacfwd_${f.name}`, params, body: { stmts: b.stmts, results } });
}

/** (params) → J[j][i] by VJPs: one sweep over the elements of each result. */
function reverseJacobian(f: Func, leaves: number[]): Func {
  const back = vjpOf(f, leaves); // params: f's params, one cotangent per result
  const b = new Builder();
  const params = f.params.map((p) => b.fresh(p.name, p.type));
  const primal = inlineFunc(b, f, params);
  const outDims = primal.map((y) => dimsOf(b, y));
  const xs = leaves.map((p) => params[p]);
  const inDims = xs.map((x) => dimsOf(b, x));
  const zeros = primal.map((y) => (y.type.rank === 0 ? lit(0, y.type) : b.prim("broadcast_like", [lit(0, { dtype: y.type.dtype, rank: 0 }), y], undefined, "zeros")));
  const rows = primal.map((y, j) => {
    const cts = (ct: Atom) => zeros.map((z, i) => (i === j ? ct : z));
    if (y.type.rank === 0) return inlineFunc(b, back, [...params, ...cts(lit(1, y.type))]);
    const m = product(b, outDims[j]);
    const accs = sweep(b, m, inDims, xs.map((x) => x.type), (k) => inlineFunc(b, back, [...params, ...cts(oneHot(b, k, m, outDims[j], y.type.dtype))]));
    return accs.map((acc, i) => unflattenBasis(b, acc, outDims[j], inDims[i], false));
  });
  return dce({ name: `jacrev_${f.name}`, params, body: { stmts: b.stmts, results: rows.flat() } });
}
