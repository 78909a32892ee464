// The package root: `import { grad, np, ... } from "tsgrad"`.
export { grad, valueAndGrad, jvp, vjp, jit, type GradOptions } from "./transforms.js";
export { np, stopGradient } from "./np.js";
export { config } from "./config.js";
export { setBackend, stats as kernelStats, type Backend } from "./kernels.js";
export { useFrontend } from "./source.js";
export { IR } from "./traced.js";
export { flatten, unflatten, type TreeDef } from "./pytree.js";

import { stats as kernelStatsObj } from "./kernels.js";

/** Compile counters (kernels, native libraries, milliseconds spent compiling). */
export function stats(): Readonly<typeof kernelStatsObj> {
  return { ...kernelStatsObj };
}

/** Marks a parameter as an integer in type annotations (`n: int`); tsgrad checks the value at the call. */
export type int = number;
