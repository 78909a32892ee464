// The external tools of the native pipeline: `opt` and `llc` from LLVM 14 (the
// version llvm-bindings is built against: older tools cannot read newer
// bitcode) and a C compiler driver to link the shared library.
//
// Finding them only stats files on PATH (no process is spawned), so a warm
// cache hit stays cheap. Every spawn goes through `run`, which counts it:
// tests use toolchainStats() to prove a cache hit compiled nothing.

import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";

export interface Toolchain {
  readonly opt: string;
  readonly llc: string;
  readonly cc: string;
}

// Preferred names first; env vars TSGRAD_OPT / TSGRAD_LLC / TSGRAD_CC override.
const candidates: Record<keyof Toolchain, { env: string; names: string[]; pkg: string }> = {
  opt: { env: "TSGRAD_OPT", names: ["opt-14", "opt"], pkg: "llvm-14" },
  llc: { env: "TSGRAD_LLC", names: ["llc-14", "llc"], pkg: "llvm-14" },
  cc: { env: "TSGRAD_CC", names: ["cc", "gcc", "clang"], pkg: "gcc" },
};

const extraDirs = ["/usr/lib/llvm-14/bin"];

function isExecutable(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name.includes("/")) return isExecutable(name) ? name : undefined;
  const dirs = [...(env.PATH ?? "").split(delimiter).filter(Boolean), ...extraDirs];
  for (const d of dirs) {
    const p = join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** Looks the tools up in `env` (PATH and the TSGRAD_* overrides); pure apart from stat calls. */
export function locateToolchain(env: NodeJS.ProcessEnv = process.env): { tools: Toolchain } | { reason: string } {
  const tools: Partial<Record<keyof Toolchain, string>> = {};
  const missing: string[] = [];
  const pkgs = new Set<string>();
  for (const [key, c] of Object.entries(candidates) as [keyof Toolchain, (typeof candidates)[keyof Toolchain]][]) {
    const override = env[c.env];
    const path = override ? which(override, env) : c.names.map((n) => which(n, env)).find((p) => p !== undefined);
    if (path) tools[key] = path;
    else {
      missing.push(override ? `${key} (${c.env}=${override} is not an executable)` : `${key} (looked for ${c.names.join(", ")})`);
      pkgs.add(c.pkg);
    }
  }
  return missing.length
    ? { reason: `missing ${missing.join("; ")}; install them (Debian/Ubuntu: apt-get install ${[...pkgs].join(" ")})` }
    : { tools: tools as Toolchain };
}

/**
 * Whether the optional dependency llvm-bindings (the IR builder) is installed
 * and its addon built: only stat calls, so a warm start does not load LLVM.
 * npm skips its build script unless the project approves it, and drops the
 * package when the build fails (no LLVM 14 development files, cmake or g++).
 */
export function locateLLVMBindings(): { ok: true } | { ok: false; reason: string } {
  const tools = "install LLVM 14 and a C++ toolchain (Debian/Ubuntu: apt-get install llvm-14-dev cmake g++)";
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve("llvm-bindings/package.json"));
  } catch {
    const approve = '"allowScripts": { "llvm-bindings": true } in package.json';
    return { ok: false, reason: `the optional dependency llvm-bindings is not installed; ${tools}, approve its build script (${approve}) and reinstall` };
  }
  const addon = ["build/Release", "build/Debug", "build/default", "out/Release"].map((d) => join(dir, d, "llvm-bindings.node"));
  const howTo = `${tools}, then run \`npm rebuild llvm-bindings\``;
  return addon.some((p) => existsSync(p)) ? { ok: true } : { ok: false, reason: `llvm-bindings is installed but not built; ${howTo}` };
}

// Checked once per process: the answer cannot change while we run.
let found: { tools: Toolchain } | { reason: string } | undefined;
function locate(): { tools: Toolchain } | { reason: string } {
  return (found ??= locateToolchain());
}

/** Whether native code can be built here; otherwise one sentence saying what is missing and what to install. */
export function nativeAvailable(): { ok: true } | { ok: false; reason: string } {
  const t = locate();
  const b = locateLLVMBindings();
  const reasons = ["reason" in t ? t.reason : undefined, b.ok ? undefined : b.reason].filter((r) => r !== undefined);
  return reasons.length ? { ok: false, reason: reasons.join("; and ") } : { ok: true };
}

export function toolchain(): Toolchain {
  const t = locate();
  if ("reason" in t) throw new Error(t.reason);
  return t.tools;
}

const stats = { opt: 0, llc: 0, cc: 0, other: 0 };
let spawnMs = 0;

/** How many external processes this process has spawned, per tool, and the wall time spent in them. */
export function toolchainStats(): { opt: number; llc: number; cc: number; other: number; total: number; ms: number } {
  return { ...stats, total: stats.opt + stats.llc + stats.cc + stats.other, ms: Math.round(spawnMs) };
}

/** Runs a tool synchronously; throws with its stderr on failure. */
export function run(kind: keyof typeof stats, tool: string, args: string[]): string {
  stats[kind]++;
  const t0 = performance.now();
  try {
    return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(" ")} failed:\n${err.stderr || err.message}`);
  } finally {
    spawnMs += performance.now() - t0;
  }
}

export interface PipelineOptions {
  /** Tune for this machine (-mcpu=native). Off for a library copied to other machines. */
  readonly native?: boolean;
  /** Run `opt -O3` before `llc` (default true: llc -O3 alone runs only codegen passes, no LICM/GVN/vectorizer). */
  readonly opt?: boolean;
}

/**
 * A progress line on stderr while a library builds, when stderr is a terminal
 * (silent otherwise: logs and test output stay clean). `step` rewrites the
 * line in place; `done` leaves the summary on it when the build was long
 * (at least `keepMs`), and clears it otherwise.
 */
export interface Progress {
  step(what: string): void;
  done(summary: string, ms: number): void;
}

export function progressLine(label: string, stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr, keepMs = 500): Progress {
  if (!stream.isTTY) return { step: () => {}, done: () => {} };
  return {
    step: (what) => stream.write(`\r\x1b[Ktsgrad: ${label}: ${what}`),
    done: (summary, ms) => stream.write(ms >= keepMs ? `\r\x1b[Ktsgrad: ${label}: ${summary}\n` : "\r\x1b[K"),
  };
}

/** bitcode → object file → shared library; one opt, one llc and one link per library. Returns each step's wall time. */
export function buildSharedLibrary(
  bc: string,
  runtimeObj: string,
  dir: string,
  out: string,
  o: PipelineOptions,
  progress: Progress = progressLine(""),
): { opt: number; llc: number; link: number } {
  const t = toolchain();
  const cpu = o.native === false ? [] : ["-mcpu=native"];
  const ms = { opt: 0, llc: 0, link: 0 };
  const timed = (step: keyof typeof ms, f: () => void) => {
    progress.step(`${step}…`);
    const t0 = performance.now();
    f();
    ms[step] = Math.round(performance.now() - t0);
  };
  let input = bc;
  if (o.opt !== false) {
    input = join(dir, "opt.bc");
    timed("opt", () => run("opt", t.opt, ["-O3", ...cpu, bc, "-o", input]));
  }
  const obj = join(dir, "kernels.o");
  // -fp-contract=off: JS rounds every operation, so no fusing a*b+c into an fma.
  timed("llc", () => run("llc", t.llc, ["-O3", "-filetype=obj", "-relocation-model=pic", "-fp-contract=off", ...cpu, input, "-o", obj]));
  timed("link", () => run("cc", t.cc, ["-shared", "-o", out, obj, runtimeObj, "-lm"]));
  return ms;
}

/** Compiles runtime.c to a position-independent object. */
export function compileRuntime(src: string, out: string): void {
  run("cc", toolchain().cc, ["-O2", "-fPIC", "-c", src, "-o", out]);
}

/** First line of `llc --version`, part of the cache key (cache.ts caches it by path and mtime). */
export function llcVersion(): string {
  const lines = run("other", toolchain().llc, ["--version"]).split("\n").map((l) => l.trim());
  return lines.find((l) => /version/i.test(l)) ?? lines.find((l) => l) ?? "unknown";
}
