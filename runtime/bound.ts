// The Traced of a function bound to its module's source (internal.ts): its
// IR is compiled by the front end per call signature (specialize.ts), as
// jax.jit traces per abstract signature. Its captured values are the
// enclosing function's locals (closures) followed by the module values it may
// read, read at each call; the compiled Func's trailing parameters line up
// with them in that order.

import { type BoundTarget, specialize } from "./specialize.js";
import { type Traced, perSignature } from "./traced.js";

/** A rewritten module as the runtime sees it: its source and a getter for its module-level values. */
export interface ModuleHandle {
  readonly source: string;
  readonly fileName: string;
  /** The current value of a module-level binding (a `const`, `let`, or an import). */
  readonly value: (name: string) => unknown;
}

export interface BoundSpec {
  mod: ModuleHandle;
  target: BoundTarget;
  name: string;
  arity: number;
  /** Module values the function may read (the build step's over-approximation). */
  captureNames: string[];
  paramNames?: string[];
  /** Current values of the closure's enclosing locals (none for top-level functions). */
  locals: () => unknown[];
}

export function boundTraced(spec: BoundSpec): Traced {
  const { mod, target, arity } = spec;
  const nLocals = target.kind === "closure" ? target.closure.locals.length : 0;
  // imported names the build step could not classify: functions are inlined from their module, not passed in
  let captureNames: string[] | undefined;
  const names = () => (captureNames ??= spec.captureNames.filter((n) => typeof mod.value(n) !== "function"));
  const captures = () => {
    const out = nLocals ? spec.locals() : [];
    for (const n of names()) out.push(mod.value(n));
    return out;
  };
  const paramNames = spec.paramNames ?? Array.from({ length: arity }, (_, k) => `args[${k}]`);
  const instantiate = perSignature((sig) => specialize({ source: mod.source, fileName: mod.fileName, target, name: spec.name, arity, captureNames: names(), nLocals }, sig));
  return { name: spec.name, arity, paramNames, captures, instantiate };
}
