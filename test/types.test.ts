// Idiomatic tsgrad code type-checks under `tsc --strict`: array code is written
// against the `Tensor` type (an `any` alias: TypeScript allows arithmetic only on
// numbers and `any`), and tsgrad's own front end checks ranks and shapes.
// fixtures/tsconfig.json lists the fixtures; "tsgrad" resolves to this package's
// declarations (dist/, built by `npm install`).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the fixtures under tsc --strict", () => {
  it("raise no type error", () => {
    let out = "";
    try {
      out = execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "fixtures/tsconfig.json"], { encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out).toBe("");
  });
});
