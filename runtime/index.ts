// The package root: `import { grad, np, ... } from "tsgrad"`.
export { grad, valueAndGrad, jvp, vjp, jit, type GradOptions } from "./transforms.js";
export { checkGrads, type CheckGradsOptions } from "./check.js";
export { jacfwd, jacrev, hessian } from "./jacobian.js";
export { config } from "./config.js";
export { NDArray } from "./ndarray.js";
export * as random from "./random.js";
export { repr, str } from "./format.js";
export { setBackend, stats as kernelStats, type Backend } from "./kernels.js";
export { useFrontend } from "./source.js";
export { IR } from "./traced.js";
export { flatten, unflatten, type TreeDef } from "./pytree.js";

import { stats as kernelStatsObj } from "./kernels.js";
import { np as npImpl, stopGradient as stopGradientImpl } from "./np.js";
import type { NumPy } from "./api-types.js";
export type { Argnums, Axis, DTypeName, GradOf, JacobianOf, NumPy, ReduceOptions } from "./api-types.js";

/** jax.numpy: in compiled functions and, eagerly, outside them (typed by api-types.ts). */
export const np = npImpl as NumPy;

/** jax.lax.stop_gradient: the identity, with a zero derivative. */
export const stopGradient = stopGradientImpl as <T>(x: T) => T;

/** Compile counters (kernels, native libraries, milliseconds spent compiling). */
export function stats(): Readonly<typeof kernelStatsObj> {
  return { ...kernelStatsObj };
}

/** Marks a parameter as an integer in type annotations (`n: int`); tsgrad checks the value at the call. */
export type int = number;

/**
 * The type of array values in compiled functions. It is `any` on purpose:
 * TypeScript allows arithmetic only on numbers and `any`, so array code like
 * `preds * targets + (1 - preds) * (1 - targets)` type-checks; tsgrad's own
 * front end checks ranks, shapes and dtypes and reports coded diagnostics.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tensor = any;
