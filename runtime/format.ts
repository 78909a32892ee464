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

/**
 * print(x) of a scalar: numpy's scalar str, the shortest digits that
 * round-trip in its dtype with no precision limit (`0.070650816`, `4.0`;
 * repr of a 0-d array rounds to 8 decimals instead). Arrays print as repr.
 */
export function str(x: unknown): string {
  if (typeof x === "number") return scalarStr(x, !config.enableX64);
  if (x instanceof NDArray && x.shape.length === 0 && (x.dtype === "float32" || x.dtype === "float64")) return scalarStr(x.data[0], x.dtype === "float32");
  if (x instanceof NDArray && x.shape.length === 0) return repr(x).slice("Array(".length, repr(x).lastIndexOf(", dtype="));
  return repr(x);
}

/** Python's repr of a float (float32: shortest digits that round-trip through float32). */
function scalarStr(v: number, single: boolean): string {
  if (single) v = Math.fround(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  let digits = v.toExponential();
  if (single) {
    for (let p = 0; p < 9; p++) {
      digits = v.toExponential(p);
      if (Math.fround(Number(digits)) === v) break;
    }
  }
  const [mant, e] = digits.split("e");
  const exp = Number(e);
  const sign = mant.startsWith("-") ? "-" : "";
  const ds = mant.replace("-", "").replace(".", "").replace(/0+$/, "") || "0";
  if (exp < -4 || exp >= 16) return `${sign}${ds[0]}${ds.length > 1 ? "." + ds.slice(1) : ""}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${ds}`;
  const int = ds.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = ds.slice(exp + 1);
  return `${sign}${int}.${frac || "0"}`;
}
