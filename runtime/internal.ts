// What modules rewritten by the build step (compiler/build/rewrite.ts) call.
// Not part of the public API.

import type { Func } from "../compiler/ir/syntax.js";
import { fixedTraced } from "./fixed.js";
import { prepareTraced } from "./call.js";
import { beforeNextCompile } from "./kernels.js";
import { attach, tracedOf } from "./traced.js";

/**
 * Attaches compiled IR to a module's function. `captures` reads the current
 * values of the `ncap` captured module-level variables at each call (they may
 * not be initialised yet when the module binds its functions).
 */
export function bind(f: Function, func: Func, ncap: number, captures: () => unknown[]): void {
  attach(f as (...args: any[]) => any, fixedTraced(func, f.name || func.name, ncap, captures));
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
