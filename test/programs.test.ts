// Whole programs through the front end, the AD transforms and both backends:
// gradients of scalar programs with control flow agree with central finite
// differences; f(x) = x³ + 2x² − 3x + 1 differentiates to order 4.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../compiler/frontend/index.js";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { grad, setBackend, useFrontend, valueAndGrad } from "../runtime/index.js";
import * as programs from "../fixtures/scalar/programs.js";
import { bindModule } from "./helpers/bind-module.js";

const source = readFileSync(new URL("../fixtures/scalar/programs.ts", import.meta.url), "utf8");
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

beforeAll(() => {
  useFrontend(frontend);
  // what `tsgrad run` does: attach each function's IR, compiled from the module
  const fe = compileSource(source, { fileName: "fixtures/scalar/programs.ts" });
  expect(fe.diagnostics).toEqual([]);
  bindModule("fixtures/scalar/programs.ts", programs as Record<string, unknown>);
});

type F = (...args: number[]) => number;
const cases: [string, number[], number[]][] = [
  // name, arguments, which arguments are differentiable
  ["horner", [0.7, 6], [0]],
  ["damped", [1.1, 0.4], [0, 1]],
  ["firstBig", [0.9, 8], [0]],
  ["firstBig", [0.2, 5], [0]],
  ["skipOdd", [0.45, 7], [0]],
  ["earlyExit", [-0.5, 2], [0, 1]],
  ["earlyExit", [0.8, 1.4], [0, 1]],
  ["earlyExit", [0.3, 0.5], [0, 1]],
  ["branches", [0.9, 0.4, 5], [0, 1]],
  ["branches", [0.2, 1.4, 6], [0, 1]],
  ["nested", [0.3, 0.6, 4], [0, 1]],
];

function fd(f: F, args: number[], k: number, h = 1e-6): number {
  const p = [...args], m = [...args];
  p[k] += h;
  m[k] -= h;
  return (f(...p) - f(...m)) / (2 * h);
}

describe.each(backends)("programs on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  for (const [name, args, diff] of cases) {
    it(`${name}(${args}): value and gradient match the JS function and finite differences`, () => {
      const f = (programs as unknown as Record<string, F>)[name];
      const [value, g] = valueAndGrad(f, diff)(...args);
      expect(value).toBeCloseTo(f(...args), 12);
      diff.forEach((k, j) => expect(g[j]).toBeCloseTo(fd(f, args, k), 6));
    });
  }

  it("second derivatives of programs with loops (grad of grad) match finite differences", () => {
    const f = programs.horner as F;
    const d1 = grad(f);
    const d2 = grad(d1);
    expect(d2(0.7, 6)).toBeCloseTo(fd(d1, [0.7, 6], 0, 1e-5), 5);
    const g = grad(programs.nested as F, 1);
    expect(grad(g, 1)(0.3, 0.6, 4)).toBeCloseTo(fd(g, [0.3, 0.6, 4], 1, 1e-5), 5);
  });

  it("f(x) = x³ + 2x² − 3x + 1: f′(1) = 4, f″(1) = 10, f‴(1) = 6, f⁗(1) = 0", () => {
    let d: F = programs.poly;
    const want = [4, 10, 6, 0];
    for (const w of want) {
      d = grad(d);
      expect(d(1)).toBeCloseTo(w, 10);
    }
  });

  it("compiles a self-contained function from its source at run time", () => {
    const dfdx = grad((x: number) => x ** 3 + 2 * x ** 2 - 3 * x + 1);
    expect(dfdx(1)).toBe(4);
    expect(grad(grad(dfdx))(1)).toBe(6);
  });
});
