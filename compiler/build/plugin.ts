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

const NAMED_IMPORT = /^import\s*\{([^}]*)\}\s*from\s*["']tsgrad["'];?/gm;

/**
 * `import { grad, np } from "tsgrad"` → `import * as __tsgrad_api from "tsgrad"; const { grad, np } = __tsgrad_api;`
 * on the same lines. Vite's SSR transform (vitest) renames uses of imported
 * names (`np.sin` → `__vite_ssr_import_0__.np.sin`), which would leave a
 * closure compiled from its text (`grad((x) => np.sin(x))` inside a test) with
 * a free variable; local constants keep their names.
 */
export function localBindings(code: string): string {
  return code.replace(NAMED_IMPORT, (statement: string, names: string) => {
    const fields = names
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n && !n.startsWith("type "))
      .map((n) => n.replace(/^(\S+)\s+as\s+(\S+)$/, "$1: $2"));
    const lines = "\n".repeat(statement.split("\n").length - 1); // a multi-line import keeps its line count
    return `import * as __tsgrad_api from "tsgrad"; const { ${fields.join(", ")} } = __tsgrad_api;${lines}`;
  });
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
    const out = localBindings(r.code);
    // rewriteModule will also return a source map; pass it through when it does (localBindings keeps lines)
    return r.map ? { code: out, map: r.map as never } : { code: out };
  },
});

export const unplugin = createUnplugin(unpluginFactory);
export default unplugin;
