// Eager evaluation: runs a traced function's IR with the reference
// interpreter instead of compiling it. `np` functions called on arrays
// outside compiled code use this (glue code such as `np.vdot(v, v)` should not
// wait for a native compile), with numpy's semantics (compiler/ir/array-eval.ts).

import { interpret, type AnyValue } from "../compiler/ir/interp.js";
import { NDArray } from "./ndarray.js";
import { unflatten } from "./pytree.js";
import { signatureOf } from "./call.js";
import type { Traced } from "./traced.js";

const IR_TO_ND = { f64: "float64", f32: "float32", i32: "int32", bool: "bool" } as const;

export function evalTraced(t: Traced, args: unknown[], who: string): unknown {
  const sig = signatureOf([...args, t.captures()], who, t.paramNames);
  const inst = t.instantiate(sig);
  const inputs = sig.values.map((x): AnyValue => (x instanceof NDArray ? { data: x.data as Float64Array, shape: x.shape } : typeof x === "boolean" ? (x ? 1 : 0) : (x as AnyValue)));
  const results = interpret(inst.func, inputs).map((r, k) => {
    const type = inst.func.body.results[k].type;
    if (typeof r === "number") return type.dtype === "bool" ? r !== 0 : r;
    const nd = ArrayBuffer.isView(r) ? { data: r, shape: [r.length] } : r;
    return new NDArray(nd.data, [...nd.shape], IR_TO_ND[type.dtype]);
  });
  return unflatten(inst.out, results);
}
