// Loads a compiled library with koffi and wraps each kernel for JS.
//
// Calls are the hot path (a scalar gradient is a few dozen instructions), so
// each kernel gets two native double buffers allocated ONCE with koffi.alloc
// and viewed from JS as Float64Arrays (`input`, `output`). Passing koffi's
// pointer objects avoids the per-call marshalling koffi does for JS typed
// arrays (measured: ~60 ns/call with preallocated pointers vs ~170 ns with
// Float64Array arguments, for a kernel calling sin and cos).

import { createRequire } from "node:module";
import type { Func } from "../../ir/syntax.js";
import { Status, statusMessages } from "./emit.js";

type Koffi = typeof import("koffi");
let koffiMemo: Koffi | undefined;
function koffi(): Koffi {
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
  /** Convenience: `call(x, y)` → results; throws on a kernel error. */
  call(...args: number[]): number[];
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
  const fn = lib.func(`int ${symbol}(double*, double*)`);
  const arity = f.params.length;
  const results = f.body.results.length;
  // The buffers live as long as the kernel object; at least one element so the pointer is valid.
  const pin = k.alloc("double", Math.max(arity, 1));
  const pout = k.alloc("double", Math.max(results, 1));
  const input = new Float64Array(k.view(pin, 8 * Math.max(arity, 1)));
  const output = new Float64Array(k.view(pout, 8 * Math.max(results, 1)));
  const fail = (st: number) => {
    throw new NativeError(st, f.name);
  };
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
  };
}
