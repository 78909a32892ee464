// Entry point of the native backend: IR Funcs → one shared library → JS functions.
//
//   const lib = compileNative([f, g]);
//   lib.get("f").call(1, 2)            // convenience, allocates the result array
//   const k = lib.get("f"); k.input[0] = 1; k.input[1] = 2; k.run(); k.output[0]
//   lib.get("g").invoke([xs, xs.length, 2])  // rank-1 buffers: typed arrays, see load.ts
//
// All funcs share ONE opt, ONE llc and ONE link. Results are cached in memory
// and on disk (cache.ts); a warm start spawns no process and never loads LLVM.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { printFunc } from "../../ir/print.js";
import type { Func } from "../../ir/syntax.js";
import { backendFingerprint, cacheDir, cachedToolFact, compilerVersion, runtimeObject, sha256, storeBinary } from "./cache.js";
import { annotate } from "./annotate.js";
import { LLVMVerifyError, emitModule, kernelSymbol, unsupportedReason } from "./emit.js";
import { type NativeLibrary, loadCachedLibrary, loadLibrary } from "./load.js";
import { type PipelineOptions, buildSharedLibrary, compileRuntime, llcVersion, progressLine, run, toolchain } from "./toolchain.js";

export type { NativeArg, NativeKernel, NativeLibrary, TypedArray } from "./load.js";
export { NativeError } from "./load.js";
export { locateToolchain, nativeAvailable, toolchainStats } from "./toolchain.js";
export { Status, kernelSymbol } from "./emit.js";

export interface NativeOptions extends PipelineOptions {
  /** Skip the disk cache (always compile); the in-memory cache still applies. */
  readonly noDiskCache?: boolean;
  /** Keep the temporary build directory (bitcode, object) for inspection. */
  readonly keepTemp?: boolean;
  /**
   * Let float sum reductions in loops reassociate, so they vectorize. Changes
   * rounding (results then differ from the interpreter and between CPUs); off by default.
   */
  readonly reassociate?: boolean;
  /** What is being compiled (a module's name), for the progress line shown when stderr is a terminal. */
  readonly label?: string;
}

const memory = new Map<string, NativeLibrary>();

export function compileNative(funcs: Func[], options: NativeOptions = {}): NativeLibrary {
  for (const f of funcs) {
    const why = unsupportedReason(f);
    if (why) throw new Error(why);
  }
  const tools = toolchain();
  const opts = { native: options.native !== false, opt: options.opt !== false, reassociate: options.reassociate === true };
  const key = sha256([
    compilerVersion(),
    backendFingerprint(),
    cachedToolFact(tools.llc, "version", llcVersion),
    JSON.stringify(opts),
    ...funcs.map(printFunc),
  ]);
  const symbols = funcs.map((f) => kernelSymbol(f.name));
  const hit = memory.get(key);
  if (hit) return { ...hit, source: "memory" };
  const dir = cacheDir();
  const so = join(dir, `${key.slice(0, 32)}.so`);
  const cached = options.noDiskCache ? undefined : loadCachedLibrary(so, funcs, symbols); // checked before dlopen: damaged is a miss
  if (cached) return remember(key, cached);

  const tmp = mkdtempSync(join(dir, "build-"));
  const count = `${funcs.length} kernel${funcs.length === 1 ? "" : "s"}`;
  const progress = progressLine(options.label ? `${options.label}: ${count}` : count);
  try {
    const t0 = performance.now();
    progress.step("emitting LLVM IR…");
    const { m } = emitWithDiagnostics(funcs, `tsgrad-${key.slice(0, 12)}`, tmp, tools.opt);
    // Textual IR: annotate.ts adds what llvm-bindings cannot express.
    const ll = join(tmp, "kernels.ll");
    writeFileSync(ll, annotate(m.print(), opts));
    const lib = join(tmp, "lib.so");
    const emitMs = Math.round(performance.now() - t0);
    const ms = buildSharedLibrary(ll, runtimeObject(compileRuntime), tmp, lib, opts, progress);
    const total = Math.round(performance.now() - t0);
    progress.done(`native code in ${total} ms (emit ${emitMs} ms, opt ${ms.opt} ms, llc ${ms.llc} ms, link ${ms.link} ms)`, total);
    storeBinary(lib, so); // records size, hash and name, then renames: readers see the old file or the complete new one
  } finally {
    if (!options.keepTemp) rmSync(tmp, { recursive: true, force: true });
  }
  return remember(key, loadLibrary(so, funcs, symbols, "compiled"));
}

/** emitModule, but a verification failure reports what `opt -verify` says about the module. */
function emitWithDiagnostics(funcs: Func[], name: string, tmp: string, opt: string): ReturnType<typeof emitModule> {
  try {
    return emitModule(funcs, name);
  } catch (e) {
    if (!(e instanceof LLVMVerifyError)) throw e;
    const ll = join(tmp, "invalid.ll");
    writeFileSync(ll, e.moduleText);
    let why = "";
    try {
      run("other", opt, ["-verify", "-disable-output", ll]);
    } catch (v) {
      why = (v as Error).message;
    }
    throw new Error(`${e.message}:\n${why}`);
  }
}

/** Forgets libraries compiled in this process (tests use it to exercise the disk cache). */
export function clearMemoryCache(): void {
  memory.clear();
}

function remember(key: string, lib: NativeLibrary): NativeLibrary {
  memory.set(key, lib);
  return lib;
}

/** The textual LLVM IR of `funcs` before optimization (as handed to `opt`), for debugging and golden tests. */
export function emitLLVMText(funcs: Func[], options: Pick<NativeOptions, "reassociate"> = {}): string {
  return annotate(emitModule(funcs).m.print(), options);
}

/** The LLVM IR of `funcs` after `opt -O3` (with -mcpu=native unless native: false): shows what vectorized. */
export function optimizedLLVMText(funcs: Func[], options: Pick<NativeOptions, "reassociate" | "native"> = {}): string {
  const tmp = mkdtempSync(join(cacheDir(), "opt-"));
  try {
    const ll = join(tmp, "kernels.ll");
    writeFileSync(ll, emitLLVMText(funcs, options));
    const cpu = options.native === false ? [] : ["-mcpu=native"];
    return run("opt", toolchain().opt, ["-O3", ...cpu, "-S", ll, "-o", "-"]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
