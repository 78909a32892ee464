// The IR behind `grad`, `valueAndGrad` and friends, built from the two
// transforms. Reverse mode is the default; where reverse mode cannot handle a
// program (a loop carrying an array, as the tapes of a first-order gradient
// do), the gradient is built from forward mode, one JVP per scalar input:
// forward-over-reverse, as jax.hessian does.

import { Builder } from "../ir/builder.js";
import { dce } from "../ir/dce.js";
import { Names } from "../ir/names.js";
import type { Atom, Func } from "../ir/syntax.js";
import { isFloat, lit, v } from "../ir/syntax.js";
import { JvpEmitter } from "./jvp.js";
import { jvpFunc } from "./jvp.js";
import { ReverseModeUnsupported, vjpFunc } from "./vjp.js";

export interface GradSpec {
  /** Parameter positions to differentiate with respect to. */
  argnums: number[];
  /** Result positions returned before the gradients (the value, aux outputs). */
  keep: number[];
}

/** (params) → (results[keep]..., ∂results[0]/∂params[argnums]...). */
export function gradFunc(f: Func, spec: GradSpec, name = `grad_${f.name}`): Func {
  if (f.body.results.length === 0 || !isFloat(f.body.results[0].type) || f.body.results[0].type.rank !== 0) {
    throw new Error(`grad requires ${f.name} to return a float scalar first`);
  }
  const active = spec.argnums.map((k) => f.params[k].name);
  try {
    const seeds = f.body.results.map((_, k) => (k === 0 ? 1 : null));
    const g = vjpFunc(f, active, { seeds, keepPrimal: true, name });
    const n = f.body.results.length;
    return dce({ ...g, body: { ...g.body, results: [...spec.keep.map((k) => g.body.results[k]), ...g.body.results.slice(n)] } });
  } catch (e) {
    if (!(e instanceof ReverseModeUnsupported)) throw e;
    return forwardGradFunc(f, spec, name);
  }
}

/** The gradient by forward mode: one JVP per differentiated scalar parameter. */
export function forwardGradFunc(f: Func, spec: GradSpec, name: string): Func {
  const b = new Builder(new Names());
  const params = f.params.map((p) => v(b.names.fresh(p.name), p.type));
  let primal: Atom[] = [];
  const grads = spec.argnums.map((k) => {
    const p = f.params[k];
    if (p.type.rank !== 0) throw new Error(`forward-mode gradient needs scalar parameters; ${p.name} is an array`);
    const j = jvpFunc(f, [p.name]);
    const outs = inlineFunc(b, j, [...params, lit(1, p.type)]);
    primal = outs.slice(0, f.body.results.length);
    return outs[f.body.results.length];
  });
  if (spec.argnums.length === 0) primal = inlineFunc(b, f, params);
  return dce({ name, params, body: { stmts: b.stmts, results: [...spec.keep.map((k) => primal[k]), ...grads] } });
}

/** Emits the body of `g` into `b` with its parameters bound to `args`; returns its results. */
export function inlineFunc(b: Builder, g: Func, args: Atom[]): Atom[] {
  const e = new JvpEmitter(b, new Set());
  g.params.forEach((p, k) => e.bind(p, args[k]));
  return e.block(g.body).results;
}

/** (params, tangents of params[argnums]) → (results..., tangents of results...). */
export function jvpOf(f: Func, argnums: number[], name = `jvp_${f.name}`): Func {
  return dce(jvpFunc(f, argnums.map((k) => f.params[k].name), name));
}

/** (params, cotangent per result) → (adjoint of each params[argnums]...). Reverse mode only. */
export function vjpOf(f: Func, argnums: number[], name = `vjp_${f.name}`): Func {
  return dce(vjpFunc(f, argnums.map((k) => f.params[k].name), { name }));
}
