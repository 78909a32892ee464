// jax.test_util.check_grads: checks derivatives against central finite
// differences in one random direction (so the cost does not grow with the
// number of inputs), recursively to `order`:
//
//  - "fwd": jvp(f)(x; v) against (f(x + eps·v) − f(x − eps·v)) / 2eps; then the
//    same check on the function (x, v) ↦ jvp(f)(x; v) itself.
//  - "rev": ⟨vjp(f)(x)(u), v⟩ against ⟨u, numerical jvp along v⟩ (the
//    dot-product identity); then the same check on x ↦ vjp(f)(x)(f(x)).
//
// Defaults are JAX's: eps = 1e-4; atol = rtol = 2e-3 for float32 and 1e-5 for
// float64, scaled by the number of elements of the compared leaf, elementwise
// |actual − expected| ≤ atol + rtol·|expected|. The random directions are
// JAX's own (numpy's RandomState(0).randn, tree-math.ts), so a check here probes
// what jax.test_util.check_grads probes, reproducibly. On failure the error names
// the order and mode, the output, the size of the error and the tolerance,
// and which arguments are at fault: the failing check is repeated with the
// direction restricted to one argument leaf at a time.

import { jvpOf, inlineFunc, vjpOf } from "../compiler/ad/grad.js";
import { Builder } from "../compiler/ir/builder.js";
import { dce } from "../compiler/ir/dce.js";
import { isFloat, lit } from "../compiler/ir/syntax.js";
import { callTraced, signatureOf } from "./call.js";
import { type TreeDef, flatten, leafCount, leafPaths, unflatten } from "./pytree.js";
import { type Traced, perSignature } from "./traced.js";
import { callable, jvp, trace, vjp } from "./transforms.js";
import {
  isFloatLeaf, leafValues, normalRng, treeAdd, treeOnlyLeaf, treeRandLike, treeSafeSub, treeScale, treeSub, treeVdot,
} from "./tree-math.js";

export type Mode = "fwd" | "rev";

export interface CheckGradsOptions {
  /** Which derivatives to check (default both). */
  modes?: Mode[];
  /** Finite-difference step (default 1e-4, as JAX). */
  eps?: number;
  /** Absolute tolerance (default by dtype: 2e-3 float32, 1e-5 float64), per element of a leaf. */
  atol?: number;
  /** Relative tolerance (same defaults). */
  rtol?: number;
}

const EPS = 1e-4;
const GRAD_TOL = { f32: 2e-3, f64: 1e-5 } as const;
const list = (items: TreeDef[]): TreeDef => ({ kind: "list", items });

/** jax.test_util.check_grads: throws an Error describing the first mismatch; returns nothing on success. */
export function checkGrads(f: (...args: any[]) => any, args: unknown[], order: number, options: CheckGradsOptions = {}): void {
  if (!Array.isArray(args)) throw new TypeError("checkGrads: args must be an array of the positional arguments");
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`checkGrads: order must be a positive integer, got ${order}`);
  const modes = options.modes ?? ["fwd", "rev"];
  for (const m of modes) if (m !== "fwd" && m !== "rev") throw new RangeError(`checkGrads: unknown mode ${JSON.stringify(m)} (use "fwd" or "rev")`);
  const t = trace(f, "checkGrads");
  if (args.length !== t.arity) throw new TypeError(`checkGrads: ${t.name} takes ${t.arity} argument${t.arity === 1 ? "" : "s"}, got ${args.length}`);
  const { leaves, def } = flatten(args);
  const paths = def.kind === "list" ? def.items.flatMap((d, k) => leafPaths(d, t.paramNames[k] ?? `args[${k}]`)) : [];
  leaves.forEach((x, k) => {
    if (!isFloatLeaf(x)) throw new TypeError(`checkGrads: ${paths[k]} is not a float (numbers and float arrays only)`);
  });
  const ctx: Ctx = { name: t.name, eps: options.eps ?? EPS, atol: options.atol, rtol: options.rtol, maxOrder: order };
  recurse(ctx, t, args, paths, order, "", modes);
}

interface Ctx {
  name: string;
  eps: number;
  atol?: number;
  rtol?: number;
  maxOrder: number;
}

function recurse(ctx: Ctx, t: Traced, args: unknown[], paths: string[], order: number, label: string, modes: Mode[]): void {
  const level = ctx.maxOrder - order + 1;
  if (modes.includes("fwd")) {
    const msg = label ? `JVP of ${label}` : "JVP";
    checkJvp(ctx, t, args, paths, { level, msg, mode: "fwd" });
    if (order > 1) recurse(ctx, jvpTraced(t), [args, args], [...paths, ...paths.map((p) => `${p}_dot`)], order - 1, msg, modes);
  }
  if (modes.includes("rev")) {
    const msg = label ? `VJP of ${label}` : "VJP";
    checkVjp(ctx, t, args, paths, { level, msg, mode: "rev" });
    if (order > 1) recurse(ctx, vjpAtOutputTraced(t), args, paths, order - 1, msg, modes);
  }
}

interface Where {
  level: number;
  msg: string;
  mode: Mode;
}

const call = (t: Traced, args: unknown[]): unknown => callTraced(t, args, "checkGrads");

/**
 * The dtypes of the argument and output leaves as the kernel computes them: a
 * JS number may be a float32 scalar there, and tolerances go by dtype.
 */
function kernelDtypes(t: Traced, args: unknown[]): { ins: string[]; outs: string[] } {
  const inst = t.instantiate(signatureOf([...args, t.captures()], "checkGrads", t.paramNames));
  const n = flatten(args).leaves.length;
  return { ins: inst.func.params.slice(0, n).map((p) => p.type.dtype), outs: inst.func.body.results.map((r) => r.type.dtype) };
}

function numericalJvp(ctx: Ctx, t: Traced, args: unknown[], tangent: unknown): unknown {
  const delta = treeScale(tangent, ctx.eps);
  const pos = call(t, treeAdd(args, delta) as unknown[]);
  const neg = call(t, treeSub(args, delta) as unknown[]);
  return treeScale(treeSafeSub(pos, neg), 0.5 / ctx.eps);
}

function checkJvp(ctx: Ctx, t: Traced, args: unknown[], paths: string[], where: Where): void {
  const fn = callable(t, "checkGrads");
  const tangent = treeRandLike(normalRng(0), args);
  const run = (v: unknown) => {
    const [out, tout] = jvp(fn, args, v as unknown[]);
    return { out, tout, expected: numericalJvp(ctx, t, args, v) };
  };
  const { out, tout, expected } = run(tangent);
  const outPaths = leafPaths(flatten(out).def, "output");
  const { outs } = kernelDtypes(t, args);
  const primal = compareTrees(ctx, out, call(t, args), outPaths, outs);
  if (primal) fail(ctx, where, `the primal ${primal.path} differs from ${ctx.name}(...) itself: ${primal.text}`);
  const bad = compareTrees(ctx, tout, expected, outPaths, outs);
  if (!bad) return;
  const culprits = blame(paths, (k) => {
    const r = run(treeOnlyLeaf(tangent, k));
    return compareTrees(ctx, r.tout, r.expected, outPaths, outs) !== null;
  });
  fail(ctx, where, `the tangent of ${bad.path} differs from central finite differences (eps ${ctx.eps}): ${bad.text}.${culprits}`);
}

function checkVjp(ctx: Ctx, t: Traced, args: unknown[], paths: string[], where: Where): void {
  const fn = callable(t, "checkGrads");
  const [out, vjpFn] = vjp(fn, ...args);
  const outPaths = leafPaths(flatten(out).def, "output");
  const { ins, outs } = kernelDtypes(t, args);
  const primal = compareTrees(ctx, out, call(t, args), outPaths, outs);
  if (primal) fail(ctx, where, `the primal ${primal.path} differs from ${ctx.name}(...) itself: ${primal.text}`);
  const rng = normalRng(0);
  const tangent = treeRandLike(rng, args);
  const cotangent = treeRandLike(rng, out);
  const ctIn = vjpFn(cotangent);
  // JAX compares the two scalars with the tolerance of their dtype: float32 if float32 went into them
  const dtype = [...ins, ...outs].includes("f32") ? "f32" : "f64";
  const identity = (v: unknown) => ({ got: treeVdot(v, ctIn), want: treeVdot(numericalJvp(ctx, t, args, v), cotangent) });
  const { got, want } = identity(tangent);
  const bad = compareLeaf(ctx, dtype, [got], [want]);
  if (!bad) return;
  const culprits = blame(paths, (k) => {
    const r = identity(treeOnlyLeaf(tangent, k));
    return compareLeaf(ctx, dtype, [r.got], [r.want]) !== null;
  });
  fail(ctx, where, `⟨vjp(u), v⟩ = ${got} but ⟨u, jvp(v)⟩ by central finite differences (eps ${ctx.eps}) = ${want}: ${bad}.${culprits}`);
}

/** Names the argument leaves whose check fails with the direction restricted to that leaf alone. */
function blame(paths: string[], fails: (k: number) => boolean): string {
  const bad = paths.filter((_, k) => fails(k));
  return bad.length ? ` The derivative is off with respect to ${bad.join(", ")}.` : " No single argument fails on its own (the error shows only in combination).";
}

function fail(ctx: Ctx, where: Where, detail: string): never {
  const mode = where.mode === "fwd" ? "forward mode" : "reverse mode";
  throw new Error(`checkGrads(${ctx.name}): order ${where.level} (${where.msg}), ${mode}: ${detail}`);
}

/** The first pair of leaves that are not close, described; null if all are. `dtypes`: of each leaf, in the kernel. */
function compareTrees(ctx: Ctx, actual: unknown, expected: unknown, paths: string[], dtypes: string[]): { path: string; text: string } | null {
  const a = flatten(actual).leaves;
  const e = flatten(expected).leaves;
  if (a.length !== e.length) return { path: "output", text: `${a.length} leaves against ${e.length}` };
  for (let k = 0; k < a.length; k++) {
    if (dtypes[k] !== "f32" && dtypes[k] !== "f64") continue; // integer and boolean outputs have no derivative
    const text = compareLeaf(ctx, dtypes[k], leafValues(a[k]), leafValues(e[k]));
    if (text) return { path: paths[k] ?? `output leaf ${k}`, text };
  }
  return null;
}

/**
 * numpy's assert_allclose with JAX's check_close tolerances: elementwise
 * |a − e| ≤ atol·size + rtol·size·|e|, NaNs and infinities equal to themselves.
 */
function compareLeaf(ctx: Ctx, dtype: string, a: ArrayLike<number>, e: ArrayLike<number>): string | null {
  const n = e.length;
  if (a.length !== n) return `${a.length} elements against ${n}`;
  const byDtype = dtype === "f32" ? GRAD_TOL.f32 : GRAD_TOL.f64;
  const atol = (ctx.atol ?? byDtype) * n;
  const rtol = (ctx.rtol ?? byDtype) * n;
  let worst = -1;
  let maxAbs = 0;
  let maxRel = 0;
  let violations = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i], y = e[i];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const err = Math.abs(x - y);
    const ok = err <= atol + rtol * Math.abs(y);
    if (Number.isNaN(err)) maxAbs = NaN;
    else if (!Number.isNaN(maxAbs)) maxAbs = Math.max(maxAbs, err);
    if (y !== 0) maxRel = Math.max(maxRel, err / Math.abs(y));
    if (!ok) {
      violations++;
      if (worst < 0 || !(err <= Math.abs(a[worst] - e[worst]))) worst = i;
    }
  }
  if (!violations) return null;
  const at = n > 1 ? ` (worst at flat index ${worst}: got ${a[worst]}, expected ${e[worst]}; ${violations} of ${n} elements off)` : ` (got ${a[0]}, expected ${e[0]})`;
  return `max abs error ${fmt(maxAbs)}, max rel error ${fmt(maxRel)}; tolerance atol ${fmt(atol)} + rtol ${fmt(rtol)}·|expected|${at}`;
}

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

// ---- the functions checked at higher orders, as Traced so they differentiate again ----

/** The CallSig of `t` for the argument values in leaves `from` (plus the captured values) of `sig`. */
function subSignature(t: Traced, sig: { values: unknown[]; defs: TreeDef[] }, argsDef: TreeDef, from: number): ReturnType<typeof signatureOf> {
  if (argsDef.kind !== "list" || argsDef.items.length !== t.arity) throw new TypeError(`checkGrads: expected a list of ${t.arity} arguments of ${t.name}`);
  const n = leafCount(argsDef);
  const args = unflatten(argsDef, sig.values.slice(from, from + n)) as unknown[];
  const capDef = sig.defs[sig.defs.length - 1];
  const caps = unflatten(capDef, sig.values.slice(sig.values.length - leafCount(capDef)));
  return signatureOf([...args, caps], `checkGrads(${t.name})`, t.paramNames);
}

/** (primals, tangents) ↦ [f(primals), jvp of f along tangents]: JAX's partial(jax.jvp, f). */
function jvpTraced(t: Traced): Traced {
  return {
    name: `jvp(${t.name})`,
    arity: 2,
    paramNames: ["primals", "tangents"],
    captures: t.captures,
    instantiate: perSignature((sig) => {
      const inner = t.instantiate(subSignature(t, sig, sig.defs[0], 0));
      const nPrimal = leafCount(sig.defs[0]);
      const nCap = inner.func.params.length - nPrimal;
      const j = jvpOf(inner.func, Array.from({ length: nPrimal }, (_, k) => k), `jvp_${inner.func.name}`);
      // jvpOf's params: primal leaves, captured leaves, tangent leaves → primals, tangents, captured
      const ps = j.params;
      const params = [...ps.slice(0, nPrimal), ...ps.slice(nPrimal + nCap), ...ps.slice(nPrimal, nPrimal + nCap)];
      return { func: { ...j, params }, out: list([inner.out, inner.out]) };
    }),
  };
}

/** x ↦ vjp(f)(x)(f(x)): the function check_grads differentiates after a VJP. */
function vjpAtOutputTraced(t: Traced): Traced {
  return {
    name: `vjp(${t.name})`,
    arity: t.arity,
    paramNames: t.paramNames,
    captures: t.captures,
    instantiate: perSignature((sig) => {
      const inner = t.instantiate(sig);
      const f = inner.func;
      const nPrimal = sig.defs.slice(0, t.arity).reduce((n, d) => n + leafCount(d), 0);
      const back = vjpOf(f, Array.from({ length: nPrimal }, (_, k) => k), `vjp_${f.name}`);
      const b = new Builder();
      const params = f.params.map((p) => b.fresh(p.name, p.type));
      const outs = inlineFunc(b, f, params);
      const cts = outs.map((y) => (isFloat(y.type) ? y : lit(0, { dtype: "f64", rank: 0 })));
      const grads = inlineFunc(b, back, [...params, ...cts]);
      const func = dce({ name: `vjp_at_output_${f.name}`, params, body: { stmts: b.stmts, results: grads } });
      return { func, out: list(sig.defs.slice(0, t.arity)) };
    }),
  };
}
