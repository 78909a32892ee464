// JAX's function transformations: grad, valueAndGrad, jvp, vjp, jit. Each
// builds IR with the compiler's transforms (compiler/ad) and returns a JS
// function that carries that IR, so transforms nest to any depth.

import { gradFunc, jvpOf, vjpOf } from "../compiler/ad/grad.js";
import type { Func } from "../compiler/ir/syntax.js";
import { isFloat } from "../compiler/ir/syntax.js";
import { type Kernel, callKernel, kernelFor, prepare } from "./kernels.js";
import { type TreeDef, unflatten } from "./pytree.js";
import { traceSource } from "./source.js";
import { type Traced, attach, tracedOf } from "./traced.js";

export interface GradOptions {
  hasAux?: boolean;
}

const LEAF: TreeDef = { kind: "leaf" };
const list = (items: TreeDef[]): TreeDef => ({ kind: "list", items });

/** The IR of a function: attached by a transform or the build step, or compiled from its source. */
export function trace(f: unknown, who: string): Traced {
  if (typeof f !== "function") throw new TypeError(`${who}: expected a function, got ${describe(f)}`);
  return tracedOf(f) ?? traceSource(f, who);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return typeof x === "object" ? `an object (${(x as object).constructor?.name ?? "Object"})` : `${typeof x} ${String(x)}`;
}

function normalizeArgnums(t: Traced, argnums: number | number[] | undefined, who: string): { list: number[]; tuple: boolean } {
  const tuple = Array.isArray(argnums);
  const list = argnums === undefined ? [0] : Array.isArray(argnums) ? argnums : [argnums];
  for (const k of list) {
    if (!Number.isInteger(k) || k < 0 || k >= t.arity) {
      throw new RangeError(`${who}(${t.name}): argnums ${k} is out of range for a function of ${t.arity} positional argument${t.arity === 1 ? "" : "s"}`);
    }
  }
  return { list, tuple };
}

/** Checks the arguments of a call and appends the captured values. */
function kernelArgs(t: Traced, args: unknown[], who: string): number[] {
  if (args.length !== t.arity) {
    throw new TypeError(`${who}: ${t.name} takes ${t.arity} argument${t.arity === 1 ? "" : "s"}, got ${args.length}`);
  }
  const out = new Array<number>(t.arity);
  for (let k = 0; k < t.arity; k++) {
    const a = args[k];
    if (typeof a === "number") out[k] = a;
    else if (typeof a === "boolean") out[k] = a ? 1 : 0;
    else {
      const p = t.func.params[k]?.name ?? `#${k}`;
      throw new TypeError(`${who}: argument ${k} (${p}) of ${t.name} must be a number, got ${describe(a)}`);
    }
  }
  const caps = t.captures();
  return caps.length ? out.concat(caps) : out;
}

/** Makes the JS function that runs `t` (compiling it on first call). */
export function callable(t: Traced, who: string): (...args: unknown[]) => unknown {
  prepare(t.func);
  const single = t.out.kind === "leaf";
  let k: Kernel | undefined;
  const f = (...args: unknown[]) => {
    k ??= kernelFor(t.func);
    const input = kernelArgs(t, args, who);
    if (single) {
      k.input.set(input);
      k.run();
      return k.output[0];
    }
    return unflatten(t.out, callKernel(k, input));
  };
  return attach(f, t);
}

function scalarOutput(t: Traced, who: string, hasAux: boolean): void {
  const r = t.func.body.results;
  const valueIsScalar = hasAux ? t.out.kind === "list" && t.out.items.length === 2 && t.out.items[0].kind === "leaf" : t.out.kind === "leaf";
  if (!valueIsScalar || !isFloat(r[0].type) || r[0].type.rank !== 0) {
    const got = t.out.kind === "list" ? `a tuple of ${t.out.items.length}` : "a non-scalar";
    throw new TypeError(
      hasAux
        ? `${who}(${t.name}, { hasAux: true }): ${t.name} must return [scalar, aux], got ${got}`
        : `${who}(${t.name}): ${t.name} must return a scalar, but it returns ${got}; use jacfwd/jacrev for vector outputs, or hasAux: true for [value, aux]`,
    );
  }
}

/** Reorders a function's results. */
function pick(f: Func, indices: number[]): Func {
  return { ...f, body: { ...f.body, results: indices.map((k) => f.body.results[k]) } };
}

function gradTraced(t: Traced, argnums: number | number[] | undefined, opts: GradOptions, withValue: boolean, who: string): Traced {
  const hasAux = !!opts.hasAux;
  scalarOutput(t, who, hasAux);
  const { list: nums, tuple } = normalizeArgnums(t, argnums, who);
  const nres = t.func.body.results.length;
  const auxIdx = hasAux ? Array.from({ length: nres - 1 }, (_, k) => k + 1) : [];
  const keep = withValue ? [0, ...auxIdx] : auxIdx;
  const g = gradFunc(t.func, { argnums: nums, keep }, `${withValue ? "value_and_grad" : "grad"}_${t.func.name}`);
  // results: [value?, aux..., grads...] → leaves in the order of the output tree
  const nk = keep.length;
  const gradIdx = nums.map((_, j) => nk + j);
  const auxPos = auxIdx.map((_, j) => (withValue ? 1 : 0) + j);
  const gradTree = tuple ? list(nums.map(() => LEAF)) : LEAF;
  const auxTree = hasAux ? (t.out as { items: TreeDef[] }).items[1] : undefined;
  let order: number[];
  let out: TreeDef;
  if (withValue) {
    order = hasAux ? [0, ...auxPos, ...gradIdx] : [0, ...gradIdx];
    out = list([hasAux ? list([LEAF, auxTree!]) : LEAF, gradTree]);
  } else {
    order = hasAux ? [...gradIdx, ...auxPos] : gradIdx;
    out = hasAux ? list([gradTree, auxTree!]) : gradTree;
  }
  return { func: pick(g, order), name: `${who}(${t.name})`, arity: t.arity, captures: t.captures, out };
}

/** jax.grad: the gradient of a scalar function with respect to the arguments `argnums` (default 0). */
export function grad(f: (...args: any[]) => any, argnums?: number | number[], options: GradOptions = {}): (...args: any[]) => any {
  return callable(gradTraced(trace(f, "grad"), argnums, options, false, "grad"), "grad");
}

/** jax.value_and_grad: returns [value, gradient] (with hasAux: [[value, aux], gradient]). */
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
export function jvp(f: (...args: any[]) => any, primals: unknown[], tangents: unknown[]): [unknown, unknown] {
  const t = trace(f, "jvp");
  checkTuple(primals, t.arity, "primals", "jvp");
  checkTuple(tangents, t.arity, "tangents", "jvp");
  const all = Array.from({ length: t.arity }, (_, k) => k);
  // the kernel takes the primals, the captured values, then the tangents
  const jf = jvpOf(t.func, all);
  const nres = t.func.body.results.length;
  const results = callKernel(kernelFor(jf), [...kernelArgs(t, primals, "jvp"), ...kernelArgsOf(t, tangents, "jvp")]);
  const unflat = (xs: number[]) => (t.out.kind === "leaf" ? xs[0] : unflatten(t.out, xs));
  return [unflat(results.slice(0, nres)), unflat(results.slice(nres))];
}

function kernelArgsOf(t: Traced, args: unknown[], who: string): number[] {
  return kernelArgs({ ...t, captures: () => [] }, args, who);
}

/** jax.vjp: returns [f(...primals), vjpFn] where vjpFn(cotangent) gives one cotangent per primal (an array). */
export function vjp(f: (...args: any[]) => any, ...primals: unknown[]): [unknown, (ct: unknown) => unknown[]] {
  const t = trace(f, "vjp");
  const all = Array.from({ length: t.arity }, (_, k) => k);
  const back = vjpOf(t.func, all);
  const args = kernelArgs(t, primals, "vjp");
  const nres = t.func.body.results.length;
  const fk = kernelFor(t.func);
  const out = callKernel(fk, args);
  const value = t.out.kind === "leaf" ? out[0] : unflatten(t.out, out);
  const bk = kernelFor(back);
  const vjpFn = (ct: unknown) => {
    const cts = nres === 1 ? [ct] : ct;
    if (!Array.isArray(cts) || cts.length !== nres || cts.some((c) => typeof c !== "number")) {
      throw new TypeError(`vjp(${t.name}): the cotangent must have the structure of the output (${nres === 1 ? "a number" : `an array of ${nres} numbers`})`);
    }
    return callKernel(bk, [...args, ...(cts as number[])]);
  };
  return [value, vjpFn];
}

