// Every function of the `np` namespace, used inside a compiled function as a
// user would write it (fixtures/np/functions.ts), checked with checkGrads (forward mode against finite
// differences, reverse mode by the dot-product identity, to order 2) on both
// backends, in float64 and float32. One spec table; each entry names the np
// function it covers.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { checkGrads, config, np, random, setBackend, useFrontend } from "../runtime/index.js";
import type { NDArray } from "../runtime/ndarray.js";
import { bindModule } from "./helpers/bind-module.js";
import * as fns from "../fixtures/np/functions.js";

const fixture = "fixtures/np/functions.ts";
const source = readFileSync(fixture, "utf8");

interface Case {
  covers: string[];
  /** the function of fixtures/np/functions.ts */
  name: keyof typeof fns;
  /** input shapes and ranges (uniform in [lo, hi]) */
  args: { shape: number[]; lo: number; hi: number }[];
}

const A = (shape: number[], lo = -1.5, hi = 1.5) => ({ shape, lo, hi });
const P = (shape: number[]) => A(shape, 0.3, 2); // positive inputs (log, sqrt, ...)

const cases: Case[] = [
  { covers: ["add", "subtract", "multiply", "divide", "negative"], name: "arithmetic", args: [A([2, 3]), P([3])] },
  { covers: ["power", "square", "sqrt"], name: "powers", args: [P([4]), A([4])] },
  { covers: ["exp", "expm1", "log", "log1p"], name: "exponentials", args: [A([2, 2])] },
  { covers: ["sin", "cos", "tan"], name: "trig", args: [A([5])] },
  { covers: ["arcsin", "arccos", "arctan", "arctan2"], name: "inverseTrig", args: [A([3]), A([3])] },
  { covers: ["sinh", "cosh", "tanh"], name: "hyperbolic", args: [A([2, 3])] },
  // piecewise-constant functions, sampled away from their jumps
  { covers: ["abs", "sign", "floor", "ceil", "round"], name: "steps", args: [A([6], 0.1, 0.4)] },
  { covers: ["maximum", "minimum", "clip", "where"], name: "selections", args: [A([5]), A([5])] },
  { covers: ["sum", "prod", "mean"], name: "reductions", args: [P([2, 3])] },
  { covers: ["max", "min", "argmax", "argmin"], name: "extrema", args: [A([3, 4])] },
  { covers: ["dot", "matmul", "vdot", "outer"], name: "products", args: [A([2, 3], -0.8, 0.8), A([3], -0.8, 0.8)] },
  { covers: ["transpose", "reshape", "expandDims", "squeeze"], name: "shapes", args: [A([3, 2])] },
  { covers: ["concatenate", "stack", "take"], name: "joins", args: [A([3]), A([3])] },
  { covers: ["logaddexp", "sigmoid", "softplus", "logsumexp"], name: "smooth", args: [A([4]), A([4])] },
  { covers: ["zeros", "ones", "full", "zerosLike", "onesLike", "arange", "linspace", "eye", "array"], name: "constructors", args: [A([3])] },
];

const NP_FUNCTIONS = [
  "array", "zeros", "ones", "full", "zerosLike", "onesLike", "arange", "linspace", "eye",
  "add", "subtract", "multiply", "divide", "negative", "power", "square", "sqrt", "exp", "expm1", "log", "log1p",
  "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "abs", "sign",
  "maximum", "minimum", "clip", "where", "floor", "ceil", "round",
  "sum", "prod", "mean", "max", "min", "argmax", "argmin",
  "dot", "matmul", "vdot", "outer", "transpose", "reshape", "expandDims", "squeeze", "concatenate", "stack", "take",
  "logaddexp", "sigmoid", "softplus", "logsumexp",
];

function sample(shape: number[], lo: number, hi: number, seed: number): NDArray {
  const u = random.uniform(random.key(seed), shape, lo, hi);
  return u;
}

const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

beforeAll(() => {
  useFrontend(frontend);
  // what `tsgrad run` does: attach each function's IR, specialised per call signature from the module's source
  bindModule(fixture, fns as Record<string, unknown>);
});
afterAll(() => {
  config.update("enableX64", true);
  setBackend("auto");
});

describe("the np spec table", () => {
  it("covers every np function of the issue", () => {
    expect(new Set(cases.flatMap((c) => c.covers))).toEqual(new Set(NP_FUNCTIONS));
  });
});

for (const x64 of [true, false]) {
  describe.each(backends)(`np functions, ${x64 ? "float64" : "float32"}, %s backend: checkGrads to order 2`, (backend) => {
    for (const c of cases) {
      it(c.covers.join(", "), () => {
        config.update("enableX64", x64);
        setBackend(backend);
        const args = c.args.map((a, k) => sample(a.shape, a.lo, a.hi, 7 + k));
        checkGrads(fns[c.name], args, 2, { modes: ["fwd", "rev"] });
      });
    }
  });
}

describe("np outside compiled code (eager, through the same front-end table)", () => {
  it("reductions, shapes, joins and constructors give numpy's values", () => {
    config.update("enableX64", true);
    const x = np.array([[1, 2, 3], [4, 5, 6]]);
    expect(np.mean(x, 1, true).toJSON()).toEqual([[2], [5]]);
    expect(np.max(x)).toBe(6);
    expect(np.argmin(x, 1).toJSON()).toEqual([0, 0]);
    expect(np.transpose(x).toJSON()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(np.reshape(x, [3, 2]).toJSON()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(np.concatenate([x, x], 0).shape).toEqual([4, 3]);
    expect(np.logsumexp(x)).toBeCloseTo(Math.log([1, 2, 3, 4, 5, 6].reduce((s, v) => s + Math.exp(v), 0)), 12);
    expect(np.arange(4).toJSON()).toEqual([0, 1, 2, 3]);
    expect(np.clip(x, 2, 5).toJSON()).toEqual([[2, 2, 3], [4, 5, 5]]);
  });
});
