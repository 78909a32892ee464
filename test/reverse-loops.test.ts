// Reverse mode through every kind of loop the front end accepts: arrays
// carried through loops (RNN, ODE integrator, fixed point), writes in nested
// loops, in branches inside loops and at computed indices (stencils), break
// and early return, and grad of grad. Each gradient is checked against
// central finite differences of the primal run on the same backend, on both
// backends, and is shown to be reverse mode (it has a reversed loop).

import { describe, expect, test } from "vitest";
import { nativeAvailable } from "../compiler/backends/llvm/toolchain.js";
import { gradFunc } from "../compiler/ad/grad.js";
import { compileSource, formatDiagnostic, type SigTree, type Signature } from "../compiler/frontend/index.js";
import { leaf } from "../compiler/frontend/signature.js";
import { forEachStmt } from "../compiler/ir/analysis.js";
import { type Func, type Stmt, i32, lit, v } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { runFunc } from "../runtime/call.js";
import { hessian, jacfwd, jacrev } from "../runtime/index.js";
import { setBackend } from "../runtime/kernels.js";
import { NDArray } from "../runtime/ndarray.js";
import { type Traced, attach, noCaptures } from "../runtime/traced.js";

type Leaf = number | Float64Array | Float32Array | NDArray;

const src = `
export function rnn(x, W, a) {
  let h = np.zeros([3]);
  for (let t = 0; t < 6; t++) h = np.tanh(h * x * a + W);
  return np.sum(h * h);
}
export function euler(y0, k) {
  let y = y0;
  const dt = 0.05;
  for (let t = 0; t < 20; t++) y = y + dt * (np.sin(y) - k * y);
  return np.sum(y * y);
}
export function sinkhorn(C, a) {
  const K = np.exp(-C);
  let u = np.ones([3]);
  let err = 1;
  let it = 0;
  while (err > 1e-12 && it < 200) {
    const v = 1 / np.dot(K.T, u);
    const un = a / np.dot(K, v);
    err = np.max(np.abs(un - u));
    u = un;
    it++;
  }
  return np.sum(u * np.dot(K, 1 / np.dot(K.T, u)) * np.arange(3));
}
export function nested(x: Float64Array, k: number) {
  const buf = new Float64Array(x.length);
  for (let t = 0; t < 3; t++)
    for (let i = 0; i < x.length; i++) buf[i] = buf[i] * 0.5 + Math.sin(x[i] * k * (t + 1));
  let s = 0;
  for (let i = 0; i < x.length; i++) s += buf[i] * buf[i];
  return s;
}
export function heap(x: Float64Array) {
  const n = x.length;
  const a = new Float64Array(n);
  for (let j = 0; j < n; j++) a[j] = x[j];
  const c = new Int32Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) total += a[j] * (j + 1) * a[(j + 1) % n];
  let i = 1;
  while (i < n) {
    if (c[i] < i) {
      if (i % 2 === 0) {
        const t = a[0];
        a[0] = a[i];
        a[i] = t;
      } else {
        const t = a[c[i]];
        a[c[i]] = a[i];
        a[i] = t;
      }
      for (let j = 0; j < n; j++) total += a[j] * (j + 1) * a[(j + 1) % n];
      c[i] += 1;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return total;
}
export function gaussSeidel(u0: Float64Array, f: Float64Array) {
  const n = u0.length;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = u0[i];
  for (let t = 0; t < 4; t++)
    for (let i = 1; i < n - 1; i++) u[i] = 0.5 * (u[i - 1] + u[i + 1]) + f[i] * Math.sin(u[i]);
  let s = 0;
  for (let i = 0; i < n; i++) s += u[i] * u[i] * (i + 1);
  return s;
}
export function jacobi(u0: Float64Array, f: Float64Array) {
  const n = u0.length;
  let u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = u0[i];
  for (let t = 0; t < 4; t++) {
    const un = new Float64Array(n);
    un[0] = u[0];
    un[n - 1] = u[n - 1];
    for (let i = 1; i < n - 1; i++) un[i] = 0.5 * (u[i - 1] + u[i + 1]) + f[i] * Math.sin(u[i]);
    u = un;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += u[i] * u[i] * (i + 1);
  return s;
}
export function fill(x: Float64Array, k: number) {
  const buf = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) buf[i] = Math.sin(x[i] * k);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += buf[i];
  return s;
}
export function fill32(x: Float32Array, k: number) {
  const buf = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) buf[i] = Math.sin(x[i] * k);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += buf[i];
  return s;
}
export function fillBranches(x: Float64Array, k: number) {
  const buf = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0) buf[i] = Math.sin(x[i] * k);
    else {
      buf[i] = Math.cos(x[i] * k);
      if (i > 0) buf[i - 1] = buf[i - 1] * buf[i];
    }
  }
  let s = 0;
  for (let i = 0; i < x.length; i++) s += buf[i] * (i + 1);
  return s;
}
export function branchLoop(x: Float64Array, k: number) {
  const buf = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0) {
      buf[i] = Math.sin(x[i] * k);
      let t = 0;
      for (let j = 0; j <= i; j++) t += buf[j] * x[j];
      buf[i] = t;
    } else buf[i] = x[i] * k;
  }
  let s = 0;
  for (let i = 0; i < x.length; i++) s += buf[i] * (i + 1);
  return s;
}
export function rnnBreak(x, W) {
  let h = np.zeros([3]);
  for (let t = 0; t < 10; t++) {
    h = np.tanh(h * x + W);
    if (np.sum(h) > 1.2) break;
  }
  return np.sum(h * h);
}
export function earlyReturn(x: Float64Array) {
  const buf = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    buf[i] = x[i] * x[i];
    s += buf[i];
    if (s > 3) return s * buf[i];
  }
  return s;
}
export function doWhileContinue(x: Float64Array) {
  const buf = new Float64Array(x.length);
  let i = 0;
  let s = 0;
  do {
    buf[i] = Math.exp(x[i] * 0.3);
    if (x[i] < 0) {
      i++;
      continue;
    }
    s += buf[i] * x[i];
    i++;
  } while (i < x.length);
  for (let j = 1; j < x.length; j++) s += buf[j] * buf[j - 1];
  return s;
}
export function loopsInBranches(x, W) {
  let h = np.ones([3]);
  if (np.sum(x) > 0) {
    for (let t = 0; t < 3; t++) h = np.sin(h * x + W);
  } else {
    for (let t = 0; t < 4; t++) h = np.cos(h * W) * x;
  }
  return np.sum(h * h);
}
export function pytreeState(p, x) {
  let h = x;
  let c = np.zeros([3]);
  for (let t = 0; t < 4; t++) {
    c = c * 0.5 + np.tanh(h * p.w);
    h = np.sin(c + p.b) * h;
  }
  return np.sum(h) + np.sum(c * c);
}
`;

const vec = (_n: number) => leaf("f64", 1);
const dict = (entries: Record<string, SigTree>): SigTree => {
  const keys = Object.keys(entries).sort();
  return { kind: "dict", keys, items: keys.map((k) => entries[k]) };
};
const signatures: Record<string, Signature> = {
  rnn: { params: [vec(3), vec(3), leaf("f64")] },
  euler: { params: [vec(4), leaf("f64")] },
  sinkhorn: { params: [leaf("f64", 2), vec(3)] },
  rnnBreak: { params: [vec(3), vec(3)] },
  loopsInBranches: { params: [vec(3), vec(3)] },
  pytreeState: { params: [dict({ b: vec(3), w: vec(3) }), vec(3)] },
};

const compiled = compileSource(src, { fileName: "reverse-loops.ts", signatures });

function primal(name: string): Func {
  expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
  const f = compiled.funcs.get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f;
}

const f64s = (...xs: number[]) => Float64Array.from(xs);
const flat = (x: unknown): number[] => (typeof x === "number" ? [x] : x instanceof NDArray ? Array.from(x.data) : Array.from(x as Float64Array));

/** Copies of `args` with element `j` of leaf `k` moved by `h`. */
function moved(args: Leaf[], k: number, j: number, h: number): Leaf[] {
  return args.map((a, m) => {
    if (m !== k) return a;
    if (typeof a === "number") return a + h;
    if (a instanceof NDArray) {
      const d = Float64Array.from(a.data);
      d[j] += h;
      return new NDArray(d, a.shape, a.dtype);
    }
    const d = a.slice();
    d[j] += h;
    return d;
  });
}

/** Central differences of result 0 of `f` with respect to leaves `argnums`. */
function finiteDifferences(f: Func, args: Leaf[], argnums: number[], h = 1e-6): number[][] {
  const value = (xs: Leaf[]) => runFunc(f, xs)[0] as number;
  return argnums.map((k) => flat(args[k]).map((_, j) => (value(moved(args, k, j, h)) - value(moved(args, k, j, -h))) / (2 * h)));
}

function reversedLoops(f: Func): number {
  let n = 0;
  forEachStmt(f.body, (s) => s.kind === "for" && s.reverse && n++);
  return n;
}

function expectClose(got: number[], want: number[], tol: number) {
  expect(got.length).toBe(want.length);
  got.forEach((g, j) => expect(Math.abs(g - want[j]), `element ${j}: ${g} vs ${want[j]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[j]))));
}

/** The gradient by reverse mode, checked against finite differences of the primal on the current backend. */
function checkGrad(f: Func, args: Leaf[], argnums: number[], tol = 1e-6, fd: (xs: Leaf[]) => number[][] = (xs) => finiteDifferences(f, xs, argnums)) {
  const g = gradFunc(f, { argnums, keep: [] });
  verifyFunc(g);
  expect(reversedLoops(g)).toBeGreaterThan(0);
  const got = runFunc(g, args);
  const want = fd(args);
  argnums.forEach((_, m) => expectClose(flat(got[m]), want[m], tol));
  return g;
}

/** A runtime function whose IR is `func` (as test/jacobian.test.ts builds them), for jacrev and hessian. */
function asFunction(func: Func): (...args: unknown[]) => unknown {
  const t: Traced = { name: func.name, arity: func.params.length, paramNames: func.params.map((p) => p.name), captures: noCaptures, instantiate: () => ({ func, out: { kind: "leaf" } }) };
  return attach(() => {
    throw new Error("runs through its IR");
  }, t);
}

/** `f` returning element j of its first (rank-1) result. */
function elementOf(f: Func, j: number): Func {
  const out = v("grad_element", { dtype: f.body.results[0].type.dtype, rank: 0 });
  const get: Stmt = { kind: "prim", outs: [out], prim: "arr_get", args: [f.body.results[0], lit(j, i32)] };
  return { ...f, body: { stmts: [...f.body.stmts, get], results: [out] } };
}

const backends = (["js", "native"] as const).filter((b) => b === "js" || nativeAvailable().ok);

for (const backend of backends) {
  describe(`reverse mode through loops (${backend})`, () => {
    const on = () => setBackend(backend);

    test("RNN h = tanh(h * x * a + W) carried over 6 steps, array parameters", () => {
      on();
      checkGrad(primal("rnn"), [f64s(0.5, -0.8, 1.1), f64s(0.3, 0.1, -0.4), 0.9], [0, 1, 2]);
    });

    test("explicit Euler integrator carrying a state array", () => {
      on();
      checkGrad(primal("euler"), [f64s(0.5, -1, 2, 0.1), 0.7], [0, 1]);
    });

    test("Sinkhorn-like fixed point: while with a tolerance", () => {
      on();
      const C = new NDArray(f64s(0.2, 1, 0.5, 0.7, 0.1, 0.9, 0.4, 0.6, 0.3), [3, 3], "float64");
      checkGrad(primal("sinkhorn"), [C, f64s(0.2, 0.5, 0.3)], [0, 1], 1e-5);
    });

    test("writes in a loop nested in another loop", () => {
      on();
      checkGrad(primal("nested"), [f64s(0.5, -1.25, 2, 3.5), 0.8], [0, 1]);
    });

    test("writes inside branches inside a while: Heap's permutations", () => {
      on();
      checkGrad(primal("heap"), [f64s(0.5, -1.25, 2, 1.5)], [0]);
    });

    test("stencil in place (Gauss-Seidel) and with a new array per step (Jacobi)", () => {
      on();
      const args: Leaf[] = [f64s(0.1, 0.7, -0.3, 0.9, 0.4, -0.2), f64s(0.2, 0.5, -0.4, 0.3, 0.6, 0.1)];
      checkGrad(primal("gaussSeidel"), args, [0, 1]);
      checkGrad(primal("jacobi"), args, [0, 1]);
    });

    test("buffer fill then sum, float64 and float32", () => {
      on();
      const x = f64s(0.5, -1.25, 2, 3.5, 0.1);
      checkGrad(primal("fill"), [x, 0.8], [0, 1]);
      // float32: against finite differences of the float64 program
      checkGrad(primal("fill32"), [Float32Array.from(x), 0.8], [0, 1], 1e-4, (xs) => finiteDifferences(primal("fill"), [Float64Array.from(xs[0] as Float32Array), xs[1]], [0, 1]));
    });

    test("writes inside branches inside a loop, at computed indices (undo logs)", () => {
      on();
      checkGrad(primal("fillBranches"), [f64s(0.5, -1.25, 2, -3.5, -0.1, 0.3), 0.8], [0, 1]);
      // a branch with a loop reading the elements it has just written
      checkGrad(primal("branchLoop"), [f64s(0.5, -1.25, 2, -3.5, 0.1, 0.3), 0.8], [0, 1]);
    });

    test("break and early return inside loops carrying arrays", () => {
      on();
      checkGrad(primal("rnnBreak"), [f64s(0.5, -0.8, 1.1), f64s(0.3, 0.1, 0.4)], [0, 1]);
      checkGrad(primal("earlyReturn"), [f64s(0.5, -1.25, 1.5, 0.2)], [0]);
      checkGrad(primal("earlyReturn"), [f64s(0.5, -0.25, 0.5, 0.2)], [0]);
    });

    test("do-while with continue writing a buffer; loops inside both branches of an if", () => {
      on();
      checkGrad(primal("doWhileContinue"), [f64s(0.5, -1.25, 2, -0.5, 1)], [0]);
      checkGrad(primal("loopsInBranches"), [f64s(0.5, -0.8, 1.1), f64s(0.3, 0.1, -0.4)], [0, 1]);
      checkGrad(primal("loopsInBranches"), [f64s(-0.5, -0.8, 1.1), f64s(0.3, 0.1, -0.4)], [0, 1]);
    });

    test("a pytree of state: several carried arrays, parameters in a dict", () => {
      on();
      // the dict's leaves are parameters 0 (b) and 1 (w), then x
      checkGrad(primal("pytreeState"), [f64s(0.1, -0.2, 0.3), f64s(0.5, 0.9, -0.7), f64s(0.4, -1, 0.6)], [0, 1, 2]);
    });

    test("grad of grad: reverse over reverse through loops with array writes and carried arrays", () => {
      on();
      for (const [name, args] of [
        ["fill", [f64s(0.5, -1.25, 2), 0.8]],
        ["nested", [f64s(0.5, -1.25, 2), 0.8]],
        ["fillBranches", [f64s(0.5, -1.25, 2, -0.5), 0.8]],
        ["rnn", [f64s(0.5, -0.8, 1.1), f64s(0.3, 0.1, -0.4), 0.9]],
      ] as [string, Leaf[]][]) {
        const k = args.length - 1;
        const dk = gradFunc(primal(name), { argnums: [k], keep: [] }); // d f / d k, a scalar
        checkGrad(dk, args, [0, k], 1e-5);
      }
    });

    test("jacrev and hessian = jacfwd(jacrev) through loops carrying and writing arrays", () => {
      on();
      for (const [name, args] of [
        ["fill", [f64s(0.5, -1.25, 2), 0.8]],
        ["gaussSeidel", [f64s(0.1, 0.7, -0.3, 0.9), f64s(0.2, 0.5, -0.4, 0.3)]],
        ["rnn", [f64s(0.5, -0.8, 1.1), f64s(0.3, 0.1, -0.4), 0.9]],
      ] as [string, Leaf[]][]) {
        const f = primal(name);
        const fn = asFunction(f);
        expectClose(flat(jacrev(fn, 0)(...args)), finiteDifferences(f, args, [0])[0], 1e-6);
        const g = gradFunc(f, { argnums: [0], keep: [] }); // its first result: the gradient with respect to x
        const n = flat(args[0]).length;
        const rows = Array.from({ length: n }, (_, j) => finiteDifferences(elementOf(g, j), args, [0])[0]);
        expectClose(flat(hessian(fn, 0)(...args)), rows.flat(), 1e-5);
        expectClose(flat(jacfwd(jacrev(fn, 0), 0)(...args)), rows.flat(), 1e-5);
      }
    });
  });
}

test.each(["fill", "fillBranches"])("%s: the gradient's writes are in place (time per element does not grow with n)", (name) => {
  setBackend("js");
  const g = gradFunc(primal(name), { argnums: [0, 1], keep: [] });
  const perElement = (n: number) => {
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    runFunc(g, [x, 0.5]);
    const t0 = performance.now();
    runFunc(g, [x, 0.5]);
    return (performance.now() - t0) / n;
  };
  perElement(2000);
  const small = Math.min(perElement(2000), perElement(2000));
  const large = Math.min(perElement(32000), perElement(32000));
  // a copy of the buffer per write would make the large case 16 times slower per element
  expect(large).toBeLessThan(4 * small + 1e-3);
});
