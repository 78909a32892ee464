// JAX's function transformations: grad, valueAndGrad, jvp, vjp, jit. Each
// returns a JS function carrying a Traced (traced.ts) that builds its IR per
// call signature from the IR of its argument, so transforms nest to any
// depth. Calls go through call.ts, which compiles and runs the kernel.

import { gradFunc, jvpOf, vjpOf } from "../compiler/ad/grad.js";
import type { Func } from "../compiler/ir/syntax.js";
import { isFloat } from "../compiler/ir/syntax.js";
import { callTraced, signatureOf } from "./call.js";
import { type TreeDef, leafCount, leafPaths } from "./pytree.js";
import { type CallSig, describe } from "./signature.js";
import { traceSource } from "./source.js";
import { type Instance, type Traced, attach, perSignature, tracedOf } from "./traced.js";
import type { Fn, GradOf, AuxOf, GradOptions, Transformed } from "./api-types.js";

export type { GradOptions } from "./api-types.js";

const LEAF: TreeDef = { kind: "leaf" };
const list = (items: TreeDef[]): TreeDef => ({ kind: "list", items });

/** The IR of a function: attached by a transform or the build step, or compiled from its source. */
export function trace(f: unknown, who: string): Traced {
  if (typeof f !== "function") throw new TypeError(`${who}: expected a function, got ${describe(f)}`);
  return tracedOf(f) ?? traceSource(f, who);
}

/** The JS function that runs `t`. */
export function callable(t: Traced, who: string): (...args: any[]) => any {
  return attach((...args: unknown[]) => callTraced(t, args, who), t);
}

export function normalizeArgnums(t: Traced, argnums: number | number[] | undefined, who: string): { nums: number[]; tuple: boolean } {
  const tuple = Array.isArray(argnums);
  const nums = argnums === undefined ? [0] : Array.isArray(argnums) ? argnums : [argnums];
  if (tuple && nums.length === 0) throw new RangeError(`${who}(${t.name}): argnums must not be empty`);
  for (const k of nums) {
    if (!Number.isInteger(k) || k < 0 || k >= t.arity) {
      throw new RangeError(`${who}(${t.name}): argnums ${k} is out of range for a function of ${t.arity} positional argument${t.arity === 1 ? "" : "s"}`);
    }
  }
  return { nums, tuple };
}

/** Leaf positions of positional argument k in the flattened parameters. */
export function leafRange(sig: CallSig, k: number): number[] {
  let start = 0;
  for (let j = 0; j < k; j++) start += leafCount(sig.defs[j]);
  return Array.from({ length: leafCount(sig.defs[k]) }, (_, i) => start + i);
}

function checkScalarOutput(t: Traced, inst: Instance, who: string, hasAux: boolean): void {
  const out = inst.out;
  const r = inst.func.body.results;
  const ok = hasAux ? out.kind === "list" && out.items.length === 2 && out.items[0].kind === "leaf" : out.kind === "leaf";
  if (!ok || !isFloat(r[0].type) || r[0].type.rank !== 0) {
    const got = out.kind === "list" ? `a tuple of ${out.items.length}` : out.kind === "leaf" ? (r[0].type.rank > 0 ? `an array of rank ${r[0].type.rank}` : `a ${r[0].type.dtype} value`) : "a pytree";
    throw new TypeError(
      hasAux
        ? `${who}(${t.name}, { hasAux: true }): ${t.name} must return [scalar, aux], got ${got}`
        : `${who}(${t.name}): ${t.name} must return a float scalar, but it returns ${got}; use jacfwd/jacrev for non-scalar outputs, or hasAux: true for [value, aux]`,
    );
  }
}

function checkFloatInputs(t: Traced, sig: CallSig, nums: number[], who: string): void {
  for (const k of nums) {
    const paths = leafPaths(sig.defs[k], t.paramNames[k] ?? `args[${k}]`);
    leafRange(sig, k).forEach((leaf, j) => {
      const ty = sig.leaves[leaf].type;
      if (!isFloat(ty)) throw new TypeError(`${who}(${t.name}): ${paths[j]} has dtype ${ty.dtype}; differentiation needs float inputs (pass a float array or a number)`);
    });
  }
}

/** Reorders a function's results. */
function pick(f: Func, indices: number[]): Func {
  return { ...f, body: { ...f.body, results: indices.map((k) => f.body.results[k]) } };
}

function gradTraced(t: Traced, argnums: number | number[] | undefined, opts: GradOptions, withValue: boolean, who: string): Traced {
  const hasAux = !!opts.hasAux;
  const { nums, tuple } = normalizeArgnums(t, argnums, who);
  const instantiate = perSignature((sig) => {
    const inner = t.instantiate(sig);
    checkScalarOutput(t, inner, who, hasAux);
    checkFloatInputs(t, sig, nums, who);
    const nres = inner.func.body.results.length;
    const auxIdx = hasAux ? Array.from({ length: nres - 1 }, (_, k) => k + 1) : [];
    const keep = withValue ? [0, ...auxIdx] : auxIdx;
    const leaves = nums.flatMap((k) => leafRange(sig, k));
    const g = gradFunc(inner.func, { argnums: leaves, keep }, `${withValue ? "value_and_grad" : "grad"}_${inner.func.name}`);
    // g's results: [value?, aux..., gradient leaves...]; reorder to the output tree's leaf order
    const gradIdx = leaves.map((_, j) => keep.length + j);
    const auxPos = auxIdx.map((_, j) => (withValue ? 1 : 0) + j);
    const gradTree = tuple ? list(nums.map((k) => sig.defs[k])) : sig.defs[nums[0]];
    const auxTree = hasAux ? (inner.out as { items: TreeDef[] }).items[1] : LEAF;
    // gradients of typed-array inputs come back as the same typed-array class
    const typedGrads = leaves.map((l) => sig.leaves[l].kind === "typed");
    if (withValue) {
      const order = hasAux ? [0, ...auxPos, ...gradIdx] : [0, ...gradIdx];
      const typedResults = [...order.slice(0, order.length - gradIdx.length).map(() => false), ...typedGrads];
      return { func: pick(g, order), out: list([hasAux ? list([LEAF, auxTree]) : LEAF, gradTree]), typedResults };
    }
    const order = hasAux ? [...gradIdx, ...auxPos] : gradIdx;
    const typedResults = hasAux ? [...typedGrads, ...auxPos.map(() => false)] : typedGrads;
    return { func: pick(g, order), out: hasAux ? list([gradTree, auxTree]) : gradTree, typedResults };
  });
  return { name: `${who}(${t.name})`, arity: t.arity, paramNames: t.paramNames, captures: t.captures, instantiate };
}

/** jax.grad: the gradient of a scalar function with respect to the arguments `argnums` (default 0). */
export function grad<F extends Fn>(f: F): Transformed<F, GradOf<F, 0>>;
export function grad<F extends Fn, const A extends number | number[]>(f: F, argnums: A, options?: { hasAux?: false }): Transformed<F, GradOf<F, A>>;
export function grad<F extends Fn, const A extends number | number[] = 0>(f: F, argnums: A | undefined, options: { hasAux: true }): Transformed<F, [GradOf<F, A>, AuxOf<F>]>;
export function grad(f: Fn, argnums?: number | number[], options?: GradOptions): Fn;
export function grad(f: (...args: any[]) => any, argnums?: number | number[], options: GradOptions = {}): (...args: any[]) => any {
  return callable(gradTraced(trace(f, "grad"), argnums, options, false, "grad"), "grad");
}

/** jax.value_and_grad: returns [value, gradient] (with hasAux: [[value, aux], gradient]). */
export function valueAndGrad<F extends Fn>(f: F): Transformed<F, [ReturnType<F>, GradOf<F, 0>]>;
export function valueAndGrad<F extends Fn, const A extends number | number[] = 0>(f: F, argnums: A | undefined, options?: GradOptions): Transformed<F, [ReturnType<F>, GradOf<F, A>]>;
export function valueAndGrad(f: Fn, argnums?: number | number[], options?: GradOptions): Fn;
export function valueAndGrad(f: (...args: any[]) => any, argnums?: number | number[], options: GradOptions = {}): (...args: any[]) => any {
  return callable(gradTraced(trace(f, "valueAndGrad"), argnums, options, true, "valueAndGrad"), "valueAndGrad");
}

/** jax.jit: compiles `f` (natively where possible); the result carries f's IR. */
export function jit<F extends (...args: any[]) => any>(f: F): F {
  const t = trace(f, "jit");
  return callable({ ...t, name: `jit(${t.name})` }, "jit") as F;
}

function checkTuple(x: unknown, n: number, what: string, who: string): unknown[] {
  if (!Array.isArray(x) || x.length !== n) throw new TypeError(`${who}: ${what} must be an array of ${n} value${n === 1 ? "" : "s"} (one per argument)`);
  return x;
}

/** jax.jvp: evaluates f at `primals` and its directional derivative along `tangents`: [out, tangentOut]. */
export function jvp<F extends Fn>(f: F, primals: Parameters<F>, tangents: Parameters<F>): [ReturnType<F>, ReturnType<F>];
export function jvp(f: (...args: any[]) => any, primals: unknown[], tangents: unknown[]): [unknown, unknown] {
  const t = trace(f, "jvp");
  checkTuple(primals, t.arity, "primals", "jvp");
  checkTuple(tangents, t.arity, "tangents", "jvp");
  const all = Array.from({ length: t.arity }, (_, k) => k);
  // a function of (primals..., tangents...) whose captured values stay last
  const jt: Traced = {
    name: `jvp(${t.name})`,
    arity: 2 * t.arity,
    paramNames: [...t.paramNames, ...t.paramNames.map((n) => `${n}_dot`)],
    captures: t.captures,
    instantiate: perSignature((sig) => {
      const primalSig = signatureOf([...primals, t.captures()], `jvp(${t.name})`, t.paramNames);
      const inner = t.instantiate(primalSig);
      checkFloatInputs(t, primalSig, all, "jvp");
      const nPrimalLeaves = all.reduce((n, k) => n + leafCount(sig.defs[k]), 0);
      const nCap = inner.func.params.length - nPrimalLeaves;
      const j = jvpOf(inner.func, Array.from({ length: nPrimalLeaves }, (_, k) => k), `jvp_${inner.func.name}`);
      // jvpOf's params: primal leaves, captured leaves, tangent leaves → reorder to primals, tangents, captured
      const ps = j.params;
      const params = [...ps.slice(0, nPrimalLeaves), ...ps.slice(nPrimalLeaves + nCap), ...ps.slice(nPrimalLeaves, nPrimalLeaves + nCap)];
      return { func: { ...j, params }, out: list([inner.out, inner.out]) };
    }),
  };
  return callTraced(jt, [...primals, ...tangents], "jvp") as [unknown, unknown];
}

/** jax.vjp: returns [f(...primals), vjpFn] where vjpFn(cotangent) gives one cotangent per primal (an array). */
export function vjp<F extends Fn>(f: F, ...primals: Parameters<F>): [ReturnType<F>, (cotangent: ReturnType<F>) => Parameters<F>];
export function vjp(f: (...args: any[]) => any, ...primals: unknown[]): [unknown, (ct: unknown) => unknown[]] {
  const t = trace(f, "vjp");
  const value = callTraced(t, primals, "vjp");
  const all = Array.from({ length: t.arity }, (_, k) => k);
  const sig = signatureOf([...primals, t.captures()], `vjp(${t.name})`, t.paramNames);
  const inner = t.instantiate(sig);
  checkFloatInputs(t, sig, all, "vjp");
  const nPrimalLeaves = all.reduce((n, k) => n + leafCount(sig.defs[k]), 0);
  const back = vjpOf(inner.func, Array.from({ length: nPrimalLeaves }, (_, k) => k), `vjp_${inner.func.name}`);
  const bt: Traced = {
    name: `vjp(${t.name})`,
    arity: t.arity + 1,
    paramNames: [...t.paramNames, "cotangent"],
    captures: t.captures,
    // vjpOf's params: primal leaves, captured leaves, cotangent leaves → primals, cotangents, captured
    instantiate: perSignature(() => {
      const ps = back.params;
      const nCap = inner.func.params.length - nPrimalLeaves;
      const params = [...ps.slice(0, nPrimalLeaves), ...ps.slice(nPrimalLeaves + nCap), ...ps.slice(nPrimalLeaves, nPrimalLeaves + nCap)];
      return { func: { ...back, params }, out: list(all.map((k) => sig.defs[k])) };
    }),
  };
  const vjpFn = (ct: unknown) => callTraced(bt, [...primals, ct], "vjp") as unknown[];
  return [value, vjpFn];
}

