// What modules rewritten by the build step (compiler/build/rewrite.ts) call.
// Not part of the public API.
//
// A rewritten module keeps its functions as JavaScript: calling one directly
// runs the user's code (with array operators turned into eager `op` calls).
// What the build step adds is metadata: each top-level function and each
// function expression handed to a transform is bound to its place in the
// module's source, so a transform can compile it, per call signature, from
// the source. Captured values are read when the compiled function is called:
// module values through the module's getter, locals of an enclosing function
// through a thunk created with the closure.

import type { Func } from "../compiler/ir/syntax.js";
import type { ClosureTarget, OutTree } from "../compiler/frontend/index.js";
import { prepareTraced } from "./call.js";
import { fixedTraced } from "./fixed.js";
import { beforeNextCompile } from "./kernels.js";
import { type ModuleHandle, boundTraced } from "./bound.js";
import { toTreeDef } from "./specialize.js";
import { attach, tracedOf } from "./traced.js";

export { op } from "./ops.js";

export type { ModuleHandle } from "./bound.js";

/** The module's own source and a getter for its module-level values. */
export function module(source: string, fileName: string, value: (name: string) => unknown = () => undefined): ModuleHandle {
  return { source, fileName, value };
}

/**
 * Binds a top-level function (a declaration, or a `const` arrow / function
 * expression) to its source: transforms compile it by name. `captureNames` are
 * the module values it may read (a superset, from the build step).
 */
export function bind<F extends Function>(f: F, mod: ModuleHandle, name: string, captureNames: string[] = [], paramNames?: string[]): F {
  if (typeof f !== "function") return f; // `const f = cond ? g : h` and the like: nothing to bind
  const arity = paramNames?.length ?? f.length;
  attach(f as never, boundTraced({ mod, target: { kind: "name", name }, name, arity, captureNames, paramNames, locals: noLocals }));
  return f;
}

/**
 * Binds a function expression inside the module (an inline arrow handed to a
 * transform, a local arrow that flows into one) to its source position, with
 * the current values of the enclosing function's locals it reads.
 */
export function closure<F extends Function>(
  f: F,
  mod: ModuleHandle,
  pos: number,
  localNames: string[],
  localFns: Record<string, number>,
  captureNames: string[],
  paramNames: string[] | undefined,
  locals: () => unknown[],
): F {
  if (typeof f !== "function" || tracedOf(f)) return f;
  const target: ClosureTarget = { pos, locals: localNames, localFns };
  const name = f.name || "<arrow>";
  attach(f as never, boundTraced({ mod, target: { kind: "closure", closure: target }, name, arity: f.length, captureNames, paramNames, locals }));
  return f;
}

const noLocals = (): unknown[] => [];

/**
 * Attaches IR built by hand (tests, tools) to a JS function: `func` takes the
 * arguments' leaves and then the captured values' leaves.
 */
export function bindIR(f: Function, func: Func, out: OutTree | null, arity: number, captureNames: string[], captures: () => unknown[]): void {
  const name = f.name || func.name || "<function>";
  attach(f as never, fixedTraced(func, out ? toTreeDef(out) : null, name, arity, captureNames.length, captures));
}

/**
 * Registers the transforms a module makes (`grad(loss)`, ...) so that, when
 * the first of them compiles, all compile together into one native library.
 * Each is prepared for number arguments; a transform used with arrays
 * compiles on its first call instead.
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
