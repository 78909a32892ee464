// Calling a traced function: find the signature of the arguments, get the IR
// for it, compile it (kernels.ts), pass the leaves in and rebuild the output
// pytree. Scalar-only calls take a fast path that allocates nothing but the
// result.

import type { Type } from "../compiler/ir/syntax.js";
import { type Kernel, currentBackend, kernelFor, prepare } from "./kernels.js";
import { NDArray } from "./ndarray.js";
import { leafPaths, unflatten } from "./pytree.js";
import { type CallSig, callSig, defaultFloat } from "./signature.js";
import type { Instance, Traced } from "./traced.js";

export function signatureOf(argsAndCaptures: unknown[], who: string, names: string[]): CallSig {
  return callSig(argsAndCaptures, [...names, "captured"], who);
}

const IR_TO_ND = { f64: "float64", f32: "float32", i32: "int32", bool: "bool" } as const;

/** Per traced function: the instance and kernel of its all-numbers signature, for the fast path. */
const scalarCache = new WeakMap<Traced, { dtype: string; inst: Instance; kernel: Kernel; single: boolean }>();

export function callTraced(t: Traced, args: unknown[], who: string): unknown {
  if (args.length !== t.arity) {
    throw new TypeError(`${who}: ${t.name} takes ${t.arity} argument${t.arity === 1 ? "" : "s"}, got ${args.length}`);
  }
  const caps = t.captures();
  if (caps.length === 0 && args.every((a) => typeof a === "number")) return callScalars(t, args as number[], who);
  // arguments that are all numbers and arrays (no pytrees): find the kernel without building a signature
  const fast = flatKey(args, caps);
  let entry = fast === null ? undefined : flatCache.get(t)?.get(fast);
  let sig: CallSig | undefined;
  let values: unknown[];
  if (entry) values = caps.length ? [...args, ...caps] : args;
  else {
    sig = signatureOf([...args, caps], who, t.paramNames);
    entry = compiledFor(t, sig);
    values = sig.values;
    if (fast !== null) {
      let m = flatCache.get(t);
      if (!m) flatCache.set(t, (m = new Map()));
      m.set(fast, entry);
    }
  }
  const { inst, kernel } = entry;
  if (kernel.backend !== currentBackend()) {
    flatCache.delete(t);
    return callTraced(t, args, who);
  }
  let results: unknown[];
  try {
    results = runWithArrays(kernel, inst, values);
  } catch (e) {
    // kernels check every shape and index; say which arguments had which shapes
    if (!/out of bounds|index/i.test(String((e as Error).message))) throw e;
    sig ??= signatureOf([...args, caps], who, t.paramNames);
    const shapes = sig.defs.slice(0, t.arity).flatMap((d, k) => {
      const paths = leafPaths(d, t.paramNames[k] ?? `args[${k}]`);
      return paths.map((p) => p);
    });
    const described = values.slice(0, shapes.length).map((v, k) => `${shapes[k]}: ${shapeOf(v)}`).join(", ");
    throw new RangeError(`${who}: ${t.name}: the argument shapes do not fit together (${described}): a broadcast, a matmul, a reshape or an index does not match (${(e as Error).message})`);
  }
  return unflatten(inst.out, results);
}

function shapeOf(v: unknown): string {
  if (v instanceof NDArray) return `[${v.shape.join(", ")}]`;
  if (ArrayBuffer.isView(v)) return `[${(v as Float64Array).length}]`;
  return "scalar";
}

/** Per traced function, for flat arguments: the kernel by the kinds of the arguments (flatKey). */
const flatCache = new WeakMap<Traced, Map<string, { inst: Instance; kernel: Kernel }>>();

const ND_CODE: Record<string, string> = { float64: "d", float32: "f", int32: "i", bool: "b" };

/** A key for arguments that are all leaves: numbers, booleans, NDArrays, typed arrays; null for anything else. */
function flatKey(args: unknown[], caps: unknown[]): string | null {
  let key = defaultFloat();
  for (const list of [args, caps]) {
    for (const x of list) {
      if (typeof x === "number") key += "n";
      else if (x instanceof NDArray) key += (ND_CODE[x.dtype] ?? "?") + x.shape.length;
      else if (x instanceof Float64Array) key += "D";
      else if (x instanceof Float32Array) key += "F";
      else if (x instanceof Int32Array) key += "I";
      else return null;
    }
    key += "|";
  }
  return key;
}

/** Per traced function and signature: its IR (checked against the signature once) and its kernel. */
const compiled = new WeakMap<Traced, Map<string, { inst: Instance; kernel: Kernel }>>();

function compiledFor(t: Traced, sig: CallSig): { inst: Instance; kernel: Kernel } {
  let bySig = compiled.get(t);
  if (!bySig) compiled.set(t, (bySig = new Map()));
  let entry = bySig.get(sig.key);
  if (!entry || entry.kernel.backend !== currentBackend()) {
    const inst = t.instantiate(sig);
    checkParams(t, sig, inst);
    entry = { inst, kernel: kernelFor(inst.func) };
    bySig.set(sig.key, entry);
  }
  return entry;
}

function callScalars(t: Traced, args: number[], who: string): unknown {
  let c = scalarCache.get(t);
  if (!c || c.dtype !== defaultFloat()) {
    const sig = signatureOf([...args, []], who, t.paramNames);
    const inst = t.instantiate(sig);
    checkParams(t, sig, inst);
    const arrays = inst.func.body.results.some((r) => r.type.rank > 0);
    const kernel = kernelFor(inst.func);
    c = { dtype: defaultFloat(), inst, kernel, single: inst.out.kind === "leaf" && !arrays };
    if (!arrays) scalarCache.set(t, c);
    else return unflatten(inst.out, runWithArrays(kernel, inst, args));
  }
  const k = c.kernel;
  for (let i = 0; i < args.length; i++) k.input[i] = args[i];
  k.run();
  if (c.single) return k.output[0];
  return unflatten(c.inst.out, Array.from(k.output));
}

/** The IR's parameters must match the leaves passed (a mismatch is a bug in a transform or the front end, or a bad cotangent). */
function checkParams(t: Traced, sig: CallSig, inst: Instance): void {
  const ps = inst.func.params;
  if (ps.length !== sig.leaves.length) {
    throw new TypeError(`${t.name}: the arguments have ${sig.leaves.length} numbers or arrays in all, but the compiled function takes ${ps.length}`);
  }
  const paths = sig.defs.flatMap((d, k) => leafPaths(d, t.paramNames[k] ?? (k === t.arity ? "captured" : `args[${k}]`)));
  ps.forEach((p, k) => {
    const l = sig.leaves[k].type;
    if (p.type.rank !== l.rank) throw new TypeError(`${t.name}: ${paths[k]}: expected rank ${p.type.rank}, got rank ${l.rank}`);
  });
}

/** Converts a leaf to the param's dtype: numbers pass as they are; arrays must already have it. */
function pushLeaf(out: unknown[], x: unknown, type: Type, plain: boolean): void {
  if (type.rank === 0) {
    out.push(typeof x === "boolean" ? (x ? 1 : 0) : x instanceof NDArray ? x.data[0] : x);
    return;
  }
  if (x instanceof NDArray) {
    out.push(x.dtype === IR_TO_ND[type.dtype] ? x.data : convertData(x.data, type));
    if (!plain) for (const d of x.shape) out.push(d);
  } else {
    const a = x as Float64Array;
    out.push(a);
    if (!plain) out.push(a.length);
  }
}

function convertData(data: ArrayLike<number>, type: Type): unknown {
  const C = { f64: Float64Array, f32: Float32Array, i32: Int32Array, bool: Uint8Array }[type.dtype];
  return C.from(data);
}

/** Runs a kernel whose params may be arrays: arrays go in as buffer + dims and come out the same way. */
function runWithArrays(kernel: Kernel, inst: Instance, leaves: unknown[]): unknown[] {
  const args: unknown[] = [];
  const plain = kernel.plainBuffers;
  inst.func.params.forEach((p, k) => pushLeaf(args, leaves[k], p.type, plain));
  const flat = kernel.invoke(args);
  const out: unknown[] = [];
  let j = 0;
  for (const [k, r] of inst.func.body.results.entries()) {
    // gradients of typed-array inputs come back as typed arrays
    if (inst.typedResults?.[k] && r.type.rank === 1) {
      out.push(flat[j]);
      j += plain ? 1 : 2;
      continue;
    }
    // a kernel over bare buffers (no array primitives) returns each buffer alone: its length is its shape
    if (plain && r.type.rank === 1) {
      const data = flat[j++] as Float64Array;
      out.push(new NDArray(data, [data.length], IR_TO_ND[r.type.dtype]));
      continue;
    }
    if (r.type.rank === 0) {
      out.push(r.type.dtype === "bool" ? flat[j++] !== 0 : flat[j++]);
      continue;
    }
    const data = flat[j++] as Float64Array;
    const shape = flat.slice(j, j + r.type.rank) as number[];
    j += r.type.rank;
    out.push(new NDArray(data, shape, IR_TO_ND[r.type.dtype]));
  }
  return out;
}

/** Queues the kernel of `t` for `args` to compile with the next batch (the build step calls this). */
export function prepareTraced(t: Traced, args: unknown[], who: string): void {
  const sig = signatureOf([...args, t.captures()], who, t.paramNames);
  prepare(t.instantiate(sig).func);
}

/**
 * Runs an IR function on leaf values (numbers, NDArrays, typed arrays) with
 * the current backend, lowering and compiling it as calls do. For tests and
 * tools that build IR directly.
 */
export function runFunc(func: import("../compiler/ir/syntax.js").Func, leaves: unknown[]): unknown[] {
  const inst: Instance = { func, out: { kind: "list", items: func.body.results.map(() => ({ kind: "leaf" as const })) } };
  return runWithArrays(kernelFor(func), inst, leaves);
}
