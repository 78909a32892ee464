// Golden files: the printed output of `tsgrad emit` for a function with a loop
// and a branch. Regenerate with `npm run golden` and review the diff.
// The printed derivative is valid input: compiling it again gives the same numbers.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emit } from "../cli/emit.js";
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
