// The bundler plugin (compiler/build/plugin.ts): which modules it rewrites,
// diagnostics as plugin errors, and a user's project (test/plugin-project)
// whose vitest tests of tsgrad functions pass with `plugins: [tsgrad()]`.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { localBindings, rewrites, unpluginFactory } from "../compiler/build/plugin.js";
import esbuildPlugin from "../compiler/build/esbuild.js";
import rollupPlugin from "../compiler/build/rollup.js";
import vitePlugin from "../compiler/build/vite.js";
import webpackPlugin from "../compiler/build/webpack.js";

type Transform = (this: { error(msg: string): never }, code: string, id: string) => { code: string } | null;
const transform = unpluginFactory(undefined, { framework: "vite" } as never) as unknown as { transform: Transform; enforce: string };
const ctx = { error: (msg: string): never => { throw new Error(msg); } };

describe("the tsgrad plugin", () => {
  it("rewrites TypeScript modules that import tsgrad, before the bundler's TypeScript transform", () => {
    expect(transform.enforce).toBe("pre");
    expect(rewrites("/p/src/model.ts", 'import { grad } from "tsgrad";')).toBe(true);
    expect(rewrites("/p/src/model.mts?v=1", "import { np } from 'tsgrad'")).toBe(true);
    expect(rewrites("/p/src/model.tsx", 'import { jit } from "tsgrad";')).toBe(true);
    expect(rewrites("/p/src/plain.ts", 'import { x } from "./x";')).toBe(false);
    expect(rewrites("/p/src/model.js", 'import { grad } from "tsgrad";')).toBe(false);
    expect(rewrites("/p/node_modules/lib/model.ts", 'import { grad } from "tsgrad";')).toBe(false);
  });

  it("binds each top-level function to its IR and imports tsgrad/internal", () => {
    const src = 'import { grad } from "tsgrad";\nexport function sq(x: number): number { return x * x; }\nexport const dsq = grad(sq);\n';
    const out = transform.transform.call(ctx, src, "/p/sq.ts");
    expect(out?.code).toContain('from "tsgrad/internal"');
    expect(out?.code).toContain("__tsgrad.bind(sq,");
    expect(out?.code).toContain("export function sq(x) {"); // types stripped
    expect(transform.transform.call(ctx, "export const x: number = 1;\n", "/p/x.ts")).toBeNull();
  });

  it("binds tsgrad's names as local constants, on the same line (vite's SSR transform renames imports)", () => {
    expect(localBindings('import { grad, np as numpy } from "tsgrad";\nconst a = 1;\n')).toBe(
      'import * as __tsgrad_api from "tsgrad"; const { grad, np: numpy } = __tsgrad_api;\nconst a = 1;\n',
    );
    expect(localBindings('import {\n  grad,\n} from "tsgrad";\nx;')).toBe('import * as __tsgrad_api from "tsgrad"; const { grad } = __tsgrad_api;\n\n\nx;');
    expect(localBindings('import * as __tsgrad from "tsgrad/internal";\n')).toBe('import * as __tsgrad from "tsgrad/internal";\n');
  });

  it("reports tsgrad's diagnostics as plugin errors", () => {
    const src = 'import { grad } from "tsgrad";\nfunction fact(n: number): number { return n <= 1 ? 1 : n * fact(n - 1); }\nexport const d = grad(fact);\n';
    expect(() => transform.transform.call(ctx, src, "/p/bad.ts")).toThrow(/bad\.ts:2:\d+ error TSG1004: recursive call/);
  });

  it("has one entry per bundler, each default-exporting the plugin factory", () => {
    for (const factory of [vitePlugin, rollupPlugin, esbuildPlugin, webpackPlugin]) expect(typeof factory).toBe("function");
    expect((vitePlugin() as { name: string }).name).toBe("tsgrad");
    expect((rollupPlugin() as { name: string }).name).toBe("tsgrad");
    expect((esbuildPlugin() as { name: string }).name).toBe("tsgrad");
  });

  it("lets a project's vitest tests call and differentiate its tsgrad functions, and closures written in the tests", () => {
    // test/plugin-project/vitest.config.ts: plugins: [tsgrad()] from "tsgrad/vite" (dist/, built by npm install)
    const out = execFileSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--root", "test/plugin-project"], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(out).toMatch(/Tests\s+3 passed/);
  });
});
