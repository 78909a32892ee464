// A traced function: how to get the IR behind a JS function for a given call
// signature, attached to the function under a symbol. Everything a transform
// returns carries one, so transforms apply to their own results without
// source (`grad(grad(f))`). As in JAX, IR is specialised per signature
// (pytree structure, dtypes and ranks), never per array size.

import type { Func } from "../compiler/ir/syntax.js";
import type { TreeDef } from "./pytree.js";
import type { CallSig } from "./signature.js";

export const IR = Symbol.for("tsgrad.ir");

/** The IR for one signature. */
export interface Instance {
  /** Params: the leaves of the positional arguments, then of the captured values. */
  readonly func: Func;
  /** Structure of the outputs; its leaves are the func's results in order. */
  readonly out: TreeDef;
  /** Results returned as plain typed arrays (gradients of typed-array inputs), not NDArrays. */
  readonly typedResults?: boolean[];
}

export interface Traced {
  /** User-facing name, for error messages. */
  readonly name: string;
  /** Number of positional arguments. */
  readonly arity: number;
  /** Parameter names, for error messages (`params.layers[1].W`). */
  readonly paramNames: string[];
  /** Current values of the captured module-level variables (non-differentiated inputs). */
  readonly captures: () => unknown[];
  /** The IR for a signature; `sig` covers the positional arguments and, last, the list of captured values. */
  instantiate(sig: CallSig): Instance;
}

export type TracedFn = ((...args: any[]) => any) & { [IR]?: Traced };

export function tracedOf(f: unknown): Traced | undefined {
  return typeof f === "function" ? (f as TracedFn)[IR] : undefined;
}

export function attach<F extends (...args: any[]) => any>(f: F, t: Traced): F {
  Object.defineProperty(f, IR, { value: t, enumerable: false });
  Object.defineProperty(f, "name", { value: t.name });
  return f;
}

export const noCaptures = (): unknown[] => [];

/** Memoizes `make` per signature key. */
export function perSignature(make: (sig: CallSig) => Instance): (sig: CallSig) => Instance {
  const memo = new Map<string, Instance>();
  return (sig) => {
    let inst = memo.get(sig.key);
    if (!inst) {
      inst = make(sig);
      memo.set(sig.key, inst);
    }
    return inst;
  };
}
