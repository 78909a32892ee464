// The runtime's view of the native backend: loaded lazily, so a process that
// never compiles natively never touches LLVM or koffi.

import type { Func } from "../compiler/ir/syntax.js";
import { compileNative, nativeAvailable } from "../compiler/backends/llvm/index.js";

export interface RawKernel {
  readonly input: Float64Array;
  readonly output: Float64Array;
  run(): void;
  /** Arguments and results as in the lowered function: numbers, and typed arrays followed by their dims. */
  invoke(args: unknown[]): unknown[];
}

export interface NativeCompiler {
  /** Compiles all `funcs` into one shared library; returns their kernels in order. */
  compile(funcs: Func[]): RawKernel[];
}

export function loadNativeCompiler(): { ok: true; compiler: NativeCompiler } | { ok: false; reason: string } {
  const avail = nativeAvailable();
  if (!avail.ok) return avail;
  return {
    ok: true,
    compiler: {
      compile(funcs) {
        const lib = compileNative(funcs);
        return funcs.map((f) => lib.get(f.name));
      },
    },
  };
}
