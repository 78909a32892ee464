// `np` outside compiled code takes every argument the compiled `np` takes,
// with the same semantics: one table of calls (positional axes, keepdims,
// options objects, dtypes, shapes), each evaluated eagerly and inside a
// compiled function (`jit` of an arrow making the same call), compared.
import { beforeAll, describe, expect, it } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { jit, np, useFrontend } from "../runtime/index.js";
import { NDArray } from "../runtime/ndarray.js";

beforeAll(() => useFrontend(frontend));

const M = np.array([[1.5, -2, 3], [0.25, 4, -1]]);
const v = np.array([0.5, -1.5, 2]);
const w = np.array([2, 1, -0.5]);
const idx = np.array([2, 0], "int32");

type Fn = (...xs: unknown[]) => unknown;
/** A plain function from source text (as a user's .mjs would have it), so vitest does not rename `np` in it. */
const fn = (src: string): Fn => new Function("np", `return ${src}`)(np) as Fn;
// [what, eager call, the same call in compiled code, its array arguments]
const cases: [string, () => unknown, Fn, NDArray[]][] = [
  ["sum(x, 1)", () => np.sum(M, 1), fn("(x) => np.sum(x, 1)"), [M]],
  ["sum(x, 0, true)", () => np.sum(M, 0, true), fn("(x) => np.sum(x, 0, true)"), [M]],
  ["sum(x, { axis: -1 })", () => np.sum(M, { axis: -1 }), fn("(x) => np.sum(x, { axis: -1 })"), [M]],
  ["mean(x, [0, 1], true)", () => np.mean(M, [0, 1], true), fn("(x) => np.mean(x, [0, 1], true)"), [M]],
  ["max(x, 0)", () => np.max(M, 0), fn("(x) => np.max(x, 0)"), [M]],
  ["argmax(x, 1)", () => np.argmax(M, 1), fn("(x) => np.argmax(x, 1)"), [M]],
  ["prod(x, 1)", () => np.prod(M, 1), fn("(x) => np.prod(x, 1)"), [M]],
  ["logsumexp(x, 1)", () => np.logsumexp(M, 1), fn("(x) => np.logsumexp(x, 1)"), [M]],
  ["dot(M, v)", () => np.dot(M, v), fn("(a, b) => np.dot(a, b)"), [M, v]],
  ["dot(v, w)", () => np.dot(v, w), fn("(a, b) => np.dot(a, b)"), [v, w]],
  ["vdot(v, w)", () => np.vdot(v, w), fn("(a, b) => np.vdot(a, b)"), [v, w]],
  ["matmul(M, M.T)", () => np.matmul(M, np.transpose(M)), fn("(a) => np.matmul(a, np.transpose(a))"), [M]],
  ["outer(v, w)", () => np.outer(v, w), fn("(a, b) => np.outer(a, b)"), [v, w]],
  ["transpose(x, [1, 0])", () => np.transpose(M, [1, 0]), fn("(x) => np.transpose(x, [1, 0])"), [M]],
  ["reshape(x, [3, 2])", () => np.reshape(M, [3, 2]), fn("(x) => np.reshape(x, [3, 2])"), [M]],
  ["expandDims(v, 0)", () => np.expandDims(v, 0), fn("(x) => np.expandDims(x, 0)"), [v]],
  ["concatenate([M, M], 1)", () => np.concatenate([M, M], 1), fn("(x) => np.concatenate([x, x], 1)"), [M]],
  ["stack([v, w], 1)", () => np.stack([v, w], 1), fn("(a, b) => np.stack([a, b], 1)"), [v, w]],
  ["clip(v, -1, 1)", () => np.clip(v, -1, 1), fn("(x) => np.clip(x, -1, 1)"), [v]],
  ["where(v > 0, v, w)", () => np.where(np.array([true, false, true]), v, w), fn("(a, b) => np.where(np.array([true, false, true]), a, b)"), [v, w]],
  ["softplus(v)", () => np.softplus(v), fn("(x) => np.softplus(x)"), [v]],
  ["logaddexp(v, w)", () => np.logaddexp(v, w), fn("(a, b) => np.logaddexp(a, b)"), [v, w]],
  ["zeros([2, 3])", () => np.zeros([2, 3]), fn("() => np.zeros([2, 3])"), []],
  ["full([2], 7)", () => np.full([2], 7), fn("() => np.full([2], 7)"), []],
  ["arange(1, 7, 2)", () => np.arange(1, 7, 2), fn("() => np.arange(1, 7, 2)"), []],
  ["linspace(0, 1, 5)", () => np.linspace(0, 1, 5), fn("() => np.linspace(0, 1, 5)"), []],
  ["eye(3)", () => np.eye(3), fn("() => np.eye(3)"), []],
  ["take(v, idx)", () => np.take(v, idx), fn("(x, i) => np.take(x, i)"), [v, idx]],
];

const plain = (x: unknown) => (x instanceof NDArray ? { shape: x.shape, dtype: x.dtype, data: Array.from(x.data) } : x);

describe("eager np = compiled np", () => {
  for (const [what, eager, compiled, args] of cases) {
    it(what, () => {
      const want = plain(jit(compiled)(...args));
      expect(plain(eager())).toEqual(want);
    });
  }
});
