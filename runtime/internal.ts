// What modules rewritten by the build step (compiler/build/rewrite.ts) call.
// Not part of the public API.

import type { Func } from "../compiler/ir/syntax.js";
import { fixedTraced } from "./fixed.js";
import { attach } from "./traced.js";

/**
 * Attaches compiled IR to a module's function. `captures` reads the current
 * values of the `ncap` captured module-level variables at each call (they may
 * not be initialised yet when the module binds its functions).
 */
export function bind(f: Function, func: Func, ncap: number, captures: () => unknown[]): void {
  attach(f as (...args: any[]) => any, fixedTraced(func, f.name || func.name, ncap, captures));
}

/**
 * Builds the transforms a module makes (`grad(loss)`, ...) before it runs, so
 * that their kernels are queued and compile together into one library. A
 * failure here is ignored: the same call fails again, with its message, where
 * the module makes it.
 */
export function prepare(make: () => unknown[]): void {
  try {
    make();
  } catch {
    // reported at the real call site
  }
}
