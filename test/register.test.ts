// `node --import tsgrad/register app.ts` runs a TypeScript module with the
// same rewrite as `tsgrad run` (cli/register.ts installs cli/loader.ts's hooks):
// JAX's autodiff tutorial prints the same text both ways.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const node = (args: string[]) => execFileSync(process.execPath, args, { encoding: "utf8", timeout: 120_000 });

describe("node --import tsgrad/register", () => {
  it("runs fixtures/tutorial/autodiff.ts as tsgrad run does", () => {
    const viaRun = node(["cli/bin.js", "run", "fixtures/tutorial/autodiff.ts"]);
    const viaRegister = node(["--import", "./dist/cli/register.js", "fixtures/tutorial/autodiff.ts"]);
    expect(viaRegister).toBe(viaRun);
    expect(viaRun).toContain("W_grad=Array([-0.16965583, -0.8774644 , -1.4901346 ], dtype=float32)");
  });

  it("is the package's ./register export", () => {
    // the package resolves itself by name: "tsgrad/register" is what users pass to --import
    expect(node(["--import", "tsgrad/register", "-e", "console.log('ok')"]).trim()).toBe("ok");
  });
});
