// The IR behind `grad`, `valueAndGrad` and friends, built from the two
// transforms. A gradient is always reverse mode (vjp/); a construct reverse
// mode cannot differentiate is a ReverseModeError with a code, never a
// silent detour through forward mode.

import { Builder } from "../ir/builder.js";
import { dce } from "../ir/dce.js";
import type { Atom, Func } from "../ir/syntax.js";
import { isFloat } from "../ir/syntax.js";
import { jvpFunc } from "./jvp.js";
import { Copier, vjpFunc } from "./vjp.js";

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
  const seeds = f.body.results.map((_, k) => (k === 0 ? 1 : null));
  const g = vjpFunc(f, active, { seeds, keepPrimal: true, name });
  const n = f.body.results.length;
  return dce({ ...g, body: { ...g.body, results: [...spec.keep.map((k) => g.body.results[k]), ...g.body.results.slice(n)] } });
}

/** Emits the body of `g` into `b` with its parameters bound to `args`; returns its results. */
export function inlineFunc(b: Builder, g: Func, args: Atom[]): Atom[] {
  const e = new Copier(b);
  g.params.forEach((p, k) => e.bind(p, args[k]));
  return e.block(g.body);
}

/** (params, tangents of params[argnums]) → (results..., tangents of results...). */
export function jvpOf(f: Func, argnums: number[], name = `jvp_${f.name}`): Func {
  return dce(jvpFunc(f, argnums.map((k) => f.params[k].name), name));
}

/** (params, cotangent per result) → (adjoint of each params[argnums]...). Reverse mode only. */
export function vjpOf(f: Func, argnums: number[], name = `vjp_${f.name}`): Func {
  return dce(vjpFunc(f, argnums.map((k) => f.params[k].name), { name }));
}
