// Traced functions whose IR was compiled once for number parameters (the
// build step's default, or a function compiled from its source): calls with
// the same kinds of arguments use that IR; float32 numbers (enableX64 off)
// run it through casts; other signatures need the front end to specialise.

import { Builder } from "../compiler/ir/builder.js";
import type { Func } from "../compiler/ir/syntax.js";
import { inlineFunc } from "../compiler/ad/grad.js";
import { isFloat, sameType } from "../compiler/ir/syntax.js";
import { type TreeDef } from "./pytree.js";
import { outTree } from "./source.js";
import type { CallSig } from "./signature.js";
import { type Instance, type Traced, perSignature } from "./traced.js";

export type Specializer = (sig: CallSig) => Instance;

/**
 * `func` is the IR for number arguments, if the build step could compile one
 * (a function over arrays may only compile for a real call's signature);
 * `arity` counts the positional parameters of the source (a pytree parameter
 * has several leaves in `func`).
 */
export function fixedTraced(
  func: Func | null,
  out: TreeDef | null,
  name: string,
  arity: number,
  ncap: number,
  captures: () => unknown[],
  specialize?: Specializer,
): Traced {
  const instantiate = perSignature((sig) => {
    if (func) {
      const types = sig.leaves.map((l) => l.type);
      // a JS number (weak) fits any float scalar parameter
      const fits = (k: number) => sameType(types[k], func.params[k].type) || (sig.leaves[k].weak && func.params[k].type.rank === 0 && isFloat(func.params[k].type));
      if (types.length === func.params.length && types.every((_, k) => fits(k))) return { func, out: out ?? outTree(func.body.results.length) };
    }
    if (specialize) return specialize(sig);
    const scalarArgs = sig.defs.slice(0, arity).every((d) => d.kind === "leaf");
    if (func && scalarArgs && sig.leaves.length === func.params.length && sig.leaves.every((l) => l.type.rank === 0 && l.type.dtype === "f32")) {
      return { func: castWrapper(func, "f32"), out: out ?? outTree(func.body.results.length) };
    }
    const got = sig.leaves.map((l) => `${l.type.dtype}${l.type.rank ? `[rank ${l.type.rank}]` : ""}`).join(", ");
    throw new TypeError(`${name} was compiled for number arguments; calling it with (${got}) needs the array front end: run the module with \`tsgrad run\``);
  });
  const leafNames = func ? func.params.slice(0, func.params.length - ncap).map((p) => p.name) : [];
  const paramNames = leafNames.length === arity ? leafNames : Array.from({ length: arity }, (_, k) => `args[${k}]`);
  return { name, arity, paramNames, captures, instantiate };
}

/** `func` on scalars of another float dtype: arguments cast in, results cast back. */
function castWrapper(func: Func, dtype: "f32"): Func {
  const b = new Builder();
  const params = func.params.map((p) => b.fresh(p.name, { dtype, rank: 0 }));
  const results = inlineFunc(b, func, params.map((p, k) => b.cast(p, func.params[k].type.dtype))).map((r) => (r.type.dtype === "f64" ? b.cast(r, dtype) : r));
  return { name: `${func.name}_${dtype}`, params, body: { stmts: b.stmts, results } };
}
