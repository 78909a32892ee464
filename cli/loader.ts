// Node module hooks for `tsgrad run`: TypeScript files are rewritten by the
// build step (compiler/build/rewrite.ts) and stripped of types; "tsgrad"
// resolves to this installation's runtime. Rewritten modules are cached on
// disk by content hash, so a warm run never loads the TypeScript compiler.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hashKey, readCache, writeCache } from "../runtime/disk-cache.js";

const runtimeUrls: Record<string, string> = {
  tsgrad: new URL("../runtime/index.js", import.meta.url).href,
  "tsgrad/internal": new URL("../runtime/internal.js", import.meta.url).href,
};

type Resolve = (specifier: string, context: { parentURL?: string }) => Promise<{ url: string; format?: string; shortCircuit?: boolean }>;
type Load = (url: string, context: { format?: string }) => Promise<{ format: string; source?: string | Buffer; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: { parentURL?: string }, next: Resolve) {
  const own = runtimeUrls[specifier];
  if (own) return { url: own, shortCircuit: true };
  if (context.parentURL?.endsWith(".ts") && /^\.{1,2}\//.test(specifier)) {
    // TypeScript sources import each other as "./x.js" or "./x"; the file is x.ts
    for (const candidate of [specifier, specifier.replace(/\.js$/, ".ts"), `${specifier}.ts`]) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next spelling
      }
    }
  }
  return next(specifier, context);
}

/** The cache entry of a rewritten module: keyed by its path and source. */
export function moduleCacheKey(path: string, source: string): string {
  return `module-${hashKey(path, source)}.js`;
}

export async function load(url: string, context: { format?: string }, next: Load) {
  if (!url.startsWith("file:") || !/\.(m|c)?ts$/.test(url)) return next(url, context);
  const t0 = performance.now();
  const path = fileURLToPath(url);
  const source = readFileSync(path, "utf8");
  const key = moduleCacheKey(path, source);
  let code = readCache(key);
  let loadMs = 0;
  if (code === undefined) {
    const l0 = performance.now();
    const { rewriteModule, formatDiagnostic } = await import("../compiler/build/rewrite.js");
    loadMs = performance.now() - l0; // loading the compiler (the TypeScript parser), once per process
    const r = rewriteModule(source, path);
    if (r.diagnostics.length) {
      const msg = r.diagnostics.map(formatDiagnostic).join("\n");
      code = `const e = new Error(${JSON.stringify(msg)}); e.name = "TsgradDiagnostics"; throw e;\n`;
    } else {
      code = r.code;
      writeCache(key, code);
    }
  }
  // the time spent here (front end and rewrite when cold, a cache read when warm) is reported by `npm run bench`
  const ms = (performance.now() - t0 - loadMs).toFixed(3);
  // on the first line, so every line of the module keeps the position its source map gives it
  code = `globalThis.__tsgradBuildMs = (globalThis.__tsgradBuildMs ?? 0) + ${ms}; globalThis.__tsgradLoadMs = (globalThis.__tsgradLoadMs ?? 0) + ${loadMs.toFixed(3)}; ${code}`;
  return { format: "module", source: code, shortCircuit: true };
}
