// The bundler plugin (Vite, Rollup, esbuild, webpack, and vitest through
// Vite), one implementation on unplugin. It applies the build step of
// `tsgrad run` (rewrite.ts) to TypeScript modules that import "tsgrad",
// before the bundler strips their types (`enforce: "pre"`: the front end
// reads the TypeScript), and resolves the "tsgrad/internal" import the
// rewritten code adds to this installation.
//
//   // vite.config.ts / vitest.config.ts
//   import tsgrad from "tsgrad/vite";
//   export default defineConfig({ plugins: [tsgrad()] });

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createUnplugin, type UnpluginFactory } from "unplugin";
import { RUNTIME_INTERNAL, formatDiagnostic, rewriteModule } from "./rewrite.js";

export interface TsgradPluginOptions {
  /** Which module ids to rewrite (default: .ts, .tsx, .mts files outside node_modules). */
  include?: RegExp;
}

const DEFAULT_INCLUDE = /\.(ts|tsx|mts)$/;
const IMPORTS_TSGRAD = /\bfrom\s*["']tsgrad["']|\bimport\s*\(\s*["']tsgrad["']\s*\)/;

/** This installation's `tsgrad/internal`: where the user's project does not resolve it itself. */
function ownInternal(): string {
  const js = fileURLToPath(new URL("../../runtime/internal.js", import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, ".ts"); // .ts when running from the source tree
}

/** Whether the module `id` (a path, possibly with a ?query) is one tsgrad rewrites. */
export function rewrites(id: string, code: string, include = DEFAULT_INCLUDE): boolean {
  const path = id.replace(/[?#].*$/, "");
  return include.test(path) && !/[\\/]node_modules[\\/]/.test(path) && IMPORTS_TSGRAD.test(code);
}

export const unpluginFactory: UnpluginFactory<TsgradPluginOptions | undefined> = (options = {}) => ({
  name: "tsgrad",
  enforce: "pre",
  resolveId(id, importer) {
    // the import the rewrite adds resolves like "tsgrad" itself (the package's exports: one copy of
    // the runtime); only where the project cannot resolve it, to this installation's
    if (id !== RUNTIME_INTERNAL) return null;
    try {
      createRequire(importer ?? join(process.cwd(), "index.js")).resolve(id);
      return null;
    } catch {
      return ownInternal();
    }
  },
  transformInclude(id) {
    return (options.include ?? DEFAULT_INCLUDE).test(id.replace(/[?#].*$/, ""));
  },
  transform(code, id) {
    if (!rewrites(id, code, options.include)) return null;
    const path = id.replace(/[?#].*$/, "");
    const r = rewriteModule(code, path) as ReturnType<typeof rewriteModule> & { map?: unknown };
    if (r.diagnostics.length) {
      this.error(r.diagnostics.map(formatDiagnostic).join("\n"));
    }
    // rewriteModule will also return a source map; pass it through when it does
    return r.map ? { code: r.code, map: r.map as never } : { code: r.code };
  },
});

export const unplugin = createUnplugin(unpluginFactory);
export default unplugin;
