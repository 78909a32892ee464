// Idiomatic tsgrad code type-checks under `tsc --strict`: array code is written
// against the `Tensor` type (an `any` alias: TypeScript allows arithmetic only on
// numbers and `any`), and tsgrad's own front end checks ranks and shapes.
// fixtures/tsconfig.json lists the fixtures; "tsgrad" resolves to this package's
// declarations (dist/, built by `npm install`).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** tsc's errors for a project ("" when it type-checks). */
function tsc(project: string): string {
  try {
    return execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { encoding: "utf8" });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

describe("the fixtures under tsc --strict", () => {
  it("raise no type error", () => {
    expect(tsc("fixtures/tsconfig.json")).toBe("");
  });
});

// test/types/api.ts asserts the API's types: np's members and signatures, the
// gradients typed from the function's parameters (argnums, tuples, hasAux),
// and, as `@ts-expect-error` lines (an error if no error occurs), what must not type-check.
describe("the typed API", () => {
  it("types np, grad, valueAndGrad, jvp, vjp, jacfwd, jacrev, hessian and jit from their arguments", () => {
    expect(tsc("test/types/tsconfig.json")).toBe("");
  });
});
