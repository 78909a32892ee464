// The runtime's view of the on-disk cache (compiler/backends/llvm/cache.ts
// holds the store: location and its fallbacks, self-identifying entries
// checked before use, atomic writes, LRU eviction). Entry names are content
// hashes that include the compiler version, so a stale entry is never read.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readEntry, writeEntry } from "../compiler/backends/llvm/cache.js";

export { cacheDir } from "../compiler/backends/llvm/cache.js";

let version: string | undefined;

/**
 * tsgrad's own version and a fingerprint of its installed code (size and
 * modification time of every compiler and runtime file): part of every cache
 * key, so a changed compiler never reads an entry an older one wrote. Costs a
 * stat per file, about a millisecond.
 */
export function compilerVersion(): string {
  if (version) return version;
  const here = dirname(fileURLToPath(import.meta.url)); // runtime/ (or dist/runtime/)
  const root = dirname(here);
  let pkg = "unknown";
  for (let d = here; dirname(d) !== d; d = dirname(d)) {
    const p = join(d, "package.json");
    if (existsSync(p) && JSON.parse(readFileSync(p, "utf8")).name === "tsgrad") {
      pkg = JSON.parse(readFileSync(p, "utf8")).version;
      break;
    }
  }
  // a build from `npm install`/`npm run build` carries a stamp; sources run directly (tests) are fingerprinted file by file
  // (a stamp older than the compiled files means they were rebuilt without it: fingerprint them instead)
  const stamp = join(root, "BUILD_STAMP");
  if (existsSync(stamp)) {
    const t = statSync(stamp).mtimeMs;
    const probes = [join(here, "call.js"), join(root, "compiler", "frontend", "index.js"), join(root, "compiler", "ad", "vjp.js")];
    if (probes.every((p) => !existsSync(p) || statSync(p).mtimeMs <= t)) return (version = `${pkg}+${readFileSync(stamp, "utf8").trim()}`);
  }
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|ts|c)$/.test(e.name)) {
        const st = statSync(p);
        h.update(`${p}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const sub of ["compiler", "runtime", "cli"]) if (existsSync(join(root, sub))) walk(join(root, sub));
  return (version = `${pkg}+${h.digest("hex").slice(0, 12)}`);
}

export function hashKey(...parts: string[]): string {
  const h = createHash("sha256");
  h.update(compilerVersion());
  for (const p of parts) h.update("\0" + p);
  return h.digest("hex").slice(0, 32);
}

/** The entry `name` as text, or undefined on a miss (absent, unreadable, damaged or foreign: reported once on stderr). */
export function readCache(name: string): string | undefined {
  return readEntry(name)?.toString("utf8");
}

/** Stores `data` as the entry `name`, atomically; returns where (a path, or "memory:<name>" when no directory is usable). */
export function writeCache(name: string, data: string | Uint8Array): string {
  return writeEntry(name, data) ?? `memory:${name}`;
}
