// Disk cache of compiled libraries, so a second process start loads the `.so`
// instead of running opt/llc/cc. Lives in <project root>/node_modules/.cache/tsgrad/
// (project root = nearest directory with a package.json above process.cwd()),
// or in $TSGRAD_CACHE_DIR.
//
// The key hashes everything the library's bytes depend on: the printed IR,
// the options, tsgrad's version, this backend's own source files (so changing
// a lowering invalidates old libraries without a manual version bump), and the
// `llc --version` line. That line is itself cached on disk by the tool's
// path, size and mtime: a warm start spawns no process at all.
//
// Every write goes to a temporary name and is renamed into place, so a
// concurrent reader never sees a half-written file.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export function sha256(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** Nearest directory at or above `start` that holds a package.json. */
export function projectRoot(start = process.cwd()): string {
  let d = start;
  for (;;) {
    if (existsSync(join(d, "package.json"))) return d;
    const up = dirname(d);
    if (up === d) return start;
    d = up;
  }
}

let dirMemo: string | undefined;
export function cacheDir(): string {
  const d = process.env.TSGRAD_CACHE_DIR || join(projectRoot(), "node_modules", ".cache", "tsgrad");
  if (d !== dirMemo) {
    mkdirSync(d, { recursive: true });
    dirMemo = d;
  }
  return d;
}

/** Writes `data` to `path` atomically (temp file in the same directory + rename). */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

let versionMemo: string | undefined;
/** tsgrad's own version: the package.json above this file (not the user's project). */
export function compilerVersion(): string {
  if (versionMemo) return versionMemo;
  const root = projectRoot(here);
  try {
    versionMemo = String((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string }).version);
  } catch {
    versionMemo = "unknown";
  }
  return versionMemo;
}

let fingerprintMemo: string | undefined;
/** Hash of this backend's sources (.ts or built .js, runtime.c) and of the shared ownership analysis it uses. */
export function backendFingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo;
  const src = (f: string) => /\.(ts|js|c)$/.test(f) && !f.endsWith(".d.ts");
  const files = [
    ...readdirSync(here).filter(src).map((f) => join(here, f)),
    ...["ownership.ts", "ownership.js"].map((f) => join(here, "..", f)).filter((p) => existsSync(p)),
  ].sort();
  fingerprintMemo = sha256(files.flatMap((f) => [f.slice(here.length), readFileSync(f, "utf8")]));
  return fingerprintMemo;
}

/** `compute()` for a tool, remembered on disk by the tool's path, size and mtime. */
export function cachedToolFact(tool: string, what: string, compute: () => string): string {
  const st = statSync(tool);
  const id = `${tool}|${st.size}|${st.mtimeMs}|${what}`;
  const file = join(cacheDir(), "tools.json");
  let table: Record<string, string> = {};
  try {
    table = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    // absent or corrupt: recompute
  }
  if (table[id] !== undefined) return table[id];
  const value = compute();
  writeAtomic(file, JSON.stringify({ ...table, [id]: value }, null, 1));
  return value;
}

/** Where runtime.c is: next to this module, or in the source tree when running from dist/. */
export function runtimeSource(): string {
  const candidates = [join(here, "runtime.c"), join(projectRoot(here), "compiler", "backends", "llvm", "runtime.c")];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`tsgrad native runtime source not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** The cached runtime object for the current runtime.c, built with `build(src, out)` if absent. */
export function runtimeObject(build: (src: string, out: string) => void): string {
  const src = runtimeSource();
  const text = readFileSync(src, "utf8");
  const out = join(cacheDir(), `runtime-${sha256([text]).slice(0, 16)}.o`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp.o`;
    build(src, tmp);
    renameSync(tmp, out);
  }
  return out;
}
