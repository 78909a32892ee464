// A traced function: the IR behind a JS function, attached to it under a
// symbol. Everything a transform returns carries one, so transforms apply to
// their own results without source (`grad(grad(f))`).

import type { Func } from "../compiler/ir/syntax.js";
import type { TreeDef } from "./pytree.js";

export const IR = Symbol.for("tsgrad.ir");

export interface Traced {
  /** The kernel: params are the positional arguments' leaves, then captured values. */
  readonly func: Func;
  /** User-facing name, for error messages. */
  readonly name: string;
  /** Number of positional arguments (each a scalar for now). */
  readonly arity: number;
  /** Current values of the captured module-level variables (trailing params). */
  readonly captures: () => number[];
  /** Structure of the outputs; its leaves are the kernel's results in order. */
  readonly out: TreeDef;
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

export const noCaptures = (): number[] => [];
