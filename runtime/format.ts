// Printing values the way JAX's tutorial prints them: `repr` is Python's
// repr (`Array([-0.16965583, -0.8774644 ], dtype=float32)`, dicts as
// `{'W': ..., 'b': ...}`), `str` is what `print(x)` shows for a scalar
// (`3.0519385`, `4.0`). JS numbers are 0-d arrays of the default float dtype
// (float32 after `config.update("enableX64", false)`).

import { NDArray } from "./ndarray.js";
import { isPlainObject } from "./pytree.js";
import { config } from "./config.js";

function scalarArray(x: number): NDArray {
  return config.enableX64 ? new NDArray(Float64Array.of(x), [], "float64") : new NDArray(Float32Array.of(x), [], "float32");
}

export function repr(x: unknown): string {
  if (typeof x === "number") return scalarArray(x).toString();
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x instanceof NDArray) return x.toString();
  if (x === null || x === undefined) return "None";
  if (Array.isArray(x)) return `[${x.map(repr).join(", ")}]`;
  if (isPlainObject(x)) return `{${Object.keys(x).map((k) => `'${k}': ${repr(x[k])}`).join(", ")}}`;
  return String(x);
}

/** print(x) of a scalar: the number alone, in the precision of its dtype. Arrays print as repr. */
export function str(x: unknown): string {
  const a = typeof x === "number" ? scalarArray(x) : x;
  if (a instanceof NDArray && a.shape.length === 0) {
    const r = a.toString();
    const s = r.slice("Array(".length, r.lastIndexOf(", dtype="));
    return s.endsWith(".") ? `${s}0` : s; // numpy prints the scalar 4.0 as "4.0", the 0-d array as "4."
  }
  return repr(x);
}
