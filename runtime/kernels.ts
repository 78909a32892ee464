// Turns IR into callable kernels: native code through LLVM where the
// toolchain is present, the JS backend otherwise (with a one-line warning).
// Kernels are cached in memory by their printed IR; native libraries also on
// disk (compiler/backends/llvm). Kernels requested together (`prepare`, e.g.
// every transform a module makes at load time) compile into one library:
// one opt, one llc and one link per batch.

import { compileJs } from "../compiler/backends/js/index.js";
import { printFunc } from "../compiler/ir/print.js";
import { lowerArrays, needsLowering } from "../compiler/passes/lower-arrays.js";
import type { Func } from "../compiler/ir/syntax.js";
import { hashKey } from "./disk-cache.js";
import { type NativeCompiler, loadNativeCompiler } from "./native.js";

export type Backend = "native" | "js";

/**
 * A compiled kernel. `invoke` takes the lowered function's arguments (numbers,
 * and typed arrays followed by their dims) and returns its results the same
 * way. Kernels over scalars also offer a fast path: write `input`, `run()`,
 * read `output`.
 */
export interface Kernel {
  readonly backend: Backend;
  readonly func: Func;
  /**
   * True when the kernel takes rank-1 arrays as bare buffers (a function with
   * no array primitive is not lowered: its buffers carry their own length);
   * false when each array is passed as its buffer followed by its dims.
   */
  readonly plainBuffers: boolean;
  readonly input: Float64Array;
  readonly output: Float64Array;
  run(): void;
  invoke(args: unknown[]): unknown[];
}

/** Convenience call: copies `args` in and the results out. */
export function callKernel(k: Kernel, args: ArrayLike<number>): number[] {
  k.input.set(args);
  k.run();
  return Array.from(k.output);
}

export const stats = { kernels: 0, jsKernels: 0, nativeKernels: 0, nativeLibraries: 0, compileMs: 0 };

const kernels = new Map<string, Kernel>();
const pending = new Map<string, Func>();
let native: NativeCompiler | null | undefined;
let forced: Backend | undefined = (process.env.TSGRAD_BACKEND as Backend | undefined) || undefined;

/** Chooses the backend for kernels compiled from now on ("native" fails loudly where LLVM is missing). */
export function setBackend(b: Backend | "auto"): void {
  if (b !== "native" && b !== "js" && b !== "auto") throw new Error(`setBackend: expected "native", "js" or "auto", got ${String(b)}`);
  forced = b === "auto" ? undefined : b;
}

export function currentBackend(): Backend {
  if (forced === "js") return "js";
  if (native === undefined) {
    const r = loadNativeCompiler();
    if (r.ok) native = r.compiler;
    else {
      native = null;
      if (forced === "native") throw new Error(`tsgrad: the native backend is unavailable: ${r.reason}`);
      process.stderr.write(`tsgrad: warning: running on the JS backend (same results, slower); for native code: ${r.reason}. TSGRAD_BACKEND=js silences this.\n`);
    }
  }
  return native ? "native" : "js";
}

/** The cache identity of a kernel: its IR, whatever it is called, and the backend. */
function keyOf(func: Func): string {
  return `${currentBackend()}:${hashKey(printFunc({ ...func, name: "k" }))}`;
}

const preparers: (() => void)[] = [];

/**
 * Runs `fn` just before the next batch compiles, so it can queue more kernels
 * into the same library (the build step registers a module's transforms this
 * way: by then its captured values are initialised).
 */
export function beforeNextCompile(fn: () => void): void {
  preparers.push(fn);
}

/** Queues a kernel to compile with the next batch. */
export function prepare(func: Func): void {
  const key = keyOf(func);
  if (!kernels.has(key)) pending.set(key, func);
}

export function kernelFor(func: Func): Kernel {
  const key = keyOf(func);
  const hit = kernels.get(key);
  if (hit) return hit;
  pending.set(key, func);
  compilePending();
  return kernels.get(key)!;
}

function compilePending(): void {
  for (const fn of preparers.splice(0)) {
    try {
      fn();
    } catch {
      // a transform that cannot be prepared here reports its error where it is called
    }
  }
  // only kernels queued for the backend in use now (a kernel queued under another is left to compile on demand)
  const backendNow = currentBackend();
  const batch = [...pending.entries()].filter(([key]) => key.startsWith(`${backendNow}:`));
  pending.clear();
  const t0 = performance.now();
  const backend = currentBackend();
  if (backend === "native") {
    const funcs = batch.map(([key, f]) => ({ ...lowerArrays(f), name: `k_${key.slice(key.indexOf(":") + 1).slice(0, 16)}` }));
    const raws = native!.compile(funcs);
    stats.nativeLibraries++;
    batch.forEach(([key, f], j) => {
      const r = raws[j];
      kernels.set(key, { backend, func: f, plainBuffers: !needsLowering(f), input: r.input, output: r.output, run: () => r.run(), invoke: (args) => r.invoke(args) });
      stats.nativeKernels++;
    });
  } else {
    for (const [key, f] of batch) {
      kernels.set(key, jsKernel(f));
      stats.jsKernels++;
    }
  }
  stats.kernels += batch.length;
  stats.compileMs += performance.now() - t0;
}

/** A JS-backend kernel behind the same interface as a native one. */
function jsKernel(f: Func): Kernel {
  const lowered = lowerArrays(f);
  const fn = compileJs(lowered);
  const input = new Float64Array(lowered.params.length);
  const output = new Float64Array(lowered.body.results.length);
  const run = () => {
    const r = fn(...input) as number[];
    for (let k = 0; k < r.length; k++) output[k] = r[k];
  };
  return { backend: "js", func: f, plainBuffers: !needsLowering(f), input, output, run, invoke: (args) => fn(...(args as number[])) };
}
