// What modules rewritten by the build step (compiler/build/rewrite.ts) call.
// Not part of the public API.

import type { Func } from "../compiler/ir/syntax.js";
import { callTraced, prepareTraced } from "./call.js";
import { fixedTraced } from "./fixed.js";
import { beforeNextCompile } from "./kernels.js";
import type { OutTree } from "../compiler/frontend/signature.js";
import { specialize, toTreeDef } from "./specialize.js";
import { attach, tracedOf } from "./traced.js";

export interface ModuleHandle {
  readonly source: string;
  readonly fileName: string;
}

/** The module's own source, kept to specialise its functions to call signatures (arrays, pytrees, float32). */
export function module(source: string, fileName: string): ModuleHandle {
  return { source, fileName };
}

/**
 * Attaches compiled IR to a module's function: `func` for number arguments
 * (null when the function only compiles for real call signatures, e.g. over
 * arrays), specialised per call signature from the module's source.
 * `captures` reads the current values of its captured module-level variables
 * at each call (they may not be initialised yet when the module binds).
 */
export function bind(
  f: Function,
  func: Func | null,
  out: OutTree | null,
  arity: number,
  captureNames: string[],
  captures: () => unknown[],
  mod?: ModuleHandle,
): void {
  const name = f.name || func?.name || "<function>";
  const spec = mod ? (sig: Parameters<typeof specialize>[3]) => specialize(mod.source, mod.fileName, name, sig, arity, captureNames) : undefined;
  attach(f as (...args: any[]) => any, fixedTraced(func, out ? toTreeDef(out) : null, name, arity, captureNames.length, captures, spec));
}

/** The body of a compiled function declaration: calls run the compiled kernel. */
export function call(f: Function, args: ArrayLike<unknown>): unknown {
  const t = tracedOf(f);
  if (!t) throw new Error(`tsgrad: ${f.name} has no compiled IR`);
  return callTraced(t, Array.from(args), f.name);
}

/** Wraps a compiled arrow function so that calls run its kernel (its IR is attached by `bind`). */
export function jitted<F extends (...args: any[]) => any>(_source: F): F {
  const wrapper = ((...args: unknown[]) => call(wrapper, args)) as F;
  return wrapper;
}

/**
 * Registers the transforms a module makes (`grad(loss)`, ...) so that, when
 * the first of them compiles, all compile together into one native library.
 * Each is prepared for number arguments (the signature its IR was compiled
 * for); a transform used with arrays compiles on its first call instead.
 */
export function prepare(make: () => unknown[]): void {
  beforeNextCompile(() => {
    for (const g of make()) {
      const t = tracedOf(g);
      if (t) prepareTraced(t, t.paramNames.map(() => 0), "prepare");
    }
  });
}

export { attach };
