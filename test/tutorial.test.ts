// The main job: JAX's autodiff tutorial run with `tsgrad run`, in float32 (as
// the tutorial prints it) and in float64, compared line by line with what JAX
// prints (test/data/tutorial_golden.json, from scripts/golden_tutorial.py; the
// float32 lines are also the tutorial's own text).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const golden = JSON.parse(readFileSync(new URL("./data/tutorial_golden.json", import.meta.url), "utf8")) as { f32: string[]; f64: string[] };

/** The tutorial's printed text (shared/seed/jax-autodiff-tutorial.txt), for the float32 run. */
const TUTORIAL_F32 = [
  "0.070650816", "-0.13621868", "0.25265405", "4.0", "10.0", "6.0", "0.0",
  "W_grad=Array([-0.16965583, -0.8774644 , -1.4901346 ], dtype=float32)",
  "W_grad=Array([-0.16965583, -0.8774644 , -1.4901346 ], dtype=float32)",
  "b_grad=Array(-0.29227245, dtype=float32)",
  "W_grad=Array([-0.16965583, -0.8774644 , -1.4901346 ], dtype=float32)",
  "b_grad=Array(-0.29227245, dtype=float32)",
  "{'W': Array([-0.16965583, -0.8774644 , -1.4901346 ], dtype=float32), 'b': Array(-0.29227245, dtype=float32)}",
  "loss value 3.0519385", "loss value 3.0519385",
  "b_grad_numerical -0.29325485", "b_grad_autodiff -0.29227245",
  "W_dirderiv_numerical -0.2002716", "W_dirderiv_autodiff -0.19909117",
];

function run(fixture: string): string[] {
  const out = execFileSync(process.execPath, ["cli/bin.js", "run", fixture], { encoding: "utf8", timeout: 120_000 });
  return out.trim().split("\n");
}

const numbers = (line: string) => (line.match(/-?\d+\.\d*(e[-+]?\d+)?/g) ?? []).map(Number);
const shape = (line: string) => line.replace(/-?\d+\.\d*(e[-+]?\d+)?/g, "#").replace(/\s+/g, " ");

/**
 * Same text with numbers replaced, and each number within `rtol` — except the
 * finite-difference lines, whose value is (loss(+) − loss(−)) / 1e-4: one
 * last-bit difference in a float32 loss near 3 moves it by 2.4e-3, so they
 * get three such steps (float64: 3 × 4.4e-16 / 1e-4).
 */
function compare(got: string[], want: string[], rtol: number, fdStep: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((line, k) => {
    expect(shape(line), `line ${k + 1}: ${line}`).toBe(shape(want[k]));
    const g = numbers(line), w = numbers(want[k]);
    const fd = /numerical/.test(line);
    g.forEach((x, j) => {
      const tol = fd ? 3 * fdStep : rtol * Math.abs(w[j]);
      expect(Math.abs(x - w[j]), `line ${k + 1}: ${line} vs ${want[k]}`).toBeLessThanOrEqual(tol);
    });
  });
}

describe("the JAX autodiff tutorial, end to end", () => {
  it("float32 (fixtures/tutorial/autodiff.ts) prints the tutorial's values", () => {
    const got = run("fixtures/tutorial/autodiff.ts");
    compare(got, TUTORIAL_F32, 2e-6, 2.4e-3);
    compare(got, golden.f32, 2e-6, 2.4e-3);
  });

  it("float64 (fixtures/tutorial/autodiff64.ts) prints what JAX prints with x64", () => {
    compare(run("fixtures/tutorial/autodiff64.ts"), golden.f64, 1e-12, 4.5e-12);
  });
});
