// A module under `tsgrad run` behaves as the same module under node, plus
// array semantics (fixtures/module/semantics.ts): plain helpers stay JS, const
// arrows, inline arrows, closures and factories compile, stored transforms are
// callable in compiled code, operators on arrays are eager, and stack traces
// point at the user's lines. Expected values are worked out here in plain JS.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

import { nativeAvailable } from "../compiler/backends/llvm/index.js";

const run = (file: string, backend: string) =>
  execFileSync(process.execPath, ["cli/bin.js", "run", file], { encoding: "utf8", timeout: 120_000, env: { ...process.env, TSGRAD_BACKEND: backend } });
const backends = nativeAvailable().ok ? ["js", "native"] : ["js"];

describe.each(backends)("tsgrad run on the %s backend: modules behave as written", (backend) => {
  const out = Object.fromEntries(
    run("fixtures/module/semantics.ts", backend)
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
  );
  const num = (s: string) => s.split(" ").map(Number);

  it("leaves plain helpers as JavaScript", () => {
    expect(out.fmt).toBe(Math.PI.toFixed(3));
    expect(out.table).toBe("0,1;10,11;20,21");
  });
  it("compiles an inline arrow capturing a module const", () => {
    expect(Number(out.inline)).toBeCloseTo(3 * Math.cos(0.6), 14);
  });
  it("treats a const arrow like a function declaration, directly and under grad", () => {
    expect(Number(out.sumsq)).toBe(5);
    expect(JSON.parse(out.dsumsq)).toEqual([2, 4]);
  });
  it("evaluates array operators outside compiled code eagerly (JAX's results)", () => {
    expect(JSON.parse(out.one_minus)).toEqual([0, 1, 0]);
    expect(JSON.parse(out.update)).toEqual([1 - 0.05, 2 - 0.05, 3 - 0.05]);
    expect(num(out.index)).toEqual([3, 3]);
  });
  it("calls a stored transform inside a compiled function", () => {
    expect(Number(out.stored)).toBeCloseTo(1 - 0.6 * 2, 14); // d/dx (x - 0.1·3x²)
  });
  it("compiles closures over enclosing locals and closures made by factories", () => {
    expect(Number(out.closure)).toBe(-2 * (0.5 + 1.5 + 2.5));
    expect(Number(out.factory)).toBe(2 * 4 * 1.5);
  });
  it("passes a typed array whose length the kernel never reads", () => {
    expect(num(out.no_length)).toEqual([2, 6]);
    expect(out.typed_result).toBe("Float64Array 0,0.5,1");
  });
  it("takes every option compiled np takes, eagerly", () => {
    expect(out.sum_axis).toBe("[3,7] [[2,3]]");
    expect(Number(out.softplus)).toBe(0.5);
  });
  it("captures values and inlines functions imported from another local module", () => {
    expect(JSON.parse(out.imported)).toEqual([2.5, 5, 7.5]);
    expect(Number(out.imported_fn)).toBe(2 * 3 * 2.5);
  });
  it("points stack traces at the user's TypeScript lines", () => {
    const r = spawnSync(process.execPath, ["cli/bin.js", "run", "fixtures/module/throws.ts"], { encoding: "utf8", timeout: 120_000, env: { ...process.env, TSGRAD_BACKEND: backend } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("bad value Array([ 0., -1.], dtype=float64)");
    expect(r.stderr).toMatch(/fixtures\/module\/throws\.ts:6:9/);
  });
});
