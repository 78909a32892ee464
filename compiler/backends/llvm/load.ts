// Loads a compiled library with koffi and wraps each kernel for JS.
//
// Calls are the hot path (a scalar gradient is a few dozen instructions), so
// each kernel gets two native double buffers allocated ONCE with koffi.alloc
// and viewed from JS as Float64Arrays (`input`, `output`). Passing koffi's
// pointer objects avoids the per-call marshalling koffi does for JS typed
// arrays (measured: ~60 ns/call with preallocated pointers vs ~170 ns with
// Float64Array arguments, for a kernel calling sin and cos).
//
// Kernels with rank-1 buffers (abi.ts) are called through `invoke`: input
// typed arrays go to koffi as pointer arguments WITHOUT copying (measured,
// koffi 3.3: ~45 ns per typed-array argument over a koffi pointer; copying
// 12 doubles into a preallocated native buffer costs about as much, and at
// 10^7 doubles copying made a 3-buffer kernel 2.6x slower). Buffer results
// are read from a per-kernel native stage (see buffers.ts).
//
// A library from the disk cache is dlopen-ed only after its size, content
// hash and recorded name have been checked (cache.ts): a truncated file would
// fault (SIGBUS) when its pages are touched, damaged code would run.

import { createRequire } from "node:module";
import type { Func } from "../../ir/syntax.js";
import { abiOf } from "./abi.js";
import { verifyBinary } from "./cache.js";
import { type Koffi, type TypedArray, BufferCall } from "./buffers.js";
import { Status, statusMessages } from "./emit.js";

export type { TypedArray } from "./buffers.js";
/** A kernel argument or result: a number for a scalar, a typed array for a rank-1 buffer. */
export type NativeArg = number | TypedArray;

let koffiMemo: Koffi | undefined;
export function koffi(): Koffi {
  if (!koffiMemo) koffiMemo = createRequire(import.meta.url)("koffi") as Koffi;
  return koffiMemo;
}

export interface NativeKernel {
  readonly name: string;
  readonly symbol: string;
  readonly arity: number;
  readonly results: number;
  /** Native input buffer: write params here, then `run()`. */
  readonly input: Float64Array;
  /** Native output buffer: results after `run()`. */
  readonly output: Float64Array;
  /** Runs on `input`/`output`; throws on a kernel error. The zero-allocation fast path. */
  run(): void;
  /** Copies `inp` in, runs, copies results to `out`; returns the kernel's status (0 = ok) without throwing. */
  raw(inp: ArrayLike<number>, out: Float64Array): number;
  /** Convenience: `call(x, y)` → results; throws on a kernel error. Scalar kernels only. */
  call(...args: number[]): number[];
  /**
   * Any kernel: params in order, a number per scalar and a typed array per
   * rank-1 buffer (Float64Array, Float32Array, Int32Array, Uint8Array for f64,
   * f32, i32, bool; a plain array is converted). Returns the results in order,
   * buffers as fresh typed arrays. Inputs are never written. Throws NativeError
   * on a kernel error.
   */
  invoke(args: readonly unknown[]): NativeArg[];
}

export interface NativeLibrary {
  readonly path: string;
  readonly kernels: ReadonlyMap<string, NativeKernel>;
  /** The kernel compiled from the Func of this name; throws if absent. */
  get(name: string): NativeKernel;
  /** Where the library came from on this compileNative call. */
  readonly source: "memory" | "disk" | "compiled";
}

export class NativeError extends Error {
  constructor(
    readonly status: number,
    kernel: string,
  ) {
    super(`${kernel}: ${statusMessages[status] ?? `native kernel failed with status ${status}`}`);
  }
}

/** The cached library at `path` if it is intact and is the entry its name says; undefined (a miss) otherwise. */
export function loadCachedLibrary(path: string, funcs: readonly Func[], symbols: readonly string[]): NativeLibrary | undefined {
  return verifyBinary(path) ? loadLibrary(path, funcs, symbols, "disk") : undefined;
}

export function loadLibrary(path: string, funcs: readonly Func[], symbols: readonly string[], source: NativeLibrary["source"]): NativeLibrary {
  const k = koffi();
  const lib = k.load(path);
  const kernels = new Map<string, NativeKernel>();
  funcs.forEach((f, idx) => kernels.set(f.name, wrap(k, lib, f, symbols[idx])));
  return {
    path,
    kernels,
    source,
    get(name: string) {
      const kern = kernels.get(name);
      if (!kern) throw new Error(`no native kernel ${name} in ${path}`);
      return kern;
    },
  };
}

function wrap(k: Koffi, lib: ReturnType<Koffi["load"]>, f: Func, symbol: string): NativeKernel {
  const abi = abiOf(f);
  const buffered = abi.bufferParams.length + abi.bufferResults.length > 0;
  const bufArgs = [...abi.bufferParams.map(() => "void*"), ...(abi.bufferResults.length ? ["void*"] : [])];
  const fn = lib.func(`int ${symbol}(double*, double*${bufArgs.map((t) => `, ${t}`).join("")})`);
  const arity = f.params.length;
  const results = f.body.results.length;
  // The buffers live as long as the kernel object; at least one element so the pointer is valid.
  // With buffers, `in` also holds the input lengths and `out` the result lengths (abi.ts).
  const nin = Math.max(buffered ? abi.scalarParams.length + abi.bufferParams.length : arity, 1);
  const nout = Math.max(buffered ? abi.scalarResults.length + abi.bufferResults.length : results, 1);
  const pin = k.alloc("double", nin);
  const pout = k.alloc("double", nout);
  const input = new Float64Array(k.view(pin, 8 * nin));
  const output = new Float64Array(k.view(pout, 8 * nout));
  const fail = (st: number) => {
    throw new NativeError(st, f.name);
  };
  const scalarOnly = () => {
    throw new Error(`${f.name} has array params or results: call it with invoke()`);
  };
  if (buffered) {
    const bufCall = new BufferCall(k, lib, f, abi, fn, [pin, pout], input, output, fail);
    return {
      name: f.name,
      symbol,
      arity,
      results,
      input,
      output,
      run: scalarOnly,
      raw: scalarOnly,
      call: scalarOnly,
      invoke: (args) => bufCall.invoke(args),
    };
  }
  return {
    name: f.name,
    symbol,
    arity,
    results,
    input,
    output,
    run() {
      const st = fn(pin, pout) as number;
      if (st !== Status.ok) fail(st);
    },
    raw(inp, out) {
      for (let i = 0; i < arity; i++) input[i] = inp[i];
      const st = fn(pin, pout) as number;
      for (let i = 0; i < results; i++) out[i] = output[i];
      return st;
    },
    call(...args) {
      if (args.length !== arity) throw new Error(`${f.name} expects ${arity} arguments, got ${args.length}`);
      for (let i = 0; i < arity; i++) input[i] = args[i];
      const st = fn(pin, pout) as number;
      if (st !== Status.ok) fail(st);
      // A plain loop: subarray + Array.from costs more than the native call itself.
      const r = new Array<number>(results);
      for (let i = 0; i < results; i++) r[i] = output[i];
      return r;
    },
    invoke(args) {
      if (args.length !== arity) throw new Error(`${f.name} expects ${arity} arguments, got ${args.length}`);
      for (let i = 0; i < arity; i++) input[i] = args[i] as number;
      const st = fn(pin, pout) as number;
      if (st !== Status.ok) fail(st);
      const r = new Array<number>(results);
      for (let i = 0; i < results; i++) r[i] = output[i];
      return r;
    },
  };
}
