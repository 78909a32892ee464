// Kernels over typed arrays (fixtures/kernels/kernels.ts) through `tsgrad run`'s
// path: indexed reads and writes, gather/scatter through Int32Arrays, overwritten
// values; gradients against central finite differences, on both backends.
// Gradients of Float64Array inputs come back as Float64Arrays.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as frontend from "../compiler/frontend/index.js";
import { nativeAvailable } from "../compiler/backends/llvm/index.js";
import { grad, np, setBackend, useFrontend } from "../runtime/index.js";
import { bindModule } from "./helpers/bind-module.js";
import { NDArray } from "../runtime/ndarray.js";
import * as kernels from "../fixtures/kernels/kernels.js";

const fixture = "fixtures/kernels/kernels.ts";
const source = readFileSync(fixture, "utf8");
const backends = nativeAvailable().ok ? (["js", "native"] as const) : (["js"] as const);

beforeAll(() => {
  useFrontend(frontend);
  bindModule(fixture, kernels as Record<string, unknown>);
});

const x = Float64Array.from([0.3, -0.7, 1.1, 0.4, 0.9, -0.2]);
const y = Float64Array.from([0.5, 0.1, -0.3, 0.8, -1.2, 0.6]);
const idx = Int32Array.from([2, 0, 5, 2, 1, 4]);

/** Central finite differences of a scalar function of a Float64Array, run as plain JS. */
function fd(f: (v: Float64Array) => number, v: Float64Array, h = 1e-6): number[] {
  return Array.from(v, (_, k) => {
    const p = v.slice(), m = v.slice();
    p[k] += h;
    m[k] -= h;
    return (f(p) - f(m)) / (2 * h);
  });
}

// the plain JS semantics of the kernels, for the finite differences
const js = {
  saxpyNorm: (v: Float64Array) => v.reduce((s, xi, i) => s + (0.7 * xi + y[i]) ** 2, 0),
  gather: (v: Float64Array) => Array.from(idx).reduce((s, j, i) => s + Math.sin(v[j]) * v[i], 0),
  scatter: (v: Float64Array) => {
    const bins = new Float64Array(4);
    v.forEach((xi, i) => (bins[idx[i] % 4] += xi * xi));
    return bins.reduce((s, b) => s + Math.tanh(b), 0);
  },
  recurrence: (v: Float64Array) => {
    const h = new Float64Array(v.length);
    h[0] = v[0];
    for (let i = 1; i < v.length; i++) h[i] = Math.tanh(0.8 * h[i - 1] + v[i]);
    h[0] = h[0] * h[v.length - 1];
    return h.reduce((s, hi, i) => s + hi * v[i], 0);
  },
  overwrite: (v: Float64Array) => Array.from(v).reduce((s, t, i) => s + t * (t * t + Math.sin(v[i])), 0),
};

describe.each(backends)("kernels on the %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  const close = (got: ArrayLike<number>, want: number[]) => want.forEach((w, k) => expect(got[k]).toBeCloseTo(w, 6));

  it("saxpy then a norm: gradient w.r.t. the Float64Array and the scalar", () => {
    const [gx, ga] = grad(kernels.saxpyNorm, [0, 2])(x, y, 0.7);
    expect(gx).toBeInstanceOf(Float64Array);
    close(gx, fd(js.saxpyNorm, x));
    const f = (a: number) => x.reduce((s, xi, i) => s + (a * xi + y[i]) ** 2, 0);
    expect(ga).toBeCloseTo((f(0.7 + 1e-6) - f(0.7 - 1e-6)) / 2e-6, 6);
  });

  it("gather through an Int32Array (reverse: scatter-add)", () => {
    close(grad(kernels.gather)(x, idx), fd(js.gather, x));
  });

  it("scatter-add through an Int32Array (reverse: gather)", () => {
    const idx4 = Int32Array.from(idx, (j) => j % 4);
    close(grad(kernels.scatter)(x, idx4, 4), fd(js.scatter, x));
  });

  it("a recurrence whose first element is overwritten after it was read", () => {
    close(grad(kernels.recurrence)(x, 0.8), fd(js.recurrence, x));
  });

  it("elements read, overwritten from themselves, read again", () => {
    close(grad(kernels.overwrite)(x), fd(js.overwrite, x));
  });

  it("numpy indexing of rows", () => {
    const A = np.array([[0.3, -0.5, 1.2], [0.7, 0.1, -0.4]]);
    const g = grad(kernels.rows)(A) as NDArray;
    const want = [0.3, -0.5, 1.2, 0.7 * 2, 0.1 * 2, -0.4 * 2].map((v) => 2 * v);
    want.forEach((w, k) => expect(g.data[k]).toBeCloseTo(w, 12));
  });
});

describe.each(backends)("bad input at the boundary, %s backend", (backend) => {
  beforeAll(() => setBackend(backend));

  it("shapes that do not fit name the arguments and their shapes (and nothing is read out of bounds)", () => {
    expect(() => grad(kernels.project)(np.array([1, 2, 3, 4]), np.array([[1, 2, 3], [4, 5, 6]]))).toThrow(
      "grad: grad(project): the argument shapes do not fit together (W: [4], X: [2, 3])",
    );
  });

  it("a rank the function cannot take names the arguments, their ranks and the operation", () => {
    expect(() => grad(kernels.project)(np.zeros([2, 2, 2]), np.ones([2, 2]))).toThrow(
      /project does not compile for these arguments \(args\[0\]: f64 rank 3, args\[1\]: f64 rank 2\):\n.*error TSG1030: `np.dot`/,
    );
  });

  it("a leaf that is not a number or an array names its path", () => {
    expect(() => grad(kernels.project)({ layers: [{ W: 1 }, { W: "x" }] }, 1)).toThrow('grad: W.layers[1].W: expected a number, an array or a pytree of them, got string "x"');
  });
});
