// Golden files: the printed output of `tsgrad emit` for a function with a loop
// and a branch. Regenerate with `npm run golden` and review the diff.
// The printed derivative is valid input: compiling it again gives the same numbers.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emit, emitPassList } from "../cli/emit.js";
import { gradFunc } from "../compiler/ad/grad.js";
import { compileSource } from "../compiler/frontend/index.js";
import { interpret } from "../compiler/ir/interp.js";

const update = process.env.UPDATE_GOLDEN === "1";
const fixture = "fixtures/scalar/emit-example.ts";
const source = readFileSync(fixture, "utf8");

function golden(name: string, text: string): void {
  const path = `test/golden/${name}`;
  if (update || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, "utf8"));
}

describe("tsgrad emit", () => {
  const cases: [string, Parameters<typeof emit>[2]][] = [
    ["emit-grad.ts", { fn: "wave", grad: true, argnums: "0" }],
    ["emit-jvp.ts", { fn: "wave", jvp: true, argnums: "0" }],
    ["emit-grad.ir", { fn: "wave", grad: true, ir: true, argnums: "0" }],
  ];
  for (const [file, opts] of cases) {
    it(`matches test/golden/${file}`, () => {
      const r = emit(source, fixture, opts);
      if (!r.ok) throw new Error(r.error);
      golden(file, r.text);
    });
  }

  it("matches test/golden/passes.txt (`tsgrad emit --passes`, quoted in ARCHITECTURE.md)", () => {
    golden("passes.txt", emitPassList());
  });

  it("--after PASS prints the IR after that pass", () => {
    const after = (pass: string) => {
      const r = emit(source, fixture, { fn: "wave", grad: true, after: pass });
      if (!r.ok) throw new Error(r.error);
      return r.text;
    };
    expect(after("dce")).toBe(readFileSync("test/golden/emit-grad.ir", "utf8"));
    expect(after("grad")).toBe(after("dce")); // the gradient comes out of grad.ts dead-code free
    expect(after("verify")).toContain("func wave_grad(x: f64, n: f64) -> (f64) {");
    expect(emit(source, fixture, { fn: "wave", after: "fuse" })).toEqual({ ok: false, error: "tsgrad emit: no pass `fuse` in this pipeline (dce, lower-arrays, verify)" });
  });

  it("reads a .tsir file (--fn optional when it holds one function)", () => {
    const file = "test/ir/ad-while.tsir";
    const r = emit(readFileSync(file, "utf8"), file, { jvp: true, ir: true });
    if (!r.ok) throw new Error(r.error);
    expect(r.text).toContain("func until_jvp(x: f64, x_dot: f64) -> (f64, f64) {");
    expect(emit(readFileSync(file, "utf8"), file, { fn: "g" })).toEqual({ ok: false, error: `tsgrad emit: no function named g in ${file} (functions: until)` });
    const ts = emit(readFileSync(file, "utf8"), file, {});
    expect(ts.ok && ts.text).toContain("export function until(x: number)");
  });

  it("the printed gradient compiles again to the same numbers", () => {
    const printed = readFileSync("test/golden/emit-grad.ts", "utf8");
    const again = compileSource(printed, { fileName: "emit-grad.ts" });
    expect(again.diagnostics).toEqual([]);
    const reprinted = again.funcs.get("wave_grad")!;
    const direct = gradFunc(compileSource(source).funcs.get("wave")!, { argnums: [0], keep: [] });
    for (const [x, n] of [[0.3, 5], [1.7, 8], [-0.4, 3], [2.2, 0]]) {
      const want = interpret(direct, [x, n])[0] as number;
      const got = interpret(reprinted, [x, n])[0] as number;
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
    }
  });
});
