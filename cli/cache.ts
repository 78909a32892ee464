// `tsgrad cache info` and `tsgrad cache clean`: what the compile cache holds
// (location, entries by kind, total size, limit) and removing it. Only files
// tsgrad writes are counted or removed, whatever directory $TSGRAD_CACHE_DIR
// names.

import { type EntryKind, cacheLimitBytes, cacheLocation, cleanCache, scanCache } from "../compiler/backends/llvm/cache.js";

const kinds: readonly { kind: EntryKind; what: string }[] = [
  { kind: "module", what: "rewritten modules" },
  { kind: "ir", what: "IR of functions" },
  { kind: "spec", what: "IR per signature" },
  { kind: "library", what: "native libraries" },
  { kind: "runtime", what: "native runtime objects" },
  { kind: "tools", what: "tool facts" },
  { kind: "other", what: "other entries" },
  { kind: "temporary", what: "temporaries (builds under way or abandoned)" },
];

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** The report printed by `tsgrad cache info`. */
export function cacheInfo(): string {
  const loc = cacheLocation();
  const lines = [`location: ${loc.dir ?? "memory only"}`];
  if (loc.note) lines.push(`  (configured ${loc.configured}: ${loc.note})`);
  lines.push(`limit:    ${formatBytes(cacheLimitBytes())} (TSGRAD_CACHE_MAX_MB)`);
  const files = loc.dir === undefined ? [] : scanCache(loc.dir);
  let total = 0;
  for (const { kind, what } of kinds) {
    const of = files.filter((f) => f.kind === kind);
    const size = of.reduce((s, f) => s + f.size, 0);
    total += size;
    lines.push(`  ${kind.padEnd(10)} ${String(of.length).padStart(6)}  ${formatBytes(size).padStart(9)}  ${what}`);
  }
  lines.push(`total:    ${files.length} entries, ${formatBytes(total)}`);
  return `${lines.join("\n")}\n`;
}

/** Removes the cache's entries; the report printed by `tsgrad cache clean`. */
export function cacheClean(): string {
  const r = cleanCache();
  if (r.dir === undefined) return "the cache is in memory only: nothing on disk to remove\n";
  return `removed ${r.files} entries (${formatBytes(r.bytes)}) from ${r.dir}\n`;
}
