// The rest of the `np` namespace outside compiled code. A call such as
// `np.mean(x, 1, true)` is compiled as the one-line function
// `(a0) => np.mean(a0, 1, true)` by the front end (so it has exactly the
// semantics it has inside compiled code: one table, compiler/frontend/np-table.ts),
// with arrays as parameters and every other argument written into the source
// as a literal, then evaluated by the reference interpreter. Compiled once per
// call shape and signature.

import { evalTraced } from "./eager.js";
import { NDArray } from "./ndarray.js";
import { fixedTraced } from "./fixed.js";
import { specialize } from "./specialize.js";
import { attach, noCaptures, type Traced } from "./traced.js";

/** Functions of the np namespace that exist only through this path. */
export const EAGER_NP = [
  "full", "zerosLike", "onesLike", "arange", "linspace", "eye", "clip",
  "prod", "mean", "max", "min", "argmax", "argmin", "matmul", "outer", "transpose", "reshape",
  "expandDims", "squeeze", "concatenate", "stack", "take", "logaddexp", "sigmoid", "softplus", "logsumexp",
  "absolute", "amax", "amin", "around", "asarray", "expand_dims", "fabs", "fix", "fmax", "fmin", "fullLike", "full_like",
  "ones_like", "zeros_like", "ravel", "rint", "true_divide", "size", "shape", "ndim",
];

/** How many arguments `grad(np.NAME)` differentiates through (the rest of these take one array). */
const ARITY: Record<string, number> = { logaddexp: 2, matmul: 2, outer: 2, fmax: 2, fmin: 2, true_divide: 2 };

/**
 * np.NAME as a function value: called, it evaluates eagerly with whatever
 * options it is given; handed to a transform (`grad(np.softplus)`), it is the
 * function of its array arguments compiled from `(a0, ..) => np.NAME(a0, ..)`.
 */
export function eagerFunction(name: string): (...args: unknown[]) => unknown {
  const arity = ARITY[name] ?? 1;
  const params = Array.from({ length: arity }, (_, k) => `a${k}`).join(", ");
  const src = `(${params}) => np.${name}(${params})`;
  const who = `np.${name}`;
  const t = fixedTraced(null, null, who, arity, 0, noCaptures, (sig) => specialize({ source: src, name: who, arity, captureNames: [] }, sig));
  return attach((...args: unknown[]) => eagerNp(name, args), t);
}

const isArrayValue = (x: unknown): boolean =>
  x instanceof NDArray || (ArrayBuffer.isView(x) && !(x instanceof DataView)) || (Array.isArray(x) && x.some(isArrayValue));

/** A value written into the source text (numbers, booleans, strings, shapes, options objects). */
function literal(x: unknown, who: string): string {
  if (typeof x === "number") return Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : String(x);
  if (typeof x === "boolean" || typeof x === "string") return JSON.stringify(x);
  if (x === undefined) return "undefined";
  if (x === null) return "null";
  if (Array.isArray(x)) return `[${x.map((y) => literal(y, who)).join(", ")}]`;
  if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    return `{ ${Object.entries(x as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${literal(v, who)}`).join(", ")} }`;
  }
  throw new TypeError(`${who}: unsupported argument ${String(x)}`);
}

const traced = new Map<string, Traced>();

export function eagerNp(name: string, args: unknown[]): unknown {
  const who = `np.${name}`;
  const params: unknown[] = [];
  const text = args.map((a) => {
    if (!isArrayValue(a)) return literal(a, who);
    params.push(a);
    return `a${params.length - 1}`;
  });
  const src = `(${params.map((_, k) => `a${k}`).join(", ")}) => np.${name}(${text.join(", ")})`;
  let t = traced.get(src);
  if (!t) {
    const arity = params.length;
    t = fixedTraced(null, null, who, arity, 0, noCaptures, (sig) => specialize({ source: src, name: who, arity, captureNames: [] }, sig));
    traced.set(src, t);
  }
  return evalTraced(t, params, who);
}
